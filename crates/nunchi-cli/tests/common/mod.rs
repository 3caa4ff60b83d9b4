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

/// The first `n` tweets of the Korean sarcasm training set (its `tokens` column): real
/// tweet-style input (never for training).
pub fn tweets(n: usize) -> Vec<String> {
    let path = shared_data("korean_sarcasm/train.csv");
    let mut reader = csv::Reader::from_path(&path)
        .unwrap_or_else(|e| panic!("these tests need {}: {e}", path.display()));
    reader
        .records()
        .map(|record| record.unwrap()[1].trim().to_owned())
        .filter(|tweet| !tweet.is_empty())
        .take(n)
        .collect()
}

/// Writes a Parquet file of text columns (`None` is a null).
pub fn write_parquet(path: &std::path::Path, columns: &[(&str, Vec<Option<String>>)]) {
    use std::sync::Arc;

    let fields: Vec<arrow_schema::Field> = columns
        .iter()
        .map(|(name, _)| arrow_schema::Field::new(*name, arrow_schema::DataType::Utf8, true))
        .collect();
    let schema = Arc::new(arrow_schema::Schema::new(fields));
    let arrays: Vec<arrow_array::ArrayRef> = columns
        .iter()
        .map(|(_, values)| {
            Arc::new(
                values
                    .iter()
                    .map(Option::as_deref)
                    .collect::<arrow_array::StringArray>(),
            ) as arrow_array::ArrayRef
        })
        .collect();
    let batch = arrow_array::RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

/// The rows of a Parquet file as strings, by column name (values as Arrow displays them).
pub fn read_parquet(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    use arrow_array::Array;

    let file = std::fs::File::open(path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut header = Vec::new();
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        header = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let options = arrow_cast::display::FormatOptions::default();
        let formatters: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| arrow_cast::display::ArrayFormatter::try_new(c.as_ref(), &options).unwrap())
            .collect();
        for i in 0..batch.num_rows() {
            rows.push(
                batch
                    .columns()
                    .iter()
                    .zip(&formatters)
                    .map(|(c, f)| {
                        if c.is_null(i) {
                            String::new()
                        } else {
                            f.value(i).to_string()
                        }
                    })
                    .collect(),
            );
        }
    }
    (header, rows)
}
