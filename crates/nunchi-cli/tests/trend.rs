//! End-to-end tests of `nunchi trend` with the built-in model on real posts: quiet days of
//! NSMC reviews, then an evening wave of negative reviews about a director.

mod common;

use common::{nunchi, parse_table, shared_data};

/// Posts an hour by local hour (a daily cycle: quiet nights, busy evenings).
const PER_HOUR: [usize; 24] = [
    6, 4, 3, 2, 2, 2, 3, 5, 7, 8, 9, 10, 12, 11, 10, 10, 10, 11, 13, 15, 16, 17, 14, 10,
];

/// A CSV of posts (`id,created_at,text`, local Seoul times without offset) over five days
/// from 2009-11-24: NSMC reviews, four positive to one negative, and on 11-27 from 19:00 to
/// 23:00 thirty extra negative reviews an hour that mention 감독. Deterministic: no random
/// numbers, posts spread evenly over each hour.
fn posts_csv() -> Vec<u8> {
    let nsmc = std::fs::read_to_string(shared_data("nsmc/ratings_train.txt"))
        .expect("shared/data/nsmc/ratings_train.txt is readable");
    let mut positive = Vec::new();
    let mut negative = Vec::new();
    let mut wave = Vec::new();
    for line in nsmc.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let (Some(text), Some(label)) = (fields.get(1), fields.get(2)) else {
            continue;
        };
        if text.trim().is_empty() || text.starts_with('"') || text.contains("배우") {
            continue;
        }
        match *label {
            "1" => positive.push(*text),
            "0" if text.contains("감독") => wave.push(*text),
            "0" => negative.push(*text),
            _ => {}
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["id", "created_at", "text"]).unwrap();
    let (mut chatter, mut angry, mut id) = (0usize, 0usize, 0usize);
    for day in 24..=28 {
        for (hour, &per_hour) in PER_HOUR.iter().enumerate() {
            let wave_hour = day == 27 && (19..23).contains(&hour);
            let extra = if wave_hour { 30 } else { 0 };
            let count = per_hour + extra;
            for i in 0..count {
                let second = i * 3_600 / count;
                let time = format!(
                    "2009-11-{day} {hour:02}:{:02}:{:02}",
                    second / 60,
                    second % 60
                );
                // The angry posts spread evenly among the others.
                let text = if (i * extra) / count != ((i + 1) * extra) / count {
                    angry += 1;
                    wave[angry % wave.len()]
                } else {
                    chatter += 1;
                    if chatter % 5 == 0 {
                        negative[chatter % negative.len()]
                    } else {
                        positive[chatter % positive.len()]
                    }
                };
                id += 1;
                writer
                    .write_record([id.to_string().as_str(), time.as_str(), text])
                    .unwrap();
            }
        }
    }
    writer.into_inner().unwrap()
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[test]
fn the_evening_wave_is_found_and_charted() {
    let dir = tempfile::tempdir().unwrap();
    let posts = dir.path().join("posts.csv");
    std::fs::write(&posts, posts_csv()).unwrap();
    let (episodes, chart) = (
        dir.path().join("episodes.csv"),
        dir.path().join("chart.svg"),
    );
    let output = nunchi()
        .arg("trend")
        .arg(&posts)
        .args(["--timezone", "Asia/Seoul", "--bucket", "1h"])
        .args(["--target", "감독", "--target", "배우"])
        .arg("--out-episodes")
        .arg(&episodes)
        .arg("--chart")
        .arg(&chart)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");

    // The series on stdout, a row per hour and scope with posts: 120 hours for all posts,
    // the wave's 4 hours and a few others for 감독, none for 배우 (no post mentions it).
    let (header, rows) = parse_table(&output.stdout, b',');
    let (start, target) = (column(&header, "start"), column(&header, "target"));
    let hours = |name: &str| rows.iter().filter(|r| r[target] == name).count();
    assert_eq!(hours(""), 120, "{stderr}");
    assert!((4..120).contains(&hours("감독")), "{stderr}");
    assert_eq!(hours("배우"), 0, "{stderr}");
    assert_eq!(rows.len(), 120 + hours("감독"));
    assert_eq!(rows[0][start], "2009-11-24T00:00:00+09:00");

    // One episode for all posts and one for 감독, both starting at the wave (19:00, or the
    // hour before if that one was already above expectation); none for 배우.
    let (header, rows) = parse_table(&std::fs::read(&episodes).unwrap(), b',');
    let (start, target, end) = (
        column(&header, "start"),
        column(&header, "target"),
        column(&header, "end"),
    );
    let starts: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[target].as_str(), r[start].as_str()))
        .collect();
    assert_eq!(rows.len(), 2, "{starts:?}\n{stderr}");
    for (target, start) in &starts {
        assert!(["", "감독"].contains(target), "{starts:?}");
        assert!(
            ["2009-11-27T18:00:00+09:00", "2009-11-27T19:00:00+09:00"].contains(start),
            "{starts:?}"
        );
    }
    // The wave stops at 23:00; the episode ends after it (at the latest 3 calm hours later).
    for row in &rows {
        assert!(
            ("2009-11-27T22:00:00+09:00".."2009-11-28T03:00:00+09:00").contains(&row[end].as_str()),
            "{row:?}"
        );
    }
    assert!(stderr.contains("2 episode(s)"), "{stderr}");
    assert!(
        stderr.contains("episode 1") && stderr.contains("terms:"),
        "{stderr}"
    );
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("감독"),
        "{}",
        &svg[..200]
    );
}

