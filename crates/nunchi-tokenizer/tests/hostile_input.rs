//! Hostile and unusual input through the whole tokenizer: no panic, and every token's span
//! is a valid, ordered, non-overlapping char-boundary range of the input.

use std::time::{Duration, Instant};

use nunchi_tokenizer::{Analysis, PosTag, Tokenizer, Worker};

const SARCASM_TEST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/korean_sarcasm/test.csv"
);

fn worker() -> Worker {
    Tokenizer::new().expect("embedded dictionary").worker()
}

/// Checks the invariants every analysis must keep, and returns the tokens' surfaces.
fn check(input: &str, analysis: &Analysis) -> Vec<String> {
    let mut previous_end = 0;
    let mut previous: Option<(nunchi_tokenizer::Span, u32)> = None; // original span, word
    let mut surfaces = Vec::new();
    let normalized = analysis.normalized_text();
    for token in analysis.tokens() {
        let span = token.span;
        assert_eq!(
            token.normalized.of(normalized),
            Some(token.surface),
            "normalised span of {:?} in {input:?}",
            token.surface
        );
        let expected_word = match previous {
            None => 0,
            Some((before, word)) => word + u32::from(span.start > before.end),
        };
        assert_eq!(token.word, expected_word, "word index in {input:?}");
        previous = Some((span, token.word));
        assert!(!token.surface.is_empty(), "empty surface in {input:?}");
        assert!(
            span.start <= span.end && span.end <= input.len(),
            "span {span:?} outside {input:?}"
        );
        assert!(
            input.is_char_boundary(span.start) && input.is_char_boundary(span.end),
            "span {span:?} not on char boundaries of {input:?}"
        );
        assert!(
            span.start >= previous_end,
            "span {span:?} before the end {previous_end} of the previous token in {input:?}"
        );
        assert!(
            !token.surface.chars().any(char::is_control),
            "control character reached the dictionary: {:?}",
            token.surface
        );
        previous_end = span.end;
        surfaces.push(token.surface.to_owned());
    }
    surfaces
}

/// The normalised text without whitespace: what the tokens' surfaces must add up to.
fn visible(analysis: &Analysis) -> String {
    analysis
        .normalized_text()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn empty_and_whitespace_only_give_no_tokens() {
    let mut worker = worker();
    for input in [
        "",
        " ",
        "   \t\n\r\n  ",
        "\u{3000}\u{A0}\u{2028}",
        "\u{200B}\u{FEFF}",
    ] {
        let analysis = worker.analyze(input).expect("analysis");
        check(input, analysis);
        assert!(
            analysis.is_empty(),
            "{input:?} gave {} tokens",
            analysis.len()
        );
    }
}

#[test]
fn control_characters_and_nul_become_spaces() {
    let mut worker = worker();
    let input = "배송이\0너무\u{1}늦어요\u{7F}\u{85}정말\u{1B}[0m";
    let analysis = worker.analyze(input).expect("analysis");
    let surfaces = check(input, analysis);
    assert!(!analysis.normalized_text().contains('\0'));
    assert!(surfaces.iter().any(|s| s == "배송"), "{surfaces:?}");
    assert!(surfaces.iter().any(|s| s == "정말"), "{surfaces:?}");
    assert_eq!(surfaces.concat(), visible(analysis));
    let input = "\0".repeat(1000);
    let analysis = worker.analyze(&input).expect("analysis");
    check(&input, analysis);
    assert!(analysis.is_empty());
}

/// A long Hangul post without a single space: tokens must cover it exactly, and the work
/// must grow linearly with its length (10× the text may not take 30× the time).
#[test]
fn megabyte_post_without_spaces() {
    let sentence = "오늘배송받았는데포장이엉망이고제품도불량이라서너무화가났어요";
    let mut worker = worker();
    let mut analyse = |target: usize| {
        let input = sentence.repeat(target / sentence.len() + 1);
        let started = Instant::now();
        let analysis = worker.analyze(&input).expect("analysis");
        let elapsed = started.elapsed();
        check(&input, analysis);
        let mut covered = 0;
        for token in analysis.tokens() {
            assert_eq!(token.span.start, covered, "gap in the token spans");
            covered = token.span.end;
        }
        assert_eq!(covered, input.len(), "tokens do not reach the end");
        elapsed
    };
    // Warm up (dictionary pages, allocations), then compare.
    analyse(10_000);
    let small = analyse(100_000);
    let large = analyse(1_000_000);
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-6);
    assert!(
        ratio < 30.0,
        "1 MB took {large:?}, 100 KB {small:?}: ratio {ratio:.1} is not linear"
    );
    assert!(large < Duration::from_secs(60), "1 MB took {large:?}");
}

