//! Morpheme (base form + tag) uni-, bi- and trigrams over the whole post, with a boundary
//! atom at both ends.

use crate::post::PostView;

use super::hash::{boundary, emit_ngrams, morpheme_hash, ns, Atom};
use super::NO_UNIT;

/// Fills `atoms` with the post's morphemes between two boundaries: atom `i + 1` is
/// morpheme `i` (the scoped family reuses them).
pub(super) fn morpheme_atoms(view: &PostView, atoms: &mut Vec<Atom>) {
    atoms.clear();
    atoms.push(Atom::new(boundary(), NO_UNIT));
    for m in &view.morphemes {
        let unit = view.tokens[m.token as usize].unit;
        atoms.push(Atom::new(morpheme_hash(view.form(m), m.tag), unit));
    }
    atoms.push(Atom::new(boundary(), NO_UNIT));
}

/// Emits the morpheme n-grams up to `longest` of the atoms [`morpheme_atoms`] made.
pub(super) fn emit(atoms: &[Atom], longest: u32, emit: &mut impl FnMut(u64, (u32, u32))) {
    emit_ngrams(atoms, 1..=longest as usize, ns::MORPHEME, emit);
}
