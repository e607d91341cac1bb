//! The real `mast track` on a real headless KWin: on a Wayland session of KDE the documented
//! order picks Mast's KWin script with the compositor's idle protocol, every surface names
//! it, the window in front is recorded, and the script is gone from KWin once Mast stops.

use super::desktop::{eventually, KwinDesktop};
use super::window::TestWindow;
use crate::util::Sandbox;
use std::process::Stdio;

#[test]
fn mast_track_on_kde_chooses_the_kwin_script_and_records_the_window_in_front() {
    let desktop = KwinDesktop::start();
    let alpha = TestWindow::open(&desktop, "mast.test.alpha", "Alpha one");
    let s = Sandbox::new();
    s.write_config("config.toml", "title_policy = \"all\"\nnotifications = false\n");
    let log = s.dir.path().join("track.log");
    let mut child = s
        .command()
        .arg("track")
        .env("DBUS_SESSION_BUS_ADDRESS", &desktop.bus.address)
        .env("WAYLAND_DISPLAY", desktop.wayland_display())
        .env("XDG_RUNTIME_DIR", desktop.runtime_dir())
        .env("XDG_SESSION_TYPE", "wayland")
        .env("XDG_CURRENT_DESKTOP", "KDE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let track_log = || std::fs::read_to_string(&log).unwrap_or_default();

    let status = eventually("the tracker's sensor in mast status", || {
        let st = s.json(&["status", "--json"]);
        (!st["sensor"].is_null()).then_some(st)
    });
    assert_eq!(status["recording"], true, "{status}\n{}", track_log());
    assert_eq!(status["sensor"]["sensor"]["kind"], "kwin", "{status}");
    assert_eq!(status["sensor"]["sensor"]["idle"], "ext-idle-notify", "KWin 5.27 offers ext-idle-notify-v1: {status}");
    assert_eq!(status["sensor"]["reason"], "a Wayland session of KDE Plasma", "{status}");
    assert!(desktop.is_script_loaded(mast::sensor::kwin::PLUGIN_NAME));
    let current = eventually("the window in front recorded", || {
        let st = s.json(&["status", "--json"]);
        let c = st["current"].clone();
        (c["app"] == "mast.test.alpha" && c["endMs"].as_i64()? - c["startMs"].as_i64()? >= 2000).then_some(c)
    });
    assert_eq!(current["title"], "Alpha one", "{current}");
    assert_eq!(current["exe"], alpha_exe(), "{current}");
    let text = s.ok(&["status"]);
    assert!(text.contains("sensor:   KDE Plasma (Mast's KWin script) on KWin 5.27"), "{text}");

    crate::x11::desktop::stop(&mut child);
    assert!(track_log().contains("watching the desktop with KDE Plasma (Mast's KWin script)"), "{}", track_log());
    assert!(!desktop.is_script_loaded(mast::sensor::kwin::PLUGIN_NAME), "the script is unloaded when Mast stops");
    drop(alpha);
}

/// The test windows are this test binary, run again.
fn alpha_exe() -> String {
    std::env::current_exe().unwrap().file_name().unwrap().to_string_lossy().into_owned()
}
