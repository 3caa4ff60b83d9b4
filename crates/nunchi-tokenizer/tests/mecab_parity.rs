//! Agreement with MeCab-ko, the reference engine for mecab-ko-dic.
//!
//! `/work/shared/ko-dic/parity/` holds real posts (`*.txt`, one a line) and MeCab-ko's
//! analysis of each line (`*.mecab-ko.tsv`: `surface TAB feature` lines, `EOS` after each
//! input line). MeCab prints surfaces only, so its token spans are recovered by finding each
//! surface in the line after the whitespace MeCab skipped.
//!
//! Measured over MeCab's tokens:
//! - token agreement: a MeCab token agrees when one of ours has the same span in the
//!   original line (hence the same text) and the same first POS tag (`VCP` of `VCP+EF`);
//!   of the agreeing tokens, "full tag" gives the share with the same last tag too (`EF`),
//!   "same morphemes" the share with the same morphemes and base forms (`이/VCP + 야/EF`),
//!   i.e. the same dictionary entry;
//! - Hangul-token agreement: the same, over MeCab tokens made of Hangul only;
//! - boundary agreement: precision, recall and F1 of token start/end offsets; and the same
//!   over inner boundaries only (not next to whitespace or the line's ends), which leaves out
//!   the boundaries that whitespace gives away for free.
//!
//! Normalisation changes some text on purpose (a run `ㅋㅋㅋㅋㅋ` squashed to `ㅋㅋㅋ`, a
//! mention `@user` kept as one unit where MeCab sees `@` and `user`), so token agreement is
//! also given over the MeCab tokens that touch neither a social unit nor a token whose text
//! normalisation changed ("where the text was kept"): that figure shows the segmentation
//! alone. Two normalisers are measured: the default one and the most literal one
//! (`literal_normalizer`).
//!
//! Every figure is printed (`cargo test -p nunchi-tokenizer --test mecab_parity --
//! --nocapture`) and held to a floor: the analysis is deterministic, so a drop is a
//! regression. `NUNCHI_PARITY_DIFFS=N` also prints the first N lines that differ, MeCab's
//! tokens against ours.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use nunchi_tokenizer::{Normalizer, PosTag, Tokenizer};

const PARITY_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/ko-dic/parity");

/// One MeCab token located in its input line.
struct MecabToken<'a> {
    surface: &'a str,
    span: Range<usize>,
    first_pos: &'a str,
    last_pos: &'a str,
    /// `form/TAG` of each morpheme, as our tokens list them.
    morphemes: Vec<String>,
}

/// One of our tokens, as compared.
struct OurToken {
    span: Range<usize>,
    first_pos: PosTag,
    last_pos: PosTag,
    morphemes: Vec<String>,
    /// A social unit, or a token whose text normalisation changed.
    normalised: bool,
}

/// Agreeing tokens out of a total.
#[derive(Default, Clone, Copy)]
struct Share {
    agreeing: usize,
    total: usize,
}

