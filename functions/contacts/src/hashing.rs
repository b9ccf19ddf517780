//! The subject-hash key's cache lives in `shared` (the sender and the
//! processor hash too, for the suppression list).

pub use shared::adapters::hashing::SecretHasher;
