//! JSON Lines: one object per line, kept as its text and looked into by path only when a
//! column is read (so that whatever is not read is carried to the output untouched, byte
//! for byte). A Twitter API v2 page, `{"data": [tweet, ...], "includes": ...}`, is one row
//! per tweet: the page's object with `data` replaced by that tweet.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::ops::Range;
use std::sync::Arc;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::delimited::Stream;
use crate::lines::{Line, LineReader};
use crate::row::{Position, Row, RowData, Value};

/// A JSON object of a row.
#[derive(Debug, Clone)]
pub(crate) struct JsonRecord {
    /// The line's text (shared by the tweets of a page).
    text: Arc<str>,
    shape: Shape,
}

#[derive(Debug, Clone)]
enum Shape {
    /// The whole line is the row's object.
    Object,
    /// One tweet of a v2 page: its range in the line, and the page's other entries (key,
    /// range of the value), which the row carries too.
    PageTweet {
        tweet: Range<usize>,
        others: Arc<[(String, Range<usize>)]>,
    },
}

impl JsonRecord {
    /// Bytes held: the line, or a page's share of it.
    pub fn held_bytes(&self) -> usize {
        match &self.shape {
            Shape::Object => self.text.len(),
            Shape::PageTweet { tweet, .. } => tweet.len(),
        }
    }

    /// The value at `path` (keys, or array indices as digits), `None` if absent.
    pub fn lookup<'a, S: AsRef<str>>(&'a self, path: &[S]) -> Option<&'a RawValue> {
        let (first, rest) = path.split_first()?;
        let first = first.as_ref();
        let start = match &self.shape {
            Shape::Object => field(&self.text, first)?,
            Shape::PageTweet { tweet, others } => {
                let range = if first == "data" {
                    tweet.clone()
                } else {
                    others.iter().find(|(key, _)| key == first)?.1.clone()
                };
                raw(&self.text[range])?
            }
        };
        rest.iter()
            .try_fold(start, |value, step| child(value, step.as_ref()))
    }

    /// Whether the row's object has the top-level key `key`.
    pub fn has_key(&self, key: &str) -> bool {
        self.lookup(&[key]).is_some()
    }

    /// Writes the row's object, leaving out its closing brace (so that entries can follow),
    /// and says whether it has entries already (so that a comma is needed).
    pub fn write_open_object(&self, out: &mut Vec<u8>) -> bool {
        match &self.shape {
            Shape::Object => {
                let text = self.text.trim_end();
                let open = text.strip_suffix('}').unwrap_or(text);
                out.extend_from_slice(open.as_bytes());
                open.trim_end().len() > 1
            }
            Shape::PageTweet { tweet, others } => {
                out.extend_from_slice(b"{\"data\":");
                out.extend_from_slice(self.text[tweet.clone()].as_bytes());
                for (key, range) in others.iter() {
                    out.push(b',');
                    write_key(out, key);
                    out.extend_from_slice(self.text[range.clone()].as_bytes());
                }
                true
            }
        }
    }

    /// The row's whole object as JSON text.
    pub fn object_text(&self) -> Cow<'_, str> {
        match &self.shape {
            Shape::Object => Cow::Borrowed(self.text.trim()),
            Shape::PageTweet { .. } => {
                let mut out = Vec::new();
                self.write_open_object(&mut out);
                out.push(b'}');
                Cow::Owned(String::from_utf8_lossy(&out).into_owned())
            }
        }
    }
}

/// `"key":`, JSON-encoded.
pub(crate) fn write_key(out: &mut Vec<u8>, key: &str) {
    // Serialising a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, key);
    out.push(b':');
}

/// A JSON value as a [`Value`]: a string as text, `null` as missing, anything else as its
/// JSON text.
pub(crate) fn value_of(raw: &RawValue) -> Value<'_> {
    let text = raw.get();
    if text.starts_with('"') {
        match serde_json::from_str::<StrValue<'_>>(text) {
            Ok(StrValue(string)) => Value::Text(string),
            Err(_) => Value::Other(Cow::Borrowed(text)),
        }
    } else if text == "null" {
        Value::Missing
    } else {
        Value::Other(Cow::Borrowed(text))
    }
}

/// Parses `text` as a JSON value borrowed from it.
fn raw(text: &str) -> Option<&RawValue> {
    serde_json::from_str(text).ok()
}

/// The value of `key` in the object `object` (its first occurrence), `None` if `object`
/// is not an object or lacks the key.
fn field<'a>(object: &'a str, key: &str) -> Option<&'a RawValue> {
    let mut deserializer = serde_json::Deserializer::from_str(object);
    FindKey(key).deserialize(&mut deserializer).ok().flatten()
}

/// One step of a path: a key of an object, or an index (digits) of an array.
pub(crate) fn child<'a>(value: &'a RawValue, step: &str) -> Option<&'a RawValue> {
    let text = value.get();
    if text.starts_with('[') {
        let index: usize = step.parse().ok()?;
        return elements(value)?.get(index).copied();
    }
    field(text, step)
}

