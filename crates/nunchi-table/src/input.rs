//! Opening an input: a file or stdin, decompressed transparently when its first bytes say
//! gzip or zstd, with the count of raw bytes read kept for progress. A Parquet file is
//! recognised by its magic bytes and handed over as a file, since it is read from its end.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::Error;

/// Where an input comes from: a file, or standard input (given as `-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputPath {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl InputPath {
    /// `-` means standard input, anything else a file.
    ///
    /// ```
    /// use nunchi_table::InputPath;
    /// assert_eq!(InputPath::from_arg("-"), InputPath::Stdin);
    /// assert_eq!(InputPath::from_arg("posts.csv").file().unwrap().to_str(), Some("posts.csv"));
    /// ```
    pub fn from_arg(arg: &str) -> Self {
        if arg == "-" {
            InputPath::Stdin
        } else {
            InputPath::File(PathBuf::from(arg))
        }
    }

    /// How messages name the input.
    pub fn display_name(&self) -> String {
        match self {
            InputPath::Stdin => "standard input".to_owned(),
            InputPath::File(path) => path.display().to_string(),
        }
    }

    /// The file's path, if it is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            InputPath::Stdin => None,
            InputPath::File(path) => Some(path),
        }
    }
}

/// How far reading has got: raw (possibly compressed) bytes for text inputs, rows for
/// Parquet. Shared with a progress display while rows are read on another thread.
#[derive(Debug, Clone)]
pub struct InputProgress {
    /// The whole input in the same unit, when known (a regular file).
    pub total: Option<u64>,
    /// Read so far.
    pub done: Arc<AtomicU64>,
}

/// An opened input.
pub(crate) enum Opened {
    /// Decompressed bytes.
    Stream {
        /// The content.
        reader: Box<dyn BufRead + Send>,
        /// Raw bytes read.
        progress: InputProgress,
        /// Whether the first bytes are Parquet's magic (then `reader` is not usable as one).
        parquet_magic: bool,
    },
    /// A Parquet file, positioned at its start.
    Parquet(File),
}

/// Opens `path`: a Parquet file (told by its magic bytes or by `parquet`) is handed over as
/// a file, anything else as its decompressed stream.
///
/// # Errors
///
/// The file cannot be opened or read, is a directory, or is compressed in a format that is
/// not read; Parquet on stdin.
pub(crate) fn open(path: &InputPath, parquet: bool) -> Result<Opened, Error> {
    let name = path.display_name();
    let file = match path {
        InputPath::Stdin => {
            let opened = from_reader(Box::new(io::stdin()), None, &name)?;
            return match opened {
                Opened::Stream {
                    parquet_magic: true,
                    ..
                } => Err(Error::ParquetNotSeekable { name }),
                _ if parquet => Err(Error::ParquetNotSeekable { name }),
                opened => Ok(opened),
            };
        }
        InputPath::File(file) => file,
    };
    let mut handle = File::open(file).map_err(|source| Error::Open {
        name: name.clone(),
        source,
    })?;
    let metadata = handle.metadata().map_err(|source| Error::Open {
        name: name.clone(),
        source,
    })?;
    if metadata.is_dir() {
        return Err(Error::IsDirectory { name });
    }
    if parquet {
        return Ok(Opened::Parquet(handle));
    }
    let size = metadata.is_file().then_some(metadata.len());
    let reader = Box::new(handle.try_clone().map_err(|source| Error::Open {
        name: name.clone(),
        source,
    })?);
    match from_reader(reader, size, &name)? {
        Opened::Stream {
            parquet_magic: true,
            ..
        } => {
            // Only a regular file can be read from its end.
            handle
                .rewind()
                .map_err(|_| Error::ParquetNotSeekable { name })?;
            Ok(Opened::Parquet(handle))
        }
        opened => Ok(opened),
    }
}

/// Wraps raw bytes (`size` long, if known) read from `name`: detects compression (and
/// Parquet) from the first bytes and returns the decompressed stream.
///
/// # Errors
///
/// The first bytes cannot be read, or they name a compression that is not read.
pub(crate) fn from_reader(
    raw: Box<dyn Read + Send>,
    size: Option<u64>,
    name: &str,
) -> Result<Opened, Error> {
    let done = Arc::new(AtomicU64::new(0));
    let mut counted = CountingReader {
        inner: raw,
        count: Arc::clone(&done),
    };
    // `take` keeps reading until it has the bytes or the input ends: a pipe may deliver the
    // first bytes in several pieces.
    let mut magic = Vec::with_capacity(MAGIC_LEN);
    (&mut counted)
        .take(MAGIC_LEN as u64)
        .read_to_end(&mut magic)
        .map_err(|source| Error::Read {
            name: name.to_owned(),
            after: String::new(),
            source,
        })?;
    let compression = detect(&magic, name)?;
    let parquet_magic = magic.starts_with(PARQUET_MAGIC);
    let buffered = BufReader::with_capacity(256 * 1024, Cursor::new(magic).chain(counted));
    let reader: Box<dyn BufRead + Send> = match compression {
        Compression::None => Box::new(buffered),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            256 * 1024,
            flate2::bufread::MultiGzDecoder::new(buffered),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            256 * 1024,
            zstd::stream::read::Decoder::with_buffer(buffered).map_err(|source| Error::Read {
                name: name.to_owned(),
                after: String::new(),
                source,
            })?,
        )),
    };
    Ok(Opened::Stream {
        reader,
        progress: InputProgress { total: size, done },
        parquet_magic,
    })
}

