//! `mast mismatch` through the real binary on a demo data dir: the stable JSON, its numbers
//! checked against `mast report` and against each other, ratings feeding regretted time,
//! the terminal report, and refused arguments.

use crate::util::Sandbox;
use serde_json::Value;

fn demo() -> Sandbox {
    let s = Sandbox::new();
    let out = s.ok(&["demo", "--days", "35"]);
    assert!(out.contains("5 goals"), "{out}");
    s
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * a.abs().max(1.0)
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The last 30 days as `--from D --to D`, whatever today is.
fn last_30_days(s: &Sandbox) -> (String, String) {
    let week = s.json(&["--demo", "report", "--week", "--json"]);
    let to = chrono::NaiveDate::parse_from_str(week["to"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    ((to - chrono::Days::new(29)).to_string(), to.to_string())
}

#[test]
fn the_json_is_schema_1_and_its_numbers_agree_with_the_report_and_each_other() {
    let s = demo();
    let (from, to) = last_30_days(&s);
    let m = s.json(&["--demo", "mismatch", "--from", &from, "--to", &to, "--json"]);
    assert_eq!((m["schema"].as_u64(), m["period"].as_str()), (Some(1), Some("custom")));
    let report = s.json(&["--demo", "report", "--from", &from, "--to", &to, "--json"]);
    let reported = |platform: &str| -> f64 {
        report["total"]["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["platform"] == platform)
            .map_or(0.0, |t| f(&t["seconds"]))
    };
    assert!(close(f(&m["totalSeconds"]), f(&report["total"]["targetSeconds"])), "total time differs from the report");

    let targets = m["targets"].as_array().unwrap();
    let keys: Vec<&str> = targets.iter().map(|t| t["target"]["id"].as_str().unwrap()).collect();
    // The demo's goal targets first, in the order of their goals.
    assert_eq!(keys[..4], ["instagram", "youtube", "social", "reddit"], "{keys:?}");
    for t in targets {
        let id = t["target"]["id"].as_str().unwrap();
        let (seconds, captured) = (f(&t["seconds"]), f(&t["capturedSeconds"]));
        let daily: f64 = t["dailySeconds"].as_array().unwrap().iter().map(f).sum();
        assert!(close(daily, seconds), "{id}: days sum to {daily}, not {seconds}");
        assert_eq!(t["dailySeconds"].as_array().unwrap().len(), 30);
        if t["target"]["kind"] == "platform" {
            assert!(close(seconds, reported(id)), "{id}: {seconds} s here, {} in the report", reported(id));
        }
        assert!(captured <= seconds + 1e-9, "{id}: captured more than used");
        match t["mismatchIndex"].as_f64() {
            Some(i) => assert!(close(i, captured / seconds), "{id}: index {i}"),
            None => {
                assert!(t["hasGoals"] == false || seconds == 0.0, "{id}: a target with goals and time has an index")
            }
        }
        for g in t["goals"].as_array().unwrap() {
            let days = g["days"].as_array().unwrap();
            assert_eq!(days.len(), 30);
            let count = |st: &str| days.iter().filter(|d| d["status"] == st).count() as u64;
            assert_eq!(g["daysKept"].as_u64(), Some(count("kept")), "{id}");
            assert_eq!(g["daysBroken"].as_u64(), Some(count("broken")), "{id}");
            assert!(f(&g["capturedSeconds"]) <= captured + 1e-9, "{id}: one goal captured more than all");
            assert!(!g["objective"].as_str().unwrap().is_empty() && !g["measured"].as_str().unwrap().is_empty());
        }
        // Every finding names a metric whose value the report carries.
        for finding in t["findings"].as_array().unwrap() {
            let metric = finding["metric"].as_str().unwrap();
            let value = f(&finding["value"]);
            if let Some(v) = t.get(metric).or_else(|| t["patterns"].get(metric)) {
                assert!(close(f(v), value), "{id}: {metric} is {v}, the finding says {value}");
            }
            assert!(!finding["text"].as_str().unwrap().is_empty());
        }
    }
    // The demo breaks its Instagram limit and keeps some days: both show.
    let ig = &targets[0];
    let limit = &ig["goals"][0];
    assert_eq!(limit["goal"]["kind"], "dailyLimit");
    assert!(limit["daysBroken"].as_u64().unwrap() > 0 && limit["daysKept"].as_u64().unwrap() > 0, "{limit}");
    assert!(f(&ig["capturedSeconds"]) > 0.0);
}

#[test]
fn a_session_rated_not_worth_it_becomes_regretted_time() {
    let s = demo();
    let (from, to) = last_30_days(&s);
    let before = s.json(&["--demo", "mismatch", "--from", &from, "--to", &to, "--json"]);
    assert_eq!(f(&before["regrettedSeconds"]), 0.0);
    s.ok(&["--demo", "rate", "--session", "--platform", "youtube", "not"]);
    let after = s.json(&["--demo", "mismatch", "--from", &from, "--to", &to, "--json"]);
    let yt = after["targets"].as_array().unwrap().iter().find(|t| t["target"]["id"] == "youtube").unwrap();
    let regretted = f(&yt["regrettedSeconds"]);
    assert!(regretted > 0.0, "{yt}");
    assert_eq!((f(&yt["ratedSeconds"]), f(&after["regrettedSeconds"])), (regretted, regretted));
}

#[test]
fn the_terminal_report_puts_objectives_beside_what_the_apps_got() {
    let s = demo();
    let out = s.ok(&["--demo", "mismatch", "--month"]);
    assert!(out.starts_with("Objective mismatch — "), "{out}");
    for want in [
        "YOUR OBJECTIVE",
        "WHAT THE APP GOT",
        "Instagram",
        "at most 30 min a day",
        "no use 23:00–07:00",
        "mismatch index",
    ] {
        assert!(out.contains(want), "missing {want:?}:\n{out}");
    }
    let day = s.ok(&["--demo", "mismatch", "--day", "yesterday"]);
    assert!(day.contains("at most 30 min a day"), "{day}");
}

#[test]
fn without_goals_or_data_it_says_what_to_do() {
    let s = Sandbox::new();
    let out = s.ok(&["mismatch"]);
    assert!(out.contains("No time on tracked apps") && out.contains("mast status"), "{out}");
    let json = s.json(&["mismatch", "--json"]);
    assert_eq!((json["targets"].as_array().map(Vec::len), json["mismatchIndex"].is_null()), (Some(0), true));
}

#[test]
fn bad_periods_are_refused_with_a_fix() {
    let s = Sandbox::new();
    let err = s.fails(&["mismatch", "--day", "2026-13-01"]);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let err = s.fails(&["mismatch", "--from", "2026-05-02", "--to", "2026-05-01"]);
    assert!(err.contains("swap them"), "{err}");
    let out = s.run(&["mismatch", "--day", "--week"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses two periods");
}
