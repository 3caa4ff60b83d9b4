//! Character-level cleaning: control and invisible characters, full-width ASCII, Unicode
//! NFC (conjoining Hangul jamo into syllables) and leftover conjoining jamo.

use std::iter::once;
use std::ops::Range;

use unicode_normalization::char::{canonical_combining_class, decompose_canonical};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::offsets::OffsetMap;

/// Reusable buffers of [`clean_into`].
#[derive(Debug, Clone, Default)]
pub(super) struct Scratch {
    /// The kept chars of one composition segment, with their source ranges.
    kept: Vec<(char, Range<usize>)>,
    /// Their NFC.
    composed: Vec<char>,
}

crate::buffers::reusable_fields!(Scratch { kept, composed });

/// Whether cleaning would leave `input` as it is (the fast path: most posts).
pub(super) fn is_clean(input: &str) -> bool {
    input.chars().all(|c| {
        if c.is_ascii() {
            return !c.is_ascii_control();
        }
        is_hangul_syllable(c)
            || (premap(c) == Some(c) && is_segment_start(c) && compatibility_jamo(c) == c)
    })
}

/// Cleans `input` into `out`, recording where each char of `out` comes from in `map`.
pub(super) fn clean_into(
    input: &str,
    out: &mut String,
    map: &mut OffsetMap,
    scratch: &mut Scratch,
) {
    out.clear();
    map.clear();
    out.reserve(input.len());
    // NFC composes only within a segment that starts at a char which never combines with
    // what precedes it; composing segment by segment keeps the source of every output char
    // local (and the work linear).
    let mut segment_start = 0;
    for (at, c) in input.char_indices() {
        if at > segment_start && premap(c).is_some_and(is_segment_start) {
            clean_segment(input, segment_start..at, out, map, scratch);
            segment_start = at;
        }
    }
    if segment_start < input.len() {
        clean_segment(input, segment_start..input.len(), out, map, scratch);
    }
}

fn clean_segment(
    input: &str,
    segment: Range<usize>,
    out: &mut String,
    map: &mut OffsetMap,
    scratch: &mut Scratch,
) {
    let text = &input[segment.clone()];
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if let Some(mapped) = premap(c) {
            emit(out, map, compatibility_jamo(mapped), segment);
        }
        return;
    }
    let kept = &mut scratch.kept;
    kept.clear();
    kept.extend(text.char_indices().filter_map(|(at, c)| {
        let start = segment.start + at;
        premap(c).map(|m| (m, start..start + c.len_utf8()))
    }));
    if is_nfc_quick(kept.iter().map(|k| k.0)) == IsNormalized::Yes {
        for (c, source) in kept.iter() {
            emit(out, map, compatibility_jamo(*c), source.clone());
        }
        return;
    }
    let composed = &mut scratch.composed;
    composed.clear();
    composed.extend(kept.iter().map(|k| k.0).nfc());
    // Align output chars with the input chars that made them by their canonical
    // decomposition lengths, which NFC preserves in total: exact for Hangul and for
    // base + mark compositions, monotone (so still valid) under mark reordering.
    let mut next = 0;
    let mut input_length = 0;
    let mut output_length = 0;
    let last = composed.len().saturating_sub(1);
    for (index, &c) in composed.iter().enumerate() {
        output_length += decomposed_len(c);
        let start = kept
            .get(next)
            .map_or(segment.end, |(_, source)| source.start);
        let mut end = start;
        while next < kept.len() && (input_length < output_length || index == last) {
            input_length += decomposed_len(kept[next].0);
            end = kept[next].1.end;
            next += 1;
        }
        emit(out, map, compatibility_jamo(c), start..end);
    }
}

fn emit(out: &mut String, map: &mut OffsetMap, c: char, source: Range<usize>) {
    out.push(c);
    map.push(out, c.len_utf8(), source);
}

fn decomposed_len(c: char) -> usize {
    let mut len = 0;
    decompose_canonical(c, |_| len += 1);
    len
}

/// What cleaning makes of one input char before composition; `None` drops it.
fn premap(c: char) -> Option<char> {
    match c {
        // Full-width ASCII forms.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        c if c.is_ascii_control() => Some(' '),
        c if c.is_ascii() || is_hangul_syllable(c) => Some(c),
        // Emoji sequences need the zero-width joiner and tag characters; they are dropped
        // later where they stand outside an emoji.
        '\u{200D}' | '\u{E0001}' | '\u{E0020}'..='\u{E007F}' => Some(c),
        // Hangul fillers: letters by category, but invisible (used for "blank" names).
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' => None,
        _ => match c.general_category() {
            GeneralCategory::Control
            | GeneralCategory::SpaceSeparator
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator => Some(' '),
            GeneralCategory::Format => None,
            _ => Some(c),
        },
    }
}

/// Whether NFC can never combine `c` with what precedes it.
fn is_segment_start(c: char) -> bool {
    c.is_ascii()
        || is_hangul_syllable(c)
        || (canonical_combining_class(c) == 0 && is_nfc_quick(once(c)) == IsNormalized::Yes)
}

