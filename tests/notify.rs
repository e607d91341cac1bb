//! Nudges over real D-Bus: each test starts a private bus (`dbus-daemon` with a config that
//! has no service dirs, so nothing can autostart a real notification daemon) and, where it
//! wants one, a fake `org.freedesktop.Notifications` server that records what it is shown.
//!
//! The tracker runs in a child process (this binary again, running the ignored
//! [`tracker_child`]) so that `DBUS_SESSION_BUS_ADDRESS` is set for it alone: setting the
//! variable in this multi-threaded test process would race with every other test. The
//! child drives `mast::track::run_observed` with a scripted sensor and a step clock, on a
//! database the parent prepares and inspects; a second child on the same database is a
//! tracker restart.

use mast::classify::Rules;
use mast::goals::{GoalKind, GoalSource, GoalTarget, NewGoal, Weekdays};
use mast::model::{Millis, Observation, Window};
use mast::notify::{Desktop, NudgeObserver};
use mast::nudge::NudgeConfig;
use mast::sensor::{Sensor, SensorError, Waker};
use mast::settings::{Settings, TitlePolicy};
use mast::store::{Classifier, Store};
use mast::track::{self, Clock};
use mast::tracker::{Tracker, TrackerConfig};
use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MIN: Millis = 60_000;
/// Wednesday 2026-11-25 12:00 UTC; the child's zone is UTC.
const START: Millis = 1_795_608_000_000;
/// Each poll of the child's clock is this much later.
const STEP: Millis = 5_000;

/// A private session bus, killed and reaped on drop. Also used by `x11::app`.
pub struct Bus {
    child: Child,
    pub address: String,
    _dir: tempfile::TempDir,
}

impl Bus {
    pub fn start() -> Bus {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("bus.conf");
        let socket = dir.path().join("bus");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                socket.display()
            ),
        )
        .unwrap();
        let mut child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--nopidfile", "--print-address=1"])
            .stdout(Stdio::piped())
            // It complains that it may not raise its fd limit, which is harmless.
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (Debian package dbus-daemon; `make test` installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.starts_with("unix:"), "dbus-daemon printed {line:?}");
        Bus { child, address: line.trim().to_owned(), _dir: dir }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Clone, Debug)]
pub struct Shown {
    pub id: u32,
    pub summary: String,
    pub body: String,
    pub actions: Vec<String>,
}

/// The fake notification server: records every notification.
struct FakeServer {
    shown: Arc<Mutex<Vec<Shown>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl FakeServer {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &mut self,
        _app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, zbus::OwnedVariant>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut shown = self.shown.lock().unwrap();
        let id = shown.len() as u32 + 1;
        shown.push(Shown { id, summary, body, actions });
        id
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        ("fake".into(), "mast tests".into(), "1".into(), "1.2".into())
    }

    fn close_notification(&self, _id: u32) {}
}

pub struct Server {
    conn: zbus::Connection,
    pub shown: Arc<Mutex<Vec<Shown>>>,
}

impl Server {
    pub fn start(bus: &Bus) -> Server {
        let shown = Arc::new(Mutex::new(Vec::new()));
        let server = FakeServer { shown: shown.clone() };
        let conn = zbus::block_on(
            zbus::connection::Builder::address(bus.address.as_str())
                .name("org.freedesktop.Notifications")
                .serve_at("/org/freedesktop/Notifications", server)
                .build(),
        )
        .expect("claim org.freedesktop.Notifications on the private bus");
        Server { conn, shown }
    }

    pub fn summaries(&self) -> Vec<String> {
        self.shown.lock().unwrap().iter().map(|s| s.summary.clone()).collect()
    }

    /// The user clicks `action` on notification `id`.
    fn invoke(&self, id: u32, action: &str) {
        zbus::block_on(self.conn.emit_signal(
            None::<()>,
            "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications",
            "ActionInvoked",
            &(id, action),
        ))
        .unwrap();
    }
}

