//! A compositor that offers neither wlr-foreign-toplevel nor a Wayland idle protocol:
//! headless Mutter (GNOME's compositor, Debian's 43), on a private session bus. The wlroots
//! sources must say so in words a user can act on, and the probe must see it coming.

use crate::x11::desktop::stop;
use mast::sensor::idle::WaylandIdle;
use mast::sensor::wlroots::{probe_display, CompositorIpc, WaylandDisplay, WaylandGlobals, WlrootsFocus};
use mast::sensor::{SensorError, SensorOptions};
use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `dbus-daemon` and `mutter --headless`, each stopped by pid on drop.
struct Mutter {
    dir: tempfile::TempDir,
    socket: PathBuf,
    bus: Child,
    mutter: Option<Child>,
}

impl Mutter {
    fn start() -> Mutter {
        for tool in ["mutter", "dbus-daemon"] {
            assert!(
                Command::new("sh")
                    .args(["-c", &format!("command -v {tool}")])
                    .output()
                    .is_ok_and(|o| o.status.success()),
                "this test needs {tool}; `make test` installs it (scripts/deps.sh), or: apt-get install mutter dbus"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let bus_path = dir.path().join("bus");
        let address = format!("unix:path={}", bus_path.display());
        let bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile", "--address", &address])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(dir.path().join("dbus.log")).unwrap())
            .spawn()
            .expect("spawn dbus-daemon");
        let mut m = Mutter { socket: dir.path().join("wayland-0"), dir, bus, mutter: None };
        m.wait_for(&bus_path, "the session bus");
        let runtime = m.dir.path().to_owned();
        let mutter = Command::new("mutter")
            .args(["--wayland", "--headless", "--no-x11", "--virtual-monitor", "1280x720"])
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", &runtime)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(m.dir.path().join("mutter.log")).unwrap())
            .spawn()
            .expect("spawn mutter");
        m.mutter = Some(mutter);
        let socket = m.socket.clone();
        m.wait_for(&socket, "mutter's Wayland socket");
        m
    }

    fn wait_for(&self, path: &std::path::Path, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !path.exists() {
            let log = std::fs::read_to_string(self.dir.path().join("mutter.log")).unwrap_or_default();
            assert!(Instant::now() < deadline, "{what} did not appear; mutter's log:\n{log}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Mutter {
    fn drop(&mut self) {
        if let Some(mutter) = &mut self.mutter {
            stop(mutter);
        }
        stop(&mut self.bus);
    }
}

#[test]
fn a_compositor_without_the_protocols_needs_setup_and_the_probe_says_so() {
    let mutter = Mutter::start();
    let display = WaylandDisplay::at(&mutter.socket);
    let globals = probe_display(&display).expect("probe");
    assert_eq!(
        globals,
        WaylandGlobals { foreign_toplevel: false, ext_idle_notify: None, kde_kwin_idle: false, seat: true }
    );
    assert!(!globals.has_idle());

    match WlrootsFocus::connect_to(&display, CompositorIpc::none(), &SensorOptions::default()) {
        Err(SensorError::NeedsSetup { problem, fix }) => {
            assert!(problem.contains("which window is in front"), "{problem}");
            assert!(fix.contains("sway") && fix.contains("GNOME") && fix.contains("KDE"), "{fix}");
        }
        other => panic!("expected NeedsSetup, got {other:?}"),
    }
    match WaylandIdle::connect_to(&display, &SensorOptions::default()) {
        Err(SensorError::NeedsSetup { problem, fix }) => {
            assert!(problem.contains("idle time"), "{problem}");
            assert!(fix.contains("IdleMonitor"), "{fix}");
        }
        other => panic!("expected NeedsSetup, got {other:?}"),
    }
}
