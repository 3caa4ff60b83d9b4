//! The negative-wave detector of one scope: rolling baseline, alert rules, episodes.
//! The method is described in the crate documentation.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::bucket::{BucketGrid, BucketWidth};
use crate::error::Error;
use crate::report::{Alert, Episode, Event, Trigger};
use crate::stats::{Baseline, Counts, Evaluation, Expectation};
use crate::terms::TermCounts;

/// Settings of the negative-wave detector. The defaults suit hourly buckets of a brand's
/// posts; see the crate documentation for what each does and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetectorConfig {
    /// Rolling baseline: the last this many quiet buckets (24), outside episodes and their
    /// lead-up.
    pub baseline_buckets: usize,
    /// No alerts until the baseline holds this many buckets (12).
    pub min_baseline_buckets: usize,
    /// A bucket, or a run of `persist_buckets`, alerts when both tests give p below this
    /// (0.001).
    pub alpha: f64,
    /// Length of the run for the persistence rule (3): that many consecutive buckets, each
    /// with more negative posts than expected, are pooled and tested as one.
    pub persist_buckets: usize,
    /// An episode ends when its last `calm_buckets` buckets together no longer have a
    /// negative share above baseline at this level (0.05). Buckets above expectation with
    /// both tests below this level are kept out of the baseline, and those just before an
    /// alert are counted into its episode.
    pub calm_alpha: f64,
    /// Length of the calm stretch that ends an episode (3).
    pub calm_buckets: usize,
    /// A bucket needs at least this many negative posts to alert (5).
    pub min_negative: u32,
    /// A bucket needs at least this multiple of its expected negative posts to alert (1.5):
    /// an effect size, so that huge volumes do not make trivial shifts significant.
    pub min_ratio: f64,
    /// A target's baseline share is shrunk toward the all-posts share by this many
    /// pseudo-posts (10).
    pub target_prior_posts: f64,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        DetectorConfig {
            baseline_buckets: 24,
            min_baseline_buckets: 12,
            alpha: 0.001,
            persist_buckets: 3,
            calm_alpha: 0.05,
            calm_buckets: 3,
            min_negative: 5,
            min_ratio: 1.5,
            target_prior_posts: 10.0,
        }
    }
}

impl DetectorConfig {
    /// The defaults, adapted to buckets shorter than an hour so that they behave like hourly
    /// ones: a baseline of a day (12 hours to warm up), a calm stretch of 3 hours, a
    /// persistence run of at least an hour, and `alpha` divided by the buckets per hour (the
    /// false-alarm rate per hour stays that of hourly buckets). Without this, `10m` buckets
    /// would forget the daily cycle, end an episode after 30 quiet minutes at night and
    /// make six times as many tests an hour.
    pub fn for_width(width: BucketWidth) -> DetectorConfig {
        let per_hour = (3_600 / width.nominal_seconds().max(1)).max(1) as usize;
        let default = DetectorConfig::default();
        DetectorConfig {
            baseline_buckets: default.baseline_buckets * per_hour,
            min_baseline_buckets: default.min_baseline_buckets * per_hour,
            calm_buckets: default.calm_buckets * per_hour,
            persist_buckets: default.persist_buckets.max(per_hour),
            alpha: default.alpha / per_hour as f64,
            ..default
        }
    }

    /// Checks that every setting is in range.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the first setting out of range.
    pub fn validate(&self) -> Result<(), Error> {
        let fail = |name, value: String, reason| {
            Err(Error::Config {
                name,
                value,
                reason,
            })
        };
        let probability = |p: f64| p > 0.0 && p < 1.0;
        if self.baseline_buckets < 2 {
            return fail(
                "baseline_buckets",
                self.baseline_buckets.to_string(),
                "at least 2",
            );
        }
        if self.min_baseline_buckets < 2 || self.min_baseline_buckets > self.baseline_buckets {
            return fail(
                "min_baseline_buckets",
                self.min_baseline_buckets.to_string(),
                "from 2 to baseline_buckets",
            );
        }
        for (name, value) in [("alpha", self.alpha), ("calm_alpha", self.calm_alpha)] {
            if !probability(value) {
                return fail(name, value.to_string(), "strictly between 0 and 1");
            }
        }
        if self.persist_buckets < 2 {
            return fail(
                "persist_buckets",
                self.persist_buckets.to_string(),
                "at least 2",
            );
        }
        if self.calm_buckets < 1 {
            return fail("calm_buckets", self.calm_buckets.to_string(), "at least 1");
        }
        if self.min_negative < 1 {
            return fail("min_negative", self.min_negative.to_string(), "at least 1");
        }
        if !(self.min_ratio >= 1.0 && self.min_ratio.is_finite()) {
            return fail(
                "min_ratio",
                self.min_ratio.to_string(),
                "a number of at least 1",
            );
        }
        if !(self.target_prior_posts > 0.0 && self.target_prior_posts.is_finite()) {
            return fail(
                "target_prior_posts",
                self.target_prior_posts.to_string(),
                "a positive number",
            );
        }
        Ok(())
    }
}

