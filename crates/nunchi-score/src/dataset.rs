//! Labeled examples: rows of text and label → [`Example`]s, with counted warnings that
//! name lines. Reading the rows from files (any table format) is `nunchi-table`'s job; this
//! module decides what a row's text and label make.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::label::Label;

/// One labeled post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The post.
    pub text: String,
    /// Its label.
    pub label: Label,
    /// 1-based line number in the source file (0 when not from a file).
    pub line: u64,
}

/// How label strings map to [`Label`]s. Matching ignores surrounding whitespace and case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMapping {
    pairs: Vec<(String, Label)>,
}

impl LabelMapping {
    /// `0`/`1` for negative/positive (NSMC, KoBEST), plus the names `negative`, `neutral`,
    /// `positive` and `neg`, `neu`, `pos`.
    pub fn binary_digits_and_names() -> Self {
        let mut pairs = vec![("0".into(), Label::Negative), ("1".into(), Label::Positive)];
        pairs.extend(Self::names().pairs);
        LabelMapping { pairs }
    }

    /// The names `negative`, `neutral`, `positive` and `neg`, `neu`, `pos` only.
    pub fn names() -> Self {
        let mut pairs = Vec::new();
        for label in Label::ALL {
            pairs.push((label.as_str().to_owned(), label));
            pairs.push((label.as_str()[..3].to_owned(), label));
        }
        LabelMapping { pairs }
    }

    /// `-1`, `0`, `1` for negative, neutral, positive.
    pub fn signed() -> Self {
        LabelMapping {
            pairs: vec![
                ("-1".into(), Label::Negative),
                ("0".into(), Label::Neutral),
                ("1".into(), Label::Positive),
            ],
        }
    }

    /// A custom mapping, e.g. `[("1", Negative), ("3", Neutral), ("5", Positive)]`.
    pub fn custom(pairs: impl IntoIterator<Item = (String, Label)>) -> Self {
        LabelMapping {
            pairs: pairs.into_iter().collect(),
        }
    }

    /// The label for `raw`, if mapped.
    pub fn map(&self, raw: &str) -> Option<Label> {
        let raw = raw.trim();
        self.pairs
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(raw))
            .map(|&(_, label)| label)
    }
}

impl Default for LabelMapping {
    fn default() -> Self {
        Self::binary_digits_and_names()
    }
}

/// What kind of problem a [`DataWarning`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// The text is empty or only whitespace; the row was skipped.
    EmptyText,
    /// The label is not in the mapping, or missing; the row was skipped.
    UnknownLabel,
    /// The row could not be read (too few or too many fields, not UTF-8, too long, not a
    /// JSON object); it was skipped.
    Unreadable,
    /// The same text occurred earlier with the same label; the row was dropped.
    Duplicate,
    /// The same text occurs with different labels; all its rows were dropped.
    ConflictingLabels,
}

/// A problem with one row of the data, which was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataWarning {
    /// 1-based line number.
    pub line: u64,
    /// The kind of problem.
    pub kind: WarningKind,
    /// A human-readable explanation.
    pub message: String,
}

impl std::fmt::Display for DataWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Counts of warnings by kind.
pub fn count_warnings(warnings: &[DataWarning]) -> BTreeMap<WarningKind, usize> {
    let mut counts = BTreeMap::new();
    for w in warnings {
        *counts.entry(w.kind).or_insert(0) += 1;
    }
    counts
}

/// The examples read from a file and the rows that were skipped.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The usable examples, in file order.
    pub examples: Vec<Example>,
    /// One warning per skipped row.
    pub warnings: Vec<DataWarning>,
}

impl Dataset {
    /// Adds the row on `line` with its text and label as read (`None` when missing): an
    /// example, or a warning when the label is not in `labels` or the text is empty.
    ///
    /// ```
    /// use nunchi_score::dataset::{Dataset, LabelMapping, WarningKind};
    /// use nunchi_score::Label;
    ///
    /// let mut dataset = Dataset::default();
    /// let labels = LabelMapping::default();
    /// dataset.push(2, Some("재밌어요"), Some("1"), &labels);
    /// dataset.push(3, Some("  "), Some("0"), &labels);
    /// dataset.push(4, Some("별로"), Some("7"), &labels);
    /// assert_eq!(dataset.examples[0].label, Label::Positive);
    /// let kinds: Vec<_> = dataset.warnings.iter().map(|w| (w.line, w.kind)).collect();
    /// assert_eq!(kinds, [(3, WarningKind::EmptyText), (4, WarningKind::UnknownLabel)]);
    /// ```
    pub fn push(
        &mut self,
        line: u64,
        text: Option<&str>,
        label: Option<&str>,
        labels: &LabelMapping,
    ) {
        let Some(label) = label.and_then(|raw| labels.map(raw)) else {
            let message = match label {
                Some(raw) => format!("unknown label {raw:?}"),
                None => "no label".to_owned(),
            };
            return self.warn(line, WarningKind::UnknownLabel, message);
        };
        match text {
            Some(text) if !text.trim().is_empty() => self.examples.push(Example {
                text: text.to_owned(),
                label,
                line,
            }),
            _ => self.warn(line, WarningKind::EmptyText, "empty text".into()),
        }
    }

