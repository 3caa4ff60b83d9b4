//! Training on small subsets: determinism, three labels, bad data.

mod common;

use nunchi_score::dataset::WarningKind;
use nunchi_score::nunchi_tokenizer::Tokenizer;
use nunchi_score::{evaluate, train, Error, Example, FeatureConfig, Label, Model, TrainConfig};

fn tokenizer() -> Tokenizer {
    Tokenizer::new().unwrap()
}

fn nsmc_subset(n: usize) -> Vec<Example> {
    let mut examples = common::nsmc(&common::shared("nsmc/ratings_train.txt"))
        .unwrap()
        .examples;
    examples.truncate(n);
    examples
}

fn small_config(seed: u64) -> TrainConfig {
    let mut features = FeatureConfig::default();
    features.hash_bits = 16;
    let mut config = TrainConfig::default();
    config.seed = seed;
    config.features = features;
    config.l2_candidates = vec![1e-5, 1e-4];
    config.max_epochs = 3;
    config.min_lexicon_support = 3;
    config
}

fn bytes(model: &Model) -> Vec<u8> {
    let (mut m, mut w, mut l) = (Vec::new(), Vec::new(), Vec::new());
    model.write(&mut m, &mut w, &mut l).unwrap();
    [m, w, l].concat()
}

fn train_with_threads(examples: &[Example], config: &TrainConfig, threads: usize) -> Vec<u8> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| bytes(&train(examples, config, tokenizer()).unwrap().model))
}

#[test]
fn same_seed_gives_identical_models_across_thread_counts() {
    let examples = nsmc_subset(3000);
    let config = small_config(7);
    let one = train_with_threads(&examples, &config, 1);
    let two = train_with_threads(&examples, &config, 2);
    let three = train_with_threads(&examples, &config, 3);
    assert!(
        one == two && two == three,
        "models differ across thread counts"
    );
    let other_seed = train_with_threads(&examples, &small_config(8), 2);
    assert_ne!(one, other_seed, "the seed has no effect");
}

#[test]
fn a_small_model_learns_and_reports_dev_metrics() {
    let examples = nsmc_subset(4000);
    let trained = train(&examples, &small_config(1), tokenizer()).unwrap();
    assert_eq!(trained.model.labels(), [Label::Negative, Label::Positive]);
    // The dev split is a tenth of what is left after dropping duplicates and conflicts.
    let kept = examples.len() - trained.warnings.len();
    assert_eq!(trained.dev.n, (kept as f64 * 0.1).round() as usize);
    assert!(
        trained.dev.accuracy > 0.7,
        "dev accuracy {}",
        trained.dev.accuracy
    );
    assert!(trained.model.lexicon().len() > 50);
    assert_eq!(trained.search.len(), 2 * 3);
    let manifest = trained.model.manifest();
    assert_eq!(manifest.training.dev_metrics.as_ref(), Some(&trained.dev));
    assert_eq!(&manifest.tokenizer, tokenizer().identity());
}

#[test]
fn three_labels_train_and_predict_neutral() {
    let mut examples = nsmc_subset(1500);
    let neutral = [
        "회사는 오늘 {}분기 실적을 발표했다",
        "{}일 오후 2시에 정기 회의가 열립니다",
        "공지: {}번 출구는 공사로 폐쇄됩니다",
        "{}월 일정 안내드립니다",
        "신제품은 {}개 모델로 출시된다",
    ];
    for i in 0..600 {
        examples.push(Example {
            text: neutral[i % neutral.len()].replace("{}", &(i / 5 + 1).to_string()),
            label: Label::Neutral,
            line: 0,
        });
    }
    let trained = train(&examples, &small_config(3), tokenizer()).unwrap();
    let model = trained.model;
    assert_eq!(model.labels(), Label::ALL);
    assert!(model.manifest().neutral.is_none());
    assert!(trained.dev.accuracy > 0.7, "{}", trained.dev);
    let mut scorer = model.scorer();
    let p = scorer
        .score("130일 오후 2시에 정기 회의가 열립니다")
        .unwrap();
    assert_eq!(p.label, Label::Neutral, "{p:?}");
    assert_eq!(scorer.score("최악의 영화").unwrap().label, Label::Negative);
    let e = evaluate(&model, &examples[..200]).unwrap();
    assert_eq!(e.labels, Label::ALL);
    let dir = tempfile::tempdir().unwrap();
    model.save_dir(dir.path()).unwrap();
    let loaded = Model::load_dir(dir.path(), tokenizer()).unwrap();
    assert_eq!(bytes(&loaded), bytes(&model));
}

#[test]
fn bad_training_data_is_an_error_or_a_counted_warning() {
    let ex = |text: &str, label, line| Example {
        text: text.into(),
        label,
        line,
    };
    let one_class: Vec<Example> = (0..50)
        .map(|i| ex(&format!("좋아요 {i}"), Label::Positive, i + 2))
        .collect();
    match train(&one_class, &small_config(1), tokenizer()) {
        Err(Error::Training(message)) => assert!(message.contains("two classes"), "{message}"),
        other => panic!("one class: {other:?}"),
    }
    assert!(matches!(
        train(&[], &small_config(1), tokenizer()),
        Err(Error::Training(_))
    ));

    let mut examples = nsmc_subset(500);
    examples.push(ex("이 영화 어때", Label::Positive, 9001));
    examples.push(ex("이 영화 어때", Label::Negative, 9002));
    examples.push(examples[0].clone());
    let trained = train(&examples, &small_config(1), tokenizer()).unwrap();
    let conflicts: Vec<u64> = trained
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::ConflictingLabels)
        .map(|w| w.line)
        .collect();
    assert!(
        conflicts.contains(&9001) && conflicts.contains(&9002),
        "{:?}",
        trained.warnings
    );
    assert!(trained
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::Duplicate));

    let mut no_ngrams = small_config(1);
    no_ngrams.features.morpheme_ngrams = 0;
    no_ngrams.features.word_ngrams = 0;
    no_ngrams.features.min_char_ngram = 0;
    no_ngrams.features.max_char_ngram = 0;
    let mut inverted_band = small_config(1);
    inverted_band.neutral.band = -0.3;
    for bad in [no_ngrams, inverted_band] {
        assert!(bad.validate().is_err(), "{bad:?}");
    }

    let mut bad = small_config(1);
    bad.dev_fraction = 0.9;
    assert!(matches!(
        train(&examples, &bad, tokenizer()),
        Err(Error::Training(_))
    ));
}
