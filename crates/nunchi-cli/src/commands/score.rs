//! `nunchi score`: score posts given as arguments or stdin lines, for a quick look.

use std::io::Write;

use clap::Args;
use nunchi_score::{Label, Prediction};

use nunchi_table::{rounded, Output};

use crate::args::OutputArg;
use crate::commands::model::{load_model, ModelArg};
use crate::posts::evidence_terms;
use crate::text_lines::for_each_text;
use crate::Outcome;

/// Arguments of `nunchi score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Texts to score; with none, each line of stdin is one text.
    pub texts: Vec<String>,
    /// Show the K strongest evidence terms of each prediction.
    #[arg(long, value_name = "K")]
    pub explain: Option<usize>,
    /// One JSON object per text instead of the human-readable lines.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub output: OutputArg,
}

/// Runs the command.
///
/// # Errors
///
/// The model cannot be loaded, or stdin or the output fail.
pub fn run(args: &ScoreArgs) -> anyhow::Result<Outcome> {
    let model = load_model(&args.model)?;
    let mut scorer = model.scorer();
    let mut out = Output::create(args.output.output.as_deref())?;
    let mut failed = 0u64;
    let counts = for_each_text(&args.texts, |item| {
        match scorer.explain(item.text, args.explain.unwrap_or(0)) {
            Ok(prediction) if args.json => writeln!(out, "{}", to_json(item.text, &prediction))?,
            Ok(prediction) => write_human(&mut out, item.text, &prediction)?,
            Err(e) => {
                failed += 1;
                eprintln!("nunchi: text {}: cannot score it: {e}", item.number);
            }
        }
        Ok(())
    })?;
    out.commit()?;
    Ok(Outcome::from_skipped(counts.skipped + failed))
}

/// `positive  +0.83  negative 0.08 positive 0.92  text`, then one indented line per
/// evidence term with its weight and character span.
fn write_human(out: &mut impl Write, text: &str, prediction: &Prediction) -> std::io::Result<()> {
    let probabilities: Vec<String> = Label::ALL
        .iter()
        .map(|label| format!("{label} {:.2}", prediction.probabilities[label.index()]))
        .collect();
    writeln!(
        out,
        "{:<8}  {:+.3}  {}  {}",
        prediction.label.as_str(),
        prediction.polarity,
        probabilities.join(" "),
        text.replace('\n', " ")
    )?;
    for term in evidence_terms(text, &prediction.evidence) {
        writeln!(
            out,
            "    {:+.3}  {}  [{}..{}]",
            term.weight, term.term, term.start, term.end
        )?;
    }
    Ok(())
}

fn to_json(text: &str, prediction: &Prediction) -> serde_json::Value {
    let probabilities: serde_json::Map<String, serde_json::Value> = Label::ALL
        .iter()
        .map(|label| {
            (
                label.to_string(),
                rounded(prediction.probabilities[label.index()]),
            )
        })
        .collect();
    let evidence: Vec<serde_json::Value> = evidence_terms(text, &prediction.evidence)
        .into_iter()
        .map(|e| {
            serde_json::json!({
                "term": e.term,
                "weight": rounded(e.weight),
                "start": e.start,
                "end": e.end,
            })
        })
        .collect();
    serde_json::json!({
        "text": text,
        "label": prediction.label.as_str(),
        "polarity": rounded(prediction.polarity),
        "probabilities": probabilities,
        "confidence": rounded(prediction.confidence),
        "evidence": evidence,
    })
}
