//! `nunchi eval`: a model against labeled data.

use std::io::Write;

use anyhow::Context;
use clap::Args;
use nunchi_score::evaluate;
use nunchi_table::Output;

use crate::args::OutputArg;
use crate::commands::dataset::{read_labeled_args, LabeledArgs};
use crate::commands::model::{load_model, ModelArg};
use crate::Outcome;

/// Arguments of `nunchi eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(flatten)]
    pub data: LabeledArgs,
    #[command(flatten)]
    pub model: ModelArg,
    /// Print the evaluation as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub output: OutputArg,
}

/// Runs the command.
///
/// # Errors
///
/// The model or data cannot be read, evaluation fails, or the report cannot be written.
pub fn run(args: &EvalArgs) -> anyhow::Result<Outcome> {
    let model = load_model(&args.model)?;
    let dataset = read_labeled_args(&args.data)?;
    let evaluation = evaluate(&model, &dataset.examples).context("evaluation failed")?;
    let mut out = Output::create(args.output.output.as_deref())?;
    if args.json {
        writeln!(out, "{}", evaluation.to_json())?;
    } else {
        writeln!(out, "{evaluation}")?;
    }
    out.commit()?;
    Ok(Outcome::from_skipped(dataset.warnings.len() as u64))
}
