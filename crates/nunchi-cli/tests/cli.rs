//! Command-line conventions: exit codes of usage errors, help text.

mod common;

use common::nunchi;
use predicates::prelude::*;

#[test]
fn usage_errors_exit_1_not_2() {
    nunchi()
        .args(["classify", "--no-such-flag"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--no-such-flag"));
    nunchi().assert().code(1);
}

#[test]
fn help_documents_exit_codes() {
    nunchi()
        .args(["classify", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes:"))
        .stdout(predicate::str::contains("2  some rows were rejected"));
    nunchi()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("nunchi "));
}
