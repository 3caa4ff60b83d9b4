//! Social-post normalisation before morphological analysis, every step mapped back to
//! byte offsets in the original input.
//!
//! In order:
//! 1. cleaning (`clean`): control characters become spaces, invisible format characters
//!    (zero-width space, BOM, soft hyphen, bidi marks, Hangul fillers) are dropped, full-width
//!    ASCII becomes ASCII, other spaces become U+0020, the text is put in NFC (conjoining
//!    jamo compose into syllables) and conjoining jamo left over become compatibility jamo;
//! 2. social units (`units`, `emoticon`): URLs, `@mentions`, `#hashtags`, `RT` markers, emoji
//!    sequences and text emoticons are found and kept whole;
//! 3. between units (`repeats`): runs of one repeated character are squashed to
//!    [`Normalizer::max_repeat`], laughter merged into a final consonant is split off
//!    (`먹었엌ㅋㅋ` → `먹었어ㅋㅋㅋ`), and emoji joiners or selectors outside an emoji are
//!    dropped. Emoticons are squashed the same way (`^^^^^` → `^^^`), and so are runs of
//!    one repeated emoji.
//!
//! A post that needs no cleaning skips step 1 (the common case), and while every char stays
//! where it was, no offset table is stored at all.

mod clean;
mod emoticon;
mod offsets;
mod repeats;
mod units;

use std::ops::Range;

use serde::{Deserialize, Serialize};

use self::offsets::OffsetMap;
use self::repeats::{split_laughter, RunSquasher};
use self::units::{find_units, Found};
use crate::pos::PosTag;

/// A unit that normalisation recognised and keeps whole (a URL, a mention, an emoji, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialUnit {
    /// Byte range in the normalised text.
    pub range: Range<usize>,
    /// What the unit is.
    pub tag: PosTag,
}

/// Settings of the normaliser (part of a [`TokenizerIdentity`](crate::TokenizerIdentity)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Normalizer {
    /// Runs of one repeated character (`ㅋㅋㅋㅋㅋ`, `!!!!!`, `😂😂😂😂`) longer than this are
    /// squashed to this length; digits are never squashed; `0` turns squashing off.
    ///
    /// The default, 3, keeps the difference between a single char, a pair and "many" (which
    /// a sentiment model can use) while a run's length beyond that says nothing more.
    pub max_repeat: usize,
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer { max_repeat: 3 }
    }
}

/// The normalised form of one post, reused across posts to avoid allocation.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    /// Where each char of `text` comes from in the input.
    map: OffsetMap,
    input_len: usize,
    units: Vec<SocialUnit>,
    /// The cleaned input (when cleaning changed anything) and its map to the input.
    cleaned: String,
    cleaned_map: OffsetMap,
    /// Units found in the cleaned input.
    found: Vec<Found>,
    scratch: clean::Scratch,
}

crate::buffers::reusable_fields!(Normalized {
    text,
    map,
    units,
    cleaned,
    cleaned_map,
    found,
    scratch,
});

impl Normalized {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// The normalised text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The social units found, in text order, non-overlapping.
    pub fn units(&self) -> &[SocialUnit] {
        &self.units
    }

    /// Maps a byte range of the normalised text back to the original input.
    ///
    /// The result always lies on char boundaries of the input, and the spans of
    /// consecutive, non-overlapping ranges are themselves in order and non-overlapping. A
    /// range that does not fall on char boundaries is first widened to them; an empty or
    /// out-of-bounds range gives an empty span. Chars that normalisation removed (a squashed
    /// run, a zero-width space) are covered by the span of the char before them; a char that
    /// normalisation added (the `ㅋ` split off `엌`) maps to an empty span at the end of
    /// its syllable, or to the final jamo when the input was decomposed.
    pub fn original_span(&self, range: Range<usize>) -> Range<usize> {
        let len = self.text.len();
        let mut start = range.start.min(len);
        let mut end = range.end.min(len);
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        if start >= end {
            let at = self.map.source_start(start, self.input_len);
            return at..at;
        }
        self.map.source(start..end)
    }

