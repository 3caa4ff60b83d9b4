//! The dictionary adapter: lindera's ko-dic structures as the lattice reads them (entries,
//! character categories, unknown-word entries, connection costs, left-space penalties), and
//! the per-worker memos of what is slow to read from them.

use std::ops::Range;

use lindera::dictionary::{Dictionary, UserDictionary};
use lindera_dictionary::dictionary::character_definition::{CategoryData, CategoryId};
use lindera_dictionary::dictionary::DetailFields;
use lindera_dictionary::space_penalty::{pos_detail_index, SpacePenaltyConfig};
use lindera_dictionary::viterbi::{LexType, WordId};

use crate::error::Error;

/// Size of one serialised lindera `WordEntry`: word id (u32), cost (i16), left and right
/// context ids (u16 each), little endian. lindera does not export the decoder, and its
/// format is pinned by the exact lindera version (checked by a test against `prefix`).
const ENTRY_BYTES: usize = 10;

// Positions in ko-dic's detail fields (those after surface, context ids and cost).
/// Part of speech (`NNG`, `VCP+EF`).
pub(crate) const DETAIL_POS: usize = 0;
/// Entry type: `*` for a plain entry, else `Inflect`, `Compound` or `Preanalysis`.
pub(crate) const DETAIL_TYPE: usize = 4;
/// Analysis of an entry that is not plain: `form/TAG/*+form/TAG/*`.
pub(crate) const DETAIL_EXPRESSION: usize = 7;

/// The dictionary side of segmentation: immutable, shared by every worker.
pub(crate) struct Lexicon {
    dictionary: Dictionary,
    user_dictionary: Option<UserDictionary>,
    /// mecab-ko-dic's left-space penalty rules and the detail field they read. Looked up per
    /// word as the lattice meets it (and memoised per worker): lindera's table of every
    /// word's penalty took half of a one-post command's start-up to build.
    space_penalty: Option<(SpacePenaltyConfig, usize)>,
    /// Category-set bit of `char.def`'s `SPACE` category (0 if the dictionary has none).
    space_mask: u64,
}

/// A dictionary entry as the lattice needs it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    pub(super) word: WordId,
    pub(super) cost: i16,
    pub(super) left_id: u16,
    pub(super) right_id: u16,
}

impl Entry {
    /// The entry of the sentence's beginning and end: context id 0 on both sides.
    pub(super) fn boundary() -> Entry {
        Entry {
            word: WordId::default(),
            cost: 0,
            left_id: 0,
            right_id: 0,
        }
    }

    pub(super) fn has_costs_of(&self, other: &Entry) -> bool {
        (self.cost, self.left_id, self.right_id) == (other.cost, other.left_id, other.right_id)
    }
}

#[inline]
fn decode_entries(bytes: &[u8], lex_type: LexType) -> impl Iterator<Item = Entry> + '_ {
    bytes
        .chunks_exact(ENTRY_BYTES)
        .map(move |b| decode_entry(b, lex_type))
}

