//! Whole data sets at once: the [`Monitor`] run over sorted observations.

use serde::{Serialize, Serializer};

use crate::bucket::{BucketGrid, BucketWidth};
use crate::error::Error;
use crate::monitor::{Monitor, MonitorConfig, Rejections};
use crate::observation::Observation;
use crate::report::{Alert, BucketRow, Episode, Event};
use crate::time::Zone;

/// The sentiment series of a stream of posts with its alerts and episodes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// Bucket width.
    #[serde(serialize_with = "as_display")]
    pub width: BucketWidth,
    /// Zone of the times.
    #[serde(serialize_with = "as_display")]
    pub zone: Zone,
    /// Target names.
    pub targets: Vec<String>,
    /// One row per bucket and scope with posts, in time order, all posts first in each
    /// bucket (see [the series](crate#the-series)).
    pub series: Vec<BucketRow>,
    /// The alerts, in the order they were raised.
    pub alerts: Vec<Alert>,
    /// The episodes by id, ongoing ones (without `end`) included.
    pub episodes: Vec<Episode>,
    /// Observations refused.
    pub rejections: Rejections,
}

fn as_display<T: std::fmt::Display, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

impl Trend {
    /// An empty trend for a monitor with `config`: [`Self::record`] fills it from the
    /// monitor's events, so that an online run can keep the same record as [`analyze`].
    pub fn new(config: &MonitorConfig) -> Trend {
        Trend {
            width: config.width,
            zone: config.zone,
            targets: config.targets.clone(),
            series: Vec::new(),
            alerts: Vec::new(),
            episodes: Vec::new(),
            rejections: Rejections::default(),
        }
    }

    /// Adds one event of the monitor.
    pub fn record(&mut self, event: Event) {
        match event {
            Event::Bucket(row) => self.series.push(row),
            Event::EpisodeStarted(alert) => self.alerts.push(alert),
            Event::EpisodeEnded(episode) => self.episodes.push(episode),
        }
    }

    /// Records the monitor's remaining events, its ongoing episodes and its rejections.
    pub fn complete(mut self, monitor: &mut Monitor) -> Trend {
        for event in monitor.drain_events() {
            self.record(event);
        }
        self.episodes.extend(monitor.ongoing_episodes());
        self.episodes.sort_by_key(|e| e.episode);
        self.rejections = *monitor.rejections();
        self
    }
}

/// The trend of a whole data set: sorts the observations by time (stably), feeds them to a
/// [`Monitor`] one by one, and closes every bucket at the end. The same detector as online,
/// so a stream fed in time order gives the same episodes.
///
/// A batch is sorted and complete, so a long gap between posts is a real quiet stretch, not
/// a broken timestamp: `max_gap_buckets` is widened to the data's span. Observations that
/// the monitor refuses (unknown target, invalid polarity) are skipped and counted in
/// [`Trend::rejections`].
///
/// # Errors
///
/// [`Error::Config`] if a setting is out of range.
pub fn analyze(
    observations: impl IntoIterator<Item = Observation>,
    mut config: MonitorConfig,
) -> Result<Trend, Error> {
    let mut observations: Vec<Observation> = observations.into_iter().collect();
    observations.sort_by_key(|o| o.time);
    if let (Some(first), Some(last)) = (observations.first(), observations.last()) {
        let grid = BucketGrid::new(config.width, config.zone);
        let span = grid.buckets_between(grid.start_of(first.time), last.time);
        config.max_gap_buckets = config.max_gap_buckets.max(span.saturating_add(1));
    }
    let mut monitor = Monitor::new(config)?;
    let mut trend = Trend::new(monitor.config());
    for observation in &observations {
        // A refused observation is counted in the monitor's rejections; the batch goes on.
        let _refused = monitor.push(observation).is_err();
        for event in monitor.drain_events() {
            trend.record(event);
        }
    }
    monitor.finish();
    Ok(trend.complete(&mut monitor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Label, Zone};

    #[test]
    fn a_batch_spans_any_gap_between_its_posts() {
        let config = MonitorConfig::new("1h".parse().unwrap(), Zone::utc());
        assert_eq!(config.max_gap_buckets, 10_000);
        let far = 20_000 * 3_600;
        let posts = [
            Observation::new(far, Label::Neutral, 0.0),
            Observation::new(0, Label::Negative, -0.5),
        ];
        let trend = analyze(posts, config).unwrap();
        assert_eq!(trend.rejections.total(), 0);
        // One row per bucket with posts: the 19,999 empty hours between have none.
        assert_eq!(trend.series.len(), 2);
        assert_eq!(trend.series[0].negative, 1);
        assert_eq!(trend.series[1].neutral, 1);
        assert_eq!(trend.series[1].start.timestamp(), far);
    }
}