    fn clear(&mut self, input_len: usize) {
        self.text.clear();
        self.map.clear();
        self.units.clear();
        self.input_len = input_len;
    }
}

impl Normalizer {
    /// Normalises `input` into `out`, replacing its previous content.
    ///
    /// Input longer than 4 GiB is copied as it is (offsets are stored in 32 bits).
    ///
    /// ```
    /// use nunchi_tokenizer::{Normalized, Normalizer, PosTag};
    ///
    /// let post = "먹었엌ㅋㅋㅋㅋㅋ @user";
    /// let mut out = Normalized::new();
    /// Normalizer::default().normalize_into(post, &mut out);
    /// assert_eq!(out.text(), "먹었어ㅋㅋㅋ @user");
    /// let mention = &out.units()[0];
    /// assert_eq!(mention.tag, PosTag::Mention);
    /// assert_eq!(&post[out.original_span(mention.range.clone())], "@user");
    /// // The laugh, squashed to three, still spans the five typed jamo.
    /// assert_eq!(&post[out.original_span(9..18)], "ㅋㅋㅋㅋㅋ");
    /// ```
    pub fn normalize_into(&self, input: &str, out: &mut Normalized) {
        out.clear(input.len());
        if input.len() > u32::MAX as usize {
            out.text.push_str(input);
            return;
        }
        let Normalized {
            text,
            map,
            units,
            cleaned,
            cleaned_map,
            found,
            scratch,
            ..
        } = out;
        let source: &str = if clean::is_clean(input) {
            cleaned_map.clear();
            input
        } else {
            clean::clean_into(input, cleaned, cleaned_map, scratch);
            cleaned.as_str()
        };
        find_units(source, found);
        let mut writer = Writer {
            input,
            source,
            source_map: cleaned_map,
            text,
            map,
            squasher: RunSquasher::new(self.max_repeat),
        };
        let mut last_emoji: Option<(Range<usize>, usize)> = None;
        let mut at = 0;
        for unit in found.iter() {
            writer.write_gap(at..unit.range.start);
            at = unit.range.end;
            let start = writer.text.len();
            match unit.tag {
                PosTag::Emoticon => writer.write_squashed(unit.range.clone()),
                PosTag::Emoji => {
                    let surface = &source[unit.range.clone()];
                    let repeated = match &last_emoji {
                        Some((previous, count)) if previous.end == start => {
                            (&writer.text[previous.clone()] == surface).then_some(count + 1)
                        }
                        _ => None,
                    };
                    let count = repeated.unwrap_or(1);
                    if self.max_repeat > 0 && count > self.max_repeat {
                        let end = writer.source_range(unit.range.clone()).end;
                        writer.map.extend_last(writer.text, end);
                        last_emoji = last_emoji.map(|(range, _)| (range, count));
                        continue;
                    }
                    writer.write_verbatim(unit.range.clone());
                    last_emoji = Some((start..writer.text.len(), count));
                }
                _ => writer.write_verbatim(unit.range.clone()),
            }
            units.push(SocialUnit {
                range: start..writer.text.len(),
                tag: unit.tag,
            });
        }
        writer.write_gap(at..source.len());
    }
}

/// Writes the normalised text from the cleaned source, with its map to the input.
struct Writer<'a> {
    input: &'a str,
    source: &'a str,
    source_map: &'a OffsetMap,
    text: &'a mut String,
    map: &'a mut OffsetMap,
    squasher: RunSquasher,
}

