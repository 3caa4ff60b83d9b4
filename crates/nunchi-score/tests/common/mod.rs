//! Labeled data read through the table layer, as `nunchi train` reads it. Shared by this
//! crate's tests, its `train` example and the root `training` bench (which include this file
//! by path).
#![allow(dead_code)] // each includer uses part of it

use std::path::{Path, PathBuf};

use nunchi_score::dataset::{Dataset, LabelMapping};
use nunchi_table::{read_labeled, ColumnSpec, Error, InputPath, ReadOptions, Table};

/// A file of the shared data folder beside the project (never copied into the repository).
pub fn shared(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(relative)
}

/// An NSMC file (`nsmc/ratings_*.txt`): TAB, `id document label`, quotes are text, 0/1.
///
/// # Errors
///
/// The file cannot be read as a table with those columns.
pub fn nsmc(path: &Path) -> Result<Dataset, Error> {
    read(path, false, "document", "label")
}

/// A KoBEST SentiNeg file (`kobest_sentineg/*.tsv`): TAB, CRLF, `Text` and `Label`.
///
/// # Errors
///
/// As [`nsmc`].
pub fn kobest(path: &Path) -> Result<Dataset, Error> {
    read(path, true, "Text", "Label")
}

fn read(path: &Path, quoting: bool, text: &str, label: &str) -> Result<Dataset, Error> {
    let mut options = ReadOptions::default();
    options.quoting = quoting;
    let table = Table::open(&InputPath::File(path.to_owned()), &options)?;
    let (text, label) = (
        ColumnSpec::Name(text.into()),
        ColumnSpec::Name(label.into()),
    );
    let (mut dataset, labels) = (Dataset::default(), LabelMapping::default());
    read_labeled(table, Some(&text), &label, |row| {
        dataset.add(row.position.number(), row.texts(), &labels)
    })?;
    Ok(dataset)
}
