//! One test per defect found in the wild, named after the defect (in the style of ripgrep's
//! `tests/regression.rs`). Each says where it was reported.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{nunchi, parse_table, repo_data, shared_data, tweets};
use predicates::prelude::*;

/// A CSV of `n` sample posts one hour apart, so that trend's series has a row per post.
fn hourly_posts(n: usize) -> String {
    let (_, rows) = parse_table(&std::fs::read(repo_data("sample/posts.csv")).unwrap(), b',');
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["created_at", "text"]).unwrap();
    for i in 0..n {
        let time = format!("{}", 1_741_910_400 + i as i64 * 3600);
        writer
            .write_record([time.as_str(), rows[i % rows.len()][3].as_str()])
            .unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// Issue 12, item 3: `trend | head -1` exited 1 ("Broken pipe"); a closed pipe is how a
/// reader says it has seen enough.
#[test]
fn trend_into_a_pipe_closed_early_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("posts.csv");
    // ~3,000 series rows: far more than a pipe holds, so writing meets the closed pipe.
    std::fs::write(&input, hourly_posts(3000)).unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("nunchi"))
        .args(["trend", "-q"])
        .arg(&input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("target,start,"), "{first}");
    // The reading end is dropped here, as `head -1` exits.
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Issue 12, item 3: with `--out-json` unwritable, trend exited 1 but left the series (and
/// episodes) it had written first.
#[test]
fn trend_writes_all_of_its_outputs_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("series.csv");
    let episodes = dir.path().join("episodes.csv");
    let chart_dir = dir.path().join("a-directory");
    std::fs::create_dir(&chart_dir).unwrap();
    for bad in [
        vec!["--out-json".into(), dir.path().join("missing/trend.json")],
        vec!["--chart".into(), chart_dir.clone()],
    ] {
        nunchi()
            .args(["trend", "-q"])
            .arg(repo_data("sample/posts.csv"))
            .arg("-o")
            .arg(&series)
            .arg("--out-episodes")
            .arg(&episodes)
            .args(&bad)
            .assert()
            .code(1);
        assert!(!series.exists() && !episodes.exists(), "after {bad:?}");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["a-directory"], "no temporary file left");
    }
    // All writable: all appear.
    nunchi()
        .args(["trend", "-q"])
        .arg(repo_data("sample/posts.csv"))
        .arg("-o")
        .arg(&series)
        .arg("--out-episodes")
        .arg(&episodes)
        .assert()
        .success();
    assert!(series.exists() && episodes.exists());
}

/// Issue 10: `-d tab` on a comma file exited 0 after scoring whole raw lines as text.
#[test]
fn a_tab_delimiter_on_a_comma_file_is_an_error_naming_the_comma() {
    nunchi()
        .args(["classify", "-d", "tab", "-"])
        .write_stdin("id,created_at,text\n1,2025-03-14,배송이 늦어요\n")
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("split on tab"))
        .stderr(predicate::str::contains("pass `-d ','`"));
}

/// Issue 10: forgetting `--no-quoting` on an NSMC file silently changed 233 test texts
/// (their quotes were read as CSV quoting).
#[test]
fn nsmc_texts_read_with_csv_quoting_are_pointed_out() {
    let nsmc = std::fs::read_to_string(shared_data("nsmc/ratings_test.txt")).unwrap();
    let head: String = nsmc
        .lines()
        .take(3000)
        .map(|line| format!("{line}\n"))
        .collect();
    let quoted = head
        .lines()
        .skip(1)
        .filter(|l| l.split('\t').nth(1).is_some_and(|t| t.starts_with('"')))
        .count();
    assert!(quoted > 1, "the first lines hold NSMC's quoted texts");
    nunchi()
        .args(["classify", "-q", "-"])
        .write_stdin(head.clone())
        .assert()
        .success()
        .stderr(predicate::str::contains("pass --no-quoting"))
        .stderr(predicate::str::contains(format!(
            "{quoted} rows looked quoted twice"
        )));
    nunchi()
        .args(["classify", "-q", "--no-quoting", "-"])
        .write_stdin(head)
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
}

/// Issue 10: one empty tweet made the whole run exit 2, breaking `set -e` pipelines.
#[test]
fn an_empty_tweet_is_classified_and_the_run_exits_0() {
    let tweets = tweets(3);
    let lines = format!(
        "{}\n{}\n{}\n",
        serde_json::json!({"data": {"id": "1", "text": tweets[0]}}),
        serde_json::json!({"data": {"id": "2", "text": ""}}),
        serde_json::json!({"data": {"id": "3", "text": tweets[1]}}),
    );
    nunchi()
        .args(["classify", "-q", "-"])
        .write_stdin(lines)
        .assert()
        .code(0);
}

/// Issue 10: classify refused its own `-o out.jsonl` (and trend did too): "which column
/// holds the text? 1=\"{\"id\": …".
#[test]
fn classify_and_trend_read_classify_json_lines_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    nunchi()
        .args(["classify", "-q", "--explain", "3"])
        .arg(repo_data("sample/posts.csv"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    nunchi()
        .args(["classify", "-q"])
        .arg(&out)
        .assert()
        .success();
    nunchi()
        .args(["trend", "-q", "--bucket", "1d"])
        .arg(&out)
        .assert()
        .success();
}

/// Issue 10: `trend` rejected `-o`.
#[test]
fn trend_takes_dash_o_for_its_series() {
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("series.csv");
    nunchi()
        .args(["trend", "-q", "--bucket", "1d"])
        .arg(repo_data("sample/posts.csv"))
        .arg("-o")
        .arg(&series)
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    assert!(std::fs::read_to_string(&series)
        .unwrap()
        .starts_with("target,start,"));
}

/// Issue 10: `score --help` listed `--errors` and `--strict`, which score lacks.
#[test]
fn help_lists_only_the_options_a_command_takes() {
    for command in ["score", "tokenize"] {
        nunchi()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("--errors").not())
            .stdout(predicate::str::contains("--strict").not())
            .stdout(predicate::str::contains("--output"));
    }
    nunchi()
        .args(["classify", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--errors"))
        .stdout(predicate::str::contains("--input-format"));
}

/// Issue 10: train and eval read through an unbounded csv::Reader, so --max-field-bytes
/// only capped their header and a field of any size was held.
#[test]
fn train_and_eval_bound_every_field_not_only_the_header() {
    let long = "좋아요 ".repeat(200); // 2,000 bytes
    let data = format!("id\tdocument\tlabel\n1\t재밌어요\t1\n2\t{long}\t1\n3\t별로예요\t0\n");
    nunchi()
        .args([
            "eval",
            "--max-field-bytes",
            "1000",
            "--model",
            "default",
            "-",
        ])
        .write_stdin(data)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 3: "))
        .stderr(predicate::str::contains("larger than --max-field-bytes"));
}
