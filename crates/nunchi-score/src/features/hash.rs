//! The hash scheme: atoms (morphemes, words, characters) hashed once, n-grams combined from
//! their hashes. Feature indices are part of the model format, so nothing here may depend on
//! a library's hasher version (`features::tests` pins the indices of fixed posts).

use nunchi_tokenizer::PosTag;
use xxhash_rust::xxh3::xxh3_64;

use super::NO_UNIT;

/// Namespaces keep feature families apart in the shared hash space.
pub(super) mod ns {
    pub const MORPHEME: u64 = 1;
    pub const CHAR: u64 = 2;
    pub const WORD: u64 = 3;
    pub const SCOPED: u64 = 4;
    pub const SIGNAL: u64 = 5;
    pub const BOUNDARY: u64 = 6;
    pub const NEGATED_CHAR: u64 = 7;
}

/// Stable hash mixing: the splitmix64 finaliser.
pub(super) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

pub(super) fn combine(h: u64, x: u64) -> u64 {
    mix(h.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ x)
}

/// Hash of a string (a word's surface).
pub(super) fn text_hash(text: &str) -> u64 {
    xxh3_64(text.as_bytes())
}

pub(super) fn morpheme_hash(form: &str, tag: PosTag) -> u64 {
    combine(text_hash(form), text_hash(tag.as_str()))
}

/// The atom that marks either end of a post.
pub(super) fn boundary() -> u64 {
    mix(ns::BOUNDARY)
}

/// The atom of a space between words in the character sequence.
pub(super) fn space() -> u64 {
    mix(ns::CHAR ^ 0x20)
}

/// A hashed atom (morpheme, word, character) and the evidence units it covers.
#[derive(Debug, Clone, Copy)]
pub(super) struct Atom {
    pub hash: u64,
    pub first_unit: u32,
    pub last_unit: u32,
}

impl Atom {
    pub fn new(hash: u64, unit: u32) -> Self {
        Atom {
            hash,
            first_unit: unit,
            last_unit: unit,
        }
    }
}

/// Emits the n-grams of `atoms` for each n in `sizes`, skipping unigrams of boundaries.
pub(super) fn emit_ngrams(
    atoms: &[Atom],
    sizes: std::ops::RangeInclusive<usize>,
    namespace: u64,
    emit: &mut impl FnMut(u64, (u32, u32)),
) {
    for n in sizes {
        if n == 0 {
            continue;
        }
        let seed = mix(namespace + 16 * n as u64);
        for window in atoms.windows(n) {
            if n == 1 && (window[0].first_unit == NO_UNIT || is_separator(window[0].hash)) {
                continue;
            }
            let h = window.iter().fold(seed, |h, a| combine(h, a.hash));
            emit(h, unit_range(window));
        }
    }
}

fn is_separator(hash: u64) -> bool {
    hash == boundary() || hash == space()
}

fn unit_range(window: &[Atom]) -> (u32, u32) {
    let mut first = NO_UNIT;
    let mut last = NO_UNIT;
    for a in window {
        if a.first_unit != NO_UNIT {
            first = first.min(a.first_unit);
            last = if last == NO_UNIT {
                a.last_unit
            } else {
                last.max(a.last_unit)
            };
        }
    }
    (first, last)
}
