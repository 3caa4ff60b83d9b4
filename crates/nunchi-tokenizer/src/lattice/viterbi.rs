//! The Viterbi search over one sentence, as MeCab-ko runs it: whitespace is skipped, the
//! word after it pays its left-space penalty, and of equal-cost paths the one met first
//! wins.

use lindera_dictionary::viterbi::WordId;

use super::candidates::{Candidate, Candidates};
use super::dictionary::{connection, Entry, Lexicon, PenaltyMemo};
use super::sentence::{Sentence, NO_UNIT};

const NO_NODE: u32 = u32::MAX;

/// One segment of the best path: a byte range of the text given to
/// [`Lattice::segment`](super::Lattice::segment) and what lies there.
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
    /// The social unit of this index in the units given to
    /// [`Lattice::segment`](super::Lattice::segment).
    Unit(usize),
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

/// Per-worker scratch of the Viterbi search, reused from sentence to sentence.
#[derive(Debug, Default)]
pub(super) struct Viterbi {
    nodes: Vec<Node>,
    /// Per char position, the most recent node ending there (`NO_NODE` if none).
    ends_at: Vec<u32>,
    lefts: Vec<Left>,
    path: Vec<u32>,
    penalties: PenaltyMemo,
    best_by_left_id: BestLeftCache,
}

crate::buffers::reusable_fields!(Viterbi {
    nodes,
    ends_at,
    lefts,
    path,
});

impl Viterbi {
    /// Builds the lattice of `sentence` (not empty) and finds its best path; `false` if
    /// there is none (a malformed dictionary). `candidates` must hold the sentence's user
    /// dictionary matches.
    pub(super) fn search(
        &mut self,
        lexicon: &Lexicon,
        sentence: &Sentence,
        candidates: &mut Candidates,
    ) -> bool {
        let n = sentence.len();
        self.nodes.clear();
        self.ends_at.clear();
        self.ends_at.resize(n + 1, NO_NODE);
        // BOS: context id 0 on its right.
        self.nodes.push(Node {
            entry: Entry::boundary(),
            unit: NO_UNIT,
            start: 0,
            end: 0,
            cost: 0,
            prev: NO_NODE,
            next_same_end: NO_NODE,
        });
        self.ends_at[0] = 0;

        for pos in 0..n {
            if self.ends_at[pos] == NO_NODE {
                continue;
            }
            let mut begin = pos;
            while begin < n && sentence.info(begin).is_space {
                begin += 1;
            }
            if begin == n {
                continue;
            }
            let starting = candidates.collect(lexicon, sentence, begin);
            let penalised = begin > pos;
            self.connect(lexicon, starting, pos, begin, penalised);
        }
        self.finish(lexicon, n)
    }

    /// Connects EOS (context id 0 on its left) to the best node ending at `n` and traces
    /// the best path back from it; `false` if no node ends there.
    fn finish(&mut self, lexicon: &Lexicon, n: usize) -> bool {
        let mut best = (i64::MAX, NO_NODE);
        let eos_row = lexicon.connection_row(0);
        let mut left = self.ends_at[n];
        while left != NO_NODE {
            let node = &self.nodes[left as usize];
            let cost = node.cost + connection(eos_row, node.entry.right_id);
            if cost < best.0 {
                best = (cost, left);
            }
            left = node.next_same_end;
        }
        self.path.clear();
        let mut at = best.1;
        while at != 0 && at != NO_NODE {
            self.path.push(at);
            at = self.nodes[at as usize].prev;
        }
        best.1 != NO_NODE
    }

    /// Appends the best path's pieces to `out` in text order. The sentence starts at byte
    /// `offset` of the text, and its first social unit is the text's unit `first_unit`.
    pub(super) fn push_path(
        &self,
        sentence: &Sentence,
        offset: usize,
        first_unit: usize,
        out: &mut Vec<Segment>,
    ) {
        for &index in self.path.iter().rev() {
            let node = &self.nodes[index as usize];
            out.push(Segment {
                start: offset + sentence.byte(node.start),
                end: offset + sentence.byte(node.end),
                piece: if node.unit == NO_UNIT {
                    Piece::Word(node.entry.word)
                } else {
                    Piece::Unit(first_unit + node.unit as usize)
                },
            });
        }
    }

    /// Connects the candidates starting at `begin` to the best node ending at `pos`
    /// (before any whitespace), in MeCab's order: candidates last created first, left
    /// nodes most recent first, the first of equal costs winning.
    fn connect(
        &mut self,
        lexicon: &Lexicon,
        candidates: &[Candidate],
        pos: usize,
        begin: usize,
        penalised: bool,
    ) {
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
        let generation = self.best_by_left_id.next_generation();
        for &Candidate { entry, unit, end } in candidates.iter().rev() {
            let best = self.best_by_left_id.get(entry.left_id, generation, || {
                let row = lexicon.connection_row(entry.left_id);
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
                i64::from(self.penalties.get(lexicon, &entry))
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
