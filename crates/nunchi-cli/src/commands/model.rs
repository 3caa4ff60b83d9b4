//! Choosing the model: the embedded default, or a directory written by `nunchi train`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use nunchi_score::Model;
use nunchi_tokenizer::Tokenizer;

/// The `--model` option.
#[derive(Debug, Args)]
pub struct ModelArg {
    /// Model directory written by `nunchi train` or `nunchi lexicon merge` [default: the
    /// model built into nunchi; `default` names it too].
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
}

/// Loads the model the option names.
///
/// # Errors
///
/// The directory does not hold a readable model of this version of nunchi.
pub fn load_model(arg: &ModelArg) -> anyhow::Result<Model> {
    match &arg.model {
        Some(dir) if dir.as_os_str() != "default" => {
            let tokenizer = Tokenizer::new().context("cannot load the tokenizer")?;
            Model::load_dir(dir, tokenizer).with_context(|| {
                format!(
                    "cannot load the model in {}: pass a directory written by `nunchi train`, \
                     or leave out --model for the built-in model",
                    dir.display()
                )
            })
        }
        _ => Model::embedded().context("cannot load the built-in model"),
    }
}
