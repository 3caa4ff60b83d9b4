//! Evidence terms, the one structured value nunchi writes: the JSON form (JSON Lines, and
//! one CSV/TSV cell), the Parquet form (a list of structs), and reading either back.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, UInt32Type};
use arrow_array::{Array, ArrayRef};
use arrow_schema::{DataType, Field, Fields};
use serde::{Deserialize, Serialize};

use crate::added::write_json_number;
use crate::columns::{Column, ColumnKind};
use crate::jsonl::write_key;
use crate::rejects::Rejection;
use crate::row::{Row, RowData, Value};
use crate::table::Schema;

/// One term of a prediction's evidence: what contributed, how much, and where it is in
/// the post as a character span (Unicode scalar values, `start..end`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceTerm {
    /// The term (`안+열리/VV`, `lexicon:최고/NNG`).
    pub term: String,
    /// Signed contribution: toward positive (> 0) or negative (< 0).
    pub weight: f32,
    /// First character of the span.
    pub start: u32,
    /// Character after the span.
    pub end: u32,
}

/// Writes terms as a JSON array, weights rounded to 4 decimals.
pub(crate) fn write_json(out: &mut Vec<u8>, terms: &[EvidenceTerm]) {
    out.push(b'[');
    for (i, term) in terms.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'{');
        write_key(out, "term");
        // Serialising a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, &term.term);
        out.push(b',');
        write_key(out, "weight");
        write_json_number(out, term.weight);
        out.extend_from_slice(
            format!(",\"start\":{},\"end\":{}}}", term.start, term.end).as_bytes(),
        );
    }
    out.push(b']');
}

/// The fields of a term in Parquet.
pub(crate) fn arrow_fields() -> Fields {
    Fields::from(vec![
        Field::new("term", DataType::Utf8, false),
        Field::new("weight", DataType::Float32, false),
        Field::new("start", DataType::UInt32, false),
        Field::new("end", DataType::UInt32, false),
    ])
}

/// The list field's element.
pub(crate) fn arrow_item() -> Arc<Field> {
    Arc::new(Field::new("item", DataType::Struct(arrow_fields()), true))
}

/// The Parquet type of an evidence column.
pub(crate) fn arrow_type() -> DataType {
    DataType::List(arrow_item())
}

/// Terms from a list-of-structs cell, whatever its integer and float widths.
fn from_arrow(list: &dyn Array, index: usize) -> Result<Vec<EvidenceTerm>, String> {
    let items = match list.data_type() {
        DataType::List(_) => list.as_list::<i32>().value(index),
        DataType::LargeList(_) => list.as_list::<i64>().value(index),
        other => return Err(format!("evidence holds {other}, not a list of terms")),
    };
    let Some(terms) = items.as_struct_opt() else {
        return Err(format!(
            "evidence holds a list of {}, not of terms",
            items.data_type()
        ));
    };
    let column = |name: &str, to: &DataType| -> Result<ArrayRef, String> {
        let column = terms
            .column_by_name(name)
            .ok_or_else(|| format!("evidence terms have no {name:?} field"))?;
        arrow_cast::cast(column, to).map_err(|e| format!("evidence field {name:?}: {e}"))
    };
    let (term, weight) = (
        column("term", &DataType::Utf8)?,
        column("weight", &DataType::Float32)?,
    );
    let (start, end) = (
        column("start", &DataType::UInt32)?,
        column("end", &DataType::UInt32)?,
    );
    let (term, weight) = (
        term.as_string::<i32>(),
        weight.as_primitive::<Float32Type>(),
    );
    let (start, end) = (
        start.as_primitive::<UInt32Type>(),
        end.as_primitive::<UInt32Type>(),
    );
    Ok((0..terms.len())
        .filter(|&i| terms.is_valid(i))
        .map(|i| EvidenceTerm {
            term: term.value(i).to_owned(),
            weight: weight.value(i),
            start: start.value(i),
            end: end.value(i),
        })
        .collect())
}

impl Schema {
    /// The evidence terms of a checked row, as `nunchi classify --explain` wrote them in any
    /// format; none when the cell is empty or missing.
    ///
    /// # Errors
    ///
    /// A rejection when the cell is not evidence (not a JSON array of terms).
    pub fn evidence(&self, row: &Row, column: &Column) -> Result<Vec<EvidenceTerm>, Rejection> {
        if let (RowData::Arrow(arrow), ColumnKind::Arrow(path)) = (&row.data, &column.kind) {
            return match arrow.array(path) {
                Some(array) if array.is_valid(arrow.index) => {
                    from_arrow(array.as_ref(), arrow.index)
                        .map_err(|reason| self.reject(row, reason))
                }
                _ => Ok(Vec::new()),
            };
        }
        match self.value(row, column)? {
            Value::Missing => Ok(Vec::new()),
            Value::Text(text) | Value::Other(text) if text.trim().is_empty() => Ok(Vec::new()),
            Value::Text(json) | Value::Other(json) => serde_json::from_str(&json).map_err(|e| {
                self.reject(
                    row,
                    format!(
                        "{} is not a JSON array of evidence terms ({e}); older builds of nunchi \
                         wrote `term +0.82; ...`: classify the posts again",
                        column.name
                    ),
                )
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_round_trips() {
        let terms = vec![
            EvidenceTerm {
                term: "안+열리/VV".into(),
                weight: -0.354_321,
                start: 22,
                end: 26,
            },
            EvidenceTerm {
                term: "\"quoted\"".into(),
                weight: 0.5,
                start: 0,
                end: 8,
            },
        ];
        let mut out = Vec::new();
        write_json(&mut out, &terms);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            r#"[{"term":"안+열리/VV","weight":-0.3543,"start":22,"end":26},{"term":"\"quoted\"","weight":0.5,"start":0,"end":8}]"#
        );
        let back: Vec<EvidenceTerm> = serde_json::from_str(&text).unwrap();
        assert_eq!(back[0].term, terms[0].term);
        assert_eq!(back[1], terms[1]);
    }
}
