//! Model directory round trips and corruption handling.

use std::fs;
use std::path::Path;

use nunchi_score::nunchi_tokenizer::{Normalizer, Tokenizer};
use nunchi_score::{Error, Model, LEXICON_FILE, MANIFEST_FILE, WEIGHTS_FILE};

fn files(model: &Model) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let (mut m, mut w, mut l) = (Vec::new(), Vec::new(), Vec::new());
    model.write(&mut m, &mut w, &mut l).unwrap();
    (m, w, l)
}

fn load(m: &[u8], w: &[u8], l: &[u8]) -> Result<Model, Error> {
    Model::read(m, w, l, Tokenizer::new().unwrap())
}

#[test]
fn save_and_load_dir_round_trips() {
    let model = Model::embedded().unwrap();
    let dir = tempfile::tempdir().unwrap();
    model.save_dir(dir.path()).unwrap();
    let loaded = Model::load_dir(dir.path(), Tokenizer::new().unwrap()).unwrap();
    assert_eq!(files(&loaded), files(&model));
    let text = "연출은 별로였지만 배우들 연기가 좋았다";
    let a = model.scorer().explain(text, 5).unwrap();
    let b = loaded.scorer().explain(text, 5).unwrap();
    assert_eq!(a.probabilities, b.probabilities);
    assert_eq!(a.evidence, b.evidence);
    assert_eq!(loaded.labels(), model.labels());
}

