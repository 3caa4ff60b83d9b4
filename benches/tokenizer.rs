//! Tokenizer throughput on real posts, in posts/s and bytes/s: nunchi's full analysis
//! (normalisation + MeCab-style lattice + token records) against raw lindera segmentation
//! of the same text. The ratio of the two is what the e2e target is stated against.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lindera::dictionary::{load_embedded_dictionary, DictionaryKind};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use nunchi::Tokenizer;

mod corpus;

fn tokenizer_throughput(c: &mut Criterion) {
    let sets = [
        ("nsmc_reviews", corpus::nsmc_reviews(2_000)),
        ("tweets", corpus::tweets(2_000)),
    ];
    let tokenizer = Tokenizer::new().expect("embedded dictionary");
    let dictionary = load_embedded_dictionary(DictionaryKind::KoDic).expect("embedded dictionary");
    let raw = Segmenter::new(Mode::Normal, dictionary, None);
    for (name, posts) in &sets {
        let bytes: usize = posts.iter().map(String::len).sum();
        let mut group = c.benchmark_group(format!("tokenize/{name}"));
        group.throughput(Throughput::ElementsAndBytes {
            elements: posts.len() as u64,
            bytes: bytes as u64,
        });
        group.sample_size(20);
        group.measurement_time(Duration::from_secs(8));
        group.bench_function("nunchi_analyze", |b| {
            let mut worker = tokenizer.worker();
            b.iter(|| {
                let mut tokens = 0;
                for post in posts {
                    tokens += worker.analyze(post).expect("analysis").len();
                }
                tokens
            })
        });
        group.bench_function("lindera_raw", |b| {
            let mut worker = raw.new_worker();
            b.iter(|| {
                let mut tokens = 0;
                for post in posts {
                    tokens += worker.segment(post).expect("segmentation").len();
                }
                tokens
            })
        });
        group.finish();
    }
}

criterion_group!(benches, tokenizer_throughput);
criterion_main!(benches);
