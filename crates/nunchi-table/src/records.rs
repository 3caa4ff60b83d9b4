//! Reading delimited records with bounded memory.
//!
//! Built on `csv-core` rather than `csv::Reader` because the latter grows a record without
//! limit: one unclosed quote near the top of a multi-GB dump would make the rest of the file
//! a single field held in memory. Here a record stores at most `record_limit` bytes; past
//! that (or past the field limit) the parser keeps running so that the next record starts in
//! the right place, but the bytes are dropped and the record is marked defective.

use std::io::{self, BufRead};

/// Why a record was only partly kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defect {
    /// Field `index` (0-based) is longer than the field limit.
    FieldTooLarge {
        /// The field.
        index: usize,
    },
    /// The whole record is longer than the record limit.
    RecordTooLarge,
    /// The record has more fields than could possibly be right.
    TooManyFields,
    /// The input ended inside a quoted field: a quote was opened and never closed.
    UnclosedQuote,
}

/// One record as read: its fields' bytes (unquoted), where it starts, and whether it was cut.
#[derive(Debug, Clone)]
pub struct Record {
    /// Line (1-based, counting `\n`) on which the record starts.
    pub line: u64,
    /// Line on which the record ends (differs for fields with embedded newlines).
    pub end_line: u64,
    /// Number of fields the record has (all of them, even if not all were kept).
    pub field_count: usize,
    /// Bytes of field data the record has (all of them, even if not all were kept).
    pub byte_count: u64,
    /// Set when the record was too large to keep whole; `fields` is then a prefix.
    pub defect: Option<Defect>,
    /// Whether a quoted field goes on after its closing quote (`"a" b`): CSV quoting then
    /// drops the quotes, which is wrong for files whose quotes are plain text (NSMC).
    pub text_after_quote: bool,
    /// Whether a field, once unquoted, is itself a quoted field (`"""a "" b"""` reads as
    /// `"a "" b"`): quoted twice, as NSMC's texts are, whose quotes are plain text.
    pub quoted_twice: bool,
    data: Vec<u8>,
    ends: Vec<usize>,
}

impl Record {
    /// The fields that were kept (all of them unless `defect` is set).
    pub fn fields(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        split_fields(&self.data, &self.ends)
    }

    /// Field `index` (0-based), if it was kept.
    pub fn field(&self, index: usize) -> Option<&[u8]> {
        let end = *self.ends.get(index)?;
        let start = index.checked_sub(1).map_or(0, |before| self.ends[before]);
        Some(&self.data[start..end])
    }

    /// Bytes of field data held in memory.
    pub fn kept_bytes(&self) -> usize {
        self.data.len()
    }
}

/// The fields of a record's `data`, which end at `ends`.
fn split_fields<'a>(
    data: &'a [u8],
    ends: &'a [usize],
) -> impl ExactSizeIterator<Item = &'a [u8]> + 'a {
    let mut start = 0;
    ends.iter().map(move |&end| {
        let field = &data[start..end];
        start = end;
        field
    })
}

/// Whether `field` reads as a CSV quoted field: `"`, text with only doubled quotes, `"`.
fn is_quoted_field(field: &[u8]) -> bool {
    let Some(inner) = field
        .strip_prefix(b"\"")
        .and_then(|rest| rest.strip_suffix(b"\""))
    else {
        return false;
    };
    let mut bytes = inner.iter();
    while let Some(&byte) = bytes.next() {
        if byte == b'"' && bytes.next() != Some(&b'"') {
            return false;
        }
    }
    true
}

/// How records are delimited and how much of one is kept.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest field, in bytes.
    pub field_bytes: usize,
    /// Longest record, in bytes of field data.
    pub record_bytes: usize,
    /// Most fields in a record.
    pub fields: usize,
}

/// Reads records one at a time from a byte stream.
pub struct RecordReader<R> {
    input: R,
    parser: csv_core::Reader,
    limits: Limits,
    quoting: bool,
    /// Where output goes once a record is over its limit.
    discard: Vec<u8>,
    discard_ends: Vec<usize>,
    /// Where a record is parsed before it is copied out at its exact size: a record that
    /// kept a growable buffer would hold 4 KiB or more for a 100-byte post, and thousands
    /// of records are in flight.
    scratch: Vec<u8>,
    scratch_ends: Vec<usize>,
    /// Follows the raw bytes to spot text after a closing quote, which csv-core accepts
    /// silently (`None` without quoting).
    quotes: Option<QuoteLint>,
    finished: bool,
}

