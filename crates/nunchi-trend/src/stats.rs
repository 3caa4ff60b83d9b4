//! The tail probabilities behind the alerts, and the rolling baseline they compare with.
//!
//! Both tests are "quasi" versions of the exact binomial and Poisson tests: counts are
//! divided by a dispersion factor φ ≥ 1 estimated from the baseline, which widens the null
//! distribution by φ in variance. The tails use the regularised incomplete beta and gamma
//! functions, which accept the resulting non-integer counts.

use std::collections::VecDeque;

use statrs::function::beta::checked_beta_reg;
use statrs::function::gamma::checked_gamma_lr;

/// Dispersion factors are capped here, so that a baseline that held an undetected wave
/// cannot make the tests blind.
const MAX_DISPERSION: f64 = 10.0;

/// P(X ≥ k) for X ~ Binomial(n, p), continued to real k and n: I_p(k, n − k + 1).
pub(crate) fn binomial_upper_tail(k: f64, n: f64, p: f64) -> f64 {
    if k <= 0.0 || p >= 1.0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    checked_beta_reg(k, n - k + 1.0, p).unwrap_or(1.0)
}

/// P(X ≥ k) for X ~ Poisson(λ), continued to real k: the regularised lower incomplete
/// gamma function P(k, λ).
pub(crate) fn poisson_upper_tail(k: f64, lambda: f64) -> f64 {
    if k <= 0.0 {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    checked_gamma_lr(k, lambda).unwrap_or(1.0)
}

/// Posts and negative posts of one bucket (or of several pooled).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) posts: u32,
    pub(crate) negative: u32,
}

impl Counts {
    pub(crate) fn add(self, other: Counts) -> Counts {
        Counts {
            posts: self.posts + other.posts,
            negative: self.negative + other.negative,
        }
    }
}

/// The negative share of `posts` posts, `negative` of them negative, shrunk toward a prior
/// share by a number of pseudo-posts.
fn pooled_share(posts: f64, negative: f64, (prior_share, prior_posts): (f64, f64)) -> f64 {
    (negative + prior_share * prior_posts) / (posts + prior_posts)
}

/// The quiet buckets of a rolling baseline, oldest first, with the sums of their counts.
/// Empty buckets are kept as runs, so that a baseline over a long quiet stretch is one entry
/// rather than one per bucket.
#[derive(Debug, Clone, Default)]
pub(crate) struct Baseline {
    entries: VecDeque<Quiet>,
    /// Buckets held, empty ones included.
    buckets: usize,
    posts: u64,
    negative: u64,
}

#[derive(Debug, Clone, Copy)]
enum Quiet {
    /// A bucket with posts, by start.
    Bucket { start: i64, counts: Counts },
    /// This many consecutive empty buckets.
    Empty(usize),
}

impl Baseline {
    /// Buckets held, empty ones included.
    pub(crate) fn len(&self) -> usize {
        self.buckets
    }

    /// Entries stored: buckets with posts, and runs of empty ones.
    pub(crate) fn stored(&self) -> usize {
        self.entries.len()
    }

    /// Adds a bucket, then drops the oldest beyond `capacity`.
    pub(crate) fn push(&mut self, start: i64, counts: Counts, capacity: usize) {
        if counts.posts == 0 {
            return self.push_empty(1, capacity);
        }
        self.entries.push_back(Quiet::Bucket { start, counts });
        self.buckets += 1;
        self.posts += u64::from(counts.posts);
        self.negative += u64::from(counts.negative);
        self.trim(capacity);
    }

    /// Adds `count` empty buckets, then drops the oldest beyond `capacity`.
    pub(crate) fn push_empty(&mut self, count: usize, capacity: usize) {
        match self.entries.back_mut() {
            Some(Quiet::Empty(run)) => *run += count,
            _ => self.entries.push_back(Quiet::Empty(count)),
        }
        self.buckets += count;
        self.trim(capacity);
    }

