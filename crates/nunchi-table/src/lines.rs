//! Reading lines with bounded memory: a line longer than the limit is consumed to its end
//! but only a prefix of it is kept, so one runaway line cannot fill memory.

use std::io::{self, BufRead};

/// One non-blank line.
#[derive(Debug)]
pub(crate) struct Line {
    /// 1-based line number.
    pub number: u64,
    /// The line without its terminator (and without a BOM on the first line); a prefix of
    /// `limit` bytes when the line is longer.
    pub bytes: Vec<u8>,
    /// The line's whole length, when it was longer than the limit.
    pub too_long: Option<u64>,
}

/// Reads the non-blank lines of a byte stream.
pub(crate) struct LineReader<R> {
    input: R,
    limit: usize,
    /// Lines consumed so far.
    lines: u64,
}

impl<R: BufRead> LineReader<R> {
    /// A reader keeping at most `limit` bytes of a line.
    pub fn new(input: R, limit: usize) -> Self {
        LineReader {
            input,
            limit,
            lines: 0,
        }
    }

    /// The next line that holds more than whitespace, or `None` at the end of the input.
    ///
    /// # Errors
    ///
    /// Reading the input failed.
    pub fn read(&mut self) -> io::Result<Option<Line>> {
        loop {
            let Some((mut bytes, length)) = self.read_raw()? else {
                return Ok(None);
            };
            self.lines += 1;
            if self.lines == 1 && bytes.starts_with(b"\xef\xbb\xbf") {
                bytes.drain(..3);
            }
            while matches!(bytes.last(), Some(b'\n' | b'\r')) {
                bytes.pop();
            }
            if bytes.iter().all(u8::is_ascii_whitespace) && length <= self.limit as u64 {
                continue;
            }
            return Ok(Some(Line {
                number: self.lines,
                too_long: (length > self.limit as u64).then_some(length),
                bytes,
            }));
        }
    }

    /// The next line's kept bytes (with its terminator) and whole length.
    fn read_raw(&mut self) -> io::Result<Option<(Vec<u8>, u64)>> {
        let mut kept = Vec::new();
        let mut length = 0u64;
        loop {
            let available = match self.input.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok((length > 0).then_some((kept, length)));
            }
            let (taken, ends) = match available.iter().position(|&b| b == b'\n') {
                Some(at) => (at + 1, true),
                None => (available.len(), false),
            };
            let room = (self.limit + 2).saturating_sub(kept.len());
            kept.extend_from_slice(&available[..taken.min(room)]);
            length += taken as u64;
            self.input.consume(taken);
            if ends {
                // The terminator is not part of the length compared with the limit.
                let terminator = 1 + u64::from(kept.ends_with(b"\r\n"));
                return Ok(Some((kept, length - terminator.min(length))));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8], limit: usize) -> Vec<(u64, String, Option<u64>)> {
        let mut reader = LineReader::new(input, limit);
        let mut lines = Vec::new();
        while let Some(line) = reader.read().unwrap() {
            lines.push((
                line.number,
                String::from_utf8_lossy(&line.bytes).into_owned(),
                line.too_long,
            ));
        }
        lines
    }

    #[test]
    fn numbers_lines_and_skips_blank_ones() {
        let lines = read_all(b"\xef\xbb\xbf{\"a\":1}\r\n\n  \n{\"b\":2}", 100);
        assert_eq!(
            lines,
            [
                (1, "{\"a\":1}".to_owned(), None),
                (4, "{\"b\":2}".to_owned(), None)
            ]
        );
    }

    #[test]
    fn a_long_line_keeps_a_prefix_and_the_next_line_is_whole() {
        let mut input = vec![b'x'; 10_000];
        input.extend(b"\n{\"ok\":true}\n");
        let lines = read_all(&input, 100);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].2, Some(10_000));
        assert!(lines[0].1.len() <= 102);
        assert_eq!(lines[1], (2, "{\"ok\":true}".to_owned(), None));
        // At the limit exactly is not too long.
        assert_eq!(read_all(&[b'y'; 100], 100)[0].2, None);
    }
}
