//! The crate's modules form layers: each uses only modules listed before it in the crate
//! docs' "Layers" section, so no module imports one that imports it back.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The layer order as the crate docs (`src/lib.rs`) list it: lines `//! N. `module` …`.
fn documented_order(lib: &str) -> Vec<String> {
    let section = lib
        .split("//! # Layers")
        .nth(1)
        .expect("src/lib.rs has a `# Layers` section");
    section
        .lines()
        .map(|line| line.trim_start_matches("//!").trim())
        .take_while(|line| !line.starts_with('#'))
        .filter(|line| line.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .filter_map(|line| line.split('`').nth(1).map(str::to_owned))
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The names that follow `crate::` in the code of `source`, comments left out. (`super::`
/// stays inside a module: from a submodule to its parent, from a test module to its file.)
fn crate_paths(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or("");
        assert!(
            !code.contains("super::super"),
            "reach other modules by `crate::`: {line}"
        );
        for (at, _) in code.match_indices("crate::") {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &code[at + "crate::".len()..];
            assert!(
                !rest.starts_with('{'),
                "name each module in its own `use crate::module::…` line: {line}"
            );
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.push(name);
        }
    }
    names
}

#[test]
fn every_module_uses_only_modules_of_earlier_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let order = documented_order(&fs::read_to_string(src.join("lib.rs")).unwrap());
    let position: BTreeMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut seen = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        if relative == Path::new("lib.rs") {
            continue;
        }
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_str().unwrap().trim_end_matches(".rs");
        let Some(&at) = position.get(module) else {
            panic!("module {module} is not in the Layers section of src/lib.rs");
        };
        seen.insert(module.to_owned(), ());
        let source = fs::read_to_string(file).unwrap();
        for used in crate_paths(&source) {
            let Some(&used_at) = position.get(used.as_str()) else {
                panic!(
                    "{}: `crate::{used}` is not a module: use the module that defines it",
                    relative.display()
                );
            };
            assert!(
                used_at <= at,
                "{} (layer {}) uses `{used}` (layer {}), a later layer",
                relative.display(),
                at + 1,
                used_at + 1
            );
        }
    }
    let listed: Vec<&String> = order.iter().filter(|m| !seen.contains_key(*m)).collect();
    assert!(listed.is_empty(), "listed but no such module: {listed:?}");
}