impl Evaluation {
    /// Both tests below `level`, with enough negative posts, well above expectation.
    fn elevated(&self, level: f64, config: &DetectorConfig) -> bool {
        let negative = self.counts.negative;
        negative >= config.min_negative
            && f64::from(negative) >= config.min_ratio * self.expected_negative
            && self.p_share < level
            && self.p_count < level
    }

    /// Still a wave, for ending one: enough negative posts, well above expectation, with the
    /// share test below `calm_alpha`. The count test is left out: at night a wave's tail can
    /// be as many posts as a normal afternoon, yet the conversation is still mostly anger.
    fn still_negative(&self, config: &DetectorConfig) -> bool {
        let negative = self.counts.negative;
        negative >= config.min_negative
            && f64::from(negative) >= config.min_ratio * self.expected_negative
            && self.p_share < config.calm_alpha
    }

    /// Above expectation with both tests below the calm level: the lead-up of an episode.
    fn leading_up(&self, config: &DetectorConfig) -> bool {
        f64::from(self.counts.negative) > self.expected_negative
            && self.p_share < config.calm_alpha
            && self.p_count < config.calm_alpha
    }
}

/// A closed bucket of one scope.
#[derive(Debug, Clone)]
pub(crate) struct ClosedBucket {
    pub(crate) start: i64,
    pub(crate) end: i64,
    pub(crate) counts: Counts,
    pub(crate) terms: TermCounts,
    /// How it compared with the baseline when it closed; `None` during warm-up, and for an
    /// empty bucket, whose evaluation has no part in any rule.
    pub(crate) evaluation: Option<Evaluation>,
}

impl ClosedBucket {
    fn empty(start: i64, grid: &BucketGrid) -> ClosedBucket {
        ClosedBucket {
            start,
            end: grid.next_start(start),
            counts: Counts::default(),
            terms: TermCounts::default(),
            evaluation: None,
        }
    }
}

/// The decision to open an episode.
#[derive(Debug, Clone, Copy)]
struct Opened {
    bucket: i64,
    detected_at: i64,
    trigger: Trigger,
    expectation: Expectation,
    evaluation: Evaluation,
}

/// An open episode.
#[derive(Debug, Clone)]
struct EpisodeState {
    id: u32,
    start: i64,
    alert_bucket: i64,
    detected_at: i64,
    trigger: Trigger,
    /// The baseline the episode is measured against, frozen at the alert.
    expectation: Expectation,
    totals: Totals,
    /// The last closed buckets after the alerting one, not yet folded into `totals`: the
    /// candidate calm stretch.
    tail: VecDeque<ClosedBucket>,
}

#[derive(Debug, Clone, Default)]
struct Totals {
    buckets: u32,
    end: i64,
    posts: u64,
    negative: u64,
    expected: f64,
    peak: Option<Peak>,
    terms: TermCounts,
}

#[derive(Debug, Clone, Copy)]
struct Peak {
    start: i64,
    excess: f64,
    negative: u32,
    share: f64,
}

impl Totals {
    /// Adds a bucket. Its expected negatives come from its own evaluation (made against the
    /// baseline in force when it closed), else from `expectation`.
    fn fold(&mut self, bucket: &ClosedBucket, expectation: &Expectation) {
        let expected = bucket
            .evaluation
            .unwrap_or_else(|| expectation.evaluate(bucket.counts, 1))
            .expected_negative;
        self.buckets += 1;
        self.end = bucket.end;
        self.posts += u64::from(bucket.counts.posts);
        self.negative += u64::from(bucket.counts.negative);
        self.expected += expected;
        self.terms.merge(&bucket.terms);
        let excess = f64::from(bucket.counts.negative) - expected;
        if self.peak.is_none_or(|peak| excess > peak.excess) {
            self.peak = Some(Peak {
                start: bucket.start,
                excess,
                negative: bucket.counts.negative,
                share: f64::from(bucket.counts.negative) / f64::from(bucket.counts.posts.max(1)),
            });
        }
    }
}

