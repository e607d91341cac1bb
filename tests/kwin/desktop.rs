//! A throwaway KWin for one test: a private session bus, `kwin_wayland --virtual` on it with
//! its own runtime dir and home, and KWin's D-Bus scripting to switch the focus.
//!
//! Debian's `kwin_wayland` carries the file capability `cap_sys_resource`; where that
//! capability is outside the bounding set (containers, this sandbox), the kernel refuses to
//! run the file at all (EPERM). The test then runs a copy without the capability, which KWin
//! only uses to raise a limit. KWin runs fine as root, so no second user is needed.
//!
//! Every process started here is a direct child, killed by pid and waited for on drop.

use crate::notify::Bus;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KWIN: &str = "/usr/bin/kwin_wayland";
/// Long enough for a loaded CI machine; a step that takes this long is broken, not slow.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);
const SOCKET: &str = "mast-kwin";

pub struct KwinDesktop {
    pub bus: Bus,
    pub dir: tempfile::TempDir,
    kwin: Child,
    conn: zbus::Connection,
    scripts: u32,
}

impl KwinDesktop {
    pub fn start() -> KwinDesktop {
        assert!(
            Path::new(KWIN).exists(),
            "{KWIN} is missing: run scripts/deps.sh (Debian package kwin-wayland) to run the KWin tests"
        );
        let bus = Bus::start();
        let dir = tempfile::tempdir().unwrap();
        for sub in ["run", "home", "config"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        mast::paths::set_mode(&dir.path().join("run"), 0o700).unwrap();
        let kwin = launch(dir.path(), &bus.address);
        let conn = zbus::block_on(zbus::connection::Builder::address(bus.address.as_str()).build()).unwrap();
        let mut desktop = KwinDesktop { bus, dir, kwin, conn, scripts: 0 };
        desktop.wait_until_up();
        desktop
    }

    /// A new KWin on the same bus and socket, after [`Self::kill_kwin`]: a session's KWin
    /// restarting.
    pub fn restart_kwin(&mut self) {
        self.kill_kwin();
        self.kwin = launch(self.dir.path(), &self.bus.address);
        self.wait_until_up();
    }

    fn wait_until_up(&mut self) {
        let dir = self.dir.path();
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            if let Some(status) = self.kwin.try_wait().unwrap() {
                panic!("kwin_wayland exited ({status}): {}", log(dir));
            }
            if dir.join("run").join(SOCKET).exists() && scripting_ready(&self.conn) {
                break;
            }
            assert!(Instant::now() < deadline, "KWin did not come up: {}", log(dir));
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn runtime_dir(&self) -> PathBuf {
        self.dir.path().join("run")
    }

    pub fn wayland_display(&self) -> &'static str {
        SOCKET
    }

    pub fn log(&self) -> String {
        log(self.dir.path())
    }

    /// Whether KWin holds a script of this plugin name.
    pub fn is_script_loaded(&self, plugin: &str) -> bool {
        self.call("/Scripting", "org.kde.kwin.Scripting", "isScriptLoaded", &(plugin,))
    }

    /// Loads `js` as `plugin` and runs it, the way Mast does on KWin 5 (`/<id>`).
    pub fn run_script(&mut self, plugin: &str, js: &str) {
        self.scripts += 1;
        let file = self.dir.path().join(format!("script-{}.js", self.scripts));
        std::fs::write(&file, js).unwrap();
        let id: i32 =
            self.call("/Scripting", "org.kde.kwin.Scripting", "loadScript", &(file.to_str().unwrap(), plugin));
        assert!(id >= 0, "KWin refused the script {plugin}");
        let _: () = self.call(&format!("/{id}"), "org.kde.kwin.Script", "run", &());
    }

    pub fn unload_script(&self, plugin: &str) -> bool {
        self.call("/Scripting", "org.kde.kwin.Scripting", "unloadScript", &(plugin,))
    }

    /// Makes the window with this caption active, through a one-off KWin script: the same
    /// `workspace` API a user's click ends in.
    pub fn activate(&mut self, caption: &str) {
        let js = format!(
            r#"var want = {caption:?};
var plasma6 = workspace.windowList !== undefined;
var list = plasma6 ? workspace.windowList() : workspace.clientList();
for (var i = 0; i < list.length; i++) {{
    if (list[i].caption === want) {{
        if (plasma6) {{ workspace.activeWindow = list[i]; }} else {{ workspace.activeClient = list[i]; }}
    }}
}}
"#
        );
        let plugin = format!("mast-test-activate-{}", self.scripts + 1);
        self.run_script(&plugin, &js);
        self.unload_script(&plugin);
    }

    /// Ends KWin now, as a crash would.
    pub fn kill_kwin(&mut self) {
        let _ = self.kwin.kill();
        let _ = self.kwin.wait();
    }

    fn call<B, R>(&self, path: &str, interface: &str, method: &str, body: &B) -> R
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
        R: for<'d> serde::Deserialize<'d> + zbus::zvariant::Type,
    {
        zbus::block_on(async {
            let reply = self.conn.call_method(Some("org.kde.KWin"), path, Some(interface), method, body).await.unwrap();
            reply.body().deserialize::<R>().unwrap()
        })
    }
}

impl Drop for KwinDesktop {
    fn drop(&mut self) {
        self.kill_kwin();
    }
}

fn launch(dir: &Path, bus: &str) -> Child {
    match spawn_kwin(Path::new(KWIN), dir, bus) {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            let copy = dir.join("kwin_wayland");
            if !copy.exists() {
                std::fs::copy(KWIN, &copy).unwrap();
            }
            spawn_kwin(&copy, dir, bus).expect("run a copy of kwin_wayland")
        }
        Err(e) => panic!("cannot run {KWIN}: {e}"),
    }
}

fn spawn_kwin(exe: &Path, dir: &Path, bus: &str) -> std::io::Result<Child> {
    let log = std::fs::File::create(dir.join("kwin.log"))?;
    Command::new(exe)
        .args(["--virtual", "--no-lockscreen", "--no-global-shortcuts", "--no-kactivities"])
        .args(["--socket", SOCKET, "--width", "1280", "--height", "720"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .env("XDG_RUNTIME_DIR", dir.join("run"))
        .env("HOME", dir.join("home"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
}

fn scripting_ready(conn: &zbus::Connection) -> bool {
    zbus::block_on(conn.call_method(
        Some("org.kde.KWin"),
        "/Scripting",
        Some("org.kde.kwin.Scripting"),
        "isScriptLoaded",
        &("nothing",),
    ))
    .is_ok()
}

fn log(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("kwin.log")).unwrap_or_default();
    let tail: Vec<&str> = text.lines().rev().take(30).collect();
    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
}

/// Waits until `f` gives `Some`, or fails the test with `what`.
pub fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
