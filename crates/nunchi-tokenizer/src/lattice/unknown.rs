//! MeCab's unknown-word rules: which unknown words start at a position, from the `char.def`
//! category of its character.
//!
//! Only the first character's default category is used; a grouped run chains over
//! characters that share a category (at most [`MAX_GROUPING_SIZE`] characters beyond the
//! first), and the `LENGTH` ladder stops at the first character that shares no category
//! with the first one.

use lindera_dictionary::dictionary::character_definition::CategoryId;

use super::dictionary::{Entry, Lexicon};
use super::sentence::Sentence;

/// MeCab's `max-grouping-size` default: a grouped unknown word spans at most this many
/// characters beyond its first.
const MAX_GROUPING_SIZE: usize = 24;

/// Gives `emit` each unknown word that starts at char `begin`, as its entry and end char,
/// in MeCab's order. `has_known` tells whether a dictionary word starts there: then only a
/// category that `char.def` marks `INVOKE` makes unknown words.
#[inline]
pub(super) fn unknown_words(
    lexicon: &Lexicon,
    sentence: &Sentence,
    begin: usize,
    has_known: bool,
    mut emit: impl FnMut(Entry, usize),
) {
    let info = sentence.info(begin);
    let definition = lexicon.definition(info.category);
    if has_known && !definition.invoke {
        return;
    }
    let word_end = info.word_end as usize;
    // Whether any unknown word was given.
    let mut emitted = false;
    let mut push = |end: usize| emit_entries(lexicon, info.category, end, &mut emit);
    let mut group_end = None;
    if definition.group {
        // A run chains over neighbours that share a category; scanning one character past
        // the limit tells a run that is too long, and keeps the scan bounded.
        let mut end = begin + 1;
        let mut previous = info.mask;
        while end < word_end
            && end - begin <= MAX_GROUPING_SIZE + 1
            && sentence.info(end).mask & previous != 0
        {
            previous = sentence.info(end).mask;
            end += 1;
        }
        if end - begin <= MAX_GROUPING_SIZE + 1 {
            emitted |= push(end);
        }
        group_end = Some(end);
    }
    // The `LENGTH` ladder: 1, 2, … characters while they share a category with the first;
    // MeCab stops at the grouped run's length rather than repeat it.
    let ladder_top = begin + definition.length as usize;
    for end in begin + 1..=ladder_top {
        if group_end == Some(end) {
            break;
        }
        emitted |= push(end);
        if end >= word_end || sentence.info(end).mask & info.mask == 0 {
            break;
        }
    }
    if !has_known && !emitted {
        push(begin + 1);
    }
}

/// Gives `emit` each unknown-word entry of `category`, ending at char `end`; whether there
/// was any.
#[inline]
fn emit_entries(
    lexicon: &Lexicon,
    category: CategoryId,
    end: usize,
    emit: &mut impl FnMut(Entry, usize),
) -> bool {
    let mut any = false;
    for entry in lexicon.unknown_entries(category) {
        emit(entry, end);
        any = true;
    }
    any
}
