//! Sentiment over time: catch a wave of negative posts as it starts, see what it is about,
//! and see it end.
//!
//! Scored posts ([`Observation`]s: time, label, polarity, matched targets, negative
//! evidence terms; [`Observation::from_prediction`] makes one from a `nunchi-score`
//! prediction) are counted into time buckets ([`BucketWidth`], [`BucketGrid`]) per
//! scope — all posts, and the posts that mention each target ([`TargetMatcher`]). A
//! [`Monitor`] takes them one at a time and reports each closed bucket, the start of each
//! negative wave as soon as the evidence suffices, and its end; [`analyze`] runs the same
//! monitor over a whole data set. Results go out as CSV and JSON ([`Trend`]) and as an SVG
//! chart ([`Trend::chart_svg`]).
//!
//! # The series
//!
//! The series is sparse: one row ([`BucketRow`]) per bucket and scope **with posts**, in
//! time order, all posts first in each bucket. A bucket without posts in a scope has no
//! row: its counts are zero, and a gap between two rows of a scope (one's `end` is not the
//! next one's `start`) is a stretch of such buckets. Where episodes run is in the episodes
//! ([`Episode::start`], [`Episode::end`], [`Episode::buckets`] counting the empty buckets
//! too) and in each row's episode id ([`Trend::episode_of`]). So the series, and the memory
//! and work behind it, grow with the buckets that hold posts: not with the time span (two
//! posts a century apart make two rows at any bucket width), nor with targets that are
//! not mentioned. The detectors still count every empty bucket, as a bucket of zero posts
//! in the baseline: the episodes and the rows are those of a series written bucket by
//! bucket. The chart pools buckets per pixel column when there are more than the plot is
//! wide, and names the targets without posts instead of drawing empty panels for them.
//!
//! ```
//! use nunchi_trend::{analyze, BucketWidth, Label, MonitorConfig, Observation, Zone};
//!
//! let zone: Zone = "Asia/Seoul".parse()?;
//! let start = nunchi_trend::parse_timestamp("2009-11-26 00:00", &zone)?;
//! let mut posts = Vec::new();
//! for hour in 0..48 {
//!     // A quiet day and a half: 20 posts an hour, 4 of them negative; then, in hour 36,
//!     // 30 angry posts about a false rumour.
//!     let angry = if hour == 36 { 30 } else { 0 };
//!     for i in 0..20 + angry {
//!         let time = start + hour * 3600 + i * 60;
//!         let post = if i < 4 + angry {
//!             Observation::new(time, Label::Negative, -0.8)
//!                 .with_negative_terms(vec!["황당/XR".into()])
//!         } else {
//!             Observation::new(time, Label::Positive, 0.7)
//!         };
//!         posts.push(post);
//!     }
//! }
//! let trend = analyze(posts, MonitorConfig::new("1h".parse::<BucketWidth>()?, zone))?;
//! assert_eq!(trend.series.len(), 48);
//! assert_eq!(trend.episodes.len(), 1);
//! let wave = &trend.episodes[0];
//! assert_eq!(wave.start.to_rfc3339(), "2009-11-27T12:00:00+09:00");
//! assert_eq!(wave.end.unwrap().to_rfc3339(), "2009-11-27T13:00:00+09:00");
//! assert_eq!(wave.negative, 34);
//! assert_eq!(wave.top_negative_terms[0].term, "황당/XR");
//! // Raised within the hour, before the bucket closed.
//! assert!(trend.alerts[0].detected_at < wave.end.unwrap());
//! # Ok::<(), nunchi_trend::Error>(())
//! ```
//!
//! # The alert method
//!
//! Each scope has its own detector. A bucket is compared with a **rolling baseline**: the
//! last `baseline_buckets` (24) closed buckets outside episodes and outside their lead-up
//! (buckets above expectation with both tests below `calm_alpha` are held out, so that a
//! slow build-up cannot raise its own baseline). From it come the baseline negative share
//! p0 (pooled over the window; for a target, shrunk toward the all-posts share by
//! `target_prior_posts` pseudo-posts, so that a rarely mentioned target has a sensible
//! baseline) and the mean number of negative posts per bucket μ. Buckets without posts are
//! in the window too: they lower μ and leave p0 as it is. Until the window holds
//! `min_baseline_buckets` (12) buckets, nothing is tested.
//!
//! Two one-sided tests are made on a bucket with n posts, k of them negative:
//!
//! - **share**: is k/n above p0? Binomial P(X ≥ k), X ~ Bin(n, p0). This test conditions
//!   on the bucket's volume, so the daily cycle of posting (busy evenings, empty nights)
//!   does not raise it;
//! - **count**: is k above μ? Poisson P(X ≥ k), X ~ Poisson(μ). This stops a bucket whose
//!   share is high only because nobody else posted (3 of 4 posts at 4 a.m.).
//!
//! Real series vary more than these models allow (topics come and go), so each test is
//! made quasi-likelihood style: counts are divided by a dispersion factor φ ≥ 1 estimated
//! from the window (Pearson χ²/df of the shares; variance/mean of the counts; capped at 10),
//! which widens the null distribution by φ.
//!
//! The negative posts **expected** in a bucket are those its other posts imply at the
//! baseline ratio, (n − k) · p0 / (1 − p0): unlike n · p0, this does not grow with the wave's
//! own posts, so an episode's size is not eaten up by its own volume.
//!
//! A bucket (or a pool of buckets) is **elevated at level α** when both p-values are below
//! α, it has at least `min_negative` (5) negative posts, and at least `min_ratio` (1.5) ×
//! the expected negative posts (its ratio of negative to other posts is 1.5 × the
//! baseline's). An **alert** opens an episode when
//!
//! - one bucket is elevated at `alpha` (0.001), or
//! - the last `persist_buckets` (3) consecutive buckets each have more negative posts than
//!   expected and, pooled (n, k and μ summed), are elevated at `alpha`: a wave that builds
//!   up over several buckets, none of which proves it alone (fine buckets, slow rumours).
//!
//! Online, the oldest open bucket is tested after every negative post with its counts so
//! far (against the expectation for a whole bucket, which only makes it stricter), so a
//! strong wave alerts before its bucket closes. The episode's **start** is the first bucket
//! of the pooled run, or of the lead-up just before the alert if that is longer.
//!
//! During an episode the baseline is frozen. The episode **ends** when its last
//! `calm_buckets` (3) buckets after the alerting one, pooled, are calm: fewer than
//! `min_negative` negative posts, or fewer than `min_ratio` × expected, or a share test
//! p-value of at least `calm_alpha` (0.05). The count test plays no part in ending: a
//! wave's tail at night can be no more posts than a normal afternoon while still being
//! most of the conversation. The episode's end is the start of the calm stretch, which
//! becomes baseline again. Its **peak** is the bucket with most negative posts above
//! expectation; its **size** is its negative posts minus the expected ones; its **terms**
//! are the most frequent negative evidence terms of its negative posts.
//!
//! Why these choices: a wave is both *more* negative posts and a *larger share* of them, so
//! requiring both tests keeps the busy hours of a normal day (more posts, same share) and
//! the empty hours of a night (high share of very few) quiet; the minimum count makes a
//! jump from 1 to 3 negative posts no crisis however unusual; one α = 0.001 an hour for the
//! bucket and the pooled run keeps false alarms rare (in the tests' 90 simulated quiet days
//! of real posts, in three scopes: one small false episode with hourly buckets, none with
//! 10-minute ones), and the pooled run catches the build-ups that no single bucket proves.
//! A level shift that never returns to the old baseline keeps its episode open, and says
//! so.
//!
//! Buckets shorter than an hour get settings scaled to behave like hourly ones
//! ([`DetectorConfig::for_width`], the default of [`MonitorConfig::new`]).
#![deny(missing_docs)]

mod batch;
mod bucket;
mod chart;
mod detector;
mod error;
mod monitor;
mod observation;
mod output;
mod report;
mod stats;
mod target;
mod terms;
mod time;

pub use batch::{analyze, Trend};
pub use bucket::{BucketGrid, BucketWidth};
pub use chart::ChartOptions;
pub use detector::DetectorConfig;
pub use error::Error;
pub use monitor::{Monitor, MonitorConfig, Rejections};
pub use nunchi_score::Label;
pub use observation::Observation;
pub use report::{Alert, BucketRow, Episode, Event, Trigger};
pub use target::TargetMatcher;
pub use terms::TermCount;
pub use time::{parse_timestamp, Zone, EPOCH_MILLIS_FROM};
