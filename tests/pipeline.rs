//! End-to-end tests of the library pipeline through the `nunchi` facade: one shared model,
//! per-thread scorers, real posts from `../shared/data`.

use std::path::PathBuf;

use nunchi::{Label, Model, Prediction};
use rayon::prelude::*;

fn shared(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(relative)
}

/// Every comment of the Korean hate-speech dev set (real, messy news comments).
fn comments() -> Vec<String> {
    let text = std::fs::read_to_string(shared("korean_hate_speech/dev.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .map(str::to_owned)
        .collect()
}

fn score_all(model: &Model, posts: &[String], threads: usize) -> Vec<Prediction> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        posts
            .par_iter()
            .map_init(
                || model.scorer(),
                |scorer, post| scorer.explain(post, 3).unwrap(),
            )
            .collect()
    })
}

#[test]
fn shared_model_gives_the_same_predictions_on_any_number_of_threads() {
    let model = Model::embedded().unwrap();
    let posts = comments();
    assert!(posts.len() > 400);
    let one = score_all(&model, &posts, 1);
    let three = score_all(&model, &posts, 3);
    for ((post, a), b) in posts.iter().zip(&one).zip(&three) {
        assert_eq!(a.label, b.label, "{post}");
        assert_eq!(a.probabilities, b.probabilities, "{post}");
        assert_eq!(a.evidence.len(), b.evidence.len(), "{post}");
    }
}

#[test]
fn predictions_are_well_formed_and_evidence_points_into_the_post() {
    let model = Model::embedded().unwrap();
    let posts = comments();
    let predictions = score_all(&model, &posts, 2);
    let mut labels = [0usize; 3];
    for (post, p) in posts.iter().zip(&predictions) {
        labels[p.label.index()] += 1;
        assert!((-1.0..=1.0).contains(&p.polarity), "{post}: {p:?}");
        let sum: f32 = p.probabilities.iter().sum();
        assert!((sum - 1.0).abs() < 1e-4, "{post}: {p:?}");
        assert_eq!(p.confidence, p.probabilities[p.label.index()], "{post}");
        for evidence in &p.evidence {
            let (start, end) = (evidence.span.start, evidence.span.end);
            assert!(
                start <= end && post.get(start..end).is_some(),
                "{post}: {evidence:?}"
            );
        }
    }
    // Toxic entertainment comments are not all one label: each label occurs.
    assert!(labels.iter().all(|&n| n > 10), "label counts {labels:?}");
}

#[test]
fn toxic_comments_score_more_negative_than_benign_ones() {
    // The hate-speech labels are toxicity, not sentiment; still, comments marked hate or
    // offensive must on average come out clearly more negative than those marked none.
    let text = std::fs::read_to_string(shared("korean_hate_speech/dev.tsv")).unwrap();
    let model = Model::embedded().unwrap();
    let mut scorer = model.scorer();
    let (mut toxic, mut benign) = (Vec::new(), Vec::new());
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let polarity = scorer.score(fields[0]).unwrap().polarity;
        if fields[3] == "none" {
            benign.push(polarity);
        } else {
            toxic.push(polarity);
        }
    }
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    assert!(
        mean(&toxic) < mean(&benign) - 0.2,
        "toxic {} vs benign {}",
        mean(&toxic),
        mean(&benign)
    );
    let negative_share = toxic.iter().filter(|&&p| p < 0.0).count() as f32 / toxic.len() as f32;
    assert!(negative_share > 0.6, "{negative_share}");
}

#[test]
fn labels_read_as_users_expect_on_clear_posts() {
    let model = Model::embedded().unwrap();
    let mut scorer = model.scorer();
    for (post, label) in [
        ("정말 황당하군요", Label::Negative),
        ("KT도 어쩔수 없는 도둑놈이죠", Label::Negative),
        ("빠른 답변 감사합니다 덕분에 해결했어요^^", Label::Positive),
        ("최고의 영화였다 ㅠㅠ 감동", Label::Positive),
    ] {
        assert_eq!(scorer.score(post).unwrap().label, label, "{post}");
    }
}
