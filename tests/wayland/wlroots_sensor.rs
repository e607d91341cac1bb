//! `WlrootsFocus` against a real sway: it follows focus switches, title changes and
//! closed windows as sway's own tree reports them, names the executable from sway's IPC,
//! and says when the compositor is gone.

use super::sway::SwayDesktop;
use mast::model::Window;
use mast::sensor::wlroots::{probe_display, CompositorIpc, WaylandDisplay, WlrootsFocus};
use mast::sensor::{FocusSource, SensorError, SensorKind, SensorOptions, Waker};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The source learns of a change by an event; it should have it within this.
const PROMPTLY: Duration = Duration::from_secs(2);

fn connect(sway: &SwayDesktop) -> (WlrootsFocus, Arc<AtomicUsize>) {
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = wakes.clone();
    let opts = SensorOptions {
        afk_threshold_ms: 180_000,
        waker: Waker::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        }),
    };
    let display = WaylandDisplay::at(sway.wayland_socket());
    let focus = WlrootsFocus::connect_to(&display, CompositorIpc::sway(sway.swaysock()), &opts)
        .unwrap_or_else(|e| panic!("cannot watch sway: {e}\n{}", sway.log("sway")));
    (focus, wakes)
}

/// Polls until `want` holds for what the source reports, returning that; panics with what
/// it reported last when it does not come.
fn until(focus: &mut WlrootsFocus, what: &str, want: impl Fn(&Option<Window>) -> bool) -> Option<Window> {
    let deadline = Instant::now() + PROMPTLY;
    loop {
        let seen = focus.focused().expect("the source works");
        if want(&seen) {
            return seen;
        }
        assert!(Instant::now() < deadline, "waited in vain for {what}; the source says {seen:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn is(app: &'static str, title: &'static str) -> impl Fn(&Option<Window>) -> bool {
    move |w| w.as_ref().is_some_and(|w| w.app == app && w.title == title)
}

#[test]
fn follows_focus_title_changes_and_closed_windows_with_pids_from_sway() {
    let mut sway = SwayDesktop::start();
    let a = sway.open_foot("MastTestA", "Title A");
    let b = sway.open_foot("MastTestB", "Title B");
    let (mut focus, wakes) = connect(&sway);
    assert_eq!(focus.kind(), SensorKind::Wlroots);
    assert_eq!(focus.detail(), "sway 1.7");

    // Connected: the window in front is known from the first poll.
    let first = focus.focused().unwrap().expect("a focused window at once");
    assert_eq!(
        first,
        Window { app: "MastTestB".into(), exe: Some("foot".into()), title: "Title B".into(), url: None, pid: Some(b) }
    );

    let before = wakes.load(Ordering::SeqCst);
    sway.focus("MastTestA");
    let seen = until(&mut focus, "A in front", is("MastTestA", "Title A")).unwrap();
    assert_eq!((seen.pid, seen.exe.as_deref()), (Some(a), Some("foot")));
    assert!(wakes.load(Ordering::SeqCst) > before, "a focus change wakes the tracker");

    // A title set while in front shows; one set in the background does not disturb it, and
    // shows once that window is in front (its description was dropped meanwhile).
    sway.set_title("MastTestA", "Inbox (3)");
    until(&mut focus, "A's new title", is("MastTestA", "Inbox (3)"));
    sway.set_title("MastTestB", "Renamed behind");
    std::thread::sleep(Duration::from_millis(200));
    assert!(is("MastTestA", "Inbox (3)")(&focus.focused().unwrap()));
    sway.focus("MastTestB");
    let seen = until(&mut focus, "B with the title it got in the background", is("MastTestB", "Renamed behind"));
    assert_eq!(seen.unwrap().pid, Some(b));

    // A third window takes the focus as it opens; closing it gives it back.
    let c = sway.open_foot("MastTestC", "Title C");
    let seen = until(&mut focus, "the new window", is("MastTestC", "Title C"));
    assert_eq!(seen.unwrap().pid, Some(c));
    sway.close("MastTestC");
    let truth = sway.focused().expect("sway focuses another window");
    let seen = until(&mut focus, "the window sway focused after the close", |w| {
        w.as_ref().is_some_and(|w| w.app == truth.app_id && w.title == truth.title)
    });
    assert_eq!(seen.unwrap().pid, Some(truth.pid));

    // The last windows closed: nothing in front.
    sway.close("MastTestA");
    sway.close("MastTestB");
    until(&mut focus, "no window", Option::is_none);
}

#[test]
fn a_compositor_that_dies_is_reported_lost() {
    let mut sway = SwayDesktop::start();
    sway.open_foot("MastTestA", "Title A");
    let (mut focus, _) = connect(&sway);
    assert!(focus.focused().unwrap().is_some());
    sway.kill_sway();
    let deadline = Instant::now() + PROMPTLY;
    loop {
        match focus.focused() {
            Err(SensorError::Lost(why)) => {
                assert!(why.contains("Wayland compositor"), "{why}");
                break;
            }
            other => assert!(Instant::now() < deadline, "still {other:?} after sway died"),
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn without_a_compositor_the_source_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let display = WaylandDisplay::at(dir.path().join("wayland-7"));
    match WlrootsFocus::connect_to(&display, CompositorIpc::none(), &SensorOptions::default()) {
        Err(SensorError::Unavailable(why)) => assert!(why.contains("wayland-7"), "{why}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[test]
fn the_probe_tells_what_sway_1_7_offers() {
    let sway = SwayDesktop::start();
    let globals = probe_display(&WaylandDisplay::at(sway.wayland_socket())).expect("probe");
    assert!(globals.foreign_toplevel, "{globals:?}");
    assert!(globals.seat && globals.kde_kwin_idle && globals.has_idle(), "{globals:?}");
    // sway 1.7 predates ext-idle-notify-v1 (wlroots 0.17); a newer sway would offer it.
    let version = sway.swaymsg(&["-t", "get_version"]);
    if version.contains("\"human_readable\": \"1.7") {
        assert_eq!(globals.ext_idle_notify, None, "{globals:?}");
    }
}

/// Focus switched faster than a refresh of the toplevel list takes (each switch to a window
/// whose description was dropped binds the manager afresh): the source settles on the
/// window sway has in front, with its title and pid, not on one it passed through.
#[test]
fn rapid_switches_settle_on_the_window_in_front() {
    let mut sway = SwayDesktop::start();
    let apps = ["MastTestA", "MastTestB", "MastTestC"];
    for app in apps {
        sway.open_foot(app, &format!("Title of {app}"));
    }
    let (mut focus, _) = connect(&sway);
    // One swaymsg with many commands: sway runs them back to back, with no round trip between.
    let commands: Vec<String> = (0..31).map(|i| format!("[app_id=\"^{}$\"] focus", apps[i % 3])).collect();
    sway.swaymsg(&[&commands.join("; ")]);
    let truth = sway.focused().expect("a window in front");
    // The last command moves the focus away from the window that had it at the start.
    assert_eq!(truth.app_id, apps[30 % 3]);
    let seen = until(&mut focus, "the window sway has in front", |w| {
        w.as_ref().is_some_and(|w| w.app == truth.app_id && w.title == truth.title)
    });
    assert_eq!(seen.unwrap().pid, Some(truth.pid));
    // And it stays there: no late event from a binding it replaced moves it.
    std::thread::sleep(Duration::from_millis(300));
    let still = focus.focused().unwrap().unwrap();
    assert_eq!((still.app.as_str(), still.pid), (truth.app_id.as_str(), Some(truth.pid)));
}
