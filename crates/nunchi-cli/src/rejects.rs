//! Where rejected records go: a CSV file (`--errors FILE`: line, reason, raw record), or
//! stderr, where the first few are shown with their line and the rest counted.

use std::path::Path;

use anyhow::Context;

use crate::output::{csv_to_io, Output};
use crate::report::Progress;
use crate::table::Rejection;

/// Rejections shown on stderr when there is no errors file.
const SHOWN_ON_STDERR: u64 = 20;

/// Collects rejected records.
pub struct RejectSink {
    file: Option<(csv::Writer<Output>, String)>,
    count: u64,
}

impl RejectSink {
    /// A sink writing to `path` (atomically, like every output file), or to stderr.
    ///
    /// # Errors
    ///
    /// The file cannot be created.
    pub fn create(path: Option<&Path>) -> anyhow::Result<Self> {
        let file = match path {
            None => None,
            Some(path) => {
                let output = Output::create(Some(path))
                    .with_context(|| format!("cannot create the errors file {}", path.display()))?;
                let mut writer = csv::Writer::from_writer(output);
                writer
                    .write_record(["line", "reason", "record"])
                    .map_err(csv_to_io)?;
                Some((writer, path.display().to_string()))
            }
        };
        Ok(RejectSink { file, count: 0 })
    }

    /// Records one rejection.
    ///
    /// # Errors
    ///
    /// Writing the errors file failed.
    pub fn add(&mut self, rejection: &Rejection, progress: &Progress) -> anyhow::Result<()> {
        self.count += 1;
        match &mut self.file {
            Some((writer, name)) => writer
                .write_record([
                    rejection.line.to_string().as_bytes(),
                    rejection.reason.as_bytes(),
                    &rejection.raw,
                ])
                .map_err(csv_to_io)
                .with_context(|| format!("cannot write the errors file {name}")),
            None => {
                if self.count <= SHOWN_ON_STDERR {
                    progress.println(&format!(
                        "nunchi: line {}: {}",
                        rejection.line, rejection.reason
                    ));
                }
                Ok(())
            }
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

    /// Finishes: commits the errors file, or tells how many rejections stderr did not show.
    ///
    /// # Errors
    ///
    /// The errors file cannot be written.
    pub fn finish(self, progress: &Progress) -> anyhow::Result<()> {
        match self.file {
            Some((writer, name)) => {
                let output = writer
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("cannot write the errors file {name}"))?;
                output
                    .commit()
                    .with_context(|| format!("cannot write the errors file {name}"))
            }
            None => {
                if self.count > SHOWN_ON_STDERR {
                    progress.println(&format!(
                        "nunchi: ... and {} more rejected rows; pass --errors FILE to list them all",
                        self.count - SHOWN_ON_STDERR
                    ));
                }
                Ok(())
            }
        }
    }
}