impl<R: BufRead> RecordReader<R> {
    /// A reader of `delimiter`-separated records; `quoting` false reads `"` as a plain
    /// character (NSMC-style files).
    pub fn new(input: R, delimiter: u8, quoting: bool, limits: Limits) -> Self {
        let parser = csv_core::ReaderBuilder::new()
            .delimiter(delimiter)
            .quoting(quoting)
            .build();
        RecordReader {
            input,
            parser,
            limits,
            quoting,
            discard: vec![0; 64 * 1024],
            discard_ends: vec![0; 1024],
            scratch: Vec::new(),
            scratch_ends: Vec::new(),
            quotes: quoting.then(|| QuoteLint::new(delimiter)),
            finished: false,
        }
    }

    /// Changes the limits for the records that follow (once the header says how many
    /// columns there are).
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// The next record, or `None` at the end of input.
    ///
    /// # Errors
    ///
    /// Reading the input failed (an I/O error, or corrupt compressed data).
    pub fn read(&mut self) -> io::Result<Option<Record>> {
        if self.finished {
            return Ok(None);
        }
        self.skip_blank_lines()?;
        let line = self.parser.line();
        let data = &mut self.scratch;
        let ends = &mut self.scratch_ends;
        let mut stored = 0; // bytes of `data` filled
        let mut field_count = 0; // fields completed so far
        let mut kept_ends = 0; // of which the ends are in `ends`
        let mut last_end = 0; // end of the last completed field, in record bytes
        let mut total = 0usize; // record bytes produced so far
        let mut defect = None;
        let mut last_byte = None; // of the real input
                                  // At the end of the input the parser is fed one synthetic `\n` first: outside quotes
                                  // it ends the record as the end of input would, inside a quoted field it is content,
                                  // which tells that a quote was never closed.
        let mut probed = false;
        let mut unclosed_quote = false;
        loop {
            let real = match self.input.fill_buf() {
                Ok(input) => input,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let probing = real.is_empty() && self.quoting && !probed;
            let input: &[u8] = if probing { b"\n" } else { real };
            probed |= probing;
            let keep = defect.is_none();
            if keep {
                if stored == data.len() {
                    let grown = (data.len() * 2).max(4096).min(self.limits.record_bytes + 1);
                    data.resize(grown.max(stored + 1), 0);
                }
                if field_count == ends.len() {
                    ends.resize((ends.len() * 2).max(8), 0);
                }
            }
            let (output, end_slots) = if keep {
                (&mut data[stored..], &mut ends[field_count..])
            } else {
                (&mut self.discard[..], &mut self.discard_ends[..])
            };
            let (result, nin, nout, nend) = self.parser.read_record(input, output, end_slots);
            let new_ends = if keep {
                &ends[field_count..field_count + nend]
            } else {
                &self.discard_ends[..nend]
            };
            for (offset, &end) in new_ends.iter().enumerate() {
                if defect.is_none() && end - last_end > self.limits.field_bytes {
                    defect = Some(Defect::FieldTooLarge {
                        index: field_count + offset,
                    });
                }
                last_end = end;
            }
            if probing {
                unclosed_quote = result != csv_core::ReadRecordResult::Record;
            } else {
                if nin > 0 {
                    last_byte = Some(input[nin - 1]);
                }
                if let Some(quotes) = &mut self.quotes {
                    quotes.feed(&input[..nin]);
                }
                self.input.consume(nin);
            }
            if keep {
                stored += nout;
            }
            total += nout;
            field_count += nend;
            if keep {
                kept_ends += nend;
            }
            if defect.is_none() {
                defect = if total - last_end > self.limits.field_bytes {
                    Some(Defect::FieldTooLarge { index: field_count })
                } else if total > self.limits.record_bytes {
                    Some(Defect::RecordTooLarge)
                } else if field_count > self.limits.fields {
                    Some(Defect::TooManyFields)
                } else {
                    None
                };
            }
            match result {
                csv_core::ReadRecordResult::Record => break,
                csv_core::ReadRecordResult::End => {
                    self.finished = true;
                    if field_count == 0 && total == 0 {
                        return Ok(None);
                    }
                    break;
                }
                // Buffers are grown (or swapped for the discard ones) at the top of the loop;
                // csv-core always ends a record on empty input, so this cannot spin.
                csv_core::ReadRecordResult::InputEmpty
                | csv_core::ReadRecordResult::OutputFull
                | csv_core::ReadRecordResult::OutputEndsFull => {}
            }
        }
        if unclosed_quote && defect.is_none() {
            defect = Some(Defect::UnclosedQuote);
        }
        // Keep only the ends of fields that lie wholly in the kept bytes.
        let kept_fields = ends[..kept_ends]
            .iter()
            .take_while(|&&end| end <= stored)
            .count();
        // The parser has counted the terminating `\n` (and the synthetic one), which are not
        // part of the record.
        let end_line = self.parser.line() - u64::from(probed) - u64::from(last_byte == Some(b'\n'));
        let text_after_quote = self.quotes.as_mut().is_some_and(QuoteLint::take);
        let quoted_twice = self.quoting
            && split_fields(&data[..stored], &ends[..kept_fields]).any(is_quoted_field);
        Ok(Some(Record {
            line,
            end_line,
            field_count,
            byte_count: total as u64,
            defect,
            text_after_quote,
            quoted_twice,
            data: data[..stored].to_vec(),
            ends: ends[..kept_fields].to_vec(),
        }))
    }

    /// Consumes line terminators between records, so that a record's line number is where
    /// its first byte is (csv-core would count a CRLF's `\n` towards the next record).
    fn skip_blank_lines(&mut self) -> io::Result<()> {
        loop {
            let input = match self.input.fill_buf() {
                Ok(input) => input,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let skipped = input
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
            let newlines = input[..skipped].iter().filter(|&&b| b == b'\n').count();
            let whole_buffer = skipped == input.len() && skipped > 0;
            self.input.consume(skipped);
            self.parser.set_line(self.parser.line() + newlines as u64);
            if !whole_buffer {
                return Ok(());
            }
        }
    }
}

/// Where [`QuoteLint`] is in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    /// At the start of a field.
    FieldStart,
    /// In a field that did not open with a quote.
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: its end, or the first of a doubled quote.
    QuoteInQuoted,
}

/// The CSV quoting state machine again, over the raw bytes csv-core consumed, to notice the
/// one thing csv-core accepts without a word: text after a field's closing quote.
#[derive(Debug, Clone)]
struct QuoteLint {
    delimiter: u8,
    state: QuoteState,
    seen: bool,
}

impl QuoteLint {
    fn new(delimiter: u8) -> Self {
        QuoteLint {
            delimiter,
            state: QuoteState::FieldStart,
            seen: false,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            let ends_field = byte == self.delimiter || byte == b'\n' || byte == b'\r';
            self.state = match (self.state, byte) {
                (QuoteState::Quoted, b'"') => QuoteState::QuoteInQuoted,
                (QuoteState::Quoted, _) => QuoteState::Quoted,
                (QuoteState::QuoteInQuoted, b'"') => QuoteState::Quoted,
                (_, _) if ends_field => QuoteState::FieldStart,
                (QuoteState::FieldStart, b'"') => QuoteState::Quoted,
                (QuoteState::QuoteInQuoted, _) => {
                    self.seen = true;
                    QuoteState::Unquoted
                }
                (QuoteState::FieldStart | QuoteState::Unquoted, _) => QuoteState::Unquoted,
            };
        }
    }

