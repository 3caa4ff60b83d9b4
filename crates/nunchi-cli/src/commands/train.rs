//! `nunchi train`: a labeled table in, model directory out, dev evaluation printed.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use nunchi_score::{train, TrainConfig};
use nunchi_tokenizer::Tokenizer;

use crate::commands::dataset::{read_labeled_args, show_warnings, LabeledArgs};
use crate::commands::lexicon::read_lexicon;
use crate::model_dir::write_dir_atomically;
use crate::Outcome;

/// Arguments of `nunchi train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: LabeledArgs,
    /// The model directory to write (must not exist yet).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Training settings: a TOML (`.toml`) or JSON (`.json`) file with the fields of
    /// nunchi_score::TrainConfig (`seed`, `dev_fraction`, `l2_candidates`, `max_epochs`, …,
    /// tables `features` and `neutral`); absent fields keep their default, unknown ones are
    /// an error. `data/default-model.toml` builds the shipped model. [default: the defaults]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Share of the examples held out to choose hyper-parameters, calibrate and evaluate
    /// (above 0, at most 0.5) [default: the configuration's, else 0.1].
    #[arg(long, value_name = "FRACTION")]
    pub dev_fraction: Option<f32>,
    /// Seed of the dev split and of training: the same data and seed give the same model
    /// [default: the configuration's, else 42].
    #[arg(long)]
    pub seed: Option<u64>,
    /// A seed lexicon (TSV: term, pos, weight, support) merged into the learned one.
    #[arg(long, value_name = "TSV")]
    pub lexicon: Option<PathBuf>,
    /// What the data is (name, licence, checksum), recorded in the model's manifest
    /// [default: the configuration's, else the input's name].
    #[arg(long, value_name = "TEXT")]
    pub source: Option<String>,
    /// Print the dev evaluation as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
///
/// # Errors
///
/// The configuration, data or lexicon cannot be read, training fails, or the model cannot be
/// written.
pub fn run(args: &TrainArgs) -> anyhow::Result<Outcome> {
    let config = config(args)?;
    let dataset = read_labeled_args(&args.data)?;
    eprintln!(
        "nunchi: training on {} examples ({} skipped)",
        dataset.examples.len(),
        dataset.warnings.len()
    );
    let tokenizer = Tokenizer::new().context("cannot load the tokenizer")?;
    let trained = train(&dataset.examples, &config, tokenizer).context("training failed")?;
    show_warnings(&trained.warnings, "examples dropped in training");
    write_dir_atomically(&args.output, |dir| {
        trained.model.save_dir(dir).context("cannot save the model")
    })?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", trained.dev.to_json())?;
    } else {
        writeln!(out, "{}", trained.dev)?;
    }
    eprintln!("nunchi: model written to {}", args.output.display());
    Ok(Outcome::from_skipped(dataset.warnings.len() as u64))
}

/// The configuration file's settings (or the defaults), then the flags over them; checked
/// before any data is read.
fn config(args: &TrainArgs) -> anyhow::Result<TrainConfig> {
    let mut config = match &args.config {
        Some(path) => read_config(path)?,
        None => TrainConfig::default(),
    };
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    if let Some(fraction) = args.dev_fraction {
        config.dev_fraction = fraction;
    }
    if let Some(source) = &args.source {
        config.source.clone_from(source);
    } else if config.source.is_empty() {
        config.source = args.data.input.display_name();
    }
    if let Some(path) = &args.lexicon {
        config.seed_lexicon = Some(read_lexicon(path)?);
    }
    config.validate().context("invalid training settings")?;
    Ok(config)
}

/// Reads a TOML or JSON training configuration, by its extension.
fn read_config(path: &Path) -> anyhow::Result<TrainConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration {}", path.display()))?;
    let parsed = match path.extension().and_then(|e| e.to_str()) {
        Some("toml") => toml::from_str(&text).map_err(anyhow::Error::from),
        Some("json") => serde_json::from_str(&text).map_err(anyhow::Error::from),
        _ => anyhow::bail!("--config {}: name a .toml or .json file", path.display()),
    };
    parsed.with_context(|| format!("invalid training configuration {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_json(config: &TrainConfig) -> serde_json::Value {
        serde_json::to_value(config).unwrap()
    }

    #[test]
    fn the_shipped_configuration_is_the_default() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/default-model.toml");
        let shipped = read_config(&path).unwrap();
        assert_eq!(as_json(&shipped), as_json(&TrainConfig::default()));
    }

    #[test]
    fn configurations_read_by_extension_with_defaults_and_no_unknown_fields() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let toml = read_config(&write("a.toml", "seed = 7\n[features]\nhash_bits = 20\n")).unwrap();
        let json = read_config(&write(
            "a.json",
            r#"{"seed": 7, "features": {"hash_bits": 20}}"#,
        ))
        .unwrap();
        assert_eq!(as_json(&toml), as_json(&json));
        assert_eq!((toml.seed, toml.features.hash_bits), (7, 20));
        assert_eq!(toml.max_epochs, TrainConfig::default().max_epochs);

        let unknown = read_config(&write("b.toml", "[features]\nhash_bit = 20\n")).unwrap_err();
        assert!(format!("{unknown:#}").contains("hash_bit"), "{unknown:#}");
        assert!(read_config(&write("c.yaml", "seed: 7\n")).is_err());
    }
}