    fn trim(&mut self, capacity: usize) {
        while self.buckets > capacity {
            let excess = self.buckets - capacity;
            match self.entries.front_mut() {
                Some(Quiet::Empty(run)) if *run > excess => {
                    *run -= excess;
                    self.buckets -= excess;
                }
                Some(&mut Quiet::Empty(run)) => {
                    self.buckets -= run;
                    self.entries.pop_front();
                }
                Some(&mut Quiet::Bucket { counts, .. }) => {
                    self.buckets -= 1;
                    self.posts -= u64::from(counts.posts);
                    self.negative -= u64::from(counts.negative);
                    self.entries.pop_front();
                }
                None => break,
            }
        }
    }

    /// Removes the newest buckets with posts that start at or after `start` (a lead-up that
    /// turned out to be part of a wave). It stops at empty buckets: a lead-up is a run of
    /// buckets with posts right before its wave, so none of it lies before an empty one.
    pub(crate) fn pop_back_from(&mut self, start: i64) {
        while let Some(&Quiet::Bucket { start: s, counts }) = self.entries.back() {
            if s < start {
                break;
            }
            self.buckets -= 1;
            self.posts -= u64::from(counts.posts);
            self.negative -= u64::from(counts.negative);
            self.entries.pop_back();
        }
    }

    /// The pooled negative share, shrunk toward `prior` (share, pseudo-posts).
    pub(crate) fn share(&self, prior: (f64, f64)) -> f64 {
        pooled_share(self.posts as f64, self.negative as f64, prior)
    }
}

/// What the baseline window expects of a bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Expectation {
    /// Negative share p0.
    pub(crate) share: f64,
    /// Between-bucket dispersion of the share (Pearson χ² / df, at least 1).
    pub(crate) share_dispersion: f64,
    /// Negative posts per bucket μ.
    pub(crate) rate: f64,
    /// Dispersion of the negative count (variance / mean, at least 1).
    pub(crate) rate_dispersion: f64,
}

/// How one bucket (or a pool of `buckets` buckets) compares with its baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Evaluation {
    pub(crate) counts: Counts,
    /// Negative posts expected from the bucket's other posts at the baseline ratio:
    /// (n − k) · p0 / (1 − p0). Unlike n · p0, this does not grow with the wave itself.
    pub(crate) expected_negative: f64,
    pub(crate) baseline_share: f64,
    /// One-sided p-value of the share test.
    pub(crate) p_share: f64,
    /// One-sided p-value of the count test.
    pub(crate) p_count: f64,
}

impl Expectation {
    /// The expectation from a baseline window. The share is shrunk toward `prior` (a share
    /// and a number of pseudo-posts), so that a scope with little history (a rarely
    /// mentioned target) borrows the overall share rather than guessing from a handful.
    pub(crate) fn from_baseline(baseline: &Baseline, prior: (f64, f64)) -> Expectation {
        // Integer sums: exactly what adding the buckets' counts one by one in f64 gives.
        let buckets = baseline.buckets as f64;
        let negative = baseline.negative as f64;
        let share = baseline.share(prior);
        let rate = (negative + 0.5) / buckets.max(1.0);

        let (mut chi2, mut filled) = (0.0, 0.0);
        let (mut sum_sq, mean) = (0.0, negative / buckets.max(1.0));
        for quiet in &baseline.entries {
            match *quiet {
                Quiet::Bucket { counts, .. } => {
                    let (n, k) = (f64::from(counts.posts), f64::from(counts.negative));
                    chi2 += (k - n * share).powi(2) / (n * share * (1.0 - share));
                    filled += 1.0;
                    sum_sq += (k - mean).powi(2);
                }
                Quiet::Empty(run) => {
                    // One by one: the sum's rounding is that of the buckets in order.
                    let square = (0.0 - mean).powi(2);
                    for _ in 0..run {
                        sum_sq += square;
                    }
                }
            }
        }
        let share_dispersion = if filled >= 2.0 {
            chi2 / (filled - 1.0)
        } else {
            1.0
        };
        let rate_dispersion = if buckets >= 2.0 && mean > 0.0 {
            sum_sq / (buckets - 1.0) / mean
        } else {
            1.0
        };
        Expectation {
            share,
            share_dispersion: share_dispersion.clamp(1.0, MAX_DISPERSION),
            rate,
            rate_dispersion: rate_dispersion.clamp(1.0, MAX_DISPERSION),
        }
    }

