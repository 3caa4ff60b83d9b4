//! Accuracy floors of the embedded default model (deterministic, so a floor is exact).
//! Run in `--release`: each scores tens of thousands of posts.

use nunchi_score::dataset::{read_examples_path, DatasetFormat};
use nunchi_score::{evaluate, Model};

fn shared(path: &str) -> String {
    format!("{}/../../../shared/data/{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn nsmc_test_accuracy_and_calibration() {
    let model = Model::embedded().unwrap();
    let data = read_examples_path(shared("nsmc/ratings_test.txt"), &DatasetFormat::nsmc()).unwrap();
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
    let data = read_examples_path(
        shared("kobest_sentineg/dev.tsv"),
        &DatasetFormat::kobest_sentineg(),
    )
    .unwrap();
    assert_eq!(data.examples.len(), 400);
    let e = evaluate(&model, &data.examples).unwrap();
    eprintln!("KoBEST SentiNeg dev:\n{e}");
    assert!(
        e.accuracy >= 0.83,
        "KoBEST dev accuracy {:.4} under the 0.83 floor",
        e.accuracy
    );
}
