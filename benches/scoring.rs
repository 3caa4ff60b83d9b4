//! Scoring cost against tokenizing cost, on 1,000 NSMC test reviews, in posts/s:
//! `tokenize` (the tokenizer alone), `score_analysis` (scoring already-analysed posts),
//! `score` (the whole analyzer per post), `explain` (with the top 5 contributions).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nunchi::Model;

mod corpus;

fn scoring(c: &mut Criterion) {
    let model = Model::embedded().expect("embedded model");
    let posts = corpus::nsmc_reviews(1_000);
    let bytes: usize = posts.iter().map(String::len).sum();
    let mut group = c.benchmark_group("score/nsmc_reviews");
    group.throughput(Throughput::ElementsAndBytes {
        elements: posts.len() as u64,
        bytes: bytes as u64,
    });
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(6));
    let mut worker = model.tokenizer().worker();
    group.bench_function("tokenize", |b| {
        b.iter(|| {
            for p in &posts {
                black_box(worker.analyze(p).expect("analysis").len());
            }
        })
    });
    // One worker per post: a worker holds its last analysis, borrowed here for the bench.
    let mut workers: Vec<_> = posts.iter().map(|_| model.tokenizer().worker()).collect();
    let analysed: Vec<_> = workers
        .iter_mut()
        .zip(&posts)
        .map(|(w, p)| w.analyze(p).expect("analysis"))
        .collect();
    let mut scorer = model.scorer();
    group.bench_function("score_analysis", |b| {
        b.iter(|| {
            for &analysis in &analysed {
                black_box(scorer.score_analysis(analysis).polarity);
            }
        })
    });
    group.bench_function("score", |b| {
        b.iter(|| {
            for p in &posts {
                black_box(scorer.score(p).expect("score").polarity);
            }
        })
    });
    group.bench_function("explain", |b| {
        b.iter(|| {
            for p in &posts {
                black_box(scorer.explain(p, 5).expect("explain").evidence.len());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, scoring);
criterion_main!(benches);
