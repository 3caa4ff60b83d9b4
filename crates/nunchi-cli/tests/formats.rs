//! Every command's tables in every format, on real posts: the sample in CSV, TSV, JSON Lines
//! and Parquet; a Twitter API v2 dump built from real tweets; classify's outputs read back
//! by classify and trend; train and eval on JSON Lines and Parquet.

mod common;

use std::path::Path;

use common::{
    json_lines, nsmc_sample, nunchi, parse_table, read_parquet, repo_data, tweets, write_parquet,
};
use predicates::prelude::*;
use serde_json::json;

/// The sample's rows (`id,created_at,author,text`).
fn sample() -> (Vec<String>, Vec<Vec<String>>) {
    parse_table(&std::fs::read(repo_data("sample/posts.csv")).unwrap(), b',')
}

/// The sample written as `name` (`posts.csv`, `.tsv`, `.jsonl`, `.parquet`) in `dir`.
fn sample_as(dir: &Path, name: &str) -> std::path::PathBuf {
    let (header, rows) = sample();
    let path = dir.join(name);
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("csv") => std::fs::copy(repo_data("sample/posts.csv"), &path)
            .map(drop)
            .unwrap(),
        Some("tsv") => {
            let mut writer = csv::WriterBuilder::new()
                .delimiter(b'\t')
                .from_path(&path)
                .unwrap();
            writer.write_record(&header).unwrap();
            rows.iter()
                .for_each(|row| writer.write_record(row).unwrap());
        }
        Some("jsonl") => {
            let lines: String = rows
                .iter()
                .map(|row| {
                    let object: serde_json::Map<String, serde_json::Value> = header
                        .iter()
                        .cloned()
                        .zip(row.iter().map(|v| json!(v)))
                        .collect();
                    format!("{}\n", serde_json::Value::Object(object))
                })
                .collect();
            std::fs::write(&path, lines).unwrap();
        }
        _ => {
            let columns: Vec<(&str, Vec<Option<String>>)> = header
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    (
                        name.as_str(),
                        rows.iter().map(|r| Some(r[i].clone())).collect(),
                    )
                })
                .collect();
            write_parquet(&path, &columns);
        }
    }
    path
}

/// `nunchi classify INPUT -o OUTPUT -q ARGS...`, which must succeed.
fn classify(input: &Path, output: &Path, args: &[&str]) {
    nunchi()
        .arg("classify")
        .arg(input)
        .arg("-o")
        .arg(output)
        .arg("-q")
        .args(args)
        .assert()
        .success();
}

/// A column of a CSV file, by name.
fn csv_column(path: &Path, name: &str) -> Vec<String> {
    let (header, rows) = parse_table(&std::fs::read(path).unwrap(), b',');
    let at = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("{name} in {header:?}"));
    rows.into_iter()
        .map(|mut row| row.swap_remove(at))
        .collect()
}

#[test]
fn every_input_format_gives_the_same_labels() {
    let dir = tempfile::tempdir().unwrap();
    let mut labels = Vec::new();
    for name in ["posts.csv", "posts.tsv", "posts.jsonl", "posts.parquet"] {
        let input = sample_as(dir.path(), name);
        let out = dir.path().join(format!("{name}.out.csv"));
        classify(&input, &out, &[]);
        labels.push((name, csv_column(&out, "label")));
    }
    assert_eq!(labels[0].1.len(), sample().1.len());
    for (name, other) in &labels[1..] {
        assert_eq!(other, &labels[0].1, "{name}");
    }
}

#[test]
fn every_output_format_carries_the_sample_through() {
    let dir = tempfile::tempdir().unwrap();
    let (_, rows) = sample();
    let input = repo_data("sample/posts.csv");
    let reference = dir.path().join("reference.csv");
    classify(&input, &reference, &["--explain", "3"]);
    let labels = csv_column(&reference, "label");
    for name in ["out.tsv", "out.jsonl", "out.parquet"] {
        let out = dir.path().join(name);
        classify(&input, &out, &["--explain", "3"]);
        // Classified again into CSV, every row comes back with its columns and label.
        let again = dir.path().join(format!("{name}.csv"));
        classify(&out, &again, &[]);
        let (header, back) = parse_table(&std::fs::read(&again).unwrap(), b',');
        assert_eq!(back.len(), rows.len(), "{name}");
        if name == "out.jsonl" {
            // JSON Lines into CSV: the post and the whole object.
            assert_eq!(header[..2], ["text", "json"]);
            for ((row, original), label) in back.iter().zip(&rows).zip(&labels) {
                let object: serde_json::Value = serde_json::from_str(&row[1]).unwrap();
                assert_eq!(
                    (row[0].as_str(), object["id"].as_str()),
                    (original[3].as_str(), Some(original[0].as_str()))
                );
                assert_eq!(object["label"].as_str(), Some(label.as_str()));
                assert!(object["evidence"].is_array());
            }
        } else {
            assert_eq!(
                header[..5],
                ["id", "created_at", "author", "text", "label"],
                "{name}"
            );
            let relabelled = csv_column(&again, "nunchi_label");
            for ((row, original), (label, again)) in
                back.iter().zip(&rows).zip(labels.iter().zip(&relabelled))
            {
                assert_eq!(row[..4], original[..], "{name}");
                assert_eq!((&row[4], again), (label, label), "{name}");
            }
        }
    }
    let (header, parquet_rows) = read_parquet(&dir.path().join("out.parquet"));
    let evidence = header.iter().position(|h| h == "evidence").unwrap();
    assert!(
        parquet_rows
            .iter()
            .any(|row| row[evidence].contains("term")),
        "typed evidence"
    );
}

