//! `nunchi tokenize`: the tokenizer's analysis of posts, for debugging dictionaries.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use nunchi_tokenizer::{Token, Tokenizer};

use nunchi_table::Output;

use crate::args::OutputArg;
use crate::text_lines::for_each_text;
use crate::Outcome;

/// Arguments of `nunchi tokenize`.
#[derive(Debug, Args)]
pub struct TokenizeArgs {
    /// Texts to analyse; with none, each line of stdin is one text.
    pub texts: Vec<String>,
    /// One JSON object per text: the normalised text and every token with its byte span in
    /// the original text and its morphemes.
    #[arg(long)]
    pub json: bool,
    /// A user dictionary in lindera's simple CSV form (`surface,POS,reading` a line, e.g.
    /// `갤럭시,NNP,갤럭시`).
    #[arg(long, value_name = "CSV")]
    pub user_dict: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArg,
}

/// Runs the command.
///
/// # Errors
///
/// The dictionaries cannot be loaded, or stdin or the output fail.
pub fn run(args: &TokenizeArgs) -> anyhow::Result<Outcome> {
    let mut builder = Tokenizer::builder();
    if let Some(path) = &args.user_dict {
        builder = builder
            .user_dictionary_path(path)
            .context("check the user dictionary path")?;
    }
    let tokenizer = builder
        .build()
        .context("cannot load the tokenizer's dictionaries")?;
    let mut worker = tokenizer.worker();
    let mut out = Output::create(args.output.output.as_deref())?;
    let counts = for_each_text(&args.texts, |item| {
        let analysis = worker
            .analyze(item.text)
            .with_context(|| format!("cannot analyse text {}", item.number))?;
        if args.json {
            let tokens: Vec<_> = analysis.tokens().map(|t| t.to_info()).collect();
            let record = serde_json::json!({
                "text": item.text,
                "normalized": analysis.normalized_text(),
                "tokens": tokens,
            });
            writeln!(out, "{record}")?;
        } else {
            let rendered: Vec<String> = analysis.tokens().map(|t| render(&t)).collect();
            writeln!(out, "{}", rendered.join(" "))?;
        }
        Ok(())
    })?;
    out.commit()?;
    Ok(Outcome::from_skipped(counts.skipped))
}

/// `surface/TAG`, with `+`-joined tags and the base forms in parentheses for a token of
/// several morphemes: `했/XSV+EP(하+었)`.
fn render(token: &Token<'_>) -> String {
    if token.morphemes().len() <= 1 {
        return format!("{}/{}", token.surface, token.pos);
    }
    let tags: Vec<&str> = token.morphemes().map(|m| m.tag.as_str()).collect();
    let forms: Vec<&str> = token.morphemes().map(|m| m.form).collect();
    format!("{}/{}({})", token.surface, tags.join("+"), forms.join("+"))
}
