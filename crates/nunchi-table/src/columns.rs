//! Columns: how users name them (a header name, a 1-based position, a dotted JSON path),
//! what a command looks for when none is named, and the handle a name resolves to, once,
//! when a table is opened.

use std::fmt;

use crate::twitter::TwitterField;

/// A column as given on the command line: a name (for JSON Lines and nested Parquet
/// columns, a dotted path such as `data.text` or `user.screen_name`), or a 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnSpec {
    /// A header name or a dotted path.
    Name(String),
    /// A 1-based position.
    Position(usize),
}

impl ColumnSpec {
    /// Parses a command-line value: a 1-based position if all digits, else a name.
    ///
    /// # Errors
    ///
    /// The value is empty or the position 0.
    ///
    /// ```
    /// use nunchi_table::ColumnSpec;
    /// assert_eq!(ColumnSpec::parse("2"), Ok(ColumnSpec::Position(2)));
    /// assert_eq!(ColumnSpec::parse("data.text"), Ok(ColumnSpec::Name("data.text".into())));
    /// assert!(ColumnSpec::parse("0").is_err());
    /// ```
    pub fn parse(arg: &str) -> Result<Self, String> {
        if arg.is_empty() {
            return Err("give a column name or a 1-based position".into());
        }
        Ok(match arg.parse::<usize>() {
            Ok(0) => return Err("column positions start at 1".into()),
            Ok(position) => ColumnSpec::Position(position),
            Err(_) => ColumnSpec::Name(arg.to_owned()),
        })
    }
}

impl fmt::Display for ColumnSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnSpec::Name(name) => write!(f, "{name:?}"),
            ColumnSpec::Position(position) => write!(f, "{position}"),
        }
    }
}

/// What a column holds, for finding it when the user names none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// The post's text.
    Text,
    /// When it was posted.
    Time,
    /// Who posted it.
    Author,
}

impl Role {
    /// Header names tried, in order (any case), when no column is named.
    pub fn guesses(self) -> &'static [&'static str] {
        match self {
            Role::Text => &[
                "text", "document", "content", "body", "message", "post", "comment", "tweet",
                "review",
            ],
            Role::Time => &[
                "time",
                "timestamp",
                "created_at",
                "date",
                "datetime",
                "posted_at",
            ],
            Role::Author => &["author", "user", "username", "screen_name", "user_name"],
        }
    }

    /// What the column holds, for messages.
    pub fn what(self) -> &'static str {
        match self {
            Role::Text => "the text",
            Role::Time => "the time",
            Role::Author => "the author",
        }
    }

    /// The flag that names the column.
    pub fn flag(self) -> &'static str {
        match self {
            Role::Text => "--text-column",
            Role::Time => "--time-column",
            Role::Author => "--author-column",
        }
    }

    pub(crate) fn twitter(self) -> TwitterField {
        match self {
            Role::Text => TwitterField::Text,
            Role::Time => TwitterField::Time,
            Role::Author => TwitterField::Author,
        }
    }
}

/// A column of an opened table, resolved once: read it from rows with
/// [`Schema::value`](crate::Schema::value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub(crate) name: String,
    pub(crate) kind: ColumnKind,
}

/// How a column is found in a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    /// A CSV/TSV field, by 0-based index.
    Field(usize),
    /// A JSON value, by path of keys (or array indices) from the row's object.
    Path(Vec<String>),
    /// A JSON value found by Twitter's shapes (v2, v1.1), else by the role's names.
    Twitter(TwitterField, &'static [&'static str]),
    /// A Parquet column: the top-level column's index, then child indices through structs.
    Arrow(Vec<usize>),
}

impl Column {
    /// The column as messages name it: its header name or path (`data.text`), or
    /// `Twitter text` for the default JSON rules.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// `1="id", 2="text"`: a header listed for messages.
pub(crate) fn listing(names: &[String]) -> String {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| format!("{}={name:?}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first name that equals one of `guesses` (trimmed, any case), in guess order.
pub(crate) fn guess(names: &[String], guesses: &[&str]) -> Option<usize> {
    guesses.iter().find_map(|candidate| {
        names
            .iter()
            .position(|name| name.trim().eq_ignore_ascii_case(candidate))
    })
}
