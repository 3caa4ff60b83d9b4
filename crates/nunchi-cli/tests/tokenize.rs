//! `nunchi tokenize` end to end.

mod common;

use common::{json_lines, nunchi};
use predicates::prelude::*;

#[test]
fn tokenizes_arguments_as_surface_slash_tag() {
    nunchi()
        .args(["tokenize", "배송이 너무 늦어요ㅠㅠ"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("배송/NNG 이/JKS 너무/MAG"));
}

#[test]
fn json_spans_point_into_the_original_text() {
    let posts = "이 영화 진짜 재밌다ㅋㅋㅋ https://t.co/x\n\u{feff}not korean at all\n";
    let output = nunchi()
        .args(["tokenize", "--json"])
        .write_stdin(posts)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 2);
    for record in &lines {
        let text = record["text"].as_str().unwrap();
        let tokens = record["tokens"].as_array().unwrap();
        assert!(!tokens.is_empty());
        for token in tokens {
            let start = token["span"][0].as_u64().unwrap() as usize;
            let end = token["span"][1].as_u64().unwrap() as usize;
            assert!(text.get(start..end).is_some(), "{token} in {text:?}");
            assert!(!token["morphemes"].as_array().unwrap().is_empty());
        }
    }
    let first_surfaces: Vec<&str> = lines[0]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["surface"].as_str().unwrap())
        .collect();
    assert!(first_surfaces.contains(&"영화"), "{first_surfaces:?}");
}

#[test]
fn user_dictionary_keeps_a_brand_whole() {
    let dir = tempfile::tempdir().unwrap();
    let dict = dir.path().join("user.csv");
    std::fs::write(&dict, "해솔모바일,NNP,해솔모바일\n").unwrap();
    nunchi()
        .args(["tokenize", "해솔모바일 또 먹통"])
        .assert()
        .success()
        .stdout(predicate::str::contains("해솔모바일/NNP").not());
    nunchi()
        .args(["tokenize", "--user-dict"])
        .arg(&dict)
        .arg("해솔모바일 또 먹통")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("해솔모바일/NNP "));
}

#[test]
fn invalid_utf8_lines_are_reported_with_their_number_and_skipped() {
    nunchi()
        .arg("tokenize")
        .write_stdin(&b"\xec\xa2\x8b\xec\x95\x84\n\xff\xfe broken\n\xec\xa2\x8b\xec\x95\x84\n"[..])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "line 2 of standard input is not valid UTF-8",
        ))
        .stdout(predicate::function(|out: &str| out.lines().count() == 2));
}

#[test]
fn missing_user_dictionary_is_a_fatal_error() {
    nunchi()
        .args(["tokenize", "--user-dict", "/nonexistent/user.csv", "좋아"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/nonexistent/user.csv"));
}
