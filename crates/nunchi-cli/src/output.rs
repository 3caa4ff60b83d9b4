//! Where results go (stdout, or a file replaced atomically) and in which format (CSV, TSV,
//! JSON Lines), with the input's columns passed through ahead of the added ones.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::ValueEnum;
use tempfile::NamedTempFile;

/// A destination: stdout, or a temporary file in the target's directory that becomes the
/// target only on [`Output::commit`]. Dropped uncommitted, the temporary file is removed,
/// so a failed or interrupted run never leaves half an output under the final name.
pub struct Output {
    writer: BufWriter<Target>,
    path: Option<PathBuf>,
}

enum Target {
    Stdout(io::Stdout),
    Temporary(NamedTempFile),
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Target::Stdout(out) => out.write(buf),
            Target::Temporary(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Target::Stdout(out) => out.flush(),
            Target::Temporary(file) => file.flush(),
        }
    }
}

impl Output {
    /// Stdout when `path` is `None` or `-`, else a temporary file next to `path`.
    ///
    /// # Errors
    ///
    /// The temporary file cannot be created (missing directory, no permission).
    pub fn create(path: Option<&Path>) -> anyhow::Result<Output> {
        let path = path.filter(|p| *p != Path::new("-"));
        let target = match path {
            None => Target::Stdout(io::stdout()),
            Some(path) => {
                let dir = match path.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent,
                    _ => Path::new("."),
                };
                let name = path
                    .file_name()
                    .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
                let temp = tempfile::Builder::new()
                    .prefix(&format!(".{name}."))
                    .suffix(".partial")
                    .tempfile_in(dir)
                    .with_context(|| {
                        format!(
                            "cannot create a file in {}: check that the directory exists and \
                             is writable",
                            dir.display()
                        )
                    })?;
                Target::Temporary(temp)
            }
        };
        Ok(Output {
            writer: BufWriter::with_capacity(256 * 1024, target),
            path: path.map(Path::to_owned),
        })
    }

    /// Flushes and, for a file, moves it to its final name.
    ///
    /// # Errors
    ///
    /// Flushing or renaming failed.
    pub fn commit(self) -> anyhow::Result<()> {
        let target = self
            .writer
            .into_inner()
            .map_err(|e| e.into_error())
            .context("cannot write the output")?;
        match (target, self.path) {
            (Target::Temporary(temp), Some(path)) => {
                temp.as_file()
                    .sync_all()
                    .with_context(|| format!("cannot write {}", path.display()))?;
                make_readable(temp.as_file());
                temp.persist(&path)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                Ok(())
            }
            (mut target, _) => target.flush().context("cannot write the output"),
        }
    }
}

/// Temporary files are created private (0600); a finished output should read like any
/// file the user creates.
fn make_readable(file: &File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Best effort: an output that stays private is still a correct output.
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    #[cfg(not(unix))]
    let _ = file;
}

/// Temporary directories are created private (0700); a model directory should not be.
fn make_dir_readable(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Best effort, as for files.
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    }
    #[cfg(not(unix))]
    let _ = dir;
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Creates the directory `path` with `fill`, atomically: `fill` writes into a temporary
/// directory next to `path`, which is renamed to `path` only if `fill` succeeds.
///
/// # Errors
///
/// `path` exists already, the temporary directory cannot be created, `fill` failed, or the
/// rename failed.
pub fn write_dir_atomically(
    path: &Path,
    fill: impl FnOnce(&Path) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    if path.exists() {
        anyhow::bail!(
            "{} exists already: remove it or choose another directory",
            path.display()
        );
    }
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".nunchi-model.")
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "cannot create a directory in {}: check that it exists and is writable",
                parent.display()
            )
        })?;
    fill(temp.path())?;
    make_dir_readable(temp.path());
    std::fs::rename(temp.path(), path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    // The directory now lives under its final name; nothing is left to clean up.
    let _ = temp.keep();
    Ok(())
}

/// Output table formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Comma-separated, RFC 4180 quoting, header row.
    Csv,
    /// Tab-separated, quoted only where a field holds a tab, quote or newline; header row.
    Tsv,
    /// One JSON object per line, keys from the header.
    Jsonl,
}

/// A value of an added column.
#[derive(Debug, Clone)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number, written with 4 decimals.
    Number(f32),
    /// A structured value: `flat` in CSV/TSV, `json` in JSON Lines.
    Structured {
        /// The one-cell rendering.
        flat: String,
        /// The JSON rendering.
        json: serde_json::Value,
    },
}

/// Writes rows: the input's fields as they were, then the added cells.
pub struct TableWriter<W: Write> {
    sink: Sink<W>,
}

enum Sink<W: Write> {
    Delimited(Box<csv::Writer<W>>),
    JsonLines {
        out: W,
        /// Keys, JSON-encoded with their colon, unique.
        keys: Vec<String>,
        line: Vec<u8>,
    },
}

impl<W: Write> TableWriter<W> {
    /// Starts a table with the given columns (the header row for CSV/TSV).
    ///
    /// # Errors
    ///
    /// Writing the header failed.
    pub fn new(out: W, format: Format, columns: &[String]) -> io::Result<Self> {
        let sink = match format {
            Format::Csv | Format::Tsv => {
                let mut writer = csv::WriterBuilder::new()
                    .delimiter(if format == Format::Tsv { b'\t' } else { b',' })
                    .from_writer(out);
                writer.write_record(columns).map_err(csv_to_io)?;
                Sink::Delimited(Box::new(writer))
            }
            Format::Jsonl => Sink::JsonLines {
                out,
                keys: unique_keys(columns),
                line: Vec::new(),
            },
        };
        Ok(TableWriter { sink })
    }

