//! The words that can start at a position, in MeCab's order of creation: system dictionary,
//! user dictionary, then unknown words ([`unknown_words`]); or the social unit that starts
//! there, which nothing else may overlap.

use super::dictionary::{Entry, Lexicon, WordMemo};
use super::sentence::{Sentence, NO_UNIT};
use super::unknown::unknown_words;

/// A word that can start at the current position, before it is connected.
#[derive(Debug, Clone, Copy)]
pub(super) struct Candidate {
    pub(super) entry: Entry,
    /// The social unit it stands for, or `NO_UNIT` for a word.
    pub(super) unit: u32,
    /// Char index where it ends.
    pub(super) end: u32,
}

/// Per-worker scratch of candidate lookup, reused from position to position.
#[derive(Debug, Default)]
pub(super) struct Candidates {
    list: Vec<Candidate>,
    /// User-dictionary matches of the sentence: (start char, end char, entry), by start.
    user_matches: Vec<(u32, u32, Entry)>,
    /// The first user match that does not start before the current position.
    user_cursor: usize,
    /// Whether a word is a plain entry ([`Lexicon::is_plain`]).
    plain: WordMemo<bool>,
}

crate::buffers::reusable_fields!(Candidates { list, user_matches });

impl Candidates {
    /// Finds the user dictionary's words in `text`, the sentence, that lie within one
    /// whitespace-delimited word; to be called before the sentence's first [`Self::collect`].
    pub(super) fn find_user_matches(&mut self, lexicon: &Lexicon, sentence: &Sentence, text: &str) {
        self.user_matches.clear();
        self.user_cursor = 0;
        for (range, entries) in lexicon.user_words(text) {
            let start = sentence.char_at_byte(range.start);
            let end = sentence.char_at_byte(range.end);
            if start as usize >= sentence.len() {
                continue;
            }
            let info = sentence.info(start as usize);
            if info.is_space || info.unit != NO_UNIT || end > info.word_end {
                continue;
            }
            self.user_matches
                .extend(entries.map(|entry| (start, end, entry)));
        }
        // Stable: for one start, matches stay in increasing length.
        self.user_matches.sort_by_key(|&(start, _, _)| start);
    }

    /// The candidates that start at char `begin`, in order of creation. Positions must come
    /// in increasing order within a sentence.
    #[inline]
    pub(super) fn collect(
        &mut self,
        lexicon: &Lexicon,
        sentence: &Sentence,
        begin: usize,
    ) -> &[Candidate] {
        self.list.clear();
        let info = sentence.info(begin);
        if info.unit != NO_UNIT {
            let end = info.word_end;
            let last = sentence.info(end as usize - 1).category;
            self.list.push(Candidate {
                entry: lexicon.unit_entry(info.category, last),
                unit: info.unit,
                end,
            });
            return &self.list;
        }
        self.push_system_words(lexicon, sentence, begin);
        self.push_user_words(begin);
        let list = &mut self.list;
        unknown_words(lexicon, sentence, begin, !list.is_empty(), |entry, end| {
            list.push(Candidate {
                entry,
                unit: NO_UNIT,
                end: end as u32,
            })
        });
        &self.list
    }

    #[inline]
    fn push_system_words(&mut self, lexicon: &Lexicon, sentence: &Sentence, begin: usize) {
        let word_end = sentence.info(begin).word_end as usize;
        for (length, entries) in lexicon.system_words(sentence.chars(begin, word_end)) {
            let end = (begin + length) as u32;
            let first = self.list.len();
            for entry in entries {
                // mecab-ko-dic lists some surfaces twice with equal costs: plainly, and as an
                // `Inflect` entry naming another base form (`주` also as `줏/VV`, `하` as
                // `않/VX`). The tie goes to whichever MeCab-ko's build happened to read
                // first (mostly the plain one in the parity data); keep the plain entry.
                let twin = self.list[first..]
                    .iter_mut()
                    .find(|c| c.entry.has_costs_of(&entry));
                match twin {
                    Some(twin) => {
                        let mut plain = |word| self.plain.get(word, || lexicon.is_plain(word));
                        if plain(entry.word) && !plain(twin.entry.word) {
                            twin.entry = entry;
                        }
                    }
                    None => self.list.push(Candidate {
                        entry,
                        unit: NO_UNIT,
                        end,
                    }),
                }
            }
        }
    }

    fn push_user_words(&mut self, begin: usize) {
        let matches = &self.user_matches;
        while self.user_cursor < matches.len() && (matches[self.user_cursor].0 as usize) < begin {
            self.user_cursor += 1;
        }
        for &(start, end, entry) in &matches[self.user_cursor..] {
            if start as usize != begin {
                break;
            }
            self.list.push(Candidate {
                entry,
                unit: NO_UNIT,
                end,
            });
        }
    }
}
