//! The rules reference in docs/rules/ matches the rule catalog: one page per rule ID of
//! `rules::audit_catalog()`, each exactly as `audit::docs::page` renders it from the rule and
//! its remedy, plus the README index, and nothing else. Regenerate with
//! `KVINIT_BLESS_DOCS=1 cargo test --test audit_docs`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kvinit::audit::docs;
use kvinit::rules::audit_catalog;

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(docs::DOCS_DIR)
}

/// Every page the catalog implies: (file name, content).
fn expected_pages() -> Vec<(String, String)> {
    let mut pages = vec![("README.md".to_string(), docs::index())];
    for rule in audit_catalog() {
        pages.push((format!("{}.md", rule.id), docs::page(rule)));
    }
    pages
}

#[test]
fn docs_rules_match_the_catalog() {
    let dir = docs_dir();
    let bless = std::env::var_os("KVINIT_BLESS_DOCS").is_some();
    if bless {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut problems = Vec::new();
    for (name, content) in expected_pages() {
        let path = dir.join(&name);
        if bless {
            std::fs::write(&path, &content).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(on_disk) if on_disk == content => {}
            Ok(_) => problems.push(format!("{} differs from the catalog", path.display())),
            Err(_) => problems.push(format!("{} is missing", path.display())),
        }
    }
    let expected: BTreeSet<String> = expected_pages().into_iter().map(|(n, _)| n).collect();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !expected.contains(&name) {
            problems.push(format!(
                "docs/rules/{name} documents no rule of the catalog"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\nhint: regenerate with `KVINIT_BLESS_DOCS=1 cargo test --test audit_docs`",
        problems.join("\n")
    );
}

#[test]
fn every_page_cites_its_microsoft_best_practice_and_a_fix() {
    for rule in audit_catalog() {
        let page = docs::page(rule);
        assert!(
            page.contains(&format!("# {} — {}", rule.id, rule.title)),
            "{}",
            rule.id
        );
        assert!(page.contains(rule.best_practice), "{}", rule.id);
        assert!(
            page.contains(&format!("Source: <{}>", rule.source))
                && rule.source.starts_with("https://learn.microsoft.com/"),
            "{}",
            rule.id
        );
        assert!(page.contains("## How to fix\n\n"), "{}", rule.id);
        assert!(
            page.contains(&format!("**{}**", rule.severity.as_str())),
            "{}",
            rule.id
        );
    }
}
