//! Options shared by several commands, each group flattened only into the commands that take
//! it (so that a command's help lists only what it takes), and the exit-code texts of the
//! help pages.

use std::path::{Path, PathBuf};

use clap::Args;
use nunchi_table::{ColumnSpec, Format, InputPath, Output, ReadOptions};

/// How to read an input table (classify, trend, train, eval).
#[derive(Debug, Args)]
pub struct TableArgs {
    /// Input format [default: from the file's extension (.csv .tsv .tab .jsonl .ndjson
    /// .json .parquet, looking through .gz/.zst), else from the content: Parquet by its
    /// magic bytes, JSON Lines if it starts with `{`, else delimited text].
    #[arg(long, value_parser = parse_format, value_name = "FORMAT")]
    pub input_format: Option<Format>,
    /// Input delimiter: one character, or `tab` [default: detected from the header line and
    /// the file extension].
    #[arg(short, long, value_parser = parse_delimiter, value_name = "CHAR")]
    pub delimiter: Option<u8>,
    /// Read `"` as a plain character, not CSV quoting (for NSMC-style files).
    #[arg(long)]
    pub no_quoting: bool,
    /// Longest field (CSV/TSV) or value (JSON, Parquet) accepted, in bytes; longer ones
    /// reject their row.
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
    pub max_field_bytes: usize,
    /// Longest JSON line accepted, in bytes; longer ones are rejected without being held.
    #[arg(long, default_value_t = 16 << 20, value_name = "BYTES")]
    pub max_line_bytes: usize,
}

impl TableArgs {
    /// The read options these arguments give.
    pub fn options(&self) -> ReadOptions {
        let mut options = ReadOptions::default();
        options.format = self.input_format;
        options.delimiter = self.delimiter;
        options.quoting = !self.no_quoting;
        options.max_field_bytes = self.max_field_bytes.max(1);
        options.max_line_bytes = self.max_line_bytes.max(1);
        options
    }
}

/// Where rejected rows go (classify, trend).
#[derive(Debug, Args)]
pub struct RejectArgs {
    /// Write rejected rows to this CSV (line, reason, raw record) instead of listing them on
    /// stderr.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// Stop at the first rejected row (exit code 2) instead of going on; a file output is
    /// then not written.
    #[arg(long)]
    pub strict: bool,
}

/// How much a long run says on stderr (classify, trend).
#[derive(Debug, Args)]
pub struct QuietArg {
    /// No progress line, no summary and no notes on stderr (warnings and errors still).
    #[arg(short, long)]
    pub quiet: bool,
}

/// The one main output of a command that writes text.
#[derive(Debug, Args)]
pub struct OutputArg {
    /// Write the output to this file, atomically (a temporary file renamed at the end; a
    /// symlink's target is replaced, a device or FIFO written in place); stdout if absent
    /// or `-`.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Refuses outputs that name the same file (see [`Output::check_distinct`]): `main` is the
/// `-o` output (stdout if absent), `others` the other output flags given.
///
/// # Errors
///
/// Two of them name the same file.
pub fn check_outputs(
    main: Option<&Path>,
    others: &[(&str, Option<&Path>)],
) -> Result<(), nunchi_table::Error> {
    let mut outputs = vec![("-o", main.unwrap_or(Path::new("-")))];
    outputs.extend(
        others
            .iter()
            .filter_map(|&(flag, path)| path.map(|path| (flag, path))),
    );
    Output::check_distinct(&outputs)
}

/// Parses an input path: `-` is stdin.
pub fn parse_input(arg: &str) -> Result<InputPath, String> {
    Ok(InputPath::from_arg(arg))
}

/// Parses a column: a header name or dotted path, or a 1-based position.
pub fn parse_column(arg: &str) -> Result<ColumnSpec, String> {
    ColumnSpec::parse(arg)
}

/// Parses a table format name (csv, tsv, jsonl, parquet).
pub fn parse_format(arg: &str) -> Result<Format, String> {
    arg.parse()
}

/// Parses `--delimiter`: a single ASCII character, or `tab` / `\t`.
pub fn parse_delimiter(arg: &str) -> Result<u8, String> {
    match arg {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if arg.len() == 1 && arg.is_ascii() && arg != "\"" && arg != "\n" => {
            Ok(arg.as_bytes()[0])
        }
        _ => Err(format!(
            "{arg:?} is not a delimiter: give one ASCII character such as , or ; or the word tab"
        )),
    }
}

/// Exit codes of the commands that read a table of rows with `--errors` and `--strict`.
pub const TABLE_EXIT_CODES: &str = "\
Exit codes:
  0  success: every row was processed (also when stdout is closed early, e.g. by `| head`)
  1  fatal error: bad arguments, unreadable model, input or output; nothing is written under
     the output's name
  2  some rows were rejected (listed with --errors FILE, or on stderr) and the rest
     processed; with --strict, the run stopped at the first rejected row
  130, 143, 129  stopped by SIGINT, SIGTERM or SIGHUP: the outputs' temporary files are removed,
     nothing is written under their names";

/// Exit codes of `train` and `eval`, which skip rows they cannot use.
pub const LABELED_EXIT_CODES: &str = "\
Exit codes:
  0  success: every row was used
  1  fatal error: bad arguments, unreadable model, input or output; nothing is written under
     the output's name
  2  some rows were skipped (each named on stderr) and the rest used
  130, 143, 129  stopped by SIGINT, SIGTERM or SIGHUP: the outputs' temporary files are removed,
     nothing is written under their names";

/// Exit codes of the commands that take texts as arguments or stdin lines.
pub const TEXT_EXIT_CODES: &str = "\
Exit codes:
  0  success (also when stdout is closed early, e.g. by `| head`)
  1  fatal error: bad arguments, unreadable model, input or output
  2  some texts could not be processed (each named on stderr), the rest were
  130, 143, 129  stopped by SIGINT, SIGTERM or SIGHUP: the outputs' temporary files are removed,
     nothing is written under their names";

/// Exit codes of the commands that write one thing (lexicon export and merge).
pub const PLAIN_EXIT_CODES: &str = "\
Exit codes:
  0  success (also when stdout is closed early, e.g. by `| head`)
  1  fatal error: bad arguments, unreadable model, input or output; nothing is written under
     the output's name
  130, 143, 129  stopped by SIGINT, SIGTERM or SIGHUP: the outputs' temporary files are removed,
     nothing is written under their names";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_parse() {
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert!(parse_delimiter(",,").is_err());
        assert!(parse_delimiter("\"").is_err());
    }
}
