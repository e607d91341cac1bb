//! `X11Sensor` against a real X server.

use super::desktop::Desktop;
use mast::model::Window;
use mast::sensor::x11::{X11Sensor, MAX_TITLE_CHARS};
use mast::sensor::{Sensor, SensorError};
use std::time::{Duration, Instant};
use x11rb::protocol::xproto::AtomEnum;

fn connect(d: &Desktop) -> X11Sensor {
    X11Sensor::connect(Some(&d.display)).expect("connect to the test display")
}

fn front(s: &mut X11Sensor) -> Window {
    s.observe().expect("observe").window.expect("a window in front")
}

/// Polls until the sensor sees `want` (the window manager reacts asynchronously).
fn eventually(s: &mut X11Sensor, what: &str, want: impl Fn(&Option<Window>) -> bool) -> Option<Window> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let seen = s.observe().expect("observe").window;
        if want(&seen) {
            return seen;
        }
        assert!(Instant::now() < deadline, "never saw {what}; last saw {seen:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn reads_class_title_pid_and_exe_of_the_active_window() {
    let mut d = Desktop::with_wm();
    let a = d.xterm("MastTestA", "Title A");
    d.activate(a.window);
    let mut s = connect(&d);
    let w = front(&mut s);
    assert_eq!(w.app, "MastTestA");
    assert_eq!(w.title, "Title A");
    assert_eq!(w.pid, Some(a.pid));
    assert_eq!(w.exe.as_deref(), Some("xterm"));
    assert_eq!(w.url, None);
    // Steady state: the same answer from the speculative requests.
    assert_eq!(front(&mut s), w);
}

#[test]
fn follows_focus_and_title_changes() {
    let mut d = Desktop::with_wm();
    let a = d.xterm("MastTestA", "Title A");
    let b = d.xterm("MastTestB", "Title B");
    let mut s = connect(&d);

    d.activate(a.window);
    assert_eq!(front(&mut s).app, "MastTestA");
    d.activate(b.window);
    let w = front(&mut s);
    assert_eq!((w.app.as_str(), w.title.as_str(), w.pid), ("MastTestB", "Title B", Some(b.pid)));

    d.set_title(b.window, "Renamed — ünïcode");
    assert_eq!(front(&mut s).title, "Renamed — ünïcode");

    d.activate(a.window);
    let w = front(&mut s);
    assert_eq!((w.app.as_str(), w.title.as_str(), w.pid), ("MastTestA", "Title A", Some(a.pid)));
}

#[test]
fn idle_time_grows_and_mouse_input_resets_it() {
    let mut d = Desktop::bare();
    let mut s = connect(&d);
    d.move_mouse();
    let fresh = s.observe().unwrap().idle_ms;
    assert!(fresh < 1000, "idle {fresh} ms right after input");
    std::thread::sleep(Duration::from_millis(1500));
    let later = s.observe().unwrap().idle_ms;
    assert!(later >= fresh + 1400, "idle went from {fresh} to {later} ms over 1.5 s without input");
    d.move_mouse();
    let reset = s.observe().unwrap().idle_ms;
    assert!(reset < 500, "idle {reset} ms right after a mouse move");
}

#[test]
fn no_window_in_front() {
    // Without a window manager `_NET_ACTIVE_WINDOW` does not exist at all.
    let bare = Desktop::bare();
    assert_eq!(connect(&bare).observe().unwrap().window, None);
    drop(bare);

    // With one, it is None before any window exists and after the last one closes.
    let mut d = Desktop::with_wm();
    let mut s = connect(&d);
    assert_eq!(s.observe().unwrap().window, None);
    let a = d.xterm("MastTestA", "Title A");
    d.activate(a.window);
    assert_eq!(front(&mut s).app, "MastTestA");
    d.close(a.pid);
    eventually(&mut s, "no window in front", Option::is_none);
}

/// `_NET_ACTIVE_WINDOW` can name a window that is already destroyed (the window manager has
/// not caught up, or crashed): the property reads fail with BadWindow, which is "no window",
/// not a sensor failure.
#[test]
fn a_stale_active_window_is_no_window() {
    let d = Desktop::bare();
    let name = |s: &'static str| (u32::from(AtomEnum::WM_NAME), u32::from(AtomEnum::STRING), s.as_bytes());
    let class = |s: &'static str| (u32::from(AtomEnum::WM_CLASS), u32::from(AtomEnum::STRING), s.as_bytes());
    let mut s = connect(&d);

    let first = d.create_window(&[class("one\0One\0"), name("first")]);
    d.set_active(first);
    assert_eq!(front(&mut s).title, "first");
    d.destroy_window(first);
    // The sensor's guess (the previous window) and the active window are both gone.
    assert_eq!(s.observe().expect("a stale window is not an error").window, None);

    // A different window after a wrong guess, then an id that never existed.
    let second = d.create_window(&[class("two\0Two\0"), name("second")]);
    d.set_active(second);
    assert_eq!(front(&mut s).app, "Two");
    d.set_active(0x07ff_fff0);
    assert_eq!(s.observe().expect("a bogus window is not an error").window, None);
    d.set_active(second);
    assert_eq!(front(&mut s).title, "second");
}

