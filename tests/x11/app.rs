//! The desktop app as the tracker: the real `mast-desktop`, started hidden (tray only) on a
//! real X server with a window manager, on a private D-Bus with the fake notification server
//! of `notify`. It must track the window in front, send the goals' nudges as `mast track`
//! does, and save what it tracked when it is told to quit.
//!
//! The app is another package of the workspace, so cargo does not build it for these tests:
//! the test is ignored by default and `make test` runs it after building `mast-desktop`
//! (`cargo test --test integration x11::app -- --ignored`). It finds the binary in
//! `$MAST_DESKTOP_BIN`, or beside the `mast` binary under test.

use super::desktop::{self, Desktop};
use crate::notify::{Bus, Server};
use crate::util::{Sandbox, MAST};
use mast::classify::Rules;
use mast::goals::{GoalKind, GoalSource, GoalTarget, NewGoal, Weekdays};
use mast::model::{Span, StoredWindow};
use mast::settings::TitlePolicy;
use mast::store::{Classifier, Store};
use std::fs::File;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const MIN_MS: i64 = 60_000;
const TITLE: &str = "Instagram — Mozilla Firefox";

fn app_binary() -> PathBuf {
    let path = std::env::var_os("MAST_DESKTOP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(MAST).with_file_name("mast-desktop"));
    assert!(
        path.is_file(),
        "{} is not built: run `cargo build -p mast-desktop` first (make test does), or set MAST_DESKTOP_BIN",
        path.display()
    );
    path
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

#[test]
#[ignore = "needs mast-desktop built; make test runs it"]
fn the_app_tracks_the_window_in_front_nudges_and_saves_on_quit() {
    let app = app_binary();
    let mut d = Desktop::with_wm();
    let bus = Bus::start();
    let server = Server::start(&bus);
    let s = Sandbox::new();

    // The local day (UTC here) starts twelve hours before or after now, so that the seeded
    // minutes and the tracked ones fall on the same day whenever the test runs.
    let hour = (now_ms() / 3_600_000 % 24) as u8;
    s.write_config(
        "config.toml",
        &format!("day_start_hour = {}\npoll_interval_ms = 1000\nafk_threshold_secs = 600\n", (hour + 12) % 24),
    );

    // Ten minutes on Instagram earlier today against a ten-minute daily limit: the limit is
    // reached as soon as the app tracks Instagram again.
    let start = now_ms();
    std::fs::create_dir_all(s.data_dir()).unwrap();
    {
        let mut store = Store::open(&s.db()).unwrap();
        let classifier = Classifier { rules: Rules::builtin(), policy: TitlePolicy::Targets };
        store.sync_classification(&classifier).unwrap();
        let window = StoredWindow {
            app: "firefox".into(),
            exe: "firefox".into(),
            title: Some(TITLE.into()),
            ..Default::default()
        };
        let earlier = Span { start_ms: start - 15 * MIN_MS, end_ms: start - 5 * MIN_MS, utc_offset_min: 0, window };
        store.insert_observed([earlier], &classifier).unwrap();
        let goal = NewGoal {
            target: GoalTarget::Platform("instagram".into()),
            kind: GoalKind::DailyLimit { limit_secs: 600 },
            weekdays: Weekdays::ALL,
            source: GoalSource::Personal,
        };
        store.add_goal(&goal, start - 86_400_000).unwrap();
    }

    let term = d.xterm("firefox", TITLE);
    d.activate(term.window);

    let log = s.dir.path().join("app.log");
    let home = s.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut child = Command::new(&app)
        .arg("--hidden")
        .env("DISPLAY", &d.display)
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .env("NO_AT_BRIDGE", "1")
        .env("TZ", "UTC")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("MAST_DATA_DIR", s.data_dir())
        .env("MAST_CONFIG_DIR", s.config_dir())
        .env("MAST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&log).unwrap())
        .spawn()
        .expect("spawn mast-desktop");
    let launched_ms = now_ms();
    let app_log = || std::fs::read_to_string(&log).unwrap_or_default();

    // The limit nudge arrives, over D-Bus, from the app's tracker.
    let deadline = Instant::now() + Duration::from_secs(60);
    let nudge = loop {
        let shown = server.shown.lock().unwrap().clone();
        if let Some(n) = shown.into_iter().find(|n| n.summary.starts_with("Instagram:")) {
            break n;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("mast-desktop exited ({status}) before nudging; log:\n{}", app_log());
        }
        if Instant::now() > deadline {
            desktop::stop(&mut child);
            panic!("no nudge within 60 s; shown {:?}; log:\n{}", server.summaries(), app_log());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(nudge.summary, "Instagram: 10 min of 10 min today", "{nudge:?}");
    assert_eq!(nudge.body, "You have reached your daily limit of 10 min.");

    // A few more seconds in front, then SIGTERM: the app quits as from the tray, saving the
    // open span first.
    std::thread::sleep(Duration::from_secs(3));
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), rustix::process::Signal::TERM).unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            desktop::stop(&mut child);
            panic!("mast-desktop ignored SIGTERM for 15 s; log:\n{}", app_log());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let quit_ms = now_ms();
    assert!(status.success(), "mast-desktop exited with {status}; log:\n{}", app_log());

    // What it tracked is stored: Instagram from about the launch to about the quit.
    let spans = s.json(&["log", "--json", "--last", "100"]);
    let tracked: Vec<_> = spans
        .as_array()
        .expect("mast log --json prints an array")
        .iter()
        .filter(|v| v["startMs"].as_i64().unwrap() >= start - MIN_MS / 2)
        .collect();
    assert!(!tracked.is_empty(), "nothing tracked; log:\n{}", app_log());
    assert!(tracked.iter().all(|v| v["platform"] == "instagram" && v["title"] == TITLE), "{tracked:#?}");
    let first = tracked.iter().map(|v| v["startMs"].as_i64().unwrap()).min().unwrap();
    let last = tracked.iter().map(|v| v["endMs"].as_i64().unwrap()).max().unwrap();
    // The tracker starts once the app is up (well within 10 s here) and saves up to the quit.
    assert!(first >= launched_ms && first - launched_ms < 10_000, "first span at +{} ms", first - launched_ms);
    assert!(quit_ms - last < 2_500, "the last {} ms before the quit were not saved", quit_ms - last);
    assert_eq!(server.summaries().len(), 1, "one nudge, not repeated: {:?}", server.summaries());
}
