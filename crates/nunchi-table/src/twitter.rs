//! Twitter's JSON shapes, recognised row by row when no column is named: API v2 (`data`,
//! with `includes` for retweeted tweets and users) and v1.1 (`full_text` before `text`,
//! `extended_tweet`, `retweeted_status`, `user`). Rows of neither shape fall back to plain
//! top-level names (`text`, `created_at`, ...).

use serde_json::value::RawValue;

use crate::jsonl::{elements, value_of, JsonRecord};
use crate::row::Value;

/// A field found by Twitter's shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TwitterField {
    /// The tweet's full text (of the retweeted tweet, for a retweet).
    Text,
    /// `created_at`.
    Time,
    /// The author's screen name or username.
    Author,
}

impl TwitterField {
    /// The field's name, as messages and pass-through columns give it.
    pub fn name(self) -> &'static str {
        match self {
            TwitterField::Text => "text",
            TwitterField::Time => "created_at",
            TwitterField::Author => "author",
        }
    }
}

/// v1.1 places of a tweet's text, longest first.
const V1_TEXT: [&[&str]; 3] = [&["extended_tweet", "full_text"], &["full_text"], &["text"]];
/// v2 places of a tweet's text, longest first.
const V2_TEXT: [&[&str]; 2] = [&["note_tweet", "text"], &["text"]];

/// `field` of `record`; `guesses` are the top-level names tried for rows of neither shape.
pub(crate) fn find<'r>(record: &'r JsonRecord, field: TwitterField, guesses: &[&str]) -> Value<'r> {
    let found = match record.lookup(&["data"]).filter(|data| is_object(data)) {
        Some(data) => v2(record, data, field),
        None => v1(record, field),
    };
    found
        .or_else(|| {
            guesses
                .iter()
                .find_map(|name| present(record.lookup(&[name])))
        })
        .unwrap_or(Value::Missing)
}

fn v2<'r>(record: &'r JsonRecord, data: &'r RawValue, field: TwitterField) -> Option<Value<'r>> {
    match field {
        TwitterField::Text => {
            let retweeted = retweeted_id(data).and_then(|id| included(record, "tweets", "id", &id));
            let tweet = retweeted.unwrap_or(data);
            first_present(tweet, &V2_TEXT)
        }
        TwitterField::Time => first_present(data, &[&["created_at"]]),
        TwitterField::Author => {
            let author = text_of(path(data, &["author_id"]))?;
            let user = included(record, "users", "id", &author)?;
            first_present(user, &[&["username"]])
        }
    }
}

fn v1<'r>(record: &'r JsonRecord, field: TwitterField) -> Option<Value<'r>> {
    match field {
        TwitterField::Text => match record
            .lookup(&["retweeted_status"])
            .filter(|r| is_object(r))
        {
            Some(retweeted) => first_present(retweeted, &V1_TEXT),
            None => V1_TEXT.iter().find_map(|p| present(record.lookup(p))),
        },
        TwitterField::Time => None,
        TwitterField::Author => present(record.lookup(&["user", "screen_name"])),
    }
}

/// The id of the tweet a v2 tweet retweets (`referenced_tweets` of type `retweeted`).
fn retweeted_id(data: &RawValue) -> Option<String> {
    let references = elements(path(data, &["referenced_tweets"])?)?;
    references.into_iter().find_map(|reference| {
        let kind = text_of(path(reference, &["type"]))?;
        (kind == "retweeted").then(|| text_of(path(reference, &["id"])))?
    })
}

/// The element of `includes.<list>` whose `key` is `id`.
fn included<'r>(record: &'r JsonRecord, list: &str, key: &str, id: &str) -> Option<&'r RawValue> {
    let items = elements(record.lookup(&["includes", list])?)?;
    items
        .into_iter()
        .find(|item| text_of(path(item, &[key])).as_deref() == Some(id))
}

fn path<'a>(value: &'a RawValue, steps: &[&str]) -> Option<&'a RawValue> {
    steps
        .iter()
        .try_fold(value, |value, step| crate::jsonl::child(value, step))
}

fn first_present<'a>(value: &'a RawValue, paths: &[&[&str]]) -> Option<Value<'a>> {
    paths.iter().find_map(|steps| present(path(value, steps)))
}

fn present(raw: Option<&RawValue>) -> Option<Value<'_>> {
    raw.map(value_of).filter(|value| *value != Value::Missing)
}

/// A string or number value as text (ids are either).
fn text_of(raw: Option<&RawValue>) -> Option<String> {
    present(raw).and_then(|value| value.as_text().map(str::to_owned))
}

fn is_object(value: &RawValue) -> bool {
    value.get().starts_with('{')
}
