//! Scoring cost against tokenizing cost, on 1,000 NSMC test reviews:
//! `tokenize` (the tokenizer alone), `score_analysis` (scoring already-analysed posts),
//! `score` (both), `explain` (with the top 5 contributions).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nunchi_score::dataset::{read_examples_path, DatasetFormat};
use nunchi_score::Model;

fn posts() -> Vec<String> {
    let path = format!(
        "{}/../../../shared/data/nsmc/ratings_test.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let data = read_examples_path(path, &DatasetFormat::nsmc()).expect("NSMC test data");
    data.examples
        .into_iter()
        .take(1000)
        .map(|e| e.text)
        .collect()
}

fn bench(c: &mut Criterion) {
    let model = Model::embedded().expect("embedded model");
    let posts = posts();
    let mut group = c.benchmark_group("1000 posts");
    group.throughput(Throughput::Elements(posts.len() as u64));
    group.sample_size(20);
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
    let mut scorer = model.scorer().expect("scorer");
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

criterion_group!(benches, bench);
criterion_main!(benches);
