//! A realistic week of posts for the trend tests: real reviews from NSMC with their gold
//! labels (negative 1–4 stars, positive 9–10, and the raw crawl's 5–8 stars as neutral),
//! posted at synthetic times from a seeded generator with a daily cycle, plus a wave of real
//! negative reviews about one target that builds up, peaks and decays after a response.

#![allow(dead_code)] // each test binary uses part of this module

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::sync::OnceLock;

use nunchi_tokenizer::{PosTag, Tokenizer, Worker};
use nunchi_trend::{parse_timestamp, Label, Observation, TargetMatcher, Zone};

pub const HOUR: i64 = 3_600;
pub const TARGETS: [&str; 2] = ["감독", "배우"];

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(path)
}

/// Real posts by gold label.
pub struct Corpus {
    pub negative: Vec<String>,
    pub neutral: Vec<String>,
    pub positive: Vec<String>,
}

/// NSMC train (negative and positive) and the first 8,000 middling (5–8 star) reviews of
/// the raw crawl (neutral). Documents with NSMC's quoting leftovers or empty are skipped.
pub fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut corpus = Corpus {
            negative: Vec::new(),
            neutral: Vec::new(),
            positive: Vec::new(),
        };
        let nsmc = std::fs::read_to_string(data("nsmc/ratings_train.txt"))
            .expect("NSMC train file (see the brief: ../shared/data)");
        for line in nsmc.lines().skip(1) {
            let mut fields = line.split('\t');
            let (Some(_), Some(text), Some(label)) = (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            if text.trim().is_empty() || text.starts_with('"') {
                continue;
            }
            match label {
                "0" => corpus.negative.push(text.to_owned()),
                "1" => corpus.positive.push(text.to_owned()),
                _ => {}
            }
        }
        let raw = std::fs::File::open(data("nsmc_raw/reviews.tsv.zst")).expect("NSMC raw crawl");
        let reader = BufReader::new(zstd::stream::read::Decoder::new(raw).expect("zstd stream"));
        for line in reader.lines().skip(1) {
            let line = line.expect("readable raw crawl");
            let fields: Vec<&str> = line.split('\t').collect();
            let (Some(rating), Some(text)) = (fields.get(2), fields.get(5)) else {
                continue;
            };
            if matches!(*rating, "5" | "6" | "7" | "8") && !text.trim().is_empty() {
                corpus.neutral.push((*text).to_owned());
                if corpus.neutral.len() == 8_000 {
                    break;
                }
            }
        }
        corpus
    })
}

/// SplitMix64: a tiny, fixed, seeded generator (the scenarios must not change with a
/// dependency's version).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }

    /// Poisson-distributed count (Knuth's method; the means here are below 200).
    pub fn poisson(&mut self, mean: f64) -> u32 {
        let limit = (-mean).exp();
        let (mut count, mut product) = (0, self.unit());
        while product > limit {
            count += 1;
            product *= self.unit();
        }
        count
    }
}

/// Relative posting activity by local hour: quiet nights, a lunch bump, busy evenings.
pub const DAILY_CYCLE: [f64; 24] = [
    0.55, 0.35, 0.22, 0.15, 0.12, 0.12, 0.2, 0.4, 0.6, 0.7, 0.75, 0.85, 1.0, 0.9, 0.8, 0.8, 0.85,
    0.95, 1.1, 1.25, 1.35, 1.4, 1.2, 0.85,
];

/// A wave of negative posts about one target.
#[derive(Debug, Clone, Copy)]
pub struct Wave {
    /// When the rumour starts spreading.
    pub onset: i64,
    /// Hours from onset to the peak rate (linear build-up).
    pub rise_hours: f64,
    /// Negative posts per hour at the peak.
    pub peak_per_hour: f64,
    /// When the company's correction goes out; the rate stays at the peak until then.
    pub response: i64,
    /// Half-life of the decay after the response, in hours.
    pub half_life_hours: f64,
}

impl Wave {
    /// Wave posts per hour at `time`.
    pub fn rate(&self, time: i64) -> f64 {
        let hours = |t: i64| t as f64 / HOUR as f64;
        if time < self.onset {
            0.0
        } else if time < self.response {
            self.peak_per_hour * (hours(time - self.onset) / self.rise_hours).min(1.0)
        } else {
            let peak = self.rate(self.response - 1);
            peak * 0.5f64.powf(hours(time - self.response) / self.half_life_hours)
        }
    }

    /// When the rate has fallen below `per_hour`.
    pub fn decayed_below(&self, per_hour: f64) -> i64 {
        let peak = self.rate(self.response - 1);
        let hours = self.half_life_hours * (peak / per_hour).log2();
        self.response + (hours * HOUR as f64) as i64
    }
}

/// A generated stream of posts.
pub struct Scenario {
    pub zone: Zone,
    pub start: i64,
    pub end: i64,
    pub observations: Vec<Observation>,
    pub wave: Option<Wave>,
    /// How many of the posts are the wave's.
    pub wave_posts: usize,
}

pub struct ScenarioSpec {
    pub seed: u64,
    pub days: i64,
    /// Posts per hour at activity 1.0.
    pub posts_per_hour: f64,
    /// Each day's negative share is drawn uniformly from this range.
    pub negative_share: (f64, f64),
    pub neutral_share: f64,
    pub wave: Option<Wave>,
}

pub fn seoul() -> Zone {
    "Asia/Seoul".parse().unwrap()
}

pub fn at(local: &str) -> i64 {
    parse_timestamp(local, &seoul()).unwrap()
}

