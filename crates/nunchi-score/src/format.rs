//! The model directory: `manifest.json` (format version, labels, feature configuration,
//! dictionary identity, provenance, metrics), `weights.bin` (magic header, format version,
//! sparse quantised weights, CRC-32) and `lexicon.tsv`.
//!
//! Loaders read from any `impl Read`; the directory functions are thin wrappers. Anything
//! wrong in a file is a typed error, never a panic.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use nunchi_tokenizer::Tokenizer;

use crate::error::Error;
use crate::label::Label;
use crate::lexicon::Lexicon;
use crate::model::{outputs_for, Manifest, Model};

/// Version of the model format that this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// First bytes of `weights.bin`.
pub const WEIGHTS_MAGIC: &[u8; 8] = b"NUNCHIWT";

/// File names inside a model directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// See [`MANIFEST_FILE`].
pub const WEIGHTS_FILE: &str = "weights.bin";
/// See [`MANIFEST_FILE`].
pub const LEXICON_FILE: &str = "lexicon.tsv";

/// Largest weights file accepted (guards against reading a huge foreign file).
const MAX_WEIGHTS_BYTES: u64 = 1 << 31;

/// Weights as multiples of one step, in `i16`: what the file stores and what a model keeps
/// in memory (half the size of `f32`, and a model in memory equals the model read back).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Quantized {
    /// `dimension × outputs` steps, index-major.
    pub steps: Vec<i16>,
    /// The step size.
    pub step: f32,
    /// Weights per feature index.
    pub outputs: usize,
}

impl Quantized {
    /// Drops rows whose weights are all below `prune` in magnitude and rounds the others to
    /// multiples of a step (the largest magnitude over 32767).
    pub fn new(weights: &[f32], outputs: usize, prune: f32) -> Self {
        let max = weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let step = if max > 0.0 {
            max / i16::MAX as f32
        } else {
            1.0
        };
        let mut steps = vec![0i16; weights.len()];
        for (row, out) in weights
            .chunks_exact(outputs)
            .zip(steps.chunks_exact_mut(outputs))
        {
            if row.iter().any(|w| w.abs() >= prune) {
                for (w, q) in row.iter().zip(out) {
                    *q = (w / step)
                        .round()
                        .clamp(-(i16::MAX as f32), i16::MAX as f32) as i16;
                }
            }
        }
        Quantized {
            steps,
            step,
            outputs,
        }
    }

    /// The weights of feature `index`, as steps.
    pub fn row(&self, index: u32) -> &[i16] {
        let at = index as usize * self.outputs;
        &self.steps[at..at + self.outputs]
    }

    /// Hints the CPU to load the weights of feature `index` into cache.
    #[inline]
    pub fn prefetch(&self, index: u32) {
        #[cfg(target_arch = "x86_64")]
        if let Some(q) = self.steps.get(index as usize * self.outputs) {
            // SAFETY: a prefetch is only a hint and never faults; the address is in bounds.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    std::ptr::from_ref(q).cast(),
                )
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = index;
    }

    /// All weights as `f32`.
    pub fn to_f32(&self) -> Vec<f32> {
        self.steps.iter().map(|&q| q as f32 * self.step).collect()
    }

