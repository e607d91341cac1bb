//! The KWin script outside KWin: `desktop/kwin/tests/harness.js` under gjs, with a fake
//! `workspace` and `callDBus` of each API flavour, checks every call the script makes.

use std::path::Path;
use std::process::Command;

#[test]
fn script_reports_focus_on_both_kwin_apis() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("desktop/kwin");
    let out = Command::new("gjs")
        .arg(root.join("tests/harness.js"))
        .arg(root.join("contents/code/main.js"))
        .output()
        .expect("gjs (Debian package gjs): run scripts/deps.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the KWin script's harness failed:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every scenario ran, in both flavours.
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok plasma 5 ")).count(), 3, "{stdout}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok plasma 6 ")).count(), 3, "{stdout}");
}

#[test]
fn package_metadata_is_a_kwin_script() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("desktop/kwin");
    let text = std::fs::read_to_string(root.join("metadata.json")).unwrap();
    let meta: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(meta["KPackageStructure"], "KWin/Script");
    assert_eq!(meta["X-Plasma-API"], "javascript");
    assert_eq!(meta["KPlugin"]["Id"], mast::sensor::kwin::PLUGIN_NAME);
    let main = meta["X-Plasma-MainScript"].as_str().unwrap();
    assert!(root.join("contents").join(main).is_file(), "{main}");
}