/// The rumour of 2009-11-27: it starts spreading at 18:30, peaks at 21:00 with 90 angry posts
/// an hour, the correction goes out at 22:00, and the anger halves every 90 minutes.
pub fn rumour() -> Wave {
    Wave {
        onset: at("2009-11-27 18:30"),
        rise_hours: 2.5,
        peak_per_hour: 90.0,
        response: at("2009-11-27 22:00"),
        half_life_hours: 1.5,
    }
}

pub fn week(seed: u64, wave: Option<Wave>) -> ScenarioSpec {
    ScenarioSpec {
        seed,
        days: 9,
        posts_per_hour: 25.0,
        negative_share: (0.15, 0.25),
        neutral_share: 0.3,
        wave,
    }
}

/// Shared analysis: the target matcher and the "negative terms" stand-in for a scorer's
/// evidence (content morphemes of two syllables or more of negative posts, as `form/TAG`).
pub struct Analyzer {
    worker: Worker,
    matcher: TargetMatcher,
}

pub fn tokenizer() -> &'static Tokenizer {
    static TOKENIZER: OnceLock<Tokenizer> = OnceLock::new();
    TOKENIZER.get_or_init(|| Tokenizer::new().unwrap())
}

impl Analyzer {
    pub fn new() -> Analyzer {
        let mut worker = tokenizer().worker();
        let matcher = TargetMatcher::new(&TARGETS, &mut worker).unwrap();
        Analyzer { worker, matcher }
    }

    pub fn targets(&mut self, text: &str) -> Vec<usize> {
        self.matcher.find_in(&mut self.worker, text).unwrap()
    }

    pub fn observation(&mut self, time: i64, label: Label, text: &str) -> Observation {
        let analysis = self.worker.analyze(text).unwrap();
        let targets = self.matcher.find(analysis);
        let terms = if label == Label::Negative {
            analysis
                .tokens()
                .flat_map(|t| t.morphemes().collect::<Vec<_>>())
                .filter(|m| matches!(m.tag, PosTag::Nng | PosTag::Va | PosTag::Vv | PosTag::Xr))
                .filter(|m| m.form.chars().count() >= 2)
                .map(|m| format!("{}/{}", m.form, m.tag))
                .collect()
        } else {
            Vec::new()
        };
        let polarity = match label {
            Label::Negative => -0.8,
            Label::Neutral => 0.0,
            Label::Positive => 0.8,
        };
        Observation::new(time, label, polarity)
            .with_targets(targets)
            .with_negative_terms(terms)
    }
}

/// Draws posts from shuffled pools, without replacement.
struct Pool<'a> {
    texts: &'a [String],
    order: Vec<usize>,
    next: usize,
}

impl<'a> Pool<'a> {
    fn new(texts: &'a [String], rng: &mut Rng) -> Pool<'a> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        Pool {
            texts,
            order,
            next: 0,
        }
    }

    fn draw(&mut self) -> &'a str {
        let text = &self.texts[self.order[self.next % self.order.len()]];
        self.next += 1;
        text
    }
}

pub fn generate(spec: &ScenarioSpec) -> Scenario {
    let corpus = corpus();
    let mut rng = Rng::new(spec.seed);
    let mut analyzer = Analyzer::new();
    let mut negative = Pool::new(&corpus.negative, &mut rng);
    let mut neutral = Pool::new(&corpus.neutral, &mut rng);
    let mut positive = Pool::new(&corpus.positive, &mut rng);
    // The wave's posts: real negative reviews that mention the first target and not the
    // second (the rumour is about one of them).
    let about_target: Vec<String> = corpus
        .negative
        .iter()
        .filter(|text| text.contains(TARGETS[0]))
        .filter(|text| analyzer.targets(text) == [0])
        .cloned()
        .collect();
    // The wave draws from its own generator, so that the chatter does not change with the
    // size of the wave's pool (which depends on the tokenizer).
    let mut wave_rng = Rng::new(spec.seed ^ 0x5741_5645);
    let mut wave_pool = Pool::new(&about_target, &mut wave_rng);

    let start = at("2009-11-21 00:00");
    let end = start + spec.days * 24 * HOUR;
    let mut observations = Vec::new();
    let mut day_share = 0.0;
    for hour_start in (start..end).step_by(HOUR as usize) {
        let hour = ((hour_start - start) / HOUR % 24) as usize;
        if hour == 0 {
            let (low, high) = spec.negative_share;
            day_share = low + (high - low) * rng.unit();
        }
        // Hour-to-hour volume varies by ±30% around the daily cycle.
        let volume = spec.posts_per_hour * DAILY_CYCLE[hour] * (0.7 + 0.6 * rng.unit());
        for _ in 0..rng.poisson(volume) {
            let time = hour_start + rng.below(HOUR as usize) as i64;
            let draw = rng.unit();
            let (label, text) = if draw < day_share {
                (Label::Negative, negative.draw())
            } else if draw < day_share + spec.neutral_share {
                (Label::Neutral, neutral.draw())
            } else {
                (Label::Positive, positive.draw())
            };
            observations.push(analyzer.observation(time, label, text));
        }
    }
    let mut wave_posts = 0;
    if let Some(wave) = spec.wave {
        // Minute by minute, Poisson arrivals at the wave's rate.
        for minute_start in (wave.onset..end).step_by(60) {
            for _ in 0..wave_rng.poisson(wave.rate(minute_start) / 60.0) {
                let time = minute_start + wave_rng.below(60) as i64;
                observations.push(analyzer.observation(time, Label::Negative, wave_pool.draw()));
                wave_posts += 1;
            }
        }
    }
    observations.sort_by_key(|o| o.time);
    Scenario {
        zone: seoul(),
        start,
        end,
        observations,
        wave: spec.wave,
        wave_posts,
    }
}