#[test]
fn missing_directory_is_an_io_error() {
    let err = Model::load_dir(
        Path::new("/nonexistent/nunchi-model"),
        Tokenizer::new().unwrap(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
}

fn assert_invalid(result: Result<Model, Error>, what: &str) {
    match result {
        Err(
            Error::InvalidModel { .. } | Error::ModelFile { .. } | Error::UnsupportedVersion { .. },
        ) => {}
        Err(other) => panic!("{what}: unexpected error kind {other:?}"),
        Ok(_) => panic!("{what}: a corrupt model loaded"),
    }
}

#[test]
fn corrupt_weights_are_typed_errors() {
    let (m, w, l) = files(&Model::embedded().unwrap());
    // Flip single bytes across the file (header, body, checksum).
    for at in [0, 8, 12, 20, 28, 100, w.len() / 2, w.len() - 5, w.len() - 1] {
        let mut bad = w.clone();
        bad[at] ^= 0x01;
        assert_invalid(load(&m, &bad, &l), &format!("flipped byte {at}"));
    }
    for len in [0, 4, 8, 31, w.len() / 3, w.len() - 1] {
        assert_invalid(load(&m, &w[..len], &l), &format!("truncated to {len}"));
    }
    let mut foreign = w.clone();
    foreign[..8].copy_from_slice(b"PK\x03\x04zip!");
    assert_invalid(load(&m, &foreign, &l), "wrong magic");
    let mut version = w.clone();
    version[8..12].copy_from_slice(&99u32.to_le_bytes());
    assert_invalid(load(&m, &version, &l), "other weights version");
}

#[test]
fn garbage_manifest_and_lexicon_are_typed_errors() {
    let (m, w, l) = files(&Model::embedded().unwrap());
    assert_invalid(load(b"{not json", &w, &l), "garbage manifest");
    assert_invalid(load(b"[]", &w, &l), "array manifest");
    assert_invalid(load(&m[..m.len() / 2], &w, &l), "truncated manifest");
    let json: serde_json::Value = serde_json::from_slice(&m).unwrap();
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = json.clone();
        f(&mut v);
        serde_json::to_vec(&v).unwrap()
    };
    match load(&edit(&|v| v["format_version"] = 7.into()), &w, &l) {
        Err(Error::UnsupportedVersion { found: 7, .. }) => {}
        other => panic!("manifest version: {other:?}"),
    }
    assert_invalid(
        load(&edit(&|v| v["features"]["hash_bits"] = 20.into()), &w, &l),
        "dimension mismatch",
    );
    assert_invalid(
        load(
            &edit(&|v| v["labels"] = serde_json::json!(["positive"])),
            &w,
            &l,
        ),
        "one label",
    );
    assert_invalid(
        load(
            &edit(&|v| v["labels"] = serde_json::json!(["happy", "sad"])),
            &w,
            &l,
        ),
        "unknown labels",
    );
    assert_invalid(load(&m, &w, b"not a lexicon"), "garbage lexicon");
    let mut bad_lexicon = l.clone();
    bad_lexicon.extend_from_slice("좋\tVA\tabc\t1\n".as_bytes());
    assert_invalid(load(&m, &w, &bad_lexicon), "bad lexicon line");
}

#[test]
fn saved_files_are_what_the_model_writes() {
    let model = Model::embedded().unwrap();
    let dir = tempfile::tempdir().unwrap();
    model.save_dir(dir.path()).unwrap();
    let (m, w, l) = files(&model);
    assert_eq!(fs::read(dir.path().join(MANIFEST_FILE)).unwrap(), m);
    assert_eq!(fs::read(dir.path().join(WEIGHTS_FILE)).unwrap(), w);
    assert_eq!(fs::read(dir.path().join(LEXICON_FILE)).unwrap(), l);
}

#[test]
fn another_tokenizer_than_the_models_is_a_typed_error_naming_both() {
    let (m, w, l) = files(&Model::embedded().unwrap());
    let literal = Tokenizer::builder()
        .normalizer(Normalizer { max_repeat: 0 })
        .build()
        .unwrap();
    let with_user_words = Tokenizer::builder()
        .user_dictionary("갤럭시노트,NNP,갤럭시노트\n".as_bytes())
        .unwrap()
        .build()
        .unwrap();
    for tokenizer in [literal, with_user_words] {
        let given = tokenizer.identity().clone();
        match Model::read(&m[..], &w[..], &l[..], tokenizer) {
            Err(error @ Error::TokenizerMismatch { .. }) => {
                let message = error.to_string();
                assert!(message.contains("max_repeat: 3"), "{message}");
                assert!(message.contains(&given.to_string()), "{message}");
            }
            other => panic!("{given}: expected a tokenizer mismatch, got {other:?}"),
        }
    }
}

#[test]
fn errors_keep_their_source_instead_of_its_text() {
    use std::error::Error as _;
    let (m, w, l) = files(&Model::embedded().unwrap());
    let manifest = load(b"{not json", &w, &l).unwrap_err();
    let cause = manifest.source().expect("the JSON error as source");
    assert!(cause.is::<serde_json::Error>(), "{cause:?}");
    assert!(!manifest.to_string().contains(&cause.to_string()));

    // A manifest that records the bad lexicon, so that its parser sees it.
    let mut bad_lexicon = l.clone();
    bad_lexicon.extend_from_slice(b"\xff\tVA\t0.5\t1\n");
    let mut json: serde_json::Value = serde_json::from_slice(&m).unwrap();
    json["files"][LEXICON_FILE] = serde_json::json!({
        "bytes": bad_lexicon.len(),
        "xxh3": format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bad_lexicon)),
    });
    let lexicon = load(&serde_json::to_vec(&json).unwrap(), &w, &bad_lexicon).unwrap_err();
    assert!(matches!(lexicon, Error::ModelFile { .. }), "{lexicon:?}");
    let chain: Vec<String> = std::iter::successors(lexicon.source(), |&e| e.source())
        .map(|e| e.to_string())
        .collect();
    assert!(chain.len() >= 2, "{lexicon}: {chain:?}");
    assert!(chain[0].starts_with("lexicon line"), "{chain:?}");

    let missing = Model::load_dir("/nonexistent/nunchi-model", Tokenizer::new().unwrap());
    let io = missing.unwrap_err();
    assert!(io.source().unwrap().is::<std::io::Error>());
}

#[test]
fn a_manifest_missing_a_field_is_refused_not_defaulted() {
    let (m, w, l) = files(&Model::embedded().unwrap());
    let mut json: serde_json::Value = serde_json::from_slice(&m).unwrap();
    json["features"]
        .as_object_mut()
        .unwrap()
        .remove("normalize");
    match load(&serde_json::to_vec(&json).unwrap(), &w, &l) {
        Err(Error::InvalidModel { problem, .. }) => {
            assert!(problem.contains("features.normalize"), "{problem}")
        }
        other => panic!("expected an invalid manifest, got {other:?}"),
    }
}
