//! One test per defect found, named after it (as ripgrep's `tests/regression.rs`): each
//! loaded a wrong model without error, or aborted, before the fix.

use std::path::Path;

use nunchi_score::nunchi_tokenizer::Tokenizer;
use nunchi_score::{Error, Model, LEXICON_FILE, MANIFEST_FILE, WEIGHTS_FILE};
use serde_json::{json, Value};

/// The embedded model's three files.
fn files() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let (mut m, mut w, mut l) = (Vec::new(), Vec::new(), Vec::new());
    Model::embedded()
        .unwrap()
        .write(&mut m, &mut w, &mut l)
        .unwrap();
    (m, w, l)
}

fn load(m: &[u8], w: &[u8], l: &[u8]) -> Result<Model, Error> {
    Model::read(m, w, l, Tokenizer::new().unwrap())
}

/// The embedded model with its manifest edited by `edit`.
fn load_edited(edit: impl FnOnce(&mut Value)) -> Result<Model, Error> {
    let (m, w, l) = files();
    let mut manifest: Value = serde_json::from_slice(&m).unwrap();
    edit(&mut manifest);
    load(&serde_json::to_vec(&manifest).unwrap(), &w, &l)
}

/// Asserts an invalid-model error for `file` whose problem mentions `needle`.
#[track_caller]
fn assert_invalid(result: Result<Model, Error>, file: &str, needle: &str) {
    match result {
        Err(Error::InvalidModel { file: f, problem }) => {
            assert_eq!(f, file, "{problem}");
            assert!(problem.contains(needle), "{needle:?} not in {problem:?}");
        }
        Err(other) => panic!("expected an invalid {file}, got {other:?}"),
        Ok(_) => panic!("a wrong model loaded ({needle})"),
    }
}

// Issue 12, item 5: "A weights.bin from another model next to the default manifest loads
// (rc 0) and predictions change completely."
#[test]
fn weights_of_another_model_next_to_the_manifest_are_refused() {
    let (m, w, l) = files();
    // Another valid weights file: every weight doubled (the quantisation step, bytes
    // 24..28), its CRC-32 made right again.
    let mut other = w.clone();
    let step = f32::from_le_bytes(other[24..28].try_into().unwrap());
    other[24..28].copy_from_slice(&(step * 2.0).to_le_bytes());
    let body = other.len() - 4;
    let crc = crc32fast::hash(&other[..body]);
    other[body..].copy_from_slice(&crc.to_le_bytes());
    assert_invalid(load(&m, &other, &l), WEIGHTS_FILE, "not of one model");
    assert_invalid(
        load(&m, &w[..w.len() - 1], &l),
        WEIGHTS_FILE,
        "not of one model",
    );
    assert!(load(&m, &w, &l).is_ok());
}

// The same for the lexicon: an edited or foreign lexicon.tsv changed scores silently.
#[test]
fn lexicon_of_another_model_next_to_the_manifest_is_refused() {
    let (m, w, mut l) = files();
    l.extend_from_slice("갓벽\t*\t1.0000\t0\n".as_bytes());
    assert_invalid(load(&m, &w, &l), LEXICON_FILE, "not of one model");
}

// Issue 12, item 5: "`calibration.scale = -5` inverts every prediction (KoBEST dev accuracy
// 0.17)".
#[test]
fn negative_calibration_scale_is_refused() {
    for scale in [-5.0, 0.0] {
        let result = load_edited(|m| m["calibration"]["scale"] = json!(scale));
        assert_invalid(result, MANIFEST_FILE, "calibration scale");
    }
    let result = load_edited(|m| m["calibration"]["offset"] = json!(1e39));
    assert_invalid(result, MANIFEST_FILE, "calibration offset");
}

// Issue 12, item 5: "a negative neutral band … accepted".
#[test]
fn negative_neutral_band_is_refused() {
    let result = load_edited(|m| m["neutral"]["band"] = json!(-0.1));
    assert_invalid(result, MANIFEST_FILE, "neutral band");
    let result = load_edited(|m| m["neutral"]["min_evidence"] = json!(-1.0));
    assert_invalid(result, MANIFEST_FILE, "min_evidence");
}

// Issue 12, item 5: "a band > 1 … accepted".
#[test]
fn neutral_band_above_one_is_refused() {
    let result = load_edited(|m| m["neutral"]["band"] = json!(1.5));
    assert_invalid(result, MANIFEST_FILE, "neutral band");
}

