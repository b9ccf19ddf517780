//! Reliability and security against moto: what the functions log, and how
//! they answer bad input without writing anything partial.
//! Run through `make test`, which starts moto and sets the endpoint.

mod bad_input;
mod capture;
mod chaos;
mod redaction;
