//! `nunchi lexicon`: export a model's lexicon, or merge a user lexicon into a new model.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use nunchi_score::Lexicon;

use nunchi_table::Output;

use crate::args::{OutputArg, PLAIN_EXIT_CODES};
use crate::commands::model::{load_model, ModelArg};
use crate::model_dir::write_dir_atomically;
use crate::Outcome;

/// The `lexicon` subcommands.
#[derive(Debug, Subcommand)]
pub enum LexiconCommand {
    /// Write a model's lexicon as TSV (term, pos, weight, support).
    #[command(after_long_help = PLAIN_EXIT_CODES)]
    Export(ExportArgs),
    /// Write a new model directory: a model with a user lexicon's entries added (they
    /// override the model's own).
    #[command(after_long_help = PLAIN_EXIT_CODES)]
    Merge(MergeArgs),
}

/// Arguments of `nunchi lexicon export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub output: OutputArg,
}

/// Arguments of `nunchi lexicon merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// The user lexicon: TSV with a header, `term<TAB>pos<TAB>weight<TAB>support`, as
    /// `lexicon export` writes it.
    #[arg(long, value_name = "TSV")]
    pub lexicon: PathBuf,
    /// The new model directory (must not exist yet).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

/// Runs a `lexicon` subcommand.
///
/// # Errors
///
/// The model or lexicon cannot be read, or the output cannot be written.
pub fn run(command: &LexiconCommand) -> anyhow::Result<Outcome> {
    match command {
        LexiconCommand::Export(args) => {
            let model = load_model(&args.model)?;
            let mut out = Output::create(args.output.output.as_deref())?;
            model
                .lexicon()
                .write_tsv(&mut out)
                .context("cannot write the lexicon")?;
            out.commit()?;
        }
        LexiconCommand::Merge(args) => {
            let model = load_model(&args.model)?;
            let user = read_lexicon(&args.lexicon)?;
            let merged = model.with_lexicon(&user);
            write_dir_atomically(&args.output, |dir| {
                merged.save_dir(dir).context("cannot save the merged model")
            })?;
            eprintln!(
                "nunchi: merged {} user entries; the model in {} has {} lexicon entries",
                user.len(),
                args.output.display(),
                merged.lexicon().len()
            );
        }
    }
    Ok(Outcome::Complete)
}

/// Reads a lexicon TSV file.
///
/// # Errors
///
/// The file cannot be opened or is not a lexicon TSV.
pub fn read_lexicon(path: &std::path::Path) -> anyhow::Result<Lexicon> {
    let file =
        File::open(path).with_context(|| format!("cannot open the lexicon {}", path.display()))?;
    Lexicon::read_tsv(BufReader::new(file)).with_context(|| {
        format!(
            "cannot read the lexicon {}: expected TSV with a header and term, pos, weight, \
             support columns (as `nunchi lexicon export` writes)",
            path.display()
        )
    })
}
