//! MeCab-ko's segmentation over mecab-ko-dic, run on lindera's dictionary structures.
//!
//! lindera's own lattice keeps whitespace as unknown-word nodes, so the word after a space
//! connects to the space rather than to the word before it; MeCab-ko skips whitespace,
//! connects the words on either side directly and instead adds mecab-ko-dic's left-space
//! penalty to a word that follows whitespace (so that, e.g., a particle does not start a
//! word). lindera also groups unknown words (runs of symbols such as `....`) by rules of its
//! own. On 2,000 NSMC reviews lindera's segmentation gives 89.8% of MeCab-ko's tokens, and
//! its API cannot close the gap from outside, so this module runs the Viterbi search over
//! lindera's dictionary itself, the way MeCab-ko's tokenizer does (100% on the same reviews,
//! `tests/mecab_parity.rs`):
//! - a node starts after any whitespace and never contains whitespace (a word is bounded
//!   by the next space);
//! - a social unit that normalisation kept whole (a URL, an emoji, `ㅡㅡ`) is one node that
//!   nothing else may overlap, connected to its neighbours with the context ids that MeCab
//!   would give its first and last characters, so that the words around it are analysed
//!   as in an uncut sentence (a sentence is not made to end at every emoticon);
//! - unknown words follow MeCab's rules: only the first character's default category is
//!   used, a grouped run chains over characters that share a category (at most
//!   [`MAX_GROUPING_SIZE`] characters beyond the first), and the `char.def` `LENGTH` ladder
//!   stops at the first character that shares no category with the first one;
//! - of equal-cost paths the one met first wins, as in MeCab; entries that the dictionary
//!   lists twice with equal costs resolve to the plain one (see `collect_candidates`).
//!
//! Whitespace is what `char.def` puts in `SPACE` plus anything Unicode calls whitespace
//! (MeCab-ko would make a symbol of a no-break space; a social post is better served by
//! treating it as the space it shows as).

use lindera::dictionary::{Dictionary, UserDictionary};
use lindera_dictionary::dictionary::character_definition::CategoryId;
use lindera_dictionary::dictionary::DetailFields;
use lindera_dictionary::space_penalty::{pos_detail_index, SpacePenaltyConfig};
use lindera_dictionary::viterbi::{LexType, WordId};

use crate::error::Error;
use crate::normalize::SocialUnit;

/// MeCab's `max-grouping-size` default: a grouped unknown word spans at most this many
/// characters beyond its first.
const MAX_GROUPING_SIZE: usize = 24;

/// Sentences are cut at line breaks, as MeCab reads a line at a time; a line longer than
/// this many bytes is cut at its last whitespace before the limit, to bound the lattice.
const MAX_SENTENCE_BYTES: usize = 16 * 1024;

/// Size of one serialised lindera `WordEntry`: word id (u32), cost (i16), left and right
/// context ids (u16 each), little endian. lindera does not export the decoder, and its
/// format is pinned by the exact lindera version (checked by a test against `prefix`).
const ENTRY_BYTES: usize = 10;

const NO_NODE: u32 = u32::MAX;
const NO_UNIT: u32 = u32::MAX;

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
struct Entry {
    word: WordId,
    cost: i16,
    left_id: u16,
    right_id: u16,
}

impl Entry {
    fn has_costs_of(&self, other: &Entry) -> bool {
        (self.cost, self.left_id, self.right_id) == (other.cost, other.left_id, other.right_id)
    }
}

