//! The columns a command adds after the input's: their names and types, and their values
//! for one row.

use crate::evidence::EvidenceTerm;

/// A column added after the input's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedColumn {
    /// Its name (a JSON key in JSON Lines).
    pub name: String,
    /// What it holds.
    pub kind: AddedKind,
}

impl AddedColumn {
    /// A column named `name` holding `kind`.
    pub fn new(name: impl Into<String>, kind: AddedKind) -> Self {
        AddedColumn {
            name: name.into(),
            kind,
        }
    }
}

/// The type of an added column, which fixes how each format writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AddedKind {
    /// Text (Parquet `Utf8`), or missing (empty in CSV, `null` in JSON and Parquet).
    Text,
    /// A number: 4 decimals in CSV/TSV, rounded to 4 decimals in JSON, `Float32` in
    /// Parquet.
    Number,
    /// Evidence terms: a JSON array of `{"term", "weight", "start", "end"}` objects in
    /// CSV/TSV (one cell) and JSON Lines, `List<Struct<term: Utf8, weight: Float32,
    /// start: UInt32, end: UInt32>>` in Parquet. See [`EvidenceTerm`].
    Evidence,
}

/// One row's value of an added column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Added<'a> {
    /// Text, for a [`AddedKind::Text`] column.
    Text(&'a str),
    /// No value, for a [`AddedKind::Text`] column.
    Missing,
    /// A number, for a [`AddedKind::Number`] column.
    Number(f32),
    /// Evidence terms, for a [`AddedKind::Evidence`] column.
    Evidence(&'a [EvidenceTerm]),
}

/// A number as JSON, rounded to 4 decimals like the CSV rendering (`null` if not finite).
pub fn rounded(number: f32) -> serde_json::Value {
    let value = (f64::from(number) * 10_000.0).round() / 10_000.0;
    serde_json::Number::from_f64(value).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// Writes a number as [`rounded`] JSON.
pub(crate) fn write_json_number(out: &mut Vec<u8>, number: f32) {
    // Serialising a JSON value into a Vec cannot fail.
    let _ = serde_json::to_writer(out, &rounded(number));
}
