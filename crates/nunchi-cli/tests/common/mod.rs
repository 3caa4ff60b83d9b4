//! Helpers shared by the end-to-end tests.
#![allow(dead_code)] // each test file uses a different subset

use std::path::PathBuf;

use assert_cmd::Command;

/// The `nunchi` binary.
pub fn nunchi() -> Command {
    Command::cargo_bin("nunchi").expect("the nunchi binary is built for tests")
}

/// A file of the shared data folder (never copied into the repository).
pub fn shared_data(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(relative)
}

/// A file of the repository's `data/` folder.
pub fn repo_data(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(relative)
}

/// Parses CSV (or TSV) text into header and rows.
pub fn parse_table(text: &[u8], delimiter: u8) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text);
    let header = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            r.expect("a well-formed row")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    (header, rows)
}

/// Parses the rows of an errors file (`line,reason,record`) into (line, reason). The raw
/// record may hold any bytes (it is kept as read), so rows are read as bytes.
pub fn parse_errors(text: &[u8]) -> Vec<(u64, String)> {
    let mut reader = csv::Reader::from_reader(text);
    let header = reader.byte_headers().expect("a header row").clone();
    assert_eq!(header, vec!["line", "reason", "record"]);
    reader
        .byte_records()
        .map(|row| {
            let row = row.expect("a well-formed row");
            let line = String::from_utf8_lossy(&row[0])
                .parse()
                .expect("a line number");
            (line, String::from_utf8_lossy(&row[1]).into_owned())
        })
        .collect()
}

/// The first `n` data rows of NSMC train (TAB-separated `id document label`), header kept.
pub fn nsmc_sample(n: usize, skip: usize) -> String {
    let text = std::fs::read_to_string(shared_data("nsmc/ratings_train.txt"))
        .expect("shared/data/nsmc/ratings_train.txt is readable");
    let mut lines = text.lines();
    let mut sample = String::new();
    sample.push_str(lines.next().expect("a header"));
    sample.push('\n');
    for line in lines.skip(skip).take(n) {
        sample.push_str(line);
        sample.push('\n');
    }
    sample
}

/// Parses JSON Lines output, one value a line.
pub fn json_lines(text: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(text.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
