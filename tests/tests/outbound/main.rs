//! The outbound path against moto and the Graph API simulator:
//! command → sender → simulator → signed status webhooks → stored status.

mod common;
mod consent;
mod crash;
mod kinds;
mod loop_back;
mod media_s3;
mod pacing;
mod retries;
mod rules;
mod window;
