//! Rejected rows and where they go: a CSV errors file (`line`, `reason`, `record`: the row
//! as read), or a few lines on stderr with the rest counted.

use std::path::Path;

use crate::error::Error;
use crate::format::Format;
use crate::output::Output;
use crate::row::Position;

/// A row that cannot be processed: where it is, why, and what could be kept of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Where the row is.
    pub position: Position,
    /// Why it was rejected.
    pub reason: String,
    /// The row as read (CSV fields joined by the delimiter, the JSON object, a Parquet row
    /// as JSON), capped at the field limit.
    pub raw: Vec<u8>,
}

/// Rejections shown on stderr when there is no errors file.
const SHOWN_ON_STDERR: u64 = 20;

/// Collects rejected rows.
pub struct RejectSink {
    file: Option<(csv::Writer<Output>, String)>,
    count: u64,
}

impl RejectSink {
    /// A sink writing to `path` (atomically, like every output file), or to stderr. The
    /// first column is `line`, or `row` for a Parquet input.
    ///
    /// # Errors
    ///
    /// The file cannot be created.
    pub fn create(path: Option<&Path>, input: Format) -> Result<Self, Error> {
        let file = match path {
            None => None,
            Some(path) => {
                let name = path.display().to_string();
                let output = Output::create(Some(path))?;
                let mut writer = csv::Writer::from_writer(output);
                let first = if input == Format::Parquet {
                    "row"
                } else {
                    "line"
                };
                writer
                    .write_record([first, "reason", "record"])
                    .map_err(|e| write_error(&errors_file(&name), e))?;
                Some((writer, name))
            }
        };
        Ok(RejectSink { file, count: 0 })
    }

    /// Records one rejection; returns the line to show on stderr, if any (there is no
    /// errors file, and fewer than 20 were shown).
    ///
    /// # Errors
    ///
    /// Writing the errors file failed.
    pub fn add(&mut self, rejection: &Rejection) -> Result<Option<String>, Error> {
        self.count += 1;
        let reason = match rejection.position {
            Position::Tweet { index, .. } => {
                format!("tweet {index} of the page: {}", rejection.reason)
            }
            _ => rejection.reason.clone(),
        };
        match &mut self.file {
            Some((writer, name)) => {
                writer
                    .write_record([
                        rejection.position.number().to_string().as_bytes(),
                        reason.as_bytes(),
                        &rejection.raw,
                    ])
                    .map_err(|e| write_error(&errors_file(name), e))?;
                Ok(None)
            }
            None => Ok((self.count <= SHOWN_ON_STDERR)
                .then(|| format!("nunchi: {}: {}", rejection.position, rejection.reason))),
        }
    }

    /// Rejections so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Where the rejections are listed, if in a file.
    pub fn file_name(&self) -> Option<String> {
        self.file.as_ref().map(|(_, name)| name.clone())
    }

    /// Finishes: commits the errors file; returns the line telling how many rejections
    /// stderr did not show, if any.
    ///
    /// # Errors
    ///
    /// The errors file cannot be written.
    pub fn finish(self) -> Result<Option<String>, Error> {
        match self.file {
            Some((writer, name)) => {
                let output = writer.into_inner().map_err(|e| Error::Write {
                    name: errors_file(&name),
                    source: e.into_error(),
                })?;
                output.commit()?;
                Ok(None)
            }
            None => Ok((self.count > SHOWN_ON_STDERR).then(|| {
                format!(
                    "nunchi: ... and {} more rejected rows; pass --errors FILE to list them all",
                    self.count - SHOWN_ON_STDERR
                )
            })),
        }
    }
}

fn errors_file(name: &str) -> String {
    format!("the errors file {name}")
}

/// A csv write error as an [`Error::Write`], keeping the I/O error as its source (so that
/// a broken pipe is recognised).
pub(crate) fn write_error(name: &str, error: csv::Error) -> Error {
    let source = match error.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    };
    Error::Write {
        name: name.to_owned(),
        source,
    }
}