/// A Twitter API v2 dump of `n` real tweets: single-tweet lines, then pages of 20, one tweet
/// every 7 minutes from 2025-03-14 09:00 UTC.
fn twitter_v2_dump(n: usize) -> String {
    let tweets = tweets(n);
    let tweet = |i: usize| {
        let minutes = 9 * 60 + i * 7;
        let (day, hour, minute) = (14 + minutes / 1440, minutes / 60 % 24, minutes % 60);
        json!({"id": (1_000_000 + i).to_string(), "text": tweets[i], "author_id": "42",
               "created_at": format!("2025-03-{day:02}T{hour:02}:{minute:02}:00.000Z")})
    };
    let users = json!({"users": [{"id": "42", "username": "haesol_fan"}]});
    let mut dump = String::new();
    for i in 0..n / 2 {
        dump.push_str(&format!(
            "{}\n",
            json!({"data": tweet(i), "includes": users})
        ));
    }
    for page in (n / 2..n).collect::<Vec<_>>().chunks(20) {
        let data: Vec<_> = page.iter().map(|&i| tweet(i)).collect();
        dump.push_str(&format!(
            "{}\n",
            json!({"data": data, "includes": users, "meta": {"result_count": data.len()}})
        ));
    }
    dump
}

#[test]
fn a_twitter_v2_dump_of_real_tweets_goes_through_classify_and_trend() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("tweets.jsonl");
    std::fs::write(&dump, twitter_v2_dump(300)).unwrap();
    let classified = dir.path().join("classified.jsonl");
    nunchi()
        .args(["classify"])
        .arg(&dump)
        .arg("-o")
        .arg(&classified)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "300 rows in, 300 rows out, 0 rows rejected",
        ));
    let objects = json_lines(&std::fs::read(&classified).unwrap());
    let tweets = tweets(300);
    assert_eq!(objects.len(), 300);
    for (object, tweet) in objects.iter().zip(&tweets) {
        assert_eq!(object["data"]["text"].as_str(), Some(tweet.as_str()));
        assert_eq!(object["includes"]["users"][0]["username"], "haesol_fan");
        assert!(["negative", "neutral", "positive"].contains(&object["label"].as_str().unwrap()));
    }
    // trend reads the dump (scoring it) and classify's JSON Lines (taking its scores) alike.
    let series = |input: &Path, extra: &[&str]| {
        let out = nunchi()
            .args(["trend", "-q", "--bucket", "1h"])
            .arg(input)
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let (header, rows) = parse_table(&out.stdout, b',');
        let columns = ["start", "posts", "negative", "neutral", "positive"];
        let at: Vec<usize> = columns
            .iter()
            .map(|c| header.iter().position(|h| h == c).unwrap())
            .collect();
        rows.iter()
            .map(|r| at.iter().map(|&i| r[i].clone()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    let scored_here = series(&dump, &[]);
    let from_classify = series(&classified, &[]);
    assert_eq!(scored_here, from_classify);
    let posts: usize = scored_here
        .iter()
        .map(|r| r[1].parse::<usize>().unwrap())
        .sum();
    assert_eq!(posts, 300);
}

#[test]
fn classify_outputs_feed_trend_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let input = repo_data("sample/posts.csv");
    let mut results = Vec::new();
    for name in ["scored.csv", "scored.tsv", "scored.jsonl", "scored.parquet"] {
        let scored = dir.path().join(name);
        classify(&input, &scored, &["--explain", "5"]);
        let episodes = dir.path().join(format!("{name}.episodes.csv"));
        let out = nunchi()
            .args(["trend", "--bucket", "1d", "--out-episodes"])
            .arg(&episodes)
            .arg(&scored)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("using the scores in column \"label\""),
            "{name}: {stderr}"
        );
        let (header, rows) = parse_table(&out.stdout, b',');
        let keep = [
            "start",
            "posts",
            "negative",
            "neutral",
            "positive",
            "top_negative_terms",
        ];
        let at: Vec<usize> = keep
            .iter()
            .map(|c| header.iter().position(|h| h == c).unwrap())
            .collect();
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| at.iter().map(|&i| r[i].clone()).collect())
            .collect();
        results.push((name, rows));
    }
    assert!(
        results[0].1.iter().any(|row| !row[5].is_empty()),
        "evidence terms reach trend"
    );
    for (name, rows) in &results[1..] {
        assert_eq!(rows, &results[0].1, "{name}");
    }
}

