//! `manifest.json`: parsed, version-checked and validated before anything else is read.

use std::io::{Read, Write};

use serde::Deserialize;
use serde_json::Value;

use crate::error::Error;
use crate::label::Label;
use crate::manifest::Manifest;

use super::{FORMAT_VERSION, MANIFEST_FILE};

/// Parses and checks the manifest.
pub(crate) fn read(r: impl Read) -> Result<Manifest, Error> {
    let value: Value =
        serde_json::from_reader(r).map_err(|e| Error::model_file(MANIFEST_FILE, e))?;
    let version = value
        .get("format_version")
        .and_then(Value::as_u64)
        .ok_or_else(|| Error::invalid(MANIFEST_FILE, "no format_version"))?;
    if version != u64::from(FORMAT_VERSION) {
        return Err(Error::UnsupportedVersion {
            file: MANIFEST_FILE.into(),
            found: u32::try_from(version).unwrap_or(u32::MAX),
            expected: FORMAT_VERSION,
        });
    }
    let manifest =
        Manifest::deserialize(&value).map_err(|e| Error::model_file(MANIFEST_FILE, e))?;
    let written =
        serde_json::to_value(&manifest).map_err(|e| Error::model_file(MANIFEST_FILE, e))?;
    if let Some(field) = first_missing_field(&value, &written) {
        return Err(Error::invalid(
            MANIFEST_FILE,
            format!("no field {field} (a manifest states every setting; none is defaulted)"),
        ));
    }
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

/// The first field, as a dotted path, that `written` (the manifest as it writes itself) has
/// and `read` lacks: a field that deserialising filled in with its default.
fn first_missing_field(read: &Value, written: &Value) -> Option<String> {
    match (read, written) {
        (Value::Object(read), Value::Object(written)) => {
            written.iter().find_map(|(key, w)| match read.get(key) {
                None => Some(key.clone()),
                Some(r) => first_missing_field(r, w).map(|inner| format!("{key}.{inner}")),
            })
        }
        (Value::Array(read), Value::Array(written)) => read
            .iter()
            .zip(written)
            .enumerate()
            .find_map(|(i, (r, w))| first_missing_field(r, w).map(|inner| format!("{i}.{inner}"))),
        _ => None,
    }
}

/// Writes the manifest as pretty JSON with a final newline.
pub(crate) fn write(manifest: &Manifest, mut w: impl Write) -> Result<(), Error> {
    let cannot_write = |e| Error::io(format!("cannot write {MANIFEST_FILE}"), e);
    let json = serde_json::to_vec_pretty(manifest).map_err(|e| cannot_write(e.into()))?;
    w.write_all(&json)
        .and_then(|()| w.write_all(b"\n"))
        .map_err(cannot_write)
}
