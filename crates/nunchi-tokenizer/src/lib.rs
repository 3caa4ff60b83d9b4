//! Korean morphological tokenizer for social posts: the mecab-ko-dic dictionary (ko-dic, as
//! [lindera] ships it), behind the normalisation that real posts need.
//!
//! Segmentation follows MeCab-ko, the reference engine for that dictionary: whitespace is
//! skipped rather than analysed, and a word after a space pays mecab-ko-dic's left-space
//! penalty. On 2,000 NSMC reviews and 301 tweets it gives MeCab-ko's tokens exactly
//! (`tests/mecab_parity.rs`).
//!
//! A [`Tokenizer`] is built once and shared by all threads (it is `Send + Sync`); each
//! thread analyses posts through its own [`Worker`], whose buffers are reused from post to
//! post. Every token keeps its byte span in the *original* post, whatever normalisation did.
//!
//! A post longer than [`WINDOW_BYTES`] (64 KiB) is analysed in [`windows`] cut after
//! whitespace, so the memory a worker needs for it beyond its [`Analysis`] (about 55 bytes
//! a token) is bounded by the window, not by the post; a worker gives back at its next post
//! what a long one grew its buffers to ([`Worker::retained_bytes`]).
//!
//! ```
//! use nunchi_tokenizer::{PosTag, Tokenizer};
//!
//! let tokenizer = Tokenizer::new()?;
//! let mut worker = tokenizer.worker();
//! let post = "배송이 너무 늦어요ㅠㅠㅠㅠ";
//! let analysis = worker.analyze(post)?;
//! let tokens: Vec<_> = analysis.tokens().collect();
//! assert_eq!(tokens[0].surface, "배송");
//! assert_eq!(tokens[0].pos, PosTag::Nng);
//! assert_eq!(tokens[0].span.of(post), Some("배송"));
//! assert_eq!((tokens[0].word, tokens[2].word), (0, 1)); // 배송 이 | 너무
//! # Ok::<(), nunchi_tokenizer::Error>(())
//! ```
#![deny(missing_docs)]

pub mod buffers;
mod error;
mod identity;
mod lattice;
pub mod normalize;
mod pos;
mod span;
mod token;
mod tokenizer;
mod window;

pub use error::Error;
pub use identity::{TokenizerIdentity, UserDictionaryIdentity};
pub use normalize::{Normalized, Normalizer, SocialUnit};
pub use pos::{PosTag, UnknownPosTag};
pub use span::Span;
pub use token::{Morpheme, MorphemeInfo, Token, TokenInfo};
pub use tokenizer::{
    Analysis, Tokenizer, TokenizerBuilder, Worker, EMBEDDED_DICTIONARY_ID, MAX_INPUT_BYTES,
};
pub use window::{windows, WINDOW_BYTES};