#[inline]
fn decode_entry(b: &[u8], lex_type: LexType) -> Entry {
    Entry {
        word: WordId::new(lex_type, u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        cost: i16::from_le_bytes([b[4], b[5]]),
        left_id: u16::from_le_bytes([b[6], b[7]]),
        right_id: u16::from_le_bytes([b[8], b[9]]),
    }
}

/// Rejects a user dictionary whose context ids fall outside the connection matrix (a full
/// CSV row can name any id), which would otherwise fail in the middle of an analysis.
fn check_context_ids(dictionary: &Dictionary, user: &UserDictionary) -> Result<(), Error> {
    let matrix = &dictionary.connection_cost_matrix;
    let outside = decode_entries(&user.dict.vals_data, LexType::User).find(|entry| {
        u32::from(entry.left_id) >= matrix.backward_size
            || u32::from(entry.right_id) >= matrix.forward_size
    });
    match outside {
        None => Ok(()),
        Some(entry) => Err(Error::UserDictionary {
            path: None,
            message: format!(
                "context ids {}/{} lie outside the dictionary's {}x{} connection matrix",
                entry.left_id, entry.right_id, matrix.backward_size, matrix.forward_size
            ),
        }),
    }
}

fn category_bit(category: CategoryId) -> u64 {
    1u64 << (category.0 % 64)
}

impl Lexicon {
    /// Prepares the dictionaries: moves a user dictionary's context ids into the system
    /// dictionary's id space (as lindera's `Segmenter::new` does) and builds the
    /// left-space penalty table from the rules the dictionary ships.
    pub(crate) fn new(
        dictionary: Dictionary,
        mut user_dictionary: Option<UserDictionary>,
        source_name: &str,
    ) -> Result<Self, Error> {
        if let (Some(user), Some(map)) = (
            user_dictionary.as_mut(),
            dictionary.metadata.context_id_map.as_ref(),
        ) {
            user.remap_context_ids(map);
        }
        if let Some(user) = &user_dictionary {
            check_context_ids(&dictionary, user)?;
        }
        let space_penalty = match &dictionary.metadata.space_penalty {
            Some(rules) => Some((
                rules.clone(),
                pos_detail_index(&dictionary.metadata.dictionary_schema).map_err(|e| {
                    Error::Dictionary {
                        source_name: source_name.to_owned(),
                        message: format!("left-space penalty rules: {e}"),
                    }
                })?,
            )),
            None => None,
        };
        let space_mask = dictionary
            .character_definition
            .category_id_by_name("SPACE")
            .map_or(0, category_bit);
        Ok(Lexicon {
            dictionary,
            user_dictionary,
            space_penalty,
            space_mask,
        })
    }

    /// The detail fields of a word (part of speech first), as the dictionary stores them.
    pub(crate) fn details(&self, word: WordId) -> DetailFields<'_> {
        let id = word.id() as usize;
        match word.lex_type() {
            LexType::System => self.dictionary.word_details_iter(id),
            LexType::Unknown => self.dictionary.unknown_word_details_iter(id),
            LexType::User => match &self.user_dictionary {
                Some(user) => user.word_details_iter(id),
                None => DetailFields::unk(),
            },
        }
    }

    /// Whether a word is a plain entry rather than an analysed one (`Inflect`, `Compound`,
    /// `Preanalysis`).
    pub(super) fn is_plain(&self, word: WordId) -> bool {
        self.details(word).nth(DETAIL_TYPE) == Some("*")
    }

    /// The default (first) `char.def` category of `c` and the bit set of all its categories.
    #[inline]
    pub(super) fn categories(&self, c: char) -> (CategoryId, u64) {
        let categories = self.dictionary.character_definition.lookup_categories(c);
        let mask = categories.iter().fold(0, |m, &cat| m | category_bit(cat));
        (categories.first().copied().unwrap_or(CategoryId(0)), mask)
    }

    /// Whether a character of categories `mask` is whitespace: `char.def`'s `SPACE`, or
    /// anything Unicode calls whitespace.
    #[inline]
    pub(super) fn is_space(&self, c: char, mask: u64) -> bool {
        mask & self.space_mask != 0 || c.is_whitespace()
    }

    /// What `char.def` says of unknown words that start with a character of `category`.
    #[inline]
    pub(super) fn definition(&self, category: CategoryId) -> &CategoryData {
        self.dictionary
            .character_definition
            .lookup_definition(category)
    }

    /// The system dictionary's words that `chars` starts with: each match's length in chars
    /// and its entries, in the dictionary's order.
    #[inline]
    pub(super) fn system_words<'a>(
        &'a self,
        chars: &'a [char],
    ) -> impl Iterator<Item = (usize, impl Iterator<Item = Entry> + 'a)> + 'a {
        self.dictionary
            .prefix_dictionary
            .common_prefix_search(chars)
            .map(|(bytes, length)| (length, decode_entries(bytes, LexType::System)))
    }

    /// The user dictionary's words anywhere in `text`, overlapping: each match's byte range
    /// and its entries.
    pub(super) fn user_words<'a>(
        &'a self,
        text: &'a str,
    ) -> impl Iterator<Item = (Range<usize>, impl Iterator<Item = Entry> + 'a)> + 'a {
        self.user_dictionary.iter().flat_map(move |user| {
            user.dict.da.find_overlapping_iter(text).map(move |found| {
                let (first, count) = user.dict.decode_val(found.value());
                let from = first as usize * ENTRY_BYTES;
                let to = from + count as usize * ENTRY_BYTES;
                let bytes = user.dict.vals_data.get(from..to).unwrap_or_default();
                (
                    found.start()..found.end(),
                    decode_entries(bytes, LexType::User),
                )
            })
        })
    }

    /// The unknown-word entries of `category`, in `unk.def`'s order.
    #[inline]
    pub(super) fn unknown_entries(&self, category: CategoryId) -> impl Iterator<Item = Entry> + '_ {
        let unknown = &self.dictionary.unknown_dictionary;
        let ids = unknown.category_references.get(category.0);
        ids.into_iter().flatten().filter_map(move |&id| {
            let known = unknown.costs.get(id as usize)?;
            Some(Entry {
                word: WordId::new(LexType::Unknown, id),
                cost: known.word_cost(),
                left_id: known.left_id() as u16,
                right_id: known.right_id() as u16,
            })
        })
    }

    /// The entry standing for a social unit: on each side, the context of the unknown word
    /// that MeCab would make of the unit's character there (`^^` connects like the symbol
    /// it is, `ㅡㅡ` like a Hangul run). Its cost does not matter: every path crosses it.
    pub(super) fn unit_entry(&self, first: CategoryId, last: CategoryId) -> Entry {
        let unknown = &self.dictionary.unknown_dictionary;
        let context = |category: CategoryId| {
            unknown
                .category_references
                .get(category.0)
                .and_then(|ids| ids.first())
                .and_then(|&id| unknown.costs.get(id as usize))
                .map_or((0, 0), |e| (e.left_id() as u16, e.right_id() as u16))
        };
        Entry {
            word: WordId::default(),
            cost: 0,
            left_id: context(first).0,
            right_id: context(last).1,
        }
    }

    /// The row of the connection matrix for a right node of left context id `left_id`.
    #[inline]
    pub(super) fn connection_row(&self, left_id: u16) -> &[i16] {
        self.dictionary
            .connection_cost_matrix
            .row(u32::from(left_id))
    }

    /// The left-space penalty of a word: that of the first rule listing the first tag of
    /// its part of speech, 0 if none does.
    fn penalty(&self, word: WordId) -> i32 {
        match &self.space_penalty {
            Some((rules, pos_field)) => self
                .details(word)
                .nth(*pos_field)
                .map_or(0, |pos| rules.cost_for_tag(pos)),
            None => 0,
        }
    }
}

