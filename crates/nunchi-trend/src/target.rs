//! Which targets (brands, products, people) a post mentions.

use std::iter::Peekable;
use std::str::Chars;

use nunchi_tokenizer::{Analysis, Worker};

use crate::error::Error;

/// Finds the targets that a post mentions, on the tokenizer's normalised text.
///
/// A target matches where it **begins a word or a token** and is **not continued by another
/// Latin letter or digit**:
///
/// - it starts at the start of the text, after a character that is not a letter or digit
///   (space, punctuation, `#`, `@`), or where the tokenizer starts a token (so `KT` is found
///   in `이번KT사태`, where ko-dic splits `이번` / `KT` / `사태`);
/// - letters compare case-insensitively (`kt` = `KT`), after the same normalisation as the
///   post;
/// - a target that ends in a Latin letter or digit must not be followed by another letter or
///   digit that is not Hangul: `KT` matches `KT가`, `KT의`, `(KT)`, `#KT`, `KTㅋㅋ` but not
///   `KTX`, `KT2` or `SKT`;
/// - a target that ends in Hangul may be followed by anything: particles and suffixes
///   (`아이폰이`, `아이폰은`), compounds (`아이폰케이스`) and model numbers (`아이폰15`) are
///   mentions of `아이폰`; `반삼성` matches `삼성` only if ko-dic splits it there.
#[derive(Debug, Clone, Default)]
pub struct TargetMatcher {
    targets: Vec<Target>,
}

#[derive(Debug, Clone)]
struct Target {
    name: String,
    /// The normalised, lower-cased target.
    folded: String,
    /// Whether the target ends in a character that a Latin letter or digit would continue.
    ends_in_word_char: bool,
}