/// The elements of an array, `None` if `value` is not one.
pub(crate) fn elements(value: &RawValue) -> Option<Vec<&RawValue>> {
    serde_json::from_str(value.get()).ok()
}

/// A string borrowed from the JSON text when it holds no escapes.
struct StrValue<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for StrValue<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(StrVisitor).map(StrValue)
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_owned()))
    }
}

/// Finds one key of an object, skipping the rest without building anything.
struct FindKey<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for FindKey<'_> {
    type Value = Option<&'de RawValue>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FindKey<'_> {
    type Value = Option<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(StrValue(key)) = map.next_key::<StrValue<'de>>()? {
            if found.is_none() && key == self.0 {
                found = Some(map.next_value::<&'de RawValue>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// An object's entries, borrowed from its text; checks that the whole text is one object.
struct Entries<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EntriesVisitor)
    }
}

struct EntriesVisitor;

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = Entries<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(StrValue(key)) = map.next_key::<StrValue<'de>>()? {
            entries.push((key, map.next_value::<&'de RawValue>()?));
        }
        Ok(Entries(entries))
    }
}

/// Reads JSON Lines rows: each line parsed (which checks it), a v2 page split into tweets.
pub(crate) struct JsonlReader {
    lines: LineReader<Stream>,
    /// Tweets of a page not yet handed out.
    pending: VecDeque<Row>,
    max_line_bytes: usize,
}

impl JsonlReader {
    /// Rows of `input`, lines of at most `max_line_bytes`.
    pub fn new(input: Stream, max_line_bytes: usize) -> Self {
        JsonlReader {
            lines: LineReader::new(input, max_line_bytes),
            pending: VecDeque::new(),
            max_line_bytes,
        }
    }

    /// The next row, or `None` at the end of the input.
    ///
    /// # Errors
    ///
    /// Reading the input failed.
    pub fn read(&mut self) -> io::Result<Option<Row>> {
        self.peek()?;
        Ok(self.pending.pop_front())
    }

    /// The next row without taking it.
    ///
    /// # Errors
    ///
    /// Reading the input failed.
    pub fn peek(&mut self) -> io::Result<Option<&Row>> {
        while self.pending.is_empty() {
            let Some(line) = self.lines.read()? else {
                return Ok(None);
            };
            self.pending = self.rows_of(line);
        }
        Ok(self.pending.front())
    }

    /// The rows one line makes: one, a page's tweets (none for an empty page), or one
    /// unreadable row.
    fn rows_of(&self, line: Line) -> VecDeque<Row> {
        let position = Position::Line(line.number);
        let unreadable = |reason: String, raw: Vec<u8>| {
            VecDeque::from([Row {
                position,
                data: RowData::Unreadable { reason, raw },
            }])
        };
        if let Some(length) = line.too_long {
            let reason = format!(
                "the line is {length} bytes long, more than --max-line-bytes ({} bytes)",
                self.max_line_bytes
            );
            return unreadable(reason, line.bytes);
        }
        let text = match String::from_utf8(line.bytes) {
            Ok(text) => text,
            Err(e) => {
                let reason = format!(
                    "the line is not valid UTF-8 (bad byte at offset {})",
                    e.utf8_error().valid_up_to()
                );
                return unreadable(reason, e.into_bytes());
            }
        };
        let text: Arc<str> = Arc::from(text.trim());
        match page_of(&text) {
            Err(reason) => unreadable(reason, text.as_bytes().to_vec()),
            Ok(None) => VecDeque::from([Row {
                position,
                data: RowData::Json(JsonRecord {
                    text,
                    shape: Shape::Object,
                }),
            }]),
            Ok(Some(page)) => page_rows(&text, page, line.number),
        }
    }
}

/// A v2 page's parts: the tweets' ranges and the other entries.
struct Page {
    tweets: Vec<Range<usize>>,
    others: Vec<(String, Range<usize>)>,
}

