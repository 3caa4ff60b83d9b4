//! An analysed post as the scorer sees it: tokens grouped into eojeols (space-separated
//! words), each token's sentiment scope (negation, intensity, contrast) and the evidence
//! units that explanations report.
//!
//! The view is an owned copy of the tokenizer's [`Analysis`], kept in reusable buffers, so
//! that featurising does not borrow the tokenizer's worker.

use std::ops::Range;

use nunchi_tokenizer::buffers::Reusable;
use nunchi_tokenizer::{Analysis, PosTag, Span};

/// Scope flags of a token.
pub(crate) mod scope {
    /// The token's predicate or noun is negated (안 재밌다, 재밌지 않다, 재미가 없다).
    pub const NEGATED: u8 = 1;
    /// An intensifier (너무, 진짜, 완전 …) modifies the token.
    pub const INTENSIFIED: u8 = 2;
    /// A diminisher (좀, 약간, 별로 …) modifies the token.
    pub const DIMINISHED: u8 = 4;
    /// The token comes before the post's last contrast marker (-지만, 그런데 …), whose
    /// later clause usually carries the verdict.
    pub const BEFORE_CONTRAST: u8 = 8;
}

/// One morpheme of the post.
#[derive(Debug, Clone)]
pub(crate) struct MorphemeView {
    /// Base form: a range of [`PostView::forms`].
    pub form: Range<u32>,
    pub tag: PosTag,
    /// Index of its token.
    pub token: u32,
}

/// One token of the post.
#[derive(Debug, Clone)]
pub(crate) struct TokenView {
    /// Byte span in the original post.
    pub span: Span,
    /// Surface in the normalised text: a range of [`PostView::surfaces`].
    pub surface: Range<u32>,
    /// Its morphemes: a range of [`PostView::morphemes`].
    pub morphemes: Range<u32>,
    pub pos: PosTag,
    pub eojeol: u32,
    /// Evidence unit it belongs to (see [`PostView::units`]).
    pub unit: u32,
    /// [`scope`] flags.
    pub scope: u8,
}

/// A group of tokens that explanations report as one term: a content word with the endings
/// and particles attached to it, merged with the negator that negates it.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// Byte span in the original post (from its first to its last token).
    pub span: Span,
    /// The token whose morphemes name the unit.
    pub head: u32,
    /// The negator token merged into the unit, if any.
    pub negator: Option<u32>,
}

/// The reusable per-post view.
#[derive(Debug, Default)]
pub(crate) struct PostView {
    pub tokens: Vec<TokenView>,
    pub morphemes: Vec<MorphemeView>,
    pub units: Vec<Unit>,
    pub forms: String,
    pub surfaces: String,
    /// Number of eojeols.
    pub eojeols: u32,
    /// Union-find parents while merging units.
    parents: Vec<u32>,
}

impl Reusable for PostView {
    fn retained_bytes(&self) -> usize {
        self.tokens.retained_bytes()
            + self.morphemes.retained_bytes()
            + self.units.retained_bytes()
            + self.forms.retained_bytes()
            + self.surfaces.retained_bytes()
            + self.parents.retained_bytes()
    }

    fn trim(&mut self) {
        self.tokens.trim();
        self.morphemes.trim();
        self.units.trim();
        self.forms.trim();
        self.surfaces.trim();
        self.parents.trim();
        self.eojeols = 0;
    }
}

impl PostView {
    /// Replaces the view with `analysis`.
    pub fn load(&mut self, analysis: &Analysis) {
        self.tokens.clear();
        self.morphemes.clear();
        self.units.clear();
        self.forms.clear();
        self.surfaces.clear();
        for (i, token) in analysis.tokens().enumerate() {
            let first_morpheme = self.morphemes.len() as u32;
            for m in token.morphemes() {
                let start = self.forms.len() as u32;
                self.forms.push_str(m.form);
                self.morphemes.push(MorphemeView {
                    form: start..self.forms.len() as u32,
                    tag: m.tag,
                    token: i as u32,
                });
            }
            let surface_start = self.surfaces.len() as u32;
            self.surfaces.push_str(token.surface);
            self.tokens.push(TokenView {
                span: token.span,
                surface: surface_start..self.surfaces.len() as u32,
                morphemes: first_morpheme..self.morphemes.len() as u32,
                pos: token.pos,
                eojeol: token.word,
                unit: 0,
                scope: 0,
            });
        }
        self.eojeols = self.tokens.last().map_or(0, |t| t.eojeol + 1);
        self.mark_scopes_and_units();
    }

    pub fn form(&self, m: &MorphemeView) -> &str {
        &self.forms[m.form.start as usize..m.form.end as usize]
    }

    pub fn surface(&self, t: &TokenView) -> &str {
        &self.surfaces[t.surface.start as usize..t.surface.end as usize]
    }

    pub fn token_morphemes(&self, t: &TokenView) -> &[MorphemeView] {
        &self.morphemes[t.morphemes.start as usize..t.morphemes.end as usize]
    }

    /// First morpheme of token `i` as (form, tag).
    fn first(&self, i: usize) -> Option<(&str, PosTag)> {
        let t = self.tokens.get(i)?;
        let m = self.token_morphemes(t).first()?;
        Some((self.form(m), m.tag))
    }

