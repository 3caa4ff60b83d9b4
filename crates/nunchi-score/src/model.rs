//! The trained model: immutable, shared by every thread.

use std::sync::Arc;

use nunchi_tokenizer::Tokenizer;

use crate::label::Label;
use crate::lexicon::Lexicon;
use crate::manifest::Manifest;
use crate::weights::Weights;

/// A trained sentiment model: immutable and `Send + Sync`; share it by reference or `Arc`
/// and give each thread its own [`Scorer`](crate::Scorer) ([`Model::scorer`]).
#[derive(Clone)]
pub struct Model {
    pub(crate) manifest: Manifest,
    pub(crate) lexicon: Lexicon,
    /// Weights per feature index: one (the logit of the second label) for two labels, else
    /// one per label.
    pub(crate) weights: Arc<Weights>,
    pub(crate) tokenizer: Arc<Tokenizer>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("labels", &self.manifest.labels)
            .field("lexicon_entries", &self.lexicon.len())
            .finish_non_exhaustive()
    }
}

impl Model {
    /// The model's trained labels (2 or 3), in order.
    pub fn labels(&self) -> &[Label] {
        &self.manifest.labels
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The lexicon.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The tokenizer the model scores with.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// A copy of the model with `user` merged over its lexicon: the user's entries replace
    /// the model's for the same term and tag, and new terms are added. The change shows in
    /// scores (through the learned lexicon weights) and in explanations.
    pub fn with_lexicon(&self, user: &Lexicon) -> Model {
        Model {
            lexicon: self.lexicon.merged(user),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Model>();
    }
}
