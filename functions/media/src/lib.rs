//! The media function (docs/media.md): copies each customer's file named
//! by a job on the media queue from Meta to the stack's bucket, checked
//! against Meta's size and sha256, records it on the message item and
//! tells internal systems (`media.stored`), or gives a final answer
//! (`media.unavailable`, `media.failed`).

pub mod aws;
mod checked;
pub mod config;
mod copy;
mod handler;

use shared::ports::contacts::SubjectHasher;
use shared::ports::media::{MediaBucket, MediaGraph, MediaRecords};
use shared::ports::{Clock, EventSink};

pub use copy::{CopyError, Done};

/// Which adapter serves each port: `aws.rs` names the deployed ones, the
/// tests the in-memory fakes or moto's.
pub trait MediaPorts {
    type Bucket: MediaBucket;
    type Graph: MediaGraph;
    type Records: MediaRecords;
    type Events: EventSink;
    type Hasher: SubjectHasher;
    type Clock: Clock;
}

pub struct Media<P: MediaPorts> {
    pub bucket: P::Bucket,
    pub graph: P::Graph,
    pub records: P::Records,
    pub events: P::Events,
    pub hasher: P::Hasher,
    pub clock: P::Clock,
    /// The queue's `maxReceiveCount` (config).
    pub max_receives: u32,
}
