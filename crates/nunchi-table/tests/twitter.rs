//! Twitter API dumps, built here from real tweets: v2 lines and pages, v1.1 with extended
//! and retweeted tweets, each giving the tweet's full text, time and author by default.

mod common;

use common::{read, tweets};
use nunchi_table::{
    AddedColumn, AddedKind, ColumnSpec, Format, Position, Role, Row, Schema, TableWriter, Value,
};
use serde_json::json;

fn text_of<'r>(schema: &Schema, row: &'r Row, role: Role) -> Value<'r> {
    let column = schema.resolve(role, None).unwrap();
    schema.check(row).unwrap();
    schema.value(row, &column).unwrap()
}

fn lines(objects: &[serde_json::Value]) -> Vec<u8> {
    objects
        .iter()
        .map(|o| format!("{o}\n"))
        .collect::<String>()
        .into_bytes()
}

/// A v2 tweet object.
fn v2_tweet(id: usize, text: &str) -> serde_json::Value {
    json!({"id": id.to_string(), "text": text, "author_id": format!("u{}", id % 3),
           "created_at": format!("2025-03-14T09:{:02}:00.000Z", id % 60), "lang": "ko"})
}

fn v2_users() -> serde_json::Value {
    json!([{"id": "u0", "username": "haesol_fan"}, {"id": "u1", "username": "leeyu"},
           {"id": "u2", "username": "jjang_gu"}])
}

#[test]
fn twitter_v2_lines_and_pages_give_each_tweets_text_time_and_author() {
    let tweets = tweets(40);
    let mut objects = Vec::new();
    // Single-tweet lines, as the tweet lookup endpoint gives them.
    for (i, tweet) in tweets[..10].iter().enumerate() {
        objects.push(json!({"data": v2_tweet(i, tweet), "includes": {"users": v2_users()}}));
    }
    // A page of 25 tweets, as search gives them; one is a long note tweet, one a retweet
    // whose full text is in includes.tweets.
    let mut page: Vec<serde_json::Value> = (10..35).map(|i| v2_tweet(i, &tweets[i])).collect();
    page[3]["note_tweet"] = json!({"text": format!("{} {}", tweets[13], tweets[36])});
    page[3]["text"] = json!("truncated…");
    page[4]["text"] = json!(format!(
        "RT @user: {}…",
        &tweets[14].chars().take(5).collect::<String>()
    ));
    page[4]["referenced_tweets"] = json!([{"type": "retweeted", "id": "999"}]);
    let original = json!({"id": "999", "text": tweets[37], "author_id": "u1"});
    objects.push(
        json!({"data": page, "includes": {"users": v2_users(), "tweets": [original]},
                        "meta": {"result_count": 25}}),
    );
    let (schema, rows) = read(lines(&objects), "tweets-v2.jsonl");
    assert_eq!(schema.format(), Format::Jsonl);
    assert_eq!(rows.len(), 35, "rows are counted per tweet");
    assert_eq!(rows[10].position(), Position::Tweet { line: 11, index: 1 });
    for (i, row) in rows.iter().enumerate() {
        let expected = match i {
            13 => format!("{} {}", tweets[13], tweets[36]),
            14 => tweets[37].clone(),
            _ => tweets[i].clone(),
        };
        assert_eq!(
            text_of(&schema, row, Role::Text).as_text(),
            Some(expected.as_str()),
            "row {i}"
        );
        let time = format!("2025-03-14T09:{:02}:00.000Z", i % 60);
        assert_eq!(
            text_of(&schema, row, Role::Time).as_text(),
            Some(time.as_str())
        );
        let author = ["haesol_fan", "leeyu", "jjang_gu"][i % 3];
        assert_eq!(text_of(&schema, row, Role::Author).as_text(), Some(author));
    }
}

#[test]
fn twitter_v1_1_prefers_full_text_and_the_retweeted_tweet() {
    let tweets = tweets(6);
    let objects = [
        json!({"created_at": "Sat Nov 28 10:20:00 +0000 2009", "text": "truncated",
               "full_text": tweets[0], "user": {"screen_name": "leeyu"}}),
        json!({"created_at": "Sat Nov 28 10:21:00 +0000 2009", "text": "truncated",
               "truncated": true, "extended_tweet": {"full_text": tweets[1]},
               "user": {"screen_name": "jjang_gu"}}),
        json!({"created_at": "Sat Nov 28 10:22:00 +0000 2009", "full_text": "RT @user: …",
               "retweeted_status": {"full_text": tweets[2], "user": {"screen_name": "x"}},
               "user": {"screen_name": "retweeter"}}),
        json!({"created_at": "Sat Nov 28 10:23:00 +0000 2009", "text": tweets[3],
               "user": {"screen_name": "plain"}}),
    ];
    let (schema, rows) = read(lines(&objects), "tweets-v1.jsonl");
    let texts: Vec<_> = rows
        .iter()
        .map(|r| text_of(&schema, r, Role::Text))
        .collect();
    assert_eq!(
        texts,
        tweets[..4]
            .iter()
            .map(|t| Value::Text(t.as_str().into()))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        text_of(&schema, &rows[2], Role::Author).as_text(),
        Some("retweeter")
    );
    assert_eq!(
        text_of(&schema, &rows[0], Role::Time).as_text(),
        Some("Sat Nov 28 10:20:00 +0000 2009")
    );
}

