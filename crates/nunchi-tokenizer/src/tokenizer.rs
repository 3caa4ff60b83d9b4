//! The shared tokenizer and its per-thread worker.

use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lindera::dictionary::{Dictionary, DictionaryBuilder, UserDictionary};
use lindera_dictionary::viterbi::WordId;

use crate::buffers::{reusable_fields, Reusable};
use crate::error::Error;
use crate::identity::{TokenizerIdentity, UserDictionaryIdentity};
use crate::lattice::{
    Lattice, Lexicon, Piece, Segment, WordMemo, DETAIL_EXPRESSION, DETAIL_POS, DETAIL_TYPE,
};
use crate::normalize::{Normalized, Normalizer};
use crate::pos::PosTag;
use crate::span::Span;
use crate::token::{MorphemeRecord, Token};
use crate::window::windows;

/// The longest post [`Worker::analyze`] takes, in bytes (2 GiB). Offsets are kept in 32
/// bits, and normalisation can lengthen a text (a laugh split off a syllable adds a
/// character), so the input is held to half of what 32 bits address.
pub const MAX_INPUT_BYTES: usize = 1 << 31;

/// Identity of the dictionary that ships embedded, recorded in trained models.
pub const EMBEDDED_DICTIONARY_ID: &str = "mecab-ko-dic-2.1.1-20180720 (lindera-ko-dic 6.2.0)";

/// The morphological tokenizer: immutable once built, `Send + Sync`, meant to be built once
/// and shared by every thread. Each thread analyses through its own [`Worker`].
#[derive(Clone)]
pub struct Tokenizer {
    lexicon: Arc<Lexicon>,
    identity: TokenizerIdentity,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("identity", &self.identity)
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
        let (user_dictionary, user_identity) = match self.user_dictionary_csv {
            None => (None, None),
            Some((path, bytes)) => {
                let name = path
                    .as_ref()
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned());
                let identity = UserDictionaryIdentity::of(name, &bytes);
                let built = build_user_dictionary(&dictionary, path, &bytes)?;
                (Some(built), Some(identity))
            }
        };
        let lexicon = Lexicon::new(dictionary, user_dictionary, &dictionary_id)?;
        Ok(Tokenizer {
            lexicon: Arc::new(lexicon),
            identity: TokenizerIdentity::new(dictionary_id, self.normalizer, user_identity),
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

    /// Identity of the system dictionary.
    pub fn dictionary_id(&self) -> &str {
        &self.identity.dictionary
    }

    /// The normaliser settings.
    pub fn normalizer(&self) -> &Normalizer {
        &self.identity.normalizer
    }

    /// What determines the tokenizer's output (dictionary, normaliser settings, user
    /// dictionary), recorded in trained models and checked when they load.
    pub fn identity(&self) -> &TokenizerIdentity {
        &self.identity
    }

    /// A per-thread worker with its own reusable buffers.
    pub fn worker(&self) -> Worker {
        Worker {
            lexicon: Arc::clone(&self.lexicon),
            lattice: Lattice::default(),
            segments: Vec::new(),
            normalizer: self.identity.normalizer.clone(),
            normalized: Normalized::default(),
            analysis: Analysis::default(),
            words: WordDetailsMemo::default(),
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

/// Per-thread analysis state: the lattice and nunchi's buffers, reused across posts so that a
/// batch allocates little per post. Create one per thread with [`Tokenizer::worker`].
///
/// A long post is analysed in [`windows`](crate::windows()) of at most
/// [`WINDOW_BYTES`](crate::WINDOW_BYTES), so the memory it takes beyond its [`Analysis`] is
/// bounded by the window, not by the post; and the buffers it grew are given back at the
/// next post (see [`Worker::retained_bytes`]).
pub struct Worker {
    lexicon: Arc<Lexicon>,
    lattice: Lattice,
    segments: Vec<Segment>,
    normalizer: Normalizer,
    /// The current window, normalised.
    normalized: Normalized,
    analysis: Analysis,
    words: WordDetailsMemo,
}

// The memo of dictionary words is not a buffer: the dictionary bounds it, and it is what
// keeps repeated words cheap.
reusable_fields!(Worker {
    normalized,
    segments,
    lattice,
    analysis,
});

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").finish_non_exhaustive()
    }
}

/// The analysis of one post: normalised text and tokens. Borrowed from its [`Worker`] and
/// overwritten by the next call.
///
/// It grows with the post: 55 bytes a token on real posts (the normalised text, the token
/// and morpheme records, the morphemes' base forms; measured on 1 MB of NSMC reviews), up
/// to twice that while its buffers grow.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The normalised text: its windows' normalised texts, one after the other.
    text: String,
    tokens: Vec<TokenRecord>,
    morphemes: Vec<MorphemeRecord>,
    forms: String,
}

reusable_fields!(Analysis {
    text,
    tokens,
    morphemes,
    forms,
});

#[derive(Debug, Clone)]
struct TokenRecord {
    surface: Range<u32>,
    span: Range<u32>,
    word: u32,
    pos: PosTag,
    last_pos: PosTag,
    is_unknown: bool,
    morphemes: Range<u32>,
}

impl Analysis {
    /// The normalised text that the dictionary saw.
    pub fn normalized_text(&self) -> &str {
        &self.text
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

    /// Bytes of capacity its buffers hold (see [`Analysis`] for how that grows with the
    /// post).
    pub fn retained_bytes(&self) -> usize {
        Reusable::retained_bytes(self)
    }

    /// The token at `index`.
    pub fn token(&self, index: usize) -> Option<Token<'_>> {
        self.tokens.get(index).map(|t| self.view(t))
    }

    fn view<'a>(&'a self, t: &TokenRecord) -> Token<'a> {
        Token {
            surface: &self.text[t.surface.start as usize..t.surface.end as usize],
            span: Span::new(t.span.start as usize, t.span.end as usize),
            normalized: Span::new(t.surface.start as usize, t.surface.end as usize),
            word: t.word,
            pos: t.pos,
            last_pos: t.last_pos,
            is_unknown: t.is_unknown,
            morphemes: &self.morphemes[t.morphemes.start as usize..t.morphemes.end as usize],
            forms: &self.forms,
        }
    }

    /// Appends a token for `surface` (a range of the normalised text), `span` in the post,
    /// whose morphemes were already pushed from `first_morpheme` on.
    fn push_token(
        &mut self,
        (surface, span): (Range<usize>, Range<usize>),
        pos: PosTag,
        last_pos: PosTag,
        is_unknown: bool,
        first_morpheme: usize,
    ) {
        // A gap between two tokens in the original post is a word boundary: whitespace,
        // which the lattice skips and after which a window ends unless it is cut hard, or an
        // invisible character that stands for a space and that normalisation dropped (the
        // Hangul filler U+3164 of `갑수ㅤㅎㅛㅇ`).
        let word = match self.tokens.last() {
            Some(previous) if span.start as u32 > previous.span.end => previous.word + 1,
            Some(previous) => previous.word,
            None => 0,
        };
        self.tokens.push(TokenRecord {
            surface: surface.start as u32..surface.end as u32,
            span: span.start as u32..span.end as u32,
            word,
            pos,
            last_pos,
            is_unknown,
            morphemes: first_morpheme as u32..self.morphemes.len() as u32,
        });
    }

    /// Pushes a morpheme whose form is `surface`, a range of the normalised text.
    fn push_surface_morpheme(&mut self, surface: Range<usize>, tag: PosTag) {
        let start = self.forms.len();
        self.forms.push_str(&self.text[surface]);
        self.record_morpheme(start, tag);
    }

    fn push_morpheme(&mut self, form: &str, tag: PosTag) {
        let start = self.forms.len();
        self.forms.push_str(form);
        self.record_morpheme(start, tag);
    }

    /// Records the morpheme whose form was just appended to the arena from `start` on.
    fn record_morpheme(&mut self, start: usize, tag: PosTag) {
        self.morphemes.push(MorphemeRecord {
            form: start as u32..self.forms.len() as u32,
            tag,
        });
    }
}

