//! The adapters a deployed retention sweep uses: the table, and the media
//! bucket. `main.rs` builds them from its config and runs.

use shared::adapters::dynamo::DynamoStore;
use shared::adapters::s3::{self, S3MediaBucket};
use shared::ports::SystemClock;

use crate::config::Config;
use crate::Sweeper;

pub type Deployed = Sweeper<DynamoStore, DynamoStore, DynamoStore, SystemClock, S3MediaBucket>;

/// The sweep on the AWS clients of `sdk`, as `config` names its table and
/// bucket. Nothing is fetched here.
pub fn sweeper(sdk: &aws_config::SdkConfig, config: Config) -> Deployed {
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name);
    Sweeper {
        sweep: store.clone(),
        receipts: store.clone(),
        eraser: store,
        clock: SystemClock,
        media: S3MediaBucket::new(s3::client(sdk), config.media_bucket),
        settings: config.settings,
    }
}
