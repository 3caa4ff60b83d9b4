//! Table formats and how they are told: a flag, else the file's extension (looking through
//! `.gz`/`.zst`), else the content.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// A table format, for inputs and outputs alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated values with a header row (RFC 4180 quoting). As an input format it
    /// also covers other delimiters, detected from the header line.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// JSON Lines: one JSON object per line.
    Jsonl,
    /// Apache Parquet.
    Parquet,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 4] = [Format::Csv, Format::Tsv, Format::Jsonl, Format::Parquet];

    /// The format's name, as flags take it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Jsonl => "jsonl",
            Format::Parquet => "parquet",
        }
    }

    /// The format a file name says: `.csv`, `.tsv`/`.tab`, `.jsonl`/`.ndjson`/`.json`,
    /// `.parquet`/`.pq`, looking through `.gz`/`.zst`/`.zstd`.
    ///
    /// ```
    /// use nunchi_table::Format;
    /// use std::path::Path;
    /// assert_eq!(Format::from_path(Path::new("tweets.ndjson.zst")), Some(Format::Jsonl));
    /// assert_eq!(Format::from_path(Path::new("ratings_test.txt")), None);
    /// ```
    pub fn from_path(path: &Path) -> Option<Format> {
        let lower = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let stem = [".gz", ".zst", ".zstd"]
            .iter()
            .find_map(|suffix| lower.strip_suffix(suffix))
            .unwrap_or(&lower);
        let extension = stem.rsplit_once('.')?.1;
        Some(match extension {
            "csv" => Format::Csv,
            "tsv" | "tab" => Format::Tsv,
            "jsonl" | "ndjson" | "json" => Format::Jsonl,
            "parquet" | "pq" => Format::Parquet,
            _ => return None,
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let lower = value.to_ascii_lowercase();
        match lower.as_str() {
            "ndjson" | "json" => return Ok(Format::Jsonl),
            "tab" => return Ok(Format::Tsv),
            _ => {}
        }
        Format::ALL
            .into_iter()
            .find(|format| format.name() == lower)
            .ok_or_else(|| {
                format!("{value:?} is not a table format: give csv, tsv, jsonl or parquet")
            })
    }
}

/// The format the first bytes of a text input suggest: JSON Lines if the first non-blank
/// byte opens an object, else delimited text. (Parquet is told apart before decompression,
/// by its magic bytes.)
pub(crate) fn sniff_text(first_bytes: &[u8]) -> Format {
    let first = first_bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(first_bytes)
        .iter()
        .find(|byte| !byte.is_ascii_whitespace());
    if first == Some(&b'{') {
        Format::Jsonl
    } else {
        Format::Csv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_name_formats() {
        let of = |name: &str| Format::from_path(Path::new(name));
        assert_eq!(of("dump.TSV.gz"), Some(Format::Tsv));
        assert_eq!(of("dump.csv.zst"), Some(Format::Csv));
        assert_eq!(of("a/b/out.parquet"), Some(Format::Parquet));
        assert_eq!(of("tweets.json"), Some(Format::Jsonl));
        assert_eq!(of("dump.txt"), None);
        assert_eq!(of("noextension"), None);
    }

    #[test]
    fn names_parse_and_print() {
        for format in Format::ALL {
            assert_eq!(format.name().parse::<Format>(), Ok(format));
        }
        assert_eq!("NDJSON".parse::<Format>(), Ok(Format::Jsonl));
        assert!("xml".parse::<Format>().is_err());
    }

    #[test]
    fn content_tells_json_lines_from_delimited_text() {
        assert_eq!(sniff_text(b"\xef\xbb\xbf\n  {\"text\": 1}"), Format::Jsonl);
        assert_eq!(sniff_text(b"id,text\n"), Format::Csv);
        assert_eq!(sniff_text(b""), Format::Csv);
    }
}
