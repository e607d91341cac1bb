//! Both flavours outside the Shell, above all the GNOME 45+ (ES module) one, which Debian
//! 12's GNOME Shell 43 cannot load: loaded by `gjs -m` through `harness.js` (stand-ins for
//! the Shell), each must speak the `app.mast.Shell1` contract on a private session bus, and
//! `disable()` must undo all of it.

use super::session::wait_for;
use crate::notify::Bus;
use mast::model::Window;
use mast::sensor::gnome::setup::{self, SetupOptions};
use mast::sensor::gnome::GnomeFocus;
use mast::sensor::{FocusSource, SensorError, SensorOptions, Waker};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const HARNESS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/gnome/harness.js");
const SOON: Duration = Duration::from_secs(10);

struct Harness {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Harness {
    /// Sends one op and returns how many signal handlers are still connected.
    fn op(&mut self, json: &str) -> u64 {
        writeln!(self.stdin, "{json}").unwrap();
        self.handlers()
    }

    fn handlers(&mut self) -> u64 {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("harness said {line:?}"));
        v["handlers"].as_u64().unwrap()
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_window(focus: &mut GnomeFocus, want: Option<(&str, &str, u32)>) -> Option<Window> {
    wait_for("the focus to follow", SOON, || {
        let now = focus.focused().unwrap();
        let seen = now.as_ref().map(|w| (w.app.as_str(), w.title.as_str(), w.pid.unwrap_or(0)));
        (seen == want).then_some(now.clone())
    })
}

#[test]
fn the_esm_flavour_speaks_the_contract_and_disable_undoes_it() {
    speaks_the_contract("47.1", "esm");
}

#[test]
fn the_legacy_flavour_speaks_the_contract_and_disable_undoes_it() {
    speaks_the_contract("44.3", "legacy");
}

fn speaks_the_contract(shell_version: &str, flavour: &str) {
    super::session::need("gjs");
    let bus = Bus::start();
    let dir = tempfile::tempdir().unwrap();
    let opts = SetupOptions { shell_version: Some(shell_version.into()), leave_disabled: true, bus: None };
    let report = setup::install(&dir.path().join("data"), &opts).unwrap();
    assert_eq!(serde_json::to_value(report.flavour).unwrap(), flavour);
    std::fs::create_dir_all(dir.path().join("scratch")).unwrap();
    let mut child = Command::new("gjs")
        .arg("-m")
        .arg(HARNESS)
        .arg(&report.path)
        .arg(dir.path().join("scratch"))
        .arg(flavour)
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gjs (run scripts/deps.sh)");
    let (stdin, stdout) = (child.stdin.take().unwrap(), BufReader::new(child.stdout.take().unwrap()));
    let mut gjs = Harness { child, stdin, stdout };
    // enable(): one handler, on the display (nothing is focused yet).
    assert_eq!(gjs.handlers(), 1);

    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&wakes);
    let sensor =
        SensorOptions { afk_threshold_ms: 0, waker: Waker::new(move || _ = counter.fetch_add(1, Ordering::SeqCst)) };
    let mut focus =
        wait_for("the extension's name on the bus", SOON, || GnomeFocus::connect_at(Some(&bus.address), &sensor).ok());
    assert_eq!(focus.focused().unwrap(), None);
    assert_eq!(focus.detail(), "GNOME Shell", "no org.gnome.Shell here, so no version");

    // A window without a desktop file: the tracker's "window:N" id is passed over for the
    // window's own app id.
    assert_eq!(gjs.op(r#"{"op":"focus","wmClass":"foot","desktopId":null,"title":"One","pid":4242}"#), 2);
    wait_window(&mut focus, Some(("foot", "One", 4242)));
    assert!(wakes.load(Ordering::SeqCst) >= 1, "the waker is called on a change");
    // A window with one: its id, without ".desktop".
    gjs.op(r#"{"op":"focus","wmClass":"gnome-terminal-server","desktopId":"org.gnome.Terminal.desktop","title":"Two","pid":7}"#);
    wait_window(&mut focus, Some(("org.gnome.Terminal", "Two", 7)));
    // The title of the focused window is followed, and only that window's handler is kept.
    assert_eq!(gjs.op(r#"{"op":"title","title":"Two, renamed"}"#), 2);
    wait_window(&mut focus, Some(("org.gnome.Terminal", "Two, renamed", 7)));
    assert_eq!(gjs.op(r#"{"op":"none"}"#), 1);
    wait_window(&mut focus, None);

    // The Version property is the extension's release.
    let version: u32 = zbus::block_on(async {
        let conn = zbus::connection::Builder::address(bus.address.as_str()).build().await.unwrap();
        let reply = conn
            .call_method(
                Some("app.mast.Shell"),
                "/app/mast/Shell",
                Some("org.freedesktop.DBus.Properties"),
                "Get",
                &("app.mast.Shell1", "Version"),
            )
            .await
            .unwrap();
        let v: zbus::OwnedVariant = reply.body().deserialize().unwrap();
        u32::try_from(v).unwrap()
    });
    assert_eq!(version, mast::sensor::gnome::extension::version());

    // disable(): no handler left, the name released (the source says it lost the extension),
    // the object unexported.
    gjs.op(r#"{"op":"focus","wmClass":"foot","desktopId":null,"title":"Three","pid":9}"#);
    let owner = super::owner_of(&bus.address, "app.mast.Shell").expect("the name has an owner");
    assert!(super::call_focused(&bus.address, &owner).is_ok());
    assert_eq!(gjs.op(r#"{"op":"disable"}"#), 0);
    assert!(super::call_focused(&bus.address, &owner).is_err(), "the object is still exported");
    wait_for("the source to notice", SOON, || matches!(focus.focused(), Err(SensorError::Lost(_))).then_some(()));
    match GnomeFocus::connect_at(Some(&bus.address), &SensorOptions::default()) {
        Err(SensorError::Unavailable(m)) => assert!(m.contains("GNOME Shell is not running"), "{m}"),
        Err(e) => panic!("expected Unavailable without a Shell, got {e}"),
        Ok(_) => panic!("connected to a disabled extension"),
    }
    // enable() after disable() starts afresh, on the window focused now.
    assert_eq!(gjs.op(r#"{"op":"enable"}"#), 2);
    let mut focus = wait_for("the name again", SOON, || GnomeFocus::connect_at(Some(&bus.address), &sensor).ok());
    wait_window(&mut focus, Some(("foot", "Three", 9)));
}
