//! Message templates as Meta holds them (issue #16): the definition read
//! from `GET /{waba-id}/message_templates` and updated by the four template
//! webhooks, and the check of a template command against it before any
//! call to Meta. The store is a port (`ports::templates`); this module has
//! no I/O.

mod check;
mod layout;
mod model;
mod webhook;

pub use check::{check_command, TemplateRefusal};
pub use layout::{layout, Button, Header, Layout, Placeholders};
pub use model::{language_key, TemplateDefinition, TemplateKey, WabaId};
pub use webhook::{template_change, TemplateChange, TemplateUpdate, TEMPLATE_FIELDS};