// Issue 12, item 5: "another dictionary's `dictionary_id` … accepted".
#[test]
fn another_dictionarys_id_is_refused() {
    let other = "mecab-ko-dic-2.0.3-20170922 (another build)";
    match load_edited(|m| m["tokenizer"]["dictionary"] = json!(other)) {
        Err(error @ Error::TokenizerMismatch { .. }) => {
            assert!(error.to_string().contains(other), "{error}")
        }
        other => panic!("expected a tokenizer mismatch, got {other:?}"),
    }
}

// Issue 12, item 5: "all n-gram sizes 0 are accepted".
#[test]
fn all_ngram_sizes_zero_are_refused() {
    let result = load_edited(|m| {
        for size in [
            "morpheme_ngrams",
            "word_ngrams",
            "min_char_ngram",
            "max_char_ngram",
        ] {
            m["features"][size] = json!(0);
        }
    });
    assert_invalid(result, MANIFEST_FILE, "every n-gram family is off");
}

// Issue 12, item 5: "`lexicon.tsv` symlinked to `/dev/zero` aborts on a 4 GB allocation".
// Every file of a model directory is read bounded: none of these reads more than a few MB.
#[cfg(unix)]
#[test]
fn model_files_symlinked_to_dev_zero_are_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model");
    Model::embedded().unwrap().save_dir(&model).unwrap();
    for (file, needle) in [
        (LEXICON_FILE, "not of one model"),
        (WEIGHTS_FILE, "not of one model"),
        (MANIFEST_FILE, "larger than"),
    ] {
        let copy = dir.path().join(format!("with-{file}"));
        std::fs::create_dir(&copy).unwrap();
        for name in [LEXICON_FILE, WEIGHTS_FILE, MANIFEST_FILE] {
            std::fs::copy(model.join(name), copy.join(name)).unwrap();
        }
        std::fs::remove_file(copy.join(file)).unwrap();
        std::os::unix::fs::symlink(Path::new("/dev/zero"), copy.join(file)).unwrap();
        let result = Model::load_dir(&copy, Tokenizer::new().unwrap());
        assert_invalid(result, file, needle);
    }
}

// Issue 12, item 5: "`format_version` of -1 … is reported as 'no format_version'".
#[test]
fn format_version_minus_one_is_not_reported_as_missing() {
    let result = load_edited(|m| m["format_version"] = json!(-1));
    assert_invalid(
        result,
        MANIFEST_FILE,
        "format_version -1 is not a version number",
    );
}

// Issue 12, item 5: "`format_version` of … \"1\" is reported as 'no format_version'".
#[test]
fn format_version_as_a_string_is_not_reported_as_missing() {
    let result = load_edited(|m| m["format_version"] = json!("1"));
    assert_invalid(
        result,
        MANIFEST_FILE,
        "format_version \"1\" is not a version number",
    );
    match load_edited(|m| m["format_version"] = json!(u64::MAX)) {
        Err(Error::UnsupportedVersion { found, .. }) => assert_eq!(found, u64::MAX),
        other => panic!("expected an unsupported version, got {other:?}"),
    }
}

/// Issue 12, item 6: the featuriser kept what a long post grew its buffers to (for a 1 MB
/// post, the repeat table 117 MB and the occurrences 83 MB), so every thread that once
/// met one held ~220 MB for good. After the post, each buffer now keeps at most 1 MiB.
#[test]
fn scorer_gives_back_what_a_long_post_grew() {
    let model = Model::embedded().unwrap();
    let mut scorer = model.scorer();
    let post = "배송이 너무 늦고 포장도 엉망이에요 ㅠㅠ 다시는 안 사요! ".repeat(14_000);
    assert!(post.len() > 1 << 20, "{} bytes", post.len());
    scorer.score(&post).unwrap();
    // Trimming must not change what the scorer computes next: the same short post scores
    // exactly as with a fresh scorer.
    let short = "배송이 너무 늦어요";
    let prediction = scorer.score(short).unwrap();
    assert_eq!(prediction, model.scorer().score(short).unwrap());
    let kept = scorer.retained_bytes();
    assert!(kept < 32 << 20, "{kept} bytes kept after a 1 MB post");
}