impl Writer<'_> {
    fn source_range(&self, range: Range<usize>) -> Range<usize> {
        self.source_map.source(range)
    }

    fn push(&mut self, c: char, input_range: Range<usize>) {
        self.text.push(c);
        self.map.push(self.text, c.len_utf8(), input_range);
    }

    /// Pushes `c` unless it runs past the repeat bound, in which case the kept char before
    /// it absorbs its input range.
    fn push_squashed(&mut self, c: char, input_range: Range<usize>) {
        if self.squasher.admit(c) {
            self.push(c, input_range);
        } else {
            self.map.extend_last(self.text, input_range.end);
        }
    }

    fn write_verbatim(&mut self, range: Range<usize>) {
        for (at, c) in self.source[range.clone()].char_indices() {
            let at = range.start + at;
            self.push(c, self.source_range(at..at + c.len_utf8()));
        }
    }

    /// An emoticon: squashed within itself (`^^^^^` → `^^^`), as a run of its own.
    fn write_squashed(&mut self, range: Range<usize>) {
        self.squasher.reset();
        for (at, c) in self.source[range.clone()].char_indices() {
            let at = range.start + at;
            self.push_squashed(c, self.source_range(at..at + c.len_utf8()));
        }
        self.squasher.reset();
    }

    /// Text between units: squashed runs, split laughter, no stray emoji components.
    fn write_gap(&mut self, range: Range<usize>) {
        self.squasher.reset();
        let mut chars = self.source[range.clone()].char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let at = range.start + at;
            if is_emoji_component(c) {
                continue;
            }
            let input_range = self.source_range(at..at + c.len_utf8());
            match split_laughter(c, chars.peek().map(|&(_, next)| next)) {
                Some((open, jamo)) => {
                    // Decomposed input has the final as a jamo of its own: give it that.
                    let split = if self.input[input_range.clone()].ends_with(final_jamo(jamo)) {
                        input_range.end - final_jamo(jamo).len_utf8()
                    } else {
                        input_range.end
                    };
                    self.push_squashed(open, input_range.start..split);
                    self.push_squashed(jamo, split..input_range.end);
                }
                None => self.push_squashed(c, input_range),
            }
        }
        self.squasher.reset();
    }
}

/// The conjoining final consonant of a compatibility jamo ㅋ or ㅎ.
fn final_jamo(jamo: char) -> char {
    if jamo == 'ㅋ' {
        '\u{11BF}'
    } else {
        '\u{11C2}'
    }
}

