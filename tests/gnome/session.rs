//! A headless GNOME Shell of its own for each test: a private session bus and system bus
//! (the Shell asks logind on the system bus and gives up starting without one), a home with
//! Mast's extension installed by the real `mast setup gnome`, and `gnome-shell --headless
//! --wayland --no-x11 --virtual-monitor`, all as uid 65534 (the Shell, like the buses'
//! dconf service, writes into its home and runtime dir). The buses allow every uid, so this
//! test process, as root, can talk to the Shell and open windows on its Wayland socket.
//!
//! Focus is moved the way a user would, by opening and closing windows, and once by
//! `Main.activateWindow` through `org.gnome.Shell.Eval`, which a test-only extension
//! (installed in the test home only) unlocks by turning on the Shell's unsafe mode. Mast's
//! own extension has no test hooks.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NOBODY: u32 = 65534;
pub const WAYLAND: &str = "mast-test-gnome";
/// GNOME Shell takes 2–5 s to start here; a loaded CI machine may be slower.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The test-only extension: unsafe mode, so that the test may `Eval`. GNOME 43 format.
const UNSAFE_UUID: &str = "unsafe@test.mast.app";
const UNSAFE_METADATA: &str = r#"{"uuid": "unsafe@test.mast.app", "name": "Mast tests: unsafe mode",
 "description": "Test only: lets Mast's tests drive GNOME Shell through org.gnome.Shell.Eval.",
 "shell-version": ["43", "44"]}"#;
const UNSAFE_EXTENSION: &str = "/* exported init */
function init() {
    return {
        enable() { global.context.unsafe_mode = true; },
        disable() { global.context.unsafe_mode = false; },
    };
}
";

pub struct Shell {
    children: Vec<Child>,
    dir: tempfile::TempDir,
    pub bus: String,
}

/// Whether Mast's extension goes in before the Shell starts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mast {
    Installed,
    Missing,
}

pub fn need(program: &str) {
    let found = Command::new("sh").args(["-c", &format!("command -v {program}")]).output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "{program} is not installed: run scripts/deps.sh (it installs gnome-shell, foot, dbus-daemon, gjs)"
    );
}

fn chown_nobody(path: &Path) {
    let ok = Command::new("chown").args(["-R", &format!("{NOBODY}:{NOBODY}")]).arg(path).status();
    assert!(ok.is_ok_and(|s| s.success()), "chown {}", path.display());
}

fn as_nobody(program: &str) -> Command {
    let mut c = Command::new("setpriv");
    c.args(["--reuid", &NOBODY.to_string(), "--regid", &NOBODY.to_string(), "--clear-groups", program]);
    c
}

/// A permissive bus config: every uid may connect (the Shell runs as 65534, the test as
/// root). No service dirs: nothing is started on the bus's behalf, because what it starts
/// outlives it and, with PID 1 not reaping, would linger as zombies. GNOME's settings are
/// kept in a keyfile instead of dconf for the same reason (`GSETTINGS_BACKEND=keyfile`).
fn bus_config(socket: &Path, session: bool) -> String {
    format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>{}</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
        if session { "session" } else { "system" },
        socket.display()
    )
}