    /// Number of feature indices with a non-zero weight.
    pub fn stored_rows(&self) -> usize {
        self.steps
            .chunks_exact(self.outputs)
            .filter(|row| row.iter().any(|&q| q != 0))
            .count()
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Encodes `weights.bin`.
pub(crate) fn encode_weights(weights: &Quantized) -> Vec<u8> {
    let outputs = weights.outputs;
    let dimension = weights.steps.len() / outputs;
    let rows = weights.stored_rows();
    let mut out = Vec::with_capacity(32 + rows * (1 + 2 * outputs));
    out.extend_from_slice(WEIGHTS_MAGIC);
    for v in [
        FORMAT_VERSION,
        outputs as u32,
        dimension as u32,
        rows as u32,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&weights.step.to_le_bytes());
    let mut previous = 0u64;
    for (index, row) in weights.steps.chunks_exact(outputs).enumerate() {
        if row.iter().all(|&q| q == 0) {
            continue;
        }
        put_varint(&mut out, index as u64 - previous);
        previous = index as u64;
        for &q in row {
            out.extend_from_slice(&q.to_le_bytes());
        }
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// A cursor over `weights.bin` whose reads fail on truncation instead of panicking.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Error> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| Error::invalid(WEIGHTS_FILE, "truncated"))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, Error> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn varint(&mut self) -> Result<u64, Error> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(Error::invalid(WEIGHTS_FILE, "bad index encoding"))
    }
}

/// Decodes `weights.bin`, which must hold `outputs` weights for each of `dimension`
/// feature indices (checked before anything is allocated).
pub(crate) fn decode_weights(
    bytes: &[u8],
    dimension: usize,
    outputs: usize,
) -> Result<Quantized, Error> {
    let invalid = |m: &str| Error::invalid(WEIGHTS_FILE, m);
    if bytes.len() < WEIGHTS_MAGIC.len() || &bytes[..WEIGHTS_MAGIC.len()] != WEIGHTS_MAGIC {
        return Err(invalid("not a nunchi weights file (wrong magic bytes)"));
    }
    let mut header = Cursor {
        bytes,
        at: WEIGHTS_MAGIC.len(),
    };
    let version = header.u32()?;
    if version != FORMAT_VERSION {
        return Err(Error::UnsupportedVersion {
            file: WEIGHTS_FILE.into(),
            found: version,
            expected: FORMAT_VERSION,
        });
    }
    if bytes.len() < 4 + header.at {
        return Err(invalid("truncated"));
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    if crc32fast::hash(body) != u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]) {
        return Err(invalid(
            "checksum mismatch: the file is corrupt or truncated",
        ));
    }
    let mut c = Cursor {
        bytes: body,
        at: header.at,
    };
    let (found_outputs, found_dimension) = (c.u32()? as usize, c.u32()? as usize);
    if (found_outputs, found_dimension) != (outputs, dimension) {
        return Err(invalid(&format!(
            "{found_outputs} × {found_dimension} weights, but the manifest's labels and features need {outputs} × {dimension}"
        )));
    }
    let rows = c.u32()? as usize;
    let step = f32::from_le_bytes(c.u32()?.to_le_bytes());
    if rows > dimension {
        return Err(invalid("more weight rows than features"));
    }
    if !(step.is_finite() && step > 0.0) {
        return Err(invalid("invalid quantisation step"));
    }
    let mut steps = vec![0i16; dimension * outputs];
    crate::huge_pages::advise(&mut steps);
    let mut index = 0u64;
    for row in 0..rows {
        let delta = c.varint()?;
        if row > 0 && delta == 0 {
            return Err(invalid("repeated weight index"));
        }
        index = index
            .checked_add(delta)
            .filter(|&i| (i as usize) < dimension)
            .ok_or_else(|| invalid("weight index out of range"))?;
        for k in 0..outputs {
            let b = c.take(2)?;
            steps[index as usize * outputs + k] = i16::from_le_bytes([b[0], b[1]]);
        }
    }
    if c.at != body.len() {
        return Err(invalid("trailing bytes after the weights"));
    }
    Ok(Quantized {
        steps,
        step,
        outputs,
    })
}

/// Parses and checks the manifest.
fn read_manifest(r: impl Read) -> Result<Manifest, Error> {
    let value: serde_json::Value = serde_json::from_reader(r)
        .map_err(|e| Error::invalid(super::format::MANIFEST_FILE, format!("not JSON: {e}")))?;
    let version = value
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| Error::invalid(MANIFEST_FILE, "no format_version"))?;
    if version != u64::from(FORMAT_VERSION) {
        return Err(Error::UnsupportedVersion {
            file: MANIFEST_FILE.into(),
            found: u32::try_from(version).unwrap_or(u32::MAX),
            expected: FORMAT_VERSION,
        });
    }
    let manifest: Manifest =
        serde_json::from_value(value).map_err(|e| Error::invalid(MANIFEST_FILE, e.to_string()))?;
    let labels = &manifest.labels;
    let distinct = labels.windows(2).all(|w| w[0] < w[1]);
    if !(2..=3).contains(&labels.len()) || !distinct {
        return Err(Error::invalid(
            MANIFEST_FILE,
            format!("labels must be 2 or 3 distinct labels in order, found {labels:?}"),
        ));
    }
    manifest
        .features
        .validate()
        .map_err(|m| Error::invalid(MANIFEST_FILE, m))?;
    let c = manifest.calibration;
    if !(c.scale.is_finite() && c.offset.is_finite()) {
        return Err(Error::invalid(MANIFEST_FILE, "calibration is not finite"));
    }
    if manifest.neutral.is_some() && labels.as_slice() != [Label::Negative, Label::Positive] {
        return Err(Error::invalid(
            MANIFEST_FILE,
            "a neutral policy needs a negative/positive model",
        ));
    }
    Ok(manifest)
}

