//! `nunchi classify` end to end: the README quick start, formats, compression, order,
//! rejected rows, atomic output, broken pipes.

mod common;

use std::io::{Read, Write};
use std::process::{Command as StdCommand, Stdio};

use common::{nunchi, parse_errors, parse_table, repo_data};
use predicates::prelude::*;

const LABELS: [&str; 3] = ["negative", "neutral", "positive"];

fn sample_posts() -> Vec<u8> {
    std::fs::read(repo_data("sample/posts.csv")).expect("data/sample/posts.csv is shipped")
}

/// Checks a classify output table against its input: same rows in the same order with every
/// input column passed through, and sane added columns. Returns the labels.
fn check_output(input: &[u8], output: &[u8], delimiter: u8) -> Vec<String> {
    let (in_header, in_rows) = parse_table(input, b',');
    let (out_header, out_rows) = parse_table(output, delimiter);
    assert_eq!(out_header[..in_header.len()], in_header[..]);
    let label_at = in_header.len();
    assert_eq!(out_header[label_at], "label");
    assert_eq!(out_header[label_at + 1], "polarity");
    assert_eq!(out_rows.len(), in_rows.len());
    let mut labels = Vec::new();
    for (in_row, out_row) in in_rows.iter().zip(&out_rows) {
        assert_eq!(out_row[..in_row.len()], in_row[..]);
        assert!(LABELS.contains(&out_row[label_at].as_str()), "{out_row:?}");
        let polarity: f32 = out_row[label_at + 1].parse().unwrap();
        assert!((-1.0..=1.0).contains(&polarity), "{out_row:?}");
        labels.push(out_row[label_at].clone());
    }
    labels
}

#[test]
fn readme_quick_start_classifies_the_shipped_sample() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("labeled.csv");
    nunchi()
        .arg("classify")
        .arg(repo_data("sample/posts.csv"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "205 rows in, 205 rows out, 0 rows rejected",
        ));
    let labels = check_output(&sample_posts(), &std::fs::read(&out).unwrap(), b',');
    // Posts about an outage are mostly complaints, and some thank the engineers: the sample
    // must not come out all one label.
    let negative = labels.iter().filter(|l| *l == "negative").count();
    let positive = labels.iter().filter(|l| *l == "positive").count();
    assert!(
        negative > 50 && positive > 20,
        "neg {negative} pos {positive}"
    );
    // The header plus one row per post, nothing else.
    assert!(dir.path().read_dir().unwrap().count() == 1);
}

#[test]
fn tsv_and_jsonl_outputs_pass_every_column_through() {
    let input = sample_posts();
    let tsv = nunchi()
        .args(["classify", "-", "--format", "tsv", "--quiet"])
        .write_stdin(input.clone())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    check_output(&input, &tsv, b'\t');

    let jsonl = nunchi()
        .args(["classify", "-", "--format", "jsonl", "--explain", "3", "-q"])
        .write_stdin(input.clone())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let (_, rows) = parse_table(&input, b',');
    let lines: Vec<serde_json::Value> = String::from_utf8(jsonl)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), rows.len());
    let mut with_evidence = 0;
    for (row, object) in rows.iter().zip(&lines) {
        assert_eq!(object["id"], row[0].as_str());
        assert_eq!(object["text"], row[3].as_str());
        assert!(LABELS.contains(&object["label"].as_str().unwrap()));
        let evidence = object["evidence"].as_array().unwrap();
        assert!(evidence.len() <= 3);
        let chars: Vec<char> = row[3].chars().collect();
        for item in evidence {
            // Character spans: the term's first letter is in the post at its start.
            let (start, end) = (
                item["start"].as_u64().unwrap() as usize,
                item["end"].as_u64().unwrap() as usize,
            );
            assert!(start < end && end <= chars.len(), "{item} in {:?}", row[3]);
            assert!(
                item["weight"].is_number() && item["term"].is_string(),
                "{item}"
            );
        }
        assert_eq!(object["flag"], serde_json::Value::Null);
        with_evidence += usize::from(!evidence.is_empty());
    }
    assert!(with_evidence > rows.len() / 2, "{with_evidence}");
}

