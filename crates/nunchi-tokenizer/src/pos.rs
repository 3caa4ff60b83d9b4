//! Part-of-speech tags: the Sejong tag set that mecab-ko-dic uses, plus the tags nunchi gives
//! to social-post units (URLs, mentions, emoji, …) that it keeps whole before analysis.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! pos_tags {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// A part-of-speech tag.
        ///
        /// The Sejong tags are those of mecab-ko-dic 2.1.1; the tags after [`PosTag::Unknown`]
        /// are nunchi's own, for units that normalisation recognises before the dictionary.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum PosTag {
            $($(#[$doc])* $variant,)*
        }

        impl PosTag {
            /// Every tag, in declaration order.
            pub const ALL: &'static [PosTag] = &[$(PosTag::$variant,)*];

            /// The tag as written in the dictionary (`NNG`, `VV`, …) or nunchi's own name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(PosTag::$variant => $name,)*
                }
            }
        }

        impl FromStr for PosTag {
            type Err = UnknownPosTag;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok(PosTag::$variant),)*
                    _ => Err(UnknownPosTag(s.to_owned())),
                }
            }
        }
    };
}

pos_tags! {
    /// General noun (일반 명사).
    Nng = "NNG",
    /// Proper noun (고유 명사).
    Nnp = "NNP",
    /// Dependent noun (의존 명사).
    Nnb = "NNB",
    /// Unit noun (단위 명사).
    Nnbc = "NNBC",
    /// Numeral (수사).
    Nr = "NR",
    /// Pronoun (대명사).
    Np = "NP",
    /// Verb (동사).
    Vv = "VV",
    /// Adjective (형용사).
    Va = "VA",
    /// Auxiliary predicate (보조 용언).
    Vx = "VX",
    /// Positive copula 이다 (긍정 지정사).
    Vcp = "VCP",
    /// Negative copula 아니다 (부정 지정사).
    Vcn = "VCN",
    /// Determiner (관형사).
    Mm = "MM",
    /// General adverb (일반 부사).
    Mag = "MAG",
    /// Conjunctive adverb (접속 부사).
    Maj = "MAJ",
    /// Interjection (감탄사).
    Ic = "IC",
    /// Subject case particle (주격 조사).
    Jks = "JKS",
    /// Complement case particle (보격 조사).
    Jkc = "JKC",
    /// Adnominal case particle (관형격 조사).
    Jkg = "JKG",
    /// Object case particle (목적격 조사).
    Jko = "JKO",
    /// Adverbial case particle (부사격 조사).
    Jkb = "JKB",
    /// Vocative case particle (호격 조사).
    Jkv = "JKV",
    /// Quotative particle (인용격 조사).
    Jkq = "JKQ",
    /// Auxiliary particle (보조사).
    Jx = "JX",
    /// Conjunctive particle (접속 조사).
    Jc = "JC",
    /// Pre-final ending (선어말 어미).
    Ep = "EP",
    /// Final ending (종결 어미).
    Ef = "EF",
    /// Connective ending (연결 어미).
    Ec = "EC",
    /// Nominalising ending (명사형 전성 어미).
    Etn = "ETN",
    /// Adnominal ending (관형형 전성 어미).
    Etm = "ETM",
    /// Noun prefix (체언 접두사).
    Xpn = "XPN",
    /// Noun suffix (명사 파생 접미사).
    Xsn = "XSN",
    /// Verb suffix (동사 파생 접미사).
    Xsv = "XSV",
    /// Adjective suffix (형용사 파생 접미사).
    Xsa = "XSA",
    /// Root (어근).
    Xr = "XR",
    /// Sentence-final punctuation: `. ? !`.
    Sf = "SF",
    /// Ellipsis.
    Se = "SE",
    /// Opening bracket or quote.
    Sso = "SSO",
    /// Closing bracket or quote.
    Ssc = "SSC",
    /// Separator: `, · / :`.
    Sc = "SC",
    /// Other symbol.
    Sy = "SY",
    /// Foreign (Latin, Cyrillic, Japanese kana, …) letters.
    Sl = "SL",
    /// Hanja.
    Sh = "SH",
    /// Number.
    Sn = "SN",
    /// Whitespace (the dictionary's `SP`; nunchi drops it from its output).
    Sp = "SP",
    /// A Hangul run the dictionary does not know.
    Unknown = "UNKNOWN",
    /// A URL (`https://…`, `www.…`).
    Url = "URL",
    /// A user mention (`@user`).
    Mention = "MENTION",
    /// A hashtag (`#해시태그`).
    Hashtag = "HASHTAG",
    /// A retweet marker (`RT`).
    Retweet = "RT",
    /// An emoji, including modifier and ZWJ sequences and flags.
    Emoji = "EMOJI",
    /// A text emoticon (`^^`, `ㅠ.ㅠ`, `:)`).
    Emoticon = "EMOTICON",
}

impl PosTag {
    /// Whether the tag is one of nunchi's social-post units rather than a dictionary tag.
    pub fn is_social(self) -> bool {
        matches!(
            self,
            PosTag::Url
                | PosTag::Mention
                | PosTag::Hashtag
                | PosTag::Retweet
                | PosTag::Emoji
                | PosTag::Emoticon
        )
    }

    /// Whether the tag is a bound grammatical morpheme: a particle, an ending, a derivational
    /// suffix or the copula 이다. Such a morpheme never starts a word and carries no sentiment
    /// of its own.
    pub fn is_grammatical(self) -> bool {
        matches!(
            self,
            PosTag::Jks
                | PosTag::Jkc
                | PosTag::Jkg
                | PosTag::Jko
                | PosTag::Jkb
                | PosTag::Jkv
                | PosTag::Jkq
                | PosTag::Jx
                | PosTag::Jc
                | PosTag::Ep
                | PosTag::Ef
                | PosTag::Ec
                | PosTag::Etn
                | PosTag::Etm
                | PosTag::Xsn
                | PosTag::Xsv
                | PosTag::Xsa
                | PosTag::Vcp
        )
    }

    /// Whether the tag marks a content word (noun, predicate, adverb, interjection, root).
    pub fn is_content(self) -> bool {
        matches!(
            self,
            PosTag::Nng
                | PosTag::Nnp
                | PosTag::Vv
                | PosTag::Va
                | PosTag::Vx
                | PosTag::Mag
                | PosTag::Ic
                | PosTag::Xr
                | PosTag::Unknown
                | PosTag::Sl
        )
    }
}

impl fmt::Display for PosTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PosTag {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PosTag {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The error of parsing a string that is not a known tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPosTag(pub String);

impl fmt::Display for UnknownPosTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown part-of-speech tag {:?}", self.0)
    }
}

impl std::error::Error for UnknownPosTag {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tag_round_trips_through_its_name() {
        for &tag in PosTag::ALL {
            assert_eq!(tag.as_str().parse::<PosTag>(), Ok(tag));
            let json = serde_json::to_string(&tag).unwrap();
            assert_eq!(serde_json::from_str::<PosTag>(&json).unwrap(), tag);
        }
    }

    #[test]
    fn unknown_tag_is_an_error() {
        assert_eq!("XYZ".parse::<PosTag>(), Err(UnknownPosTag("XYZ".into())));
    }
}
