//! The crate's error type.

/// Everything that can go wrong when parsing settings and times, feeding a [`Monitor`]
/// or writing results.
///
/// [`Monitor`]: crate::Monitor
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A timestamp in none of the accepted formats, or out of range.
    #[error("cannot read timestamp {value:?}: {reason}")]
    Timestamp {
        /// The value as given.
        value: String,
        /// Why it was not accepted.
        reason: String,
    },
    /// A time zone that is neither an IANA name, `UTC` nor a fixed offset like `+09:00`.
    #[error("unknown time zone {value:?}: expected an IANA name (Asia/Seoul), UTC or an offset (+09:00)")]
    TimeZone {
        /// The value as given.
        value: String,
    },
    /// A bucket width that is not a positive whole number of `s`, `m`, `h` or `d`.
    #[error("invalid bucket width {value:?}: {reason}")]
    BucketWidth {
        /// The value as given.
        value: String,
        /// Why it was not accepted.
        reason: &'static str,
    },
    /// A target that cannot be matched (empty after normalisation).
    #[error("invalid target {value:?}: {reason}")]
    Target {
        /// The target as given.
        value: String,
        /// Why it was not accepted.
        reason: &'static str,
    },
    /// A detector or monitor setting out of its range.
    #[error("invalid setting {name} = {value}: {reason}")]
    Config {
        /// The setting's field name.
        name: &'static str,
        /// Its value, printed.
        value: String,
        /// The allowed range.
        reason: &'static str,
    },
    /// An observation for a bucket that is already closed; it was not counted.
    #[error("observation at {time} is late: buckets before {open_from} are closed")]
    LateObservation {
        /// The observation's time (unix seconds).
        time: i64,
        /// Start of the oldest bucket still open (unix seconds).
        open_from: i64,
    },
    /// An observation so far after the newest bucket that accepting it would close more
    /// buckets than the monitor's `max_gap_buckets` at once (usually a broken timestamp).
    #[error("observation at {time} is {buckets} buckets after the newest one at {newest} (the limit is {limit})")]
    TooFarAhead {
        /// The observation's time (unix seconds).
        time: i64,
        /// Start of the newest open bucket (unix seconds).
        newest: i64,
        /// How many buckets ahead it is.
        buckets: u64,
        /// The monitor's `max_gap_buckets`.
        limit: u64,
    },
    /// An observation naming a target index that the monitor was not configured with.
    #[error("observation names target #{index}, but only {count} target(s) are configured")]
    UnknownTarget {
        /// The index given.
        index: usize,
        /// How many targets there are.
        count: usize,
    },
    /// An observation whose polarity is not a finite number in [-1, 1].
    #[error("observation polarity {polarity} is not a number in [-1, 1]")]
    InvalidPolarity {
        /// The value given.
        polarity: f32,
    },
    /// The tokenizer failed while normalising a target or a post.
    #[error(transparent)]
    Tokenizer(#[from] nunchi_tokenizer::Error),
    /// Writing CSV failed.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    /// Writing JSON failed.
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing output failed.
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
}
