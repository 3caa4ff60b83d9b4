//! Agreement with MeCab-ko, the reference engine for mecab-ko-dic.
//!
//! `/work/shared/ko-dic/parity/` holds real posts (`*.txt`, one a line) and MeCab-ko's
//! analysis of each line (`*.mecab-ko.tsv`: `surface TAB feature` lines, `EOS` after each
//! input line). MeCab prints surfaces only, so its token spans are recovered by finding each
//! surface in the line after the whitespace MeCab skipped.
//!
//! Measures, over MeCab's tokens:
//! - token agreement: a MeCab token agrees when one of ours has the same span in the
//!   original line (hence the same text) and the same first POS tag (`VCP` of `VCP+EF`);
//! - Hangul-token agreement: the same, over MeCab tokens made of Hangul only;
//! - boundary agreement: precision, recall and F1 of token start/end offsets; and the same
//!   over inner boundaries only (not next to whitespace or the line's ends), which leaves out
//!   the boundaries that whitespace gives away for free.
//!
//! Every figure is printed (`cargo test -p nunchi-tokenizer --test mecab_parity --
//! --nocapture`) and held to a floor a little below the measured value: the analysis is
//! deterministic, so a drop means a regression. `NUNCHI_PARITY_DIFFS=N` also prints the
//! first N lines that differ, MeCab's tokens against ours.
//!
//! Two normalisers are measured: the default one, which may legitimately change repeated
//! runs (`ㅋㅋㅋㅋㅋ` → `ㅋㅋㅋ`) and so the tokens around them, and the most literal one
//! (`literal_normalizer`), which shows the segmentation alone.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use nunchi_tokenizer::{Normalizer, Tokenizer};

const PARITY_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/ko-dic/parity");

/// One MeCab token located in its input line.
struct MecabToken<'a> {
    surface: &'a str,
    span: Range<usize>,
    pos: &'a str,
}

/// Boundary offsets of MeCab, ours, and both.
#[derive(Default)]
struct BoundaryCounts {
    mecab: usize,
    ours: usize,
    common: usize,
}

impl BoundaryCounts {
    fn add(&mut self, theirs: &HashSet<usize>, mine: &HashSet<usize>) {
        self.mecab += theirs.len();
        self.ours += mine.len();
        self.common += theirs.intersection(mine).count();
    }
    fn recall(&self) -> f64 {
        ratio(self.common, self.mecab)
    }
    fn precision(&self) -> f64 {
        ratio(self.common, self.ours)
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn describe(&self) -> String {
        format!(
            "recall {:.2}%, precision {:.2}%, F1 {:.2}%",
            100.0 * self.recall(),
            100.0 * self.precision(),
            100.0 * self.f1()
        )
    }
}

/// Counts for one corpus and normaliser.
#[derive(Default)]
struct Agreement {
    mecab_tokens: usize,
    our_tokens: usize,
    agreeing: usize,
    hangul_tokens: usize,
    hangul_agreeing: usize,
    boundaries: BoundaryCounts,
    inner_boundaries: BoundaryCounts,
    lines: usize,
    identical_lines: usize,
    /// Disagreeing MeCab tokens by kind of difference.
    differences: BTreeMap<&'static str, usize>,
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

impl Agreement {
    fn token(&self) -> f64 {
        ratio(self.agreeing, self.mecab_tokens)
    }
    fn token_precision(&self) -> f64 {
        ratio(self.agreeing, self.our_tokens)
    }
    fn hangul(&self) -> f64 {
        ratio(self.hangul_agreeing, self.hangul_tokens)
    }

