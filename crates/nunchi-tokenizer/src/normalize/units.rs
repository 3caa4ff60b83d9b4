//! Finding the social units of a cleaned post: URLs, mentions, hashtags, retweet markers,
//! emoji and text emoticons.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;
use unicode_properties::UnicodeEmoji;
use unicode_segmentation::UnicodeSegmentation;

use super::emoticon::emoticon_len;
use crate::pos::PosTag;

/// A unit found in the cleaned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    /// Byte range in the cleaned text.
    pub(super) range: Range<usize>,
    /// What it is.
    pub(super) tag: PosTag,
}

/// What the scanner makes of the text at one position.
enum Scan {
    /// A unit of this many bytes.
    Unit(usize, PosTag),
    /// This many bytes of ordinary text.
    Text(usize),
}

/// Finds the units of `text` in order, without overlaps, into `found`.
///
/// One left-to-right pass; every matcher looks at a bounded prefix or consumes what it
/// matched, so the scan is linear in the text length.
pub(super) fn find_units(text: &str, found: &mut Vec<Found>) {
    found.clear();
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        let scan = if may_start_unit(c) {
            let prev = text[..at].chars().next_back();
            scan_at(&text[at..], c, prev)
        } else {
            Scan::Text(c.len_utf8())
        };
        match scan {
            Scan::Unit(len, tag) => {
                found.push(Found {
                    range: at..at + len,
                    tag,
                });
                at += len;
            }
            Scan::Text(len) => at += len,
        }
    }
}

/// A cheap filter: whether a unit can start with `c`.
fn may_start_unit(c: char) -> bool {
    match c {
        'h' | 'H' | 'w' | 'W' | 'R' | 'T' | 'o' | 'O' | 'x' | 'X' => true,
        '0'..='9' | '@' | '#' | '*' | '^' | '-' | '=' | ';' | ':' | '>' | '<' | '+' => true,
        'ㅡ' | 'ㅠ' | 'ㅜ' | 'ㅇ' => true,
        c if c.is_ascii() => false,
        '\u{AC00}'..='\u{D7A3}' | '\u{3131}'..='\u{318E}' => false,
        _ => c.is_emoji_char(),
    }
}

fn scan_at(text: &str, c: char, prev: Option<char>) -> Scan {
    if let Some(len) = url_len(text, prev) {
        return Scan::Unit(len, PosTag::Url);
    }
    if let Some(len) = retweet_len(text, prev) {
        return Scan::Unit(len, PosTag::Retweet);
    }
    if let Some(len) = keycap_len(text) {
        return Scan::Unit(len, PosTag::Emoji);
    }
    // Before mentions: `@_@` is a face, not a user called `_`.
    if let Some(len) = emoticon_len(text, prev) {
        return Scan::Unit(len, PosTag::Emoticon);
    }
    if let Some(len) = mention_len(text, prev) {
        return Scan::Unit(len, PosTag::Mention);
    }
    if let Some(len) = hashtag_len(text, prev) {
        return Scan::Unit(len, PosTag::Hashtag);
    }
    if !c.is_ascii() && c.is_emoji_char() {
        return emoji(text);
    }
    Scan::Text(c.len_utf8())
}

/// `http://…`, `https://…` or `www.…`: printable ASCII up to a space or a non-ASCII char
/// (Korean text often follows a link without a space), without trailing punctuation or
/// unbalanced closing brackets.
fn url_len(text: &str, prev: Option<char>) -> Option<usize> {
    if prev.is_some_and(|p| p.is_ascii_alphanumeric()) {
        return None;
    }
    let bytes = text.as_bytes();
    let starts_with = |prefix: &str| {
        bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    };
    let body = if starts_with("https://") {
        8
    } else if starts_with("http://") {
        7
    } else if starts_with("www.") && bytes.get(4).is_some_and(u8::is_ascii_alphanumeric) {
        4
    } else {
        return None;
    };
    let mut end = body
        + bytes[body..]
            .iter()
            .take_while(|&&b| is_url_byte(b))
            .count();
    let count = |b: u8| bytes[body..end].iter().filter(|&&x| x == b).count();
    let (mut open_parens, mut close_parens) = (count(b'('), count(b')'));
    let (mut open_brackets, mut close_brackets) = (count(b'['), count(b']'));
    while end > body {
        match bytes[end - 1] {
            b'.' | b',' | b':' | b';' | b'!' | b'?' | b'\'' | b'~' | b'*' => {}
            b')' if close_parens > open_parens => close_parens -= 1,
            b']' if close_brackets > open_brackets => close_brackets -= 1,
            b'(' => open_parens -= 1,
            b'[' => open_brackets -= 1,
            _ => break,
        }
        end -= 1;
    }
    (end > body).then_some(end)
}