#[test]
fn compressed_input_and_any_thread_count_give_the_same_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample_posts();
    let plain = nunchi()
        .args(["--threads", "1", "classify", "-q"])
        .arg(repo_data("sample/posts.csv"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();

    let gz = dir.path().join("posts.csv.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&input).unwrap();
    std::fs::write(&gz, encoder.finish().unwrap()).unwrap();
    let from_gzip_stdin = nunchi()
        .args(["--threads", "3", "classify", "-q", "-"])
        .write_stdin(std::fs::read(&gz).unwrap())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(from_gzip_stdin, plain);

    // zstd behind a misleading name: the magic bytes decide.
    let zst = dir.path().join("posts.txt");
    std::fs::write(&zst, zstd::encode_all(&input[..], 3).unwrap()).unwrap();
    let from_zstd = nunchi()
        .args(["--threads", "2", "classify", "-q"])
        .arg(&zst)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(from_zstd, plain);
}

/// A small dump with three bad rows among good ones, by line.
fn mixed_input() -> Vec<u8> {
    let mut input = b"id,text\n1,\"\xec\xa2\x8b\xec\x95\x84\xec\x9a\x94\"\n".to_vec(); // 좋아요
    input.extend(b"2,\xff\xfe not utf-8\n"); // line 3
    input.extend("3,배송이 너무 늦어요\n".as_bytes());
    input.extend(b"4\n"); // line 5: one field
    input.extend("5,\"여러 줄\n걸친 글\"\n".as_bytes()); // lines 6-7
    input.extend(b"6,   \n"); // line 8: blank text
    input.extend("7,최고예요\n".as_bytes());
    input
}

#[test]
fn rejected_rows_go_to_the_errors_file_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.csv");
    let out = dir.path().join("out.csv");
    nunchi()
        .args(["classify", "-", "-o"])
        .arg(&out)
        .arg("--errors")
        .arg(&errors)
        .write_stdin(mixed_input())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "7 rows in, 5 rows out (1 with an empty or missing text, flagged), 2 rows rejected",
        ));
    let rejected = parse_errors(&std::fs::read(&errors).unwrap());
    let lines: Vec<u64> = rejected.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [3, 5]);
    assert!(rejected[0].1.contains("not valid UTF-8"), "{rejected:?}");
    assert!(
        rejected[1].1.contains("1 fields, expected 2"),
        "{rejected:?}"
    );
    let (header, rows) = parse_table(&std::fs::read(&out).unwrap(), b',');
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["1", "3", "5", "6", "7"]);
    assert_eq!(rows[2][1], "여러 줄\n걸친 글");
    // The blank post is classified neutral for sure, and flagged.
    let flag = header.iter().position(|h| h == "flag").unwrap();
    let flags: Vec<&str> = rows.iter().map(|r| r[flag].as_str()).collect();
    assert_eq!(flags, ["", "", "", "empty", ""]);
    assert_eq!(
        rows[3][2..header.len() - 1],
        ["neutral", "0.0000", "0.0000", "1.0000", "0.0000", "1.0000"]
    );
}

#[test]
fn without_an_errors_file_rejections_are_listed_on_stderr() {
    nunchi()
        .args(["classify", "-"])
        .write_stdin(mixed_input())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "line 3: column 2 (\"text\") is not valid UTF-8",
        ))
        .stderr(predicate::str::contains("line 5: 1 fields, expected 2"))
        .stderr(predicate::str::contains("line 8").not());
}

#[test]
fn strict_stops_at_the_first_bad_row_and_writes_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    nunchi()
        .args(["classify", "--strict", "-", "-o"])
        .arg(&out)
        .write_stdin(mixed_input())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 3:"))
        .stderr(predicate::str::contains(
            "stopped at the rejected row on line 3",
        ));
    assert!(!out.exists());
    assert_eq!(
        dir.path().read_dir().unwrap().count(),
        0,
        "no temporary file left"
    );
}

#[test]
fn a_failing_run_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    std::fs::write(&out, "previous run\n").unwrap();
    // A gzip stream cut in the middle: the header decodes, then the data is corrupt.
    let mut rows = String::from("id,text\n");
    for i in 0..20_000 {
        rows.push_str(&format!("{i},배송 {i}번째 후기 좋아요\n"));
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(rows.as_bytes()).unwrap();
    let mut gz = encoder.finish().unwrap();
    gz.truncate(gz.len() / 2);
    gz.extend_from_slice(&[0u8; 64]);
    let input = dir.path().join("cut.csv.gz");
    std::fs::write(&input, gz).unwrap();
    nunchi()
        .arg("classify")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cut.csv.gz after line"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous run\n");
    assert_eq!(
        dir.path().read_dir().unwrap().count(),
        2,
        "no temporary file left"
    );
}

#[test]
fn a_closed_stdout_is_a_clean_exit() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    let mut rows = String::from("id,text\n");
    for i in 0..30_000 {
        rows.push_str(&format!("{i},오늘 {i}번째 글 재밌다 ㅋㅋ\n"));
    }
    std::fs::write(&input, rows).unwrap();
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("nunchi"))
        .args(["classify", "-q"])
        .arg(&input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 100];
    stdout.read_exact(&mut head).unwrap();
    drop(stdout); // like `| head -c 100`
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn fatal_errors_exit_1_and_say_what_to_do() {
    nunchi()
        .args(["classify", "/nonexistent/posts.csv"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cannot open /nonexistent/posts.csv",
        ));
    nunchi()
        .args(["classify", "--model", "/nonexistent/model"])
        .arg(repo_data("sample/posts.csv"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cannot load the model in /nonexistent/model",
        ));
    nunchi()
        .args(["classify", "-", "--text-column", "body"])
        .write_stdin("id,post_text\n1,좋아요\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no column \"body\" in standard input",
        ));
    nunchi()
        .args(["classify", "-", "-o", "/nonexistent/dir/out.csv"])
        .write_stdin("id,text\n1,좋아요\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/nonexistent/dir"));
}

#[test]
fn text_column_by_position_and_delimiter_by_sniffing() {
    let output = nunchi()
        .args(["classify", "-", "--text-column", "2", "-q"])
        .write_stdin("id;post;label\n1;배송이 너무 늦어요 최악;x\n2;정말 만족해요 최고;y\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let (header, rows) = parse_table(&output, b',');
    assert_eq!(header[..4], ["id", "post", "label", "nunchi_label"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][1], "배송이 너무 늦어요 최악");
}