/// Regression: the requests for a window that vanished (or for a wrong guess at the active
/// window) were dropped with their cookies, which turns their BadWindow errors into queued
/// events that nobody reads — a slow leak in a sensor that polls for months.
#[test]
fn abandoned_requests_leave_no_errors_behind() {
    let d = Desktop::bare();
    let mut s = connect(&d);
    let class = (u32::from(AtomEnum::WM_CLASS), u32::from(AtomEnum::STRING), &b"k\0Kept\0"[..]);
    let kept = d.create_window(&[class]);
    // Enough polls for the sensor to empty its event queue a few times.
    for _ in 0..4 {
        let gone = d.create_window(&[class]);
        d.set_active(gone);
        assert!(s.observe().unwrap().window.is_some());
        d.destroy_window(gone);
        for _ in 0..20 {
            assert_eq!(s.observe().unwrap().window, None); // the active window is gone
        }
        d.set_active(kept);
        for _ in 0..20 {
            assert_eq!(front(&mut s).app, "Kept"); // after a wrong guess, then steady
        }
    }
    assert_eq!(s.dropped_events(), 0);
}

/// Not every client sets `_NET_WM_PID`; such a window still counts, without pid and exe.
#[test]
fn a_window_without_pid() {
    let d = Desktop::with_wm();
    let w = d.create_window(&[
        (AtomEnum::WM_CLASS.into(), AtomEnum::STRING.into(), b"nopid\0MastNoPid\0"),
        (AtomEnum::WM_NAME.into(), AtomEnum::STRING.into(), b"No pid here"),
    ]);
    d.activate(w);
    let mut s = connect(&d);
    let seen = front(&mut s);
    assert_eq!(seen, Window { app: "MastNoPid".into(), exe: None, title: "No pid here".into(), url: None, pid: None });
}

/// A window without WM_CLASS gets an empty app, and one with only an instance name gets that.
#[test]
fn a_window_without_class() {
    let d = Desktop::bare();
    let w = d.create_window(&[(AtomEnum::WM_NAME.into(), AtomEnum::STRING.into(), b"classless")]);
    d.set_active(w);
    let mut s = connect(&d);
    assert_eq!(front(&mut s).app, "");
    d.set_property(w, AtomEnum::WM_CLASS.into(), AtomEnum::STRING.into(), b"instance\0\0");
    assert_eq!(front(&mut s).app, "instance");
}

/// Titles are whatever a client wrote: Latin-1 in STRING (as ICCCM says), COMPOUND_TEXT,
/// broken UTF-8, or a page title of a megabyte. None of it may fail a poll, and a huge one is capped.
#[test]
fn titles_that_are_not_utf8_or_huge() {
    let d = Desktop::bare();
    let (net_wm_name, utf8) = (d.atom("_NET_WM_NAME"), d.atom("UTF8_STRING"));
    let compound = d.atom("COMPOUND_TEXT");
    let wm_name = u32::from(AtomEnum::WM_NAME);
    let w = d.create_window(&[(AtomEnum::WM_CLASS.into(), AtomEnum::STRING.into(), b"t\0MastTitles\0")]);
    d.set_active(w);
    let mut s = connect(&d);

    d.set_property(w, wm_name, AtomEnum::STRING.into(), b"caf\xe9 \xff");
    assert_eq!(front(&mut s).title, "café ÿ");

    // COMPOUND_TEXT as xterm writes it: Latin-1, then a UTF-8 segment (here with a bad byte).
    d.set_property(w, wm_name, compound, b"caf\xe9 \x1b%G\xe2\x80\x94 \xff\x1b%@!");
    assert_eq!(front(&mut s).title, "café — \u{fffd}!");

    d.set_property(w, net_wm_name, utf8, b"net \xf0\x9f broken");
    assert_eq!(front(&mut s).title, "net \u{fffd} broken", "_NET_WM_NAME wins over WM_NAME");

    // 1.2 MB of a 3-byte character: the sensor asks for 4 KiB, so it gets 1365⅓ characters,
    // drops the cut one, and keeps the first MAX_TITLE_CHARS.
    let huge = "€".repeat(400_000);
    d.set_property(w, net_wm_name, utf8, huge.as_bytes());
    let started = Instant::now();
    let title = front(&mut s).title;
    let took = started.elapsed();
    assert_eq!(title, "€".repeat(MAX_TITLE_CHARS));
    assert!(took < Duration::from_millis(500), "a poll with a megabyte title took {took:?}");
}

/// The X server going away mid-run is `Lost` (the caller reconnects), never a hang; after it
/// connecting is `Unavailable`, promptly, with a message that names the display.
#[test]
fn losing_the_x_server() {
    let mut d = Desktop::bare_unshared();
    let w = d.create_window(&[(AtomEnum::WM_CLASS.into(), AtomEnum::STRING.into(), b"x\0MastLost\0")]);
    d.set_active(w);
    let mut s = connect(&d);
    assert_eq!(front(&mut s).app, "MastLost");

    d.kill_server();
    let started = Instant::now();
    let err = s.observe().expect_err("no server, no observation");
    assert!(matches!(err, SensorError::Lost(_)), "{err:?}");
    // A dead connection keeps saying so rather than blocking.
    assert!(matches!(s.observe(), Err(SensorError::Lost(_))));
    assert!(started.elapsed() < Duration::from_secs(2), "noticing took {:?}", started.elapsed());

    let started = Instant::now();
    let err = X11Sensor::connect(Some(&d.display)).expect_err("nothing to connect to");
    assert!(started.elapsed() < Duration::from_secs(2), "connect took {:?}", started.elapsed());
    match err {
        SensorError::Unavailable(msg) => {
            assert!(msg.contains(&d.display) && msg.contains("DISPLAY"), "message should name the display: {msg}")
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
}