fn is_url_byte(b: u8) -> bool {
    b.is_ascii_graphic()
        && !matches!(
            b,
            b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'\\' | b'^' | b'`'
        )
}

/// `RT` as Twitter writes a retweet: `RT @user: …`, at the start or after a space.
fn retweet_len(text: &str, prev: Option<char>) -> Option<usize> {
    if !text.starts_with("RT") || prev.is_some_and(|p| !p.is_whitespace()) {
        return None;
    }
    let after = text[2..].trim_start_matches(' ');
    let spaced = after.len() < text.len() - 2;
    let handle = after.as_bytes().get(1).is_some_and(|&b| is_handle_byte(b));
    (spaced && after.starts_with('@') && handle).then_some(2)
}

/// `@user`: a Twitter handle (ASCII letters, digits, `_`), not inside an e-mail address.
fn mention_len(text: &str, prev: Option<char>) -> Option<usize> {
    if !text.starts_with('@') || prev.is_some_and(|p| is_handle_char(p) || p == '@') {
        return None;
    }
    let handle = text.as_bytes()[1..]
        .iter()
        .take_while(|&&b| is_handle_byte(b))
        .count();
    (handle > 0).then_some(1 + handle)
}

fn is_handle_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_handle_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `#태그`: letters (any script), digits, marks and `_`, not only digits (`#1` is a number),
/// not after a word char (`C#`) or `&` (`&#39;`).
fn hashtag_len(text: &str, prev: Option<char>) -> Option<usize> {
    if !text.starts_with('#')
        || prev.is_some_and(|p| p.is_alphanumeric() || matches!(p, '_' | '&' | '#'))
    {
        return None;
    }
    let mut len = 0;
    let mut only_digits = true;
    for c in text[1..].chars() {
        if !(c.is_alphanumeric() || c == '_' || is_combining_mark(c)) {
            break;
        }
        only_digits &= c.is_ascii_digit();
        len += c.len_utf8();
    }
    (len > 0 && !only_digits).then_some(1 + len)
}

/// A keycap: `#`, `*` or a digit, an optional emoji variation selector, and U+20E3.
fn keycap_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if !matches!(bytes.first(), Some(b'0'..=b'9' | b'#' | b'*')) {
        return None;
    }
    let rest = &text[1..];
    let rest = rest.strip_prefix('\u{FE0F}').unwrap_or(rest);
    rest.starts_with('\u{20E3}')
        .then(|| text.len() - rest.len() + '\u{20E3}'.len_utf8())
}

