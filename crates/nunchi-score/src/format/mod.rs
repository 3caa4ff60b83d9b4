//! The model format, all of it: the model directory holds `manifest.json` (format version,
//! labels, feature configuration, tokenizer identity, calibration, neutral policy,
//! provenance, metrics, and the length and checksum of the other two files),
//! `weights.bin` (magic header, layout version, sparse quantised weights, CRC-32) and
//! `lexicon.tsv` (the lexicon's TSV form, [`crate::Lexicon::read_tsv`]).
//!
//! Loaders read from any `impl Read`; the directory functions are thin wrappers. Every read
//! is bounded (the manifest to 1 MiB, the other files to the length it records), every value
//! checked, and anything wrong in a file is a typed error, never a panic or an abort.

mod files;
mod manifest;
mod weights;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use nunchi_tokenizer::Tokenizer;

use crate::error::Error;
use crate::lexicon::{Lexicon, MAX_LEXICON_BYTES};
use crate::model::Model;
use crate::weights::outputs_for;

use self::files::{read_recorded, Digest, Files};

pub use self::weights::{WEIGHTS_MAGIC, WEIGHTS_VERSION};

/// Version of the model format (the manifest's layout and what it means) that this build
/// reads and writes.
pub const FORMAT_VERSION: u32 = 3;

/// File names inside a model directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// See [`MANIFEST_FILE`].
pub const WEIGHTS_FILE: &str = "weights.bin";
/// See [`MANIFEST_FILE`].
pub const LEXICON_FILE: &str = "lexicon.tsv";

/// Largest weights file accepted (guards against reading a huge foreign file).
const MAX_WEIGHTS_BYTES: u64 = 1 << 31;

impl Model {
    /// Reads a model from its three parts, to be scored with `tokenizer`: the one it was
    /// trained with (its [`Tokenizer::identity`] must match the manifest's).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidModel`], [`Error::ModelFile`] or [`Error::UnsupportedVersion`] if a
    /// part is corrupt, truncated, foreign, of another format version, holds a value out of
    /// range, or is not the file the manifest was written with;
    /// [`Error::TokenizerMismatch`] for another tokenizer than the model's; [`Error::Io`]
    /// if reading fails.
    pub fn read(
        manifest: impl Read,
        weights: impl Read,
        lexicon: impl Read,
        tokenizer: impl Into<Arc<Tokenizer>>,
    ) -> Result<Model, Error> {
        let (manifest, files) = manifest::read(manifest)?;
        let tokenizer = tokenizer.into();
        if !manifest.tokenizer.is_compatible_with(tokenizer.identity()) {
            return Err(Error::TokenizerMismatch {
                model: Box::new(manifest.tokenizer),
                given: Box::new(tokenizer.identity().clone()),
            });
        }
        let bytes = read_recorded(weights, WEIGHTS_FILE, &files.weights, MAX_WEIGHTS_BYTES)?;
        let weights = weights::decode(
            &bytes,
            manifest.features.dimension(),
            outputs_for(manifest.labels.len()),
        )?;
        let bytes = read_recorded(lexicon, LEXICON_FILE, &files.lexicon, MAX_LEXICON_BYTES)?;
        let lexicon =
            Lexicon::read_tsv(&bytes[..]).map_err(|e| Error::model_file(LEXICON_FILE, e))?;
        Ok(Model {
            manifest,
            lexicon,
            weights: Arc::new(weights),
            tokenizer,
        })
    }

    /// Writes the model's three parts.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if writing fails.
    pub fn write(
        &self,
        manifest: impl Write,
        mut weights: impl Write,
        mut lexicon: impl Write,
    ) -> Result<(), Error> {
        let weights_bytes = weights::encode(&self.weights);
        let mut lexicon_bytes = Vec::new();
        self.lexicon.write_tsv(&mut lexicon_bytes)?;
        let files = Files {
            weights: Digest::of(&weights_bytes),
            lexicon: Digest::of(&lexicon_bytes),
        };
        manifest::write(&self.manifest, &files, manifest)?;
        weights
            .write_all(&weights_bytes)
            .map_err(|e| Error::io(format!("cannot write {WEIGHTS_FILE}"), e))?;
        lexicon
            .write_all(&lexicon_bytes)
            .map_err(|e| Error::io(format!("cannot write {LEXICON_FILE}"), e))
    }

    /// Loads a model directory written by [`Model::save_dir`]; see [`Model::read`].
    ///
    /// # Errors
    ///
    /// As [`Model::read`], and [`Error::Io`] if a file cannot be opened.
    pub fn load_dir(
        dir: impl AsRef<Path>,
        tokenizer: impl Into<Arc<Tokenizer>>,
    ) -> Result<Model, Error> {
        let dir = dir.as_ref();
        let open = |name: &str| {
            let path = dir.join(name);
            std::fs::File::open(&path)
                .map(std::io::BufReader::new)
                .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))
        };
        Model::read(
            open(MANIFEST_FILE)?,
            open(WEIGHTS_FILE)?,
            open(LEXICON_FILE)?,
            tokenizer,
        )
    }

    /// Writes the model directory: `manifest.json`, `weights.bin`, `lexicon.tsv`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if writing fails.
    pub fn save_dir(&self, dir: impl AsRef<Path>) -> Result<(), Error> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("cannot create the directory {}", dir.display()), e))?;
        let create = |name: &str| {
            let path = dir.join(name);
            std::fs::File::create(&path)
                .map(std::io::BufWriter::new)
                .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))
        };
        let mut manifest = create(MANIFEST_FILE)?;
        let mut weights = create(WEIGHTS_FILE)?;
        let mut lexicon = create(LEXICON_FILE)?;
        self.write(&mut manifest, &mut weights, &mut lexicon)?;
        for (name, mut w) in [
            (MANIFEST_FILE, manifest),
            (WEIGHTS_FILE, weights),
            (LEXICON_FILE, lexicon),
        ] {
            w.flush()
                .map_err(|e| Error::io(format!("cannot write {}", dir.join(name).display()), e))?;
        }
        Ok(())
    }

    /// The default model shipped with nunchi (trained on NSMC, see `data/README.md`),
    /// embedded in the binary, with the tokenizer it was trained with (the embedded
    /// dictionary, default normalisation): no files needed.
    ///
    /// # Errors
    ///
    /// [`Error::Tokenizer`] if the embedded dictionary cannot load;
    /// [`Error::EmbeddedModel`] if the embedded model does not (the crate's tests check
    /// that it does).
    #[cfg(feature = "embedded-model")]
    pub fn embedded() -> Result<Model, Error> {
        let tokenizer = Tokenizer::new()?;
        Model::read(
            &include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/default-model/manifest.json"
            ))[..],
            &include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/default-model/weights.bin"
            ))[..],
            &include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/default-model/lexicon.tsv"
            ))[..],
            tokenizer,
        )
        .map_err(|e| Error::EmbeddedModel(Box::new(e)))
    }
}
