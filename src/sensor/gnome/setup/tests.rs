use super::*;
use std::os::unix::fs::symlink;

fn opts(version: &str) -> SetupOptions {
    SetupOptions { shell_version: Some(version.to_owned()), leave_disabled: true, bus: None }
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn writes_the_flavour_for_the_shell() {
    let home = tempfile::tempdir().unwrap();
    let report = install(home.path(), &opts("43.9")).unwrap();
    let dir = home.path().join("gnome-shell/extensions/mast@mast.app");
    assert_eq!(report.path, dir);
    assert_eq!((report.flavour, report.updated, report.enabled), (Flavour::Legacy, false, false));
    assert_eq!(report.shell_version, "43.9");
    assert!(report.next_step.contains("log out and back in") || report.next_step.contains("Log out and back in"));
    assert_eq!(names(&dir), ["extension.js", "focus.js", "metadata.json"]);
    let metadata = std::fs::read_to_string(dir.join("metadata.json")).unwrap();
    assert!(metadata.contains(r#""shell-version": ["43", "44"]"#), "{metadata}");
    assert!(std::fs::read_to_string(dir.join("extension.js")).unwrap().contains("function init()"));
}

#[test]
fn running_again_updates_in_place() {
    let home = tempfile::tempdir().unwrap();
    install(home.path(), &opts("44.2")).unwrap();
    let report = install(home.path(), &opts("46.0")).unwrap();
    assert!(report.updated);
    assert_eq!(report.flavour, Flavour::Esm);
    let dir = extension_dir(home.path());
    // No temporary file is left behind, and nothing from the old flavour.
    assert_eq!(names(&dir), ["extension.js", "focus.js", "metadata.json"]);
    assert!(std::fs::read_to_string(dir.join("extension.js")).unwrap().contains("export default class"));
    assert!(std::fs::read_to_string(dir.join("focus.js")).unwrap().contains("export { "));
    assert!(std::fs::read_to_string(dir.join("metadata.json")).unwrap().contains(r#""50""#));
}

#[test]
fn a_link_in_place_of_the_folder_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("gnome-shell/extensions")).unwrap();
    symlink(elsewhere.path(), extension_dir(home.path())).unwrap();
    let err = install(home.path(), &opts("43.9")).unwrap_err().to_string();
    assert!(err.contains("symbolic link"), "{err}");
    assert!(names(elsewhere.path()).is_empty(), "nothing may be written through the link");
}

#[test]
fn a_link_or_fifo_in_place_of_a_file_is_never_written_through() {
    let home = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    let dir = extension_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    symlink(&victim, dir.join("metadata.json")).unwrap();
    let err = install(home.path(), &opts("43.9")).unwrap_err().to_string();
    assert!(err.contains("symbolic link"), "{err}");
    std::fs::remove_file(dir.join("metadata.json")).unwrap();
    // A link at a file Mast replaces is replaced, not followed; so is a FIFO (without
    // waiting for a reader).
    symlink(&victim, dir.join("extension.js")).unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        dir.join("focus.js"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_bits_truncate(0o600),
        0,
    )
    .unwrap();
    install(home.path(), &opts("43.9")).unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    for name in ["extension.js", "focus.js", "metadata.json"] {
        assert!(std::fs::symlink_metadata(dir.join(name)).unwrap().is_file(), "{name}");
    }
}

#[test]
fn a_shell_older_than_43_is_refused_in_words() {
    let home = tempfile::tempdir().unwrap();
    let err = install(home.path(), &opts("42.5")).unwrap_err().to_string();
    assert!(err.contains("GNOME Shell 42.5 is older"), "{err}");
    assert!(!extension_dir(home.path()).exists());
}

#[test]
fn gsettings_lists_read_and_write() {
    assert_eq!(parse_strv("@as []\n"), Some(vec![]));
    assert_eq!(parse_strv("['a@b', 'mast@mast.app']\n"), Some(vec!["a@b".into(), "mast@mast.app".into()]));
    assert_eq!(parse_strv(r#"["it's@x", 'b\\c']"#), Some(vec!["it's@x".into(), r"b\c".into()]));
    assert_eq!(parse_strv("nonsense"), None);
    let list = vec!["it's@x".to_owned(), r"b\c".to_owned(), "mast@mast.app".to_owned()];
    assert_eq!(parse_strv(&format_strv(&list)), Some(list));
    assert_eq!(parse_version_line("GNOME Shell 43.9\n"), Some("43.9".into()));
    assert_eq!(parse_version_line("mutter 43"), None);
}