/// Checks that `text` is one JSON object and, if its `data` is an array, splits it.
fn page_of(text: &str) -> Result<Option<Page>, String> {
    let Entries(entries) = serde_json::from_str::<Entries<'_>>(text)
        .map_err(|e| format!("the line is not a JSON object: {e}"))?;
    let is_data_array =
        |(key, value): &(Cow<'_, str>, &RawValue)| key == "data" && value.get().starts_with('[');
    let Some((_, data)) = entries.iter().find(|entry| is_data_array(entry)) else {
        return Ok(None);
    };
    let tweets = elements(data)
        .ok_or("the line's data is not an array")?
        .into_iter()
        .enumerate()
        .map(|(i, tweet)| match tweet.get().starts_with('{') {
            true => Ok(range_in(text, tweet)),
            false => Err(format!("data[{i}] of the page is not a JSON object")),
        })
        .collect::<Result<Vec<_>, String>>()?;
    let others = entries
        .iter()
        .filter(|entry| !is_data_array(entry))
        .map(|(key, value)| (key.clone().into_owned(), range_in(text, value)))
        .collect();
    Ok(Some(Page { tweets, others }))
}

/// Where a value borrowed from `text` lies in it.
fn range_in(text: &str, value: &RawValue) -> Range<usize> {
    let start = value.get().as_ptr() as usize - text.as_ptr() as usize;
    start..start + value.get().len()
}

fn page_rows(text: &Arc<str>, page: Page, line: u64) -> VecDeque<Row> {
    let others: Arc<[(String, Range<usize>)]> = page.others.into();
    page.tweets
        .into_iter()
        .enumerate()
        .map(|(i, tweet)| Row {
            position: Position::Tweet {
                line,
                index: i as u64 + 1,
            },
            data: RowData::Json(JsonRecord {
                text: Arc::clone(text),
                shape: Shape::PageTweet {
                    tweet,
                    others: Arc::clone(&others),
                },
            }),
        })
        .collect()
}

/// The top-level keys of an object's text (for the first row's columns).
pub(crate) fn keys(record: &JsonRecord) -> Vec<String> {
    let text = record.object_text();
    match serde_json::from_str::<Entries<'_>>(&text) {
        Ok(Entries(entries)) => entries.into_iter().map(|(k, _)| k.into_owned()).collect(),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn rows(input: &str) -> Vec<Row> {
        let mut reader = JsonlReader::new(Box::new(Cursor::new(input.as_bytes().to_vec())), 10_000);
        let mut rows = Vec::new();
        while let Some(row) = reader.read().unwrap() {
            rows.push(row);
        }
        rows
    }

    fn json(row: &Row) -> &JsonRecord {
        match &row.data {
            RowData::Json(record) => record,
            other => panic!("not a JSON row: {other:?}"),
        }
    }

    fn text_at<'a>(record: &'a JsonRecord, path: &str) -> Value<'a> {
        let path: Vec<&str> = path.split('.').collect();
        record.lookup(&path).map_or(Value::Missing, value_of)
    }

    #[test]
    fn paths_reach_nested_values_and_array_elements() {
        let rows = rows(
            r#"{"id": 7, "user": {"screen_name": "leeyu"}, "text": "배송 \"빨라요\"", "tags": ["a", "b"], "gone": null}"#,
        );
        let record = json(&rows[0]);
        assert_eq!(
            text_at(record, "user.screen_name"),
            Value::Text("leeyu".into())
        );
        assert_eq!(
            text_at(record, "text"),
            Value::Text("배송 \"빨라요\"".into())
        );
        assert_eq!(text_at(record, "id"), Value::Other("7".into()));
        assert_eq!(text_at(record, "tags.1"), Value::Text("b".into()));
        assert_eq!(text_at(record, "gone"), Value::Missing);
        assert_eq!(text_at(record, "user.id"), Value::Missing);
        assert_eq!(text_at(record, "text.deeper"), Value::Missing);
        assert!(record.has_key("tags") && !record.has_key("label"));
    }

    #[test]
    fn a_v2_page_is_one_row_per_tweet_carrying_the_page() {
        let page = r#"{"data": [{"id": "1", "text": "하나"}, {"id": "2", "text": "둘"}], "includes": {"users": []}, "meta": {"result_count": 2}}"#;
        let rows = rows(&format!("{page}\n{{\"data\": []}}\n{{\"text\": \"셋\"}}\n"));
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].position, Position::Tweet { line: 1, index: 2 });
        assert_eq!(
            text_at(json(&rows[1]), "data.text"),
            Value::Text("둘".into())
        );
        assert_eq!(
            text_at(json(&rows[1]), "meta.result_count"),
            Value::Other("2".into())
        );
        let object: serde_json::Value =
            serde_json::from_str(&json(&rows[0]).object_text()).unwrap();
        assert_eq!(
            object,
            serde_json::json!({"data": {"id": "1", "text": "하나"}, "includes": {"users": []}, "meta": {"result_count": 2}})
        );
        assert_eq!(rows[2].position, Position::Line(3));
    }

    #[test]
    fn objects_reopen_for_more_entries() {
        let rows = rows("{\"a\": 1}\n{ }\n");
        let mut out = Vec::new();
        assert!(json(&rows[0]).write_open_object(&mut out));
        assert_eq!(out, b"{\"a\": 1");
        out.clear();
        assert!(!json(&rows[1]).write_open_object(&mut out));
    }

    #[test]
    fn lines_that_are_not_objects_are_unreadable_rows() {
        let rows = rows("[1, 2]\n{\"a\": \n\"\\xff\"\n{\"ok\": 1} trailing\n");
        assert_eq!(rows.len(), 4);
        for row in &rows {
            assert!(matches!(row.data, RowData::Unreadable { .. }), "{row:?}");
        }
    }
}