/// A connection cost from a row of the matrix; an id outside it (a malformed dictionary)
/// costs nothing rather than panicking.
#[inline]
pub(super) fn connection(row: &[i16], right_id: u16) -> i64 {
    row.get(usize::from(right_id)).map_or(0, |&c| i64::from(c))
}

/// A per-worker memo of something derived from a word's detail fields, indexed by word id
/// (per lexicon type): reading the stored fields again each time the lattice or the
/// analysis needs them cost a fifth of the tokenizer's time. It grows with the largest id
/// met, at most the dictionary's size.
#[derive(Debug)]
pub(crate) struct WordMemo<T> {
    /// System, user and unknown words.
    slots: [Vec<Option<T>>; 3],
}

impl<T> Default for WordMemo<T> {
    fn default() -> Self {
        WordMemo {
            slots: [Vec::new(), Vec::new(), Vec::new()],
        }
    }
}

impl<T: Copy> WordMemo<T> {
    /// The value for `word`, derived by `derive` the first time.
    pub(crate) fn get(&mut self, word: WordId, derive: impl FnOnce() -> T) -> T {
        let slots = &mut self.slots[match word.lex_type() {
            LexType::System => 0,
            LexType::User => 1,
            LexType::Unknown => 2,
        }];
        let id = word.id() as usize;
        if id >= slots.len() {
            slots.resize(id + 1, None);
        }
        *slots[id].get_or_insert_with(derive)
    }
}

