//! Content morphemes marked with their scope: negated, intensified, diminished, before a
//! contrast. A negated `재밌` is another feature than a plain one.

use crate::post::{scope, PostView};

use super::hash::{combine, mix, ns, Atom};

/// Emits one feature per scope flag of each content morpheme; `morpheme_atoms` are the atoms
/// of [`super::morphemes::morpheme_atoms`].
pub(super) fn emit(
    view: &PostView,
    morpheme_atoms: &[Atom],
    emit: &mut impl FnMut(u64, (u32, u32)),
) {
    for (i, m) in view.morphemes.iter().enumerate() {
        let token = &view.tokens[m.token as usize];
        if !m.tag.is_content() {
            continue;
        }
        for flag in [
            scope::NEGATED,
            scope::INTENSIFIED,
            scope::DIMINISHED,
            scope::BEFORE_CONTRAST,
        ] {
            if token.scope & flag != 0 {
                let h = combine(
                    combine(mix(ns::SCOPED), flag as u64),
                    morpheme_atoms[i + 1].hash,
                );
                emit(h, (token.unit, token.unit));
            }
        }
    }
}