    fn print(&self, label: &str) {
        println!(
            "{label}: {} lines ({} identical), MeCab tokens {}, ours {}\n  \
             token agreement {:.2}% (precision {:.2}%), Hangul tokens {:.2}% of {}\n  \
             all boundaries: {}\n  inner boundaries: {}",
            self.lines,
            self.identical_lines,
            self.mecab_tokens,
            self.our_tokens,
            100.0 * self.token(),
            100.0 * self.token_precision(),
            100.0 * self.hangul(),
            self.hangul_tokens,
            self.boundaries.describe(),
            self.inner_boundaries.describe(),
        );
        for (kind, count) in &self.differences {
            println!("  differing MeCab tokens, {kind}: {count}");
        }
    }
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

fn is_symbol(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace()
}

fn read(name: &str) -> String {
    let path = format!("{PARITY_DIR}/{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Splits MeCab's output into one token list per input line, each token located in its
/// line.
fn mecab_tokens<'a>(lines: &[&str], output: &'a str) -> Vec<Vec<MecabToken<'a>>> {
    let mut sentences = Vec::with_capacity(lines.len());
    let mut current = Vec::new();
    let mut at = 0;
    for row in output.lines() {
        if row == "EOS" {
            sentences.push(std::mem::take(&mut current));
            at = 0;
            continue;
        }
        let line = lines[sentences.len()];
        let (surface, feature) = row
            .split_once('\t')
            .unwrap_or_else(|| panic!("malformed MeCab row {row:?}"));
        // MeCab skips whitespace before each token.
        while !line[at..].starts_with(surface) {
            let c = line[at..]
                .chars()
                .next()
                .unwrap_or_else(|| panic!("MeCab surface {surface:?} not found in line {line:?}"));
            assert!(
                c.is_whitespace(),
                "MeCab surface {surface:?} not at {at} of {line:?}"
            );
            at += c.len_utf8();
        }
        let pos = feature.split(',').next().unwrap_or(feature);
        current.push(MecabToken {
            surface,
            span: at..at + surface.len(),
            pos: pos.split('+').next().unwrap_or(pos),
        });
        at += surface.len();
    }
    assert_eq!(sentences.len(), lines.len(), "one EOS per input line");
    sentences
}

fn boundaries(spans: impl Iterator<Item = Range<usize>>) -> HashSet<usize> {
    spans.flat_map(|s| [s.start, s.end]).collect()
}

/// Whether a boundary at `at` lies inside a whitespace-delimited word of `line`.
fn is_inner_boundary(line: &str, at: usize) -> bool {
    let before = line[..at].chars().next_back();
    let after = line[at..].chars().next();
    matches!((before, after), (Some(b), Some(a)) if !b.is_whitespace() && !a.is_whitespace())
}

/// Names the kind of difference for a MeCab token that none of ours matches.
fn difference_kind(token: &MecabToken<'_>, ours: &[(Range<usize>, String, bool)]) -> &'static str {
    let overlapping: Vec<_> = ours
        .iter()
        .filter(|(span, _, _)| span.start < token.span.end && token.span.start < span.end)
        .collect();
    if overlapping.iter().any(|(span, _, _)| *span == token.span) {
        "same span, other POS"
    } else if overlapping.iter().any(|(_, _, normalised)| *normalised) {
        "text changed by normalisation"
    } else if token.surface.chars().all(is_symbol) {
        "symbols grouped differently"
    } else if token.surface.chars().all(is_hangul) {
        "Hangul segmented differently"
    } else {
        "other segmentation"
    }
}

fn measure(corpus: &str, normalizer: Normalizer) -> Agreement {
    let text = read(&format!("{corpus}.txt"));
    let output = read(&format!("{corpus}.mecab-ko.tsv"));
    let lines: Vec<&str> = text.lines().collect();
    let reference = mecab_tokens(&lines, &output);
    let tokenizer = Tokenizer::builder()
        .normalizer(normalizer)
        .build()
        .expect("embedded dictionary");
    let mut worker = tokenizer.worker();
    let mut shown = std::env::var("NUNCHI_PARITY_DIFFS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);

    let mut agreement = Agreement::default();
    for (line, mecab) in lines.iter().zip(&reference) {
        let analysis = worker.analyze(line).expect("analysis");
        // (span, first POS, whether normalisation changed the token's text)
        let ours: Vec<(Range<usize>, String, bool)> = analysis
            .tokens()
            .map(|t| {
                let changed = t.surface != &line[t.span.clone()];
                (t.span.clone(), t.pos.to_string(), changed)
            })
            .collect();
        let our_tokens: HashSet<(Range<usize>, &str)> = ours
            .iter()
            .map(|(span, pos, _)| (span.clone(), pos.as_str()))
            .collect();

        agreement.lines += 1;
        agreement.mecab_tokens += mecab.len();
        agreement.our_tokens += ours.len();
        let mut line_agrees = mecab.len() == ours.len();
        for token in mecab {
            let agrees = our_tokens.contains(&(token.span.clone(), token.pos));
            let hangul = token.surface.chars().all(is_hangul);
            agreement.agreeing += usize::from(agrees);
            agreement.hangul_tokens += usize::from(hangul);
            agreement.hangul_agreeing += usize::from(hangul && agrees);
            if !agrees {
                line_agrees = false;
                *agreement
                    .differences
                    .entry(difference_kind(token, &ours))
                    .or_default() += 1;
            }
        }
        agreement.identical_lines += usize::from(line_agrees);

        let theirs = boundaries(mecab.iter().map(|t| t.span.clone()));
        let mine = boundaries(ours.iter().map(|(span, _, _)| span.clone()));
        agreement.boundaries.add(&theirs, &mine);
        let inner = |set: HashSet<usize>| -> HashSet<usize> {
            set.into_iter()
                .filter(|&at| is_inner_boundary(line, at))
                .collect()
        };
        agreement.inner_boundaries.add(&inner(theirs), &inner(mine));

        if !line_agrees && shown > 0 {
            shown -= 1;
            let show = |spans: Vec<(Range<usize>, &str)>| -> String {
                spans
                    .into_iter()
                    .map(|(span, pos)| format!("{}/{pos}", &line[span]))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            println!("{line}");
            println!(
                "  mecab: {}",
                show(mecab.iter().map(|t| (t.span.clone(), t.pos)).collect())
            );
            println!(
                "  ours:  {}",
                show(
                    ours.iter()
                        .map(|(span, pos, _)| (span.clone(), pos.as_str()))
                        .collect()
                )
            );
        }
    }
    agreement
}

/// The normaliser that changes the text least: no squashing of repeated runs.
fn literal_normalizer() -> Normalizer {
    Normalizer {
        max_repeat: usize::MAX,
    }
}

/// Floors for one measurement, in percent.
struct Floors {
    token: f64,
    hangul: f64,
    boundary_f1: f64,
    inner_boundary_f1: f64,
}

fn check(corpus: &str, label: &str, normalizer: Normalizer, floors: Floors) {
    let agreement = measure(corpus, normalizer);
    agreement.print(&format!("{corpus}, {label} normaliser"));
    let checks = [
        ("token agreement", agreement.token(), floors.token),
        ("Hangul-token agreement", agreement.hangul(), floors.hangul),
        ("boundary F1", agreement.boundaries.f1(), floors.boundary_f1),
        (
            "inner-boundary F1",
            agreement.inner_boundaries.f1(),
            floors.inner_boundary_f1,
        ),
    ];
    for (name, value, floor) in checks {
        assert!(
            100.0 * value >= floor,
            "{corpus} ({label} normaliser): {name} {:.2}% fell below {floor}%",
            100.0 * value
        );
    }
}

#[test]
fn nsmc_reviews_agree_with_mecab_ko() {
    check(
        "nsmc_test_first2000",
        "default",
        Normalizer::default(),
        Floors {
            token: 89.5,
            hangul: 93.4,
            boundary_f1: 98.5,
            inner_boundary_f1: 96.7,
        },
    );
    check(
        "nsmc_test_first2000",
        "literal",
        literal_normalizer(),
        Floors {
            token: 89.5,
            hangul: 93.4,
            boundary_f1: 98.5,
            inner_boundary_f1: 96.7,
        },
    );
}

#[test]
fn tweets_agree_with_mecab_ko() {
    check(
        "sarcasm_tweets_test",
        "default",
        Normalizer::default(),
        Floors {
            token: 90.2,
            hangul: 92.5,
            boundary_f1: 99.0,
            inner_boundary_f1: 97.0,
        },
    );
    check(
        "sarcasm_tweets_test",
        "literal",
        literal_normalizer(),
        Floors {
            token: 90.2,
            hangul: 92.5,
            boundary_f1: 99.0,
            inner_boundary_f1: 97.0,
        },
    );
}
