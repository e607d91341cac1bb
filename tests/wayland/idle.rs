//! `WaylandIdle` against a real sway (1.7 offers `org_kde_kwin_idle`): idle stays 0 while
//! input comes, grows from the moment input stopped once the threshold passed, and input
//! brings it back to 0; the tracker is woken at both edges.

use super::sway::SwayDesktop;
use mast::sensor::idle::WaylandIdle;
use mast::sensor::wlroots::WaylandDisplay;
use mast::sensor::{IdleKind, IdleSource, SensorOptions, Waker};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const THRESHOLD_MS: u64 = 2_000;
/// How far the moment input stopped, as the source reports it, may be from the truth:
/// wtype's own start-up and the compositor's timer.
const ACCURACY_MS: i64 = 300;

#[test]
fn idle_grows_from_when_input_stopped_and_input_resets_it() {
    let mut sway = SwayDesktop::start();
    sway.open_foot("MastTestA", "Title A");
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = wakes.clone();
    let opts = SensorOptions {
        afk_threshold_ms: THRESHOLD_MS,
        waker: Waker::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        }),
    };
    let mut idle = WaylandIdle::connect_to(&WaylandDisplay::at(sway.wayland_socket()), &opts)
        .unwrap_or_else(|e| panic!("no idle source on sway: {e}"));
    let version = sway.swaymsg(&["-t", "get_version"]);
    if version.contains("\"human_readable\": \"1.7") {
        assert_eq!(idle.kind(), IdleKind::KdeKwinIdle);
        assert!(!idle.ignores_inhibitors());
    }

    // Typing every half second keeps the user present.
    for _ in 0..6 {
        sway.type_text("a");
        assert_eq!(idle.idle_ms().unwrap(), 0);
        std::thread::sleep(Duration::from_millis(500));
    }
    sway.type_text("b");
    let stopped = Instant::now();
    assert_eq!(idle.idle_ms().unwrap(), 0);

    // Past the threshold, idle counts from when the input stopped.
    let deadline = stopped + Duration::from_millis(THRESHOLD_MS + 2_000);
    let wakes_before = wakes.load(Ordering::SeqCst);
    let reported = loop {
        let ms = idle.idle_ms().unwrap();
        if ms > 0 {
            break ms;
        }
        assert!(Instant::now() < deadline, "still not idle {:?} after the last input", stopped.elapsed());
        std::thread::sleep(Duration::from_millis(10));
    };
    let since_input = stopped.elapsed().as_millis() as i64;
    assert!(reported >= THRESHOLD_MS, "idle {reported} ms is below the threshold");
    assert!(
        (reported as i64 - since_input).abs() <= ACCURACY_MS,
        "reports input stopped {reported} ms ago; it stopped {since_input} ms ago"
    );
    assert!(wakes.load(Ordering::SeqCst) > wakes_before, "going idle wakes the tracker");

    // It keeps growing with the clock.
    std::thread::sleep(Duration::from_millis(700));
    let later = idle.idle_ms().unwrap();
    let since_input = stopped.elapsed().as_millis() as i64;
    assert!((later as i64 - since_input).abs() <= ACCURACY_MS, "{later} ms idle, {since_input} ms since input");

    // Input: back to 0, promptly.
    let wakes_before = wakes.load(Ordering::SeqCst);
    sway.type_text("c");
    let typed = Instant::now();
    while idle.idle_ms().unwrap() != 0 {
        assert!(typed.elapsed() < Duration::from_millis(ACCURACY_MS as u64), "still idle after input");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(wakes.load(Ordering::SeqCst) > wakes_before, "coming back wakes the tracker");

    // A focus change is no input: the user stays idle.
    sway.open_foot("MastTestB", "Title B");
    sway.type_text("d");
    let stopped = Instant::now();
    std::thread::sleep(Duration::from_millis(THRESHOLD_MS + 500));
    sway.focus("MastTestA");
    sway.focus("MastTestB");
    let ms = idle.idle_ms().unwrap();
    let since_input = stopped.elapsed().as_millis() as i64;
    assert!((ms as i64 - since_input).abs() <= ACCURACY_MS, "{ms} ms idle, {since_input} ms since input");
}
