//! A throwaway sway desktop for one test: headless sway 1.7 (pixman renderer, no input
//! devices) as uid 65534 — sway refuses to run as root — in its own temp dir with its own
//! `XDG_RUNTIME_DIR` and `HOME`, plus foot windows with known app ids and titles, switched
//! with `swaymsg` and typed into with `wtype`.
//!
//! The test process (root) is a client of that sway like any other: [`SwayDesktop::command`]
//! gives a command with `WAYLAND_DISPLAY`, `XDG_RUNTIME_DIR` and `SWAYSOCK` pointing at it,
//! for foot, wtype, `mast` or the desktop app; [`SwayDesktop::wayland_socket`] and
//! [`SwayDesktop::swaysock`] give the sockets to code that connects in-process.
//!
//! Every process started here is a direct child, killed by pid and waited for on drop (PID 1
//! does not reap orphans here). foot exits by itself on SIGTERM and reaps its shell.
//!
//! ```ignore
//! let mut sway = SwayDesktop::start();
//! let a = sway.open_foot("MastTestA", "Title A"); // focused once this returns; `a` is its pid
//! sway.open_foot("MastTestB", "Title B");
//! sway.focus("MastTestA");
//! sway.set_title("MastTestB", "Renamed");           // without moving the focus
//! sway.type_text("hello");                          // input: resets idle
//! sway.close("MastTestB");
//! ```

use crate::x11::desktop::{run, stop};
use serde_json::Value;
use std::ffi::OsString;
use std::fs::File;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TOOLS: [&str; 5] = ["sway", "swaymsg", "foot", "wtype", "setpriv"];
/// The user sway runs as: `nobody`, present on every Debian system.
const SWAY_UID: u32 = 65534;
/// Long enough for a loaded CI machine; a step that takes this long is broken, not slow.
const STEP_TIMEOUT: Duration = Duration::from_secs(15);

/// A foot window opened by [`SwayDesktop::open_foot`].
struct Foot {
    app_id: String,
    child: Child,
    /// Lines written here become the window's title (the shell in foot sets it by OSC 2).
    titles: PathBuf,
}

/// What sway's tree says of the focused window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Focused {
    pub app_id: String,
    pub title: String,
    pub pid: u32,
}

pub struct SwayDesktop {
    /// Holds the runtime dir, home, config and the logs (`sway.log`, `foot-<app_id>.log`).
    pub dir: tempfile::TempDir,
    runtime_dir: PathBuf,
    wayland_socket: PathBuf,
    swaysock: PathBuf,
    sway: Option<Child>,
    windows: Vec<Foot>,
}

