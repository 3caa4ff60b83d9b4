//! Counting the terms that drove negative posts.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// A term and how many negative posts carried it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermCount {
    /// The term, as the scorer names it (e.g. `황당/XR`).
    pub term: String,
    /// Number of negative posts with it.
    pub count: u32,
}

/// Term → number of negative posts, for one bucket or one episode.
#[derive(Debug, Clone, Default)]
pub(crate) struct TermCounts(HashMap<String, u32>);

impl TermCounts {
    /// Counts each distinct term of one post once.
    pub(crate) fn add_post(&mut self, terms: &[String]) {
        for (i, term) in terms.iter().enumerate() {
            if terms[..i].contains(term) {
                continue;
            }
            match self.0.get_mut(term.as_str()) {
                Some(count) => *count += 1,
                None => {
                    self.0.insert(term.clone(), 1);
                }
            }
        }
    }

    pub(crate) fn merge(&mut self, other: &TermCounts) {
        for (term, count) in &other.0 {
            *self.0.entry(term.clone()).or_insert(0) += count;
        }
    }

    /// The `n` most frequent terms, most frequent first, ties in term order.
    pub(crate) fn top(&self, n: usize) -> Vec<TermCount> {
        let mut all: Vec<_> = self.0.iter().collect();
        all.sort_unstable_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        all.into_iter()
            .take(n)
            .map(|(term, &count)| TermCount {
                term: term.clone(),
                count,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn counts_posts_not_occurrences_and_ranks_ties_by_term() {
        let mut counts = TermCounts::default();
        counts.add_post(&terms(&["황당", "도둑놈", "황당"]));
        counts.add_post(&terms(&["황당", "거짓말"]));
        let mut other = TermCounts::default();
        other.add_post(&terms(&["도둑놈"]));
        counts.merge(&other);
        let top = counts.top(2);
        assert_eq!(
            top[0],
            TermCount {
                term: "도둑놈".into(),
                count: 2
            }
        );
        assert_eq!(
            top[1],
            TermCount {
                term: "황당".into(),
                count: 2
            }
        );
        assert_eq!(counts.top(10).len(), 3);
    }
}
