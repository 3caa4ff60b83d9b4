//! Labeled data (for training and evaluation): the text and label of every row, whatever
//! the table's format, rows that cannot be read handed over with the reason.

use crate::columns::{ColumnSpec, Role};
use crate::error::Error;
use crate::quotes::QuoteHint;
use crate::rejects::Rejection;
use crate::row::{Position, Value};
use crate::table::Table;

/// The text and label of one row, or why it cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct LabeledRow<'r> {
    /// Where the row is.
    pub position: Position,
    /// The text and the label as read ([`Value::Missing`] when absent), or the rejection.
    pub cells: Result<(Value<'r>, Value<'r>), Rejection>,
    /// What the row's quoting suggests, if anything.
    pub hint: Option<QuoteHint>,
}

impl LabeledRow<'_> {
    /// The text and label as text (`None` when missing), or the reason the row cannot be
    /// read.
    pub fn texts(&self) -> Result<(Option<&str>, Option<&str>), &str> {
        match &self.cells {
            Ok((text, label)) => Ok((text.as_text(), label.as_text())),
            Err(rejection) => Err(&rejection.reason),
        }
    }
}

/// Reads every row of `table` in input order and hands it to `each`. `text` defaults as
/// for [`Role::Text`]. Returns the number of rows read.
///
/// # Errors
///
/// A column is not in the table, or reading failed.
///
/// ```
/// use nunchi_table::{read_labeled, ColumnSpec, ReadOptions, Table};
///
/// let tsv = "id\tdocument\tlabel\n1\t재밌어요\t1\n2\t\n";
/// let table = Table::from_reader(tsv.as_bytes(), "ratings.tsv", &ReadOptions::default())?;
/// let mut seen = Vec::new();
/// let label = ColumnSpec::Name("label".into());
/// let rows = read_labeled(table, None, &label, |row| {
///     let texts = row.texts().map(|(t, l)| (t.map(str::to_owned), l.map(str::to_owned)));
///     seen.push((row.position.number(), texts.map_err(|_| ())));
/// })?;
/// assert_eq!(rows, 2);
/// assert_eq!(seen, [(2, Ok((Some("재밌어요".into()), Some("1".into())))), (3, Err(()))]);
/// # Ok::<(), nunchi_table::Error>(())
/// ```
pub fn read_labeled(
    table: Table,
    text: Option<&ColumnSpec>,
    label: &ColumnSpec,
    mut each: impl FnMut(LabeledRow<'_>),
) -> Result<u64, Error> {
    let (schema, mut rows) = table.into_parts();
    let text = schema.resolve(Role::Text, text)?;
    let label = schema.column(label)?;
    let mut count = 0;
    while let Some(row) = rows.read()? {
        count += 1;
        let cells = schema
            .check(&row)
            .and_then(|()| Ok((schema.text(&row, &text)?, schema.value(&row, &label)?)));
        each(LabeledRow {
            position: row.position(),
            cells,
            hint: schema.quote_hint(&row),
        });
    }
    Ok(count)
}
