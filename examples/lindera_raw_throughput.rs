//! The practical speed limit of nunchi's design: raw lindera segmentation (ko-dic, one
//! thread) of a CSV's text column, timing only the segmentation calls.
//!
//!     cargo run --release --example lindera_raw_throughput -- posts.csv text
//!
//! Prints rows, bytes, seconds spent segmenting, rows/s and MB/s on stdout as one JSON line.

use std::time::{Duration, Instant};

use lindera::dictionary::{load_embedded_dictionary, DictionaryKind};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(column)) = (args.next(), args.next()) else {
        return Err("usage: lindera_raw_throughput CSV TEXT_COLUMN".into());
    };
    let dictionary = load_embedded_dictionary(DictionaryKind::KoDic)?;
    let mut worker = Segmenter::new(Mode::Normal, dictionary, None).into_worker();
    let mut reader = csv::Reader::from_path(&path)?;
    let index = reader
        .headers()?
        .iter()
        .position(|h| h == column)
        .ok_or_else(|| format!("{path} has no column {column:?}"))?;
    let (mut rows, mut bytes, mut tokens) = (0u64, 0u64, 0u64);
    let mut segmenting = Duration::ZERO;
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record)? {
        let text = record.get(index).unwrap_or("");
        let start = Instant::now();
        tokens += worker.segment(text)?.len() as u64;
        segmenting += start.elapsed();
        rows += 1;
        bytes += text.len() as u64;
    }
    let seconds = segmenting.as_secs_f64();
    println!(
        "{{\"rows\":{rows},\"text_bytes\":{bytes},\"tokens\":{tokens},\"seconds\":{seconds:.3},\"rows_per_s\":{:.0},\"text_mb_per_s\":{:.2}}}",
        rows as f64 / seconds,
        bytes as f64 / seconds / 1e6
    );
    Ok(())
}