fn decode_entries(bytes: &[u8], lex_type: LexType) -> impl Iterator<Item = Entry> + '_ {
    bytes.chunks_exact(ENTRY_BYTES).map(move |b| Entry {
        word: WordId::new(lex_type, u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        cost: i16::from_le_bytes([b[4], b[5]]),
        left_id: u16::from_le_bytes([b[6], b[7]]),
        right_id: u16::from_le_bytes([b[8], b[9]]),
    })
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
    fn is_plain(&self, word: WordId) -> bool {
        self.details(word).nth(DETAIL_TYPE) == Some("*")
    }

    /// The entry standing for a social unit: on each side, the context of the unknown word
    /// that MeCab would make of the unit's character there (`^^` connects like the symbol
    /// it is, `ㅡㅡ` like a Hangul run). Its cost does not matter: every path crosses it.
    fn unit_entry(&self, first: CategoryId, last: CategoryId) -> Entry {
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

/// The best left neighbour of the current position for each left context id seen there:
/// candidates that share a left context id (entries of one part of speech, the lengths of
/// an unknown word) share their best left neighbour, so the scan over the nodes ending there
/// runs once per id rather than once per candidate. Slots are indexed by context id and
/// stamped with a generation, so starting a new position costs nothing.
#[derive(Debug, Default)]
struct BestLeftCache {
    /// Per left context id: (generation, best path cost, best left node).
    slots: Vec<(u32, i64, u32)>,
    generation: u32,
}

impl BestLeftCache {
    /// Starts a new position: forgets every slot.
    fn next_generation(&mut self) -> u32 {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.slots.iter_mut().for_each(|slot| slot.0 = 0);
            self.generation = 1;
        }
        self.generation
    }

    /// The best (cost, node) for `left_id` at this position, computed by `scan` once.
    fn get(
        &mut self,
        left_id: u16,
        generation: u32,
        scan: impl FnOnce() -> (i64, u32),
    ) -> (i64, u32) {
        let id = usize::from(left_id);
        if id >= self.slots.len() {
            self.slots.resize(id + 1, (0, 0, 0));
        }
        let slot = &mut self.slots[id];
        if slot.0 != generation {
            let (cost, node) = scan();
            *slot = (generation, cost, node);
        }
        (slot.1, slot.2)
    }
}

/// One segment of the best path: a byte range of the text given to
/// [`Lattice::segment`] and what lies there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) piece: Piece,
}

/// What a segment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A dictionary or unknown word.
    Word(WordId),
    /// The social unit of this index in the units given to [`Lattice::segment`].
    Unit(usize),
}

/// What the lattice knows of one character of the sentence.
#[derive(Debug, Clone, Copy)]
struct CharInfo {
    /// Byte offset in the sentence.
    byte: u32,
    /// The character's default (first) `char.def` category.
    category: CategoryId,
    /// Bit set of all its categories.
    mask: u64,
    is_space: bool,
    /// Index (in the sentence's units) of the social unit holding this character, or
    /// `NO_UNIT`.
    unit: u32,
    /// Char index where the word holding this character ends: at the next whitespace or
    /// social unit.
    word_end: u32,
}

/// A lattice node: a word spanning `start..end` (char indices, whitespace excluded).
#[derive(Debug, Clone, Copy)]
struct Node {
    entry: Entry,
    /// The social unit this node stands for, or `NO_UNIT` for a word.
    unit: u32,
    start: u32,
    end: u32,
    /// Best path cost from the beginning of the sentence through this node.
    cost: i64,
    /// Best left neighbour (arena index).
    prev: u32,
    /// Next node ending at the same position (arena index), most recent first.
    next_same_end: u32,
}

/// A node ending at the current position, as connecting needs it.
#[derive(Debug, Clone, Copy)]
struct Left {
    cost: i64,
    right_id: u16,
    index: u32,
}

/// A word that can start at the current position, before it is connected.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    entry: Entry,
    unit: u32,
    end: u32,
}

/// Per-worker scratch of the Viterbi search, reused from sentence to sentence.
#[derive(Debug, Default)]
pub(crate) struct Lattice {
    chars: Vec<char>,
    infos: Vec<CharInfo>,
    /// Byte offset just past the sentence's last non-whitespace character.
    end_byte: usize,
    nodes: Vec<Node>,
    /// Per char position, the most recent node ending there (`NO_NODE` if none).
    ends_at: Vec<u32>,
    candidates: Vec<Candidate>,
    lefts: Vec<Left>,
    /// User-dictionary matches of the sentence: (start char, end char, entry), by start.
    user_matches: Vec<(u32, u32, Entry)>,
    path: Vec<u32>,
    /// Whether a word is a plain entry ([`Lexicon::is_plain`]).
    plain: WordMemo<bool>,
    /// Left-space penalty by left context id ([`Lattice::penalty_of`]).
    penalty_by_left_id: Vec<Option<i32>>,
    best_by_left_id: BestLeftCache,
}

