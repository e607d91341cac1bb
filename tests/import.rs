//! `mast import activitywatch` with the real binary: an export made here, with a ground
//! truth computed here from the fixture's own numbers, not by Mast's code.

use crate::util::Sandbox;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

/// 2025-06-02T10:00:00Z: mid-day in UTC, far from any day boundary.
const BASE_MS: i64 = 1_748_858_400_000;
const DAY: &str = "2025-06-02";

fn ts(secs: i64) -> String {
    chrono::DateTime::from_timestamp_millis(BASE_MS + secs * 1000).unwrap().to_rfc3339()
}

/// A well-formed event at `BASE + at` seconds, as text.
fn event(at: i64, secs: f64, data: &str) -> String {
    format!(r#"{{"id": {at}, "timestamp": "{}", "duration": {secs}, "data": {data}}}"#, ts(at))
}

fn window(at: i64, secs: f64, app: &str, title: &str) -> String {
    event(at, secs, &serde_json::json!({"app": app, "title": title}).to_string())
}

/// The fixture: two window buckets (with browser windows, overlaps and bad events), away
/// time, browser tabs (one incognito) and a bucket Mast does not read. Written as text, so
/// that it can hold what serde_json would never write.
fn export() -> String {
    let future = chrono::Utc::now().timestamp_millis() + 10 * 86_400_000;
    let future = chrono::DateTime::from_timestamp_millis(future).unwrap().to_rfc3339();
    let main = [
        window(0, 600.0, "firefox", "Home / X — Mozilla Firefox"),
        window(600, 300.0, "firefox", "YouTube — Mozilla Firefox"),
        window(900, 300.0, "xterm", "vim"),
        window(1200, 300.0, "discord", "#general | Friends - Discord"),
        // Overlaps the one before by 100 s: only its last 100 s count.
        window(1400, 200.0, "discord", "#general | Friends - Discord"),
        // Entirely within the xterm event.
        window(950, 50.0, "xterm", "vim"),
        // Bad events, one of each kind.
        window(3000, -5.0, "xterm", "negative"),
        window(3000, 1e300, "xterm", "huge"),
        format!(r#"{{"timestamp": "{}", "duration": "NaN", "data": {{"app": "xterm", "title": "t"}}}}"#, ts(3000)),
        format!(r#"{{"timestamp": "{}", "data": {{"app": "xterm", "title": "t"}}}}"#, ts(3000)),
        r#"{"timestamp": "the day before yesterday", "duration": 5, "data": {"app": "xterm", "title": "t"}}"#.into(),
        r#"{"timestamp": "1999-12-31T23:00:00Z", "duration": 5, "data": {"app": "xterm", "title": "t"}}"#.into(),
        format!(r#"{{"timestamp": "{future}", "duration": 5, "data": {{"app": "xterm", "title": "t"}}}}"#),
        event(3000, 5.0, r#"{"app": 5, "title": "t"}"#),
        event(3000, 5.0, r#"{"app": "xterm", "title": ["t"]}"#),
        event(3000, 5.0, r#""not data""#),
        "42".into(),
    ];
    let second = [
        window(2000, 300.0, "firefox", "Instagram — Mozilla Firefox"),
        window(2300, 0.0, "firefox", "Instagram — Mozilla Firefox"),
    ];
    let afk = [
        event(100, 60.0, r#"{"status": "afk"}"#),
        event(160, 440.0, r#"{"status": "not-afk"}"#),
        event(5000, 600.0, r#"{"status": "afk"}"#),
    ];
    let web = [
        event(0, 300.0, r#"{"url": "https://x.com/home", "title": "Home / X", "incognito": false, "tabCount": 3}"#),
        event(300, 300.0, r#"{"url": "https://x.com/secret", "title": "Home / X", "incognito": true}"#),
        event(600, 300.0, r#"{"url": "https://www.youtube.com/watch?v=1", "title": "YouTube", "incognito": false}"#),
        event(2000, 300.0, r#"{"url": "https://www.instagram.com/", "title": "Instagram", "incognito": false}"#),
    ];
    format!(
        r#"{{"buckets": {{
  "aw-watcher-window_h": {{"id": "aw-watcher-window_h", "created": "{c}", "client": "aw-watcher-window",
    "events": [{main}], "type": "currentwindow", "hostname": "h", "data": {{}}, "last_updated": "{c}"}},
  "aw-watcher-afk_h": {{"id": "aw-watcher-afk_h", "type": "afkstatus", "hostname": "h", "events": [{afk}]}},
  "aw-watcher-web-firefox": {{"type": "web.tab.current", "hostname": "h", "events": [{web}]}},
  "aw-watcher-window_h2": {{"type": "currentwindow", "hostname": "h", "metadata": {{"start": null, "end": null}},
    "events": [{second}]}},
  "aw-watcher-input_h": {{"type": "os.hid.input", "hostname": "h", "events": [{input}]}}
}}}}"#,
        c = ts(0),
        main = main.join(",\n"),
        afk = afk.join(","),
        web = web.join(","),
        second = second.join(","),
        input = event(0, 5.0, r#"{"presses": 3}"#),
    )
}

/// Seconds per platform, from the fixture's own numbers: the X window less its minute
/// away, YouTube, Discord with the overlap counted once, Instagram.
fn expected() -> Vec<(&'static str, f64)> {
    vec![("discord", 300.0 + 100.0), ("instagram", 300.0), ("x", 600.0 - 60.0), ("youtube", 300.0)]
}
const EXPECTED_ACTIVE: f64 = 540.0 + 300.0 + 300.0 + 400.0 + 300.0;

/// Runs `mast` in UTC, so the fixture's instants fall on the day they say.
fn run(s: &Sandbox, args: &[&str]) -> Output {
    s.command().env("TZ", "UTC").args(args).output().expect("run mast")
}

fn ok_json(s: &Sandbox, args: &[&str]) -> Value {
    let out = run(s, args);
    assert!(out.status.success(), "mast {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn fails(s: &Sandbox, args: &[&str]) -> String {
    let out = run(s, args);
    assert!(!out.status.success(), "mast {args:?} should have failed: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

fn platforms(report: &Value) -> Vec<(String, f64)> {
    let mut v: Vec<(String, f64)> = report["total"]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["platform"].as_str().unwrap().to_owned(), t["seconds"].as_f64().unwrap()))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// What the store holds, as the user sees it.
fn state(s: &Sandbox) -> (Value, Value) {
    (ok_json(s, &["log", "--day", DAY, "--json"]), ok_json(s, &["report", "--day", DAY, "--json"]))
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn an_export_is_imported_once_with_the_fixtures_totals() {
    let s = Sandbox::new();
    let file = write(s.dir.path(), "aw-export.json", &export());
    let first = ok_json(&s, &["import", "activitywatch", &file, "--json"]);
    assert_eq!(first["schema"], 1);
    assert_eq!(first["buckets"], serde_json::json!({"window": 2, "afk": 1, "web": 1, "other": 1}));
    // X (one event), YouTube, xterm, Discord twice, Instagram.
    assert_eq!(first["importedEvents"], 6, "{first:#}");
    assert_eq!(first["importedSeconds"], EXPECTED_ACTIVE);
    assert_eq!(first["afkSeconds"], 60.0);
    assert_eq!(first["overlapSeconds"], 100.0 + 50.0);
    assert_eq!(first["ignoredEvents"], 1);
    let skipped = &first["skipped"];
    let expected_skips = serde_json::json!({
        "badDuration": 4, "badTimestamp": 1, "outOfRange": 2, "badData": 3, "notAnObject": 1,
        "overlap": 1, "zeroDuration": 1,
    });
    assert_eq!(skipped, &expected_skips, "{first:#}");
    assert_eq!(first["from"], ts(0).replace("+00:00", "Z"));
    assert_eq!(first["to"], ts(2300).replace("+00:00", "Z"));

    let report = ok_json(&s, &["report", "--day", DAY, "--json"]);
    let want: Vec<(String, f64)> = expected().into_iter().map(|(p, s)| (p.to_owned(), s)).collect();
    assert_eq!(platforms(&report), want);
    assert_eq!(report["total"]["activeSeconds"], EXPECTED_ACTIVE);

    // The tab's url reached the browser window; the incognito tab left neither title nor
    // url, yet still counts as X.
    let log = ok_json(&s, &["log", "--day", DAY, "--json"]);
    let spans = log.as_array().unwrap();
    let at = |secs: i64| spans.iter().find(|r| r["startMs"] == BASE_MS + secs * 1000).unwrap();
    assert_eq!(at(0)["url"], "https://x.com/home");
    assert_eq!((&at(300)["platform"], &at(300)["title"], &at(300)["url"]), (&"x".into(), &Value::Null, &Value::Null));
    assert_eq!(at(2000)["url"], "https://www.instagram.com/");
    assert!(spans.iter().all(|r| r["title"] != "vim"), "the default policy keeps no titles of non-targets");

    // Twice: nothing added, all of it already there.
    let before = state(&s);
    let second = ok_json(&s, &["import", "activitywatch", &file, "--json"]);
    assert_eq!((&second["importedEvents"], &second["importedSpans"]), (&0.into(), &0.into()));
    assert_eq!(second["alreadyPresent"], 7, "the six imported and the one they overlapped: {second:#}");
    assert_eq!(state(&s), before);

    let out = run(&s, &["import", "activitywatch", &file, "--progress"]);
    let (text, progress) = (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap());
    assert!(text.contains("Imported 0 events") && text.contains("Already present: 7 events"), "{text}");
    assert!(progress.contains("(pass 1/2)") && progress.contains("(pass 2/2)"), "{progress}");
    let e = fails(&s, &["--demo", "import", "activitywatch", &file]);
    assert!(e.contains("without --demo"), "{e}");
}

#[test]
fn broken_files_fail_clearly_and_change_nothing() {
    let s = Sandbox::new();
    let good = export();
    let file = write(s.dir.path(), "aw-export.json", &good);
    ok_json(&s, &["import", "activitywatch", &file, "--json"]);
    // Another day of the same export, so a partial import would show.
    let next_day = good.replace("2025-06-02T", "2025-06-03T");
    let before = state(&s);
    let day2 = || ok_json(&s, &["log", "--day", "2025-06-03", "--json"]);
    assert_eq!(day2(), serde_json::json!([]));

    let truncated = write(s.dir.path(), "truncated.json", &next_day[..next_day.len() * 2 / 3]);
    let e = fails(&s, &["import", "activitywatch", &truncated]);
    assert!(e.contains("ends too soon") && e.contains("line ") && e.contains("Nothing was imported"), "{e}");

    let deep = format!(
        r#"{{"buckets": {{"w": {{"type": "currentwindow", "events": [{}, {{"data": {}1{}}}]}}}}}}"#,
        window(0, 5.0, "xterm", "vim").replace("2025-06-02T", "2025-06-03T"),
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = fails(&s, &["import", "activitywatch", &write(s.dir.path(), "deep.json", &deep)]);
    assert!(e.contains("levels deep at byte") && e.contains("Nothing was imported"), "{e}");

    let huge = format!(
        r#"{{"buckets": {{"w": {{"type": "currentwindow", "events": [{}, {}]}}}}}}"#,
        window(0, 5.0, "xterm", "vim").replace("2025-06-02T", "2025-06-03T"),
        window(10, 5.0, "xterm", &"a".repeat(3 << 20)).replace("2025-06-02T", "2025-06-03T"),
    );
    let e = fails(&s, &["import", "activitywatch", &write(s.dir.path(), "huge.json", &huge)]);
    assert!(e.contains("longer than 1 MiB starting at byte"), "{e}");

    let e = fails(&s, &["import", "activitywatch", &write(s.dir.path(), "other.json", r#"{"events": []}"#)]);
    assert!(e.contains("no \"buckets\""), "{e}");
    let e = fails(&s, &["import", "activitywatch", &write(s.dir.path(), "notes.txt", "my notes\n")]);
    assert!(e.contains("not a valid ActivityWatch export"), "{e}");
    let e = fails(&s, &["import", "activitywatch", "/nonexistent/aw.json"]);
    assert!(e.contains("/nonexistent/aw.json"), "{e}");

    assert_eq!(state(&s), before);
    assert_eq!(day2(), serde_json::json!([]));
    // The untouched remainder of the same file imports fine.
    let whole = write(s.dir.path(), "next-day.json", &next_day);
    let v = ok_json(&s, &["import", "activitywatch", &whole, "--json"]);
    assert_eq!(v["importedSeconds"], EXPECTED_ACTIVE);
}