impl Share {
    fn add(&mut self, agrees: bool) {
        self.total += 1;
        self.agreeing += usize::from(agrees);
    }
    fn percent(self) -> f64 {
        percent(self.agreeing, self.total)
    }
    fn describe(self) -> String {
        format!("{:.2}% of {}", self.percent(), self.total)
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        100.0 * part as f64 / whole as f64
    }
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
    fn f1(&self) -> f64 {
        let (p, r) = (
            percent(self.common, self.ours),
            percent(self.common, self.mecab),
        );
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn describe(&self) -> String {
        format!(
            "recall {:.2}%, precision {:.2}%, F1 {:.2}%",
            percent(self.common, self.mecab),
            percent(self.common, self.ours),
            self.f1()
        )
    }
}

/// Figures for one corpus and normaliser.
#[derive(Default)]
struct Agreement {
    lines: usize,
    identical_lines: usize,
    our_tokens: usize,
    tokens: Share,
    full_tag: Share,
    morphemes: Share,
    hangul: Share,
    kept_text: Share,
    boundaries: BoundaryCounts,
    inner_boundaries: BoundaryCounts,
    /// Disagreeing MeCab tokens by kind of difference.
    differences: BTreeMap<&'static str, usize>,
}

impl Agreement {
    fn print(&self, label: &str) {
        println!(
            "{label}: {} lines, {} identical; MeCab tokens {}, ours {}\n  \
             token agreement {}, of which full tag {:.2}%, same morphemes {:.2}%\n  \
             Hangul tokens {}\n  \
             where the text was kept: {}\n  \
             all boundaries: {}\n  inner boundaries: {}",
            self.lines,
            self.identical_lines,
            self.tokens.total,
            self.our_tokens,
            self.tokens.describe(),
            self.full_tag.percent(),
            self.morphemes.percent(),
            self.hangul.describe(),
            self.kept_text.describe(),
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
        let fields: Vec<&str> = feature.split(',').collect();
        let pos = fields[0];
        let first_pos = pos.split('+').next().unwrap_or(pos);
        // An analysed entry lists its morphemes as `form/TAG/*+…`; a plain one is itself.
        let morphemes = match (fields.get(4), fields.get(7)) {
            (Some(&kind), Some(&expression)) if kind != "*" && expression != "*" => expression
                .split('+')
                .map(|m| {
                    m.rsplit_once('/')
                        .map_or(m, |(form_tag, _)| form_tag)
                        .to_owned()
                })
                .collect(),
            _ => vec![format!("{surface}/{first_pos}")],
        };
        current.push(MecabToken {
            surface,
            span: at..at + surface.len(),
            first_pos,
            last_pos: pos.rsplit('+').next().unwrap_or(pos),
            morphemes,
        });
        at += surface.len();
    }
    assert_eq!(sentences.len(), lines.len(), "one EOS per input line");
    sentences
}

fn boundaries<'a>(spans: impl Iterator<Item = &'a Range<usize>>) -> HashSet<usize> {
    spans.flat_map(|s| [s.start, s.end]).collect()
}

/// Whether a boundary at `at` lies inside a whitespace-delimited word of `line`.
fn is_inner_boundary(line: &str, at: usize) -> bool {
    let before = line[..at].chars().next_back();
    let after = line[at..].chars().next();
    matches!((before, after), (Some(b), Some(a)) if !b.is_whitespace() && !a.is_whitespace())
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Names the kind of difference for a MeCab token that none of ours matches.
fn difference_kind(token: &MecabToken<'_>, ours: &[OurToken]) -> &'static str {
    let overlapping = || ours.iter().filter(|t| overlaps(&t.span, &token.span));
    if overlapping().any(|t| t.normalised) {
        "text changed by normalisation or kept as a social unit"
    } else if overlapping().any(|t| t.span == token.span) {
        "same span, other POS"
    } else if token.surface.chars().all(is_symbol) {
        "symbols grouped differently"
    } else if token.surface.chars().all(is_hangul) {
        "Hangul segmented differently"
    } else {
        "other segmentation"
    }
}

fn show(line: &str, tokens: impl Iterator<Item = (Range<usize>, String)>) -> String {
    tokens
        .map(|(span, pos)| format!("{}/{pos}", &line[span]))
        .collect::<Vec<_>>()
        .join(" ")
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
    let mut to_show = std::env::var("NUNCHI_PARITY_DIFFS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);

    let mut agreement = Agreement::default();
    for (line, mecab) in lines.iter().zip(&reference) {
        let analysis = worker.analyze(line).expect("analysis");
        let ours: Vec<OurToken> = analysis
            .tokens()
            .map(|t| OurToken {
                normalised: t.pos.is_social() || t.surface != &line[t.span.range()],
                morphemes: t
                    .morphemes()
                    .map(|m| format!("{}/{}", m.form, m.tag))
                    .collect(),
                span: t.span.range(),
                first_pos: t.pos,
                last_pos: t.last_pos,
            })
            .collect();

        agreement.lines += 1;
        agreement.our_tokens += ours.len();
        let mut identical = mecab.len() == ours.len();
        for token in mecab {
            let agreeing = ours
                .iter()
                .find(|t| t.span == token.span && t.first_pos.as_str() == token.first_pos);
            let agrees = agreeing.is_some();
            let kept = !ours
                .iter()
                .any(|t| t.normalised && overlaps(&t.span, &token.span));
            agreement.tokens.add(agrees);
            if let Some(ours) = agreeing {
                agreement
                    .full_tag
                    .add(ours.last_pos.as_str() == token.last_pos);
                agreement.morphemes.add(ours.morphemes == token.morphemes);
            }
            if token.surface.chars().all(is_hangul) {
                agreement.hangul.add(agrees);
            }
            if kept {
                agreement.kept_text.add(agrees);
            }
            if !agrees {
                identical = false;
                *agreement
                    .differences
                    .entry(difference_kind(token, &ours))
                    .or_default() += 1;
            }
        }
        agreement.identical_lines += usize::from(identical);

        let theirs = boundaries(mecab.iter().map(|t| &t.span));
        let mine = boundaries(ours.iter().map(|t| &t.span));
        agreement.boundaries.add(&theirs, &mine);
        let inner = |set: &HashSet<usize>| -> HashSet<usize> {
            set.iter()
                .copied()
                .filter(|&at| is_inner_boundary(line, at))
                .collect()
        };
        agreement
            .inner_boundaries
            .add(&inner(&theirs), &inner(&mine));

        if !identical && to_show > 0 {
            to_show -= 1;
            println!("{line}");
            let theirs = mecab
                .iter()
                .map(|t| (t.span.clone(), t.first_pos.to_owned()));
            println!("  mecab: {}", show(line, theirs));
            let mine = ours
                .iter()
                .map(|t| (t.span.clone(), t.first_pos.to_string()));
            println!("  ours:  {}", show(line, mine));
        }
    }
    agreement
}

/// The normaliser that changes the text least: no squashing of repeated runs (social units
/// are still kept whole).
fn literal_normalizer() -> Normalizer {
    Normalizer { max_repeat: 0 }
}

/// Floors, in percent.
#[derive(Clone, Copy)]
struct Floors {
    /// Token agreement over all MeCab tokens.
    tokens: f64,
    /// Token agreement where the text was kept (the segmentation alone).
    kept_text: f64,
    /// Share of agreeing tokens with the same morphemes and base forms.
    morphemes: f64,
    hangul: f64,
    inner_boundary_f1: f64,
}

fn check(corpus: &str, label: &str, normalizer: Normalizer, floors: Floors) {
    let agreement = measure(corpus, normalizer);
    agreement.print(&format!("{corpus}, {label} normaliser"));
    let checks = [
        ("token agreement", agreement.tokens.percent(), floors.tokens),
        (
            "token agreement where the text was kept",
            agreement.kept_text.percent(),
            floors.kept_text,
        ),
        (
            "same morphemes",
            agreement.morphemes.percent(),
            floors.morphemes,
        ),
        (
            "Hangul-token agreement",
            agreement.hangul.percent(),
            floors.hangul,
        ),
        (
            "inner-boundary F1",
            agreement.inner_boundaries.f1(),
            floors.inner_boundary_f1,
        ),
    ];
    for (name, value, floor) in checks {
        assert!(
            value >= floor,
            "{corpus} ({label} normaliser): {name} {value:.2}% fell below {floor}%"
        );
    }
}

// Measured (see the module doc for how), with the social-post normaliser of `normalize/`:
//
// | corpus, normaliser | tokens | text kept | morphemes | Hangul | inner-boundary F1 |
// |---|---|---|---|---|---|
// | NSMC, default      | 99.31  | 99.99 | 99.44 | 99.60 | 99.67 |
// | NSMC, literal      | 99.67  | 99.99 | 99.85 | 99.90 | 99.87 |
// | tweets, default    | 90.66  | 99.90 | 99.91 | 96.80 | 93.95 |
// | tweets, literal    | 90.66  | 99.90 | 99.95 | 96.80 | 93.88 |
//
// Nearly every token that differs is one normalisation changed on purpose: `ㅋㅋㅋㅋ` or
// `....` squashed, an emoticon or emoji tagged as such, `@user`, `#tag` and `URL` kept whole
// where MeCab splits them (7% of the tweets' tokens), an invisible filler removed. Without
// any normalisation, every figure is 100% (all 2,301 lines identical). The floors sit a
// little below the measured figures.

#[test]
fn nsmc_reviews_agree_with_mecab_ko() {
    let corpus = "nsmc_test_first2000";
    let default = Floors {
        tokens: 99.2,
        kept_text: 99.95,
        morphemes: 99.35,
        hangul: 99.5,
        inner_boundary_f1: 99.6,
    };
    check(corpus, "default", Normalizer::default(), default);
    let literal = Floors {
        tokens: 99.6,
        kept_text: 99.95,
        morphemes: 99.8,
        hangul: 99.8,
        inner_boundary_f1: 99.8,
    };
    check(corpus, "literal", literal_normalizer(), literal);
}

#[test]
fn tweets_agree_with_mecab_ko() {
    let corpus = "sarcasm_tweets_test";
    let floors = Floors {
        tokens: 90.5,
        kept_text: 99.85,
        morphemes: 99.85,
        hangul: 96.7,
        inner_boundary_f1: 93.8,
    };
    check(corpus, "default", Normalizer::default(), floors);
    check(corpus, "literal", literal_normalizer(), floors);
}
