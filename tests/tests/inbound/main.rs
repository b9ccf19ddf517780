//! The inbound spine against moto: webhook → SQS → processor → DynamoDB.
//! Run through `make test`, which starts moto and sets the endpoint.

mod delivery;
mod failures;
mod function_url;
mod large;
mod profile;
mod signature;
mod statuses;
mod types;
mod verification;
