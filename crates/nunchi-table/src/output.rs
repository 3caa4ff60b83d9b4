//! Where an output goes: stdout; a regular file, written under a temporary name next to it
//! that takes the file's name only when complete, so a failed or interrupted run never
//! leaves half an output under the final name; or a special file (a device, a FIFO),
//! written in place.
//!
//! A symlink is followed: its target is what is replaced. An existing file keeps its mode;
//! a new one gets the mode any file the user creates gets (0666 less the umask).

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::Error;
use crate::pending::Pending;

/// A destination: stdout, a special file written in place, or a temporary file in the
/// target's directory that becomes the target only on [`Output::commit`]. Dropped
/// uncommitted, the temporary file is removed.
pub struct Output {
    writer: BufWriter<Target>,
    path: Option<PathBuf>,
}

enum Target {
    Stdout(io::Stdout),
    /// A device or FIFO: there is no file to replace, and all-or-nothing cannot apply.
    InPlace(File),
    Temporary(Temporary),
}

/// A temporary file, the file it is to replace, and the mode that file is to have.
struct Temporary {
    file: NamedTempFile,
    replaces: PathBuf,
    mode: Option<u32>,
    pending: Pending,
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Target::Stdout(out) => out.write(buf),
            Target::InPlace(file) => file.write(buf),
            Target::Temporary(temp) => temp.file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Target::Stdout(out) => out.flush(),
            Target::InPlace(file) => file.flush(),
            Target::Temporary(temp) => temp.file.flush(),
        }
    }
}

impl Output {
    /// Stdout when `path` is `None` or `-`; else, for a device or FIFO, the file itself,
    /// and for a regular file (existing or not, or a symlink's target), a temporary file
    /// next to it.
    ///
    /// # Errors
    ///
    /// Stdout is closed or not open for writing; `path` is a directory; the temporary file
    /// or the special file cannot be opened (missing directory, no permission).
    pub fn create(path: Option<&Path>) -> Result<Output, Error> {
        let path = path.filter(|p| *p != Path::new("-"));
        let target = match path {
            None => Target::Stdout(writable_stdout()?),
            Some(path) => open_file(path)?,
        };
        Ok(Output {
            writer: BufWriter::with_capacity(256 * 1024, target),
            path: path.map(Path::to_owned),
        })
    }

    /// Refuses outputs that would write the same file (the same name once symlinks are
    /// followed, or the same file by device and inode) or both stdout (`-`): one would
    /// overwrite the other. `outputs` are (flag, path) pairs; the flag names them.
    ///
    /// # Errors
    ///
    /// [`Error::SameOutput`] for the first two that name the same file.
    pub fn check_distinct(outputs: &[(&str, &Path)]) -> Result<(), Error> {
        let identities: Vec<Identity> = outputs.iter().map(|(_, p)| Identity::of(p)).collect();
        for (i, a) in identities.iter().enumerate() {
            if let Some(j) = identities[..i].iter().position(|b| b == a) {
                return Err(Error::SameOutput {
                    first: outputs[j].0.to_owned(),
                    second: outputs[i].0.to_owned(),
                    path: outputs[i].1.to_owned(),
                });
            }
        }
        Ok(())
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
                temp.file.as_file().sync_all().map_err(write_error)?;
                if let Some(mode) = temp.mode {
                    set_mode(temp.file.as_file(), mode).map_err(write_error)?;
                }
                Ok(Finished::File(temp))
            }
            Target::InPlace(mut file) => {
                file.flush().map_err(write_error)?;
                Ok(Finished::Written)
            }
            Target::Stdout(mut out) => {
                out.flush().map_err(write_error)?;
                Ok(Finished::Written)
            }
        }
    }
}

/// An output whose bytes are all written, not yet under its name if it is a file.
enum Finished {
    Written,
    File(Temporary),
}

impl Finished {
    fn persist(self) -> Result<(), Error> {
        match self {
            Finished::Written => Ok(()),
            Finished::File(Temporary {
                file,
                replaces,
                pending,
                ..
            }) => pending.settle(|| {
                file.persist(&replaces)
                    .map(drop)
                    .map_err(|e| Error::Commit {
                        path: replaces.clone(),
                        source: e.error,
                    })
            }),
        }
    }
}

