//! GNOME on real parts: a headless GNOME Shell 43 with Mast's extension installed by
//! `mast setup gnome` (`session`), windows opened with foot, and the sources of
//! `mast::sensor::gnome` watching it; the GNOME 45+ flavour under gjs (`harness`).

mod harness;
mod session;

use mast::model::Window;
use mast::sensor::gnome::probe::{self, ExtensionState};
use mast::sensor::gnome::{GnomeFocus, MutterIdle, UUID};
use mast::sensor::{FocusSource, IdleKind, IdleSource, SensorError, SensorKind, SensorOptions, Waker};
use session::{wait_for, Mast, Shell};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use zbus::OwnedObjectPath;

const SOON: Duration = Duration::from_secs(15);

fn counting_waker() -> (SensorOptions, Arc<AtomicUsize>) {
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&wakes);
    let waker = Waker::new(move || _ = counter.fetch_add(1, Ordering::SeqCst));
    (SensorOptions { afk_threshold_ms: 180_000, waker }, wakes)
}

/// Waits until the focused window is `app` with `title` (or nothing, for `None`).
fn wait_focus(focus: &mut GnomeFocus, want: Option<(&str, &str)>) -> Option<Window> {
    wait_for(&format!("the focus on {want:?}"), SOON, || {
        let now = focus.focused().expect("the source works");
        let seen = now.as_ref().map(|w| (w.app.as_str(), w.title.as_str()));
        (seen == want).then_some(now.clone())
    })
}

fn connection(bus: &str) -> zbus::Connection {
    zbus::block_on(zbus::connection::Builder::address(bus).build()).expect("the test bus")
}

pub fn owner_of(bus: &str, name: &str) -> Option<String> {
    zbus::block_on(async {
        let conn = zbus::connection::Builder::address(bus).build().await.ok()?;
        let dbus = zbus::fdo::DBusProxy::new(&conn).await.ok()?;
        let owner = dbus.get_name_owner(zbus::names::BusName::try_from(name).ok()?).await.ok()?;
        Some(owner.to_string())
    })
}

/// Calls `Focused()` on a unique name: whether the object is exported there.
pub fn call_focused(bus: &str, unique: &str) -> zbus::Result<(String, String, u32)> {
    zbus::block_on(async {
        let conn = zbus::connection::Builder::address(bus).build().await?;
        let reply = conn.call_method(Some(unique), "/app/mast/Shell", Some("app.mast.Shell1"), "Focused", &()).await?;
        reply.body().deserialize()
    })
}