#[test]
fn a_named_dotted_path_overrides_the_twitter_rules() {
    let tweets = tweets(2);
    let objects = [json!({"data": v2_tweet(1, &tweets[0]), "extra": {"note": tweets[1]}})];
    let (schema, rows) = read(lines(&objects), "tweets.jsonl");
    let spec = ColumnSpec::parse("extra.note").unwrap();
    let column = schema.resolve(Role::Text, Some(&spec)).unwrap();
    assert_eq!(
        schema.text(&rows[0], &column).unwrap().as_text(),
        Some(tweets[1].as_str())
    );
    let absent = schema
        .column(&ColumnSpec::parse("extra.none").unwrap())
        .unwrap();
    assert_eq!(schema.text(&rows[0], &absent).unwrap(), Value::Missing);
}

#[test]
fn jsonl_rows_are_carried_to_jsonl_byte_for_byte() {
    let tweets = tweets(3);
    // Keys in no particular order, numbers beyond f64, unicode escapes: all kept as read.
    let input = format!(
        "{{\"z_last\": 1, \"id\": 12345678901234567890123, \"text\": {}, \"u\": \"\\u00e9\"}}\n{{\"data\": [{}, {}], \"meta\": {{\"next\": \"b26v89\"}}}}\n",
        json!(tweets[0]),
        v2_tweet(1, &tweets[1]),
        v2_tweet(2, &tweets[2])
    );
    let (schema, rows) = read(input.clone().into_bytes(), "tweets.jsonl");
    let text = schema.resolve(Role::Text, None).unwrap();
    let added = [AddedColumn::new("label", AddedKind::Text)];
    let mut writer = TableWriter::new(Vec::new(), Format::Jsonl, &schema, &text, &added).unwrap();
    for row in &rows {
        writer
            .write(row, &[nunchi_table::Added::Text("neutral")])
            .unwrap();
    }
    let out = String::from_utf8(writer.finish().unwrap()).unwrap();
    let out: Vec<&str> = out.lines().collect();
    let first = input.lines().next().unwrap();
    assert_eq!(
        out[0],
        format!("{},\"label\":\"neutral\"}}", &first[..first.len() - 1])
    );
    // A page's tweet carries the page's other entries.
    let tweet: serde_json::Value = serde_json::from_str(out[2]).unwrap();
    assert_eq!(tweet["data"]["text"], tweets[2].as_str());
    assert_eq!(tweet["meta"]["next"], "b26v89");
    assert_eq!(tweet["label"], "neutral");
}

#[test]
fn json_lines_without_a_text_field_are_an_error_naming_the_keys() {
    let table = nunchi_table::Table::from_reader(
        &b"{\"id\": 1, \"body_text\": \"ok\"}\n"[..],
        "posts.jsonl",
        &nunchi_table::ReadOptions::default(),
    )
    .unwrap();
    let error = table
        .schema()
        .resolve(Role::Text, None)
        .unwrap_err()
        .to_string();
    assert!(error.contains("--text-column"), "{error}");
    assert!(error.contains("\"body_text\""), "{error}");
}

#[test]
fn non_string_text_is_rejected_and_null_is_missing() {
    let (schema, rows) = read(
        b"{\"text\": \"\xec\xa2\x8b\xec\x95\x84\"}\n{\"text\": 42}\n{\"text\": null}\n{\"id\": 3}\n{\"text\": {\"a\": 1}}\n"
            .to_vec(),
        "posts.jsonl",
    );
    let text = schema.resolve(Role::Text, None).unwrap();
    let read: Vec<Result<Value, String>> = rows
        .iter()
        .map(|row| schema.text(row, &text).map_err(|r| r.reason))
        .collect();
    assert_eq!(read[0], Ok(Value::Text("좋아".into())));
    assert!(
        read[1]
            .as_ref()
            .unwrap_err()
            .contains("is a number, not a string"),
        "{read:?}"
    );
    assert_eq!(read[2], Ok(Value::Missing));
    assert_eq!(read[3], Ok(Value::Missing));
    assert!(
        read[4].as_ref().unwrap_err().contains("JSON object"),
        "{read:?}"
    );
}
