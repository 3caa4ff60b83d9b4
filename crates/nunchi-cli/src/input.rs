//! Opening an input as a byte stream: a file or stdin, decompressed transparently when its
//! first bytes say gzip or zstd, with the count of raw bytes read kept for progress.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context};

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
    pub fn parse(arg: &str) -> Result<Self, String> {
        Ok(if arg == "-" {
            InputPath::Stdin
        } else {
            InputPath::File(PathBuf::from(arg))
        })
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

/// An opened input: decompressed bytes, plus what progress reporting needs.
pub struct OpenedInput {
    /// The decompressed content.
    pub reader: Box<dyn BufRead + Send>,
    /// Size in raw (possibly compressed) bytes, when known (a regular file).
    pub raw_size: Option<u64>,
    /// Raw bytes read so far; shared with the progress display.
    pub raw_consumed: Arc<AtomicU64>,
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

/// Opens `path`, detects compression from its first bytes and returns the decompressed
/// stream.
///
/// # Errors
///
/// The file cannot be opened or read, or it is compressed in a format nunchi does not read.
pub fn open(path: &InputPath) -> anyhow::Result<OpenedInput> {
    let (raw, raw_size): (Box<dyn Read + Send>, Option<u64>) = match path {
        InputPath::Stdin => (Box::new(io::stdin()), None),
        InputPath::File(file) => {
            let handle = File::open(file).with_context(|| {
                format!(
                    "cannot open {}: check the path and permissions",
                    file.display()
                )
            })?;
            let metadata = handle
                .metadata()
                .with_context(|| format!("cannot read {}", file.display()))?;
            if metadata.is_dir() {
                bail!("{} is a directory, not a file", file.display());
            }
            let size = metadata.is_file().then_some(metadata.len());
            (Box::new(handle), size)
        }
    };
    from_reader(raw, raw_size, &path.display_name())
}

/// Wraps raw bytes (`raw_size` long, if known) read from `name`: detects compression from
/// the first bytes and returns the decompressed stream.
///
/// # Errors
///
/// The first bytes cannot be read, or they name a compression nunchi does not read.
pub fn from_reader(
    raw: Box<dyn Read + Send>,
    raw_size: Option<u64>,
    name: &str,
) -> anyhow::Result<OpenedInput> {
    let raw_consumed = Arc::new(AtomicU64::new(0));
    let mut counted = CountingReader {
        inner: raw,
        count: Arc::clone(&raw_consumed),
    };
    // `take` keeps reading until it has the bytes or the input ends: a pipe may deliver the
    // first bytes in several pieces.
    let mut magic = Vec::with_capacity(MAGIC_LEN);
    (&mut counted)
        .take(MAGIC_LEN as u64)
        .read_to_end(&mut magic)
        .with_context(|| format!("cannot read {name}"))?;
    let compression = detect(&magic, name)?;
    let buffered = BufReader::with_capacity(256 * 1024, Cursor::new(magic).chain(counted));
    let reader: Box<dyn BufRead + Send> = match compression {
        Compression::None => Box::new(buffered),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            256 * 1024,
            flate2::bufread::MultiGzDecoder::new(buffered),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            256 * 1024,
            zstd::stream::read::Decoder::with_buffer(buffered)
                .context("cannot start the zstd decoder")?,
        )),
    };
    Ok(OpenedInput {
        reader,
        raw_size,
        raw_consumed,
    })
}

/// Bytes enough to tell every format in [`detect`].
const MAGIC_LEN: usize = 6;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

fn detect(magic: &[u8], name: &str) -> anyhow::Result<Compression> {
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
            bail!(
                "{name} is {format}-compressed, which nunchi does not read (gzip and zstd it \
                 does): decompress it first, e.g. `{command} FILE | nunchi ... -`"
            );
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

    /// The detected compression and the decompressed content.
    fn read_all(path: &Path) -> (Compression, Vec<u8>) {
        let magic = std::fs::read(path).unwrap();
        let compression = detect(&magic[..6], "test").unwrap();
        let mut opened = open(&InputPath::File(path.to_owned())).unwrap();
        let mut content = Vec::new();
        opened.reader.read_to_end(&mut content).unwrap();
        assert_eq!(
            opened.raw_consumed.load(Ordering::Relaxed),
            opened.raw_size.unwrap()
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
        let mut opened = from_reader(Box::new(Trickle(zst, 0)), None, "pipe").unwrap();
        let mut content = String::new();
        opened.reader.read_to_string(&mut content).unwrap();
        assert_eq!(content, text);
    }

    #[test]
    fn names_unsupported_compression() {
        let dir = tempfile::tempdir().unwrap();
        let xz = dir.path().join("posts.csv");
        std::fs::write(&xz, b"\xfd7zXZ\x00rest").unwrap();
        let error = open(&InputPath::File(xz)).err().unwrap().to_string();
        assert!(error.contains("xz-compressed"), "{error}");
    }

    #[test]
    fn missing_file_is_a_clear_error() {
        let error = open(&InputPath::File("/nonexistent/posts.csv".into()))
            .err()
            .unwrap();
        assert!(format!("{error:#}").contains("cannot open /nonexistent/posts.csv"));
    }
}
