//! Accuracy floors of the embedded default model (deterministic, so a floor is exact).
//! Run in `--release`: each scores tens of thousands of posts.

mod common;

use nunchi_score::{evaluate, Model};

#[test]
fn nsmc_test_accuracy_and_calibration() {
    let model = Model::embedded().unwrap();
    let data = common::nsmc(&common::shared("nsmc/ratings_test.txt")).unwrap();
    assert_eq!(
        data.examples.len(),
        49_997,
        "NSMC test minus its 3 empty documents"
    );
    let e = evaluate(&model, &data.examples).unwrap();
    eprintln!("NSMC test:\n{e}");
    assert!(
        e.accuracy >= 0.880,
        "NSMC test accuracy {:.4} under the 0.880 floor",
        e.accuracy
    );
    assert!(
        e.calibration_error <= 0.02,
        "NSMC test ECE {:.4}",
        e.calibration_error
    );
    assert!(e.roc_auc.unwrap() >= 0.94);
}

#[test]
fn kobest_sentineg_dev_accuracy() {
    let model = Model::embedded().unwrap();
    let data = common::kobest(&common::shared("kobest_sentineg/dev.tsv")).unwrap();
    assert_eq!(data.examples.len(), 400);
    let e = evaluate(&model, &data.examples).unwrap();
    eprintln!("KoBEST SentiNeg dev:\n{e}");
    assert!(
        e.accuracy >= 0.83,
        "KoBEST dev accuracy {:.4} under the 0.83 floor",
        e.accuracy
    );
}
