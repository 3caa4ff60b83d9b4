//! Training throughput in examples/s: the default training configuration (feature
//! extraction, lexicon induction, L2 and epoch search, refit) on the first 10,000 reviews of
//! NSMC ratings_train.txt.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nunchi::score::{train, TrainConfig};
use nunchi::Tokenizer;

mod corpus;
#[path = "../crates/nunchi-score/tests/common/mod.rs"]
mod labeled;

const REVIEWS: usize = 10_000;

fn training(c: &mut Criterion) {
    let path = corpus::shared_data("nsmc/ratings_train.txt");
    let mut examples = labeled::nsmc(&path)
        .unwrap_or_else(|e| panic!("benchmarks need {}: {e}", path.display()))
        .examples;
    examples.truncate(REVIEWS);
    let config = TrainConfig::default();
    let tokenizer = std::sync::Arc::new(Tokenizer::new().expect("embedded dictionary"));
    let mut group = c.benchmark_group("train/nsmc");
    group.throughput(Throughput::Elements(examples.len() as u64));
    group.sample_size(10);
    // One iteration takes seconds: ten samples are the whole measurement.
    group.measurement_time(Duration::from_secs(60));
    group.bench_function("10k_reviews", |b| {
        b.iter(|| {
            train(&examples, &config, tokenizer.clone())
                .expect("training")
                .model
        })
    });
    group.finish();
}

criterion_group!(benches, training);
criterion_main!(benches);
