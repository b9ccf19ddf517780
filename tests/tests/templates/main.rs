//! The template store end to end (docs/templates.md): the review function's
//! sync against the Graph API simulator over HTTP into moto, the sender's
//! check before any call to Meta, and a template webhook posted by the
//! simulator through the webhook and the processor.

mod checks;
mod common;
mod sync;
