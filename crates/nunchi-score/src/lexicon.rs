//! The sentiment lexicon: a human-readable, editable list of terms with polarity weights.
//!
//! Every model carries one (induced from its training data); users can merge their own
//! domain lexicon on top with [`Model::with_lexicon`](crate::Model::with_lexicon).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Read, Write};
use std::path::Path;

use nunchi_tokenizer::PosTag;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::error::Error;

/// Header line of the TSV form.
const HEADER: [&str; 4] = ["term", "pos", "weight", "support"];

/// One lexicon entry.
#[derive(Debug, Clone, PartialEq)]
pub struct LexiconEntry {
    /// The morpheme's base form as the tokenizer gives it (`재밌`, `최고`, `ㅋㅋ`).
    pub term: String,
    /// Its part of speech; `None` (written `*`) matches the term under any tag.
    pub pos: Option<PosTag>,
    /// Polarity in `[-1, 1]`: `1` strongly positive, `-1` strongly negative.
    pub weight: f32,
    /// How many training posts contained the term (0 for hand-written entries).
    pub support: u64,
}

impl LexiconEntry {
    /// The term as it appears in explanations: `재밌/VA`, or just `대박` for any tag.
    pub fn display_name(&self) -> String {
        match self.pos {
            Some(pos) => format!("{}/{}", self.term, pos),
            None => self.term.clone(),
        }
    }
}

/// A sentiment lexicon: entries in a stable order plus an index for lookup by morpheme.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    entries: Vec<LexiconEntry>,
    index: HashMap<u64, usize, BuildHasherDefault<KeyHasher>>,
    /// Entries with any tag (`*`): when there are none, lookups skip them.
    wildcards: usize,
}

/// The map keys are already xxh3 hashes: pass them through instead of hashing again.
#[derive(Debug, Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

/// Lookup key of a term under a tag (`None` = any tag).
pub(crate) fn term_key(term: &str, pos: Option<PosTag>) -> u64 {
    let tag = pos.map_or("*", PosTag::as_str);
    xxh3_64_with_seed(
        term.as_bytes(),
        xxh3_64_with_seed(tag.as_bytes(), 0x6c65_7869),
    )
}

impl Lexicon {
    /// An empty lexicon.
    pub fn new() -> Self {
        Self::default()
    }

    /// A lexicon of `entries`; a later entry for the same term and tag replaces an earlier one.
    ///
    /// # Errors
    ///
    /// [`Error::Lexicon`] (with the entry's 1-based position as line) for an empty term or a
    /// weight outside `[-1, 1]`.
    pub fn from_entries(entries: impl IntoIterator<Item = LexiconEntry>) -> Result<Self, Error> {
        let mut lexicon = Lexicon::new();
        for (i, entry) in entries.into_iter().enumerate() {
            validate(&entry).map_err(|message| Error::lexicon(i as u64 + 1, message))?;
            lexicon.insert(entry);
        }
        Ok(lexicon)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, in insertion order.
    pub fn entries(&self) -> &[LexiconEntry] {
        &self.entries
    }

    /// The entry for exactly this term and tag (`None` = the any-tag entry).
    pub fn get(&self, term: &str, pos: Option<PosTag>) -> Option<&LexiconEntry> {
        self.position(term, pos).map(|i| &self.entries[i])
    }

    /// Index in [`Lexicon::entries`] of the entry for this term and tag.
    pub(crate) fn position(&self, term: &str, pos: Option<PosTag>) -> Option<usize> {
        self.index
            .get(&term_key(term, pos))
            .copied()
            .filter(|&i| self.entries[i].term == term && self.entries[i].pos == pos)
    }

    /// The entry that applies to a morpheme: the one for its tag, else the any-tag one.
    pub fn lookup(&self, form: &str, tag: PosTag) -> Option<&LexiconEntry> {
        self.lookup_position(form, tag).map(|i| &self.entries[i])
    }

    /// Index of the entry that [`Lexicon::lookup`] finds.
    pub(crate) fn lookup_position(&self, form: &str, tag: PosTag) -> Option<usize> {
        self.position(form, Some(tag))
            .or_else(|| self.any_tag_position(form))
    }

    /// Whether any entry matches under any tag (`*`).
    pub(crate) fn has_any_tag(&self) -> bool {
        self.wildcards > 0
    }

    /// Index of the any-tag entry for `term`.
    pub(crate) fn any_tag_position(&self, term: &str) -> Option<usize> {
        if !self.has_any_tag() {
            return None;
        }
        self.position(term, None)
    }

    fn insert(&mut self, entry: LexiconEntry) {
        let key = term_key(&entry.term, entry.pos);
        match self.index.get(&key) {
            Some(&i) => self.entries[i] = entry,
            None => {
                self.wildcards += usize::from(entry.pos.is_none());
                self.index.insert(key, self.entries.len());
                self.entries.push(entry);
            }
        }
    }

    /// This lexicon with `overrides` merged on top: an entry of `overrides` replaces the entry
    /// for the same term and tag, new terms are appended.
    pub fn merged(&self, overrides: &Lexicon) -> Lexicon {
        let mut merged = self.clone();
        for entry in &overrides.entries {
            merged.insert(entry.clone());
        }
        merged
    }

    /// Reads the TSV form: a header `term<TAB>pos<TAB>weight<TAB>support`, then one entry a
    /// line. `pos` is a tag (`VA`) or `*` for any tag; `support` may be empty. Lines starting
    /// with `#` and blank lines are skipped; CRLF line ends are accepted.
    ///
    /// # Errors
    ///
    /// [`Error::Lexicon`] naming the line for a bad header, a wrong number of fields, an
    /// unknown tag, a weight that is not a number in `[-1, 1]` or a bad support count;
    /// [`Error::Io`] if reading fails.
    pub fn read_tsv(r: impl Read) -> Result<Lexicon, Error> {
        let r = Bounded {
            inner: r,
            line_bytes: 0,
            total_bytes: 0,
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .quoting(false)
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(r);
        let mut lexicon = Lexicon::new();
        let mut seen_header = false;
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(csv_error(e)),
            }
            let line = record.position().map_or(0, |p| p.line());
            let fail = |message: String| Error::lexicon(line, message);
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if !seen_header {
                let header: Vec<&str> = record.iter().map(str::trim).collect();
                if header != HEADER {
                    return Err(fail(format!(
                        "expected the header `term\tpos\tweight\tsupport`, found {:?}",
                        header.join("\t")
                    )));
                }
                seen_header = true;
                continue;
            }
            if record.len() != 4 && record.len() != 3 {
                return Err(fail(format!(
                    "expected 4 TAB-separated fields, found {}",
                    record.len()
                )));
            }
            let term = record[0].trim().to_owned();
            let pos = match record[1].trim() {
                "*" | "" => None,
                tag => Some(
                    tag.parse::<PosTag>()
                        .map_err(|e| fail(format!("{e} in the pos column")))?,
                ),
            };
            let weight: f32 = record[2]
                .trim()
                .parse()
                .map_err(|_| fail(format!("weight {:?} is not a number", &record[2])))?;
            let support = match record.get(3).map(str::trim) {
                None | Some("") => 0,
                Some(s) => s
                    .parse()
                    .map_err(|_| fail(format!("support {s:?} is not a whole number")))?,
            };
            let entry = LexiconEntry {
                term,
                pos,
                weight,
                support,
            };
            validate(&entry).map_err(fail)?;
            lexicon.insert(entry);
        }
        if !seen_header {
            return Err(Error::lexicon(
                1,
                "empty file: expected the header `term\tpos\tweight\tsupport`",
            ));
        }
        Ok(lexicon)
    }

