//! Where an output goes: stdout, or a temporary file next to its final name that takes
//! that name only when it is complete, so a failed or interrupted run never leaves half an
//! output under the final name.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::Error;

/// A destination: stdout, or a temporary file in the target's directory that becomes the
/// target only on [`Output::commit`]. Dropped uncommitted, the temporary file is removed.
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
    pub fn create(path: Option<&Path>) -> Result<Output, Error> {
        let path = path.filter(|p| *p != Path::new("-"));
        let target = match path {
            None => Target::Stdout(io::stdout()),
            Some(path) => {
                if path.is_dir() {
                    return Err(Error::OutputIsDirectory {
                        path: path.to_owned(),
                    });
                }
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
                    .map_err(|source| Error::CreateOutput {
                        dir: dir.to_owned(),
                        source,
                    })?;
                Target::Temporary(temp)
            }
        };
        Ok(Output {
            writer: BufWriter::with_capacity(256 * 1024, target),
            path: path.map(Path::to_owned),
        })
    }

    /// How messages name the output: its path, or `standard output`.
    pub fn name(&self) -> String {
        match &self.path {
            Some(path) => path.display().to_string(),
            None => "standard output".to_owned(),
        }
    }

    /// Flushes and, for a file, moves it to its final name.
    ///
    /// # Errors
    ///
    /// Flushing or renaming failed.
    pub fn commit(self) -> Result<(), Error> {
        self.finish()?.persist()
    }

    /// Commits several outputs together: every one is flushed and synced first, and only
    /// then do they take their names, so that none appears unless all were written.
    ///
    /// # Errors
    ///
    /// Flushing or renaming one of them failed; when flushing failed, none was renamed.
    pub fn commit_all(outputs: Vec<Output>) -> Result<(), Error> {
        let finished = outputs
            .into_iter()
            .map(Output::finish)
            .collect::<Result<Vec<_>, Error>>()?;
        finished.into_iter().try_for_each(Finished::persist)
    }

    /// Flushes everything to the target (and to disk, for a file).
    fn finish(self) -> Result<Finished, Error> {
        let name = self.name();
        let write_error = |source| Error::Write {
            name: name.clone(),
            source,
        };
        let target = self
            .writer
            .into_inner()
            .map_err(|e| write_error(e.into_error()))?;
        match target {
            Target::Temporary(temp) => {
                temp.as_file().sync_all().map_err(write_error)?;
                make_readable(temp.as_file());
                let path = self.path.unwrap_or_default();
                Ok(Finished::File(temp, path))
            }
            Target::Stdout(mut out) => {
                out.flush().map_err(write_error)?;
                Ok(Finished::Stdout)
            }
        }
    }
}

/// An output whose bytes are all written, not yet under its name.
enum Finished {
    Stdout,
    File(NamedTempFile, PathBuf),
}

impl Finished {
    fn persist(self) -> Result<(), Error> {
        match self {
            Finished::Stdout => Ok(()),
            Finished::File(temp, path) => {
                temp.persist(&path).map(drop).map_err(|e| Error::Commit {
                    path,
                    source: e.error,
                })
            }
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

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn outputs_committed_together_all_appear() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = ["a.csv", "b.json"]
            .iter()
            .map(|n| dir.path().join(n))
            .collect();
        let mut outputs = Vec::new();
        for path in &paths {
            let mut output = Output::create(Some(path)).unwrap();
            output.write_all(path.to_string_lossy().as_bytes()).unwrap();
            outputs.push(output);
        }
        assert!(paths.iter().all(|p| !p.exists()));
        Output::commit_all(outputs).unwrap();
        for path in &paths {
            assert_eq!(
                std::fs::read_to_string(path).unwrap(),
                path.to_string_lossy()
            );
        }
    }

    #[test]
    fn a_directory_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let error = Output::create(Some(dir.path())).err().unwrap();
        assert!(error.to_string().contains("is a directory"), "{error}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn missing_directory_is_a_clear_error() {
        let error = Output::create(Some(Path::new("/nonexistent/dir/out.csv")))
            .err()
            .unwrap();
        assert!(error.to_string().contains("/nonexistent/dir"), "{error}");
    }
}
