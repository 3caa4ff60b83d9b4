//! The crate's error type: what stops a whole table (a row's problems are
//! [`Rejection`](crate::Rejection)s instead).

use std::io;
use std::path::PathBuf;

/// Everything that makes an input unreadable or an output unwritable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input file cannot be opened.
    #[error("cannot open {name}: check the path and permissions")]
    Open {
        /// The input, as messages name it.
        name: String,
        /// What the system said.
        #[source]
        source: io::Error,
    },
    /// The input is a directory.
    #[error("{name} is a directory, not a file")]
    IsDirectory {
        /// The input.
        name: String,
    },
    /// Reading the input failed (an I/O error, or corrupt compressed data).
    #[error("cannot read {name}{after}")]
    Read {
        /// The input.
        name: String,
        /// Where reading stopped (` after line 12`), or empty.
        after: String,
        /// What failed.
        #[source]
        source: io::Error,
    },
    /// The input is compressed in a format that is not read.
    #[error(
        "{name} is {format}-compressed, which nunchi does not read (gzip and zstd it does): \
         decompress it first, e.g. `{command} FILE | nunchi ... -`"
    )]
    UnsupportedCompression {
        /// The input.
        name: String,
        /// The compression format.
        format: &'static str,
        /// The command that decompresses it.
        command: &'static str,
    },
    /// A delimited input has no header row.
    #[error("{name} is empty: expected a header row naming the columns")]
    Empty {
        /// The input.
        name: String,
    },
    /// The header row cannot be used.
    #[error("the header row of {name} {reason}")]
    Header {
        /// The input.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The header row is one column that holds another delimiter: the delimiter given is
    /// not the file's.
    #[error(
        "the header row of {name} is one column when split on {used}, and it holds {seen} \
         {count} time(s): the file looks {seen}-separated; pass `-d {seen}` (or leave out -d \
         to detect the delimiter)"
    )]
    WrongDelimiter {
        /// The input.
        name: String,
        /// The delimiter in use, described (`tab`, `','`).
        used: String,
        /// The delimiter seen in the header, as `-d` takes it.
        seen: String,
        /// How often it occurs in the header.
        count: usize,
    },
    /// A column named by the user is not in the input.
    #[error("no column {column} in {name} (columns: {columns})")]
    NoSuchColumn {
        /// The input.
        name: String,
        /// The column as given, quoted or as a position.
        column: String,
        /// The columns the input has.
        columns: String,
    },
    /// No column was given and none could be guessed.
    #[error(
        "which column of {name} holds {what}? None is named {guesses}; pass {flag} NAME \
         (columns: {columns})"
    )]
    UnknownColumn {
        /// The input.
        name: String,
        /// What the column holds (`the text`).
        what: &'static str,
        /// The names tried.
        guesses: String,
        /// The flag that names the column (`--text-column`).
        flag: &'static str,
        /// The columns the input has.
        columns: String,
    },
    /// A column's type cannot hold what it is asked for (a Parquet text column of numbers).
    #[error(
        "column {column:?} of {name} holds {found}, not text: pass the column that holds {what}"
    )]
    ColumnType {
        /// The input.
        name: String,
        /// The column.
        column: String,
        /// Its type.
        found: String,
        /// What it should hold.
        what: &'static str,
    },
    /// Parquet was given on standard input, which cannot seek.
    #[error(
        "{name} is Parquet, which cannot be read from a pipe (its index is at the end of the \
         file): pass the file's path instead"
    )]
    ParquetNotSeekable {
        /// The input.
        name: String,
    },
    /// A Parquet input cannot be read.
    #[error("cannot read the Parquet file {name}")]
    ParquetRead {
        /// The input.
        name: String,
        /// What failed.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// Arrow could not convert columns (reading or writing a batch).
    #[error("cannot convert the columns of {name}")]
    Arrow {
        /// The table.
        name: String,
        /// What failed.
        #[source]
        source: arrow_schema::ArrowError,
    },
    /// Writing an output failed.
    #[error("cannot write {name}")]
    Write {
        /// The output, as messages name it.
        name: String,
        /// What failed.
        #[source]
        source: io::Error,
    },
    /// Writing a Parquet output failed.
    #[error("cannot write Parquet to {name}")]
    ParquetWrite {
        /// The output.
        name: String,
        /// What failed.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// An output's temporary file cannot be created.
    #[error("cannot create a file in {dir}: check that the directory exists and is writable")]
    CreateOutput {
        /// The directory.
        dir: PathBuf,
        /// What failed.
        #[source]
        source: io::Error,
    },
    /// An output's name is a directory.
    #[error("cannot write {path}: it is a directory; name a file")]
    OutputIsDirectory {
        /// The output's name.
        path: PathBuf,
    },
    /// Stdout is closed or open for reading only, and the output was to go there.
    #[error(
        "standard output is closed or not writable: redirect it to a file, or name one with -o"
    )]
    StdoutNotWritable,
    /// A special file (a device, a FIFO) given as an output cannot be opened.
    #[error("cannot open {path} for writing")]
    OpenOutput {
        /// The output's name.
        path: PathBuf,
        /// What failed.
        #[source]
        source: io::Error,
    },
    /// Two outputs name the same file.
    #[error(
        "{first} and {second} both name {path}: one would overwrite the other; name two files"
    )]
    SameOutput {
        /// The flag of the first.
        first: String,
        /// The flag of the second.
        second: String,
        /// The file.
        path: PathBuf,
    },
    /// A finished output cannot be moved to its name.
    #[error("cannot write {path}")]
    Commit {
        /// The output's final name.
        path: PathBuf,
        /// What failed.
        #[source]
        source: io::Error,
    },
}
