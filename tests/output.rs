//! What `mast` writes when nobody reads it: stdout a pipe whose reader has gone (`mast log |
//! head -1`), stdout a full disk, stderr a file. The pipes here are real: made with
//! `pipe(2)`, their read end closed before `mast` starts, so that every write fails with
//! EPIPE, whatever the timing.

use crate::util::Sandbox;
use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `cmd` with its stdout (or stderr) a pipe nobody reads any more.
fn with_closed_pipe(mut cmd: Command, stderr_too: bool) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    cmd.stdin(Stdio::null());
    if stderr_too {
        cmd.stdout(Stdio::null()).stderr(writer);
    } else {
        cmd.stdout(writer).stderr(Stdio::piped());
    }
    cmd.output().expect("run mast")
}

fn seeded() -> Sandbox {
    let s = Sandbox::new();
    s.ok(&["demo", "--days", "3"]);
    s
}

/// Regression: every printing command panicked with "failed printing to stdout: Broken
/// pipe" (status 101) when its reader stopped early, as `head` does.
#[test]
fn a_closed_pipe_ends_every_printing_command_quietly() {
    let s = seeded();
    let commands: &[&[&str]] = &[
        &["--demo", "log"],
        &["--demo", "log", "--json"],
        &["--demo", "report"],
        &["--demo", "report", "--json"],
        &["--demo", "report", "--week"],
        &["--demo", "mismatch"],
        &["--demo", "goals"],
        &["--demo", "goals", "list", "--json"],
        &["--demo", "status"],
        &["--demo", "rate", "--list"],
        &["rules", "list"],
        &["rules", "list", "--json"],
        &["rules", "test", "--app", "firefox", "--title", "Instagram — Mozilla Firefox"],
        &["paths"],
        &["--help"],
        &["help", "report"],
        &["report", "--help"],
        &["--version"],
    ];
    for args in commands {
        let mut cmd = s.command();
        cmd.args(*args);
        let out = with_closed_pipe(cmd, false);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "mast {args:?} into a closed pipe: {stderr}");
        assert!(stderr.is_empty(), "mast {args:?} into a closed pipe said: {stderr}");
    }
}

/// An error still says what went wrong when nobody reads stdout, and nothing panics when
/// nobody reads stderr either.
#[test]
fn errors_survive_closed_pipes() {
    let s = seeded();
    let mut cmd = s.command();
    cmd.args(["--demo", "log", "--day", "someday"]);
    let out = with_closed_pipe(cmd, false);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("mast: 'someday' is not a date"), "{stderr}");

    for (args, code) in [(&["--demo", "log", "--day", "someday"][..], 1), (&["frobnicate"][..], 2)] {
        let mut cmd = s.command();
        cmd.args(args);
        let out = with_closed_pipe(cmd, true);
        assert_eq!(out.status.code(), Some(code), "mast {args:?} with stderr a closed pipe");
    }
}

/// A write that fails for another reason than a gone reader is an error, said on stderr.
#[test]
fn a_full_disk_is_an_error() {
    let s = Sandbox::new();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let out = s.command().args(["rules", "list"]).stdout(full).output().expect("run mast");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mast: cannot write the output: No space left on device"), "{stderr}");
}

/// Regression: logs carried ANSI colour codes into files and pipes (`mast track 2>log`).
#[test]
fn logs_into_a_file_have_no_colour() {
    let s = Sandbox::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("track.log");
    let file = std::fs::File::create(&log).expect("log file");
    // No display: the tracker warns that there is no desktop to watch, and retries.
    let mut child = s
        .command()
        .arg("track")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .expect("start mast track");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut text = String::new();
    while Instant::now() < deadline {
        text.clear();
        std::fs::File::open(&log).and_then(|mut f| f.read_to_string(&mut text)).expect("read the log");
        if text.contains("WARN") {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(text.contains("WARN") && text.contains("cannot reach the desktop"), "no warning logged: {text}");
    assert!(text.contains("INFO"), "{text}");
    assert!(!text.contains("\u{1b}["), "colour codes in a file: {text:?}");
}
