//! Counting how often each feature index repeats within a post.

use nunchi_tokenizer::buffers::{Reusable, KEPT_BYTES};

use super::Occurrence;

/// Counts how often each index repeats within a post: an open-addressing table reused from
/// post to post (a generation number marks the live slots, so it is never cleared). Linear
/// time, where sorting the indices would dominate the cost of scoring.
#[derive(Debug, Default)]
pub(super) struct RepeatCounter {
    /// (index, generation, count) per slot.
    slots: Vec<(u32, u32, u32)>,
    generation: u32,
    /// Slot of each occurrence.
    slot_of: Vec<u32>,
}

impl RepeatCounter {
    /// Counts the repeats of the occurrences' indices; returns the number of distinct ones.
    pub fn count(&mut self, occurrences: &[Occurrence]) -> usize {
        let wanted = (occurrences.len() * 2).next_power_of_two().max(64);
        self.generation = self.generation.wrapping_add(1);
        if self.slots.len() < wanted || self.generation == 0 {
            self.slots = vec![(0, 0, 0); wanted];
            self.generation = 1;
        }
        let mask = self.slots.len() - 1;
        self.slot_of.clear();
        let mut distinct = 0;
        for o in occurrences {
            let mut at = (o.index.wrapping_mul(0x9e37_79b1) >> 7) as usize & mask;
            loop {
                let slot = &mut self.slots[at];
                if slot.1 != self.generation {
                    *slot = (o.index, self.generation, 1);
                    distinct += 1;
                    break;
                }
                if slot.0 == o.index {
                    slot.2 += 1;
                    break;
                }
                at = (at + 1) & mask;
            }
            self.slot_of.push(at as u32);
        }
        distinct
    }

    /// How often each occurrence's index occurs, in occurrence order.
    pub fn of_each(&self) -> impl Iterator<Item = u32> + '_ {
        self.slot_of.iter().map(|&at| self.slots[at as usize].2)
    }
}

impl Reusable for RepeatCounter {
    fn retained_bytes(&self) -> usize {
        self.slots.retained_bytes() + self.slot_of.retained_bytes()
    }

    /// The table is never cleared between posts (generations mark its live slots): one that
    /// a long post grew is dropped whole, and the next post makes one of its own size.
    fn trim(&mut self) {
        if self.slots.retained_bytes() > KEPT_BYTES {
            self.slots = Vec::new();
        }
        self.slot_of.trim();
    }
}
