//! The shared tokenizer and its per-thread worker.

use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use lindera::dictionary::{Dictionary, DictionaryBuilder, UserDictionary};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use lindera::worker::SegmentWorker;

use crate::error::Error;
use crate::normalize::{Normalized, Normalizer};
use crate::pos::PosTag;
use crate::token::{MorphemeRecord, Token};

/// Identity of the dictionary that ships embedded, recorded in trained models.
pub const EMBEDDED_DICTIONARY_ID: &str = "mecab-ko-dic-2.1.1-20180720 (lindera-ko-dic 6.2.0)";

/// The morphological tokenizer: immutable once built, `Send + Sync`, meant to be built once
/// and shared by every thread. Each thread analyses through its own [`Worker`].
#[derive(Clone)]
pub struct Tokenizer {
    segmenter: Segmenter,
    normalizer: Normalizer,
    dictionary_id: String,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("dictionary_id", &self.dictionary_id)
            .field("normalizer", &self.normalizer)
            .finish_non_exhaustive()
    }
}

/// Where the system dictionary comes from.
#[derive(Debug, Clone)]
enum DictionarySource {
    Embedded,
    Directory(PathBuf),
}

/// Builds a [`Tokenizer`] from a dictionary, an optional user dictionary and normaliser
/// settings.
#[derive(Debug, Clone)]
pub struct TokenizerBuilder {
    dictionary: DictionarySource,
    user_dictionary_csv: Option<(Option<PathBuf>, Vec<u8>)>,
    normalizer: Normalizer,
}

impl Default for TokenizerBuilder {
    fn default() -> Self {
        TokenizerBuilder {
            dictionary: DictionarySource::Embedded,
            user_dictionary_csv: None,
            normalizer: Normalizer::default(),
        }
    }
}

impl TokenizerBuilder {
    /// Uses the embedded ko-dic (the default).
    pub fn embedded_dictionary(mut self) -> Self {
        self.dictionary = DictionarySource::Embedded;
        self
    }

    /// Uses a lindera-built ko-dic dictionary directory instead of the embedded one.
    pub fn dictionary_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dictionary = DictionarySource::Directory(dir.into());
        self
    }

    /// Adds a user dictionary in lindera's simple CSV form, one entry a line:
    /// `surface,POS,reading` (for example `갤럭시,NNP,갤럭시`).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the reader fails; the content itself is checked by [`Self::build`].
    pub fn user_dictionary(mut self, mut csv: impl Read) -> Result<Self, Error> {
        let mut bytes = Vec::new();
        csv.read_to_end(&mut bytes).map_err(|source| Error::Io {
            path: PathBuf::from("<user dictionary>"),
            source,
        })?;
        self.user_dictionary_csv = Some((None, bytes));
        Ok(self)
    }

    /// Adds a user dictionary from a CSV file; see [`Self::user_dictionary`].
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be read.
    pub fn user_dictionary_path(mut self, path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        self.user_dictionary_csv = Some((Some(path.to_owned()), bytes));
        Ok(self)
    }

    /// Sets the normaliser.
    pub fn normalizer(mut self, normalizer: Normalizer) -> Self {
        self.normalizer = normalizer;
        self
    }

    /// Loads the dictionaries and builds the tokenizer.
    ///
    /// # Errors
    ///
    /// [`Error::NoEmbeddedDictionary`] for the embedded dictionary in a build without it,
    /// [`Error::Dictionary`] if the dictionary cannot be loaded, [`Error::UserDictionary`] if
    /// the user dictionary is malformed.
    pub fn build(self) -> Result<Tokenizer, Error> {
        let (dictionary, dictionary_id) = load_system_dictionary(&self.dictionary)?;
        let user_dictionary = match self.user_dictionary_csv {
            None => None,
            Some((path, bytes)) => Some(build_user_dictionary(&dictionary, path, &bytes)?),
        };
        let segmenter = Segmenter::new(Mode::Normal, dictionary, user_dictionary);
        Ok(Tokenizer {
            segmenter,
            normalizer: self.normalizer,
            dictionary_id,
        })
    }
}

fn load_system_dictionary(source: &DictionarySource) -> Result<(Dictionary, String), Error> {
    match source {
        DictionarySource::Embedded => {
            #[cfg(feature = "embed-ko-dic")]
            {
                let dictionary = lindera::dictionary::load_embedded_dictionary(
                    lindera::dictionary::DictionaryKind::KoDic,
                )
                .map_err(|e| Error::Dictionary {
                    source_name: "embedded".into(),
                    message: e.to_string(),
                })?;
                Ok((dictionary, EMBEDDED_DICTIONARY_ID.to_owned()))
            }
            #[cfg(not(feature = "embed-ko-dic"))]
            Err(Error::NoEmbeddedDictionary)
        }
        DictionarySource::Directory(dir) => {
            let dictionary =
                lindera::dictionary::load_fs_dictionary(dir).map_err(|e| Error::Dictionary {
                    source_name: dir.display().to_string(),
                    message: e.to_string(),
                })?;
            let id = format!("{} ({})", dictionary.metadata.name, dir.display());
            Ok((dictionary, id))
        }
    }
}