#[test]
fn gnome_focus_follows_windows_titles_and_the_extension() {
    let shell = Shell::start(Mast::Installed);
    let (opts, wakes) = counting_waker();
    let mut focus = GnomeFocus::connect_at(Some(&shell.bus), &opts).unwrap();
    assert_eq!(focus.kind(), SensorKind::Gnome);
    assert!(focus.detail().starts_with("GNOME Shell 4"), "{}", focus.detail());
    assert_eq!(focus.focused().unwrap(), None, "nothing is open");

    // A new window takes the focus.
    let alpha = shell.window("mast.test.alpha", "Alpha", "exec sleep 600");
    let w = wait_focus(&mut focus, Some(("mast.test.alpha", "Alpha"))).unwrap();
    assert_eq!(w.pid, Some(alpha.pid()), "the pid is foot's");
    assert!(wakes.load(Ordering::SeqCst) >= 1, "the waker is called on a change");

    // The focused window renames itself when the test says so (through a FIFO).
    let fifo = shell.runtime_dir().join("rename");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_bits_truncate(0o600),
        0,
    )
    .unwrap();
    let script = format!("cat '{}' >/dev/null; printf '\\033]2;Beta, renamed\\007'; exec sleep 600", fifo.display());
    let beta = shell.window("mast.test.beta", "Beta", &script);
    let w = wait_focus(&mut focus, Some(("mast.test.beta", "Beta"))).unwrap();
    assert_eq!(w.pid, Some(beta.pid()));
    let before = wakes.load(Ordering::SeqCst);
    std::fs::write(&fifo, "go\n").unwrap();
    wait_focus(&mut focus, Some(("mast.test.beta", "Beta, renamed")));
    assert!(wakes.load(Ordering::SeqCst) > before);

    // Focus moved to an older window, as a click on it would.
    shell.eval(
        "Main.activateWindow(global.get_window_actors().map(a => a.meta_window).find(w => w.get_title() === 'Alpha'))",
    );
    wait_focus(&mut focus, Some(("mast.test.alpha", "Alpha")));

    // Closing the focused window gives the focus back to the other; closing that, to none.
    drop(alpha);
    wait_focus(&mut focus, Some(("mast.test.beta", "Beta, renamed")));
    drop(beta);
    wait_focus(&mut focus, None);

    // Disabling the extension takes its name and its object off the bus: the source says it
    // lost it, and a new one says how to fix it.
    let owner = owner_of(&shell.bus, "app.mast.Shell").unwrap();
    shell.gnome_extensions(&["disable", UUID]);
    wait_for("the source to notice", SOON, || matches!(focus.focused(), Err(SensorError::Lost(_))).then_some(()));
    assert!(call_focused(&shell.bus, &owner).is_err(), "the object is still exported");
    match GnomeFocus::connect_at(Some(&shell.bus), &opts) {
        Err(SensorError::NeedsSetup { problem, fix }) => {
            assert_eq!(problem, "Mast's GNOME Shell extension is installed but not enabled");
            assert!(fix.contains("gnome-extensions enable mast@mast.app"), "{fix}");
        }
        Err(e) => panic!("expected NeedsSetup, got {e}"),
        Ok(_) => panic!("connected to a disabled extension"),
    }

    // Enabled again, it follows windows again.
    shell.gnome_extensions(&["enable", UUID]);
    let mut focus =
        wait_for("the extension to come back", SOON, || GnomeFocus::connect_at(Some(&shell.bus), &opts).ok());
    let _gamma = shell.window("mast.test.gamma", "Gamma", "exec sleep 600");
    wait_focus(&mut focus, Some(("mast.test.gamma", "Gamma")));

    // Nothing of the above made the extension throw (a stack through focus.js or a warning
    // naming it would show here).
    let log = shell.log();
    let ours: Vec<&str> = log.lines().filter(|l| l.contains("mast@mast.app") || l.contains("focus.js")).collect();
    assert!(ours.is_empty(), "GNOME Shell logged about Mast's extension:\n{}", ours.join("\n"));
}

