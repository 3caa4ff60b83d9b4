//! Real posts for the tests: the repository's sample and tweets from `../shared/data`
//! (read in place, never copied; tweets are fine as input, never for training).
#![allow(dead_code)] // each test file uses a different part

use std::path::PathBuf;

use nunchi_table::{ReadOptions, Row, RowReader, Schema, Table};

/// One post of `data/sample/posts.csv`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Post {
    pub id: String,
    pub created_at: String,
    pub author: String,
    pub text: String,
}

fn repo(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

/// The 205 posts of the shipped sample.
pub fn sample_posts() -> Vec<Post> {
    let mut reader = csv::Reader::from_path(repo("data/sample/posts.csv")).unwrap();
    reader.deserialize().map(Result::unwrap).collect()
}

/// The sample file's path.
pub fn sample_path() -> PathBuf {
    repo("data/sample/posts.csv")
}

/// The first `n` tweets of the Korean sarcasm training set (its `tokens` column).
pub fn tweets(n: usize) -> Vec<String> {
    let path = repo("../shared/data/korean_sarcasm/train.csv");
    let mut reader = csv::Reader::from_path(&path)
        .unwrap_or_else(|e| panic!("these tests need {}: {e}", path.display()));
    reader
        .records()
        .map(|record| record.unwrap()[1].trim().to_owned())
        .filter(|tweet| !tweet.is_empty())
        .take(n)
        .collect()
}

/// Opens `bytes` named `name` with default options and reads every row.
pub fn read(bytes: Vec<u8>, name: &str) -> (Schema, Vec<Row>) {
    read_with(bytes, name, &ReadOptions::default())
}

/// As [`read`], with `options`.
pub fn read_with(bytes: Vec<u8>, name: &str, options: &ReadOptions) -> (Schema, Vec<Row>) {
    let table = Table::from_reader(std::io::Cursor::new(bytes), name, options).unwrap();
    let (schema, rows) = table.into_parts();
    (schema, all_rows(rows))
}

/// Every row left in `rows`.
pub fn all_rows(mut rows: RowReader) -> Vec<Row> {
    let mut all = Vec::new();
    while let Some(row) = rows.read().unwrap() {
        all.push(row);
    }
    all
}
