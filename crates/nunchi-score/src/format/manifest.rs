//! `manifest.json`: read bounded, parsed, version-checked and validated before anything else
//! is read.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::manifest::Manifest;

use super::files::Files;
use super::{FORMAT_VERSION, MANIFEST_FILE};

/// Largest manifest read: a few kilobytes in practice.
const MAX_MANIFEST_BYTES: u64 = 1 << 20;

/// Reads, parses and checks the manifest: format version, every field present, every value
/// valid, and the `files` section that binds the other files to it.
pub(super) fn read(r: impl Read) -> Result<(Manifest, Files), Error> {
    let mut bytes = Vec::new();
    r.take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(format!("cannot read {MANIFEST_FILE}"), e))?;
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(Error::invalid(
            MANIFEST_FILE,
            format!("larger than {MAX_MANIFEST_BYTES} bytes: not a manifest"),
        ));
    }
    let mut value: Value =
        serde_json::from_slice(&bytes).map_err(|e| Error::model_file(MANIFEST_FILE, e))?;
    let Some(fields) = value.as_object_mut() else {
        return Err(Error::invalid(MANIFEST_FILE, "not a JSON object"));
    };
    check_version(fields.get("format_version"))?;
    let files = fields.remove("files").ok_or_else(|| {
        Error::invalid(
            MANIFEST_FILE,
            "no field files (the lengths and checksums of weights.bin and lexicon.tsv)",
        )
    })?;
    let files = Files::deserialize(&files).map_err(|e| Error::model_file(MANIFEST_FILE, e))?;
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
    manifest
        .validate()
        .map_err(|problem| Error::invalid(MANIFEST_FILE, problem))?;
    Ok((manifest, files))
}

/// The format version must be there, a whole number, and this build's.
fn check_version(version: Option<&Value>) -> Result<(), Error> {
    let version = version
        .ok_or_else(|| Error::invalid(MANIFEST_FILE, "no format_version: not a nunchi manifest"))?;
    let found = version.as_u64().ok_or_else(|| {
        Error::invalid(
            MANIFEST_FILE,
            format!("format_version {version} is not a version number"),
        )
    })?;
    if found != u64::from(FORMAT_VERSION) {
        return Err(Error::UnsupportedVersion {
            file: MANIFEST_FILE.into(),
            found,
            expected: FORMAT_VERSION,
        });
    }
    Ok(())
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

/// The manifest as written: its fields, then the files it binds.
#[derive(Serialize)]
struct Written<'a> {
    #[serde(flatten)]
    manifest: &'a Manifest,
    files: &'a Files,
}

/// Writes the manifest, binding `files` to it, as pretty JSON with a final newline.
pub(super) fn write(manifest: &Manifest, files: &Files, mut w: impl Write) -> Result<(), Error> {
    let cannot_write = |e| Error::io(format!("cannot write {MANIFEST_FILE}"), e);
    let json = serde_json::to_vec_pretty(&Written { manifest, files })
        .map_err(|e| cannot_write(e.into()))?;
    w.write_all(&json)
        .and_then(|()| w.write_all(b"\n"))
        .map_err(cannot_write)
}
