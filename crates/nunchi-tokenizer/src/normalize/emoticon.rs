//! Text emoticons: `^^`, `^_^`, `ㅠ.ㅠ`, `T_T`, `-_-;`, `>_<`, `ㅡㅡ`, `:)`, `:D`, `XD`, `<3`, …
//!
//! Crying or laughing jamo runs (`ㅠㅠ`, `ㅜㅜ`, `ㅋㅋ`) are not emoticons here: the dictionary
//! knows them. Emoticons that contain ASCII letters or digits (`T_T`, `:D`, `XD`, `<3`) only
//! count where they are not glued to an ASCII word or number; Korean text glues emoticons to
//! Hangul all the time (`좋아요:D`), so Hangul next to them is fine.

/// A face `left mouth right`: the eyes, and the mouths they accept (never an eye itself, so
/// that `ㅇㅇㅇ` or `---` are not faces).
struct Face {
    left: char,
    right: &'static [char],
    mouths: &'static [char],
}

const SYMBOL_MOUTHS: &[char] = &['_', '.', 'ㅅ', 'ㅂ', 'ㅁ', 'ㅡ', 'ㅇ'];
const JAMO_MOUTHS: &[char] = &['_', '.', '-', '^', 'ㅅ', 'ㅂ', 'ㅁ', 'ㅡ', 'ㅇ'];

const FACES: &[Face] = &[
    Face {
        left: '^',
        right: &['^'],
        mouths: &[
            '_', '.', '-', 'o', 'ㅅ', 'ㅂ', 'ㅁ', 'ㅡ', 'ㅇ', 'ㅛ', '▽', 'ω', '∇',
        ],
    },
    Face {
        left: 'ㅠ',
        right: &['ㅠ', 'ㅜ'],
        mouths: JAMO_MOUTHS,
    },
    Face {
        left: 'ㅜ',
        right: &['ㅠ', 'ㅜ'],
        mouths: JAMO_MOUTHS,
    },
    Face {
        left: 'ㅡ',
        right: &['ㅡ'],
        mouths: JAMO_MOUTHS,
    },
    Face {
        left: 'ㅇ',
        right: &['ㅇ'],
        mouths: JAMO_MOUTHS,
    },
    Face {
        left: '>',
        right: &['<'],
        mouths: &['_', '.', '-', 'ㅅ', 'ㅂ', 'ㅁ', 'ㅡ', 'ㅇ'],
    },
    Face {
        left: '-',
        right: &['-'],
        mouths: SYMBOL_MOUTHS,
    },
    Face {
        left: '=',
        right: &['='],
        mouths: SYMBOL_MOUTHS,
    },
    Face {
        left: ';',
        right: &[';'],
        mouths: &['_', '-', 'ㅅ', 'ㅂ', 'ㅁ', 'ㅡ'],
    },
    Face {
        left: '@',
        right: &['@'],
        mouths: &['_', '.'],
    },
    Face {
        left: '+',
        right: &['+'],
        mouths: &['_'],
    },
    Face {
        left: '*',
        right: &['*'],
        mouths: &['_'],
    },
    Face {
        left: 'T',
        right: &['T'],
        mouths: &['_', '.', '^', 'ㅅ', 'ㅡ'],
    },
    Face {
        left: 'o',
        right: &['o'],
        mouths: &['_'],
    },
    Face {
        left: 'O',
        right: &['O'],
        mouths: &['_'],
    },
    Face {
        left: 'x',
        right: &['x'],
        mouths: &['_'],
    },
    Face {
        left: 'X',
        right: &['X'],
        mouths: &['_'],
    },
];

/// Mouths of the sideways faces `:)`, `;-)`, `:'(`; the letter ones need a word boundary.
const SIDEWAYS_MOUTHS: &[char] = &[')', '(', 'D', 'P', 'p', 'O', 'o'];

