//! Real posts through every format: written with added columns, read back the same; Parquet
//! columns typed, carried with their types; JSON objects carried whole.

mod common;

use std::sync::Arc;

use arrow_array::{Array, Int64Array, RecordBatch, StringArray, TimestampSecondArray};
use arrow_schema::{DataType, Field, Schema as ArrowSchema, TimeUnit};
use common::{all_rows, read, sample_posts};
use nunchi_table::{
    Added, AddedColumn, AddedKind, ColumnSpec, EvidenceTerm, Format, InputPath, ReadOptions, Role,
    Row, Schema, Table, TableWriter, Value,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;

fn added_columns() -> Vec<AddedColumn> {
    vec![
        AddedColumn::new("label", AddedKind::Text),
        AddedColumn::new("polarity", AddedKind::Number),
        AddedColumn::new("evidence", AddedKind::Evidence),
        AddedColumn::new("flag", AddedKind::Text),
    ]
}

/// Deterministic evidence for post `i`: a term spanning its first two characters.
fn evidence(i: usize) -> Vec<EvidenceTerm> {
    vec![EvidenceTerm {
        term: format!("term{i}/NNG"),
        weight: -0.5 + i as f32 / 1000.0,
        start: 0,
        end: 2,
    }]
}

/// Writes `rows` of `schema` in `format` with the added columns.
fn write(schema: &Schema, rows: &[Row], format: Format) -> Vec<u8> {
    let text = schema.resolve(Role::Text, None).unwrap();
    let mut writer = TableWriter::new(Vec::new(), format, schema, &text, &added_columns()).unwrap();
    for (i, row) in rows.iter().enumerate() {
        let terms = evidence(i);
        let flag = if i % 50 == 0 {
            Added::Text("empty")
        } else {
            Added::Missing
        };
        let values = [
            Added::Text(["negative", "neutral", "positive"][i % 3]),
            Added::Number(i as f32 / 1000.0 - 0.1),
            Added::Evidence(&terms),
            flag,
        ];
        writer.write(row, &values).unwrap();
    }
    writer.finish().unwrap()
}

/// Reads a table back from a file (Parquet needs one).
fn read_file(bytes: &[u8], name: &str) -> (Schema, Vec<Row>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let table = Table::open(&InputPath::File(path), &ReadOptions::default()).unwrap();
    let (schema, rows) = table.into_parts();
    (schema, all_rows(rows))
}

/// Arrow's own reader of Parquet bytes, to see the types written.
fn parquet_reader(bytes: &[u8]) -> ParquetRecordBatchReaderBuilder<std::fs::File> {
    let mut file = tempfile::tempfile().unwrap();
    std::io::Write::write_all(&mut file, bytes).unwrap();
    ParquetRecordBatchReaderBuilder::try_new(file).unwrap()
}

fn value(schema: &Schema, row: &Row, name: &str) -> String {
    let column = schema.column(&ColumnSpec::Name(name.into())).unwrap();
    schema
        .value(row, &column)
        .unwrap()
        .as_text()
        .unwrap_or("")
        .to_owned()
}

#[test]
fn real_posts_round_trip_through_every_format() {
    let posts = sample_posts();
    let input = std::fs::read(common::sample_path()).unwrap();
    let (schema, rows) = read(input, "posts.csv");
    assert_eq!(rows.len(), posts.len());
    for format in Format::ALL {
        let written = write(&schema, &rows, format);
        let (back, back_rows) = read_file(&written, &format!("out.{format}"));
        assert_eq!(back.format(), format);
        assert_eq!(back_rows.len(), posts.len(), "{format}");
        let text = back.resolve(Role::Text, None).unwrap();
        let evidence_column = back.find("evidence").unwrap();
        for (i, (row, post)) in back_rows.iter().zip(&posts).enumerate() {
            back.check(row).unwrap();
            assert_eq!(
                back.text(row, &text).unwrap().as_text(),
                Some(post.text.as_str())
            );
            assert_eq!(value(&back, row, "id"), post.id, "{format}");
            assert_eq!(value(&back, row, "author"), post.author);
            assert_eq!(
                value(&back, row, "label"),
                ["negative", "neutral", "positive"][i % 3]
            );
            let polarity: f32 = value(&back, row, "polarity").parse().unwrap();
            assert!(
                (polarity - (i as f32 / 1000.0 - 0.1)).abs() < 1e-4,
                "{format}"
            );
            let terms = back.evidence(row, &evidence_column).unwrap();
            assert_eq!(terms.len(), 1);
            assert_eq!(
                (terms[0].term.as_str(), terms[0].start, terms[0].end),
                (evidence(i)[0].term.as_str(), 0, 2)
            );
            assert!((terms[0].weight - evidence(i)[0].weight).abs() < 1e-4);
            let flag = value(&back, row, "flag");
            assert_eq!(flag, if i % 50 == 0 { "empty" } else { "" }, "{format}");
        }
    }
}

#[test]
fn parquet_output_has_typed_added_columns() {
    let (schema, rows) = read(std::fs::read(common::sample_path()).unwrap(), "posts.csv");
    let parquet = write(&schema, &rows, Format::Parquet);
    let reader = parquet_reader(&parquet);
    let fields: Vec<(String, DataType)> = reader
        .schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "created_at",
            "author",
            "text",
            "label",
            "polarity",
            "evidence",
            "flag"
        ]
    );
    assert_eq!(
        fields[0].1,
        DataType::Utf8,
        "CSV columns are carried as text"
    );
    assert_eq!(fields[4].1, DataType::Utf8);
    assert_eq!(fields[5].1, DataType::Float32);
    let DataType::List(item) = &fields[6].1 else {
        panic!("evidence is {:?}", fields[6].1)
    };
    let DataType::Struct(terms) = item.data_type() else {
        panic!("evidence items are {:?}", item.data_type())
    };
    let terms: Vec<(&str, &DataType)> = terms
        .iter()
        .map(|f| (f.name().as_str(), f.data_type()))
        .collect();
    assert_eq!(
        terms,
        [
            ("term", &DataType::Utf8),
            ("weight", &DataType::Float32),
            ("start", &DataType::UInt32),
            ("end", &DataType::UInt32)
        ]
    );
    let batches: Vec<RecordBatch> = reader.build().unwrap().map(Result::unwrap).collect();
    let flags = batches[0]
        .column(7)
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert!(
        flags.is_null(1) && flags.value(0) == "empty",
        "no flag is a null"
    );
}

