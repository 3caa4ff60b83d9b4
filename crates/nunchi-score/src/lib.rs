//! Sentiment scoring of Korean posts (being built).
#![deny(missing_docs)]
