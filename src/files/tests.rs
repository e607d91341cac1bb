use super::*;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::PathBuf;
use std::time::Duration;

fn fifo(path: &Path) {
    rfs::mknodat(CWD, path, FileType::Fifo, Mode::from_bits_truncate(0o600), 0).unwrap();
}

/// Runs `f` on a thread and fails the test if it has not returned within ten seconds:
/// what these tests pin is that nothing waits on a FIFO.
fn promptly<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(f()).unwrap());
    rx.recv_timeout(Duration::from_secs(10)).expect("returned within 10 s, not blocked")
}

/// A victim file outside the folder, and a check that it is unchanged.
fn victim(dir: &Path) -> (PathBuf, impl Fn()) {
    let path = dir.join("victim");
    std::fs::write(&path, "precious").unwrap();
    let p = path.clone();
    (path, move || assert_eq!(std::fs::read_to_string(&p).unwrap(), "precious", "the victim was written"))
}

/// The hang: opening a FIFO in place of a file Mast reads waited for a writer forever.
#[test]
fn special_files_are_refused_at_once_where_a_file_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("config.toml");
    fifo(&f);
    let d = tmp.path().join("a-dir");
    std::fs::create_dir(&d).unwrap();
    for (path, words) in [(f.clone(), "FIFO"), (d.clone(), "a directory"), (PathBuf::from("/dev/null"), "a device")] {
        let p = path.clone();
        let err = promptly(move || read_text(&p, 1024).unwrap_err()).to_string();
        assert!(err.contains(words) && err.contains(&*path.to_string_lossy()), "{err}");
        let p = path.clone();
        promptly(move || open(&p).unwrap_err());
    }
    // In a folder others can write, too.
    let dir = Dir::open(tmp.path()).unwrap();
    let err = dir.read("config.toml", 1024).unwrap_err().to_string();
    assert!(err.contains("FIFO") && err.contains("Remove it"), "{err}");
    let lock = tmp.path().join("track.lock");
    fifo(&lock);
    let err = promptly(move || open_lock(&lock).unwrap_err()).to_string();
    assert!(err.contains("FIFO"), "{err}");
}

#[test]
fn own_files_follow_links_but_folders_others_write_do_not() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let (target, _) = victim(&outside);
    let shared = tmp.path().join("shared");
    std::fs::create_dir_all(shared.join("devices")).unwrap();
    symlink(&target, shared.join("link")).unwrap();
    symlink(&outside, shared.join("devices/abc")).unwrap();
    // The user's dotfile kept as a link is read.
    assert_eq!(read_text(&shared.join("link"), 100).unwrap().as_deref(), Some("precious"));
    let dir = Dir::open(&shared).unwrap();
    let err = dir.read("link", 100).unwrap_err().to_string();
    assert!(err.contains("symbolic link"), "{err}");
    let err = dir.read("devices/abc/victim", 100).unwrap_err().to_string();
    assert!(err.contains("symbolic link") && err.contains("devices/abc"), "{err}");
    assert_eq!(dir.read("devices/none/member.mast", 100).unwrap(), None);
    assert_eq!(dir.subdirs("devices").unwrap(), Vec::<String>::new(), "a linked folder is not a folder of it");
    std::fs::create_dir(shared.join("devices/real")).unwrap();
    assert_eq!(dir.subdirs("devices").unwrap(), vec!["real".to_owned()]);
}

