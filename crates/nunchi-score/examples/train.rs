//! Trains a model from the shell, evaluates it and optionally saves it.
//!
//! ```text
//! cargo run --release -p nunchi-score --no-default-features --example train -- \
//!     --train ../shared/data/nsmc/ratings_train.txt [--out DIR] \
//!     [--test ../shared/data/nsmc/ratings_test.txt] \
//!     [--kobest ../shared/data/kobest_sentineg/dev.tsv] \
//!     [--set key=value]... [--source TEXT] [--json FILE]
//! ```
//!
//! `--set` changes a training setting: `seed`, `dev_fraction`, `learning_rate`,
//! `max_epochs`, `l2` (comma-separated candidates), `refit`, `nb`, `average`, `ensemble`, `dedupe`, `prune`,
//! `min_support`, `min_weight`, or a feature setting: `hash_bits`, `morpheme_ngrams`,
//! `min_char`, `max_char`, `word_ngrams`, `scope`, `negation_chars`, `signals`, `lexicon`, `normalize`.
//! The training file is read in NSMC format (TAB, no quoting, `document`/`label`); the
//! KoBEST file by the column names `Text`/`Label`.

use std::time::Instant;

use nunchi_score::dataset::{count_warnings, read_examples_path, DatasetFormat};
use nunchi_score::{evaluate, train, Error, TrainConfig};

/// User + system CPU seconds of this process so far (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let Some(rest) = stat.rsplit(')').next() else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn apply(config: &mut TrainConfig, key: &str, value: &str) -> Result<(), String> {
    let bad = |e: &dyn std::fmt::Display| format!("--set {key}={value}: {e}");
    let f = &mut config.features;
    macro_rules! parse {
        ($target:expr) => {
            $target = value.parse().map_err(|e| bad(&e))?
        };
    }
    match key {
        "seed" => parse!(config.seed),
        "dev_fraction" => parse!(config.dev_fraction),
        "learning_rate" => parse!(config.learning_rate),
        "max_epochs" => parse!(config.max_epochs),
        "refit" => parse!(config.refit_on_all),
        "nb" => parse!(config.nb_scaling),
        "average" => parse!(config.average),
        "ensemble" => parse!(config.ensemble),
        "dedupe" => parse!(config.deduplicate),
        "prune" => parse!(config.prune_below),
        "min_support" => parse!(config.min_lexicon_support),
        "min_weight" => parse!(config.min_lexicon_weight),
        "band" => parse!(config.neutral.band),
        "min_evidence" => parse!(config.neutral.min_evidence),
        "l2" => {
            config.l2_candidates = value
                .split(',')
                .map(str::parse)
                .collect::<Result<_, _>>()
                .map_err(|e| bad(&e))?
        }
        "hash_bits" => parse!(f.hash_bits),
        "morpheme_ngrams" => parse!(f.morpheme_ngrams),
        "min_char" => parse!(f.min_char_ngram),
        "max_char" => parse!(f.max_char_ngram),
        "word_ngrams" => parse!(f.word_ngrams),
        "scope" => parse!(f.scope_features),
        "negation_chars" => parse!(f.negation_marks_chars),
        "signals" => parse!(f.signal_features),
        "lexicon" => parse!(f.lexicon_features),
        "normalize" => parse!(f.normalize),
        _ => return Err(format!("unknown setting {key:?}")),
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut config = TrainConfig::default();
    let (mut train_path, mut out, mut test, mut kobest, mut json) = (None, None, None, None, None);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--train" => train_path = Some(value()?),
            "--out" => out = Some(value()?),
            "--test" => test = Some(value()?),
            "--kobest" => kobest = Some(value()?),
            "--json" => json = Some(value()?),
            "--source" => config.source = value()?,
            "--set" => {
                let setting = value()?;
                let (key, v) = setting.split_once('=').ok_or("--set needs key=value")?;
                apply(&mut config, key, v)?;
            }
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    let train_path = train_path.ok_or("--train PATH is required")?;
    let data = read_examples_path(&train_path, &DatasetFormat::nsmc())?;
    eprintln!(
        "read {} examples from {train_path}; skipped {:?}",
        data.examples.len(),
        count_warnings(&data.warnings)
    );
    let (wall, cpu) = (Instant::now(), cpu_seconds());
    let tokenizer = nunchi_score::nunchi_tokenizer::Tokenizer::new()?;
    let trained = train(&data.examples, &config, tokenizer)?;
    let (train_wall, train_cpu) = (wall.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    eprintln!(
        "trained in {train_wall:.1} s wall, {train_cpu:.1} s CPU ({} threads); dropped {:?}",
        rayon::current_num_threads(),
        count_warnings(&trained.warnings)
    );
    for c in &trained.search {
        eprintln!(
            "  l2 {:e} epoch {}: dev accuracy {:.4}, log loss {:.4}",
            c.l2, c.epoch, c.dev_accuracy, c.dev_log_loss
        );
    }
    let info = &trained.model.manifest().training;
    eprintln!(
        "chosen l2 {:e}, {} epochs; {} stored weights; lexicon {} entries",
        info.l2,
        info.epochs,
        info.stored_weights,
        trained.model.lexicon().len()
    );
    eprintln!("dev:\n{}", trained.dev);
    let mut report = serde_json::json!({
        "train_wall_seconds": train_wall,
        "train_cpu_seconds": train_cpu,
        "dev": trained.dev,
    });
    let train_texts: std::collections::HashSet<&str> =
        data.examples.iter().map(|e| e.text.trim()).collect();
    for (name, path, format) in [
        ("test", &test, DatasetFormat::nsmc()),
        ("kobest", &kobest, DatasetFormat::kobest_sentineg()),
    ] {
        if let Some(path) = path {
            let data = read_examples_path(path, &format)?;
            let evaluation = evaluate(&trained.model, &data.examples)?;
            eprintln!("{name} ({path}):\n{evaluation}");
            report[name] = serde_json::to_value(&evaluation)?;
            // NSMC test shares documents with train: report the unseen ones apart.
            let unseen: Vec<_> = data
                .examples
                .iter()
                .filter(|e| !train_texts.contains(e.text.trim()))
                .cloned()
                .collect();
            if unseen.len() < data.examples.len() {
                let evaluation = evaluate(&trained.model, &unseen)?;
                eprintln!("{name}, only posts not in the training file:\n{evaluation}");
                report[format!("{name}_unseen")] = serde_json::to_value(&evaluation)?;
            }
        }
    }
    if let Some(out) = out {
        trained.model.save_dir(&out)?;
        eprintln!("saved to {out}");
    }
    if let Some(json) = json {
        std::fs::write(json, serde_json::to_string_pretty(&report)?)?;
    }
    Ok::<(), Error>(()).map_err(Into::into)
}