pub fn wait_for<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let end = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Shell {
    pub fn start(mast: Mast) -> Shell {
        for p in ["gnome-shell", "dbus-daemon", "setpriv", "gsettings", "foot"] {
            need(p);
        }
        let dir = tempfile::tempdir().unwrap();
        let (run, home) = (dir.path().join("run"), dir.path().join("home"));
        std::fs::create_dir_all(&run).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        chown_nobody(&run);
        chown_nobody(&home);
        let mut shell = Shell { children: Vec::new(), bus: format!("unix:path={}", run.join("bus").display()), dir };
        for (name, session) in [("bus", true), ("system_bus", false)] {
            let config = shell.dir.path().join(format!("{name}.conf"));
            std::fs::write(&config, bus_config(&run.join(name), session)).unwrap();
            let child = as_nobody("dbus-daemon")
                .arg(format!("--config-file={}", config.display()))
                .args(["--nofork", "--nopidfile"])
                .env_clear()
                .env("HOME", &home)
                .env("XDG_RUNTIME_DIR", &run)
                .env("PATH", "/usr/bin:/bin")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("dbus-daemon");
            shell.children.push(child);
            wait_for("the bus socket", Duration::from_secs(10), || run.join(name).exists().then_some(()));
        }
        if mast == Mast::Installed {
            // The real command, as the user would run it, in the test home.
            let out = shell.user_command(crate::util::MAST).args(["setup", "gnome", "--json"]).output().unwrap();
            assert!(out.status.success(), "mast setup gnome: {}", String::from_utf8_lossy(&out.stderr));
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(report["enabled"], true, "{report}");
            assert_eq!(report["flavour"], "legacy", "{report}");
        }
        let ext = home.join(".local/share/gnome-shell/extensions").join(UNSAFE_UUID);
        std::fs::create_dir_all(&ext).unwrap();
        std::fs::write(ext.join("metadata.json"), UNSAFE_METADATA).unwrap();
        std::fs::write(ext.join("extension.js"), UNSAFE_EXTENSION).unwrap();
        // `mast setup` ran as root: the Shell, as 65534, must read what it wrote.
        chown_nobody(&home);
        shell.gnome_extensions(&["enable", UNSAFE_UUID]);
        shell.gsettings(&["set", "org.gnome.shell", "disable-user-extensions", "false"]);
        let log = std::fs::File::create(shell.dir.path().join("gnome-shell.log")).unwrap();
        let child = as_nobody("gnome-shell")
            .args(["--headless", "--wayland", "--no-x11", "--virtual-monitor", "1280x720"])
            .arg(format!("--wayland-display={WAYLAND}"))
            .env_clear()
            .env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &run)
            .env("PATH", "/usr/bin:/bin")
            .env("DBUS_SESSION_BUS_ADDRESS", &shell.bus)
            .env("DBUS_SYSTEM_BUS_ADDRESS", format!("unix:path={}", run.join("system_bus").display()))
            .env("XDG_SESSION_TYPE", "wayland")
            .env("GSETTINGS_BACKEND", "keyfile")
            .env("NO_AT_BRIDGE", "1")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("gnome-shell");
        shell.children.push(child);
        // Unsafe mode is on once extensions are loaded, which is after the Shell started up.
        wait_for("GNOME Shell to start and load extensions", START_TIMEOUT, || {
            shell.assert_running();
            (shell.eval("global.context.unsafe_mode") == Some("true".to_owned())).then_some(())
        });
        // The Shell starts in the overview, where no window has the focus; it is shown when
        // the startup animation ends, so it is closed after that, and seen closed twice.
        const CLOSED: &str = "!Main.layoutManager._startingUp && (Main.overview.hide(), \
                              !Main.overview.visible && !Main.overview.animationInProgress)";
        for _ in 0..2 {
            wait_for("the overview to close", START_TIMEOUT, || {
                (shell.eval(CLOSED).as_deref() == Some("true")).then_some(())
            });
            std::thread::sleep(Duration::from_millis(300));
        }
        shell
    }

    fn assert_running(&mut self) {
        if let Some(Ok(Some(status))) = self.children.last_mut().map(|c| c.try_wait()) {
            panic!("gnome-shell exited ({status}):\n{}", self.log());
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("gnome-shell.log")).unwrap_or_default()
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn runtime_dir(&self) -> PathBuf {
        self.dir.path().join("run")
    }

    /// A command run as the test home's user would (as root here, with that HOME and bus).
    pub fn user_command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("HOME", self.home())
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_CONFIG_HOME")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("GSETTINGS_BACKEND", "keyfile")
            .stdin(Stdio::null());
        c
    }

    /// A command as the Shell's user, so that the settings it writes stay the Shell's to read.
    pub fn nobody_command(&self, program: &str) -> Command {
        let mut c = as_nobody(program);
        c.env_clear()
            .env("HOME", self.home())
            .env("XDG_RUNTIME_DIR", self.runtime_dir())
            .env("PATH", "/usr/bin:/bin")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("GSETTINGS_BACKEND", "keyfile")
            .stdin(Stdio::null());
        c
    }

    pub fn gnome_extensions(&self, args: &[&str]) {
        let out = self.nobody_command("gnome-extensions").args(args).output().unwrap();
        assert!(out.status.success(), "gnome-extensions {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    pub fn gsettings(&self, args: &[&str]) {
        let out = self.nobody_command("gsettings").args(args).output().unwrap();
        assert!(out.status.success(), "gsettings {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Runs JavaScript in the Shell; its result as text, `None` when Eval is refused or threw.
    pub fn eval(&self, js: &str) -> Option<String> {
        let out = self
            .user_command("gdbus")
            .args(["call", "--session", "-d", "org.gnome.Shell", "-o", "/org/gnome/Shell", "-m"])
            .args(["org.gnome.Shell.Eval", js])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        // (true, 'result')
        let rest = text.trim().strip_prefix("(true, '")?;
        Some(rest.strip_suffix("')")?.to_owned())
    }

    /// Opens a foot window with this app id and title, running `script` in `sh`.
    pub fn window(&self, app_id: &str, title: &str, script: &str) -> Window {
        let child = Command::new("foot")
            .arg(format!("--app-id={app_id}"))
            .arg(format!("--title={title}"))
            .args(["sh", "-c", script])
            .env("XDG_RUNTIME_DIR", self.runtime_dir())
            .env("WAYLAND_DISPLAY", WAYLAND)
            .env_remove("DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("foot");
        Window(child)
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        // The Shell first, then the buses.
        for child in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            let log = self.log();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            let _ = writeln!(std::io::stderr(), "gnome-shell's log, last lines:");
            for line in tail.into_iter().rev() {
                let _ = writeln!(std::io::stderr(), "  {line}");
            }
        }
    }
}

/// A foot window, closed (killed and reaped) on drop.
pub struct Window(Child);

impl Window {
    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
