//! `train`, `eval`, `score` and `lexicon` end to end, on real NSMC reviews (read from the
//! shared data folder, written to a temporary directory).

mod common;

use std::path::Path;

use common::{json_lines, nsmc_sample, nunchi, parse_table};
use predicates::prelude::*;

/// Accuracy of classify's negative-or-positive decision (which of `p_negative` and
/// `p_positive` is larger; a binary model may also say neutral) against NSMC's 0/1 labels.
fn classify_accuracy(model: &Path, test: &Path) -> (f64, Vec<String>) {
    let output = nunchi()
        .args([
            "classify",
            "--no-quoting",
            "-q",
            "--text-column",
            "document",
            "--model",
        ])
        .arg(model)
        .arg(test)
        .output()
        .unwrap();
    // NSMC has empty reviews: they are classified too (neutral, flagged).
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let (header, rows) = parse_table(&output.stdout, b',');
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    // NSMC has a `label` column, so the added columns are prefixed.
    let (negative, positive) = (column("nunchi_p_negative"), column("nunchi_p_positive"));
    let flag = column("nunchi_flag");
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|row| row[flag].is_empty())
        .collect();
    let correct = rows
        .iter()
        .filter(|row| {
            let p_negative: f64 = row[negative].parse().unwrap();
            let p_positive: f64 = row[positive].parse().unwrap();
            (row[2] == "1") == (p_positive > p_negative)
        })
        .count();
    (correct as f64 / rows.len() as f64, header)
}

#[test]
fn train_then_eval_then_classify_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let train_file = dir.path().join("train.tsv");
    let test_file = dir.path().join("test.tsv");
    std::fs::write(&train_file, nsmc_sample(3000, 0)).unwrap();
    std::fs::write(&test_file, nsmc_sample(1000, 100_000)).unwrap();
    let model = dir.path().join("model");

    let train = nunchi()
        .args(["train", "--no-quoting", "--seed", "7", "--json", "-o"])
        .arg(&model)
        .arg(&train_file)
        .output()
        .unwrap();
    assert!(matches!(train.status.code(), Some(0 | 2)), "{train:?}");
    let dev: serde_json::Value = serde_json::from_slice(&train.stdout).unwrap();
    assert!(dev["accuracy"].as_f64().unwrap() > 0.6, "{dev}");
    assert!(model.join(".").is_dir());

    // Training again into the same directory is refused, not overwritten.
    nunchi()
        .args(["train", "--no-quoting", "-o"])
        .arg(&model)
        .arg(&train_file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("exists already"));

    let eval = nunchi()
        .args(["eval", "--no-quoting", "--json", "--model"])
        .arg(&model)
        .arg(&test_file)
        .output()
        .unwrap();
    assert!(matches!(eval.status.code(), Some(0 | 2)), "{eval:?}");
    let report: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();
    let eval_accuracy = report["accuracy"].as_f64().unwrap();
    // 3000 reviews make a weak but real model.
    assert!(eval_accuracy > 0.65, "{report}");

    let (classify_accuracy, header) = classify_accuracy(&model, &test_file);
    assert_eq!(
        header[3..8],
        [
            "nunchi_label",
            "nunchi_polarity",
            "nunchi_p_negative",
            "nunchi_p_neutral",
            "nunchi_p_positive"
        ]
    );
    // classify and eval score the same examples with the same model.
    assert!(
        (classify_accuracy - eval_accuracy).abs() < 0.005,
        "classify {classify_accuracy} vs eval {eval_accuracy}"
    );

    nunchi()
        .args(["eval", "--no-quoting", "--model"])
        .arg(&model)
        .arg(&test_file)
        .assert()
        .stdout(predicate::str::contains("accuracy"));
}

#[test]
fn score_reads_arguments_and_stdin() {
    nunchi()
        .args([
            "score",
            "이 영화 정말 최고예요 강추",
            "최악의 영화 시간 낭비 돈 아깝다",
        ])
        .assert()
        .success()
        .stdout(predicate::function(|out: &str| {
            let lines: Vec<&str> = out.lines().collect();
            lines.len() == 2 && lines[0].starts_with("positive") && lines[1].starts_with("negative")
        }));
    let output = nunchi()
        .args(["score", "--json", "--explain", "2"])
        .write_stdin("배송 빠르고 좋아요\n\n별로예요 실망\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["text"], "별로예요 실망");
    assert!(lines[0]["evidence"].as_array().unwrap().len() <= 2);
    let p = &lines[0]["probabilities"];
    let sum: f64 = p
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!((sum - 1.0).abs() < 1e-3, "{p}");
}

#[test]
fn lexicon_export_and_merge() {
    let exported = nunchi()
        .args(["lexicon", "export", "--model", "default"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(exported).unwrap();
    assert!(text.lines().count() > 10, "{text}");
    assert!(!text.contains("\n신작\tNNG\t"));

    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("user.tsv");
    let header = text.lines().next().unwrap();
    std::fs::write(&user, format!("{header}\n신작\tNNG\t1.0\t1\n")).unwrap();
    let merged = dir.path().join("merged");
    nunchi()
        .args(["lexicon", "merge", "--lexicon"])
        .arg(&user)
        .arg("-o")
        .arg(&merged)
        .assert()
        .success();
    nunchi()
        .args(["lexicon", "export", "--model"])
        .arg(&merged)
        .assert()
        .success()
        .stdout(predicate::str::contains("\n신작\tNNG\t1"));

    let polarity = |model: Option<&Path>| -> f64 {
        let mut command = nunchi();
        command.args(["score", "--json", "이번 신작 나왔네"]);
        if let Some(model) = model {
            command.arg("--model").arg(model);
        }
        let out = command.assert().success().get_output().stdout.clone();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        value["polarity"].as_f64().unwrap()
    };
    assert!(polarity(Some(&merged)) > polarity(None));
}