impl Worker {
    /// Normalises and analyses one post, window by window ([`windows`](crate::windows())).
    /// The result borrows the worker until the next call.
    ///
    /// # Errors
    ///
    /// [`Error::InputTooLong`] for input over [`MAX_INPUT_BYTES`] (2 GiB);
    /// [`Error::Analysis`] if the dictionary leaves no path through the lattice (a malformed
    /// dictionary).
    pub fn analyze(&mut self, text: &str) -> Result<&Analysis, Error> {
        if text.len() > MAX_INPUT_BYTES {
            return Err(Error::InputTooLong { len: text.len() });
        }
        // Empties the buffers, giving back what an earlier long post grew them to.
        Reusable::trim(self);
        for window in windows(text) {
            self.normalizer
                .normalize_into(&text[window.range()], &mut self.normalized);
            self.lattice.segment(
                &self.lexicon,
                self.normalized.text(),
                self.normalized.units(),
                &mut self.segments,
            )?;
            let analysed = AnalysedWindow {
                normalized: &self.normalized,
                offset: window.start,
                segments: &self.segments,
            };
            self.analysis
                .push_window(&self.lexicon, &analysed, &mut self.words);
            self.segments.clear();
        }
        Ok(&self.analysis)
    }

    /// Bytes of capacity that the worker's reusable buffers hold, its last [`Analysis`]
    /// included: those of the normaliser, the lattice and the analysis, not the memo of
    /// the dictionary words it met (which the dictionary's size bounds).
    ///
    /// A post takes what it needs; at the next post, each buffer gives back what it holds
    /// beyond 1 MiB, so a worker that once analysed a very long post does not keep its
    /// memory.
    ///
    /// ```
    /// # let tokenizer = nunchi_tokenizer::Tokenizer::new()?;
    /// let mut worker = tokenizer.worker();
    /// worker.analyze(&"아주 긴 글 ".repeat(100_000))?;
    /// let after_long = worker.retained_bytes();
    /// worker.analyze("짧은 글")?;
    /// assert!(worker.retained_bytes() < after_long / 4);
    /// # Ok::<(), nunchi_tokenizer::Error>(())
    /// ```
    pub fn retained_bytes(&self) -> usize {
        Reusable::retained_bytes(self)
    }
}