    /// Reads a lexicon file; see [`Lexicon::read_tsv`].
    ///
    /// # Errors
    ///
    /// As [`Lexicon::read_tsv`], and [`Error::Io`] if the file cannot be opened.
    pub fn read_tsv_path(path: impl AsRef<Path>) -> Result<Lexicon, Error> {
        let path = path.as_ref();
        let file = std::fs::File::open(path)
            .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
        Lexicon::read_tsv(std::io::BufReader::new(file))
    }

    /// Writes the TSV form that [`Lexicon::read_tsv`] reads.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if writing fails.
    pub fn write_tsv(&self, mut w: impl Write) -> Result<(), Error> {
        let io = |e| Error::io("cannot write the lexicon", e);
        writeln!(w, "{}", HEADER.join("\t")).map_err(io)?;
        for e in &self.entries {
            let pos = e.pos.map_or("*", PosTag::as_str);
            writeln!(w, "{}\t{}\t{:.4}\t{}", e.term, pos, e.weight, e.support).map_err(io)?;
        }
        w.flush().map_err(io)
    }
}

/// Longest lexicon line read: a term, a tag and two numbers fit many times over.
const MAX_LINE_BYTES: usize = 64 * 1024;

/// Largest lexicon read: about a million entries, over 20,000 times the shipped lexicon.
pub(crate) const MAX_LEXICON_BYTES: u64 = 64 << 20;

/// Fails the read of a line longer than [`MAX_LINE_BYTES`], so that a file without line
/// breaks (`/dev/zero`, a binary file) cannot make the CSV reader hold all of it, and the
/// read past [`MAX_LEXICON_BYTES`], so that an endless file with line breaks cannot make the
/// lexicon grow without end either.
struct Bounded<R> {
    inner: R,
    /// Bytes since the last line break.
    line_bytes: usize,
    /// Bytes read so far.
    total_bytes: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.line_bytes = match buf[..n].iter().rposition(|&b| b == b'\n') {
            Some(at) => n - at - 1,
            None => self.line_bytes + n,
        };
        self.total_bytes += n as u64;
        let refuse = |message: String| {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                message,
            ))
        };
        if self.line_bytes > MAX_LINE_BYTES {
            return refuse(format!(
                "a line is longer than {MAX_LINE_BYTES} bytes: is this a lexicon TSV?"
            ));
        }
        if self.total_bytes > MAX_LEXICON_BYTES {
            return refuse(format!(
                "the lexicon is larger than {MAX_LEXICON_BYTES} bytes"
            ));
        }
        Ok(n)
    }
}

