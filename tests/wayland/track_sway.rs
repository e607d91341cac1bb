//! The tracker on a real sway: a script switches focus among foot windows, renames and
//! closes them and stops typing, and the spans stored are held against the script's ground
//! truth (each boundary within one poll), read back through the real `mast log` and
//! `mast report`, as in `x11::track`.
//!
//! The tracker is the real `mast track` with the default `sensor = "auto"`: on a Wayland
//! session of a desktop it does not know by name, the documented order tries wlroots
//! first, and sway offers it. Its start line must say so.

use super::sway::SwayDesktop;
use crate::util::Sandbox;
use crate::x11::desktop;
use crate::x11::track::{
    assert_matches, local_day, now_ms, recorded_ms, report_target_seconds, sleep_ms, spans, Truth, LOSS_BOUND_MS,
    POLL_MS, TOLERANCE_MS,
};
use std::fs::File;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A running `mast track`, killed and reaped on drop if the test did not stop it.
struct Tracking {
    child: Child,
    log: std::path::PathBuf,
    /// When it was started: the ground truth's first instant.
    started_ms: i64,
}

impl Tracking {
    fn start(sway: &SwayDesktop, s: &Sandbox, afk_threshold_secs: u32) -> Tracking {
        // The same settings for `mast log` and `mast report`, which show titles by the policy.
        s.write_config(
            "config.toml",
            &format!(
                "title_policy = \"all\"\npoll_interval_ms = {POLL_MS}\nafk_threshold_secs = {afk_threshold_secs}\n"
            ),
        );
        let log = s.dir.path().join("track.log");
        let started_ms = now_ms();
        let child = s
            .command()
            .arg("track")
            .envs(sway.client_env())
            .env("XDG_SESSION_TYPE", "wayland")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .expect("spawn the tracker");
        let t = Tracking { child, log, started_ms };
        // It says what it tracks with once connected: the sensor works before the script runs.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !t.log().contains("watching the desktop with") {
            assert!(Instant::now() < deadline, "the tracker did not connect to sway:\n{}", t.log());
            sleep_ms(10);
        }
        assert!(
            t.log().contains("watching the desktop with wlroots (foreign toplevel) on sway 1.7, idle from org_kde_kwin_idle (a Wayland session)"),
            "{}",
            t.log()
        );
        t
    }

    fn terminate(&mut self) -> ExitStatus {
        rustix::process::kill_process(rustix::process::Pid::from_child(&self.child), rustix::process::Signal::TERM)
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the tracker ignored SIGTERM for 10 s; log:\n{}", self.log());
            sleep_ms(20);
        }
    }

    fn kill9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Tracking {
    fn drop(&mut self) {
        desktop::stop(&mut self.child);
    }
}

fn switch(sway: &SwayDesktop, app_id: &str) -> i64 {
    sway.focus(app_id);
    now_ms()
}

/// Focus moves among three windows, one of them X in Firefox; a title changes in front and
/// a window closes. The spans follow the script and the report counts the X time.
#[test]
fn spans_follow_focus_switches_title_changes_and_closed_windows() {
    let mut sway = SwayDesktop::start();
    sway.open_foot("MastTestC", "Title C");
    sway.open_foot("firefox", "Home / X — Mozilla Firefox");
    sway.open_foot("MastTestA", "Title A");
    let s = Sandbox::new();

    let mut t = Tracking::start(&sway, &s, 180);
    let t0 = t.started_ms;
    sleep_ms(3000);
    let t1 = switch(&sway, "firefox");
    sleep_ms(3000);
    let t2 = switch(&sway, "MastTestA");
    sleep_ms(3000);
    sway.set_title("MastTestA", "Title A, renamed");
    let t3 = now_ms();
    sleep_ms(3000);
    let t4 = switch(&sway, "MastTestC");
    sleep_ms(3000);
    sway.close("MastTestC");
    let t5 = now_ms();
    let after_close = sway.focused().expect("sway focuses another window");
    assert_eq!(after_close.app_id, "MastTestA", "sway gave the focus back to the window before");
    sleep_ms(3000);
    let end = now_ms();
    assert!(t.terminate().success(), "the tracker failed:\n{}", t.log());

    let recorded = spans(&s);
    assert_matches(
        &recorded,
        &[
            Truth { app: "MastTestA", title: "Title A", start: t0, end: t1 },
            Truth { app: "firefox", title: "Home / X — Mozilla Firefox", start: t1, end: t2 },
            Truth { app: "MastTestA", title: "Title A", start: t2, end: t3 },
            Truth { app: "MastTestA", title: "Title A, renamed", start: t3, end: t4 },
            Truth { app: "MastTestC", title: "Title C", start: t4, end: t5 },
            Truth { app: "MastTestA", title: "Title A, renamed", start: t5, end },
        ],
        &t.log(),
    );

    let x_span = &recorded[1];
    let mut days = vec![local_day(x_span.start, x_span.offset_min), local_day(x_span.end, x_span.offset_min)];
    days.dedup();
    let seconds: f64 = days.iter().map(|day| report_target_seconds(&s, day, "x")).sum();
    let truth = (t2 - t1) as f64 / 1000.0;
    assert!(
        (seconds - truth).abs() <= 2.0 * TOLERANCE_MS as f64 / 1000.0,
        "report counts {seconds} s on x, the script spent {truth} s"
    );
}

/// Past the AFK threshold the span ends when input stopped (wtype's last key), not when
/// the compositor said "idle", and time counts again from the next input.
#[test]
fn idle_time_is_cut_and_resumes_on_input() {
    let mut sway = SwayDesktop::start();
    sway.open_foot("MastTestA", "Title A");
    let s = Sandbox::new();

    let mut t = Tracking::start(&sway, &s, 3);
    let t0 = t.started_ms;
    for _ in 0..6 {
        sleep_ms(500);
        sway.type_text("a");
    }
    let input_stopped = now_ms();
    sleep_ms(7000); // the threshold of 3 s, and then some
    sway.type_text("b");
    let input_resumed = now_ms();
    for _ in 0..6 {
        sleep_ms(500);
        sway.type_text("c");
    }
    let end = now_ms();
    assert!(t.terminate().success(), "the tracker failed:\n{}", t.log());

    assert_matches(
        &spans(&s),
        &[
            Truth { app: "MastTestA", title: "Title A", start: t0, end: input_stopped },
            Truth { app: "MastTestA", title: "Title A", start: input_resumed, end },
        ],
        &t.log(),
    );
}

/// `kill -9` mid-activity leaves a sound database missing at most what the README
/// promises: the time since the last flush.
#[test]
fn a_killed_tracker_loses_at_most_one_flush() {
    let mut sway = SwayDesktop::start();
    sway.open_foot("MastTestB", "Title B");
    sway.open_foot("MastTestA", "Title A");
    let s = Sandbox::new();

    let mut t = Tracking::start(&sway, &s, 180);
    let t0 = t.started_ms;
    sleep_ms(3000);
    switch(&sway, "MastTestB");
    sleep_ms(3500);
    let killed = now_ms();
    t.kill9();

    let db = rusqlite::Connection::open(s.db()).expect("open the database after the crash");
    let check: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    drop(db);

    let recorded = spans(&s);
    let (got, truth) = (recorded_ms(&recorded), killed - t0);
    assert!(
        got <= truth + TOLERANCE_MS - POLL_MS && got >= truth - LOSS_BOUND_MS,
        "recorded {got} ms of {truth} ms before kill -9\n{recorded:#?}\nlog:\n{}",
        t.log()
    );
    assert!(recorded.iter().all(|s| s.end <= killed), "{recorded:#?}");
}
