//! `nunchi train`: labeled CSV in, model directory out, dev evaluation printed.

use std::path::PathBuf;

use std::io::Write;

use anyhow::Context;
use clap::Args;
use nunchi_score::{train, TrainConfig};
use nunchi_tokenizer::Tokenizer;

use crate::commands::dataset::{read_labeled, show_warnings, LabeledArgs};
use crate::commands::lexicon::read_lexicon;
use crate::output::write_dir_atomically;
use crate::Outcome;

/// Arguments of `nunchi train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: LabeledArgs,
    /// The model directory to write (must not exist yet).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Share of the examples held out to choose hyper-parameters, calibrate and evaluate
    /// (above 0, at most 0.5).
    #[arg(long, default_value_t = 0.1, value_name = "FRACTION")]
    pub dev_fraction: f32,
    /// Seed of the dev split and of training: the same data and seed give the same model.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// A seed lexicon (TSV: term, pos, weight, support) merged into the learned one.
    #[arg(long, value_name = "TSV")]
    pub lexicon: Option<PathBuf>,
    /// Print the dev evaluation as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
///
/// # Errors
///
/// The data or lexicon cannot be read, training fails, or the model cannot be written.
pub fn run(args: &TrainArgs) -> anyhow::Result<Outcome> {
    if !(args.dev_fraction > 0.0 && args.dev_fraction <= 0.5) {
        anyhow::bail!(
            "--dev-fraction must be above 0 and at most 0.5, not {}",
            args.dev_fraction
        );
    }
    let dataset = read_labeled(&args.data)?;
    let mut config = TrainConfig::default();
    config.seed = args.seed;
    config.dev_fraction = args.dev_fraction;
    config.source = args.data.input.display_name();
    if let Some(path) = &args.lexicon {
        config.seed_lexicon = Some(read_lexicon(path)?);
    }
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
