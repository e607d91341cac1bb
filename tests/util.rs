//! Shared helpers: a sandbox of temporary data and config dirs, and running `mast` in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

pub const MAST: &str = env!("CARGO_BIN_EXE_mast");

/// Temporary `MAST_DATA_DIR` and `MAST_CONFIG_DIR`, removed on drop.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

#[allow(dead_code)]
impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    pub fn demo_data_dir(&self) -> PathBuf {
        self.dir.path().join("data-demo")
    }

    pub fn db(&self) -> PathBuf {
        self.data_dir().join("mast.db")
    }

    pub fn write_config(&self, name: &str, text: &str) {
        std::fs::create_dir_all(self.config_dir()).unwrap();
        std::fs::write(self.config_dir().join(name), text).unwrap();
    }

    /// A `mast` command in this sandbox, with no display so nothing real is touched.
    pub fn command(&self) -> Command {
        let mut c = Command::new(MAST);
        c.env("MAST_DATA_DIR", self.data_dir())
            .env("MAST_CONFIG_DIR", self.config_dir())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            // The session's own desktop must not decide which sensor a test's tracker runs.
            .env_remove("XDG_SESSION_TYPE")
            .env_remove("XDG_CURRENT_DESKTOP")
            .env_remove("SWAYSOCK")
            .env_remove("HYPRLAND_INSTANCE_SIGNATURE")
            .env_remove("MAST_LOG");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("run mast")
    }

    /// Runs `mast`, asserts success, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "mast {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Runs `mast`, asserts failure, returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "mast {args:?} should have failed; stdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).expect("utf-8 output")
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).expect("valid JSON")
    }
}

/// Runs `cmd` and fails the test if it has not ended within ten seconds (it is killed): for
/// the commands that must never wait on a FIFO.
#[allow(dead_code)]
pub fn promptly(mut cmd: Command) -> Output {
    let child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run mast");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(out) => out.expect("mast's output"),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("{cmd:?} was still running after 10 s: it waits on something");
        }
    }
}

/// A FIFO at `path`, as a sync tool or another user could leave one.
#[allow(dead_code)]
pub fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_bits_truncate(0o600),
        0,
    )
    .expect("mkfifo");
}
