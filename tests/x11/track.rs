//! The real `mast track` on a real X server: a script switches focus and idles, and
//! the spans Mast stored are held against the script's ground truth, measured with the same
//! clock. A switch is seen at the next poll, so each boundary may be off by one poll
//! interval, plus a little for scheduling on a loaded machine. The span helpers here (`spans`,
//! `Truth`, `assert_matches` …) are shared with the Wayland tracking tests.

use super::desktop::{self, Desktop};
use crate::util::Sandbox;
use serde_json::Value;
use std::fs::File;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub(crate) const POLL_MS: i64 = 1000;
/// One poll, plus slack for process start-up and X latency under a parallel test run.
pub(crate) const TOLERANCE_MS: i64 = POLL_MS + 350;
/// What `kill -9` may lose, as the README promises (start-up included).
pub(crate) const LOSS_BOUND_MS: i64 = mast::track::LOSS_BOUND_MS;

fn config(afk_threshold_secs: u32) -> String {
    format!("title_policy = \"all\"\npoll_interval_ms = {POLL_MS}\nafk_threshold_secs = {afk_threshold_secs}\n")
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

pub(crate) fn sleep_ms(ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
}

/// A running `mast track`, killed and reaped on drop if the test did not stop it.
struct Tracking {
    child: Child,
    log: std::path::PathBuf,
    /// When it was started: the ground truth's first instant.
    started_ms: i64,
}

impl Tracking {
    fn start(d: &Desktop, s: &Sandbox) -> Tracking {
        Tracking::start_logging_to(d, s, "track.log")
    }

    fn start_logging_to(d: &Desktop, s: &Sandbox, log: &str) -> Tracking {
        let log = s.dir.path().join(log);
        let started_ms = now_ms();
        let child = s
            .command()
            .arg("track")
            .env("DISPLAY", &d.display)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .expect("spawn mast track");
        Tracking { child, log, started_ms }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn signal(&self, signal: rustix::process::Signal) {
        rustix::process::kill_process(rustix::process::Pid::from_child(&self.child), signal).unwrap();
    }

    /// Sends SIGTERM and waits for the exit, which must come promptly.
    fn terminate(&mut self) -> ExitStatus {
        self.signal(rustix::process::Signal::TERM);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "mast track ignored SIGTERM for 10 s; log:\n{}", self.log());
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

#[derive(Debug, Clone)]
pub(crate) struct Span {
    pub start: i64,
    pub end: i64,
    pub app: String,
    pub title: Option<String>,
    pub offset_min: i64,
}

/// The stored spans, oldest first, with neighbours of the same window merged: how the
/// tracker chunks a stretch (flushes, reconnects) is its business, what was in front is ours.
pub(crate) fn spans(s: &Sandbox) -> Vec<Span> {
    let v = s.json(&["log", "--json", "--last", "100000"]);
    let mut spans: Vec<Span> = v
        .as_array()
        .expect("mast log --json prints an array")
        .iter()
        .map(|s| Span {
            start: s["startMs"].as_i64().expect("startMs"),
            end: s["endMs"].as_i64().expect("endMs"),
            app: s["app"].as_str().expect("app").to_owned(),
            title: s["title"].as_str().map(str::to_owned),
            offset_min: s["utcOffsetMin"].as_i64().expect("utcOffsetMin"),
        })
        .collect();
    spans.sort_by_key(|s| s.start);
    let mut merged: Vec<Span> = Vec::new();
    for span in spans {
        match merged.last_mut() {
            Some(last) if last.app == span.app && last.title == span.title && span.start - last.end <= TOLERANCE_MS => {
                last.end = last.end.max(span.end);
            }
            _ => merged.push(span),
        }
    }
    merged
}

pub(crate) fn recorded_ms(spans: &[Span]) -> i64 {
    spans.iter().map(|s| s.end - s.start).sum()
}

/// What was in front from `start` to `end`, by the script's clock.
#[derive(Debug)]
pub(crate) struct Truth {
    pub app: &'static str,
    pub title: &'static str,
    pub start: i64,
    pub end: i64,
}

pub(crate) fn assert_matches(spans: &[Span], truth: &[Truth], log: &str) {
    let context = || format!("recorded {spans:#?}\nexpected {truth:#?}\ntracker log:\n{log}");
    assert_eq!(spans.len(), truth.len(), "span count differs\n{}", context());
    for (got, want) in spans.iter().zip(truth) {
        assert_eq!((got.app.as_str(), got.title.as_deref()), (want.app, Some(want.title)), "{}", context());
        for (what, g, w) in [("start", got.start, want.start), ("end", got.end, want.end)] {
            assert!((g - w).abs() <= TOLERANCE_MS, "{} of {:?} is {} ms off\n{}", what, want.title, g - w, context());
        }
    }
}

/// The local day (`YYYY-MM-DD`, days starting 04:00, the default) that `ms` falls in.
pub(crate) fn local_day(ms: i64, offset_min: i64) -> String {
    let shifted = ms + offset_min * 60_000 - 4 * 3_600_000;
    chrono::DateTime::from_timestamp_millis(shifted).unwrap().date_naive().to_string()
}

pub(crate) fn report_target_seconds(s: &Sandbox, day: &str, platform: &str) -> f64 {
    let report: Value = s.json(&["report", "--json", "--day", day]);
    report["total"]["targets"]
        .as_array()
        .unwrap_or_else(|| panic!("report without total.targets: {report}"))
        .iter()
        .filter(|t| t["platform"] == platform)
        .map(|t| t["seconds"].as_f64().unwrap())
        .sum()
}

fn switch(d: &Desktop, window: u32) -> i64 {
    d.activate(window);
    now_ms()
}

/// Focus moves among three windows, one of them X in Firefox; the spans follow the script
/// and the report counts the X time.
#[test]
fn spans_follow_focus_switches() {
    let mut d = Desktop::with_wm();
    let a = d.xterm("MastTestA", "Title A");
    let x = d.xterm("firefox", "Home / X — Mozilla Firefox");
    let c = d.xterm("MastTestC", "Title C");
    d.activate(a.window);
    let s = Sandbox::new();
    s.write_config("config.toml", &config(180));

    let mut t = Tracking::start(&d, &s);
    let t0 = t.started_ms;
    sleep_ms(4000);
    let t1 = switch(&d, x.window);
    sleep_ms(3000);
    let t2 = switch(&d, a.window);
    sleep_ms(5000);
    let t3 = switch(&d, c.window);
    sleep_ms(3000);
    let end = now_ms();
    assert!(t.terminate().success(), "mast track failed:\n{}", t.log());

    let recorded = spans(&s);
    assert_matches(
        &recorded,
        &[
            Truth { app: "MastTestA", title: "Title A", start: t0, end: t1 },
            Truth { app: "firefox", title: "Home / X — Mozilla Firefox", start: t1, end: t2 },
            Truth { app: "MastTestA", title: "Title A", start: t2, end: t3 },
            Truth { app: "MastTestC", title: "Title C", start: t3, end },
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

/// Past the AFK threshold the span ends when input stopped, not when the threshold was
/// noticed, and time counts again from the next input.
#[test]
fn idle_time_is_cut_and_resumes_on_input() {
    let mut d = Desktop::with_wm();
    let a = d.xterm("MastTestA", "Title A");
    d.activate(a.window);
    d.move_mouse();
    let s = Sandbox::new();
    s.write_config("config.toml", &config(3));

    let mut t = Tracking::start(&d, &s);
    let t0 = t.started_ms;
    for _ in 0..6 {
        sleep_ms(500);
        d.move_mouse();
    }
    let input_stopped = now_ms();
    sleep_ms(7000); // the threshold of 3 s, and then some
    d.move_mouse();
    let input_resumed = now_ms();
    for _ in 0..6 {
        sleep_ms(500);
        d.move_mouse();
    }
    let end = now_ms();
    assert!(t.terminate().success(), "mast track failed:\n{}", t.log());

    assert_matches(
        &spans(&s),
        &[
            Truth { app: "MastTestA", title: "Title A", start: t0, end: input_stopped },
            Truth { app: "MastTestA", title: "Title A", start: input_resumed, end },
        ],
        &t.log(),
    );
}

/// `kill -9` mid-activity leaves a sound database missing at most what the README promises:
/// the time since the last flush, counted from before the tracker even started.
#[test]
fn a_killed_tracker_loses_at_most_one_flush() {
    let mut d = Desktop::with_wm();
    let a = d.xterm("MastTestA", "Title A");
    let b = d.xterm("MastTestB", "Title B");
    d.activate(a.window);
    let s = Sandbox::new();
    s.write_config("config.toml", &config(180));

    let mut t = Tracking::start(&d, &s);
    let t0 = t.started_ms;
    sleep_ms(3000);
    switch(&d, b.window);
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

/// SIGTERM flushes: nothing of the time before it is lost.
#[test]
fn sigterm_flushes_everything() {
    let mut d = Desktop::with_wm();
    let a = d.xterm("MastTestA", "Title A");
    let b = d.xterm("MastTestB", "Title B");
    d.activate(a.window);
    let s = Sandbox::new();
    s.write_config("config.toml", &config(180));

    let mut t = Tracking::start(&d, &s);
    let t0 = t.started_ms;
    sleep_ms(2500);
    let t1 = switch(&d, b.window);
    sleep_ms(2500);
    let end = now_ms();
    let status = t.terminate();
    assert!(status.success(), "mast track exited with {status} on SIGTERM:\n{}", t.log());

    assert_matches(
        &spans(&s),
        &[
            Truth { app: "MastTestA", title: "Title A", start: t0, end: t1 },
            Truth { app: "MastTestB", title: "Title B", start: t1, end },
        ],
        &t.log(),
    );
}

/// Two trackers on one data dir would double-count; the second must refuse, naming the
/// first's pid, while the first keeps tracking.
#[test]
fn a_second_tracker_refuses_and_names_the_first() {
    let mut d = Desktop::with_wm();
    let a = d.xterm("MastTestA", "Title A");
    d.activate(a.window);
    let s = Sandbox::new();
    s.write_config("config.toml", &config(180));

    let mut first = Tracking::start(&d, &s);
    let lock = s.data_dir().join("track.lock");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(&lock).map(|t| t.trim() != first.pid().to_string()).unwrap_or(true) {
        assert!(Instant::now() < deadline, "the first tracker never took the lock:\n{}", first.log());
        sleep_ms(20);
    }

    let mut second = Tracking::start_logging_to(&d, &s, "second.log");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = second.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the second tracker kept running");
        sleep_ms(20);
    };
    assert!(!status.success(), "the second tracker succeeded");
    let message = second.log();
    assert!(message.contains(&first.pid().to_string()), "the message should name pid {}: {message}", first.pid());

    sleep_ms(1500);
    assert!(first.child.try_wait().unwrap().is_none(), "the first tracker stopped:\n{}", first.log());
    assert!(first.terminate().success(), "{}", first.log());
    let recorded = spans(&s);
    assert!(
        recorded.len() == 1 && recorded[0].app == "MastTestA" && recorded[0].end > recorded[0].start,
        "the first tracker should have recorded the window: {recorded:#?}\nlog:\n{}",
        first.log()
    );
}

/// `mast track` alone keeps a family's shared goals current: a goal an organiser adds while
/// the member's device tracks reaches the member's goals with no `mast family sync`.
#[test]
fn tracking_syncs_the_familys_shared_goals() {
    let mut d = Desktop::with_wm();
    let a = d.xterm("MastTestA", "Title A");
    d.activate(a.window);
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("family");
    let (parent, teen) = (Sandbox::new(), Sandbox::new());
    let family = |s: &Sandbox, args: &[&str]| {
        let out = s
            .command()
            .env("MAST_FAMILY_PASSPHRASE", "tracking family words")
            .arg("family")
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "mast family {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let f = folder.to_str().unwrap();
    family(&parent, &["create", "--folder", f, "--name", "Home", "--member", "parent"]);
    let code = parent.json(&["family", "status", "--json"])["fingerprint"].as_str().unwrap().to_owned();
    family(&teen, &["join", "--folder", f, "--member", "teen", "--fingerprint", &code]);
    family(&parent, &["add", "instagram", "--daily", "45m"]);
    teen.write_config("config.toml", &config(180));
    let mut t = Tracking::start(&d, &teen);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let goals = teen.ok(&["goals", "list", "--json"]);
        if goals.contains("\"family\": \"Home\"") && goals.contains("2700") {
            break;
        }
        assert!(Instant::now() < deadline, "the shared goal did not reach the tracking device: {goals}\n{}", t.log());
        sleep_ms(250);
    }
    assert!(t.terminate().success(), "{}", t.log());
}

/// Every byte of every file in the data dir, for privacy scans.
fn bytes_of_dir(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_file() {
            all.extend(std::fs::read(path).unwrap());
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Regression: after `title_policy = "all"` became `"targets"` while tracking, the dropped
/// titles stayed readable in `mast.db-wal` (also after `kill -9`), and the title of the
/// editor in front was written into `mast.db` again. After the change and a `kill -9`, no
/// byte of any file in the data dir holds either title.
#[test]
fn a_stricter_policy_leaves_no_dropped_title_in_any_file_even_after_kill_9() {
    let mut d = Desktop::with_wm();
    let earlier = d.xterm("MastTestA", "Earlier secret memo");
    let editor = d.xterm("MastTestB", "Secret plan draft");
    d.activate(earlier.window);
    let s = Sandbox::new();
    s.write_config("config.toml", &config(180));
    let mut t = Tracking::start(&d, &s);
    sleep_ms(2500);
    switch(&d, editor.window);
    let deadline = Instant::now() + Duration::from_secs(15);
    while !contains(&bytes_of_dir(&s.data_dir()), "Secret plan draft") {
        assert!(Instant::now() < deadline, "the title was not stored under `all`: {:#?}\n{}", spans(&s), t.log());
        sleep_ms(200);
    }

    s.write_config("config.toml", &config(180).replace("\"all\"", "\"targets\""));
    // The tracker reads the policy within 10 s; then it stays in front a while longer.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !t.log().contains("history reclassified") {
        assert!(Instant::now() < deadline, "the new policy was not read; log:\n{}", t.log());
        sleep_ms(200);
    }
    sleep_ms(4000);
    t.kill9();

    let after = bytes_of_dir(&s.data_dir());
    for title in ["Secret plan draft", "Earlier secret memo"] {
        assert!(!contains(&after, title), "{title:?} is still in the data dir after the policy change");
    }
    let recorded = spans(&s);
    assert!(recorded.iter().all(|s| s.title.is_none()), "{recorded:#?}");
    assert!(recorded.iter().any(|s| s.app == "MastTestB" && s.end - s.start > 5000), "{recorded:#?}");
}

/// Regression: with its data dir deleted, `mast track` wrote on into the unlinked file and
/// finally said "everything saved". It now says so and goes on in a new database at the
/// same path, which holds the time after the deletion, under a new claim on the data dir.
#[test]
fn a_deleted_data_dir_is_noticed_and_tracking_goes_on_in_a_new_database() {
    let mut d = Desktop::with_wm();
    let a = d.xterm("MastTestA", "Title A");
    d.activate(a.window);
    let s = Sandbox::new();
    s.write_config("config.toml", &config(180));
    let mut t = Tracking::start(&d, &s);
    sleep_ms(3000);
    std::fs::remove_dir_all(s.data_dir()).unwrap();
    let deleted = now_ms();
    sleep_ms(6000);
    assert!(t.log().contains("was deleted or replaced while tracking"), "log:\n{}", t.log());
    assert!(s.db().exists(), "no new database; log:\n{}", t.log());
    let mut second = Tracking::start_logging_to(&d, &s, "second.log");
    let deadline = Instant::now() + Duration::from_secs(10);
    while second.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "a second tracker runs on the new data dir");
        sleep_ms(20);
    }
    assert!(second.log().contains("already running"), "the new data dir is claimed again: {}", second.log());
    let end = now_ms();
    let status = t.terminate();
    assert!(status.success(), "{status}; log:\n{}", t.log());
    let recorded = spans(&s);
    let got = recorded_ms(&recorded);
    // The span in front began before the deletion and is saved whole; nothing of the
    // time after it is lost.
    assert!(got >= end - deleted - TOLERANCE_MS, "recorded {got} ms: {recorded:#?}\nlog:\n{}", t.log());
}

/// `mast status --json` of a sandbox, as JSON.
fn status(s: &Sandbox) -> serde_json::Value {
    s.json(&["status", "--json"])
}

/// Waits until the tracker logging to `log` has written its sensor state.
fn sensor_state(s: &Sandbox, log: &std::path::Path) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let st = status(s);
        if !st["sensor"].is_null() {
            return st;
        }
        assert!(
            Instant::now() < deadline,
            "no sensor state after 10 s; log:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        sleep_ms(100);
    }
}

/// On an X11 session the X11 sensor runs, and every surface names it.
#[test]
fn an_x11_session_tracks_with_x11_and_says_so() {
    let mut d = Desktop::with_wm();
    let a = d.xterm("MastTestA", "Title A");
    d.activate(a.window);
    let s = Sandbox::new();
    let mut t = Tracking::start(&d, &s);
    let st = sensor_state(&s, &t.log);
    assert_eq!(st["recording"], true, "{st}");
    assert_eq!(st["sensor"]["sensor"]["kind"], "x11", "{st}");
    assert_eq!(st["sensor"]["reason"], "an X11 session", "{st}");
    let text = s.ok(&["status"]);
    assert!(text.contains(&format!("sensor:   X11 on X display {}, idle from X11 screensaver", d.display)), "{text}");
    assert!(t.terminate().success());
    assert!(t.log().contains("watching the desktop with X11"), "the start line names the sensor:\n{}", t.log());
}

/// `mast track` in a Wayland session of a compositor Mast has no channel for ("weston"),
/// with XWayland's `DISPLAY` at hand; logging to `log`.
fn track_on_wayland_without_a_channel(d: &Desktop, s: &Sandbox, log: &std::path::Path) -> Child {
    s.command()
        .arg("track")
        .env("DISPLAY", &d.display)
        .env("XDG_SESSION_TYPE", "wayland")
        .env("WAYLAND_DISPLAY", "mast-test-no-such-compositor")
        .env("XDG_CURRENT_DESKTOP", "weston")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(log).unwrap())
        .spawn()
        .unwrap()
}

/// A Wayland session whose compositor offers no channel Mast knows: XWayland's DISPLAY is
/// right there, but Mast records nothing rather than XWayland's partial view, and says what
/// to do; `sensor = "x11"` is the user's explicit way to take XWayland's windows anyway.
#[test]
fn a_wayland_session_never_falls_back_to_x11_silently() {
    let mut d = Desktop::with_wm();
    let a = d.xterm("MastTestA", "Title A");
    d.activate(a.window);
    let s = Sandbox::new();
    let log = s.dir.path().join("wayland.log");
    let mut child = track_on_wayland_without_a_channel(&d, &s, &log);
    let st = sensor_state(&s, &log);
    assert_eq!(st["tracking"], true, "{st}");
    assert_eq!(st["recording"], false, "{st}");
    assert!(st["sensor"]["sensor"].is_null(), "{st}");
    let problem = st["sensor"]["problem"]["problem"].as_str().unwrap();
    let fix = st["sensor"]["problem"]["fix"].as_str().unwrap();
    assert!(problem.contains("no way to see the window in front on this Wayland desktop"), "{problem}");
    assert!(fix.contains("sensor = \"x11\""), "{fix}");
    let text = s.ok(&["status"]);
    assert!(text.contains("recording nothing") && text.contains("to fix:"), "{text}");
    sleep_ms(1500);
    desktop::stop(&mut child);
    assert!(spans(&s).is_empty(), "nothing recorded from XWayland");

    // Asked for explicitly, X11 it is.
    s.write_config("config.toml", "sensor = \"x11\"\n");
    let mut child = track_on_wayland_without_a_channel(&d, &s, &log);
    let st = sensor_state(&s, &log);
    assert_eq!(st["sensor"]["sensor"]["kind"], "x11", "{st}");
    assert_eq!(st["sensor"]["reason"], "sensor = \"x11\" in config.toml", "{st}");
    sleep_ms(2500);
    desktop::stop(&mut child);
    assert!(spans(&s).iter().any(|sp| sp.app == "MastTestA"), "X11 windows recorded when asked");
}
