//! Social signals: laughter (ㅋㅋ, ㅎㅎ), crying (ㅠㅠ), emoji, emoticons (and whether the
//! post ends with one), sentence-final punctuation, and the post's length.

use nunchi_tokenizer::PosTag;

use crate::post::PostView;

use super::hash::{combine, mix, ns};
use super::NO_UNIT;

/// Emits the post's signal features.
pub(super) fn emit(view: &PostView, emit: &mut impl FnMut(u64, (u32, u32))) {
    let signal = |x: u64| combine(mix(ns::SIGNAL), x);
    for (i, token) in view.tokens.iter().enumerate() {
        let surface = view.surface(token);
        let unit = (token.unit, token.unit);
        if let Some(kind) = signal_of(surface, token.pos) {
            emit(signal(kind), unit);
            if i + 1 == view.tokens.len() {
                emit(signal(kind + 100), unit);
            }
        }
        if token.pos == PosTag::Sf || token.pos == PosTag::Se {
            for c in surface.chars().take(1) {
                emit(signal(200 + c as u64), unit);
            }
        }
    }
    let length_bucket = (view.tokens.len() as u64 + 1).ilog2() as u64;
    emit(signal(300 + length_bucket), (NO_UNIT, NO_UNIT));
}

/// Social signal of a token surface.
fn signal_of(surface: &str, tag: PosTag) -> Option<u64> {
    let all = |set: &[char]| !surface.is_empty() && surface.chars().all(|c| set.contains(&c));
    if all(&['ㅋ', 'ㅎ']) {
        Some(1)
    } else if all(&['ㅠ', 'ㅜ']) {
        Some(2)
    } else if tag == PosTag::Emoji || surface.chars().any(is_emoji) {
        Some(3)
    } else if tag == PosTag::Emoticon || all(&['^', 'ㅡ', '-', '_', ';', '.', 'ㅠ', 'ㅜ', 'ㅎ'])
    {
        Some(4)
    } else {
        None
    }
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF)
}
