//! Automation and events against moto (and the simulator where a reply is
//! actually sent): rules, opt-out, hand-off, abuse guards, the events contract.

mod common;
mod conditions;
mod events;
mod guards;
mod optout;
mod restriction;
mod rules;