/// The bug: a link planted where Mast writes its temporary or final file was followed,
/// and Mast overwrote the link's target.
#[test]
fn writes_replace_planted_links_and_never_write_through_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (target, unchanged) = victim(tmp.path());
    let shared = tmp.path().join("shared");
    std::fs::create_dir_all(shared.join("d")).unwrap();
    for name in ["d/changes.mast", "d/.changes.mast.mast-tmp", "d/.changes.mast.tmp"] {
        symlink(&target, shared.join(name)).unwrap();
    }
    let dir = Dir::open(&shared).unwrap();
    dir.write("d/changes.mast", b"mine").unwrap();
    unchanged();
    let written = shared.join("d/changes.mast");
    assert!(std::fs::symlink_metadata(&written).unwrap().file_type().is_file());
    assert_eq!(std::fs::read(&written).unwrap(), b"mine");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&written).unwrap().permissions().mode() & 0o777, 0o600);
    // No temporary file of Mast's is left beside it.
    let mut names: Vec<String> =
        std::fs::read_dir(shared.join("d")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, [".changes.mast.mast-tmp", ".changes.mast.tmp", "changes.mast"]);

    // A folder replaced by a link: refused, nothing written where it points.
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    symlink(&elsewhere, shared.join("mine")).unwrap();
    let err = dir.write("mine/member.mast", b"x").unwrap_err().to_string();
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // Folders that are missing are made.
    dir.write("new/deep/file", b"y").unwrap();
    assert_eq!(std::fs::read(shared.join("new/deep/file")).unwrap(), b"y");
    // `replace` in a dir of the user's own does the same.
    let own = tmp.path().join("own/config.toml");
    std::fs::create_dir_all(own.parent().unwrap()).unwrap();
    symlink(&target, &own).unwrap();
    replace(&own, b"poll_interval_ms = 500\n").unwrap();
    unchanged();
    assert_eq!(std::fs::read(&own).unwrap(), b"poll_interval_ms = 500\n");
}

#[test]
fn removing_a_folder_never_follows_a_link_in_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (target, unchanged) = victim(tmp.path());
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("keep"), "k").unwrap();
    let shared = tmp.path().join("shared");
    std::fs::create_dir_all(shared.join("devices/me/sub")).unwrap();
    std::fs::write(shared.join("devices/me/member.mast"), "m").unwrap();
    symlink(&target, shared.join("devices/me/file-link")).unwrap();
    symlink(&outside, shared.join("devices/me/sub/dir-link")).unwrap();
    fifo(&shared.join("devices/me/pipe"));
    symlink(&outside, shared.join("devices/other")).unwrap();
    let dir = Dir::open(&shared).unwrap();
    dir.remove_all("devices/me").unwrap();
    dir.remove_all("devices/other").unwrap();
    dir.remove_all("devices/gone").unwrap();
    unchanged();
    assert_eq!(std::fs::read_to_string(outside.join("keep")).unwrap(), "k");
    assert_eq!(std::fs::read_dir(shared.join("devices")).unwrap().count(), 0);
}

#[test]
fn names_that_would_leave_the_folder_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Dir::open(tmp.path()).unwrap();
    for rel in ["../x", "a/../../x", "/etc/passwd", "", "a//b", "./x", "a/"] {
        assert!(dir.path(rel).is_err(), "{rel}");
        assert!(dir.write(rel, b"x").is_err(), "{rel}");
        assert!(dir.create_dirs(rel).is_err(), "{rel}");
    }
    assert_eq!(
        dir.path("a/participant=p-0123456789abcdef").unwrap(),
        tmp.path().join("a/participant=p-0123456789abcdef")
    );
}

#[test]
fn a_fresh_dir_is_made_exclusively_and_a_planted_link_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("keep"), "k").unwrap();
    let partial = tmp.path().join(".out.partial");
    symlink(&outside, &partial).unwrap();
    let err = fresh_private_dir(&partial).unwrap_err().to_string();
    assert!(err.contains("symbolic link"), "{err}");
    std::fs::remove_file(&partial).unwrap();
    // A stale one of an earlier run is removed, links inside it unfollowed.
    std::fs::create_dir(&partial).unwrap();
    symlink(&outside, partial.join("inside")).unwrap();
    fresh_private_dir(&partial).unwrap();
    assert_eq!(std::fs::read_dir(&partial).unwrap().count(), 0);
    assert_eq!(std::fs::read_to_string(outside.join("keep")).unwrap(), "k");
    // And a new file in it is never opened through a link planted at its name.
    let (target, unchanged) = victim(tmp.path());
    symlink(&target, partial.join("t.partial")).unwrap();
    create_new(&partial.join("t.partial")).unwrap().write_all(b"new").unwrap();
    unchanged();
}

#[test]
fn a_file_over_the_cap_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("big");
    std::fs::write(&p, vec![b'a'; 2048]).unwrap();
    assert!(read(&p, 2048).unwrap().is_some());
    let err = read(&p, 1024).unwrap_err().to_string();
    assert!(err.contains("larger than 1 KiB"), "{err}");
    assert_eq!(read(&tmp.path().join("none"), 10).unwrap(), None);
}
