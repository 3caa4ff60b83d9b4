//! Bounded memory and row accounting: a huge JSON line or CSV field is rejected with its
//! line without being held, and every row read is either usable or a rejection, in every
//! format.

mod common;

use common::{read, read_with, tweets};
use nunchi_table::{Position, ReadOptions, Role};

fn options(max_field_bytes: usize, max_line_bytes: usize) -> ReadOptions {
    let mut options = ReadOptions::default();
    options.max_field_bytes = max_field_bytes;
    options.max_line_bytes = max_line_bytes;
    options
}

#[test]
fn a_huge_json_line_is_rejected_with_its_line_and_not_held() {
    let tweet = &tweets(1)[0];
    let huge = "가".repeat(3 << 20); // 9 MB on one line
    let input = format!(
        "{}\n{{\"text\": \"{huge}\"}}\n{}\n",
        serde_json::json!({ "text": tweet }),
        serde_json::json!({ "text": tweet })
    );
    let (schema, rows) = read_with(
        input.into_bytes(),
        "posts.jsonl",
        &options(1 << 20, 1 << 20),
    );
    assert_eq!(rows.len(), 3);
    let rejection = schema.check(&rows[1]).unwrap_err();
    assert_eq!(rejection.position, Position::Line(2));
    assert!(
        rejection.reason.contains("--max-line-bytes"),
        "{}",
        rejection.reason
    );
    assert!(
        rows[1].held_bytes() <= (1 << 20) + 2,
        "held {}",
        rows[1].held_bytes()
    );
    let text = schema.resolve(Role::Text, None).unwrap();
    assert_eq!(
        schema.text(&rows[2], &text).unwrap().as_text(),
        Some(tweet.as_str())
    );
}

#[test]
fn a_long_value_within_a_line_is_rejected_by_the_field_limit() {
    let input = format!("{{\"text\": \"{}\"}}\n", "x".repeat(5000));
    let (schema, rows) = read_with(input.into_bytes(), "posts.jsonl", &options(1000, 1 << 20));
    let text = schema.resolve(Role::Text, None).unwrap();
    let rejection = schema.text(&rows[0], &text).unwrap_err();
    assert!(
        rejection.reason.contains("--max-field-bytes"),
        "{}",
        rejection.reason
    );
}

#[test]
fn a_huge_csv_field_is_rejected_with_its_line_and_not_held() {
    let tweets = tweets(2);
    let input = format!(
        "id,text\n1,{}\n2,{}\n3,{}\n",
        tweets[0],
        "나".repeat(1 << 20),
        tweets[1]
    );
    let (schema, rows) = read_with(
        input.into_bytes(),
        "posts.csv",
        &options(64 * 1024, 1 << 20),
    );
    assert_eq!(rows.len(), 3);
    let rejection = schema.check(&rows[1]).unwrap_err();
    assert_eq!(rejection.position, Position::Line(3));
    assert!(
        rejection.reason.contains("--max-field-bytes"),
        "{}",
        rejection.reason
    );
    assert!(
        rows[1].held_bytes() <= 2 * 64 * 1024 + 1,
        "held {}",
        rows[1].held_bytes()
    );
    assert!(schema.check(&rows[2]).is_ok());
}

#[test]
fn rows_in_equal_usable_rows_plus_rejections_in_every_format() {
    let tweets = tweets(20);
    let csv: String = std::iter::once("id,text\n".to_owned())
        .chain(tweets.iter().enumerate().map(|(i, t)| match i {
            3 => "3\n".to_owned(),         // one field
            7 => format!("7,{t},extra\n"), // three fields
            _ => format!("{i},\"{}\"\n", t.replace('"', "\"\"")),
        }))
        .collect();
    let jsonl: String = tweets
        .iter()
        .enumerate()
        .map(|(i, t)| match i {
            5 => "{not json\n".to_owned(),
            9 => "[1, 2]\n".to_owned(),
            _ => format!("{}\n", serde_json::json!({ "text": t })),
        })
        .collect();
    for (bytes, name, expected_rejected) in [
        (csv.clone().into_bytes(), "posts.csv", 2),
        (csv.replace(',', "\t").into_bytes(), "posts.tsv", 2),
        (jsonl.into_bytes(), "posts.jsonl", 2),
    ] {
        let (schema, rows) = read(bytes, name);
        let rejected = rows.iter().filter(|row| schema.check(row).is_err()).count();
        assert_eq!((rows.len(), rejected), (20, expected_rejected), "{name}");
    }
}