    /// Tests `counts`, pooled over `buckets` buckets, against this expectation.
    pub(crate) fn evaluate(&self, counts: Counts, buckets: u32) -> Evaluation {
        let (n, k) = (f64::from(counts.posts), f64::from(counts.negative));
        let phi = self.share_dispersion;
        let p_share = binomial_upper_tail(k / phi, n / phi, self.share);
        let phi = self.rate_dispersion;
        let p_count = poisson_upper_tail(k / phi, self.rate * f64::from(buckets) / phi);
        Evaluation {
            counts,
            expected_negative: (n - k) * self.share / (1.0 - self.share),
            baseline_share: self.share,
            p_share,
            p_count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) {
        assert!(
            (a - b).abs() <= tolerance * b.abs().max(1e-300),
            "{a} vs {b}"
        );
    }

    #[test]
    fn binomial_tail_matches_exact_sums() {
        // P(X >= 3), X ~ Bin(5, 0.1) = 10·0.001·0.81 + 5·0.0001·0.9 + 0.00001
        close(binomial_upper_tail(3.0, 5.0, 0.1), 0.00856, 1e-9);
        // P(X >= 1), X ~ Bin(10, 0.2) = 1 - 0.8^10
        close(
            binomial_upper_tail(1.0, 10.0, 0.2),
            1.0 - 0.8f64.powi(10),
            1e-9,
        );
        close(binomial_upper_tail(10.0, 10.0, 0.5), 0.5f64.powi(10), 1e-9);
        assert_eq!(binomial_upper_tail(0.0, 10.0, 0.2), 1.0);
        assert_eq!(binomial_upper_tail(11.0, 10.0, 0.2), 0.0);
        // Continuous in k: between the neighbouring integers.
        let mid = binomial_upper_tail(2.5, 5.0, 0.1);
        assert!(
            binomial_upper_tail(3.0, 5.0, 0.1) < mid && mid < binomial_upper_tail(2.0, 5.0, 0.1)
        );
    }

    #[test]
    fn poisson_tail_matches_exact_sums() {
        // P(X >= 3), X ~ Poisson(1) = 1 - e^-1 (1 + 1 + 1/2)
        close(
            poisson_upper_tail(3.0, 1.0),
            1.0 - (-1.0f64).exp() * 2.5,
            1e-9,
        );
        // P(X >= 1) = 1 - e^-λ
        close(poisson_upper_tail(1.0, 0.3), 1.0 - (-0.3f64).exp(), 1e-9);
        assert_eq!(poisson_upper_tail(0.0, 2.0), 1.0);
        assert_eq!(poisson_upper_tail(1.0, 0.0), 0.0);
    }

    /// A baseline of buckets with these (posts, negative) counts.
    fn window(list: &[(u32, u32)]) -> Baseline {
        let mut baseline = Baseline::default();
        for (start, &(posts, negative)) in (0..).zip(list) {
            baseline.push(start, Counts { posts, negative }, list.len());
        }
        baseline
    }

    #[test]
    fn a_baseline_keeps_runs_of_empty_buckets_as_one_entry() {
        let (bucket, empty) = (
            Counts {
                posts: 10,
                negative: 3,
            },
            Counts::default(),
        );
        // 4 buckets with posts around runs of 30 and 50 empty ones, in a window of 60.
        let (mut one_by_one, mut in_bulk) = (Baseline::default(), Baseline::default());
        for (start, run) in [(0, 30), (31, 50)] {
            one_by_one.push(start, bucket, 60);
            in_bulk.push(start, bucket, 60);
            for i in 0..run {
                one_by_one.push(start + 1 + i, empty, 60);
            }
            in_bulk.push_empty(run as usize, 60);
        }
        for start in [81, 82] {
            one_by_one.push(start, bucket, 60);
            in_bulk.push(start, bucket, 60);
        }
        for baseline in [&one_by_one, &in_bulk] {
            // Dropped: the first bucket and 23 of the 30 empty ones after it.
            assert_eq!((baseline.len(), baseline.stored()), (60, 5));
            assert_eq!((baseline.posts, baseline.negative), (30, 9));
        }
        let prior = (0.2, 10.0);
        let expectation = Expectation::from_baseline(&in_bulk, prior);
        assert_eq!(expectation, Expectation::from_baseline(&one_by_one, prior));
        close(expectation.rate, 9.5 / 60.0, 1e-12);
        close(expectation.share, (9.0 + 2.0) / (30.0 + 10.0), 1e-12);
        assert_eq!(in_bulk.share(prior), expectation.share);

        // A lead-up leaves from the end, down to the empty buckets before it.
        in_bulk.pop_back_from(82);
        assert_eq!((in_bulk.len(), in_bulk.posts), (59, 20));
        in_bulk.pop_back_from(0);
        assert_eq!(
            (in_bulk.len(), in_bulk.posts, in_bulk.stored()),
            (58, 10, 3)
        );
    }

    #[test]
    fn steady_window_has_no_extra_dispersion() {
        let e = Expectation::from_baseline(&window(&[(100, 20); 24]), (0.5, 1.0));
        close(e.share, (480.0 + 0.5) / 2401.0, 1e-12);
        close(e.rate, 480.5 / 24.0, 1e-12);
        assert_eq!(e.share_dispersion, 1.0);
        assert_eq!(e.rate_dispersion, 1.0);
        // A bucket at the baseline is unremarkable; twice the share is not.
        let same = e.evaluate(
            Counts {
                posts: 100,
                negative: 20,
            },
            1,
        );
        assert!(same.p_share > 0.3 && same.p_count > 0.3, "{same:?}");
        let doubled = e.evaluate(
            Counts {
                posts: 100,
                negative: 40,
            },
            1,
        );
        assert!(
            doubled.p_share < 1e-4 && doubled.p_count < 1e-4,
            "{doubled:?}"
        );
        close(
            doubled.expected_negative,
            60.0 * e.share / (1.0 - e.share),
            1e-12,
        );
    }

    #[test]
    fn volatile_window_widens_the_tests() {
        let steady = Expectation::from_baseline(&window(&[(100, 20); 24]), (0.5, 1.0));
        let mut volatile = Vec::new();
        for i in 0..24 {
            volatile.push(if i % 2 == 0 { (100, 8) } else { (100, 32) });
        }
        let volatile = Expectation::from_baseline(&window(&volatile), (0.5, 1.0));
        assert!(volatile.share_dispersion > 3.0, "{volatile:?}");
        assert!(volatile.rate_dispersion > 3.0, "{volatile:?}");
        let bucket = Counts {
            posts: 100,
            negative: 35,
        };
        let (a, b) = (steady.evaluate(bucket, 1), volatile.evaluate(bucket, 1));
        assert!(
            b.p_share > 10.0 * a.p_share && b.p_count > 10.0 * a.p_count,
            "{a:?} {b:?}"
        );
    }

    #[test]
    fn the_prior_dominates_a_scope_without_history() {
        let e = Expectation::from_baseline(&window(&[(0, 0); 24]), (0.2, 10.0));
        close(e.share, 0.2, 1e-12);
        // Five negative posts out of five where none were seen before: strong evidence.
        let burst = e.evaluate(
            Counts {
                posts: 5,
                negative: 5,
            },
            1,
        );
        assert!(burst.p_share < 1e-3 && burst.p_count < 1e-6, "{burst:?}");
    }

    #[test]
    fn pooled_buckets_scale_the_expected_count() {
        let e = Expectation::from_baseline(&window(&[(50, 10); 24]), (0.5, 1.0));
        let one = e.evaluate(
            Counts {
                posts: 150,
                negative: 30,
            },
            1,
        );
        let three = e.evaluate(
            Counts {
                posts: 150,
                negative: 30,
            },
            3,
        );
        assert!(
            one.p_count < 1e-3 && three.p_count > 0.3,
            "{one:?} {three:?}"
        );
    }
}