/// The detector of one scope.
///
/// It sees every bucket from the monitor's first, but empty ones only in bulk: the monitor
/// closes a scope's buckets with posts, and those of a scope in an episode; before that,
/// [`Self::catch_up`] accounts for the empty buckets since the scope's last one.
#[derive(Debug, Clone)]
pub(crate) struct ScopeDetector {
    target: Option<String>,
    /// Start of the next bucket to close; `None` before the first.
    next: Option<i64>,
    /// The closed buckets with posts outside episodes, oldest first, at most
    /// `baseline_buckets`: where runs and lead-ups are looked for. Empty buckets are left
    /// out: they end every run, as the gap they leave does.
    recent: VecDeque<ClosedBucket>,
    /// The quiet buckets (outside episodes and their lead-up), at most `baseline_buckets`.
    baseline: Baseline,
    expectation: Option<Expectation>,
    /// The prior of a refresh whose expectation is not computed yet: it is computed when
    /// first needed, so that a stretch of empty buckets costs nothing per bucket.
    refreshed_with: Option<(f64, f64)>,
    episode: Option<EpisodeState>,
}

/// What the monitor passes to every detector call.
pub(crate) struct Context<'a> {
    pub(crate) config: &'a DetectorConfig,
    pub(crate) grid: BucketGrid,
    /// Start of the monitor's first bucket, where every scope begins.
    pub(crate) origin: i64,
    pub(crate) top_terms: usize,
}

impl ScopeDetector {
    pub(crate) fn new(target: Option<String>) -> ScopeDetector {
        ScopeDetector {
            target,
            next: None,
            recent: VecDeque::new(),
            baseline: Baseline::default(),
            expectation: None,
            refreshed_with: None,
            episode: None,
        }
    }

