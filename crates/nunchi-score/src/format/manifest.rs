//! `manifest.json`: parsed, version-checked and validated before anything else is read.

use std::io::{Read, Write};

use crate::error::Error;
use crate::label::Label;
use crate::manifest::Manifest;

use super::{FORMAT_VERSION, MANIFEST_FILE};

/// Parses and checks the manifest.
pub(crate) fn read(r: impl Read) -> Result<Manifest, Error> {
    let value: serde_json::Value =
        serde_json::from_reader(r).map_err(|e| Error::model_file(MANIFEST_FILE, e))?;
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
        serde_json::from_value(value).map_err(|e| Error::model_file(MANIFEST_FILE, e))?;
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

/// Writes the manifest as pretty JSON with a final newline.
pub(crate) fn write(manifest: &Manifest, mut w: impl Write) -> Result<(), Error> {
    let cannot_write = |e| Error::io(format!("cannot write {MANIFEST_FILE}"), e);
    let json = serde_json::to_vec_pretty(manifest).map_err(|e| cannot_write(e.into()))?;
    w.write_all(&json)
        .and_then(|()| w.write_all(b"\n"))
        .map_err(cannot_write)
}