#[test]
fn gnome_without_the_extension_needs_setup_and_mutter_counts_idle() {
    let shell = Shell::start(Mast::Missing);
    let found = probe::probe(Some(&shell.bus), Some(&shell.home().join(".local/share")));
    assert!(found.shell.as_deref().is_some_and(|v| v.starts_with('4')), "{found:?}");
    assert_eq!((found.ready, &found.extension, found.installed), (false, &ExtensionState::Unknown, false));
    match probe::explain(&found) {
        SensorError::NeedsSetup { problem, fix } => {
            assert_eq!(problem, "GNOME Shell is running without Mast's extension");
            assert!(fix.starts_with("run `mast setup gnome`"), "{fix}");
            assert!(fix.contains("log out and back in"), "{fix}");
        }
        e => panic!("expected NeedsSetup, got {e}"),
    }
    assert!(matches!(
        GnomeFocus::connect_at(Some(&shell.bus), &SensorOptions::default()),
        Err(SensorError::NeedsSetup { .. })
    ));

    // Asked at each poll (no AFK threshold), idle grows while nobody touches anything…
    let mut polled = MutterIdle::connect_at(Some(&shell.bus), &SensorOptions::default()).unwrap();
    assert_eq!(polled.kind(), IdleKind::MutterIdleMonitor);
    let a = polled.idle_ms().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let b = polled.idle_ms().unwrap();
    assert!(b >= a + 1400 && b < a + 4000, "idle went from {a} to {b} ms in 1.5 s");

    // With a threshold, Mutter's watches tell; the user has been idle for longer than it
    // already, and the moment input stopped is Mutter's.
    let (mut opts, wakes) = counting_waker();
    opts.afk_threshold_ms = 1000;
    let mut watched = MutterIdle::connect_at(Some(&shell.bus), &opts).unwrap();
    let (w, p) = (watched.idle_ms().unwrap(), polled.idle_ms().unwrap());
    assert!(w >= 1000 && w.abs_diff(p) < 200, "watched {w} ms, asked {p} ms");

    // …and starts over at a key press or a pointer motion sent through Mutter's
    // RemoteDesktop API (no ScreenCast session needed for either on Mutter 43).
    let conn = connection(&shell.bus);
    let session: OwnedObjectPath = zbus::block_on(async {
        let reply = conn
            .call_method(
                Some("org.gnome.Mutter.RemoteDesktop"),
                "/org/gnome/Mutter/RemoteDesktop",
                Some("org.gnome.Mutter.RemoteDesktop"),
                "CreateSession",
                &(),
            )
            .await
            .unwrap();
        reply.body().deserialize().unwrap()
    });
    let call = |method: &str, body: &dyn DynBody| body.call(&conn, session.as_str(), method);
    call("Start", &());
    let before_key = polled.idle_ms().unwrap();
    assert!(before_key >= 1400, "no input yet: {before_key} ms");
    call("NotifyKeyboardKeycode", &(30u32, true));
    call("NotifyKeyboardKeycode", &(30u32, false));
    wait_for("a key press to reset idle", SOON, || (polled.idle_ms().unwrap() < 1000).then_some(()));
    wait_for("the user-active watch", SOON, || (watched.idle_ms().unwrap() == 0).then_some(()));
    assert!(wakes.load(Ordering::SeqCst) >= 1, "coming back wakes the tracker");

    // A second later the idle watch fires, and the tracker is woken to cut back.
    let before = wakes.load(Ordering::SeqCst);
    let w = wait_for("the idle watch", SOON, || Some(watched.idle_ms().unwrap()).filter(|w| *w > 0));
    let p = polled.idle_ms().unwrap();
    assert!(w >= 1000 && w.abs_diff(p) < 200, "watched {w} ms, asked {p} ms");
    assert!(wakes.load(Ordering::SeqCst) > before);

    // Mutter applies remote input on its own loop: the reset shows within moments, not
    // necessarily at the very next call.
    call("NotifyPointerMotionRelative", &(5.0f64, 5.0f64));
    wait_for("a pointer motion to reset idle", SOON, || (polled.idle_ms().unwrap() < 1000).then_some(()));
    wait_for("the user-active watch again", SOON, || (watched.idle_ms().unwrap() == 0).then_some(()));
    call("Stop", &());
}

/// A D-Bus call body of any of the shapes the idle test sends.
trait DynBody {
    fn call(&self, conn: &zbus::Connection, path: &str, method: &str);
}

impl<T: serde::Serialize + zbus::zvariant::DynamicType + Sync> DynBody for T {
    fn call(&self, conn: &zbus::Connection, path: &str, method: &str) {
        zbus::block_on(conn.call_method(
            Some("org.gnome.Mutter.RemoteDesktop"),
            path,
            Some("org.gnome.Mutter.RemoteDesktop.Session"),
            method,
            self,
        ))
        .unwrap_or_else(|e| panic!("RemoteDesktop {method}: {e}"));
    }
}