/// Compression of an input, told by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    /// Plain bytes.
    None,
    /// gzip, possibly several concatenated members.
    Gzip,
    /// zstd, possibly several frames.
    Zstd,
}

/// Bytes enough to tell every format in [`detect`].
const MAGIC_LEN: usize = 6;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];
const PARQUET_MAGIC: &[u8] = b"PAR1";

fn detect(magic: &[u8], name: &str) -> Result<Compression, Error> {
    if magic.starts_with(GZIP_MAGIC) {
        return Ok(Compression::Gzip);
    }
    if magic.starts_with(ZSTD_MAGIC) {
        return Ok(Compression::Zstd);
    }
    // Formats we do not read: say so rather than parse compressed bytes as a CSV.
    let unsupported = [
        (&b"BZh"[..], "bzip2", "bzip2 -dc"),
        (&[0xfd, b'7', b'z', b'X', b'Z', 0x00][..], "xz", "xz -dc"),
        (&b"PK\x03\x04"[..], "zip", "unzip -p"),
    ];
    for (prefix, format, command) in unsupported {
        if magic.starts_with(prefix) {
            return Err(Error::UnsupportedCompression {
                name: name.to_owned(),
                format,
                command,
            });
        }
    }
    Ok(Compression::None)
}

/// Counts the raw bytes read, for progress and ETA on compressed files too.
struct CountingReader {
    inner: Box<dyn Read + Send>,
    count: Arc<AtomicU64>,
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn stream(opened: Opened) -> (Box<dyn BufRead + Send>, InputProgress) {
        match opened {
            Opened::Stream {
                reader, progress, ..
            } => (reader, progress),
            Opened::Parquet(_) => panic!("not a stream"),
        }
    }

    /// The detected compression and the decompressed content.
    fn read_all(path: &Path) -> (Compression, Vec<u8>) {
        let magic = std::fs::read(path).unwrap();
        let compression = detect(&magic[..6], "test").unwrap();
        let (mut reader, progress) =
            stream(open(&InputPath::File(path.to_owned()), false).unwrap());
        let mut content = Vec::new();
        reader.read_to_end(&mut content).unwrap();
        assert_eq!(
            progress.done.load(Ordering::Relaxed),
            progress.total.unwrap()
        );
        (compression, content)
    }

    #[test]
    fn detects_compression_by_magic_not_extension() {
        let dir = tempfile::tempdir().unwrap();
        let text = "id,text\n1,배송이 늦어요\n".repeat(100);

        let plain = dir.path().join("posts.csv.gz"); // misleading extension
        std::fs::write(&plain, &text).unwrap();
        assert_eq!(
            read_all(&plain),
            (Compression::None, text.clone().into_bytes())
        );

        // Two gzip members back to back, as `cat a.gz b.gz` makes.
        let gz = dir.path().join("posts.dat");
        let mut bytes = Vec::new();
        for half in [&text[..text.len() / 2], &text[text.len() / 2..]] {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(half.as_bytes()).unwrap();
            bytes.extend(encoder.finish().unwrap());
        }
        std::fs::write(&gz, &bytes).unwrap();
        assert_eq!(
            read_all(&gz),
            (Compression::Gzip, text.clone().into_bytes())
        );

        let zst = dir.path().join("posts");
        std::fs::write(&zst, zstd::encode_all(text.as_bytes(), 3).unwrap()).unwrap();
        assert_eq!(read_all(&zst), (Compression::Zstd, text.into_bytes()));
    }

    /// Hands out one byte per read, like a slow pipe.
    struct Trickle(Vec<u8>, usize);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.get(self.1), buf.first_mut()) {
                (Some(&byte), Some(slot)) => {
                    *slot = byte;
                    self.1 += 1;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn magic_bytes_arriving_one_at_a_time_are_recognised() {
        let text = "id,text\n1,좋아요\n";
        let zst = zstd::encode_all(text.as_bytes(), 3).unwrap();
        let (mut reader, _) = stream(from_reader(Box::new(Trickle(zst, 0)), None, "pipe").unwrap());
        let mut content = String::new();
        reader.read_to_string(&mut content).unwrap();
        assert_eq!(content, text);
    }

    #[test]
    fn names_unsupported_compression() {
        let dir = tempfile::tempdir().unwrap();
        let xz = dir.path().join("posts.csv");
        std::fs::write(&xz, b"\xfd7zXZ\x00rest").unwrap();
        let error = open(&InputPath::File(xz), false).err().unwrap().to_string();
        assert!(error.contains("xz-compressed"), "{error}");
    }

    #[test]
    fn parquet_magic_hands_over_the_file_and_a_pipe_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("posts.bin");
        std::fs::write(&path, b"PAR1 rest of a file").unwrap();
        let opened = open(&InputPath::File(path), false).unwrap();
        assert!(matches!(opened, Opened::Parquet(_)));
        let piped = from_reader(Box::new(&b"PAR1xx"[..]), None, "pipe").unwrap();
        assert!(matches!(
            piped,
            Opened::Stream {
                parquet_magic: true,
                ..
            }
        ));
    }

    #[test]
    fn missing_file_is_a_clear_error() {
        let error = open(&InputPath::File("/nonexistent/posts.csv".into()), false)
            .err()
            .unwrap();
        assert!(error
            .to_string()
            .contains("cannot open /nonexistent/posts.csv"));
        assert!(std::error::Error::source(&error).is_some());
    }
}
