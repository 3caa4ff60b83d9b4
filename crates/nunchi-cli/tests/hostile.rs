//! Hostile inputs: classify must not panic, must account for every record (rows out + rows
//! rejected = rows in), and must name the lines it rejects. Inputs are generated here.

mod common;

use std::path::Path;

use common::{nunchi, parse_errors, parse_table};

/// What one classify run did, read from its files and summary.
struct Run {
    code: i32,
    stderr: String,
    rows_in: u64,
    rows_out: Vec<Vec<String>>,
    rejected: Vec<(u64, String)>,
}

fn classify(dir: &Path, name: &str, input: &[u8], extra: &[&str]) -> Run {
    let input_path = dir.join(name);
    std::fs::write(&input_path, input).unwrap();
    let out = dir.join(format!("{name}.out.csv"));
    let errors = dir.join(format!("{name}.errors.csv"));
    let assert = nunchi()
        .arg("classify")
        .arg(&input_path)
        .arg("-o")
        .arg(&out)
        .arg("--errors")
        .arg(&errors)
        .args(extra)
        .assert();
    let output = assert.get_output();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    let code = output.status.code().expect("exited, not killed");
    let rows_out = std::fs::read(&out)
        .map(|bytes| parse_table(&bytes, b',').1)
        .unwrap_or_default();
    let rejected = std::fs::read(&errors)
        .map(|bytes| parse_errors(&bytes))
        .unwrap_or_default();
    let rows_in = stderr
        .split(" rows in,")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    if code != 1 {
        assert_eq!(
            rows_out.len() as u64 + rejected.len() as u64,
            rows_in,
            "{name}: rows out + rows rejected != rows in\n{stderr}"
        );
        assert!(
            stderr.contains(&format!(
                "{rows_in} rows in, {} rows out, {} rows rejected",
                rows_out.len(),
                rejected.len()
            )),
            "{name}: {stderr}"
        );
        assert_eq!(
            code,
            if rejected.is_empty() { 0 } else { 2 },
            "{name}: {stderr}"
        );
    }
    Run {
        code,
        stderr,
        rows_in,
        rows_out,
        rejected,
    }
}

fn lines_of(run: &Run) -> Vec<u64> {
    run.rejected.iter().map(|(line, _)| *line).collect()
}

#[test]
fn truncated_quote_is_one_rejected_record_naming_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = "id,text\n1,좋아요\n2,\"닫히지 않은 따옴표\n".to_string();
    for i in 3..200 {
        input.push_str(&format!("{i},그 뒤의 글 {i}\n"));
    }
    let run = classify(dir.path(), "truncated.csv", input.as_bytes(), &[]);
    assert_eq!(run.rows_in, 2);
    assert_eq!(lines_of(&run), [3]);
    assert!(
        run.rejected[0].1.contains("never closed"),
        "{:?}",
        run.rejected
    );
    assert!(run.rejected[0].1.contains("line 200"), "{:?}", run.rejected);
    // Read without quoting, the same file is 199 good rows and no rejection.
    let run = classify(
        dir.path(),
        "unquoted.csv",
        input.as_bytes(),
        &["--no-quoting"],
    );
    assert_eq!((run.rows_in, run.rejected.len()), (199, 0));
}

#[test]
fn nul_bytes_mixed_line_endings_and_foreign_text_are_classified() {
    let dir = tempfile::tempdir().unwrap();
    let input = "id,text\r\n1,널\0바이트\0가 있는 글\n2,CRLF 줄 끝\r\n\r\n3,\"따옴표 안\r\n줄바꿈\"\n\
                 4,This is plain English, no Korean at all\n5,これは日本語です\n6,😀😀😀🔥\n7,12345\n";
    // Row 4 has a comma inside unquoted text: 3 fields, rejected; the rest classify.
    let run = classify(dir.path(), "mixed.csv", input.as_bytes(), &[]);
    assert_eq!(run.rows_in, 7);
    assert_eq!(lines_of(&run), [7]);
    let ids: Vec<&str> = run.rows_out.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "5", "6", "7"]);
    assert_eq!(run.rows_out[0][1], "널\0바이트\0가 있는 글");
    assert_eq!(run.rows_out[2][1], "따옴표 안\r\n줄바꿈");
}