fn build_user_dictionary(
    dictionary: &Dictionary,
    path: Option<PathBuf>,
    csv: &[u8],
) -> Result<UserDictionary, Error> {
    let invalid = |message: String| Error::UserDictionary {
        path: path.clone(),
        message,
    };
    if std::str::from_utf8(csv).is_err() {
        return Err(invalid("not valid UTF-8".into()));
    }
    // lindera's builder indexes fields without checking their count; check rows first so
    // that a malformed line is an error that names it rather than a panic.
    for (number, line) in String::from_utf8_lossy(csv).lines().enumerate() {
        let fields = line.split(',').count();
        if !line.trim().is_empty() && fields != 3 && fields < 12 {
            return Err(invalid(format!(
                "line {}: expected `surface,POS,reading`, found {fields} field(s)",
                number + 1
            )));
        }
        if let Some(pos) = line.split(',').nth(1) {
            if fields == 3 && pos.parse::<PosTag>().is_err() {
                return Err(invalid(format!(
                    "line {}: unknown part-of-speech tag {pos:?}",
                    number + 1
                )));
            }
        }
    }
    DictionaryBuilder::new((*dictionary.metadata).clone())
        .build_user_dict_from_reader(csv)
        .map_err(|e| invalid(e.to_string()))
}

impl Tokenizer {
    /// The tokenizer with the embedded ko-dic and default normalisation.
    ///
    /// # Errors
    ///
    /// [`Error::NoEmbeddedDictionary`] in a build without the `embed-ko-dic` feature.
    pub fn new() -> Result<Self, Error> {
        Self::builder().build()
    }

    /// A builder for other dictionaries, a user dictionary or other normaliser settings.
    pub fn builder() -> TokenizerBuilder {
        TokenizerBuilder::default()
    }

    /// Identity of the system dictionary, recorded in trained models.
    pub fn dictionary_id(&self) -> &str {
        &self.dictionary_id
    }

    /// The normaliser settings.
    pub fn normalizer(&self) -> &Normalizer {
        &self.normalizer
    }

    /// A per-thread worker with its own reusable buffers.
    pub fn worker(&self) -> Worker {
        Worker {
            segment: self.segmenter.new_worker(),
            normalizer: self.normalizer.clone(),
            analysis: Analysis::default(),
        }
    }

    /// Tokenizes one text into owned tokens: a convenience for one-off use; batches should
    /// keep a [`Worker`] per thread.
    ///
    /// # Errors
    ///
    /// As [`Worker::analyze`].
    pub fn tokenize(&self, text: &str) -> Result<Vec<crate::TokenInfo>, Error> {
        let mut worker = self.worker();
        Ok(worker
            .analyze(text)?
            .tokens()
            .map(|t| t.to_info())
            .collect())
    }
}

/// Per-thread analysis state: lindera's lattice plus nunchi's buffers, reused across posts
/// so that a batch allocates little per post. Create one per thread with
/// [`Tokenizer::worker`].
pub struct Worker {
    segment: SegmentWorker,
    normalizer: Normalizer,
    analysis: Analysis,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").finish_non_exhaustive()
    }
}

/// The analysis of one post: normalised text and tokens. Borrowed from its [`Worker`] and
/// overwritten by the next call.
#[derive(Debug, Default)]
pub struct Analysis {
    normalized: Normalized,
    tokens: Vec<TokenRecord>,
    morphemes: Vec<MorphemeRecord>,
    forms: String,
}

#[derive(Debug, Clone)]
struct TokenRecord {
    surface: Range<u32>,
    span: Range<u32>,
    pos: PosTag,
    last_pos: PosTag,
    is_unknown: bool,
    morphemes: Range<u32>,
}

impl Analysis {
    /// The normalised text that the dictionary saw.
    pub fn normalized_text(&self) -> &str {
        self.normalized.text()
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether the post has no tokens (empty or whitespace only).
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The tokens in text order.
    pub fn tokens(&self) -> impl ExactSizeIterator<Item = Token<'_>> + '_ {
        self.tokens.iter().map(move |t| self.view(t))
    }

    /// The token at `index`.
    pub fn token(&self, index: usize) -> Option<Token<'_>> {
        self.tokens.get(index).map(|t| self.view(t))
    }

    fn view<'a>(&'a self, t: &TokenRecord) -> Token<'a> {
        Token {
            surface: &self.normalized.text()[t.surface.start as usize..t.surface.end as usize],
            span: t.span.start as usize..t.span.end as usize,
            pos: t.pos,
            last_pos: t.last_pos,
            is_unknown: t.is_unknown,
            morphemes: &self.morphemes[t.morphemes.start as usize..t.morphemes.end as usize],
            forms: &self.forms,
        }
    }

    fn clear(&mut self) {
        self.tokens.clear();
        self.morphemes.clear();
        self.forms.clear();
    }

    /// Appends a token for `surface` (a range of the normalised text) whose morphemes were
    /// already pushed from `first_morpheme` on.
    fn push_token(
        &mut self,
        surface: Range<usize>,
        pos: PosTag,
        last_pos: PosTag,
        is_unknown: bool,
        first_morpheme: usize,
    ) {
        let span = self.normalized.original_span(surface.clone());
        self.tokens.push(TokenRecord {
            surface: surface.start as u32..surface.end as u32,
            span: span.start as u32..span.end as u32,
            pos,
            last_pos,
            is_unknown,
            morphemes: first_morpheme as u32..self.morphemes.len() as u32,
        });
    }

    fn push_morpheme(&mut self, form: &str, tag: PosTag) {
        let start = self.forms.len() as u32;
        self.forms.push_str(form);
        self.morphemes.push(MorphemeRecord {
            form: start..self.forms.len() as u32,
            tag,
        });
    }
}