/// The steady-state cost of the GNOME sources, built as they ship (release): the
/// `gnome_cost` example polls focus and idle once a second, as the tracker does, for 60 s on
/// an idle headless Shell and reports its own RSS and CPU time. Ignored by default (it
/// builds in release and takes a minute):
/// `cargo test --test integration gnome_sources_cost -- --ignored --nocapture`.
#[test]
#[ignore]
fn gnome_sources_cost_when_idle() {
    let shell = Shell::start(Mast::Installed);
    let _window = shell.window("mast.test.cost", "Cost", "exec sleep 600");
    let mut focus = GnomeFocus::connect_at(Some(&shell.bus), &SensorOptions::default()).unwrap();
    wait_focus(&mut focus, Some(("mast.test.cost", "Cost")));
    drop(focus);
    let seconds = std::env::var("MAST_COST_SECONDS").unwrap_or_else(|_| "60".to_owned());
    let halves = std::env::var("MAST_COST_HALVES").unwrap_or_else(|_| "both".to_owned());
    let out = std::process::Command::new(env!("CARGO"))
        .args(["run", "-q", "--release", "--example", "gnome_cost", "--"])
        .args([shell.bus.as_str(), &seconds, &halves])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "gnome_cost: {}{}", text, String::from_utf8_lossy(&out.stderr));
    eprintln!("GNOME focus + Mutter idle, release: {}", text.trim());
    // "… polls in 60.0 s: RSS 5123 KiB, CPU 10 ms = 0.017 % of one core"
    let number_after = |word: &str| -> f64 {
        let rest = &text[text.find(word).unwrap() + word.len()..];
        rest.split_whitespace().next().unwrap().parse().unwrap()
    };
    let (rss_kib, share) = (number_after("RSS "), number_after("= "));
    assert!(rss_kib <= 10.0 * 1024.0, "RSS {rss_kib} KiB");
    assert!(share <= 0.05, "CPU {share} % of one core");
}

