//! Scores posts from standard input, one a line, and prints each prediction with its top
//! five pieces of evidence as a JSON line.
//!
//! ```text
//! echo "배우들 연기 최고" | cargo run --release -p nunchi-score --example score [-- MODEL_DIR]
//! ```
//! Without `MODEL_DIR`, the embedded default model is used (the `embedded-model` feature).

use std::io::{BufRead, Write};

use nunchi_score::Model;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = match std::env::args().nth(1) {
        Some(dir) => Model::load_dir(dir, nunchi_score::nunchi_tokenizer::Tokenizer::new()?)?,
        None => embedded()?,
    };
    let mut scorer = model.scorer();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let prediction = scorer.explain(&line, 5)?;
        let json = serde_json::json!({ "text": line, "prediction": prediction });
        writeln!(out, "{json}")?;
    }
    Ok(())
}

#[cfg(feature = "embedded-model")]
fn embedded() -> Result<Model, nunchi_score::Error> {
    Model::embedded()
}

#[cfg(not(feature = "embedded-model"))]
fn embedded() -> Result<Model, Box<dyn std::error::Error>> {
    Err("built without the embedded model: pass a model directory".into())
}