    /// Writes one row; `fields.len() + added.len()` must equal the number of columns.
    ///
    /// # Errors
    ///
    /// Writing failed.
    pub fn write_row(&mut self, fields: &[&str], added: &[Cell]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Delimited(writer) => {
                let mut record = csv::StringRecord::new();
                for field in fields {
                    record.push_field(field);
                }
                for cell in added {
                    match cell {
                        Cell::Text(text) => record.push_field(text),
                        Cell::Number(number) => record.push_field(&format_number(*number)),
                        Cell::Structured { flat, .. } => record.push_field(flat),
                    }
                }
                writer.write_record(&record).map_err(csv_to_io)
            }
            Sink::JsonLines { out, keys, line } => {
                line.clear();
                line.push(b'{');
                let values =
                    fields
                        .iter()
                        .map(|f| serde_json::Value::from(*f))
                        .chain(added.iter().map(|cell| match cell {
                            Cell::Text(text) => serde_json::Value::from(text.as_str()),
                            Cell::Number(number) => rounded(*number),
                            Cell::Structured { json, .. } => json.clone(),
                        }));
                for (i, (key, value)) in keys.iter().zip(values).enumerate() {
                    if i > 0 {
                        line.push(b',');
                    }
                    line.extend_from_slice(key.as_bytes());
                    serde_json::to_writer(&mut *line, &value).map_err(io::Error::other)?;
                }
                line.extend_from_slice(b"}\n");
                out.write_all(line)
            }
        }
    }

    /// Flushes and returns the underlying writer.
    ///
    /// # Errors
    ///
    /// Flushing failed.
    pub fn into_inner(self) -> io::Result<W> {
        match self.sink {
            Sink::Delimited(writer) => writer.into_inner().map_err(|e| e.into_error()),
            Sink::JsonLines { mut out, .. } => {
                out.flush()?;
                Ok(out)
            }
        }
    }
}

fn format_number(number: f32) -> String {
    format!("{number:.4}")
}

/// A number as JSON, rounded to 4 decimals like the CSV rendering.
pub fn rounded(number: f32) -> serde_json::Value {
    let value = (f64::from(number) * 10_000.0).round() / 10_000.0;
    serde_json::Number::from_f64(value).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// Evidence terms as JSON objects: term, weight and byte span in the post.
pub fn evidence_json(evidence: &[nunchi_score::Evidence]) -> Vec<serde_json::Value> {
    evidence
        .iter()
        .map(|e| {
            serde_json::json!({
                "term": e.term,
                "weight": rounded(e.weight),
                "span": [e.span.start, e.span.end],
            })
        })
        .collect()
}

/// JSON object keys for the columns: a repeated or empty header name gets a suffix so that
/// no key is lost.
fn unique_keys(columns: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    columns
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let base = if name.is_empty() {
                format!("column_{}", i + 1)
            } else {
                name.clone()
            };
            let mut key = base.clone();
            let mut n = 2;
            while !seen.insert(key.clone()) {
                key = format!("{base}_{n}");
                n += 1;
            }
            let mut encoded = serde_json::to_string(&key).unwrap_or_default();
            encoded.push(':');
            encoded
        })
        .collect()
}

/// Surfaces the I/O error inside a csv error, so that a broken pipe is recognised.
pub fn csv_to_io(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(format: Format) -> String {
        let columns: Vec<String> = ["id", "text", "id", "label", "score", "evidence"]
            .map(String::from)
            .into();
        let mut writer = TableWriter::new(Vec::new(), format, &columns).unwrap();
        writer
            .write_row(
                &["1", "좋아요\n\"진짜\"", "x"],
                &[
                    Cell::Text("positive".into()),
                    Cell::Number(0.123456),
                    Cell::Structured {
                        flat: "좋/VA +0.5".into(),
                        json: serde_json::json!([{"term": "좋/VA"}]),
                    },
                ],
            )
            .unwrap();
        String::from_utf8(writer.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn writes_csv_tsv_and_jsonl() {
        assert_eq!(
            render(Format::Csv),
            "id,text,id,label,score,evidence\n1,\"좋아요\n\"\"진짜\"\"\",x,positive,0.1235,좋/VA +0.5\n"
        );
        assert!(
            render(Format::Tsv).starts_with("id\ttext\tid\tlabel\tscore\tevidence\n1\t\"좋아요")
        );
        let json = render(Format::Jsonl);
        assert_eq!(
            json,
            "{\"id\":\"1\",\"text\":\"좋아요\\n\\\"진짜\\\"\",\"id_2\":\"x\",\"label\":\"positive\",\
             \"score\":0.1235,\"evidence\":[{\"term\":\"좋/VA\"}]}\n"
        );
        let parsed: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
        assert_eq!(parsed["text"], "좋아요\n\"진짜\"");
    }

    #[test]
    fn file_output_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let mut output = Output::create(Some(&path)).unwrap();
        output.write_all(b"partial").unwrap();
        drop(output);
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

        let mut output = Output::create(Some(&path)).unwrap();
        output.write_all(b"done").unwrap();
        output.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"done");
    }

    #[test]
    fn missing_directory_is_a_clear_error() {
        let error = Output::create(Some(Path::new("/nonexistent/dir/out.csv")))
            .err()
            .unwrap();
        assert!(
            format!("{error:#}").contains("/nonexistent/dir"),
            "{error:#}"
        );
    }
}
