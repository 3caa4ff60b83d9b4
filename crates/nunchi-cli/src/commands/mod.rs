//! The subcommands, one module each.

pub mod classify;
pub mod dataset;
pub mod eval;
pub mod lexicon;
pub mod model;
pub mod score;
pub mod tokenize;
pub mod train;
