//! Regression tests, one per defect, each named after the defect it caught and saying
//! where it was reported (in the manner of ripgrep's `tests/regression.rs`).

use nunchi_tokenizer::{windows, MorphemeInfo, PosTag, Span, Tokenizer, Worker, WINDOW_BYTES};

const NSMC_TEST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/nsmc/ratings_test.txt"
);

fn worker() -> Worker {
    Tokenizer::new().expect("embedded dictionary").worker()
}

/// A post of about `bytes` bytes: real NSMC reviews, one after the other, after a
/// zero-width space (which makes normalisation map every later offset).
fn long_post(bytes: usize) -> String {
    let reviews = std::fs::read_to_string(NSMC_TEST).expect("NSMC test set in ../shared/data");
    let mut post = String::from("\u{200B}");
    for review in reviews.lines().skip(1).filter_map(|l| l.split('\t').nth(1)) {
        if post.len() >= bytes {
            break;
        }
        post.push_str(review);
        post.push(' ');
    }
    post
}

/// A token as compared: surface, span in the post, span in the normalised text, word,
/// tag, morphemes.
type Compared = (String, Span, Span, u32, PosTag, Vec<MorphemeInfo>);

/// The analysis of each window of `post` on its own, put together: spans moved to where
/// the window lies in the post and in the normalised text, words counted on from the
/// window before (one more after a window that ends with whitespace, the same after a
/// hard cut inside a word).
fn windows_analysed_alone(post: &str) -> (String, Vec<Compared>) {
    let mut worker = worker();
    let (mut text, mut tokens) = (String::new(), Vec::new());
    let mut next_word = 0;
    for window in windows(post) {
        let analysis = worker.analyze(&post[window.range()]).expect("analysis");
        let base = text.len();
        let shift = |span: Span, by: usize| Span::new(span.start + by, span.end + by);
        for token in analysis.tokens() {
            tokens.push((
                token.surface.to_owned(),
                shift(token.span, window.start),
                shift(token.normalized, base),
                next_word + token.word,
                token.pos,
                token.to_info().morphemes,
            ));
        }
        text.push_str(analysis.normalized_text());
        if let Some(last) = analysis.tokens().last() {
            let ends_in_space = post[..window.end].ends_with(char::is_whitespace);
            next_word += last.word + u32::from(ends_in_space);
        }
    }
    (text, tokens)
}

fn compared(worker: &mut Worker, post: &str) -> (String, Vec<Compared>) {
    let analysis = worker.analyze(post).expect("analysis");
    let tokens = analysis
        .tokens()
        .map(|t| {
            let morphemes = t.to_info().morphemes;
            (
                t.surface.to_owned(),
                t.span,
                t.normalized,
                t.word,
                t.pos,
                morphemes,
            )
        })
        .collect();
    (analysis.normalized_text().to_owned(), tokens)
}

/// Issue 12, item 6: a 1 MB post went through normalisation and segmentation whole. Now
/// it is analysed in windows; its analysis must be that of its windows, each analysed
/// alone, put together (words counted on across a whitespace cut, not across a hard cut).
#[test]
fn long_post_is_the_analysis_of_its_windows() {
    let spaced = long_post(1 << 20);
    // No whitespace at all: every window is cut hard, inside a word.
    let unspaced: String = spaced.chars().filter(|c| !c.is_whitespace()).collect();
    let mut worker = worker();
    for post in [&spaced, &unspaced] {
        assert!(windows(post).count() > 8, "{} bytes", post.len());
        let whole = compared(&mut worker, post);
        let alone = windows_analysed_alone(post);
        assert_eq!(whole.0, alone.0, "normalised text");
        assert_eq!(whole.1.len(), alone.1.len(), "token count");
        for (ours, theirs) in whole.1.iter().zip(&alone.1) {
            assert_eq!(ours, theirs);
        }
    }
}

/// Issue 12, item 6: the normaliser's offset maps (8 bytes a byte of the post) and the
/// segment list grew with the post, on top of its analysis: about 30 MB for a 1 MB post.
/// What the worker holds beyond the analysis is now a window's buffers and one
/// sentence's lattice: 5.3 MB here (30.8 MB without windows), at most 8.7 MB on the posts
/// of BENCHMARKS.md.
#[test]
fn long_post_scratch_is_bounded_by_the_window() {
    let post = long_post(1 << 20);
    let mut worker = worker();
    let analysis = worker.analyze(&post).expect("analysis");
    let (tokens, analysis_bytes) = (analysis.len(), analysis.retained_bytes());
    assert!(tokens > 200_000, "{tokens} tokens");
    let scratch = worker.retained_bytes() - analysis_bytes;
    assert!(scratch < 12 << 20, "{scratch} bytes beyond the analysis");
    assert!(
        scratch < post.len() * 8,
        "{scratch} bytes for a {} byte post",
        post.len()
    );
}

/// Issue 12, item 6: a worker kept what its longest post grew its buffers to, so 8
/// threads that each once met a 1 MB post held hundreds of MB between them. The next
/// post now gives back what each buffer holds beyond 1 MiB.
#[test]
fn worker_gives_back_what_a_long_post_grew() {
    let post = long_post(1 << 20);
    assert!(post.len() > 4 * WINDOW_BYTES);
    let mut worker = worker();
    worker.analyze(&post).expect("analysis");
    let after_long = worker.retained_bytes();
    let analysis = worker.analyze("배송이 너무 늦어요").expect("analysis");
    assert_eq!(analysis.len(), 5);
    let after_short = worker.retained_bytes();
    assert!(after_short < 12 << 20, "{after_short} bytes kept");
    assert!(
        after_short * 2 < after_long,
        "kept {after_short} of {after_long} bytes"
    );
}