    /// Whether text after a closing quote was seen since the last call.
    fn take(&mut self) -> bool {
        std::mem::take(&mut self.seen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        field_bytes: 100,
        record_bytes: 300,
        fields: 10,
    };

    fn read_all(input: &[u8], quoting: bool) -> Vec<Record> {
        let mut reader = RecordReader::new(input, b',', quoting, LIMITS);
        let mut records = Vec::new();
        while let Some(record) = reader.read().unwrap() {
            records.push(record);
        }
        records
    }

    fn fields(record: &Record) -> Vec<String> {
        record
            .fields()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect()
    }

    /// Regression: every record kept its 4 KiB parse buffer, so the ~28k records in flight
    /// held over 100 MB for 100-byte posts.
    #[test]
    fn records_hold_only_their_own_bytes() {
        let mut reader = RecordReader::new(&b"id,text\n1,short post\n"[..], b',', true, LIMITS);
        while let Some(record) = reader.read().unwrap() {
            assert!(record.data.capacity() <= 2 * record.data.len().max(8));
            assert!(record.ends.capacity() <= 2 * record.ends.len().max(2));
        }
    }

    #[test]
    fn reads_quoted_fields_with_newlines_and_counts_lines() {
        let records = read_all(b"id,text\r\n1,\"a\nb, \"\"c\"\"\"\r\n\r\n2,d\n3,e", true);
        assert_eq!(records.len(), 4);
        assert_eq!(fields(&records[1]), ["1", "a\nb, \"c\""]);
        assert_eq!(
            records.iter().map(|r| r.line).collect::<Vec<_>>(),
            [1, 2, 5, 6]
        );
        assert_eq!(records[1].end_line, 3);
        assert_eq!(fields(&records[3]), ["3", "e"]);
    }

    #[test]
    fn fields_by_index() {
        let records = read_all(b"a,,ccc\n", true);
        let field = |i| records[0].field(i);
        assert_eq!(
            (field(0), field(1), field(2), field(3)),
            (Some(&b"a"[..]), Some(&b""[..]), Some(&b"ccc"[..]), None)
        );
    }

    #[test]
    fn text_after_a_closing_quote_is_noticed_per_record() {
        let records = read_all(
            b"id,text\n1,\"\"\"a\"\" b\"\n2,\"quoted\" then text\n3,mid \"quote\" ok\n4,\"x\",\"y\"\n",
            true,
        );
        let flags: Vec<bool> = records.iter().map(|r| r.text_after_quote).collect();
        assert_eq!(flags, [false, false, true, false, false]);
        assert_eq!(fields(&records[2]), ["2", "quoted then text"]);
        let plain = read_all(b"id,text\n2,\"quoted\" then text\n", false);
        assert!(plain.iter().all(|r| !r.text_after_quote));
    }

    #[test]
    fn fields_quoted_twice_are_noticed() {
        // NSMC's texts were quoted twice upstream: once unquoted they are quoted still.
        let records = read_all(
            b"id,text\n1,\"\"\"a \"\"\"\"b\"\"\"\" c\"\"\"\n2,\"\"\"quote\"\" only at the start\"\n3,\"\"\n",
            true,
        );
        let flags: Vec<bool> = records.iter().map(|r| r.quoted_twice).collect();
        assert_eq!(flags, [false, true, false, false]);
        assert_eq!(fields(&records[1]), ["1", "\"a \"\"b\"\" c\""]);
        assert!(!read_all(b"id,text\n1,\"\"\"a\"\"\"\n", false)[1].quoted_twice);
    }

    #[test]
    fn without_quoting_quotes_are_text() {
        let records = read_all(b"id,text\n1,\"\"\"a\"\"\n", false);
        assert_eq!(fields(&records[1]), ["1", "\"\"\"a\"\""]);
    }

    #[test]
    fn oversized_field_keeps_a_consistent_prefix() {
        // The cut happens inside the second field, after the first one was kept.
        let mut input = b"a,".to_vec();
        input.extend(vec![b'x'; 5000]);
        let records = read_all(&input, true);
        let kept: Vec<&[u8]> = records[0].fields().collect();
        assert_eq!(kept, [&b"a"[..]]);
        assert_eq!(records[0].field_count, 2);
    }

    #[test]
    fn oversized_field_is_cut_and_reading_continues() {
        let mut input = b"id,text\n1,".to_vec();
        input.extend(vec![b'x'; 10_000]);
        input.extend(b"\n2,ok\n");
        let records = read_all(&input, true);
        assert_eq!(records.len(), 3);
        assert_eq!(records[1].defect, Some(Defect::FieldTooLarge { index: 1 }));
        assert_eq!(records[1].field_count, 2);
        assert_eq!(records[1].byte_count, 10_001);
        assert!(records[1].kept_bytes() <= LIMITS.record_bytes + 1);
        assert_eq!(
            (records[2].line, fields(&records[2])),
            (3, vec!["2".into(), "ok".into()])
        );
    }

    #[test]
    fn unclosed_quote_swallows_the_rest_in_bounded_memory() {
        let mut input = b"id,text\n1,\"open\n".to_vec();
        for i in 0..1000 {
            input.extend(format!("{i},line\n").bytes());
        }
        let records = read_all(&input, true);
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].line, 2);
        assert_eq!(records[1].end_line, 1002);
        assert!(records[1].defect.is_some());
        assert!(records[1].kept_bytes() <= LIMITS.record_bytes + 1);
    }

    #[test]
    fn quote_left_open_at_the_end_is_a_defect() {
        let records = read_all(b"id,text\n1,\"open\n2,more\n", true);
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].defect, Some(Defect::UnclosedQuote));
        assert_eq!((records[1].line, records[1].end_line), (2, 3));
        let closed = read_all(b"id,text\n1,\"a \"\"b\"\" \"\n2,x\"y\"\"", true);
        assert!(closed.iter().all(|r| r.defect.is_none()));
    }

    #[test]
    fn too_many_fields_is_a_defect() {
        let line = ",".repeat(50);
        let records = read_all(line.as_bytes(), true);
        assert_eq!(records[0].defect, Some(Defect::TooManyFields));
        assert_eq!(records[0].field_count, 51);
    }

    #[test]
    fn empty_input_has_no_records() {
        assert!(read_all(b"", true).is_empty());
        assert!(read_all(b"\r\n\n", true).is_empty());
    }
}