impl Model {
    /// Reads a model from its three parts.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidModel`] or [`Error::UnsupportedVersion`] if a part is corrupt,
    /// truncated, foreign, of another format version or inconsistent with the others;
    /// [`Error::Io`] if reading fails; [`Error::Tokenizer`] if the tokenizer cannot load.
    pub fn read(
        manifest: impl Read,
        weights: impl Read,
        lexicon: impl Read,
    ) -> Result<Model, Error> {
        let manifest = read_manifest(manifest)?;
        let mut bytes = Vec::new();
        weights
            .take(MAX_WEIGHTS_BYTES)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(WEIGHTS_FILE, e))?;
        let weights = decode_weights(
            &bytes,
            manifest.features.dimension(),
            outputs_for(manifest.labels.len()),
        )?;
        let lexicon = Lexicon::read_tsv(lexicon).map_err(|e| match e {
            Error::Io { source, .. } => Error::io(LEXICON_FILE, source),
            other => Error::invalid(LEXICON_FILE, other.to_string()),
        })?;
        Ok(Model {
            manifest,
            lexicon,
            weights: Arc::new(weights),
            tokenizer: Arc::new(Tokenizer::new()?),
        })
    }

    /// Writes the model's three parts.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if writing fails.
    pub fn write(
        &self,
        mut manifest: impl Write,
        mut weights: impl Write,
        lexicon: impl Write,
    ) -> Result<(), Error> {
        let json = serde_json::to_vec_pretty(&self.manifest)
            .map_err(|e| Error::invalid(MANIFEST_FILE, e.to_string()))?;
        manifest
            .write_all(&json)
            .and_then(|()| manifest.write_all(b"\n"))
            .map_err(|e| Error::io(MANIFEST_FILE, e))?;
        weights
            .write_all(&encode_weights(&self.weights))
            .map_err(|e| Error::io(WEIGHTS_FILE, e))?;
        self.lexicon.write_tsv(lexicon)
    }

    /// The default model shipped with nunchi (trained on NSMC, see `data/README.md`),
    /// embedded in the binary: no files needed.
    ///
    /// # Errors
    ///
    /// [`Error::Tokenizer`] if the embedded dictionary cannot load; the embedded model
    /// itself is checked at build time by the crate's tests.
    #[cfg(feature = "embedded-model")]
    pub fn embedded() -> Result<Model, Error> {
        const DIR: &str = "/../../data/default-model/";
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
        )
        .map_err(|e| match e {
            Error::Tokenizer(t) => Error::Tokenizer(t),
            other => Error::invalid(DIR, format!("embedded model: {other}")),
        })
    }
}

pub(crate) fn load_dir(dir: &Path) -> Result<Model, Error> {
    let open = |name: &str| {
        let path = dir.join(name);
        std::fs::File::open(&path)
            .map(std::io::BufReader::new)
            .map_err(|e| Error::io(path.display().to_string(), e))
    };
    Model::read(
        open(MANIFEST_FILE)?,
        open(WEIGHTS_FILE)?,
        open(LEXICON_FILE)?,
    )
}

pub(crate) fn save_dir(model: &Model, dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    let create = |name: &str| {
        let path = dir.join(name);
        std::fs::File::create(&path)
            .map(std::io::BufWriter::new)
            .map_err(|e| Error::io(path.display().to_string(), e))
    };
    let mut manifest = create(MANIFEST_FILE)?;
    let mut weights = create(WEIGHTS_FILE)?;
    let mut lexicon = create(LEXICON_FILE)?;
    model.write(&mut manifest, &mut weights, &mut lexicon)?;
    for (name, mut w) in [
        (MANIFEST_FILE, manifest),
        (WEIGHTS_FILE, weights),
        (LEXICON_FILE, lexicon),
    ] {
        w.flush()
            .map_err(|e| Error::io(dir.join(name).display().to_string(), e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Quantized {
        let mut w = vec![0f32; 3 * 40];
        w[0] = 0.5;
        w[7] = -1.25;
        w[3 * 39 + 2] = 0.001;
        w[3 * 20 + 1] = 2.0;
        Quantized::new(&w, 3, 0.0)
    }

    #[test]
    fn weights_round_trip_exactly() {
        let q = sample();
        assert_eq!(q.stored_rows(), 4);
        assert_eq!(decode_weights(&encode_weights(&q), 40, 3).unwrap(), q);
        assert!(decode_weights(&encode_weights(&q), 41, 3).is_err());
        assert!(decode_weights(&encode_weights(&q), 40, 1).is_err());
        assert!((q.to_f32()[7] + 1.25).abs() < 1e-4);
    }

    #[test]
    fn every_corruption_is_a_typed_error() {
        let bytes = encode_weights(&sample());
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x10;
            assert!(decode_weights(&flipped, 40, 3).is_err(), "flip at {i}");
        }
        for len in 0..bytes.len() {
            assert!(
                decode_weights(&bytes[..len], 40, 3).is_err(),
                "truncated to {len}"
            );
        }
        let mut version = bytes.clone();
        version[8] = 9;
        assert!(matches!(
            decode_weights(&version, 40, 3),
            Err(Error::UnsupportedVersion { found: 9, .. })
        ));
    }

    #[test]
    fn pruning_drops_small_rows() {
        let q = Quantized::new(&[0.001, 0.5, -0.002, 0.0], 1, 0.01);
        assert_eq!(q.stored_rows(), 1);
    }
}
