//! The shipped example protocol, `examples/study.toml`: it works end to end on a demo's
//! usage, and the README quotes it as it is.

use crate::util::Sandbox;
use std::path::Path;

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/study.toml")
}

#[test]
fn the_example_study_previews_and_exports() {
    let s = Sandbox::new();
    s.ok(&["demo", "--days", "14"]);
    let study = example();
    let study = study.to_str().expect("a UTF-8 path");
    let preview = s.ok(&["--demo", "research", "preview", "--protocol", study]);
    assert!(preview.starts_with("Study: Evening scrolling (example) (evening-scrolling-example)"), "{preview}");
    assert!(preview.contains("short_video") && preview.contains("photos"), "{preview}");
    assert!(preview.contains("sessions:") && preview.contains("day, start_minute, target, seconds"), "{preview}");

    let out = s.dir.path().join("bundle");
    let done =
        s.ok(&["--demo", "research", "export", "--protocol", study, "--out", out.to_str().unwrap(), "--consent"]);
    assert!(done.starts_with("Wrote the bundle for evening-scrolling-example"), "{done}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest.json")).expect("JSON");
    assert_eq!(manifest["studyId"], "evening-scrolling-example", "{manifest}");
    let csv = std::fs::read_to_string(out.join("daily_totals.csv")).expect("daily_totals.csv");
    assert!(csv.contains(",short_video,") && csv.contains(",photos,"), "{csv}");
}

#[test]
fn the_readme_quotes_the_example_study_as_it_is() {
    let study = std::fs::read_to_string(example()).expect("examples/study.toml");
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    let section = readme.split("### Taking part in a study").nth(1).expect("the README's study section");
    assert!(
        section.contains(&format!("```toml\n{study}```")),
        "the README's \"Taking part in a study\" quotes another protocol than examples/study.toml: copy the file in"
    );
    assert!(section.contains("mast research preview --protocol examples/study.toml"));
}