// Field positions in ko-dic's details (after surface and the three cost fields).
const DETAIL_POS: usize = 0;
const DETAIL_TYPE: usize = 4;
const DETAIL_EXPRESSION: usize = 7;

impl Worker {
    /// Normalises and analyses one post. The result borrows the worker until the next call.
    ///
    /// # Errors
    ///
    /// [`Error::InputTooLong`] for input over 4 GiB; [`Error::Analysis`] if lindera fails.
    pub fn analyze(&mut self, text: &str) -> Result<&Analysis, Error> {
        if text.len() > u32::MAX as usize / 2 {
            return Err(Error::InputTooLong { len: text.len() });
        }
        let analysis = &mut self.analysis;
        analysis.clear();
        self.normalizer
            .normalize_into(text, &mut analysis.normalized);
        let normalized_len = analysis.normalized.text().len();
        let mut gap_start = 0;
        let unit_count = analysis.normalized.units().len();
        for unit_index in 0..=unit_count {
            let (gap_end, unit) = match analysis.normalized.units().get(unit_index) {
                Some(unit) => (unit.range.start, Some(unit.clone())),
                None => (normalized_len, None),
            };
            if gap_start < gap_end {
                segment_gap(&mut self.segment, analysis, gap_start..gap_end)?;
            }
            if let Some(unit) = unit {
                let first = analysis.morphemes.len();
                let surface = unit.range.clone();
                let form = analysis.normalized.text()[surface.clone()].to_owned();
                analysis.push_morpheme(&form, unit.tag);
                analysis.push_token(surface, unit.tag, unit.tag, false, first);
                gap_start = unit.range.end;
            }
        }
        Ok(&self.analysis)
    }
}

/// Runs lindera over `gap` (a range of the normalised text without social units) and appends
/// its tokens.
fn segment_gap(
    segment: &mut SegmentWorker,
    analysis: &mut Analysis,
    gap: Range<usize>,
) -> Result<(), Error> {
    // The normalised text is borrowed from `analysis`, which we also push into: take it out
    // for the duration (no copy, it is moved back).
    let normalized = std::mem::take(&mut analysis.normalized);
    let result = (|| {
        let text = &normalized.text()[gap.clone()];
        let mut tokens = segment
            .segment(text)
            .map_err(|e| Error::Analysis(e.to_string()))?;
        for token in tokens.iter_mut() {
            let surface = gap.start + token.byte_start..gap.start + token.byte_end;
            let is_unknown = token.word_id.is_unknown();
            let pos_field = token.get_detail(DETAIL_POS).unwrap_or("UNKNOWN").to_owned();
            let (pos, last_pos) = parse_pos_field(&pos_field);
            let entry_type = token.get_detail(DETAIL_TYPE).unwrap_or("*").to_owned();
            let expression = token
                .get_detail(DETAIL_EXPRESSION)
                .unwrap_or("*")
                .to_owned();
            let first = analysis.morphemes.len();
            let decomposed = entry_type != "*" && expression != "*" && {
                let mut ok = true;
                for part in expression.split('+') {
                    let mut fields = part.split('/');
                    match (fields.next(), fields.next().map(str::parse::<PosTag>)) {
                        (Some(form), Some(Ok(tag))) if !form.is_empty() => {
                            analysis.push_morpheme(form, tag)
                        }
                        _ => ok = false,
                    }
                }
                ok
            };
            if !decomposed {
                analysis.morphemes.truncate(first);
                analysis.push_morpheme(&normalized.text()[surface.clone()], pos);
            }
            analysis.tokens.push(TokenRecord {
                surface: surface.start as u32..surface.end as u32,
                span: {
                    let span = normalized.original_span(surface.clone());
                    span.start as u32..span.end as u32
                },
                pos,
                last_pos,
                is_unknown,
                morphemes: first as u32..analysis.morphemes.len() as u32,
            });
        }
        Ok(())
    })();
    analysis.normalized = normalized;
    result
}

/// Parses ko-dic's POS field (`NNG`, `VCP+EF`) into its first and last tag.
fn parse_pos_field(field: &str) -> (PosTag, PosTag) {
    let first = field.split('+').next().unwrap_or(field);
    let last = field.rsplit('+').next().unwrap_or(field);
    let parse = |s: &str| s.parse().unwrap_or(PosTag::Unknown);
    (parse(first), parse(last))
}