/// A window of the post, normalised and segmented.
struct AnalysedWindow<'a> {
    normalized: &'a Normalized,
    /// Where the window starts in the post.
    offset: usize,
    segments: &'a [Segment],
}

impl AnalysedWindow<'_> {
    /// The byte span in the post of `range`, a range of the window's normalised text.
    fn original_span(&self, range: Range<usize>) -> Range<usize> {
        let span = self.normalized.original_span(range);
        self.offset + span.start..self.offset + span.end
    }
}

impl Analysis {
    /// Appends the window's normalised text and a token for each of its segments.
    fn push_window(
        &mut self,
        lexicon: &Lexicon,
        window: &AnalysedWindow<'_>,
        words: &mut WordDetailsMemo,
    ) {
        let base = self.text.len();
        self.text.push_str(window.normalized.text());
        for segment in window.segments {
            let span = window.original_span(segment.start..segment.end);
            let surface = base + segment.start..base + segment.end;
            let word = match segment.piece {
                Piece::Word(word) => word,
                Piece::Unit(index) => {
                    let tag = window
                        .normalized
                        .units()
                        .get(index)
                        .map_or(PosTag::Unknown, |unit| unit.tag);
                    let first = self.morphemes.len();
                    self.push_surface_morpheme(surface.clone(), tag);
                    self.push_token((surface, span), tag, tag, false, first);
                    continue;
                }
            };
            let details = words.get(lexicon, word);
            let first = self.morphemes.len();
            match details.morphemes {
                Some(parts) => {
                    for (form, tag) in &words.morphemes[parts.start as usize..parts.end as usize] {
                        self.push_morpheme(
                            &words.forms[form.start as usize..form.end as usize],
                            *tag,
                        );
                    }
                }
                None => self.push_surface_morpheme(surface.clone(), details.pos),
            }
            self.push_token(
                (surface, span),
                details.pos,
                details.last_pos,
                word.is_unknown(),
                first,
            );
        }
    }
}

/// What an analysis takes from dictionary words, derived from their detail fields the
/// first time a worker meets each word.
#[derive(Debug, Default)]
struct WordDetailsMemo {
    /// Per word: index into `words`.
    index: WordMemo<u32>,
    words: Vec<WordDetails>,
    /// Morphemes of analysed entries: form (a range of `forms`) and tag.
    morphemes: Vec<(Range<u32>, PosTag)>,
    forms: String,
}

#[derive(Debug, Clone)]
struct WordDetails {
    pos: PosTag,
    last_pos: PosTag,
    /// The entry's morphemes (a range of [`WordDetailsMemo::morphemes`]), or `None` for an
    /// entry that is one morpheme, its surface.
    morphemes: Option<Range<u32>>,
}

impl WordDetailsMemo {
    fn get(&mut self, lexicon: &Lexicon, word: WordId) -> WordDetails {
        let index = self.index.get(word, || {
            let details = derive_details(lexicon, word, &mut self.morphemes, &mut self.forms);
            self.words.push(details);
            self.words.len() as u32 - 1
        });
        self.words[index as usize].clone()
    }
}

/// Reads a word's POS tags and, for an analysed entry whose expression parses, its
/// morphemes (appended to `morphemes` and `forms`).
fn derive_details(
    lexicon: &Lexicon,
    word: WordId,
    morphemes: &mut Vec<(Range<u32>, PosTag)>,
    forms: &mut String,
) -> WordDetails {
    // One pass over the entry's fields (each pass re-validates the stored bytes).
    let mut details = ["*"; DETAIL_EXPRESSION + 1];
    for (slot, field) in details.iter_mut().zip(lexicon.details(word)) {
        *slot = field;
    }
    let (pos, last_pos) = parse_pos_field(details[DETAIL_POS]);
    let first = morphemes.len();
    let (first_form, expression) = (forms.len(), details[DETAIL_EXPRESSION]);
    let decomposed = details[DETAIL_TYPE] != "*"
        && expression != "*"
        && expression.split('+').all(|part| {
            let mut fields = part.split('/');
            match (fields.next(), fields.next().map(str::parse::<PosTag>)) {
                (Some(form), Some(Ok(tag))) if !form.is_empty() => {
                    let start = forms.len() as u32;
                    forms.push_str(form);
                    morphemes.push((start..forms.len() as u32, tag));
                    true
                }
                _ => false,
            }
        });
    if !decomposed {
        morphemes.truncate(first);
        forms.truncate(first_form);
    }
    WordDetails {
        pos,
        last_pos,
        morphemes: decomposed.then_some(first as u32..morphemes.len() as u32),
    }
}

/// Parses ko-dic's POS field (`NNG`, `VCP+EF`) into its first and last tag.
fn parse_pos_field(field: &str) -> (PosTag, PosTag) {
    let first = field.split('+').next().unwrap_or(field);
    let last = field.rsplit('+').next().unwrap_or(field);
    let parse = |s: &str| s.parse().unwrap_or(PosTag::Unknown);
    (parse(first), parse(last))
}