/// A per-worker memo of left-space penalties. In mecab-ko-dic a word's left context id
/// settles its first part of speech and so its penalty (a test checks every entry), so the
/// penalty is read once per context id: a memo by word id was 6 MB per worker and missed
/// the cache. A user word names its own part of speech and is read itself.
#[derive(Debug, Default)]
pub(super) struct PenaltyMemo {
    by_left_id: Vec<Option<i32>>,
}

impl PenaltyMemo {
    /// The left-space penalty of `entry`'s word.
    #[inline]
    pub(super) fn get(&mut self, lexicon: &Lexicon, entry: &Entry) -> i32 {
        if entry.word.lex_type() == LexType::User {
            return lexicon.penalty(entry.word);
        }
        let id = usize::from(entry.left_id);
        if id >= self.by_left_id.len() {
            self.by_left_id.resize(id + 1, None);
        }
        *self.by_left_id[id].get_or_insert_with(|| lexicon.penalty(entry.word))
    }
}

#[cfg(all(test, feature = "embed-ko-dic"))]
pub(super) mod tests {
    use super::*;

    pub(in crate::lattice) fn embedded() -> Dictionary {
        lindera::dictionary::load_embedded_dictionary(lindera::dictionary::DictionaryKind::KoDic)
            .expect("embedded ko-dic")
    }

    #[test]
    fn lexicon_is_shared() {
        fn shared<T: Send + Sync>() {}
        shared::<Lexicon>();
    }

    /// What [`PenaltyMemo`] relies on.
    #[test]
    fn left_space_penalty_is_a_function_of_the_left_context_id() {
        let lexicon = Lexicon::new(embedded(), None, "embedded").expect("lexicon");
        let mut by_left_id = std::collections::HashMap::new();
        let mut penalised = 0;
        let entries = decode_entries(
            &lexicon.dictionary.prefix_dictionary.vals_data,
            LexType::System,
        );
        for entry in entries {
            let penalty = lexicon.penalty(entry.word);
            penalised += usize::from(penalty != 0);
            let first = *by_left_id.entry(entry.left_id).or_insert(penalty);
            assert_eq!(
                first, penalty,
                "left id {} has two penalties",
                entry.left_id
            );
        }
        assert!(
            penalised > 1000,
            "the rules penalise only {penalised} entries"
        );
    }

    #[test]
    fn entry_decoding_matches_lindera() {
        let dictionary = embedded();
        for text in ["정말 황당하군요", "도둑놈이죠", "ㅋㅋㅋ", "..."] {
            let chars: Vec<char> = text.chars().collect();
            let ours: Vec<_> = dictionary
                .prefix_dictionary
                .common_prefix_search(&chars)
                .flat_map(|(bytes, _)| decode_entries(bytes, LexType::System))
                .map(|e| (e.word, e.cost, u32::from(e.left_id), u32::from(e.right_id)))
                .collect();
            let theirs: Vec<_> = dictionary
                .prefix_dictionary
                .prefix(text)
                .map(|(_, e)| (e.word_id(), e.word_cost(), e.left_id(), e.right_id()))
                .collect();
            assert!(!theirs.is_empty(), "{text}");
            assert_eq!(ours, theirs, "{text}");
        }
    }
}