impl Lattice {
    /// Segments `text`, appending the best path's pieces to `out` in text order: each of
    /// `units` (byte ranges of `text`, in order, not overlapping) as one piece, words
    /// elsewhere. Whitespace belongs to no piece.
    pub(crate) fn segment(
        &mut self,
        lexicon: &Lexicon,
        text: &str,
        units: &[SocialUnit],
        out: &mut Vec<Segment>,
    ) -> Result<(), Error> {
        let mut start = 0;
        let mut first_unit = 0;
        while start < text.len() {
            let mut end = start + sentence_len(&text[start..]);
            // The units that start before the cut belong to this sentence, which never
            // ends inside one.
            let last_unit =
                first_unit + units[first_unit..].partition_point(|unit| unit.range.start < end);
            if let Some(unit) = units[first_unit..last_unit].last() {
                end = end.max(unit.range.end);
            }
            self.segment_sentence(
                lexicon,
                &text[start..end],
                start,
                &units[first_unit..last_unit],
                first_unit,
                out,
            )?;
            start = end;
            first_unit = last_unit;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn segment_sentence(
        &mut self,
        lexicon: &Lexicon,
        sentence: &str,
        offset: usize,
        units: &[SocialUnit],
        first_unit: usize,
        out: &mut Vec<Segment>,
    ) -> Result<(), Error> {
        self.prepare(lexicon, sentence, offset, units);
        let n = self.chars.len();
        if n == 0 {
            return Ok(());
        }
        self.find_user_matches(lexicon, sentence);

        self.nodes.clear();
        self.ends_at.clear();
        self.ends_at.resize(n + 1, NO_NODE);
        // BOS: context id 0 on its right.
        self.nodes.push(Node {
            entry: Entry {
                word: WordId::default(),
                cost: 0,
                left_id: 0,
                right_id: 0,
            },
            unit: NO_UNIT,
            start: 0,
            end: 0,
            cost: 0,
            prev: NO_NODE,
            next_same_end: NO_NODE,
        });
        self.ends_at[0] = 0;

        let mut user_cursor = 0;
        for pos in 0..n {
            if self.ends_at[pos] == NO_NODE {
                continue;
            }
            let mut begin = pos;
            while begin < n && self.infos[begin].is_space {
                begin += 1;
            }
            if begin == n {
                continue;
            }
            while user_cursor < self.user_matches.len()
                && (self.user_matches[user_cursor].0 as usize) < begin
            {
                user_cursor += 1;
            }
            let unit = self.infos[begin].unit;
            if unit == NO_UNIT {
                self.collect_candidates(lexicon, begin, user_cursor);
            } else {
                self.candidates.clear();
                let end = self.infos[begin].word_end;
                let last = self.infos[end as usize - 1].category;
                self.candidates.push(Candidate {
                    entry: lexicon.unit_entry(self.infos[begin].category, last),
                    unit,
                    end,
                });
            }
            let penalised = begin > pos;
            self.connect(lexicon, pos, begin, penalised);
        }

        // EOS: context id 0 on its left.
        let mut best = (i64::MAX, NO_NODE);
        let eos_row = lexicon.dictionary.connection_cost_matrix.row(0);
        let mut left = self.ends_at[n];
        while left != NO_NODE {
            let node = &self.nodes[left as usize];
            let cost = node.cost + connection(eos_row, node.entry.right_id);
            if cost < best.0 {
                best = (cost, left);
            }
            left = node.next_same_end;
        }
        if best.1 == NO_NODE {
            return Err(Error::Analysis(format!(
                "no path through the lattice of {sentence:?}"
            )));
        }

        self.path.clear();
        let mut at = best.1;
        while at != 0 && at != NO_NODE {
            self.path.push(at);
            at = self.nodes[at as usize].prev;
        }
        let byte = |i: u32| -> usize {
            self.infos
                .get(i as usize)
                .map_or(self.end_byte, |info| info.byte as usize)
        };
        for &index in self.path.iter().rev() {
            let node = &self.nodes[index as usize];
            out.push(Segment {
                start: offset + byte(node.start),
                end: offset + byte(node.end),
                piece: if node.unit == NO_UNIT {
                    Piece::Word(node.entry.word)
                } else {
                    Piece::Unit(first_unit + node.unit as usize)
                },
            });
        }
        Ok(())
    }

    /// Fills the per-character buffers, leaving out trailing whitespace. `units` are byte
    /// ranges of the whole text, of which `sentence` starts at `offset`.
    fn prepare(&mut self, lexicon: &Lexicon, sentence: &str, offset: usize, units: &[SocialUnit]) {
        let definitions = &lexicon.dictionary.character_definition;
        self.chars.clear();
        self.infos.clear();
        let mut next_unit = 0;
        for (byte, c) in sentence.char_indices() {
            while units
                .get(next_unit)
                .is_some_and(|unit| unit.range.end <= offset + byte)
            {
                next_unit += 1;
            }
            let unit = match units.get(next_unit) {
                Some(unit) if unit.range.start <= offset + byte => next_unit as u32,
                _ => NO_UNIT,
            };
            let categories = definitions.lookup_categories(c);
            let mask = categories.iter().fold(0, |m, &cat| m | category_bit(cat));
            self.chars.push(c);
            self.infos.push(CharInfo {
                byte: byte as u32,
                category: categories.first().copied().unwrap_or(CategoryId(0)),
                mask,
                is_space: unit == NO_UNIT && (mask & lexicon.space_mask != 0 || c.is_whitespace()),
                unit,
                word_end: 0,
            });
        }
        while self.infos.last().is_some_and(|info| info.is_space) {
            self.infos.pop();
            self.chars.pop();
        }
        self.end_byte = match (self.infos.last(), self.chars.last()) {
            (Some(info), Some(c)) => info.byte as usize + c.len_utf8(),
            _ => 0,
        };
        // A word ends at whitespace or where a unit starts; a unit where it ends.
        let mut word_end = self.infos.len() as u32;
        let mut next: Option<(bool, u32)> = None;
        for (i, info) in self.infos.iter_mut().enumerate().rev() {
            if next.is_some_and(|(is_space, unit)| is_space || unit != info.unit) {
                word_end = i as u32 + 1;
            }
            info.word_end = word_end;
            next = Some((info.is_space, info.unit));
        }
    }

    /// Finds the user dictionary's words that lie within one whitespace-delimited word.
    fn find_user_matches(&mut self, lexicon: &Lexicon, sentence: &str) {
        self.user_matches.clear();
        let Some(user) = &lexicon.user_dictionary else {
            return;
        };
        let char_at = |byte: usize| -> u32 {
            self.infos
                .partition_point(|info| (info.byte as usize) < byte) as u32
        };
        for found in user.dict.da.find_overlapping_iter(sentence) {
            let (start, end) = (char_at(found.start()), char_at(found.end()));
            let Some(info) = self.infos.get(start as usize) else {
                continue;
            };
            if info.is_space || info.unit != NO_UNIT || end > info.word_end {
                continue;
            }
            let (first, count) = user.dict.decode_val(found.value());
            let from = first as usize * ENTRY_BYTES;
            let to = from + count as usize * ENTRY_BYTES;
            if let Some(bytes) = user.dict.vals_data.get(from..to) {
                for entry in decode_entries(bytes, LexType::User) {
                    self.user_matches.push((start, end, entry));
                }
            }
        }
        // Stable: for one start, matches stay in increasing length.
        self.user_matches.sort_by_key(|&(start, _, _)| start);
    }

    /// Lists the words that can start at `begin`, in MeCab's order of creation: system
    /// dictionary, user dictionary, then unknown words.
    fn collect_candidates(&mut self, lexicon: &Lexicon, begin: usize, user_cursor: usize) {
        self.candidates.clear();
        let info = self.infos[begin];
        let word_end = info.word_end as usize;

        let prefixes = lexicon
            .dictionary
            .prefix_dictionary
            .common_prefix_search(&self.chars[begin..word_end]);
        for (bytes, length) in prefixes {
            let end = (begin + length) as u32;
            let first = self.candidates.len();
            for entry in decode_entries(bytes, LexType::System) {
                // mecab-ko-dic lists some surfaces twice with equal costs: plainly, and as an
                // `Inflect` entry naming another base form (`주` also as `줏/VV`, `하` as
                // `않/VX`). The tie goes to whichever MeCab-ko's build happened to read
                // first (mostly the plain one in the parity data); keep the plain entry.
                let twin = self.candidates[first..]
                    .iter_mut()
                    .find(|c| c.entry.has_costs_of(&entry));
                match twin {
                    Some(twin) => {
                        let mut plain = |word| self.plain.get(word, || lexicon.is_plain(word));
                        if plain(entry.word) && !plain(twin.entry.word) {
                            twin.entry = entry;
                        }
                    }
                    None => self.candidates.push(Candidate {
                        entry,
                        unit: NO_UNIT,
                        end,
                    }),
                }
            }
        }
        for &(start, end, entry) in &self.user_matches[user_cursor..] {
            if start as usize != begin {
                break;
            }
            self.candidates.push(Candidate {
                entry,
                unit: NO_UNIT,
                end,
            });
        }

        let definition = lexicon
            .dictionary
            .character_definition
            .lookup_definition(info.category);
        if !self.candidates.is_empty() && !definition.invoke {
            return;
        }
        let mut group_end = None;
        if definition.group {
            // A run chains over neighbours that share a category; scanning one character
            // past the limit tells a run that is too long, and keeps the scan bounded.
            let mut end = begin + 1;
            let mut previous = info.mask;
            while end < word_end
                && end - begin <= MAX_GROUPING_SIZE + 1
                && self.infos[end].mask & previous != 0
            {
                previous = self.infos[end].mask;
                end += 1;
            }
            if end - begin <= MAX_GROUPING_SIZE + 1 {
                self.push_unknown(lexicon, info.category, end);
            }
            group_end = Some(end);
        }
        // The `LENGTH` ladder: 1, 2, … characters while they share a category with the
        // first; MeCab stops at the grouped run's length rather than repeat it.
        let ladder_top = begin + definition.length as usize;
        for end in begin + 1..=ladder_top {
            if group_end == Some(end) {
                break;
            }
            self.push_unknown(lexicon, info.category, end);
            if end >= word_end || self.infos[end].mask & info.mask == 0 {
                break;
            }
        }
        if self.candidates.is_empty() {
            self.push_unknown(lexicon, info.category, begin + 1);
        }
    }

    fn push_unknown(&mut self, lexicon: &Lexicon, category: CategoryId, end: usize) {
        let unknown = &lexicon.dictionary.unknown_dictionary;
        let Some(ids) = unknown.category_references.get(category.0) else {
            return;
        };
        for &id in ids {
            let Some(known) = unknown.costs.get(id as usize) else {
                continue;
            };
            self.candidates.push(Candidate {
                entry: Entry {
                    word: WordId::new(LexType::Unknown, id),
                    cost: known.word_cost(),
                    left_id: known.left_id() as u16,
                    right_id: known.right_id() as u16,
                },
                unit: NO_UNIT,
                end: end as u32,
            });
        }
    }

    /// The left-space penalty of `entry`'s word. In mecab-ko-dic a word's left context id
    /// settles its first part of speech and so its penalty (a test checks every entry), so
    /// the penalty is read once per context id: a memo by word id was 6 MB per worker and
    /// missed the cache. A user word names its own part of speech and is read itself.
    fn penalty_of(&mut self, lexicon: &Lexicon, entry: &Entry) -> i32 {
        if entry.word.lex_type() == LexType::User {
            return lexicon.penalty(entry.word);
        }
        let id = usize::from(entry.left_id);
        if id >= self.penalty_by_left_id.len() {
            self.penalty_by_left_id.resize(id + 1, None);
        }
        *self.penalty_by_left_id[id].get_or_insert_with(|| lexicon.penalty(entry.word))
    }

    /// Connects the candidates starting at `begin` to the best node ending at `pos`
    /// (before any whitespace), in MeCab's order: candidates last created first, left
    /// nodes most recent first, the first of equal costs winning.
    fn connect(&mut self, lexicon: &Lexicon, pos: usize, begin: usize, penalised: bool) {
        // The nodes ending at `pos`, gathered once into a contiguous list: every candidate
        // scans them all, and chasing the arena's links for each one is slow.
        self.lefts.clear();
        let mut left = self.ends_at[pos];
        while left != NO_NODE {
            let node = &self.nodes[left as usize];
            self.lefts.push(Left {
                cost: node.cost,
                right_id: node.entry.right_id,
                index: left,
            });
            left = node.next_same_end;
        }
        let matrix = &lexicon.dictionary.connection_cost_matrix;
        let generation = self.best_by_left_id.next_generation();
        for i in (0..self.candidates.len()).rev() {
            let Candidate { entry, unit, end } = self.candidates[i];
            let best = self.best_by_left_id.get(entry.left_id, generation, || {
                let row = matrix.row(u32::from(entry.left_id));
                let mut best = (i64::MAX, NO_NODE);
                for left in &self.lefts {
                    let cost = left.cost + connection(row, left.right_id);
                    if cost < best.0 {
                        best = (cost, left.index);
                    }
                }
                best
            });
            let penalty = if penalised && unit == NO_UNIT {
                i64::from(self.penalty_of(lexicon, &entry))
            } else {
                0
            };
            let index = self.nodes.len() as u32;
            self.nodes.push(Node {
                entry,
                unit,
                start: begin as u32,
                end,
                cost: best.0 + i64::from(entry.cost) + penalty,
                prev: best.1,
                next_same_end: self.ends_at[end as usize],
            });
            self.ends_at[end as usize] = index;
        }
    }
}

/// Length in bytes of the sentence that `rest` starts with: up to and including its first
/// line break, or, for a longer line, up to its last whitespace within
/// [`MAX_SENTENCE_BYTES`] (a hard cut at a character boundary if it has none).
fn sentence_len(rest: &str) -> usize {
    let line = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if line <= MAX_SENTENCE_BYTES {
        return line;
    }
    let mut limit = MAX_SENTENCE_BYTES;
    while !rest.is_char_boundary(limit) {
        limit -= 1;
    }
    match rest[..limit].rfind(char::is_whitespace) {
        Some(at) => at + rest[at..].chars().next().map_or(1, char::len_utf8),
        None => limit,
    }
}

/// A connection cost from a row of the matrix; an id outside it (a malformed dictionary)
/// costs nothing rather than panicking.
fn connection(row: &[i16], right_id: u16) -> i64 {
    row.get(usize::from(right_id)).map_or(0, |&c| i64::from(c))
}

#[cfg(all(test, feature = "embed-ko-dic"))]
mod tests {
    use super::*;

    fn embedded() -> Dictionary {
        lindera::dictionary::load_embedded_dictionary(lindera::dictionary::DictionaryKind::KoDic)
            .expect("embedded ko-dic")
    }

    #[test]
    fn lexicon_is_shared_and_lattice_moves_between_threads() {
        fn shared<T: Send + Sync>() {}
        fn movable<T: Send>() {}
        shared::<Lexicon>();
        movable::<Lattice>();
    }

    /// What [`Lattice::penalty_of`] relies on.
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

    #[test]
    fn segments_skip_whitespace_and_cover_every_word() {
        let lexicon = Lexicon::new(embedded(), None, "embedded").expect("lexicon");
        let mut lattice = Lattice::default();
        let mut out = Vec::new();
        let text = "  영화 \t정말\n재밌어요  ";
        lattice
            .segment(&lexicon, text, &[], &mut out)
            .expect("segment");
        let surfaces: String = out.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(surfaces, "영화정말재밌어요");
        assert!(out.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn a_unit_is_one_segment_and_the_words_around_it_read_as_one_sentence() {
        let lexicon = Lexicon::new(embedded(), None, "embedded").expect("lexicon");
        let mut lattice = Lattice::default();
        let text = "진짜 재미없다ㅡㅡ 다시는 안 봐";
        let at = text.find("ㅡㅡ").expect("emoticon");
        let unit = SocialUnit {
            range: at..at + "ㅡㅡ".len(),
            tag: crate::PosTag::Emoticon,
        };
        let mut with_unit = Vec::new();
        lattice
            .segment(&lexicon, text, std::slice::from_ref(&unit), &mut with_unit)
            .expect("segment");
        let mut plain = Vec::new();
        lattice
            .segment(&lexicon, text, &[], &mut plain)
            .expect("segment");

        let unit_segment = with_unit
            .iter()
            .find(|s| s.piece == Piece::Unit(0))
            .expect("unit segment");
        assert_eq!(unit_segment.start..unit_segment.end, unit.range);
        assert!(with_unit
            .iter()
            .all(|s| s.piece == Piece::Unit(0) || s.end <= at || s.start >= unit.range.end));
        // Outside the unit, the same analysis as when MeCab reads `ㅡㅡ` as a Hangul run.
        let outside = |segments: &[Segment]| -> Vec<Segment> {
            segments
                .iter()
                .filter(|s| s.end <= at || s.start >= unit.range.end)
                .copied()
                .collect()
        };
        assert_eq!(outside(&with_unit), outside(&plain));
    }

    #[test]
    fn a_sentence_never_ends_inside_a_unit() {
        let lexicon = Lexicon::new(embedded(), None, "embedded").expect("lexicon");
        let mut lattice = Lattice::default();
        // No whitespace: the sentence limit falls inside the unit, which must stay whole.
        let unit_start = MAX_SENTENCE_BYTES - 4;
        let text = format!("{}{}", "a".repeat(unit_start), "😀".repeat(4));
        let unit = SocialUnit {
            range: unit_start..text.len(),
            tag: crate::PosTag::Emoji,
        };
        let mut out = Vec::new();
        lattice
            .segment(&lexicon, &text, std::slice::from_ref(&unit), &mut out)
            .expect("segment");
        let last = out.last().expect("segments");
        assert_eq!(
            (last.start, last.end, last.piece),
            (unit_start, text.len(), Piece::Unit(0))
        );
    }

    #[test]
    fn sentences_end_at_line_breaks_or_at_whitespace_before_the_limit() {
        assert_eq!(sentence_len("가나\n다라"), "가나\n".len());
        assert_eq!(sentence_len("가나 다라"), "가나 다라".len());
        let spaced = format!("{} {}", "가".repeat(100), "나".repeat(MAX_SENTENCE_BYTES));
        assert_eq!(sentence_len(&spaced), 301);
        // No whitespace at all: a hard cut at the last character boundary within the limit.
        let solid = "가".repeat(MAX_SENTENCE_BYTES);
        assert_eq!(sentence_len(&solid), MAX_SENTENCE_BYTES / 3 * 3);
    }

    #[test]
    fn long_runs_stay_linear_and_bounded() {
        let lexicon = Lexicon::new(embedded(), None, "embedded").expect("lexicon");
        let mut lattice = Lattice::default();
        let mut out = Vec::new();
        let text = "!".repeat(40_000) + &"ㅋ".repeat(40_000);
        lattice
            .segment(&lexicon, &text, &[], &mut out)
            .expect("segment");
        assert_eq!(out.first().map(|s| s.start), Some(0));
        assert_eq!(out.last().map(|s| s.end), Some(text.len()));
        assert!(out.windows(2).all(|w| w[0].end == w[1].start));
    }
}
