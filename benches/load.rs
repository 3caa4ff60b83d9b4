//! Start-up cost: loading the embedded dictionary (`Tokenizer::new`) and the embedded model
//! with its tokenizer (`Model::embedded`), what every `nunchi` invocation pays once.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use nunchi::{Model, Tokenizer};

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("tokenizer_new", |b| {
        b.iter(|| black_box(Tokenizer::new().expect("embedded dictionary")))
    });
    group.bench_function("model_embedded", |b| {
        b.iter(|| black_box(Model::embedded().expect("embedded model")))
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