/// `mast setup gnome` without a GNOME session to enable it in: the files go in, the report
/// says enabling did not take and why, and a second run updates the same folder.
#[test]
fn setup_without_a_session_installs_and_says_enabling_did_not_take() {
    session::need("gnome-shell");
    let home = tempfile::tempdir().unwrap();
    let run = || {
        let out = std::process::Command::new(crate::util::MAST)
            .args(["setup", "gnome"])
            .env("HOME", home.path())
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_CONFIG_HOME")
            .env("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", home.path().join("no-bus").display()))
            // gsettings then writes to memory and forgets: Mast must notice.
            .env("GSETTINGS_BACKEND", "memory")
            .env("MAST_DATA_DIR", home.path().join("mast-data"))
            .env("MAST_CONFIG_DIR", home.path().join("mast-config"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let first = run();
    let dir = home.path().join(".local/share/gnome-shell/extensions/mast@mast.app");
    assert!(first.starts_with("Installed Mast's GNOME Shell extension (mast@mast.app, for GNOME Shell 4"), "{first}");
    assert!(first.contains(&dir.display().to_string()), "{first}");
    assert!(first.contains("Could not enable it: GNOME's settings did not keep the change"), "{first}");
    assert!(first.contains("run `gnome-extensions enable mast@mast.app`"), "{first}");
    assert!(first.contains("Log out and back in"), "{first}");
    assert!(dir.join("metadata.json").is_file());
    let second = run();
    assert!(second.starts_with("Updated Mast's GNOME Shell extension"), "{second}");
}

/// `mast setup gnome` with GNOME's settings in a keyfile and no Shell running: enabling goes
/// into `enabled-extensions`; with user extensions switched off, it says so and leaves the
/// switch alone.
#[test]
fn setup_enables_in_gnome_settings_and_leaves_the_extensions_switch_to_the_user() {
    session::need("gsettings");
    let home = tempfile::tempdir().unwrap();
    let command = |program: &str| {
        let mut c = std::process::Command::new(program);
        c.env("HOME", home.path())
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_CONFIG_HOME")
            .env("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", home.path().join("no-bus").display()))
            .env("GSETTINGS_BACKEND", "keyfile")
            .env("MAST_DATA_DIR", home.path().join("mast-data"))
            .env("MAST_CONFIG_DIR", home.path().join("mast-config"));
        c
    };
    let gsettings = |args: &[&str]| {
        let out = command("gsettings").args(args).output().unwrap();
        assert!(out.status.success(), "gsettings {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let setup = || {
        let out = command(crate::util::MAST).args(["setup", "gnome", "--json"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    gsettings(&["set", "org.gnome.shell", "enabled-extensions", "['other@example.org']"]);
    let report = setup();
    assert_eq!(report["enabled"], true, "{report}");
    let list = gsettings(&["get", "org.gnome.shell", "enabled-extensions"]);
    assert!(list.contains("'other@example.org'") && list.contains("'mast@mast.app'"), "{list}");

    gsettings(&["set", "org.gnome.shell", "disable-user-extensions", "true"]);
    let report = setup();
    assert_eq!(report["enabled"], false, "{report}");
    let problem = report["enableProblem"].as_str().unwrap();
    assert!(problem.contains("user extensions turned off"), "{problem}");
    assert_eq!(gsettings(&["get", "org.gnome.shell", "disable-user-extensions"]).trim(), "true");
}

/// Runs the real `mast track` as a GNOME session's would: the Shell's bus and Wayland display,
/// `XDG_CURRENT_DESKTOP=GNOME`. Stopped (SIGTERM) and reaped on drop.
struct Track(std::process::Child, std::path::PathBuf);

impl Track {
    fn start(shell: &Shell, s: &crate::util::Sandbox) -> Track {
        let log = s.dir.path().join("track.log");
        let child = s
            .command()
            .arg("track")
            .env("DBUS_SESSION_BUS_ADDRESS", &shell.bus)
            .env("WAYLAND_DISPLAY", session::WAYLAND)
            .env("XDG_RUNTIME_DIR", shell.runtime_dir())
            .env("XDG_SESSION_TYPE", "wayland")
            .env("XDG_CURRENT_DESKTOP", "ubuntu:GNOME")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Track(child, log)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.1).unwrap_or_default()
    }

    /// `mast status --json` once the tracker has said which sensor it runs.
    fn status(&self, s: &crate::util::Sandbox) -> serde_json::Value {
        wait_for("the tracker's sensor in mast status", SOON, || {
            let st = s.json(&["status", "--json"]);
            (!st["sensor"].is_null()).then_some(st)
        })
    }
}

impl Drop for Track {
    fn drop(&mut self) {
        crate::x11::desktop::stop(&mut self.0);
    }
}

/// On GNOME the documented order picks Mast's extension, idle comes from Mutter's
/// IdleMonitor (Mutter 43 offers no Wayland idle protocol), and the window in front is
/// recorded with its process.
#[test]
fn mast_track_on_gnome_uses_the_extension_and_mutters_idle_monitor() {
    let shell = Shell::start(Mast::Installed);
    let foot = shell.window("mast.test.gnome", "Notes", "exec sleep 600");
    let s = crate::util::Sandbox::new();
    s.write_config("config.toml", "title_policy = \"all\"\nnotifications = false\n");
    let t = Track::start(&shell, &s);
    let st = t.status(&s);
    assert_eq!(st["recording"], true, "{st}\n{}", t.log());
    assert_eq!(st["sensor"]["sensor"]["kind"], "gnome", "{st}");
    assert_eq!(st["sensor"]["sensor"]["idle"], "mutter-idle-monitor", "{st}");
    assert!(
        st["sensor"]["summary"].as_str().unwrap().starts_with("GNOME (Mast's Shell extension) on GNOME Shell 43"),
        "{st}"
    );
    let current = wait_for("the foot window recorded", SOON, || {
        let c = s.json(&["status", "--json"])["current"].clone();
        (c["app"] == "mast.test.gnome" && c["endMs"].as_i64()? - c["startMs"].as_i64()? >= 2000).then_some(c)
    });
    assert_eq!(current["title"], "Notes", "{current}");
    assert_eq!(current["exe"], "foot", "{current}");
    drop(foot);
}

/// GNOME without the extension: the tracker runs but records nothing, and every surface
/// says what to do — never X11's partial view, although XWayland may be there.
#[test]
fn mast_track_on_gnome_without_the_extension_says_to_set_it_up() {
    let shell = Shell::start(Mast::Missing);
    let s = crate::util::Sandbox::new();
    let t = Track::start(&shell, &s);
    let st = t.status(&s);
    assert_eq!(st["recording"], false, "{st}");
    assert_eq!(st["sensor"]["problem"]["problem"], "GNOME Shell is running without Mast's extension", "{st}");
    let fix = st["sensor"]["problem"]["fix"].as_str().unwrap();
    assert!(fix.contains("mast setup gnome") && fix.contains("next login"), "{fix}");
    let text = s.ok(&["status"]);
    assert!(text.contains("recording nothing") && text.contains("to fix: run `mast setup gnome`"), "{text}");
    assert!(t.log().contains("without Mast's extension"), "{}", t.log());
}
