//! Scoring behaviour of the embedded model: labels, neutral, explanations, user lexicons.

use nunchi_score::{Label, Lexicon, Model, Prediction};

fn score(model: &Model, text: &str, top_k: usize) -> Prediction {
    model.scorer().explain(text, top_k).unwrap()
}

#[test]
fn probabilities_are_consistent() {
    let model = Model::embedded().unwrap();
    for text in ["최고의 영화", "최악", "", "   ", "ㅋㅋㅋㅋㅋ", "😀", "?!"] {
        let p = score(&model, text, 5);
        let sum: f32 = p.probabilities.iter().sum();
        assert!((sum - 1.0).abs() < 1e-4, "{text:?}: {p:?}");
        assert_eq!(p.confidence, p.probabilities[p.label.index()]);
        assert!((-1.0..=1.0).contains(&p.polarity));
        let polarity = p.probabilities[2] - p.probabilities[0];
        assert!((p.polarity - polarity).abs() < 1e-6);
    }
}

#[test]
fn clear_posts_get_clear_labels() {
    let model = Model::embedded().unwrap();
    let cases = [
        ("진짜 재밌어요 강추합니다", Label::Positive),
        ("배우들 연기 최고, 또 보고 싶다", Label::Positive),
        ("시간 아깝다 최악의 영화", Label::Negative),
        ("재미없어요 돈 아까움", Label::Negative),
        ("하나도 안 재밌다", Label::Negative),
    ];
    for (text, want) in cases {
        let p = score(&model, text, 0);
        assert_eq!(p.label, want, "{text:?}: {p:?}");
    }
}

#[test]
fn announcements_and_questions_are_neutral() {
    let model = Model::embedded().unwrap();
    for text in [
        "삼성전자는 오는 3월 15일 서울 본사에서 정기 주주총회를 개최한다고 공시했다.",
        "내일 회의는 몇 시에 시작하나요?",
    ] {
        let p = score(&model, text, 0);
        assert_eq!(p.label, Label::Neutral, "{text:?}: {p:?}");
    }
}

#[test]
fn evidence_maps_to_original_spans() {
    let model = Model::embedded().unwrap();
    let text = "연기는  좋았지만 스토리가 하나도 안 재밌다 ㅠㅠ";
    let p = score(&model, text, 50);
    assert!(!p.evidence.is_empty());
    for e in &p.evidence {
        assert!(
            e.span.start < e.span.end && e.span.end <= text.len(),
            "{e:?}"
        );
        assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
    }
    let negated = p
        .evidence
        .iter()
        .find(|e| e.term == "안+재밌/VA")
        .unwrap_or_else(|| panic!("no negated term in {:?}", p.evidence));
    assert_eq!(&text[negated.span.start..negated.span.end], "안 재밌다");
    assert!(negated.weight < 0.0, "{negated:?}");
    let sorted = p
        .evidence
        .windows(2)
        .all(|w| w[0].weight.abs() >= w[1].weight.abs());
    assert!(sorted);
    assert_eq!(score(&model, text, 3).evidence.len(), 3);
    assert!(model.scorer().score(text).unwrap().evidence.is_empty());
}

#[test]
fn user_lexicon_overrides_show_in_scores_and_explanations() {
    let model = Model::embedded().unwrap();
    let text = "이번 신제품 디자인 갓벽";
    let before = score(&model, text, 20);
    let user = Lexicon::read_tsv(
        "term\tpos\tweight\tsupport\n갓벽\t*\t1.0\t\n디자인\tNNG\t0.8\t\n".as_bytes(),
    )
    .unwrap();
    let custom = model.with_lexicon(&user);
    let after = score(&custom, text, 20);
    assert!(
        after.polarity > before.polarity + 0.1,
        "before {before:?}\nafter {after:?}"
    );
    let lexical = after
        .evidence
        .iter()
        .find(|e| e.term.starts_with("lexicon:") && e.term.contains("갓벽"))
        .unwrap_or_else(|| panic!("no lexicon evidence in {:?}", after.evidence));
    assert!(lexical.weight > 0.0);
    assert_eq!(&text[lexical.span.start..lexical.span.end], "갓벽");

    // Overriding an induced entry the other way turns a positive word negative.
    let flipped =
        Lexicon::read_tsv("term\tpos\tweight\tsupport\n최고\tNNG\t-1\t\n".as_bytes()).unwrap();
    let base = score(&model, "최고", 0).polarity;
    let changed = score(&model.with_lexicon(&flipped), "최고", 0).polarity;
    assert!(changed < base, "{changed} !< {base}");
    assert!(model
        .lexicon()
        .lookup("최고", nunchi_score::nunchi_tokenizer::PosTag::Nng)
        .is_some());
}

#[test]
fn scoring_an_analysis_equals_scoring_the_text() {
    let model = Model::embedded().unwrap();
    let mut worker = model.tokenizer().worker();
    let mut scorer = model.scorer();
    let text = "배송 빠르고 좋아요^^";
    let direct = scorer.score(text).unwrap();
    let analysis = worker.analyze(text).unwrap();
    let from_analysis = scorer.score_analysis(analysis);
    assert_eq!(direct.probabilities, from_analysis.probabilities);
}

#[test]
fn a_model_is_shared_by_threads() {
    let model = Model::embedded().unwrap();
    let texts = ["좋아요", "싫어요", "그저 그래요", "최고"];
    let single: Vec<[f32; 3]> = texts
        .iter()
        .map(|t| score(&model, t, 0).probabilities)
        .collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    texts
                        .iter()
                        .map(|t| score(&model, t, 0).probabilities)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), single);
        }
    });
}

#[test]
fn empty_posts_are_neutral_with_certainty() {
    let model = Model::embedded().unwrap();
    let mut scorer = model.scorer();
    for text in ["", "   ", "\t\n", "\u{200B}"] {
        let prediction = scorer.explain(text, 3).unwrap();
        assert!(prediction.empty, "{text:?}");
        assert_eq!(prediction.label, Label::Neutral, "{text:?}");
        assert_eq!(prediction.probabilities, [0.0, 1.0, 0.0], "{text:?}");
        assert!(prediction.evidence.is_empty());
    }
    let scored = scorer.score("ㅋ").unwrap();
    assert!(!scored.empty);
}

#[test]
fn explain_analyzed_scores_like_explain_and_keeps_the_tokens() {
    let model = Model::embedded().unwrap();
    let mut scorer = model.scorer();
    let text = "KT 고객센터 연결이 안 돼요";
    let expected = scorer.explain(text, 3).unwrap();
    let (prediction, analysis) = scorer.explain_analyzed(text, 3).unwrap();
    assert_eq!(prediction, expected);
    let first = analysis.tokens().next().unwrap();
    assert_eq!((first.surface, first.word), ("KT", 0));
}
