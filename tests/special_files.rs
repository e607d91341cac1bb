//! Something other than a file where Mast reads one: a FIFO (a sync tool or another user can
//! leave one), a device, a directory. The hang these pin: opening a FIFO waits for a writer,
//! so a FIFO as `config.toml` made every command wait forever. Each file Mast reads, each
//! kind: the command ends at once, saying which file and what to do.

use crate::util::{mkfifo, promptly, Sandbox};
use std::path::{Path, PathBuf};

/// Runs `mast args` in `s` (it must end within 10 s) and returns its exit code and stderr.
fn run(s: &Sandbox, args: &[&str]) -> (Option<i32>, String) {
    let mut cmd = s.command();
    cmd.env("MAST_FAMILY_PASSPHRASE", "three blind mice run").args(args);
    let out = promptly(cmd);
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Puts a thing of `kind` at `path`: a FIFO, a directory, or a link to a device.
fn plant(path: &Path, kind: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    match kind {
        "FIFO" => mkfifo(path),
        "directory" => std::fs::create_dir(path).unwrap(),
        "device" => std::os::unix::fs::symlink("/dev/zero", path).unwrap(),
        _ => unreachable!(),
    }
}

fn remove(path: &Path) {
    if path.is_dir() && !path.is_symlink() {
        std::fs::remove_dir(path).unwrap();
    } else {
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn anything_but_a_file_where_mast_reads_one_is_refused_at_once() {
    let s = Sandbox::new();
    let given = s.dir.path().join("given");
    std::fs::create_dir_all(&given).unwrap();
    let folder = s.dir.path().join("family");
    let (import, protocol, pass) = (given.join("aw.json"), given.join("study.toml"), given.join("pass.txt"));
    let (import_s, protocol_s, pass_s, folder_s, out_s) = (
        import.to_str().unwrap().to_owned(),
        protocol.to_str().unwrap().to_owned(),
        pass.to_str().unwrap().to_owned(),
        folder.to_str().unwrap().to_owned(),
        given.join("bundle").to_str().unwrap().to_owned(),
    );
    // (the file, a command that reads it)
    let cases: Vec<(PathBuf, Vec<&str>)> = vec![
        (s.config_dir().join("config.toml"), vec!["status"]),
        (s.config_dir().join("rules.toml"), vec!["status"]),
        (s.db(), vec!["status"]),
        (import.clone(), vec!["import", "activitywatch", &import_s]),
        (protocol.clone(), vec!["research", "export", "--protocol", &protocol_s, "--out", &out_s, "--consent"]),
        (
            pass.clone(),
            vec![
                "family",
                "create",
                "--folder",
                &folder_s,
                "--name",
                "Home",
                "--member",
                "m",
                "--passphrase-file",
                &pass_s,
            ],
        ),
    ];
    for (path, args) in &cases {
        for kind in ["FIFO", "directory", "device"] {
            plant(path, kind);
            let (code, err) = run(&s, args);
            assert_eq!(code, Some(1), "{kind} as {}: {err}", path.display());
            let name = path.file_name().unwrap().to_string_lossy();
            let words = if kind == "FIFO" { "a FIFO" } else { kind };
            assert!(
                err.contains(&format!("{name} is")) && err.contains(words) && err.contains("Remove it"),
                "{kind} as {}: {err}",
                path.display()
            );
            remove(path);
        }
    }
    assert!(!folder.join("family.json").exists(), "no family was made without a passphrase");

    // The tracker's lock, which `status` only looks at: it does not wait on it either.
    mkfifo(&s.data_dir().join("track.lock"));
    let (code, err) = run(&s, &["status"]);
    assert_eq!(code, Some(0), "{err}");
}