/// A Parquet file of real posts with typed columns: Int64 ids, second timestamps, text with
/// a null.
fn typed_parquet() -> Vec<u8> {
    let posts = sample_posts();
    let schema = Arc::new(ArrowSchema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new(
            "posted",
            DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
            false,
        ),
        Field::new("body", DataType::Utf8, true),
    ]));
    let ids = Int64Array::from_iter_values(posts.iter().map(|p| p.id.parse::<i64>().unwrap()));
    let times = TimestampSecondArray::from_iter_values(
        (0..posts.len() as i64).map(|i| 1_741_910_400 + i * 60),
    )
    .with_timezone("UTC");
    let texts: StringArray = posts
        .iter()
        .enumerate()
        .map(|(i, p)| (i != 3).then_some(p.text.as_str()))
        .collect();
    let batch = RecordBatch::try_new(
        Arc::clone(&schema),
        vec![Arc::new(ids), Arc::new(times), Arc::new(texts)],
    )
    .unwrap();
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, schema, None).unwrap();
    // Two row groups, so that rows come from more than one batch.
    writer.write(&batch.slice(0, 100)).unwrap();
    writer.flush().unwrap();
    writer
        .write(&batch.slice(100, batch.num_rows() - 100))
        .unwrap();
    writer.close().unwrap();
    out
}

