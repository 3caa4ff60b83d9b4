//! User dictionaries take part in segmentation, and a malformed one is an error, not a panic.

use nunchi_tokenizer::{Error, PosTag, Tokenizer};

#[test]
fn user_words_are_segmented_whole() {
    let without = Tokenizer::new().expect("embedded dictionary");
    let surfaces = |tokenizer: &Tokenizer| -> Vec<String> {
        tokenizer
            .tokenize("갤럭시노트가 좋아요")
            .expect("analysis")
            .into_iter()
            .map(|t| t.surface)
            .collect()
    };
    assert!(!surfaces(&without).contains(&"갤럭시노트".to_owned()));

    let with = Tokenizer::builder()
        .user_dictionary("갤럭시노트,NNP,갤럭시노트\n".as_bytes())
        .expect("read")
        .build()
        .expect("user dictionary");
    let tokens = with.tokenize("갤럭시노트가 좋아요").expect("analysis");
    assert_eq!(tokens[0].surface, "갤럭시노트");
    assert_eq!(tokens[0].pos, PosTag::Nnp);
    assert_eq!(
        tokens[0].span,
        nunchi_tokenizer::Span::new(0, "갤럭시노트".len())
    );
    assert_eq!(tokens[1].surface, "가");
}

#[test]
fn context_ids_outside_the_matrix_are_an_error() {
    let result = Tokenizer::builder()
        .user_dictionary("테스트,60000,60000,-100,NNG,*,T,테스트,*,*,*,*\n".as_bytes())
        .expect("read")
        .build();
    assert!(
        matches!(result, Err(Error::UserDictionary { .. })),
        "{result:?}"
    );
}
