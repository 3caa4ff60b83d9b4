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

/// Classifies the sample posts with `-o output` (and `extra` arguments); the command's
/// output.
fn classify_sample_to(output: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut command = nunchi();
    command
        .args(["classify", "-q"])
        .arg(repo_data("sample/posts.csv"))
        .arg("-o")
        .arg(output)
        .args(extra);
    command.output().unwrap()
}

/// The file names in `dir`, sorted.
fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Issue 12, item 1: the temporary-file rename turned a FIFO given as `-o` into a regular
/// file (and nothing reached the reader).
#[cfg(unix)]
#[test]
fn output_to_a_fifo_writes_the_fifo_instead_of_replacing_it() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = std::thread::spawn({
        let fifo = fifo.clone();
        move || std::fs::read(fifo).unwrap()
    });
    let output = classify_sample_to(&fifo, &[]);
    assert!(output.status.success(), "{output:?}");
    let read = reader.join().unwrap();
    let (header, rows) = parse_table(&read, b',');
    assert_eq!(header[0], "id");
    assert_eq!(rows.len(), 205);
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "{kind:?}");
    assert_eq!(names_in(dir.path()), ["fifo"]);
}

/// Issue 12, item 1: `-o` naming a character device (`/dev/null`, through a symlink, and a
/// device node made with mknod when the tests run as root) replaced it with a regular file.
#[cfg(unix)]
#[test]
fn output_to_a_character_device_leaves_it_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("null");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let output = classify_sample_to(&link, &[]);
    assert!(output.status.success(), "{output:?}");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    assert_eq!(names_in(dir.path()), ["null"]);

    let root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    if !root {
        eprintln!("note: not root, so the mknod variant of this test is skipped");
        return;
    }
    let device = dir.path().join("device");
    let made = Command::new("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    if !made.success() {
        eprintln!("note: mknod is not permitted here, so its variant of this test is skipped");
        return;
    }
    let output = classify_sample_to(&device, &[]);
    assert!(output.status.success(), "{output:?}");
    let kind = std::fs::symlink_metadata(&device).unwrap().file_type();
    assert!(kind.is_char_device(), "{kind:?}");
}

/// Issue 12, item 1: a symlink given as the output was replaced by a regular file instead
/// of its target being written.
#[cfg(unix)]
#[test]
fn output_through_a_symlink_writes_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.csv");
    let link = dir.path().join("link.csv");
    std::fs::write(&target, "old").unwrap();
    std::os::unix::fs::symlink("target.csv", &link).unwrap();
    let output = classify_sample_to(&link, &[]);
    assert!(output.status.success(), "{output:?}");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let (_, rows) = parse_table(&std::fs::read(&target).unwrap(), b',');
    assert_eq!(rows.len(), 205);
    assert_eq!(names_in(dir.path()), ["link.csv", "target.csv"]);
}

/// Issue 12, item 1: the output's mode was forced to 0644: an existing 0600 file became
/// 0644, and `umask 077` was ignored for a new one.
#[cfg(unix)]
#[test]
fn output_keeps_an_existing_mode_and_honours_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("private.csv");
    std::fs::write(&existing, "old").unwrap();
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(classify_sample_to(&existing, &[]).status.success());
    assert_eq!(mode(&existing), 0o600);
    assert_ne!(std::fs::read(&existing).unwrap(), b"old");

    for (umask, expected) in [("077", 0o600), ("022", 0o644), ("002", 0o664)] {
        let new = dir.path().join(format!("new-{umask}.csv"));
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" classify -q \"$1\" -o \"$2\""
            ))
            .arg(assert_cmd::cargo::cargo_bin("nunchi"))
            .arg(repo_data("sample/posts.csv"))
            .arg(&new)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(mode(&new), expected, "umask {umask}");
    }
}

/// Issue 12, item 1: `--errors` naming the same file as `-o` silently lost the rejected
/// rows (one output overwrote the other).
#[test]
fn errors_file_naming_the_output_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let output = classify_sample_to(&out, &["--errors", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("-o and --errors both name"), "{stderr}");
    assert!(names_in(dir.path()).is_empty());

    // The same file under another name (`./`) is the same file.
    std::fs::write(&out, "kept").unwrap();
    let other_name = dir.path().join(".").join("out.csv");
    let output = nunchi()
        .args(["trend", "-q"])
        .arg(repo_data("sample/posts.csv"))
        .arg("-o")
        .arg(&out)
        .arg("--out-json")
        .arg(&other_name)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(std::fs::read(&out).unwrap(), b"kept");
}

/// Issue 12, item 1: with stdout closed (`>&-`), classify said "205 rows out", exited 0
/// and wrote nothing.
#[cfg(unix)]
#[test]
fn closed_stdout_is_a_fatal_error() {
    let output = Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" classify \"$1\" >&-")
        .arg(assert_cmd::cargo::cargo_bin("nunchi"))
        .arg(repo_data("sample/posts.csv"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("standard output is closed"), "{stderr}");
    assert!(!stderr.contains("rows out"), "{stderr}");
}

/// Starts classify on a large input with `-o`, sends `signal` once the output's temporary
/// file has data, and checks the exit code and that nothing is left: no temporary file and
/// no final name.
#[cfg(unix)]
fn interrupt_classify(signal: &str, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("posts.csv");
    let (_, rows) = parse_table(&std::fs::read(repo_data("sample/posts.csv")).unwrap(), b',');
    let mut writer = csv::Writer::from_path(&input).unwrap();
    writer.write_record(["id", "text"]).unwrap();
    for i in 0..200_000 {
        writer
            .write_record([i.to_string().as_str(), rows[i % rows.len()][3].as_str()])
            .unwrap();
    }
    writer.flush().unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let final_name = out_dir.join("labels.csv");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("nunchi"))
        .args(["classify", "-q", "--threads", "1"])
        .arg(&input)
        .arg("-o")
        .arg(&final_name)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let partial_has_data = || {
        std::fs::read_dir(&out_dir).unwrap().any(|e| {
            let e = e.unwrap();
            e.file_name().to_string_lossy().ends_with(".partial")
                && e.metadata().is_ok_and(|m| m.len() > 0)
        })
    };
    while !partial_has_data() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "classify ended before any output was written"
        );
        assert!(
            started.elapsed().as_secs() < 120,
            "no output after 2 minutes"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(code),
        "{signal}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        names_in(&out_dir).is_empty(),
        "{signal} left {:?}",
        names_in(&out_dir)
    );
}

/// Issue 12, item 4: SIGINT left the output's `.partial` file (tens of MB) behind.
#[cfg(unix)]
#[test]
fn sigint_mid_run_removes_the_partial_output_and_exits_130() {
    interrupt_classify("INT", 130);
}

/// Issue 12, item 4: SIGTERM left the output's `.partial` file behind.
#[cfg(unix)]
#[test]
fn sigterm_mid_run_removes_the_partial_output_and_exits_143() {
    interrupt_classify("TERM", 143);
}

/// Issue 12: `-q` did not silence every note: the renamed-columns note was still printed.
#[test]
fn quiet_prints_nothing_on_stderr_for_renamed_columns() {
    let input = "id,text,label\n1,정말 최고의 영화였어요,x\n2,별로예요,y\n";
    nunchi()
        .args(["classify", "-q", "-"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout(predicate::str::contains("nunchi_label"))
        .stderr(predicate::str::is_empty());
    // Without -q the note is there: the test looks at the right run.
    nunchi()
        .args(["classify", "-"])
        .write_stdin(input)
        .assert()
        .success()
        .stderr(predicate::str::contains("already has a column"));
}
