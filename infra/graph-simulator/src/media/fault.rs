//! Faults a test can attach to one media id (`faults.media` in the
//! run-time configuration), for the failure paths of a media downloader.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaFault {
    /// `GET /{media-id}` answers 100/33 as for an expired id; URLs already
    /// handed out answer 404.
    NotFound,
    /// The id answers, its download URL answers 404 (Meta's advice: ask
    /// for a new URL, then renew the token).
    #[serde(rename = "download_404")]
    Download404,
    /// The download answers 500.
    #[serde(rename = "download_500")]
    Download500,
    /// The download's last byte is changed: same size, sha256 mismatch.
    Corrupt,
    /// The download stops half-way (fewer bytes than `file_size`).
    Truncated,
    /// The download carries 1 KB more than `file_size` said.
    Padded,
}