fn validate(entry: &LexiconEntry) -> Result<(), String> {
    if entry.term.is_empty() || entry.term.contains(['\t', '\n', '\r']) {
        return Err(format!("invalid term {:?}", entry.term));
    }
    if !(entry.weight.is_finite() && (-1.0..=1.0).contains(&entry.weight)) {
        return Err(format!("weight {} is outside [-1, 1]", entry.weight));
    }
    Ok(())
}

fn csv_error(e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(source) => Error::io("cannot read the lexicon", source),
        csv::ErrorKind::Utf8 { err, .. } => Error::Lexicon {
            line,
            message: "not valid UTF-8".into(),
            source: Some(Box::new(err)),
        },
        // The reader neither deserialises, seeks nor checks field counts: nothing else.
        other => Error::lexicon(line, format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error and its sources, one message each.
    fn chain(error: &Error) -> String {
        let mut messages = vec![error.to_string()];
        let mut source = std::error::Error::source(error);
        while let Some(e) = source {
            messages.push(e.to_string());
            source = e.source();
        }
        messages.join(": ")
    }

    #[test]
    fn a_file_without_line_breaks_is_refused_in_bounded_memory() {
        let endless = std::io::repeat(0).take(1 << 30);
        let error = Lexicon::read_tsv(endless).unwrap_err();
        assert!(chain(&error).contains("longer than"), "{}", chain(&error));
    }

    #[test]
    fn an_endless_file_of_lines_is_refused_in_bounded_memory() {
        let header = "term\tpos\tweight\tsupport\n".as_bytes();
        let endless = header.chain(std::io::repeat(b'\n'));
        let error = Lexicon::read_tsv(endless).unwrap_err();
        assert!(chain(&error).contains("larger than"), "{}", chain(&error));
    }

    const SAMPLE: &str =
        "term\tpos\tweight\tsupport\r\n# a comment\r\n재밌\tVA\t0.8000\t120\r\n노잼\t*\t-0.9\t\r\n";

    #[test]
    fn reads_crlf_comments_wildcards_and_empty_support() {
        let lexicon = Lexicon::read_tsv(SAMPLE.as_bytes()).unwrap();
        assert_eq!(lexicon.len(), 2);
        let fun = lexicon.lookup("재밌", PosTag::Va).unwrap();
        assert_eq!((fun.weight, fun.support), (0.8, 120));
        assert!(lexicon.lookup("재밌", PosTag::Nng).is_none());
        let boring = lexicon.lookup("노잼", PosTag::Nng).unwrap();
        assert_eq!((boring.weight, boring.pos, boring.support), (-0.9, None, 0));
    }

    #[test]
    fn write_then_read_is_identity() {
        let lexicon = Lexicon::read_tsv(SAMPLE.as_bytes()).unwrap();
        let mut out = Vec::new();
        lexicon.write_tsv(&mut out).unwrap();
        let again = Lexicon::read_tsv(out.as_slice()).unwrap();
        assert_eq!(again.entries(), lexicon.entries());
    }

    #[test]
    fn overrides_win_and_new_terms_are_added() {
        let base = Lexicon::read_tsv(SAMPLE.as_bytes()).unwrap();
        let user = Lexicon::read_tsv(
            "term\tpos\tweight\tsupport\n재밌\tVA\t-0.5\t\n갓겜\t*\t1\t\n".as_bytes(),
        )
        .unwrap();
        let merged = base.merged(&user);
        assert_eq!(merged.len(), 3);
        assert_eq!(merged.lookup("재밌", PosTag::Va).unwrap().weight, -0.5);
        assert_eq!(merged.lookup("갓겜", PosTag::Nng).unwrap().weight, 1.0);
        assert_eq!(base.lookup("재밌", PosTag::Va).unwrap().weight, 0.8);
    }

    #[test]
    fn bad_lines_are_errors_that_name_the_line() {
        let cases = [
            ("term\tpos\tweight\tsupport\n좋\tVA\tgood\t1\n", 2),
            ("term\tpos\tweight\tsupport\n좋\tXX\t0.5\t1\n", 2),
            (
                "term\tpos\tweight\tsupport\n좋\tVA\t0.5\t1\n싫\tVA\t-3\t1\n",
                3,
            ),
            ("term\tpos\tweight\tsupport\n좋\tVA\t0.5\t-1\n", 2),
            ("좋\tVA\t0.5\t1\n", 1),
            ("term\tpos\tweight\tsupport\n좋\tVA\n", 2),
        ];
        for (text, want) in cases {
            match Lexicon::read_tsv(text.as_bytes()) {
                Err(Error::Lexicon { line, .. }) => assert_eq!(line, want, "{text:?}"),
                other => panic!("{text:?}: expected a lexicon error, got {other:?}"),
            }
        }
        assert!(Lexicon::read_tsv(&b"term\tpos\tweight\tsupport\n\xff\tVA\t0.5\t1\n"[..]).is_err());
    }
}