/// The emoji starting with `text`'s first char (an `Emoji=Yes` char): its whole grapheme
/// cluster, so that skin tones, ZWJ sequences, flags, tag sequences and variation selectors
/// stay with it. A char followed by U+FE0E asks for text presentation: not an emoji.
fn emoji(text: &str) -> Scan {
    let cluster = text.graphemes(true).next().unwrap_or(text);
    if cluster.chars().nth(1) == Some('\u{FE0E}') {
        Scan::Text(cluster.len())
    } else {
        Scan::Unit(cluster.len(), PosTag::Emoji)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The units of `text` as (surface, tag).
    fn units(text: &str) -> Vec<(&str, PosTag)> {
        let mut found = Vec::new();
        find_units(text, &mut found);
        found
            .iter()
            .map(|f| (&text[f.range.clone()], f.tag))
            .collect()
    }

    #[test]
    fn urls_end_before_hangul_space_and_trailing_punctuation() {
        use PosTag::Url;
        assert_eq!(
            units("링크 https://t.co/abc123 참고"),
            [("https://t.co/abc123", Url)]
        );
        assert_eq!(
            units("링크http://example.com/a?b=1&c=2입니다"),
            [("http://example.com/a?b=1&c=2", Url)]
        );
        assert_eq!(units("(www.naver.com)."), [("www.naver.com", Url)]);
        assert_eq!(
            units("https://ko.wikipedia.org/wiki/X_(Y)!"),
            [("https://ko.wikipedia.org/wiki/X_(Y)", Url)]
        );
        assert_eq!(units("HTTPS://A.COM"), [("HTTPS://A.COM", Url)]);
        assert!(units("http:// 없음").is_empty());
        assert!(units("awww.example.com").is_empty());
        assert!(units("www. 빈칸").is_empty());
        // An emoticon-like tail inside a URL stays part of it.
        assert_eq!(units("http://a.com/:)x"), [("http://a.com/:)x", Url)]);
    }

    #[test]
    fn mentions_hashtags_and_retweets() {
        use PosTag::{Hashtag, Mention, Retweet};
        assert_eq!(
            units("RT @user_1: 진짜 #갤럭시S24 좋다 @친구"),
            [
                ("RT", Retweet),
                ("@user_1", Mention),
                ("#갤럭시S24", Hashtag)
            ]
        );
        assert_eq!(units("@user님 감사"), [("@user", Mention)]);
        assert_eq!(units("고마워요@user"), [("@user", Mention)]);
        assert!(units("mail me: me@example.com").is_empty());
        assert!(units("C# 공부 #1 &#39;").is_empty());
        assert_eq!(units("#1위"), [("#1위", Hashtag)]);
        // RT needs the `RT @user` shape.
        assert!(units("ART @x").iter().all(|u| u.1 != Retweet));
        assert!(units("RT 하지마").is_empty());
    }

    #[test]
    fn emoji_sequences_are_single_units() {
        use PosTag::Emoji;
        let family = "👨\u{200D}👩\u{200D}👧";
        let thumbs = "👍🏽";
        let flag = "🇰🇷";
        let keycap = "1\u{FE0F}\u{20E3}";
        let heart = "❤\u{FE0F}";
        let text = format!("{family}{thumbs}{flag} {keycap}{heart}❤좋아😂😂");
        assert_eq!(
            units(&text),
            [
                (family, Emoji),
                (thumbs, Emoji),
                (flag, Emoji),
                (keycap, Emoji),
                (heart, Emoji),
                ("❤", Emoji),
                ("😂", Emoji),
                ("😂", Emoji)
            ]
        );
        // Text presentation asked for: not an emoji. Digits alone are not keycaps.
        assert!(units("❤\u{FE0E} 123 #").is_empty());
    }

    #[test]
    fn emoticons_among_text() {
        use PosTag::Emoticon;
        assert_eq!(
            units("좋아요^^ 슬퍼ㅠ.ㅠ 헐ㅡㅡ;"),
            [("^^", Emoticon), ("ㅠ.ㅠ", Emoticon), ("ㅡㅡ;", Emoticon)]
        );
        assert_eq!(units("@_@ 어지러워"), [("@_@", Emoticon)]);
        assert!(units("ㅋㅋㅋ ㅠㅠ 10:30 a:b").is_empty());
    }

    #[test]
    fn scan_is_linear_on_pathological_input() {
        // Text-presentation hearts joined into one huge cluster: each must not rescan it.
        let text = "❤\u{FE0E}\u{200D}".repeat(20_000);
        let mut found = Vec::new();
        find_units(&text, &mut found);
        assert!(found.is_empty());
        let text = "#1".repeat(100_000) + &"^".repeat(100_000);
        find_units(&text, &mut found);
        assert_eq!(found.len(), 1);
    }
}