    /// Last morpheme of token `i` as (form, tag).
    fn last(&self, i: usize) -> Option<(&str, PosTag)> {
        let t = self.tokens.get(i)?;
        let m = self.token_morphemes(t).last()?;
        Some((self.form(m), m.tag))
    }

    fn mark_scopes_and_units(&mut self) {
        let n = self.tokens.len();
        self.parents.clear();
        self.parents.extend(0..n as u32);
        // A unit starts at a content token or at the start of a word; endings, particles
        // and punctuation attach to the unit before them in the same word.
        for i in 1..n {
            let same_word = self.tokens[i].eojeol == self.tokens[i - 1].eojeol;
            if same_word && !starts_unit(self.tokens[i].pos) {
                self.parents[i] = i as u32 - 1;
            }
        }
        let mut negators: Vec<(usize, usize)> = Vec::new();
        let mut last_contrast = None;
        for i in 0..n {
            let Some((form, tag)) = self.first(i) else {
                continue;
            };
            let single = self.tokens[i].morphemes.len() == 1;
            if single && tag == PosTag::Mag && (form == "안" || form == "못") {
                if let Some(target) = self.next_predicate(i) {
                    negators.push((i, target));
                }
            } else if is_postverbal_negator(form, tag) && i > 0 {
                // -지 않다 / -지 못하다 / -지 말다, optionally with 도/는 after 지.
                let mut j = i - 1;
                if matches!(self.last(j), Some((_, PosTag::Jx))) && j > 0 {
                    j -= 1;
                }
                if self.last(j) == Some(("지", PosTag::Ec)) {
                    if let Some(target) = self.previous_content(j + 1, 2, Self::is_predicate_at) {
                        negators.push((i, target));
                    }
                }
            } else if (form == "없" && tag == PosTag::Va) || tag == PosTag::Vcn {
                if let Some(target) = self.previous_content(i, 3, |v, j| {
                    v.first(j).is_some_and(|(_, tag)| is_nominal_head(tag))
                }) {
                    negators.push((i, target));
                }
            }
            if let Some(flag) = modifier_flag(form, tag) {
                if single || tag == PosTag::Xpn {
                    if let Some(target) = self.next_content(i) {
                        self.tokens[target].scope |= flag;
                    }
                }
            }
            if self
                .token_morphemes(&self.tokens[i])
                .iter()
                .any(|m| is_contrast(self.form(m), m.tag))
            {
                last_contrast = Some(i);
            }
        }
        if let Some(c) = last_contrast {
            for t in &mut self.tokens[..c] {
                t.scope |= scope::BEFORE_CONTRAST;
            }
        }
        let mut negator_of = vec![None; n];
        for &(negator, target) in &negators {
            self.tokens[target].scope |= scope::NEGATED;
            negator_of[target] = Some(negator as u32);
            let (a, b) = (self.find(negator), self.find(target));
            self.parents[a as usize] = b;
        }
        // Number units in text order of their first token; the head is the first token of
        // the unit that is not the negator.
        let mut unit_of_root = vec![u32::MAX; n];
        for i in 0..n {
            let root = self.find(i) as usize;
            if unit_of_root[root] == u32::MAX {
                unit_of_root[root] = self.units.len() as u32;
                self.units.push(Unit {
                    span: self.tokens[i].span,
                    head: root as u32,
                    negator: negator_of[root],
                });
            }
            let unit = &mut self.units[unit_of_root[root] as usize];
            unit.span = unit.span.cover(self.tokens[i].span);
            self.tokens[i].unit = unit_of_root[root];
        }
    }

    fn find(&mut self, mut i: usize) -> u32 {
        while self.parents[i] as usize != i {
            let grandparent = self.parents[self.parents[i] as usize];
            self.parents[i] = grandparent;
            i = grandparent as usize;
        }
        i as u32
    }

    /// Whether token `j` heads a predicate: a verb, adjective or root, or a noun that a
    /// 하다-type suffix makes a predicate (기대+하다).
    fn is_predicate_at(&self, j: usize) -> bool {
        match self.first(j) {
            Some((_, tag)) if is_predicate_head(tag) => true,
            Some((_, PosTag::Nng | PosTag::Nnp)) => {
                matches!(self.first(j + 1), Some((_, PosTag::Xsv | PosTag::Xsa)))
            }
            _ => false,
        }
    }

    /// The predicate that a preverbal 안/못 at `i` negates, within the next three tokens.
    fn next_predicate(&self, i: usize) -> Option<usize> {
        (i + 1..(i + 4).min(self.tokens.len())).find(|&j| self.is_predicate_at(j))
    }

    /// The content token an intensifier or diminisher at `i` modifies.
    fn next_content(&self, i: usize) -> Option<usize> {
        (i + 1..(i + 3).min(self.tokens.len()))
            .find(|&j| self.first(j).is_some_and(|(_, tag)| tag.is_content()))
    }