#[test]
fn a_classify_output_is_used_without_scoring_again() {
    let dir = tempfile::tempdir().unwrap();
    let posts = dir.path().join("posts.csv");
    std::fs::write(&posts, posts_csv()).unwrap();
    let classified = dir.path().join("classified.csv");
    nunchi()
        .arg("classify")
        .arg(&posts)
        .args(["--explain", "5", "--quiet", "-o"])
        .arg(&classified)
        .assert()
        .success();
    let run = |input: &std::path::Path, episodes: &std::path::Path| {
        let output = nunchi()
            .arg("trend")
            .arg(input)
            .args(["--timezone", "+09:00", "--target", "감독"])
            .arg("--out-episodes")
            .arg(episodes)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        (
            String::from_utf8_lossy(&output.stderr).into_owned(),
            std::fs::read_to_string(episodes).unwrap(),
        )
    };
    let (scored_stderr, scored) = run(&posts, &dir.path().join("a.csv"));
    let (reused_stderr, reused) = run(&classified, &dir.path().join("b.csv"));
    assert!(
        !scored_stderr.contains("using the scores"),
        "{scored_stderr}"
    );
    assert!(
        reused_stderr.contains("using the scores in column \"label\""),
        "{reused_stderr}"
    );
    // The same labels and the same evidence terms: the same episodes.
    assert_eq!(scored, reused);
    assert_eq!(scored.lines().count(), 3, "{scored}");
}

#[test]
fn rows_with_unreadable_times_are_rejected_by_line() {
    let mut input = b"created_at,text\n".to_vec();
    input.extend_from_slice("2009-11-27T19:20:00+09:00,정말 황당하군요\n".as_bytes());
    input.extend_from_slice("어제 저녁,KT도 어쩔수 없는 도둑놈이죠\n".as_bytes());
    input.extend_from_slice("1259318400,좋은 소식이네요\n".as_bytes());
    let output = nunchi()
        .args(["trend", "-", "--target", "KT"])
        .write_stdin(input)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line 3"), "{stderr}");
    assert!(stderr.contains("\"어제 저녁\""), "{stderr}");
    let (_, rows) = parse_table(&output.stdout, b',');
    // Two posts left, in one UTC hour: a row for all posts, none for KT (only the rejected
    // row mentions it).
    assert_eq!(rows.len(), 1, "{rows:?}");
}

#[test]
fn bad_settings_are_fatal_and_named() {
    for (flag, value, named) in [
        ("--bucket", "5x", "5x"),
        ("--timezone", "Mars/Olympus", "Mars/Olympus"),
    ] {
        let output = nunchi()
            .args(["trend", "-", flag, value])
            .write_stdin("created_at,text\n")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&output.stderr).contains(named));
    }
    let output = nunchi()
        .args(["trend", "-"])
        .write_stdin("when,text\n2009-11-27,좋아요\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--time-column"), "{stderr}");
}