fn is_hangul_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Maps a modern conjoining jamo that NFC left alone (not part of a syllable) to its
/// compatibility jamo, the form people type (`ᄏ` U+110F → `ㅋ` U+314B); other chars are
/// returned unchanged.
fn compatibility_jamo(c: char) -> char {
    // Compatibility jamo of the 19 initial consonants, then of the 27 final consonants.
    const INITIAL: &[u8; 19] = &[
        0x31, 0x32, 0x34, 0x37, 0x38, 0x39, 0x41, 0x42, 0x43, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A,
        0x4B, 0x4C, 0x4D, 0x4E,
    ];
    const FINAL: &[u8; 27] = &[
        0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40,
        0x41, 0x42, 0x44, 0x45, 0x46, 0x47, 0x48, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E,
    ];
    let code = c as u32;
    let compatibility = match code {
        0x1100..=0x1112 => 0x3100 + u32::from(INITIAL[(code - 0x1100) as usize]),
        // Vowels are in the same order in both blocks.
        0x1161..=0x1175 => 0x314F + (code - 0x1161),
        0x11A8..=0x11C2 => 0x3100 + u32::from(FINAL[(code - 0x11A8) as usize]),
        _ => return c,
    };
    char::from_u32(compatibility).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(input: &str) -> (String, OffsetMap) {
        let mut out = String::new();
        let mut map = OffsetMap::default();
        clean_into(input, &mut out, &mut map, &mut Scratch::default());
        (out, map)
    }

    /// The source text of each output char.
    fn sources<'a>(input: &'a str, out: &str, map: &OffsetMap) -> Vec<&'a str> {
        out.char_indices()
            .map(|(at, c)| &input[map.source(at..at + c.len_utf8())])
            .collect()
    }

    #[test]
    fn plain_text_is_clean_and_unchanged() {
        for text in [
            "배송이 너무 늦어요",
            "hello, world",
            "ㅋㅋㅋ ㅠㅠ",
            "Ωμέγα",
            "漢字",
            "",
        ] {
            assert!(is_clean(text), "{text:?}");
            let (out, map) = clean(text);
            assert_eq!(out, text);
            for (at, c) in out.char_indices() {
                let range = at..at + c.len_utf8();
                assert_eq!(map.source(range.clone()), range);
            }
        }
        for text in [
            "a\0b",
            "tab\there",
            "\u{200B}",
            "ＡＢ",
            "\u{1100}\u{1161}",
            "e\u{301}",
        ] {
            assert!(!is_clean(text), "{text:?}");
        }
    }

    #[test]
    fn conjoining_jamo_compose_into_syllables_mapped_to_their_jamo() {
        // 한국 written as conjoining jamo: ᄒ ᅡ ᆫ ᄀ ᅮ ᆨ.
        let input = "\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8}어";
        let (out, map) = clean(input);
        assert_eq!(out, "한국어");
        let sources = sources(input, &out, &map);
        assert_eq!(sources[0], "\u{1112}\u{1161}\u{11AB}");
        assert_eq!(sources[1], "\u{1100}\u{116E}\u{11A8}");
        assert_eq!(sources[2], "어");
        // A precomposed LV syllable takes a conjoining final.
        let input = "가\u{11A8}";
        let (out, map) = clean(input);
        assert_eq!(out, "각");
        assert_eq!(map.source(0..3), 0..input.len());
    }

    #[test]
    fn leftover_conjoining_jamo_become_compatibility_jamo() {
        let input = "\u{1161}";
        assert_eq!(clean(input).0, "ㅏ");
        let input = "\u{11A8}";
        assert_eq!(clean(input).0, "ㄱ");
        let input = "\u{110F}\u{110F}";
        assert_eq!(clean(input).0, "ㅋㅋ");
        // A syllable then a vowel that cannot join it: each keeps its own source.
        let input = "가\u{1161}";
        let (out, map) = clean(input);
        assert_eq!(out, "가ㅏ");
        assert_eq!(sources(input, &out, &map), ["가", "\u{1161}"]);
    }

    #[test]
    fn combining_marks_compose() {
        let input = "cafe\u{301}!";
        let (out, map) = clean(input);
        assert_eq!(out, "café!");
        assert_eq!(sources(input, &out, &map), ["c", "a", "f", "e\u{301}", "!"]);
    }

    #[test]
    fn full_width_ascii_and_spaces() {
        let input = "ＡＢＣ！\u{3000}１２";
        let (out, map) = clean(input);
        assert_eq!(out, "ABC! 12");
        assert_eq!(
            sources(input, &out, &map),
            ["Ａ", "Ｂ", "Ｃ", "！", "\u{3000}", "１", "２"]
        );
        assert_eq!(clean("a\u{A0}b").0, "a b");
    }

    #[test]
    fn controls_become_spaces_and_invisibles_are_dropped() {
        let input = "a\0b\u{7}c\u{85}d\r\ne";
        assert_eq!(clean(input).0, "a b c d  e");
        let input = "\u{FEFF}좋\u{200B}아\u{AD}요\u{200E}";
        let (out, map) = clean(input);
        assert_eq!(out, "좋아요");
        assert_eq!(sources(input, &out, &map), ["좋", "아", "요"]);
        assert_eq!(clean("\u{3164}\u{3164}").0, "");
        // Emoji joiners survive cleaning (the unit finder needs them).
        assert_eq!(clean("👨\u{200D}👩\0").0, "👨\u{200D}👩 ");
    }
}
