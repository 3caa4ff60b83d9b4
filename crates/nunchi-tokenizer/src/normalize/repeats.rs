//! Expressive repetition: runs of one character (`ㅋㅋㅋㅋㅋ`, `!!!!!`) squashed to a bounded
//! length, and laughter typed into a syllable's final consonant (`먹었엌ㅋㅋ`).

/// Decides char by char which chars of a run of one repeated character to keep.
#[derive(Debug, Clone)]
pub(super) struct RunSquasher {
    max_repeat: usize,
    last: Option<char>,
    run: usize,
}

impl RunSquasher {
    /// Keeps at most `max_repeat` chars of a run; `0` keeps every char.
    pub(super) fn new(max_repeat: usize) -> Self {
        RunSquasher {
            max_repeat,
            last: None,
            run: 0,
        }
    }

    /// Starts afresh: the next char begins a new run.
    pub(super) fn reset(&mut self) {
        self.last = None;
        self.run = 0;
    }

    /// Whether to keep `c`, the next char of the text: `false` for a char past the bound of
    /// its run. Digits are always kept (`1000000원` is a price, not an emphasis).
    pub(super) fn admit(&mut self, c: char) -> bool {
        if self.last == Some(c) {
            self.run += 1;
        } else {
            self.last = Some(c);
            self.run = 1;
        }
        self.max_repeat == 0 || self.run <= self.max_repeat || c.is_numeric()
    }
}

const SYLLABLE_BASE: u32 = 0xAC00;
const SYLLABLE_LAST: u32 = 0xD7A3;
const FINAL_COUNT: u32 = 28;
/// Final-consonant indexes of ㅋ and ㅎ in a syllable.
const FINAL_K: u32 = 24;
const FINAL_H: u32 = 27;

/// Syllables with final ㅎ that end common stems (`좋다`, `놓다`, `그렇다`, `빨갛다`): a
/// ㅎ after them (`좋ㅎㅎ`) is laughter after a whole word, not a laugh merged into it.
const STEMS_WITH_FINAL_H: &[char] = &[
    '좋', '놓', '넣', '낳', '닿', '쌓', '빻', '찧', '땋', '렇', '떻', '랗', '갛', '얗', '맣',
];

/// Splits laughter merged into a syllable's final consonant: a syllable whose final is ㅋ
/// (ㅎ) followed by the jamo ㅋ (ㅎ) gives the open syllable and one more jamo of the run
/// (`엌` before `ㅋ` → `어`, `ㅋ`).
pub(super) fn split_laughter(c: char, next: Option<char>) -> Option<(char, char)> {
    let code = c as u32;
    if !(SYLLABLE_BASE..=SYLLABLE_LAST).contains(&code) {
        return None;
    }
    let jamo = match (code - SYLLABLE_BASE) % FINAL_COUNT {
        FINAL_K => 'ㅋ',
        FINAL_H if !STEMS_WITH_FINAL_H.contains(&c) => 'ㅎ',
        _ => return None,
    };
    if next != Some(jamo) {
        return None;
    }
    let open = char::from_u32(code - (code - SYLLABLE_BASE) % FINAL_COUNT)?;
    Some((open, jamo))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squash(text: &str, max_repeat: usize) -> String {
        let mut squasher = RunSquasher::new(max_repeat);
        text.chars().filter(|&c| squasher.admit(c)).collect()
    }

    #[test]
    fn runs_are_bounded() {
        assert_eq!(squash("ㅋㅋㅋㅋㅋㅋ", 3), "ㅋㅋㅋ");
        assert_eq!(squash("ㅠㅠㅠㅠ!!!!!......", 3), "ㅠㅠㅠ!!!...");
        assert_eq!(squash("ㅋㅋ", 3), "ㅋㅋ");
        assert_eq!(squash("ㅎㅎㅎㅎ하하하하하", 2), "ㅎㅎ하하");
        assert_eq!(squash("1000000원!!!!", 3), "1000000원!!!");
        assert_eq!(squash("ㅋㅋㅋㅋㅋ", 0), "ㅋㅋㅋㅋㅋ");
    }

    #[test]
    fn reset_starts_a_new_run() {
        let mut squasher = RunSquasher::new(1);
        assert!(squasher.admit('a'));
        assert!(!squasher.admit('a'));
        squasher.reset();
        assert!(squasher.admit('a'));
    }

    #[test]
    fn laughter_in_a_final_is_split_off() {
        assert_eq!(split_laughter('엌', Some('ㅋ')), Some(('어', 'ㅋ')));
        assert_eq!(split_laughter('앟', Some('ㅎ')), Some(('아', 'ㅎ')));
        assert_eq!(split_laughter('닼', Some('ㅋ')), Some(('다', 'ㅋ')));
        // Not laughter: no jamo after, another jamo, another final, or a stem.
        assert_eq!(split_laughter('엌', None), None);
        assert_eq!(split_laughter('엌', Some('ㅎ')), None);
        assert_eq!(split_laughter('억', Some('ㅋ')), None);
        assert_eq!(split_laughter('좋', Some('ㅎ')), None);
        assert_eq!(split_laughter('ㅋ', Some('ㅋ')), None);
    }
}