/// Chars that only make sense inside an emoji sequence: dropped anywhere else.
fn is_emoji_component(c: char) -> bool {
    matches!(
        c,
        '\u{200D}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{E0100}'..='\u{E01EF}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalize(input: &str) -> Normalized {
        let mut out = Normalized::new();
        Normalizer::default().normalize_into(input, &mut out);
        out
    }

    /// The original text behind each char of the normalised text.
    fn char_sources<'a>(input: &'a str, out: &Normalized) -> Vec<&'a str> {
        out.text()
            .char_indices()
            .map(|(at, c)| &input[out.original_span(at..at + c.len_utf8())])
            .collect()
    }

    /// The original text behind `part`, the first occurrence of it in the normalised text.
    fn source_of<'a>(input: &'a str, out: &Normalized, part: &str) -> &'a str {
        let at = out.text().find(part).expect("part of the normalised text");
        &input[out.original_span(at..at + part.len())]
    }

    fn units(out: &Normalized) -> Vec<(&str, PosTag)> {
        out.units()
            .iter()
            .map(|u| (&out.text()[u.range.clone()], u.tag))
            .collect()
    }

    #[test]
    fn plain_text_maps_to_itself() {
        let input = "배송이 너무 늦어요 ok";
        let out = normalize(input);
        assert_eq!(out.text(), input);
        assert!(out.units().is_empty());
        assert_eq!(out.original_span(0..9), 0..9);
        assert_eq!(source_of(input, &out, "늦어요"), "늦어요");
    }

    #[test]
    fn decomposed_jamo_compose_and_map_to_their_jamo() {
        // 좋아요 as conjoining jamo (ᄌ ᅩ ᇂ ᄋ ᅡ ᄋ ᅭ).
        let input = "정말 \u{110C}\u{1169}\u{11C2}\u{110B}\u{1161}\u{110B}\u{116D}!";
        let out = normalize(input);
        assert_eq!(out.text(), "정말 좋아요!");
        assert_eq!(
            source_of(input, &out, "좋아요"),
            "\u{110C}\u{1169}\u{11C2}\u{110B}\u{1161}\u{110B}\u{116D}"
        );
        assert_eq!(source_of(input, &out, "아"), "\u{110B}\u{1161}");
        assert_eq!(source_of(input, &out, "!"), "!");
    }

    #[test]
    fn full_width_maps_to_the_full_width_chars() {
        let input = "ＯＫ！\u{3000}좋아";
        let out = normalize(input);
        assert_eq!(out.text(), "OK! 좋아");
        assert_eq!(source_of(input, &out, "OK"), "ＯＫ");
        assert_eq!(source_of(input, &out, "좋아"), "좋아");
    }

    #[test]
    fn squashed_runs_cover_the_whole_original_run() {
        let input = "웃겨ㅋㅋㅋㅋㅋㅋㅋ 진짜!!!!! 123333원";
        let out = normalize(input);
        assert_eq!(out.text(), "웃겨ㅋㅋㅋ 진짜!!! 123333원");
        assert_eq!(source_of(input, &out, "ㅋㅋㅋ"), "ㅋㅋㅋㅋㅋㅋㅋ");
        assert_eq!(source_of(input, &out, "!!!"), "!!!!!");
        assert_eq!(source_of(input, &out, "진짜"), "진짜");
        let sources = char_sources(input, &out);
        assert_eq!(&sources[2..5], ["ㅋ", "ㅋ", "ㅋㅋㅋㅋㅋ"]);
        // A bound of 1 and squashing turned off.
        let mut out = Normalized::new();
        Normalizer { max_repeat: 1 }.normalize_into("ㅠㅠㅠㅠ", &mut out);
        assert_eq!(out.text(), "ㅠ");
        Normalizer { max_repeat: 0 }.normalize_into("ㅠㅠㅠㅠ", &mut out);
        assert_eq!(out.text(), "ㅠㅠㅠㅠ");
    }

    #[test]
    fn laughter_final_is_split_off_the_syllable() {
        let input = "먹었엌ㅋㅋ";
        let out = normalize(input);
        assert_eq!(out.text(), "먹었어ㅋㅋㅋ");
        assert_eq!(source_of(input, &out, "먹었어"), "먹었엌");
        // The split-off jamo has no text of its own: the run maps to the typed jamo only.
        assert_eq!(source_of(input, &out, "ㅋㅋㅋ"), "ㅋㅋ");
        let input = "좋앟ㅎㅎㅎㅎ";
        let out = normalize(input);
        assert_eq!(out.text(), "좋아ㅎㅎㅎ");
        assert_eq!(source_of(input, &out, "좋아"), "좋앟");
        assert_eq!(source_of(input, &out, "ㅎㅎㅎ"), "ㅎㅎㅎㅎ");
        // A stem that ends in ㅎ keeps it.
        assert_eq!(normalize("좋ㅎㅎ").text(), "좋ㅎㅎ");
    }

    #[test]
    fn laughter_split_of_decomposed_input_maps_finer() {
        // 엌 as ᄋ ᅥ ᆿ: the split final maps to the final jamo itself.
        let input = "했\u{110B}\u{1165}\u{11BF}ㅋ";
        let out = normalize(input);
        assert_eq!(out.text(), "했어ㅋㅋ");
        assert_eq!(source_of(input, &out, "했어"), "했\u{110B}\u{1165}");
        assert_eq!(source_of(input, &out, "ㅋㅋ"), "\u{11BF}ㅋ");
    }

    #[test]
    fn control_and_invisible_characters() {
        let input = "\u{FEFF}안녕\0하세요\u{200B}\u{7}ok\u{AD}";
        let out = normalize(input);
        assert_eq!(out.text(), "안녕 하세요 ok");
        assert_eq!(source_of(input, &out, "안녕"), "안녕");
        assert_eq!(source_of(input, &out, "하세요"), "하세요");
        assert_eq!(source_of(input, &out, "ok"), "ok");
        // Stray joiners and selectors outside emoji go; inside emoji they stay.
        let out = normalize("a\u{200D}b\u{FE0F}c 👍\u{FE0F}");
        assert_eq!(out.text(), "abc 👍\u{FE0F}");
    }

    #[test]
    fn units_are_found_in_the_normalised_text() {
        let input = "RT @user: ＃갤럭시S24 최고!!!! https://t.co/xyz ^^^^^ 😂😂😂😂😂ㅋㅋㅋㅋ";
        let out = normalize(input);
        assert_eq!(
            out.text(),
            "RT @user: #갤럭시S24 최고!!! https://t.co/xyz ^^^ 😂😂😂ㅋㅋㅋ"
        );
        assert_eq!(
            units(&out),
            [
                ("RT", PosTag::Retweet),
                ("@user", PosTag::Mention),
                ("#갤럭시S24", PosTag::Hashtag),
                ("https://t.co/xyz", PosTag::Url),
                ("^^^", PosTag::Emoticon),
                ("😂", PosTag::Emoji),
                ("😂", PosTag::Emoji),
                ("😂", PosTag::Emoji),
            ]
        );
        let unit_sources: Vec<&str> = out
            .units()
            .iter()
            .map(|u| &input[out.original_span(u.range.clone())])
            .collect();
        assert_eq!(
            unit_sources,
            [
                "RT",
                "@user",
                "＃갤럭시S24",
                "https://t.co/xyz",
                "^^^^^",
                "😂",
                "😂",
                "😂😂😂"
            ]
        );
        let last = out.units().last().map(|u| u.range.end).unwrap_or(0);
        assert_eq!(&out.text()[last..], "ㅋㅋㅋ");
    }

    #[test]
    fn original_span_is_total() {
        let input = "ㅋㅋㅋㅋㅋ가";
        let out = normalize(input);
        assert_eq!(out.text(), "ㅋㅋㅋ가");
        // Inside a char: widened to it. Empty or out of bounds: empty.
        assert_eq!(&input[out.original_span(1..2)], "ㅋ");
        assert_eq!(out.original_span(3..3), 3..3);
        assert_eq!(out.original_span(12..12), input.len()..input.len());
        assert_eq!(out.original_span(5..100), 3..input.len());
        assert_eq!(
            out.original_span(usize::MAX..usize::MAX),
            input.len()..input.len()
        );
    }

    #[test]
    fn normalising_twice_changes_nothing_more() {
        let inputs = [
            "먹었엌ㅋㅋㅋㅋㅋ 좋앟ㅎㅎ",
            "\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8} ＯＫ\u{3000}ㅠㅠㅠㅠㅠ",
            "RT @user: #태그 https://t.co/x ^^^^^;;;; 😂😂😂😂 👨\u{200D}👩\u{200D}👧",
            "a\0b\u{200B}c\u{FE0F}d!!!!....",
        ];
        let normalizer = Normalizer::default();
        let mut once = Normalized::new();
        let mut twice = Normalized::new();
        for input in inputs {
            normalizer.normalize_into(input, &mut once);
            normalizer.normalize_into(once.text(), &mut twice);
            assert_eq!(twice.text(), once.text(), "{input:?}");
            assert_eq!(twice.units(), once.units(), "{input:?}");
        }
    }

    #[test]
    fn buffers_are_reused_without_leftovers() {
        let normalizer = Normalizer::default();
        let mut out = Normalized::new();
        normalizer.normalize_into("\u{200B}길고 ＤＩＲＴＹ @someone 포스트ㅋㅋㅋㅋ", &mut out);
        assert_eq!(out.units().len(), 1);
        normalizer.normalize_into("짧은 글", &mut out);
        assert_eq!(out.text(), "짧은 글");
        assert!(out.units().is_empty());
        assert_eq!(out.original_span(0..6), 0..6);
        normalizer.normalize_into("", &mut out);
        assert_eq!(out.text(), "");
        assert_eq!(out.original_span(0..0), 0..0);
    }
}