#[test]
fn hanja_mixed_scripts_and_rtl() {
    let mut worker = worker();
    let inputs = [
        "大韓民國 萬歲! 漢字語를 쓴다",
        "한국어English日本語のテキストКириллица123한국어",
        "서울 Москва 東京 New York",
        "مرحبا بالعالم שלום עולם",
        "\u{202B}שלום\u{202C} 그리고 \u{200F}مرحبا\u{200E}",
    ];
    for input in inputs {
        let analysis = worker.analyze(input).expect("analysis");
        let surfaces = check(input, analysis);
        assert_eq!(surfaces.concat(), visible(analysis), "{input:?}");
    }
    // Text that needs no normalisation maps back char for char.
    for input in &inputs[..4] {
        let analysis = worker.analyze(input).expect("analysis");
        assert_eq!(analysis.normalized_text(), *input);
        for token in analysis.tokens() {
            assert_eq!(&input[token.span.range()], token.surface);
        }
    }
    // Bidi controls are dropped before analysis.
    let analysis = worker.analyze(inputs[4]).expect("analysis");
    assert!(!analysis.normalized_text().contains('\u{200F}'));
}

#[test]
fn lone_and_decomposed_jamo() {
    let mut worker = worker();
    for input in [
        "\u{1161}",
        "\u{11A8}",
        "\u{1161}\u{11A8}\u{1161}",
        "가\u{1161}\u{11A8}",
        "\u{1100}\u{1100}\u{1100}",
        "\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8}\u{110B}\u{1165} 좋\u{1161}",
    ] {
        let analysis = worker.analyze(input).expect("analysis");
        let surfaces = check(input, analysis);
        assert_eq!(surfaces.concat(), visible(analysis), "{input:?}");
        assert!(!analysis.is_empty(), "{input:?}");
    }
    let input = "\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8}\u{110B}\u{1165}";
    let analysis = worker.analyze(input).expect("analysis");
    assert_eq!(analysis.normalized_text(), "한국어");
    let tokens: Vec<_> = analysis.tokens().collect();
    assert_eq!(tokens.first().map(|t| t.span.start), Some(0));
    assert_eq!(tokens.last().map(|t| t.span.end), Some(input.len()));
}

#[test]
fn emoji_runs_and_sequences_are_emoji_tokens() {
    let mut worker = worker();
    let family = "👨\u{200D}👩\u{200D}👧";
    let input = format!("가족{family}최고👍🏽🇰🇷 1\u{FE0F}\u{20E3}😂😂😂😂😂😂");
    let analysis = worker.analyze(&input).expect("analysis");
    check(&input, analysis);
    let emoji: Vec<_> = analysis
        .tokens()
        .filter(|t| t.pos == PosTag::Emoji)
        .map(|t| (t.surface, &input[t.span.range()]))
        .collect();
    assert_eq!(
        emoji,
        [
            (family, family),
            ("👍🏽", "👍🏽"),
            ("🇰🇷", "🇰🇷"),
            ("1\u{FE0F}\u{20E3}", "1\u{FE0F}\u{20E3}"),
            ("😂", "😂"),
            ("😂", "😂"),
            ("😂", "😂😂😂😂"),
        ]
    );
    let input = "🎉".repeat(10_000);
    let analysis = worker.analyze(&input).expect("analysis");
    check(&input, analysis);
    assert_eq!(analysis.len(), 3);
}