/// Runs the tracker in a child process on `db`, on `bus`: `script` is `app:minutes,…`
/// starting at `start`. While it runs, every rating prompt shown is answered with `answer`
/// (repeatedly: the child may not listen yet the first time). Returns the child's stderr.
fn run_child(bus_address: &str, db: &Path, start: Millis, script: &str, server: Option<(&Server, &str)>) -> String {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["notify::tracker_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("DBUS_SESSION_BUS_ADDRESS", bus_address)
        .env("NO_AT_BRIDGE", "1")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("MAST_NOTIFY_CHILD", format!("{}|{start}|{script}", db.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap());
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the tracker child did not finish");
        }
        if let Some((server, answer)) = server {
            let prompts: Vec<u32> =
                server.shown.lock().unwrap().iter().filter(|s| !s.actions.is_empty()).map(|s| s.id).collect();
            for id in prompts {
                server.invoke(id, answer);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let err = reader.join().unwrap();
    assert!(status.success(), "tracker child failed:\n{err}");
    err
}

fn setup_db(dir: &Path, limit_min: u32) -> std::path::PathBuf {
    let db = dir.join("mast.db");
    let mut store = Store::open(&db).unwrap();
    let goal = NewGoal {
        target: GoalTarget::Platform("instagram".into()),
        kind: GoalKind::DailyLimit { limit_secs: limit_min * 60 },
        weekdays: Weekdays::ALL,
        source: GoalSource::Personal,
    };
    store.add_goal(&goal, START - 86_400_000).unwrap();
    db
}

#[test]
fn limits_nudge_once_each_across_a_restart_and_a_long_session_is_rated() {
    let t0 = Instant::now();
    let bus = Bus::start();
    let server = Server::start(&bus);
    let dir = tempfile::tempdir().unwrap();
    let db = setup_db(dir.path(), 30);

    // 25 minutes on Instagram: 80 % of the 30-minute limit.
    run_child(&bus.address, &db, START, "instagram:25,xterm:1", Some((&server, "not")));
    assert_eq!(server.summaries(), ["Instagram: 24 min of 30 min today"]);

    // A restart, then 25 more minutes: 100 %, and a worth-it question once the long
    // session is over (two minutes elsewhere), answered "not worth it".
    let second = START + 30 * MIN;
    run_child(&bus.address, &db, second, "instagram:25,xterm:2", Some((&server, "not")));
    let shown = server.shown.lock().unwrap().clone();
    assert_eq!(
        shown.iter().map(|s| s.summary.as_str()).collect::<Vec<_>>(),
        ["Instagram: 24 min of 30 min today", "Instagram: 30 min of 30 min today", "Was this worth it?"]
    );
    assert_eq!(shown[1].body, "You have reached your daily limit of 30 min.");
    assert_eq!(shown[2].body, "Instagram: 25 min, 12:30–12:55.");
    assert_eq!(shown[2].actions, ["worth", "Worth it", "not", "Not worth it"]);

    let store = Store::open(&db).unwrap();
    let ratings = store.ratings(0, Millis::MAX).unwrap();
    assert_eq!(ratings.len(), 1, "{ratings:?}");
    let r = &ratings[0];
    assert_eq!(
        (r.platform.as_deref(), r.worth, r.start_ms, r.end_ms),
        (Some("instagram"), false, second + STEP, second + STEP + 25 * MIN),
        "the first poll is one step after the start"
    );
    let keys = store.nudge_keys_since(chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()).unwrap();
    assert_eq!(keys.len(), 3, "{keys:?}");
    drop(store);

    // A third start the same day: still past the limit, but nothing repeats.
    run_child(&bus.address, &db, START + 60 * MIN, "instagram:5", Some((&server, "not")));
    assert_eq!(server.summaries().len(), 3, "{:?}", server.summaries());
    eprintln!("limits_nudge_once_each…: {:?}", t0.elapsed());
}

#[test]
fn a_familys_shared_goal_nudges_like_the_members_own_and_says_whose_it_is() {
    let bus = Bus::start();
    let server = Server::start(&bus);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mast.db");
    let mut store = Store::open(&db).unwrap();
    let shared = NewGoal {
        target: GoalTarget::Platform("instagram".into()),
        kind: GoalKind::DailyLimit { limit_secs: 20 * 60 },
        weekdays: Weekdays::ALL,
        source: GoalSource::Family("Home".into()),
    };
    // As a family sync stores it.
    store.apply_family_goals(&[("g-0000abcd".into(), shared)], START - 86_400_000).unwrap();
    drop(store);
    run_child(&bus.address, &db, START, "instagram:25,xterm:1", None);
    let shown = server.shown.lock().unwrap().clone();
    let summaries: Vec<&str> = shown.iter().map(|s| s.summary.as_str()).collect();
    assert_eq!(
        summaries[..2],
        ["Instagram: 16 min of 20 min today", "Instagram: 20 min of 20 min today"],
        "{summaries:?}"
    );
    assert_eq!(shown[1].body, "You have reached Home's shared daily limit of 20 min.");
}

#[test]
fn no_notification_server_does_not_stop_tracking() {
    let t0 = Instant::now();
    // A bus on which nobody owns org.freedesktop.Notifications.
    let bus = Bus::start();
    let dir = tempfile::tempdir().unwrap();
    let db = setup_db(dir.path(), 10);
    let err = run_child(&bus.address, &db, START, "instagram:35,xterm:2", None);
    assert_eq!(err.matches("cannot show notifications").count(), 1, "warned once:\n{err}");
    let store = Store::open(&db).unwrap();
    let total = store.total_ms().unwrap();
    assert!(total >= 36 * MIN, "spans stored: {total} ms");
    assert!(store.nudge_keys_since(chrono::NaiveDate::MIN).unwrap().is_empty(), "nothing delivered, nothing recorded");
    eprintln!("no_notification_server…: {:?}", t0.elapsed());
}

/// Each call is [`STEP`] later.
struct StepClock(Cell<Millis>);

impl Clock for StepClock {
    fn now_ms(&self) -> Millis {
        let t = self.0.get();
        self.0.set(t + STEP);
        t
    }
    fn offset_min(&self, _at: Millis) -> i32 {
        0
    }
}

struct Script {
    steps: Arc<Mutex<VecDeque<Observation>>>,
    stop: Sender<()>,
}

impl Sensor for Script {
    fn observe(&mut self) -> Result<Observation, SensorError> {
        let mut steps = self.steps.lock().unwrap();
        let step = steps.pop_front().unwrap_or_default();
        if steps.is_empty() {
            let _ = self.stop.send(());
        }
        Ok(step)
    }
}

/// The tracker side of the tests above; run only by them, in a child process.
#[test]
#[ignore = "run by the notify tests in a child process, on their private D-Bus"]
fn tracker_child() {
    let spec = std::env::var("MAST_NOTIFY_CHILD").expect("run by the notify tests only");
    let mut parts = spec.splitn(3, '|');
    let (db, start, script) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    let start: Millis = start.parse().unwrap();
    let _ = tracing_subscriber::fmt().with_writer(std::io::stderr).with_ansi(false).try_init();

    let mut steps = VecDeque::new();
    for part in script.split(',') {
        let (app, mins) = part.split_once(':').unwrap();
        let title = if app == "instagram" { "Instagram — Mozilla Firefox" } else { "shell" };
        let class = if app == "instagram" { "firefox" } else { app };
        let window = Window { app: class.into(), exe: None, title: title.into(), url: None, pid: None };
        let n = mins.parse::<i64>().unwrap() * MIN / STEP;
        steps.extend((0..n).map(|_| Observation { window: Some(window.clone()), idle_ms: 0 }));
    }
    let steps = Arc::new(Mutex::new(steps));

    let settings = Settings { title_policy: TitlePolicy::All, ..Settings::default() };
    let rules = Rules::builtin();
    let classifier = Classifier { rules: rules.clone(), policy: TitlePolicy::All };
    // 1 ms between polls in real time; the clock says 5 s.
    let cfg = TrackerConfig { poll_interval_ms: 1, afk_threshold_ms: 180_000, max_gap_ms: 10 * STEP };
    let mut tracker = Tracker::new(cfg, classifier, &settings);
    let mut store = Store::open(Path::new(db)).unwrap();
    let clock = StepClock(Cell::new(start));
    let mut observer =
        NudgeObserver::start(&store, NudgeConfig::new(&settings, &rules), Desktop::default(), start, 0).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    track::run_observed(
        &mut store,
        &mut tracker,
        &mut |_: &Waker| Ok(Box::new(Script { steps: steps.clone(), stop: tx.clone() }) as Box<dyn Sensor + Send>),
        || None,
        &clock,
        &rx,
        &mut track::reopen_at(db.into()),
        &mut observer,
    )
    .unwrap();
    observer.finish(&mut store, clock.now_ms(), Duration::from_secs(10));
}

#[test]
fn mast_rate_rates_the_latest_session_and_a_day_and_lists_them() {
    use mast::model::{Category, Span, StoredWindow};
    let sandbox = crate::util::Sandbox::new();
    let mut store = Store::open(&sandbox.db()).unwrap();
    let span = |start: Millis, mins: i64, platform: &str| Span {
        start_ms: start,
        end_ms: start + mins * MIN,
        utc_offset_min: 0,
        window: StoredWindow {
            app: "firefox".into(),
            exe: "firefox".into(),
            platform: Some(platform.into()),
            category: Some(Category::Social),
            ..StoredWindow::default()
        },
    };
    store
        .write_spans(&[
            span(START, 20, "instagram"),
            span(START + 20 * MIN + 30_000, 10, "instagram"),
            span(START + 40 * MIN, 5, "reddit"),
        ])
        .unwrap();
    drop(store);

    let out = sandbox.ok(&["rate", "--session", "--platform", "instagram", "not"]);
    assert!(out.contains("not worth it"), "{out}");
    sandbox.ok(&["rate", "--session", "worth"]);
    sandbox.ok(&["rate", "--day", "2026-11-25", "not"]);
    let err = sandbox.run(&["rate", "--session", "--platform", "tiktok", "worth"]);
    assert!(!err.status.success());
    assert!(String::from_utf8_lossy(&err.stderr).contains("no session on 'tiktok'"));

    let list: serde_json::Value = serde_json::from_str(&sandbox.ok(&["rate", "--list", "--json"])).unwrap();
    let got: Vec<(String, Option<String>, i64, i64, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["scope"].as_str().unwrap().to_owned(),
                r["platform"].as_str().map(str::to_owned),
                r["startMs"].as_i64().unwrap(),
                r["endMs"].as_i64().unwrap(),
                r["worth"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(got.len(), 3, "{list}");
    // The Instagram session joins both spans (30 s apart, under the 60 s session gap).
    assert!(got.contains(&("session".into(), Some("instagram".into()), START, START + 30 * MIN + 30_000, false)));
    assert!(got.contains(&("session".into(), Some("reddit".into()), START + 40 * MIN, START + 45 * MIN, true)));
    assert!(got.iter().any(|r| r.0 == "day" && !r.4));
    assert!(sandbox.ok(&["rate", "--list"]).contains("not worth it"));
}