    pub(crate) fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }

    /// Buckets stored: recent ones, baseline entries and the open episode's calm-stretch
    /// candidates.
    pub(crate) fn stored_buckets(&self) -> usize {
        let tail = self.episode.as_ref().map_or(0, |e| e.tail.len());
        self.recent.len() + self.baseline.stored() + tail
    }

    /// Whether an episode is open.
    pub(crate) fn in_episode(&self) -> bool {
        self.episode.is_some()
    }

    /// The baseline negative share, once warmed up.
    pub(crate) fn baseline_share(&self) -> Option<f64> {
        match self.refreshed_with {
            Some(prior) => Some(self.baseline.share(prior)),
            None => self.expectation.map(|e| e.share),
        }
    }

    /// The baseline's expectation, once warmed up.
    fn expectation(&mut self) -> Option<Expectation> {
        if let Some(prior) = self.refreshed_with.take() {
            self.expectation = Some(Expectation::from_baseline(&self.baseline, prior));
        }
        self.expectation
    }

    /// Closes the empty buckets from the next one due up to `to` (exclusive). One by one
    /// while an episode is open, which ends within `calm_buckets` of them; the others at
    /// once: empty buckets cannot start an episode, they only join the baseline, and after
    /// `baseline_buckets` of them it holds nothing else. `prior` is as for [`Self::close`]
    /// of the last of them (its value for the earlier ones makes no difference).
    pub(crate) fn catch_up(
        &mut self,
        cx: &Context<'_>,
        to: i64,
        prior: (f64, f64),
        events: &mut Vec<Event>,
    ) {
        let mut start = self.next.unwrap_or(cx.origin);
        while start < to && self.episode.is_some() {
            let bucket = ClosedBucket::empty(start, &cx.grid);
            start = bucket.end;
            self.next = Some(start);
            self.advance(cx, bucket, prior, events);
        }
        if start < to {
            let capacity = cx.config.baseline_buckets;
            let empty = cx.grid.buckets_between(start, to);
            self.baseline
                .push_empty(empty.min(capacity as u64) as usize, capacity);
            self.refresh(cx.config, prior);
            self.next = Some(to);
        }
    }

    /// Checks the still-open bucket `start..` after a negative post arrived at `now`; starts
    /// an episode if its counts so far already suffice.
    pub(crate) fn check_open(
        &mut self,
        cx: &Context<'_>,
        start: i64,
        counts: Counts,
        terms: &TermCounts,
        now: i64,
        next_id: &mut u32,
    ) -> Option<Alert> {
        if self.episode.is_some() {
            return None;
        }
        let expectation = self.expectation()?;
        let evaluation = expectation.evaluate(counts, 1);
        let trigger = self.trigger(&expectation, &evaluation, start, cx.config)?;
        let opened = Opened {
            bucket: start,
            detected_at: now,
            trigger,
            expectation,
            evaluation,
        };
        Some(self.start_episode(cx, opened, terms, next_id))
    }

    /// Closes a bucket: evaluates it, advances the episode or the baseline, and returns the
    /// evaluation for the series row. `prior` is the share (and its weight in posts) that
    /// the baseline share is shrunk toward.
    pub(crate) fn close(
        &mut self,
        cx: &Context<'_>,
        mut bucket: ClosedBucket,
        prior: (f64, f64),
        next_id: &mut u32,
        events: &mut Vec<Event>,
    ) -> Option<Evaluation> {
        self.next = Some(bucket.end);
        let frozen = self.episode.as_ref().map(|e| e.expectation);
        let expectation = frozen.or_else(|| self.expectation());
        let evaluation = expectation.map(|e| e.evaluate(bucket.counts, 1));
        bucket.evaluation = evaluation;
        if self.episode.is_none() {
            let opened = expectation
                .zip(evaluation)
                .and_then(|(expectation, evaluation)| {
                    let trigger =
                        self.trigger(&expectation, &evaluation, bucket.start, cx.config)?;
                    Some(Opened {
                        bucket: bucket.start,
                        detected_at: bucket.end,
                        trigger,
                        expectation,
                        evaluation,
                    })
                });
            let Some(opened) = opened else {
                self.push_quiet(bucket, cx.config, prior);
                return evaluation;
            };
            let alert = self.start_episode(cx, opened, &bucket.terms, next_id);
            events.push(Event::EpisodeStarted(alert));
        }
        self.advance(cx, bucket, prior, events);
        evaluation
    }

    /// Adds a closed bucket to the open episode, and ends it if the bucket completes its
    /// calm stretch.
    fn advance(
        &mut self,
        cx: &Context<'_>,
        bucket: ClosedBucket,
        prior: (f64, f64),
        events: &mut Vec<Event>,
    ) {
        if let Some(ended) = self.advance_episode(cx, bucket) {
            events.push(Event::EpisodeEnded(ended));
            self.episode = None;
            self.refresh(cx.config, prior);
        }
    }

    /// The open episode as it stands, if any.
    pub(crate) fn ongoing(&self, cx: &Context<'_>) -> Option<Episode> {
        let state = self.episode.as_ref()?;
        let mut totals = state.totals.clone();
        for bucket in &state.tail {
            totals.fold(bucket, &state.expectation);
        }
        Some(self.report(cx, state, &totals, None))
    }

    /// Which rule, if any, the bucket starting at `start` with `evaluation` fires.
    fn trigger(
        &self,
        expectation: &Expectation,
        evaluation: &Evaluation,
        start: i64,
        config: &DetectorConfig,
    ) -> Option<Trigger> {
        if evaluation.elevated(config.alpha, config) {
            return Some(Trigger::Single);
        }
        let before = config.persist_buckets - 1;
        let above = |e: &Evaluation| f64::from(e.counts.negative) > e.expected_negative;
        if !above(evaluation) || self.trailing_run(start, above) < before {
            return None;
        }
        let pooled = self
            .recent
            .iter()
            .rev()
            .take(before)
            .fold(evaluation.counts, |sum, b| sum.add(b.counts));
        expectation
            .evaluate(pooled, config.persist_buckets as u32)
            .elevated(config.alpha, config)
            .then_some(Trigger::Persistent)
    }

    /// Number of recent buckets right before `start`, without gap, whose evaluation
    /// satisfies `test`.
    fn trailing_run(&self, start: i64, test: impl Fn(&Evaluation) -> bool) -> usize {
        let mut next_start = start;
        self.recent
            .iter()
            .rev()
            .take_while(|b| {
                let fits = b.end == next_start && b.evaluation.as_ref().is_some_and(&test);
                next_start = b.start;
                fits
            })
            .count()
    }

    fn start_episode(
        &mut self,
        cx: &Context<'_>,
        opened: Opened,
        bucket_terms: &TermCounts,
        next_id: &mut u32,
    ) -> Alert {
        let Opened {
            bucket,
            detected_at,
            trigger,
            expectation,
            evaluation,
        } = opened;
        // The lead-up (and the run of a persistence alert) opens the episode, and leaves the
        // baseline if it was in it.
        let lead_up = self.trailing_run(bucket, |e| e.leading_up(cx.config));
        let run = match trigger {
            Trigger::Single => 0,
            Trigger::Persistent => cx.config.persist_buckets - 1,
        };
        let lead: Vec<ClosedBucket> = self
            .recent
            .drain(self.recent.len() - lead_up.max(run)..)
            .collect();
        if let Some(first) = lead.first() {
            self.baseline.pop_back_from(first.start);
        }
        let mut totals = Totals::default();
        for b in &lead {
            totals.fold(b, &expectation);
        }
        let start = lead.first().map_or(bucket, |b| b.start);
        let mut terms = totals.terms.clone();
        terms.merge(bucket_terms);
        let id = *next_id;
        *next_id += 1;
        self.episode = Some(EpisodeState {
            id,
            start,
            alert_bucket: bucket,
            detected_at,
            trigger,
            expectation,
            totals,
            tail: VecDeque::new(),
        });
        let zone = cx.grid.zone();
        Alert {
            episode: id,
            target: self.target.clone(),
            start: zone.datetime(start),
            bucket: zone.datetime(bucket),
            detected_at: zone.datetime(detected_at),
            trigger,
            posts: evaluation.counts.posts,
            negative: evaluation.counts.negative,
            expected_negative: evaluation.expected_negative,
            baseline_share: evaluation.baseline_share,
            p_share: evaluation.p_share,
            p_count: evaluation.p_count,
            top_negative_terms: terms.top(cx.top_terms),
        }
    }

    /// Adds a closed bucket to the open episode; the finished episode if the last
    /// `calm_buckets` buckets are calm.
    fn advance_episode(&mut self, cx: &Context<'_>, bucket: ClosedBucket) -> Option<Episode> {
        let state = self.episode.as_mut()?;
        let config = cx.config;
        if bucket.start <= state.alert_bucket {
            state.totals.fold(&bucket, &state.expectation);
            return None;
        }
        state.tail.push_back(bucket);
        if state.tail.len() > config.calm_buckets {
            if let Some(oldest) = state.tail.pop_front() {
                state.totals.fold(&oldest, &state.expectation);
            }
        }
        if state.tail.len() < config.calm_buckets {
            return None;
        }
        let pooled = state
            .tail
            .iter()
            .fold(Counts::default(), |sum, b| sum.add(b.counts));
        let evaluation = state
            .expectation
            .evaluate(pooled, config.calm_buckets as u32);
        if evaluation.still_negative(config) {
            return None;
        }
        let state = self.episode.as_ref()?;
        let ended_at = state.tail.back().map(|b| b.end);
        let episode = self.report(cx, state, &state.totals, ended_at);
        // The calm stretch is baseline again.
        let calm = std::mem::take(&mut self.episode.as_mut()?.tail);
        for b in calm {
            self.keep(b, config);
        }
        Some(episode)
    }

    fn report(
        &self,
        cx: &Context<'_>,
        state: &EpisodeState,
        totals: &Totals,
        ended_at: Option<i64>,
    ) -> Episode {
        let peak = totals.peak.unwrap_or(Peak {
            start: state.alert_bucket,
            excess: 0.0,
            negative: 0,
            share: 0.0,
        });
        let zone = cx.grid.zone();
        Episode {
            episode: state.id,
            target: self.target.clone(),
            start: zone.datetime(state.start),
            detected_at: zone.datetime(state.detected_at),
            trigger: state.trigger,
            peak: zone.datetime(peak.start),
            end: ended_at.map(|_| zone.datetime(totals.end)),
            ended_at: ended_at.map(|t| zone.datetime(t)),
            buckets: totals.buckets,
            posts: totals.posts,
            negative: totals.negative,
            expected_negative: totals.expected,
            excess_negative: totals.negative as f64 - totals.expected,
            baseline_share: state.expectation.share,
            peak_negative: peak.negative,
            peak_negative_share: peak.share,
            top_negative_terms: totals.terms.top(cx.top_terms),
        }
    }

    /// Keeps a quiet closed bucket: among the recent ones, and in the baseline unless it
    /// looks like the lead-up of a wave (so that a slow build-up cannot raise its own
    /// baseline).
    fn push_quiet(&mut self, bucket: ClosedBucket, config: &DetectorConfig, prior: (f64, f64)) {
        self.keep(bucket, config);
        self.refresh(config, prior);
    }

    fn keep(&mut self, bucket: ClosedBucket, config: &DetectorConfig) {
        let leading_up = bucket.evaluation.is_some_and(|e| e.leading_up(config));
        if !leading_up {
            self.baseline
                .push(bucket.start, bucket.counts, config.baseline_buckets);
        }
        if bucket.counts.posts > 0 {
            self.recent.push_back(bucket);
            if self.recent.len() > config.baseline_buckets {
                self.recent.pop_front();
            }
        }
    }

    /// Recomputes the expectation from the baseline (when next needed) once it holds
    /// enough buckets; until then the previous one (if any) stays.
    fn refresh(&mut self, config: &DetectorConfig, prior: (f64, f64)) {
        if self.baseline.len() >= config.min_baseline_buckets {
            self.refreshed_with = Some(prior);
        }
    }
}