/// Length in bytes of the emoticon at the start of `text`, if one starts there; `prev` is
/// the char before it.
pub(super) fn emoticon_len(text: &str, prev: Option<char>) -> Option<usize> {
    let mut chars = text.chars();
    let first = chars.next()?;
    let second = chars.next()?;
    let third = chars.next();
    let glued_before = prev.is_some_and(|p| p.is_ascii_alphanumeric());

    // Eyes alone: `^^`, `ㅡㅡ` (any length).
    if (first == '^' || first == 'ㅡ') && second == first {
        return Some(with_sweat(text, run_end(text, 0, first)));
    }
    if let Some(face) = FACES.iter().find(|f| f.left == first) {
        if let Some(right) = third {
            if face.mouths.contains(&second) && second != first && face.right.contains(&right) {
                let end = first.len_utf8() + second.len_utf8() + right.len_utf8();
                let has_letters = [first, second, right]
                    .iter()
                    .any(|c| c.is_ascii_alphanumeric());
                if !has_letters || (!glued_before && !glued_after(text, end)) {
                    return Some(with_sweat(text, end));
                }
            }
        }
    }
    if matches!(first, ':' | ';' | '=') && !glued_before {
        // An optional nose (`:-)`) or tear (`:'(`), then a mouth that may repeat (`:)))`).
        let (mouth, mouth_at) = match second {
            '-' | '\'' => (third?, 2),
            _ => (second, 1),
        };
        let letter = mouth.is_ascii_alphabetic();
        let allowed = SIDEWAYS_MOUTHS.contains(&mouth)
            && (first != '=' || matches!(mouth, ')' | '('))
            && (second != '\'' || mouth == '(');
        if allowed {
            let end = run_end(text, mouth_at, mouth);
            if !letter || !glued_after(text, end) {
                return Some(end);
            }
        }
        return None;
    }
    if glued_before {
        return None;
    }
    // `XD`, `xDDD`.
    if matches!(first, 'X' | 'x') && second == 'D' {
        let end = run_end(text, 1, 'D');
        return (!glued_after(text, end)).then_some(end);
    }
    // `<3`, `<333`, but not `<30`.
    if first == '<' && second == '3' {
        let end = run_end(text, 1, '3');
        return (!glued_after(text, end)).then_some(end);
    }
    // `><` (squeezed eyes), but not inside `<a><b>` or arrows.
    if first == '>' && second == '<' && prev != Some('<') && prev != Some('>') {
        let end = 2;
        let next = text[end..].chars().next();
        let glued = next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '<' || n == '>');
        return (!glued).then_some(end);
    }
    None
}

/// End of the run of `c` that starts at byte `at` of `text`.
fn run_end(text: &str, at: usize, c: char) -> usize {
    at + text[at..]
        .chars()
        .take_while(|&n| n == c)
        .map(char::len_utf8)
        .sum::<usize>()
}

/// `end` extended over a following run of sweat drops (`^^;;`).
fn with_sweat(text: &str, end: usize) -> usize {
    run_end(text, end, ';')
}

fn glued_after(text: &str, end: usize) -> bool {
    text[end..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The emoticon at the start of `text`, after `prev`.
    fn emoticon(prev: Option<char>, text: &str) -> Option<&str> {
        emoticon_len(text, prev).map(|len| &text[..len])
    }

    #[test]
    fn recognises_common_emoticons_with_their_extent() {
        let cases = [
            ("^^", "^^"),
            ("^^;; 그렇군요", "^^;;"),
            ("^_^ 좋아", "^_^"),
            ("^^^^^", "^^^^^"),
            ("ㅠ.ㅠ", "ㅠ.ㅠ"),
            ("ㅜ_ㅠ", "ㅜ_ㅠ"),
            ("T_T", "T_T"),
            ("T.T 슬퍼", "T.T"),
            (":) 고마워", ":)"),
            (":(", ":("),
            (";)", ";)"),
            (":-)", ":-)"),
            (":'(", ":'("),
            (":)))", ":)))"),
            (":D", ":D"),
            ("XD", "XD"),
            ("xDDD!", "xDDD"),
            ("-_-", "-_-"),
            ("-_-;", "-_-;"),
            (">_<", ">_<"),
            (">.<", ">.<"),
            ("ㅡㅡ", "ㅡㅡ"),
            ("ㅡㅡ;", "ㅡㅡ;"),
            ("ㅡ.ㅡ", "ㅡ.ㅡ"),
            ("ㅇㅅㅇ", "ㅇㅅㅇ"),
            ("=_=", "=_="),
            ("<3", "<3"),
            ("><", "><"),
        ];
        for (text, expected) in cases {
            assert_eq!(emoticon(None, text), Some(expected), "{text:?}");
            assert_eq!(emoticon(Some(' '), text), Some(expected), "{text:?}");
        }
        // Glued to Hangul is the normal way to write them.
        assert_eq!(emoticon(Some('요'), ":D"), Some(":D"));
        assert_eq!(emoticon(Some('요'), ":)"), Some(":)"));
        assert_eq!(emoticon(Some('퍼'), "T_T"), Some("T_T"));
    }

    #[test]
    fn does_not_fire_inside_ordinary_text() {
        let cases = [
            (Some('2'), ":30"),
            (Some('e'), ":D"),
            (None, ":Done"),
            (Some('A'), "T_T"),
            (None, "T_Test"),
            (Some('1'), "<3"),
            (None, "<30"),
            (Some('f'), ":(x)"),
            (Some('a'), "><b"),
            (None, "><b>"),
            (None, "ㅠㅠ"),
            (None, "ㅜㅜㅜ"),
            (None, "ㅇㅇㅇ"),
            (None, "---"),
            (None, "^"),
            (None, "ㅡ"),
            (None, "x.x"),
            (None, "XDA"),
            (None, ": )"),
            (None, "=D"),
        ];
        for (prev, text) in cases {
            assert_eq!(emoticon(prev, text), None, "{prev:?} {text:?}");
        }
    }
}