    /// Adds the row on `line` as a table reader gives it: its text and label as read, as
    /// [`Dataset::push`] takes them, or the reason it could not be read (a warning).
    pub fn add(
        &mut self,
        line: u64,
        row: Result<(Option<&str>, Option<&str>), &str>,
        labels: &LabelMapping,
    ) {
        match row {
            Ok((text, label)) => self.push(line, text, label, labels),
            Err(reason) => self.warn(line, WarningKind::Unreadable, reason.to_owned()),
        }
    }

    fn warn(&mut self, line: u64, kind: WarningKind, message: String) {
        self.warnings.push(DataWarning {
            line,
            kind,
            message,
        });
    }
}

/// Drops exact duplicate texts (keeping the first) and every row of a text that occurs with
/// different labels, returning the kept examples and a warning per dropped row.
pub fn deduplicate(examples: &[Example]) -> (Vec<Example>, Vec<DataWarning>) {
    let mut labels_by_text: HashMap<&str, (Label, bool)> = HashMap::new();
    for e in examples {
        labels_by_text
            .entry(e.text.trim())
            .and_modify(|(first, conflict)| *conflict |= *first != e.label)
            .or_insert((e.label, false));
    }
    let mut seen: HashMap<&str, u64> = HashMap::new();
    let mut kept = Vec::with_capacity(examples.len());
    let mut warnings = Vec::new();
    for e in examples {
        let text = e.text.trim();
        if labels_by_text[text].1 {
            warnings.push(DataWarning {
                line: e.line,
                kind: WarningKind::ConflictingLabels,
                message: format!("text also occurs with another label: {:?}", truncate(text)),
            });
        } else if let Some(first) = seen.get(text) {
            warnings.push(DataWarning {
                line: e.line,
                kind: WarningKind::Duplicate,
                message: format!("duplicate of line {first}"),
            });
        } else {
            seen.insert(text, e.line);
            kept.push(e.clone());
        }
    }
    (kept, warnings)
}

fn truncate(text: &str) -> &str {
    match text.char_indices().nth(40) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_labels_and_texts_are_warnings() {
        let mut dataset = Dataset::default();
        let labels = LabelMapping::names();
        dataset.push(2, None, Some("pos"), &labels);
        dataset.push(3, Some("좋다"), None, &labels);
        dataset.push(4, Some("좋다"), Some(" POSITIVE "), &labels);
        dataset.add(5, Err("2 fields, expected 3"), &labels);
        let kinds: Vec<_> = dataset.warnings.iter().map(|w| (w.line, w.kind)).collect();
        assert_eq!(
            kinds,
            [
                (2, WarningKind::EmptyText),
                (3, WarningKind::UnknownLabel),
                (5, WarningKind::Unreadable)
            ]
        );
        assert_eq!(dataset.examples.len(), 1);
        assert_eq!(dataset.examples[0].label, Label::Positive);
    }

    #[test]
    fn deduplicate_drops_repeats_and_conflicts() {
        let ex = |text: &str, label, line| Example {
            text: text.into(),
            label,
            line,
        };
        let examples = [
            ex("a", Label::Positive, 2),
            ex("b", Label::Negative, 3),
            ex("a", Label::Positive, 4),
            ex("c", Label::Negative, 5),
            ex("c", Label::Positive, 6),
        ];
        let (kept, warnings) = deduplicate(&examples);
        assert_eq!(kept.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3]);
        let kinds: Vec<_> = warnings.iter().map(|w| (w.line, w.kind)).collect();
        assert_eq!(
            kinds,
            [
                (4, WarningKind::Duplicate),
                (5, WarningKind::ConflictingLabels),
                (6, WarningKind::ConflictingLabels)
            ]
        );
    }
}