/// Stdout, if it is open for writing: a run whose stdout is closed (`>&-`) or read-only
/// would otherwise process everything and write nothing.
fn writable_stdout() -> Result<io::Stdout, Error> {
    #[cfg(unix)]
    {
        // SAFETY: F_GETFL on a descriptor number reads its flags and touches no memory.
        let flags = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFL) };
        if flags == -1 || flags & libc::O_ACCMODE == libc::O_RDONLY {
            return Err(Error::StdoutNotWritable);
        }
    }
    Ok(io::stdout())
}

/// Opens the output `path`: a device or FIFO in place, else a temporary file next to the
/// file it is to replace (a symlink's target).
fn open_file(path: &Path) -> Result<Target, Error> {
    let replaces = follow_symlinks(path);
    let existing = match std::fs::metadata(&replaces) {
        Ok(meta) if meta.is_dir() => {
            return Err(Error::OutputIsDirectory {
                path: path.to_owned(),
            })
        }
        Ok(meta) if !meta.is_file() => {
            let file = OpenOptions::new()
                .write(true)
                .open(&replaces)
                .map_err(|source| Error::OpenOutput {
                    path: path.to_owned(),
                    source,
                })?;
            return Ok(Target::InPlace(file));
        }
        Ok(meta) => Some(meta),
        Err(_) => None,
    };
    let dir = match replaces.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = replaces
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".partial");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A new file is created 0666 less the umask, applied by the kernel as for any file
        // the user creates (reading the umask is process-wide and racy); a replaced file is
        // written private and given its mode at the end.
        let mode = if existing.is_some() { 0o600 } else { 0o666 };
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let file = builder
        .tempfile_in(dir)
        .map_err(|source| Error::CreateOutput {
            dir: dir.to_owned(),
            source,
        })?;
    let pending = Pending::register(file.path());
    Ok(Target::Temporary(Temporary {
        file,
        replaces,
        mode: existing.map(|meta| file_mode(&meta)),
        pending,
    }))
}

/// What an output writes to, to tell two outputs of the same file apart.
#[derive(Debug, PartialEq, Eq)]
enum Identity {
    Stdout,
    /// An existing file: its device and inode.
    File(u64, u64),
    /// A file to be created: its absolute name.
    Name(PathBuf),
}

impl Identity {
    fn of(path: &Path) -> Identity {
        if path == Path::new("-") {
            return Identity::Stdout;
        }
        let path = follow_symlinks(path);
        #[cfg(unix)]
        if let Ok(meta) = std::fs::metadata(&path) {
            use std::os::unix::fs::MetadataExt;
            return Identity::File(meta.dev(), meta.ino());
        }
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        match (dir.canonicalize(), path.file_name()) {
            (Ok(dir), Some(name)) => Identity::Name(dir.join(name)),
            _ => Identity::Name(path),
        }
    }
}

/// The file a path names once symlinks are followed (to a target that may not exist yet).
/// A loop of links ends at the link the limit stops at, whose replacement fails or
/// replaces the link.
fn follow_symlinks(path: &Path) -> PathBuf {
    let mut path = path.to_owned();
    for _ in 0..40 {
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        let (true, Ok(target)) = (is_link, std::fs::read_link(&path)) else {
            break;
        };
        path = match path.parent() {
            Some(parent) => parent.join(target),
            None => target,
        };
    }
    path
}

#[cfg(unix)]
fn file_mode(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn file_mode(_: &std::fs::Metadata) -> u32 {
    0
}

#[cfg(unix)]
fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &File, _: u32) -> io::Result<()> {
    Ok(())
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
    fn outputs_naming_one_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        assert!(Output::check_distinct(&[("-o", &a), ("--errors", &b)]).is_ok());
        let same = dir.path().join(".").join("a.csv");
        let error = Output::check_distinct(&[("-o", &a), ("--errors", &same)]).unwrap_err();
        assert!(
            error.to_string().starts_with("-o and --errors both name"),
            "{error}"
        );
        let stdout = Path::new("-");
        assert!(Output::check_distinct(&[("-o", stdout), ("--errors", stdout)]).is_err());
    }

    #[test]
    fn missing_directory_is_a_clear_error() {
        let error = Output::create(Some(Path::new("/nonexistent/dir/out.csv")))
            .err()
            .unwrap();
        assert!(error.to_string().contains("/nonexistent/dir"), "{error}");
    }
}