#[test]
fn empty_whitespace_and_null_texts_are_classified_and_flagged() {
    let lines = "{\"text\": \"배송 빨라서 좋아요\"}\n{\"text\": \"\"}\n{\"text\": \"  \\t \"}\n{\"text\": null}\n{\"id\": 5}\n";
    let out = nunchi()
        .args(["classify", "-", "--format", "jsonl"])
        .write_stdin(lines)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let objects = json_lines(&out.stdout);
    let flags: Vec<&serde_json::Value> = objects.iter().map(|o| &o["flag"]).collect();
    assert_eq!(
        flags,
        [
            &json!(null),
            &json!("empty"),
            &json!("empty"),
            &json!("missing"),
            &json!("missing")
        ]
    );
    for object in &objects[1..] {
        assert_eq!(object["label"], "neutral");
        assert_eq!(
            (object["p_negative"].as_f64(), object["p_neutral"].as_f64()),
            (Some(0.0), Some(1.0))
        );
        assert_eq!(object["confidence"].as_f64(), Some(1.0));
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("5 rows in, 5 rows out (4 with an empty or missing text, flagged)"),
        "{stderr}"
    );
    // A Parquet null is missing too.
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("posts.parquet");
    write_parquet(
        &parquet,
        &[(
            "text",
            vec![Some("최고예요".into()), None, Some(" ".into())],
        )],
    );
    let csv = dir.path().join("out.csv");
    classify(&parquet, &csv, &[]);
    assert_eq!(csv_column(&csv, "flag"), ["", "missing", "empty"]);
}

#[test]
fn train_and_eval_read_json_lines_and_parquet_as_they_read_tsv() {
    let dir = tempfile::tempdir().unwrap();
    let tsv_text = nsmc_sample(1500, 0);
    let tsv = dir.path().join("train.tsv");
    std::fs::write(&tsv, &tsv_text).unwrap();
    let (header, rows) = {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .quoting(false)
            .from_reader(tsv_text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        (header, rows)
    };
    let jsonl = dir.path().join("train.jsonl");
    let lines: String = rows
        .iter()
        .map(|r| {
            format!(
                "{}\n",
                json!({"id": r[0], "document": r[1], "label": r[2].parse::<u8>().unwrap()})
            )
        })
        .collect();
    std::fs::write(&jsonl, lines).unwrap();
    let parquet = dir.path().join("train.parquet");
    let columns: Vec<(&str, Vec<Option<String>>)> = header
        .iter()
        .enumerate()
        .map(|(i, name)| {
            (
                name.as_str(),
                rows.iter().map(|r| Some(r[i].clone())).collect(),
            )
        })
        .collect();
    write_parquet(&parquet, &columns);

    let mut models = Vec::new();
    for input in [&tsv, &jsonl, &parquet] {
        let model = dir.path().join(format!(
            "model-{}",
            input.extension().unwrap().to_string_lossy()
        ));
        let train = nunchi()
            .args(["train", "--no-quoting", "--seed", "3", "-o"])
            .arg(&model)
            .arg(input)
            .output()
            .unwrap();
        assert!(matches!(train.status.code(), Some(0 | 2)), "{train:?}");
        let files: Vec<Vec<u8>> = ["weights.bin", "lexicon.tsv"]
            .iter()
            .map(|f| std::fs::read(model.join(f)).unwrap())
            .collect();
        let eval = nunchi()
            .args(["eval", "--no-quoting", "--json", "--model", "default"])
            .arg(input)
            .output()
            .unwrap();
        models.push((files, eval.stdout, train.stderr));
    }
    for (files, eval, _) in &models[1..] {
        assert!(
            files == &models[0].0,
            "the same examples make the same model"
        );
        assert_eq!(eval, &models[0].1, "the same evaluation");
    }
}
