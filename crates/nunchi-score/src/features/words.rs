//! Whole-word (eojeol) uni- and bigrams: a word is the hash of its token surfaces.

use crate::post::PostView;

use super::hash::{boundary, combine, emit_ngrams, mix, ns, text_hash, Atom};
use super::NO_UNIT;

/// Emits the word n-grams up to `longest`, using `atoms` as scratch.
pub(super) fn emit(
    view: &PostView,
    longest: u32,
    atoms: &mut Vec<Atom>,
    emit: &mut impl FnMut(u64, (u32, u32)),
) {
    atoms.clear();
    atoms.push(Atom::new(boundary(), NO_UNIT));
    for (i, token) in view.tokens.iter().enumerate() {
        let h = text_hash(view.surface(token));
        match atoms.last_mut() {
            Some(word) if i > 0 && view.tokens[i - 1].eojeol == token.eojeol => {
                word.hash = combine(word.hash, h);
                word.first_unit = word.first_unit.min(token.unit);
                word.last_unit = word.last_unit.max(token.unit);
            }
            _ => atoms.push(Atom::new(combine(mix(ns::WORD), h), token.unit)),
        }
    }
    atoms.push(Atom::new(boundary(), NO_UNIT));
    emit_ngrams(atoms, 1..=longest as usize, ns::WORD, emit);
}