#[test]
fn noncharacters_private_use_and_odd_code_points() {
    let mut worker = worker();
    let inputs = [
        "\u{FFFE}\u{FFFF}\u{FDD0}\u{1FFFE}\u{10FFFF}",
        "\u{E000}\u{F8FF}\u{F0000} 사용자 정의",
        "\u{FFFD}\u{FFFD}깨진 글자",
        "\u{E0001}\u{E0041}태그\u{E007F}",
        "a\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}",
        "\u{301}\u{301}시작이 결합 문자",
    ];
    for input in inputs {
        let analysis = worker.analyze(input).expect("analysis");
        let surfaces = check(input, analysis);
        assert_eq!(surfaces.concat(), visible(analysis), "{input:?}");
    }
}

#[test]
fn social_units_come_out_whole() {
    let mut worker = worker();
    let input = "RT @nunchi_bot: 새 폰 #갤럭시S24 진짜 좋아요^^ https://t.co/Ab1 ㅋㅋㅋㅋㅋㅋ";
    let analysis = worker.analyze(input).expect("analysis");
    check(input, analysis);
    let units: Vec<_> = analysis
        .tokens()
        .filter(|t| {
            matches!(
                t.pos,
                PosTag::Retweet
                    | PosTag::Mention
                    | PosTag::Hashtag
                    | PosTag::Emoticon
                    | PosTag::Url
            )
        })
        .map(|t| (t.surface, t.pos))
        .collect();
    assert_eq!(
        units,
        [
            ("RT", PosTag::Retweet),
            ("@nunchi_bot", PosTag::Mention),
            ("#갤럭시S24", PosTag::Hashtag),
            ("^^", PosTag::Emoticon),
            ("https://t.co/Ab1", PosTag::Url),
        ]
    );
    assert!(analysis.normalized_text().ends_with("ㅋㅋㅋ"));
    assert!(!analysis.normalized_text().ends_with("ㅋㅋㅋㅋ"));
}

#[test]
fn real_tweets_keep_the_invariants_and_mentions_whole() {
    let mut reader = csv::Reader::from_path(SARCASM_TEST).expect("korean_sarcasm/test.csv");
    let mut worker = worker();
    let mut tweets = 0;
    let mut mentions = 0;
    for record in reader.records() {
        let record = record.expect("CSV record");
        let tweet = record.get(1).expect("tokens column");
        let analysis = worker.analyze(tweet).expect("analysis");
        let surfaces = check(tweet, analysis);
        assert_eq!(surfaces.concat(), visible(analysis), "{tweet:?}");
        let expected = tweet.matches("@user").count();
        let found: Vec<_> = analysis
            .tokens()
            .filter(|t| t.pos == PosTag::Mention)
            .collect();
        assert_eq!(found.len(), expected, "{tweet:?}");
        for token in found {
            assert_eq!(token.surface, "@user");
            assert_eq!(&tweet[token.span.range()], "@user");
        }
        tweets += 1;
        mentions += expected;
    }
    assert_eq!(tweets, 301);
    assert!(mentions >= 150, "only {mentions} mentions");
}

/// A Hangul filler (U+3164) typed as a space is dropped by normalisation but still
/// separates words, as it did when words were told by span gaps (one NSMC training review,
/// `아 갑수ㅤㅎㅛㅇ 무릎팍 …`, changed the shipped model's weights when it did not).
#[test]
fn hangul_filler_dropped_by_normalisation_still_separates_words() {
    let mut worker = worker();
    let input = "아 갑수\u{3164}ㅎㅛㅇ 무릎팍";
    let analysis = worker.analyze(input).expect("analysis");
    check(input, analysis);
    let words: Vec<(&str, u32)> = analysis.tokens().map(|t| (t.surface, t.word)).collect();
    let filler_at = input.find('\u{3164}').unwrap();
    let after = analysis
        .tokens()
        .find(|t| t.span.start > filler_at)
        .expect("a token after the filler");
    let before = analysis
        .tokens()
        .filter(|t| t.span.end <= filler_at)
        .last()
        .expect("a token before the filler");
    assert_eq!(after.word, before.word + 1, "{words:?}");
}
