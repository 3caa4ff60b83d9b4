//! Labeled data (for training and evaluation): the text and label of every row, whatever
//! the table's format, rows that cannot be read handed over as rejections.

use crate::columns::{ColumnSpec, Role};
use crate::error::Error;
use crate::quotes::QuoteHint;
use crate::rejects::Rejection;
use crate::row::{Position, Value};
use crate::table::Table;

/// The text and label of one row.
#[derive(Debug, Clone, PartialEq)]
pub struct LabeledRow<'r> {
    /// Where the row is.
    pub position: Position,
    /// The text ([`Value::Missing`] when absent).
    pub text: Value<'r>,
    /// The label, as read.
    pub label: Value<'r>,
    /// What the row's quoting suggests, if anything.
    pub hint: Option<QuoteHint>,
}

/// Reads every row of `table` in input order and hands `each` its text and label, or the
/// reason it cannot be read. `text` defaults as [`Role::Text`] does. Returns the number of
/// rows read.
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
///     seen.push(row.map(|r| (r.text.as_text().map(str::to_owned), r.position.number())).map_err(|r| r.position.number()));
/// })?;
/// assert_eq!(rows, 2);
/// assert_eq!(seen, [Ok((Some("재밌어요".to_owned()), 2)), Err(3)]);
/// # Ok::<(), nunchi_table::Error>(())
/// ```
pub fn read_labeled(
    table: Table,
    text: Option<&ColumnSpec>,
    label: &ColumnSpec,
    mut each: impl FnMut(Result<LabeledRow<'_>, Rejection>),
) -> Result<u64, Error> {
    let (schema, mut rows) = table.into_parts();
    let text = schema.resolve(Role::Text, text)?;
    let label = schema.column(label)?;
    let mut count = 0;
    while let Some(row) = rows.read()? {
        count += 1;
        let labeled = schema.check(&row).and_then(|()| {
            Ok(LabeledRow {
                position: row.position(),
                text: schema.text(&row, &text)?,
                label: schema.value(&row, &label)?,
                hint: schema.quote_hint(&row),
            })
        });
        each(labeled);
    }
    Ok(count)
}
