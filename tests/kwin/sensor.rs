//! `KwinFocus` against a real headless KWin: windows opened, focused, retitled and closed,
//! and the script gone from KWin once the source is dropped.

use super::desktop::{eventually, KwinDesktop};
use super::window::{self, TestWindow};
use mast::model::Window;
use mast::sensor::kwin::{self, KwinFocus};
use mast::sensor::{FocusSource, SensorError, SensorKind, SensorOptions, Waker};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn options() -> (SensorOptions, Arc<AtomicUsize>) {
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = wakes.clone();
    let waker = Waker::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    (SensorOptions { afk_threshold_ms: 60_000, waker }, wakes)
}

fn focused(source: &mut KwinFocus) -> Option<Window> {
    source.focused().expect("the KWin source keeps working")
}

/// Waits until the source reports the window with this app id and title.
fn wait_for(source: &mut KwinFocus, app: &str, title: &str) -> Window {
    eventually(&format!("{app} / {title} in front"), || focused(source).filter(|w| w.app == app && w.title == title))
}

fn this_exe() -> String {
    std::env::current_exe().unwrap().file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn follows_the_active_window_of_a_real_kwin() {
    let mut desktop = KwinDesktop::start();
    let address = desktop.bus.address.clone();
    kwin::probe_bus(Some(&address)).expect("probe finds KWin");

    let (opts, wakes) = options();
    let mut source = KwinFocus::connect_to(&opts, Some(&address)).expect("connect to KWin");
    assert_eq!(source.kind(), SensorKind::Kwin);
    let detail = source.detail();
    assert!(detail.starts_with("KWin 5.") || detail.starts_with("KWin 6."), "{detail}");
    assert!(desktop.is_script_loaded(kwin::PLUGIN_NAME));
    assert_eq!(focused(&mut source), None, "an empty desktop has nothing in front");

    let alpha = TestWindow::open(&desktop, "mast.test.alpha", "Alpha one");
    let w = wait_for(&mut source, "mast.test.alpha", "Alpha one");
    assert_eq!(w.pid, Some(alpha.pid));
    assert_eq!(w.exe, Some(this_exe()));
    assert_eq!(w.url, None);
    let woken = wakes.load(Ordering::SeqCst);
    assert!(woken >= 1, "the waker was called for the report");

    let beta = TestWindow::open(&desktop, "org.example.Beta", "Beta — a page");
    let w = wait_for(&mut source, "org.example.Beta", "Beta — a page");
    assert_eq!(w.pid, Some(beta.pid));
    assert!(wakes.load(Ordering::SeqCst) > woken);

    // Focus moved by KWin itself, not by a new window.
    desktop.activate("Alpha one");
    let w = wait_for(&mut source, "mast.test.alpha", "Alpha one");
    assert_eq!(w.pid, Some(alpha.pid));

    // The active window's title changes; the other's does not count.
    let mut alpha = alpha;
    alpha.set_title("Alpha two");
    wait_for(&mut source, "mast.test.alpha", "Alpha two");
    let mut beta = beta;
    beta.set_title("Beta — hidden change");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(focused(&mut source).map(|w| w.title), Some("Alpha two".into()));

    // The active window closes: it is never reported again; KWin hands the focus to what is
    // left (Beta), or to nothing.
    alpha.close();
    let after = eventually("the closed window leaves the front", || {
        let now = focused(&mut source);
        (now.as_ref().map(|w| w.app.as_str()) != Some("mast.test.alpha")).then_some(now)
    });
    if let Some(w) = after {
        assert_eq!(
            (w.app.as_str(), w.title.as_str(), w.pid),
            ("org.example.Beta", "Beta — hidden change", Some(beta.pid))
        );
    }

    // KWin on Debian 12 offers both idle protocols to any client (for the idle source).
    let globals = window::globals(&desktop);
    assert!(globals.iter().any(|g| g == "ext_idle_notifier_v1"), "{globals:?}");
    assert!(globals.iter().any(|g| g == "org_kde_kwin_idle"), "{globals:?}");
    // The window list is not offered to ordinary clients: why Mast needs its script.
    assert!(!globals.iter().any(|g| g == "org_kde_plasma_window_management"), "{globals:?}");

    drop(source);
    assert!(!desktop.is_script_loaded(kwin::PLUGIN_NAME), "the script is unloaded when the source is dropped");
    drop(beta);
}

#[test]
fn one_mast_per_session_leftovers_cleaned_and_kwin_loss_reported() {
    let mut desktop = KwinDesktop::start();
    let address = desktop.bus.address.clone();
    let (opts, _) = options();

    // A Mast that crashed left its script in KWin: the next one replaces it.
    desktop.run_script(kwin::PLUGIN_NAME, "// left behind\n");
    assert!(desktop.is_script_loaded(kwin::PLUGIN_NAME));
    let mut first = KwinFocus::connect_to(&opts, Some(&address)).expect("connect despite the leftover");
    let _w = TestWindow::open(&desktop, "mast.test.one", "One");
    wait_for(&mut first, "mast.test.one", "One");

    // A second Mast on the same session is told plainly, and leaves the first one working.
    match KwinFocus::connect_to(&opts, Some(&address)) {
        Err(SensorError::NeedsSetup { problem, fix }) => {
            assert!(problem.contains("another Mast") && problem.contains(kwin::BUS_NAME), "{problem}");
            assert!(fix.contains("quit"), "{fix}");
        }
        other => panic!("a second Mast connected: {other:?}"),
    }
    assert!(desktop.is_script_loaded(kwin::PLUGIN_NAME));
    assert_eq!(focused(&mut first).map(|w| w.app), Some("mast.test.one".into()));

    // Once the first is gone, the name is free again.
    drop(first);
    assert!(!desktop.is_script_loaded(kwin::PLUGIN_NAME));
    let mut second = KwinFocus::connect_to(&opts, Some(&address)).expect("connect after the first quit");
    wait_for(&mut second, "mast.test.one", "One");

    // KWin dies: the source says so instead of repeating the last window forever.
    desktop.kill_kwin();
    let why = eventually("the loss of KWin is reported", || match second.focused() {
        Err(SensorError::Lost(why)) => Some(why),
        _ => None,
    });
    assert!(why.contains("KWin"), "{why}");
    match KwinFocus::connect_to(&opts, Some(&address)) {
        Err(SensorError::Unavailable(why)) => assert!(why.contains("KWin is not running"), "{why}"),
        other => panic!("{other:?}"),
    }
    // KWin comes back. A lost source gives up the name at once, so a reconnect made while
    // it still exists works.
    desktop.restart_kwin();
    let mut third = KwinFocus::connect_to(&opts, Some(&address)).expect("reconnect to the new KWin");
    assert!(desktop.is_script_loaded(kwin::PLUGIN_NAME));
    let _w2 = TestWindow::open(&desktop, "mast.test.two", "Two");
    wait_for(&mut third, "mast.test.two", "Two");
    // Dropping the lost one must not hang, nor touch the new KWin's copy of the script.
    drop(second);
    assert!(desktop.is_script_loaded(kwin::PLUGIN_NAME));
    drop(third);
    assert!(!desktop.is_script_loaded(kwin::PLUGIN_NAME));
}

#[test]
fn a_session_without_kwin_is_refused_in_plain_words() {
    let bus = crate::notify::Bus::start();
    let (opts, _) = options();
    for err in [
        kwin::probe_bus(Some(&bus.address)).unwrap_err(),
        KwinFocus::connect_to(&opts, Some(&bus.address)).unwrap_err(),
    ] {
        match err {
            SensorError::Unavailable(why) => assert!(why.contains("KWin is not running on this session bus"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
    // No bus at all.
    let dir = tempfile::tempdir().unwrap();
    let nowhere = format!("unix:path={}", dir.path().join("no-bus").display());
    match KwinFocus::connect_to(&opts, Some(&nowhere)) {
        Err(SensorError::Unavailable(why)) => assert!(why.contains("D-Bus"), "{why}"),
        other => panic!("{other:?}"),
    }
}