#[test]
fn ten_megabyte_field_is_rejected_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = "id,text\n1,앞의 글\n2,".as_bytes().to_vec();
    input.extend("가".repeat((10 << 20) / 3).as_bytes());
    input.extend("\n3,뒤의 글\n".as_bytes());
    let run = classify(dir.path(), "huge.csv", &input, &[]);
    assert_eq!(run.rows_in, 3);
    assert_eq!(lines_of(&run), [3]);
    assert!(
        run.rejected[0].1.contains("--max-field-bytes"),
        "{:?}",
        run.rejected
    );
    let ids: Vec<&str> = run.rows_out.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["1", "3"]);
}

#[test]
fn invalid_utf8_rows_are_rejected_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = b"id,text\n".to_vec();
    for i in 0..50 {
        if i % 10 == 3 {
            // CP949 bytes for 안녕, as a Windows export might hold.
            input.extend(format!("{i},").as_bytes());
            input.extend(b"\xbe\xc8\xb3\xe7\n");
        } else {
            input.extend(format!("{i},괜찮은 글이에요\n").as_bytes());
        }
    }
    let run = classify(dir.path(), "cp949.csv", &input, &[]);
    assert_eq!(run.rows_in, 50);
    assert_eq!(lines_of(&run), [5, 15, 25, 35, 45]);
    assert!(run
        .rejected
        .iter()
        .all(|(_, r)| r.contains("not valid UTF-8")));
}

#[test]
fn empty_file_and_header_only() {
    let dir = tempfile::tempdir().unwrap();
    let empty = classify(dir.path(), "empty.csv", b"", &[]);
    assert_eq!(empty.code, 1);
    assert!(
        empty
            .stderr
            .contains("empty.csv is empty: expected a header row"),
        "{}",
        empty.stderr
    );

    let header_only = classify(dir.path(), "header.csv", b"\xef\xbb\xbfid,text\r\n", &[]);
    assert_eq!(header_only.code, 0);
    assert_eq!((header_only.rows_in, header_only.rows_out.len()), (0, 0));
    let written = std::fs::read_to_string(dir.path().join("header.csv.out.csv")).unwrap();
    assert!(written.starts_with("id,text,label,polarity,"), "{written}");
}

/// Deterministic pseudo-random bytes (a linear congruential generator).
fn garbage(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect()
}

#[test]
fn binary_garbage_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    // Without a header: a fatal error that says what is wrong.
    let run = classify(dir.path(), "garbage.bin", &garbage(200_000, 7), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("nunchi: error:"), "{}", run.stderr);

    // Behind a valid header: every record is accounted for (checked in `classify`).
    for seed in 1..4 {
        let mut input = b"id,text\n".to_vec();
        input.extend(garbage(300_000, seed));
        let run = classify(dir.path(), &format!("garbage{seed}.csv"), &input, &[]);
        assert_ne!(run.code, 1, "{}", run.stderr);
        assert!(run.rows_in > 0);
    }
}

#[test]
fn tsv_rows_swallowed_by_a_stray_quote_are_pointed_out() {
    let dir = tempfile::tempdir().unwrap();
    // NSMC-style: a review opens a quote, a later one closes it.
    let input = "id\treview\n1\t\"제목부터 별로\n2\t그냥 그래요\n3\t끝까지 \"봤다\"\n4\t좋아요\n";
    let run = classify(dir.path(), "stray.tsv", input.as_bytes(), &[]);
    assert_eq!(run.rows_in, 2);
    assert!(
        run.stderr
            .contains("line 2: a quoted field runs to line 4 and holds tabs"),
        "{}",
        run.stderr
    );
    let run = classify(
        dir.path(),
        "stray2.tsv",
        input.as_bytes(),
        &["--no-quoting"],
    );
    assert_eq!(run.rows_in, 4);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}