    /// The nearest token before `end` (within `window + 1` tokens) that passes `head`.
    fn previous_content(
        &self,
        end: usize,
        window: usize,
        head: impl Fn(&Self, usize) -> bool,
    ) -> Option<usize> {
        (end.saturating_sub(window + 1)..end)
            .rev()
            .find(|&j| head(self, j))
    }
}

fn starts_unit(tag: PosTag) -> bool {
    !(tag.is_grammatical() || matches!(tag, PosTag::Sf | PosTag::Se | PosTag::Ssc | PosTag::Sc))
}

fn is_predicate_head(tag: PosTag) -> bool {
    matches!(tag, PosTag::Vv | PosTag::Va | PosTag::Vx | PosTag::Xr)
}

fn is_nominal_head(tag: PosTag) -> bool {
    matches!(
        tag,
        PosTag::Nng | PosTag::Nnp | PosTag::Xr | PosTag::Unknown
    )
}

fn is_postverbal_negator(form: &str, tag: PosTag) -> bool {
    matches!(
        (form, tag),
        ("않", PosTag::Vx | PosTag::Vv)
            | ("못하", PosTag::Vx | PosTag::Va | PosTag::Vv)
            | ("못", PosTag::Mag)
            | ("말", PosTag::Vx | PosTag::Vv)
    )
}

/// Intensifier or diminisher flag of a modifier word.
fn modifier_flag(form: &str, tag: PosTag) -> Option<u8> {
    const INTENSIFIERS: &[&str] = &[
        "너무",
        "정말",
        "진짜",
        "완전",
        "엄청",
        "매우",
        "아주",
        "되게",
        "참",
        "넘",
        "존나",
        "졸라",
        "겁나",
        "제일",
        "가장",
        "무척",
        "굉장히",
        "정말로",
        "진짜로",
        "넘나",
        "너무나",
        "몹시",
        "심히",
        "레알",
        "최고로",
        "훨씬",
        "대단히",
        "꽤",
        "상당히",
    ];
    const DIMINISHERS: &[&str] = &[
        "좀",
        "조금",
        "약간",
        "살짝",
        "다소",
        "그닥",
        "그다지",
        "별로",
        "덜",
        "쫌",
        "다소간",
    ];
    match tag {
        PosTag::Mag | PosTag::Nng if INTENSIFIERS.contains(&form) => Some(scope::INTENSIFIED),
        PosTag::Mag | PosTag::Nng if DIMINISHERS.contains(&form) => Some(scope::DIMINISHED),
        PosTag::Xpn if matches!(form, "개" | "핵" | "존" | "킹") => Some(scope::INTENSIFIED),
        _ => None,
    }
}

fn is_contrast(form: &str, tag: PosTag) -> bool {
    match tag {
        PosTag::Ec => matches!(form, "지만" | "는데" | "은데" | "ㄴ데" | "ᆫ데" | "으나"),
        PosTag::Maj | PosTag::Mag => matches!(
            form,
            "하지만" | "그러나" | "그런데" | "근데" | "그래도" | "그렇지만" | "그치만" | "반면"
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nunchi_tokenizer::Tokenizer;

    fn view(text: &str) -> PostView {
        let tokenizer = Tokenizer::new().unwrap();
        let mut worker = tokenizer.worker();
        let mut view = PostView::default();
        view.load(worker.analyze(text).unwrap());
        view
    }

    /// Surfaces of the tokens that carry `flag`.
    fn flagged(view: &PostView, flag: u8) -> Vec<&str> {
        view.tokens
            .iter()
            .filter(|t| t.scope & flag != 0)
            .map(|t| view.surface(t))
            .collect()
    }

    #[test]
    fn negation_scopes() {
        assert_eq!(flagged(&view("안 재밌어요"), scope::NEGATED), ["재밌"]);
        assert_eq!(flagged(&view("재밌지 않다"), scope::NEGATED), ["재밌"]);
        assert_eq!(flagged(&view("재미가 없었다"), scope::NEGATED), ["재미"]);
        assert_eq!(flagged(&view("기대하지 마세요"), scope::NEGATED), ["기대"]);
        assert_eq!(
            flagged(&view("정말 좋은 영화다"), scope::NEGATED),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn negator_and_target_form_one_unit() {
        let text = "배우는 안 좋아요";
        let v = view(text);
        let unit = &v.units[v.tokens.iter().find(|t| v.surface(t) == "좋").unwrap().unit as usize];
        assert_eq!(unit.span.of(text), Some("안 좋아요"));
        assert!(unit.negator.is_some());
    }

    #[test]
    fn intensifier_diminisher_and_contrast() {
        let v = view("연기는 너무 좋지만 스토리는 좀 지루하다");
        assert_eq!(flagged(&v, scope::INTENSIFIED), ["좋"]);
        assert_eq!(flagged(&v, scope::DIMINISHED), ["지루"]);
        let before = flagged(&v, scope::BEFORE_CONTRAST);
        assert!(
            before.contains(&"연기") && !before.contains(&"스토리"),
            "{before:?}"
        );
    }

    #[test]
    fn eojeols_follow_spaces() {
        let v = view("배송이 빠르고 좋아요");
        assert_eq!(v.eojeols, 3);
        assert_eq!(v.units.len(), 3);
    }
}