impl SwayDesktop {
    /// Starts sway and returns once its Wayland and IPC sockets answer.
    pub fn start() -> SwayDesktop {
        require_tools();
        let dir = tempfile::tempdir().expect("temp dir");
        // sway's user must get through the temp dir to its own dirs and the config.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let runtime_dir = dir.path().join("runtime");
        let home = dir.path().join("home");
        for (d, mode) in [(&runtime_dir, 0o700), (&home, 0o755)] {
            std::fs::create_dir(d).unwrap();
            rustix::fs::chown(d, Some(uid(SWAY_UID)), Some(gid(SWAY_UID))).expect("chown to 65534");
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let config = dir.path().join("sway.conf");
        // No XWayland (nothing here needs it, and it costs a second at start); new windows
        // take the focus, as they do by default, which `open_foot` waits for.
        std::fs::write(&config, "output HEADLESS-1 resolution 1280x720\nxwayland disable\n").unwrap();
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();

        let log = File::create(dir.path().join("sway.log")).expect("log file");
        let sway = Command::new("setpriv")
            .args(["--reuid", &SWAY_UID.to_string(), "--regid", &SWAY_UID.to_string(), "--clear-groups", "--"])
            .arg("sway")
            .arg("-c")
            .arg(&config)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &runtime_dir)
            .env("WLR_BACKENDS", "headless")
            .env("WLR_RENDERER", "pixman")
            .env("WLR_LIBINPUT_NO_DEVICES", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("spawn sway under setpriv");
        let mut desktop = SwayDesktop {
            dir,
            runtime_dir,
            wayland_socket: PathBuf::new(),
            swaysock: PathBuf::new(),
            sway: Some(sway),
            windows: Vec::new(),
        };
        desktop.wait_for_sockets();
        desktop
    }

    fn wait_for_sockets(&mut self) {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let names: Vec<PathBuf> = std::fs::read_dir(&self.runtime_dir)
                .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
                .unwrap_or_default();
            let find = |test: &dyn Fn(&str) -> bool| {
                names.iter().find(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(test)).cloned()
            };
            let wayland = find(&|n| n.starts_with("wayland-") && !n.ends_with(".lock"));
            let ipc = find(&|n| n.starts_with("sway-ipc.") && n.ends_with(".sock"));
            if let (Some(wayland), Some(ipc)) = (wayland, ipc) {
                self.wayland_socket = wayland;
                self.swaysock = ipc;
                let answered = self.command("swaymsg").args(["-t", "get_version"]).output();
                if answered.is_ok_and(|o| o.status.success()) {
                    return;
                }
            }
            let exited = self.sway.as_mut().and_then(|s| s.try_wait().ok().flatten());
            assert!(
                exited.is_none() && Instant::now() < deadline,
                "sway did not start ({exited:?}); its log:\n{}",
                self.log("sway")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The Wayland socket, an absolute path: what `WAYLAND_DISPLAY` may hold.
    pub fn wayland_socket(&self) -> &Path {
        &self.wayland_socket
    }

    /// sway's IPC socket, for `SWAYSOCK`.
    pub fn swaysock(&self) -> &Path {
        &self.swaysock
    }

    /// sway's `XDG_RUNTIME_DIR` (which holds both sockets).
    #[allow(dead_code)] // for clients that want it apart from `client_env`
    pub fn runtime_dir(&self) -> &Path {
        &self.runtime_dir
    }

    /// The environment a client of this sway needs.
    pub fn client_env(&self) -> Vec<(&'static str, OsString)> {
        vec![
            ("WAYLAND_DISPLAY", self.wayland_socket.clone().into()),
            ("XDG_RUNTIME_DIR", self.runtime_dir.clone().into()),
            ("SWAYSOCK", self.swaysock.clone().into()),
        ]
    }

    /// A command that runs as a client of this sway (as root, the test's user), with no
    /// X display, so nothing reaches a real desktop.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.envs(self.client_env())
            .env_remove("DISPLAY")
            .env_remove("HYPRLAND_INSTANCE_SIGNATURE")
            .env("LC_ALL", "C.UTF-8")
            .stdin(Stdio::null());
        c
    }

    /// Opens a foot window with `app_id` and `title` and returns its pid once sway shows it
    /// focused (sway focuses new windows).
    pub fn open_foot(&mut self, app_id: &str, title: &str) -> u32 {
        let titles = self.dir.path().join(format!("titles-{app_id}"));
        crate::util::mkfifo(&titles);
        // Holding the FIFO open read-write keeps `read` blocking between lines, instead of
        // seeing end-of-file whenever no writer is there.
        let script =
            format!("exec 3<>'{}'; while read -r t <&3; do printf '\\033]2;%s\\007' \"$t\"; done", titles.display());
        let child = self
            .command("foot")
            .arg(format!("--app-id={app_id}"))
            .arg(format!("--title={title}"))
            .args(["sh", "-c", &script])
            .stdout(Stdio::null())
            .stderr(File::create(self.dir.path().join(format!("foot-{app_id}.log"))).unwrap())
            .spawn()
            .expect("spawn foot");
        let pid = child.id();
        self.windows.push(Foot { app_id: app_id.to_owned(), child, titles });
        self.wait_until(&format!("{app_id} focused after opening"), |f| {
            f.as_ref().is_some_and(|f| f.app_id == app_id && f.pid == pid)
        });
        pid
    }

    /// Gives the window with `app_id` the focus, returning once sway's tree says so.
    /// A focus change is not input: it does not reset idle.
    pub fn focus(&self, app_id: &str) {
        self.swaymsg(&[&format!("[app_id=\"^{app_id}$\"] focus")]);
        self.wait_until(&format!("{app_id} focused"), |f| f.as_ref().is_some_and(|f| f.app_id == app_id));
    }

    /// Sets the title of the window with `app_id` (focused or not), the way a program
    /// renaming its window does, returning once sway has it.
    pub fn set_title(&self, app_id: &str, title: &str) {
        let foot = self.foot(app_id);
        std::fs::write(&foot.titles, format!("{title}\n")).expect("write to the title FIFO");
        let deadline = Instant::now() + STEP_TIMEOUT;
        while self.title_of(app_id).as_deref() != Some(title) {
            assert!(Instant::now() < deadline, "{app_id} never got the title {title:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Types `text` into the focused window with wtype (a virtual keyboard): user input.
    pub fn type_text(&self, text: &str) {
        run(self.command("wtype").arg(text));
    }

    /// Closes the window with `app_id` as a user would (sway's `kill`) and waits for foot to
    /// exit.
    pub fn close(&mut self, app_id: &str) {
        self.swaymsg(&[&format!("[app_id=\"^{app_id}$\"] kill")]);
        let i = self.windows.iter().position(|w| w.app_id == app_id).expect("a window of this desktop");
        let mut foot = self.windows.remove(i);
        let deadline = Instant::now() + STEP_TIMEOUT;
        while foot.child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                stop(&mut foot.child);
                panic!("foot {app_id} did not exit when closed");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Runs `swaymsg` with `args`; returns its output.
    pub fn swaymsg(&self, args: &[&str]) -> String {
        run(self.command("swaymsg").args(args))
    }

    /// The focused window by sway's own tree: the ground truth tests compare against.
    pub fn focused(&self) -> Option<Focused> {
        fn find(node: &Value) -> Option<Focused> {
            if node["focused"] == true && node["pid"].is_u64() {
                return Some(Focused {
                    app_id: node["app_id"].as_str().unwrap_or_default().to_owned(),
                    title: node["name"].as_str().unwrap_or_default().to_owned(),
                    pid: node["pid"].as_u64()? as u32,
                });
            }
            ["nodes", "floating_nodes"].iter().filter_map(|k| node[*k].as_array()).flatten().find_map(find)
        }
        find(&self.tree())
    }

    /// Sends SIGKILL to sway (the compositor dies with no goodbye) and waits for it.
    pub fn kill_sway(&mut self) {
        if let Some(mut sway) = self.sway.take() {
            let _ = sway.kill();
            let _ = sway.wait();
        }
    }

    pub fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(format!("{name}.log"))).unwrap_or_default()
    }

    fn tree(&self) -> Value {
        serde_json::from_str(&self.swaymsg(&["-t", "get_tree"])).expect("swaymsg prints JSON")
    }

    fn title_of(&self, app_id: &str) -> Option<String> {
        fn find(node: &Value, app_id: &str) -> Option<String> {
            if node["app_id"] == app_id {
                return node["name"].as_str().map(str::to_owned);
            }
            ["nodes", "floating_nodes"]
                .iter()
                .filter_map(|k| node[*k].as_array())
                .flatten()
                .find_map(|n| find(n, app_id))
        }
        find(&self.tree(), app_id)
    }

    fn foot(&self, app_id: &str) -> &Foot {
        self.windows.iter().find(|w| w.app_id == app_id).expect("a window of this desktop")
    }

    fn wait_until(&self, what: &str, done: impl Fn(&Option<Focused>) -> bool) {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let focused = self.focused();
            if done(&focused) {
                return;
            }
            assert!(Instant::now() < deadline, "waited in vain for {what}; sway says {focused:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for SwayDesktop {
    fn drop(&mut self) {
        for foot in &mut self.windows {
            stop(&mut foot.child);
        }
        if let Some(sway) = &mut self.sway {
            stop(sway);
        }
    }
}

fn require_tools() {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let missing: Vec<&str> =
        TOOLS.into_iter().filter(|tool| !std::env::split_paths(&path).any(|dir| dir.join(tool).is_file())).collect();
    assert!(
        missing.is_empty(),
        "the Wayland tests need {} on PATH; missing: {}. `make test` installs them (scripts/deps.sh), \
         or: apt-get install sway foot wtype util-linux",
        TOOLS.join(", "),
        missing.join(", ")
    );
}

fn uid(n: u32) -> rustix::fs::Uid {
    rustix::fs::Uid::from_raw(n)
}

fn gid(n: u32) -> rustix::fs::Gid {
    rustix::fs::Gid::from_raw(n)
}
