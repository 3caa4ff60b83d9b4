//! Real posts from `../shared/data` for the benchmarks (read in place, never copied).

// Each bench compiles this module and uses only part of it.
#![allow(dead_code)]

use std::path::PathBuf;

/// Path of a file under the shared data folder beside the project.
pub fn shared_data(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(relative)
}

/// NSMC test reviews (the `document` column), up to `limit`.
pub fn nsmc_reviews(limit: usize) -> Vec<String> {
    let path = shared_data("nsmc/ratings_test.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("benchmarks need {}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter_map(|line| line.split('\t').nth(1))
        .filter(|doc| !doc.is_empty())
        .take(limit)
        .map(str::to_owned)
        .collect()
}

/// Tweets from the Korean sarcasm set (the `tokens` column), up to `limit`.
pub fn tweets(limit: usize) -> Vec<String> {
    let path = shared_data("korean_sarcasm/train.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("benchmarks need {}: {e}", path.display()));
    // Rows are `index,text,label`; the text may itself hold commas.
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let (_, rest) = line.split_once(',')?;
            let (tweet, _) = rest.rsplit_once(',')?;
            Some(tweet.trim_matches('"').to_owned())
        })
        .filter(|t| !t.is_empty())
        .take(limit)
        .collect()
}
