//! The contacts handler against the in-memory fakes of its ports. The same
//! routes run against moto in `tests/tests/contacts`; these cover what is
//! awkward to arrange there: a storage outage, an expired profile that TTL
//! has not deleted yet, a fixed clock.

mod bucket;
mod changes;
mod erasure;
mod media;
mod reads;
mod support;
