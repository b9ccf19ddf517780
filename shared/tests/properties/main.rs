//! Properties over arbitrary input: the parsers never panic, whatever JSON
//! (or non-JSON) arrives, and the final status of a message does not depend
//! on the order its statuses arrive in.

mod parsing;
mod statuses;
mod strategies;