#[test]
fn parquet_input_columns_are_carried_with_their_types() {
    let posts = sample_posts();
    let (schema, rows) = read_file(&typed_parquet(), "posts.parquet");
    assert_eq!(schema.format(), Format::Parquet);
    assert_eq!(rows.len(), posts.len());
    let text = schema
        .resolve(Role::Text, Some(&ColumnSpec::parse("body").unwrap()))
        .unwrap();
    assert_eq!(schema.text(&rows[3], &text).unwrap(), Value::Missing);
    assert_eq!(
        schema.text(&rows[4], &text).unwrap().as_text(),
        Some(posts[4].text.as_str())
    );
    let time = schema
        .resolve(Role::Time, Some(&ColumnSpec::parse("posted").unwrap()))
        .unwrap();
    assert_eq!(
        schema.value(&rows[0], &time).unwrap().as_text(),
        Some("2025-03-14T00:00:00Z")
    );
    // A text column of numbers is refused when it is resolved.
    let error = schema
        .resolve(Role::Text, Some(&ColumnSpec::parse("id").unwrap()))
        .unwrap_err();
    assert!(error.to_string().contains("Int64, not text"), "{error}");

    let added = [AddedColumn::new("label", AddedKind::Text)];
    let out = |format| {
        let mut writer = TableWriter::new(Vec::new(), format, &schema, &text, &added).unwrap();
        for row in &rows {
            writer.write(row, &[Added::Text("neutral")]).unwrap();
        }
        writer.finish().unwrap()
    };
    let parquet = out(Format::Parquet);
    let reader = parquet_reader(&parquet);
    let types: Vec<DataType> = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.data_type().clone())
        .collect();
    assert_eq!(
        types[..3],
        [
            DataType::Int64,
            DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
            DataType::Utf8
        ]
    );
    let batches: Vec<RecordBatch> = reader.build().unwrap().map(Result::unwrap).collect();
    let ids: Vec<i64> = batches
        .iter()
        .flat_map(|b| {
            b.column(0)
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap()
                .values()
                .to_vec()
        })
        .collect();
    assert_eq!(ids.len(), posts.len());
    assert_eq!(ids[150].to_string(), posts[150].id);

    let csv = String::from_utf8(out(Format::Csv)).unwrap();
    let second = csv.lines().nth(1).unwrap();
    assert!(
        second.starts_with(&format!("{},2025-03-14T00:00:00Z,", posts[0].id)),
        "{second}"
    );
    let jsonl = String::from_utf8(out(Format::Jsonl)).unwrap();
    let fourth: serde_json::Value = serde_json::from_str(jsonl.lines().nth(3).unwrap()).unwrap();
    assert_eq!(fourth["id"], posts[3].id.parse::<i64>().unwrap());
    assert_eq!(fourth["body"], serde_json::Value::Null);
    assert_eq!(fourth["label"], "neutral");
}

#[test]
fn jsonl_into_csv_and_parquet_carries_text_and_the_whole_object() {
    let posts = sample_posts();
    let input: String = posts
        .iter()
        .map(|p| format!("{}\n", serde_json::json!({"data": {"id": p.id, "text": p.text, "created_at": p.created_at}})))
        .collect();
    let (schema, rows) = read(input.clone().into_bytes(), "posts.jsonl");
    for format in [Format::Csv, Format::Parquet] {
        let text = schema.resolve(Role::Text, None).unwrap();
        let added = [AddedColumn::new("label", AddedKind::Text)];
        let mut writer = TableWriter::new(Vec::new(), format, &schema, &text, &added).unwrap();
        for row in &rows {
            writer.write(row, &[Added::Text("positive")]).unwrap();
        }
        let (back, back_rows) = read_file(&writer.finish().unwrap(), &format!("out.{format}"));
        assert_eq!(back.column_names(), ["text", "json", "label"]);
        for ((row, post), line) in back_rows.iter().zip(&posts).zip(input.lines()) {
            assert_eq!(value(&back, row, "text"), post.text);
            assert_eq!(value(&back, row, "json"), line, "the object as read");
        }
    }
}
