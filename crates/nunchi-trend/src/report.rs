//! What the monitor reports: bucket rows of the series, alerts and episodes.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::terms::TermCount;

/// One bucket of one scope (all posts, or the posts that mention one target) with posts: a
/// bucket without posts has no row (see [the series](crate#the-series)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BucketRow {
    /// The target, or `None` for all posts.
    pub target: Option<String>,
    /// Bucket start, in the monitor's zone.
    pub start: DateTime<FixedOffset>,
    /// Bucket end (the next bucket's start).
    pub end: DateTime<FixedOffset>,
    /// Posts in the bucket.
    pub posts: u32,
    /// Negative posts.
    pub negative: u32,
    /// Neutral posts.
    pub neutral: u32,
    /// Positive posts.
    pub positive: u32,
    /// Negative posts / posts (always set: a row has posts).
    pub negative_share: Option<f64>,
    /// Mean polarity of the posts (always set: a row has posts).
    pub mean_polarity: Option<f64>,
    /// The baseline negative share it was compared with; `None` while the baseline warms up.
    pub baseline_share: Option<f64>,
    /// Negative posts expected from the bucket's other posts at the baseline ratio of
    /// negative to other posts: (posts − negative) · p0 / (1 − p0).
    pub expected_negative: Option<f64>,
    /// One-sided p-value of the share test (see the crate docs).
    pub p_share: Option<f64>,
    /// One-sided p-value of the count test.
    pub p_count: Option<f64>,
    /// The most frequent negative evidence terms of the bucket's negative posts.
    pub top_negative_terms: Vec<TermCount>,
}

/// Which rule raised an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// One bucket passed both tests at `alpha`.
    Single,
    /// `persist_buckets` consecutive buckets, each above expectation, passed both tests at
    /// `alpha` pooled.
    Persistent,
}

/// The start of an episode, reported as soon as the evidence suffices (possibly before the
/// bucket that triggered it has closed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// The episode's id (unique within one monitor, increasing).
    pub episode: u32,
    /// The target, or `None` for all posts.
    pub target: Option<String>,
    /// Start of the episode: the alerting bucket, or the first of the run of elevated
    /// buckets just before it.
    pub start: DateTime<FixedOffset>,
    /// Start of the bucket that raised the alert.
    pub bucket: DateTime<FixedOffset>,
    /// When the evidence sufficed: the time of the post that tipped it, or the bucket's end
    /// when it was decided at closing.
    pub detected_at: DateTime<FixedOffset>,
    /// The rule that fired.
    pub trigger: Trigger,
    /// Posts in the alerting bucket so far.
    pub posts: u32,
    /// Negative posts in the alerting bucket so far.
    pub negative: u32,
    /// Negative posts expected there from its other posts (see
    /// [`BucketRow::expected_negative`]).
    pub expected_negative: f64,
    /// The baseline negative share.
    pub baseline_share: f64,
    /// p-value of the share test.
    pub p_share: f64,
    /// p-value of the count test.
    pub p_count: f64,
    /// The most frequent negative terms of the episode so far.
    pub top_negative_terms: Vec<TermCount>,
}

/// A wave of negative posts: from its start through its peak to its return to baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    /// Id, as in the [`Alert`] that opened it.
    pub episode: u32,
    /// The target, or `None` for all posts.
    pub target: Option<String>,
    /// Start of its first bucket.
    pub start: DateTime<FixedOffset>,
    /// When it was detected (see [`Alert::detected_at`]).
    pub detected_at: DateTime<FixedOffset>,
    /// The rule that opened it.
    pub trigger: Trigger,
    /// Start of the bucket with the most negative posts above the baseline.
    pub peak: DateTime<FixedOffset>,
    /// End of its last bucket: where the calm stretch that closed it begins; `None` while
    /// it goes on.
    pub end: Option<DateTime<FixedOffset>>,
    /// When the end was known (the close of the calm stretch); `None` while it goes on.
    pub ended_at: Option<DateTime<FixedOffset>>,
    /// Number of buckets from start to end.
    pub buckets: u32,
    /// Posts in those buckets.
    pub posts: u64,
    /// Negative posts in those buckets.
    pub negative: u64,
    /// Negative posts expected there from their other posts (see
    /// [`BucketRow::expected_negative`]).
    pub expected_negative: f64,
    /// The episode's size: negative posts above the baseline (`negative - expected_negative`).
    pub excess_negative: f64,
    /// The baseline negative share it was measured against.
    pub baseline_share: f64,
    /// Negative posts in the peak bucket.
    pub peak_negative: u32,
    /// Negative share in the peak bucket.
    pub peak_negative_share: f64,
    /// The most frequent negative terms over the episode.
    pub top_negative_terms: Vec<TermCount>,
}

/// What a [`Monitor`](crate::Monitor) reports, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A bucket of one scope closed (one event per scope with posts in it, all posts
    /// first).
    Bucket(BucketRow),
    /// An episode started.
    EpisodeStarted(Alert),
    /// An episode ended.
    EpisodeEnded(Episode),
}