impl TargetMatcher {
    /// A matcher for `targets`, normalised with `worker`'s tokenizer so that they compare
    /// with posts analysed by the same tokenizer. Target `i` is reported as index `i`.
    ///
    /// # Errors
    ///
    /// [`Error::Target`] for a target that is empty after normalisation;
    /// [`Error::Tokenizer`] if normalising fails.
    pub fn new<S: AsRef<str>>(targets: &[S], worker: &mut Worker) -> Result<Self, Error> {
        let targets = targets
            .iter()
            .map(|target| {
                let name = target.as_ref();
                let normalized = worker.analyze(name.trim())?.normalized_text().trim();
                let folded: String = normalized.chars().flat_map(char::to_lowercase).collect();
                let last = folded.chars().next_back().ok_or_else(|| Error::Target {
                    value: name.to_owned(),
                    reason: "it is empty",
                })?;
                Ok(Target {
                    name: name.trim().to_owned(),
                    ends_in_word_char: continues_latin_word(last),
                    folded,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(TargetMatcher { targets })
    }

    /// The targets as given (trimmed), in index order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.targets.iter().map(|t| t.name.as_str())
    }

    /// Number of targets.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether there are no targets.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// Indices of the targets that the analysed post mentions, ascending.
    pub fn find(&self, analysis: &Analysis) -> Vec<usize> {
        let text = analysis.normalized_text();
        let mut starts = word_starts(text);
        starts.extend(analysis.tokens().map(|token| token.normalized.start));
        starts.sort_unstable();
        starts.dedup();
        (0..self.targets.len())
            .filter(|&i| {
                let target = &self.targets[i];
                starts.iter().any(|&at| target.matches_at(text, at))
            })
            .collect()
    }

    /// Analyses `text` with `worker` and returns the targets it mentions (see
    /// [`Self::find`]).
    ///
    /// # Errors
    ///
    /// [`Error::Tokenizer`] if the analysis fails.
    pub fn find_in(&self, worker: &mut Worker, text: &str) -> Result<Vec<usize>, Error> {
        Ok(self.find(worker.analyze(text)?))
    }
}

impl Target {
    fn matches_at(&self, text: &str, at: usize) -> bool {
        let mut want = self.folded.chars().peekable();
        let mut rest = text[at..].chars();
        let Some(end) = match_folded(&mut want, &mut rest) else {
            return false;
        };
        !self.ends_in_word_char
            || !text[at + end..]
                .chars()
                .next()
                .is_some_and(continues_latin_word)
    }
}

/// Consumes `text` while its lower-cased characters equal `want`; the byte length of the
/// text matched when `want` is used up exactly at a character boundary.
fn match_folded(want: &mut Peekable<Chars<'_>>, text: &mut Chars<'_>) -> Option<usize> {
    let mut matched = 0;
    while want.peek().is_some() {
        let c = text.next()?;
        for lower in c.to_lowercase() {
            if want.next() != Some(lower) {
                return None;
            }
        }
        matched += c.len_utf8();
    }
    Some(matched)
}

/// Byte offsets where a word starts: the start of the text and every letter or digit after
/// a character that is neither.
fn word_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut previous_is_word = false;
    for (i, c) in text.char_indices() {
        let is_word = c.is_alphanumeric();
        if is_word && !previous_is_word {
            starts.push(i);
        }
        previous_is_word = is_word;
    }
    starts
}

/// A letter or digit that is not Hangul (syllables or jamo) or a CJK ideograph: what would
/// make `KT` part of a longer Latin word like `KTX`.
fn continues_latin_word(c: char) -> bool {
    c.is_alphanumeric() && !is_hangul_or_cjk(c)
}

fn is_hangul_or_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'   // Hangul Jamo
        | '\u{3130}'..='\u{318F}' // Hangul Compatibility Jamo (ㅋ, ㅠ)
        | '\u{A960}'..='\u{A97F}' // Hangul Jamo Extended-A
        | '\u{AC00}'..='\u{D7AF}' // Hangul Syllables
        | '\u{D7B0}'..='\u{D7FF}' // Hangul Jamo Extended-B
        | '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}' // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK Unified Ideographs
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use nunchi_tokenizer::Tokenizer;

    fn matches(targets: &[&str], posts: &[(&str, &[usize])]) {
        let tokenizer = Tokenizer::new().unwrap();
        let mut worker = tokenizer.worker();
        let matcher = TargetMatcher::new(targets, &mut worker).unwrap();
        for (post, expected) in posts {
            let found = matcher.find_in(&mut worker, post).unwrap();
            assert_eq!(&found, expected, "{post}");
        }
    }

    #[test]
    fn latin_targets_do_not_match_inside_longer_words() {
        matches(
            &["KT"],
            &[
                ("KT도 어쩔수 없는 도둑놈이죠", &[0]),
                ("KT가 와이파이를 막는대요", &[0]),
                ("kt 고객센터 최악", &[0]),
                ("이건 (KT) 얘기", &[0]),
                ("#KT 불매", &[0]),
                ("KTㅋㅋㅋ 웃기네", &[0]),
                ("KTX 타고 부산 갑니다", &[]),
                ("SKT로 옮겼어요", &[]),
                ("KT2 라는 건 없다", &[]),
                ("skt kt lgu+ 비교", &[0]),
            ],
        );
    }

    #[test]
    fn hangul_targets_allow_particles_and_suffixes() {
        matches(
            &["아이폰", "와이파이"],
            &[
                ("아이폰이 와이파이를 막는다니", &[0, 1]),
                ("아이폰15 샀어요", &[0]),
                ("새 아이폰은 언제 나오나", &[0]),
                ("정말 황당하군요", &[]),
                ("안드로이드폰 쓰는데", &[]),
            ],
        );
    }

    #[test]
    fn token_starts_count_as_word_starts() {
        let tokenizer = Tokenizer::new().unwrap();
        let mut worker = tokenizer.worker();
        let analysis = worker.analyze("이번KT사태").unwrap();
        let surfaces: Vec<_> = analysis.tokens().map(|t| t.surface.to_owned()).collect();
        assert!(surfaces.iter().any(|s| s == "KT"), "{surfaces:?}");
        let matcher = TargetMatcher::new(&["kt"], &mut worker).unwrap();
        assert_eq!(matcher.find_in(&mut worker, "이번KT사태").unwrap(), [0]);
    }

    #[test]
    fn several_targets_report_their_indices() {
        matches(
            &["KT", "SKT", "LG U+"],
            &[
                ("SKT랑 KT 중에", &[0, 1]),
                ("lg u+ 로 갈아탐", &[2]),
                ("아무 얘기", &[]),
            ],
        );
    }

    #[test]
    fn empty_targets_are_refused() {
        let tokenizer = Tokenizer::new().unwrap();
        let mut worker = tokenizer.worker();
        let err = TargetMatcher::new(&["KT", "  "], &mut worker).unwrap_err();
        assert!(
            matches!(err, Error::Target { ref value, .. } if value == "  "),
            "{err}"
        );
    }
}
