//! `weights.bin`: magic, layout version, shape, quantisation step, the non-zero rows
//! (varint index deltas, `i16` steps), CRC-32 of everything before it.

use crate::error::Error;
use crate::weights::Weights;

use super::WEIGHTS_FILE;

/// First bytes of `weights.bin`.
pub const WEIGHTS_MAGIC: &[u8; 8] = b"NUNCHIWT";

/// Version of the `weights.bin` layout (apart from the model's [`super::FORMAT_VERSION`]:
/// a manifest change leaves the weights file as it was).
pub const WEIGHTS_VERSION: u32 = 1;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Encodes `weights.bin`.
pub(crate) fn encode(weights: &Weights) -> Vec<u8> {
    let outputs = weights.outputs;
    let dimension = weights.steps.len() / outputs;
    let rows = weights.stored_rows();
    let mut out = Vec::with_capacity(32 + rows * (1 + 2 * outputs));
    out.extend_from_slice(WEIGHTS_MAGIC);
    for v in [
        WEIGHTS_VERSION,
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
pub(crate) fn decode(bytes: &[u8], dimension: usize, outputs: usize) -> Result<Weights, Error> {
    let invalid = |m: &str| Error::invalid(WEIGHTS_FILE, m);
    if bytes.len() < WEIGHTS_MAGIC.len() || &bytes[..WEIGHTS_MAGIC.len()] != WEIGHTS_MAGIC {
        return Err(invalid("not a nunchi weights file (wrong magic bytes)"));
    }
    let mut header = Cursor {
        bytes,
        at: WEIGHTS_MAGIC.len(),
    };
    let version = header.u32()?;
    if version != WEIGHTS_VERSION {
        return Err(Error::UnsupportedVersion {
            file: WEIGHTS_FILE.into(),
            found: version.into(),
            expected: WEIGHTS_VERSION,
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
    // Each row takes at least a one-byte index delta and its steps.
    if rows.saturating_mul(1 + 2 * outputs) > body.len() - c.at {
        return Err(invalid("fewer bytes than its rows need"));
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
    Ok(Weights {
        steps,
        step,
        outputs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Weights {
        let mut w = vec![0f32; 3 * 40];
        w[0] = 0.5;
        w[7] = -1.25;
        w[3 * 39 + 2] = 0.001;
        w[3 * 20 + 1] = 2.0;
        Weights::quantize(&w, 3, 0.0)
    }

    #[test]
    fn weights_round_trip_exactly() {
        let q = sample();
        assert_eq!(q.stored_rows(), 4);
        assert_eq!(decode(&encode(&q), 40, 3).unwrap(), q);
        assert!(decode(&encode(&q), 41, 3).is_err());
        assert!(decode(&encode(&q), 40, 1).is_err());
        assert!((q.to_f32()[7] + 1.25).abs() < 1e-4);
    }

    #[test]
    fn every_corruption_is_a_typed_error() {
        let bytes = encode(&sample());
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x10;
            assert!(decode(&flipped, 40, 3).is_err(), "flip at {i}");
        }
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len], 40, 3).is_err(), "truncated to {len}");
        }
        let mut version = bytes.clone();
        version[8] = 9;
        assert!(matches!(
            decode(&version, 40, 3),
            Err(Error::UnsupportedVersion { found: 9, .. })
        ));
    }
}
