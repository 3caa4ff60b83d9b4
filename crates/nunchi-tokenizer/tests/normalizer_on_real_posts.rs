//! The normaliser's guarantees checked on every review of the NSMC test set and every tweet
//! of the sarcasm corpus: offsets of every char valid and in order, units sorted and
//! non-overlapping, and normalising twice changes nothing more.

use nunchi_tokenizer::{Normalized, Normalizer, PosTag};

const NSMC_TEST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/nsmc/ratings_test.txt"
);
const SARCASM_TRAIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/korean_sarcasm/train.csv"
);

/// Checks one post; returns how many units it has.
fn check(
    normalizer: &Normalizer,
    post: &str,
    out: &mut Normalized,
    again: &mut Normalized,
) -> usize {
    normalizer.normalize_into(post, out);
    let mut previous_end = 0;
    for (at, c) in out.text().char_indices() {
        let span = out.original_span(at..at + c.len_utf8());
        assert!(
            span.start >= previous_end && span.start <= span.end && span.end <= post.len(),
            "char {c:?} at {at} maps to {span:?} after {previous_end} in {post:?}"
        );
        assert!(post.is_char_boundary(span.start) && post.is_char_boundary(span.end));
        previous_end = span.end;
    }
    let mut unit_end = 0;
    for unit in out.units() {
        assert!(unit.range.start >= unit_end && unit.range.start < unit.range.end);
        assert!(out.text().is_char_boundary(unit.range.start));
        assert!(out.text().is_char_boundary(unit.range.end));
        unit_end = unit.range.end;
    }
    normalizer.normalize_into(out.text(), again);
    assert_eq!(again.text(), out.text(), "not idempotent on {post:?}");
    assert_eq!(again.units(), out.units(), "units differ on {post:?}");
    out.units().len()
}

#[test]
fn nsmc_reviews() {
    let text = std::fs::read_to_string(NSMC_TEST).expect("nsmc/ratings_test.txt");
    let normalizer = Normalizer::default();
    let (mut out, mut again) = (Normalized::new(), Normalized::new());
    let mut posts = 0;
    let mut units = 0;
    let mut changed = 0;
    // TAB-separated `id document label`, no quoting.
    for line in text.lines().skip(1) {
        let Some(review) = line.split('\t').nth(1) else {
            continue;
        };
        units += check(&normalizer, review, &mut out, &mut again);
        changed += usize::from(out.text() != review);
        posts += 1;
    }
    assert_eq!(posts, 50_000);
    // Reviews are full of ^^, ㅡㅡ and ♥, and of long ㅋ/ㅠ/. runs.
    assert!(units > 1_000, "only {units} units");
    assert!(changed > 1_000, "only {changed} reviews changed");
}

#[test]
fn sarcasm_tweets() {
    let mut reader = csv::Reader::from_path(SARCASM_TRAIN).expect("korean_sarcasm/train.csv");
    let normalizer = Normalizer::default();
    let (mut out, mut again) = (Normalized::new(), Normalized::new());
    let mut mentions = 0;
    let mut retweets = 0;
    for record in reader.records() {
        let record = record.expect("CSV record");
        let tweet = record.get(1).expect("tokens column");
        check(&normalizer, tweet, &mut out, &mut again);
        mentions += out
            .units()
            .iter()
            .filter(|u| u.tag == PosTag::Mention)
            .count();
        retweets += out
            .units()
            .iter()
            .filter(|u| u.tag == PosTag::Retweet)
            .count();
    }
    assert!(mentions > 5_000, "only {mentions} mentions");
    assert!(retweets > 500, "only {retweets} retweet markers");
}
