//! Golden snapshots: real Korean sentences and the analysis expected for each.
//!
//! `tests/golden/NAME.txt` holds sentences, one a line (lines starting with `# ` are
//! comments); `tests/golden/NAME.json` holds the expected analysis of each sentence: its
//! tokens with surface, span in the sentence, first POS tag and morphemes with base forms
//! ([`TokenInfo`]), one token a line.
//!
//! The test fails on any difference and prints a line diff per file, one token a line
//! (`N|  surface  start..end  POS  form/TAG+form/TAG`, N numbering the sentences). When a change is intended, rewrite the
//! expected files and review the diff before committing it:
//!
//! ```text
//! NUNCHI_BLESS=1 cargo test -p nunchi-tokenizer --test golden
//! git diff crates/nunchi-tokenizer/tests/golden
//! ```
//!
//! `social.txt` gathers what the normaliser decides (laughter, repeated runs, emoji, URLs,
//! mentions, hashtags); elsewhere only the odd emoticon, mention or `....` depends on it, and
//! the rest on the dictionary and the lattice.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use nunchi_tokenizer::{TokenInfo, Tokenizer};
use serde::Deserialize;
use similar::TextDiff;

const GOLDEN_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");

/// The expected analysis of one sentence.
#[derive(Debug, PartialEq, Deserialize)]
struct Snapshot {
    text: String,
    tokens: Vec<TokenInfo>,
}

fn sentences(input: &str) -> impl Iterator<Item = &str> {
    input
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with("# "))
}

/// Writes snapshots as JSON with one token a line, so that a changed token is one changed
/// line in `git diff`.
fn to_json(snapshots: &[Snapshot]) -> String {
    let mut out = String::from("[\n");
    for (i, snapshot) in snapshots.iter().enumerate() {
        let text = serde_json::to_string(&snapshot.text).expect("string");
        let _ = write!(out, "  {{\n    \"text\": {text},\n    \"tokens\": [\n");
        for (j, token) in snapshot.tokens.iter().enumerate() {
            let token = serde_json::to_string(token).expect("token");
            let comma = if j + 1 < snapshot.tokens.len() {
                ","
            } else {
                ""
            };
            let _ = writeln!(out, "      {token}{comma}");
        }
        let comma = if i + 1 < snapshots.len() { "," } else { "" };
        let _ = writeln!(out, "    ]\n  }}{comma}");
    }
    out.push_str("]\n");
    out
}

/// One line per token, for reading a diff; each line starts with its sentence's number, as
/// a diff hunk may not show the sentence itself.
fn render(snapshots: &[Snapshot]) -> String {
    let mut out = String::new();
    for (number, snapshot) in snapshots.iter().enumerate() {
        let number = number + 1;
        let _ = writeln!(out, "{number}: {}", snapshot.text);
        for token in &snapshot.tokens {
            let morphemes: Vec<String> = token
                .morphemes
                .iter()
                .map(|m| format!("{}/{}", m.form, m.tag))
                .collect();
            let _ = writeln!(
                out,
                "{number}|\t{}\t{}..{}\t{}\t{}",
                token.surface,
                token.span.start,
                token.span.end,
                token.pos,
                morphemes.join("+")
            );
        }
    }
    out
}

/// Checks what must hold whatever the snapshot says: spans lie in the sentence, on
/// character boundaries, in order and without overlap.
fn check_spans(snapshot: &Snapshot) -> Result<(), String> {
    let mut previous_end = 0;
    for token in &snapshot.tokens {
        let (start, end) = (token.span.start, token.span.end);
        let valid = previous_end <= start
            && start < end
            && snapshot.text.is_char_boundary(start)
            && snapshot.text.get(start..end).is_some();
        if !valid {
            return Err(format!(
                "token {:?} has span {start}..{end} out of order or off the text of {:?}",
                token.surface, snapshot.text
            ));
        }
        previous_end = end;
    }
    Ok(())
}

fn golden_inputs() -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(GOLDEN_DIR)
        .expect("tests/golden")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    inputs.sort();
    inputs
}

/// Compares one file's analysis with its snapshot (or rewrites the snapshot); returns a
/// description of what differs.
fn check_file(tokenizer: &Tokenizer, input: &Path, bless: bool) -> Option<String> {
    let text = std::fs::read_to_string(input).expect("golden input");
    let actual: Vec<Snapshot> = sentences(&text)
        .map(|sentence| Snapshot {
            text: sentence.to_owned(),
            tokens: tokenizer.tokenize(sentence).expect("analysis"),
        })
        .collect();
    let name = input
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let problems: Vec<String> = actual.iter().filter_map(|s| check_spans(s).err()).collect();
    if !problems.is_empty() {
        return Some(format!("{name}: {}", problems.join("\n")));
    }

    let expected_path = input.with_extension("json");
    if bless {
        std::fs::write(&expected_path, to_json(&actual)).expect("write snapshot");
        return None;
    }
    let expected: Vec<Snapshot> = match std::fs::read_to_string(&expected_path) {
        Ok(json) => serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display())),
        Err(_) => {
            return Some(format!(
                "{name}: no {} (run with NUNCHI_BLESS=1 to create it)",
                expected_path.display()
            ));
        }
    };
    if expected == actual {
        return None;
    }
    let (expected, actual) = (render(&expected), render(&actual));
    let diff = TextDiff::from_lines(&expected, &actual)
        .unified_diff()
        .context_radius(2)
        .header("expected", "actual")
        .to_string();
    Some(format!("{name} differs:\n{diff}"))
}

#[test]
fn analyses_match_the_golden_snapshots() {
    let bless = std::env::var_os("NUNCHI_BLESS").is_some_and(|v| v == "1");
    let tokenizer = Tokenizer::new().expect("embedded dictionary");
    let inputs = golden_inputs();
    assert!(inputs.len() >= 7, "golden inputs missing from {GOLDEN_DIR}");
    let failures: Vec<String> = inputs
        .iter()
        .filter_map(|input| check_file(&tokenizer, input, bless))
        .collect();
    assert!(
        failures.is_empty(),
        "{}\n\nIf the change is intended: NUNCHI_BLESS=1 cargo test -p nunchi-tokenizer \
         --test golden, then review `git diff` of tests/golden.",
        failures.join("\n\n")
    );
}
