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

#[test]
fn identity_follows_the_user_dictionary_content_not_its_name() {
    let csv = "갤럭시노트,NNP,갤럭시노트\n\n아이폰,NNP,아이폰\n";
    let dir = std::env::temp_dir().join(format!("nunchi-identity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("brands.csv");
    std::fs::write(&path, csv).unwrap();
    let from_file = Tokenizer::builder()
        .user_dictionary_path(&path)
        .unwrap()
        .build()
        .unwrap();
    let from_reader = Tokenizer::builder()
        .user_dictionary(csv.as_bytes())
        .unwrap()
        .build()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let user = from_file.identity().user_dictionary.as_ref().unwrap();
    assert_eq!(user.name.as_deref(), Some("brands.csv"));
    assert_eq!(user.entries, 2);
    assert_eq!(user.checksum.len(), 16);
    assert_eq!(
        from_reader
            .identity()
            .user_dictionary
            .as_ref()
            .unwrap()
            .name,
        None
    );
    assert!(from_file
        .identity()
        .is_compatible_with(from_reader.identity()));

    let other = Tokenizer::builder()
        .user_dictionary("갤럭시노트,NNP,갤럭시노트\n".as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let plain = Tokenizer::new().unwrap();
    assert!(!from_file.identity().is_compatible_with(other.identity()));
    assert!(!from_file.identity().is_compatible_with(plain.identity()));
    assert!(!plain.identity().is_compatible_with(from_file.identity()));
    assert_eq!(plain.identity().dictionary, plain.dictionary_id());
}
