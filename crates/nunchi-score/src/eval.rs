//! Evaluating a model on labeled examples.

use rayon::prelude::*;

use crate::dataset::Example;
use crate::error::Error;
use crate::label::Label;
use crate::metrics::Evaluation;
use crate::model::Model;

/// Scores `examples` in parallel (a scorer per rayon worker) and evaluates the predictions.
///
/// # Errors
///
/// [`Error::Tokenizer`] if tokenizing a post fails.
pub fn evaluate(model: &Model, examples: &[Example]) -> Result<Evaluation, Error> {
    let probabilities = examples
        .par_iter()
        .map_init(
            || model.scorer(),
            |scorer, e| scorer.score(&e.text).map(|p| p.probabilities),
        )
        .collect::<Result<Vec<_>, Error>>()?;
    let truth: Vec<Label> = examples.iter().map(|e| e.label).collect();
    Ok(Evaluation::from_probabilities(
        &truth,
        &probabilities,
        model.labels(),
    ))
}
