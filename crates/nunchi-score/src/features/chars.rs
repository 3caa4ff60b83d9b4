//! Character n-grams over the token surfaces, a space between words: robust to spacing
//! errors, typos and unknown words. Characters of negated words can be marked apart.

use crate::post::{scope, PostView};

use super::hash::{boundary, emit_ngrams, mix, ns, space, Atom};
use super::FeatureConfig;

/// Emits the character n-grams of the configured sizes, using `chars` as scratch.
pub(super) fn emit(
    view: &PostView,
    config: &FeatureConfig,
    chars: &mut Vec<Atom>,
    emit: &mut impl FnMut(u64, (u32, u32)),
) {
    chars.clear();
    if let Some(first) = view.tokens.first() {
        chars.push(Atom::new(boundary(), first.unit));
    }
    for (i, token) in view.tokens.iter().enumerate() {
        if i > 0 && token.eojeol != view.tokens[i - 1].eojeol {
            chars.push(Atom::new(space(), token.unit));
        }
        let negated = config.negation_marks_chars && token.scope & scope::NEGATED != 0;
        let namespace = if negated { ns::NEGATED_CHAR } else { ns::CHAR };
        for c in view.surface(token).chars() {
            chars.push(Atom::new(mix(namespace << 32 | c as u64), token.unit));
        }
    }
    if let Some(last) = view.tokens.last() {
        chars.push(Atom::new(boundary(), last.unit));
    }
    let sizes = config.min_char_ngram as usize..=config.max_char_ngram as usize;
    emit_ngrams(chars, sizes, ns::CHAR, emit);
}
