//! `mast goals` through the real binary: every kind added and listed, edits, pauses,
//! removal, and refused goals leaving nothing behind.

use crate::util::Sandbox;
use serde_json::{json, Value};

fn goals(s: &Sandbox) -> Vec<Value> {
    s.json(&["goals", "list", "--json"]).as_array().expect("a JSON array").clone()
}

/// Runs `mast` expecting exit status 1 and returns stderr.
fn refused(s: &Sandbox, args: &[&str]) -> String {
    let out = s.run(args);
    assert_eq!(out.status.code(), Some(1), "mast {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn every_kind_is_added_and_listed_as_stable_json() {
    let s = Sandbox::new();
    assert!(s.ok(&["goals"]).contains("No goals yet"));
    let added = [
        (vec!["instagram", "--daily", "30m"], "Added goal 1: instagram: at most 30 min a day"),
        (
            vec!["video", "--weekly", "5h", "--days", "weekends"],
            "Added goal 2: video (category): at most 5 h a week on weekends",
        ),
        (vec!["social", "--downtime", "23:00-07:00", "--days", "mon-fri"], "no use 23:00–07:00 on weekdays"),
        (vec!["youtube", "--session-cap", "15m"], "youtube: no session over 15 min"),
        (vec!["reddit", "--checks", "10", "--days", "sat,sun"], "at most 10 sessions a day on weekends"),
        (
            vec!["instagram", "--intent", "keep up with family photos", "--planned", "10m"],
            "instagram: to “keep up with family photos”, about 10 min a session",
        ),
    ];
    for (args, want) in &added {
        let out = s.ok(&[&["goals", "add"][..], args].concat());
        assert!(out.contains(want), "{out}");
    }

    let list = goals(&s);
    assert_eq!(
        list,
        vec![
            json!({"id": 1, "target": {"kind": "platform", "id": "instagram"}, "kind": "dailyLimit",
                   "limitSecs": 1800, "weekdays": 127, "paused": false, "source": "personal"}),
            json!({"id": 2, "target": {"kind": "category", "id": "video"}, "kind": "weeklyLimit",
                   "limitSecs": 18000, "weekdays": 96, "paused": false, "source": "personal"}),
            json!({"id": 3, "target": {"kind": "category", "id": "social"}, "kind": "downtime",
                   "startMin": 1380, "endMin": 420, "weekdays": 31, "paused": false, "source": "personal"}),
            json!({"id": 4, "target": {"kind": "platform", "id": "youtube"}, "kind": "sessionCap",
                   "capSecs": 900, "weekdays": 127, "paused": false, "source": "personal"}),
            json!({"id": 5, "target": {"kind": "platform", "id": "reddit"}, "kind": "checksCap",
                   "maxPerDay": 10, "weekdays": 96, "paused": false, "source": "personal"}),
            json!({"id": 6, "target": {"kind": "platform", "id": "instagram"}, "kind": "intent",
                   "purpose": "keep up with family photos", "plannedSecs": 600, "weekdays": 127,
                   "paused": false, "source": "personal"}),
        ]
    );

    let table = s.ok(&["goals", "list"]);
    assert!(table.starts_with("ID  TARGET"), "{table}");
    assert_eq!(table.lines().count(), 7, "{table}");
}

#[test]
fn edit_pause_resume_and_remove() {
    let s = Sandbox::new();
    s.ok(&["goals", "add", "instagram", "--daily", "30m"]);
    s.ok(&["goals", "add", "youtube", "--intent", "lectures"]);

    let out = s.ok(&["goals", "edit", "1", "--daily", "45m", "--days", "weekdays"]);
    assert!(out.contains("Goal 1 is now: instagram: at most 45 min a day on weekdays"), "{out}");
    s.ok(&["goals", "edit", "2", "--planned", "20m"]);
    s.ok(&["goals", "edit", "1", "--target", "tiktok", "--session-cap", "10m"]);
    let list = goals(&s);
    assert_eq!(list[0]["target"]["id"], "tiktok");
    assert_eq!(list[0]["kind"], "sessionCap");
    assert_eq!(list[0]["capSecs"], 600);
    assert_eq!(list[0]["weekdays"], 31);
    assert!(list[0].get("limitSecs").is_none(), "the old kind's value is gone: {}", list[0]);
    assert_eq!(list[1]["plannedSecs"], 1200);
    assert_eq!(list[1]["purpose"], "lectures");

    s.ok(&["goals", "pause", "1"]);
    assert_eq!(goals(&s)[0]["paused"], true);
    let table = s.ok(&["goals", "list"]);
    let line = table.lines().find(|l| l.contains("tiktok")).unwrap();
    assert!(line.ends_with("paused"), "{table}");
    s.ok(&["goals", "resume", "1"]);
    assert_eq!(goals(&s)[0]["paused"], false);
    s.ok(&["goals", "pause", "1"]);
    s.ok(&["goals", "pause", "1", "--off"]);
    assert_eq!(goals(&s)[0]["paused"], false);

    let out = s.ok(&["goals", "rm", "1"]);
    assert!(out.contains("Removed goal 1"), "{out}");
    let list = goals(&s);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], 2);

    for args in [["goals", "rm", "1"], ["goals", "pause", "7"]] {
        let e = refused(&s, &args);
        assert!(e.contains("no goal") && e.contains("mast goals list"), "{e}");
    }
}

#[test]
fn invalid_goals_are_refused_and_nothing_is_stored() {
    let s = Sandbox::new();
    s.ok(&["goals", "add", "instagram", "--daily", "30m"]);
    let before = goals(&s);
    let cases: &[(&[&str], &str)] = &[
        (&["instagarm", "--daily", "30m"], "did you mean instagram?"),
        (&["nosuchthing", "--daily", "30m"], "mast rules list"),
        (&["youtube", "--daily", "0m"], "more than zero"),
        (&["youtube", "--daily", "-5m"], "negative"),
        (&["youtube", "--daily", "25h"], "more than a day holds"),
        (&["youtube", "--weekly", "200h"], "more than a week holds"),
        (&["youtube", "--daily", "45"], "no unit"),
        (&["youtube", "--downtime", "25:00-07:00"], "'25:00' is not a time of day"),
        (&["youtube", "--downtime", "07:00-07:00"], "same time"),
        (&["youtube", "--checks", "-3"], "negative"),
        (&["youtube", "--intent", " "], "purpose"),
        (&["youtube", "--planned", "10m"], "--planned goes with --intent"),
        (&["youtube", "--daily", "30m", "--weekly", "5h"], "exactly one kind"),
        (&["youtube"], "say what the goal is"),
        (&["youtube", "--daily", "30m", "--days", "funday"], "is not a day"),
        (&["instagram", "--daily", "45m", "--days", "mon-fri"], "`mast goals edit 1 --daily 45m`"),
    ];
    for (args, want) in cases {
        let e = refused(&s, &[&["goals", "add"][..], args].concat());
        assert!(e.contains(want), "{args:?}: {e}");
    }
    let e = refused(&s, &["goals", "edit", "1", "--daily", "-1h"]);
    assert!(e.contains("negative"), "{e}");
    let e = refused(&s, &["goals", "edit", "1"]);
    assert!(e.contains("nothing to change"), "{e}");
    assert_eq!(goals(&s), before, "a refused goal must leave the store as it was");
}

#[test]
fn paused_and_non_overlapping_goals_do_not_clash() {
    let s = Sandbox::new();
    s.ok(&["goals", "add", "instagram", "--daily", "30m", "--days", "weekdays"]);
    // Other days: allowed.
    s.ok(&["goals", "add", "instagram", "--daily", "1h", "--days", "weekends"]);
    // A paused duplicate does not block a new goal …
    s.ok(&["goals", "pause", "1"]);
    s.ok(&["goals", "add", "instagram", "--daily", "20m", "--days", "mon"]);
    // … but it cannot be resumed while the new one covers its days.
    let e = refused(&s, &["goals", "resume", "1"]);
    assert!(e.contains("cannot be resumed") && e.contains("goal 3"), "{e}");
    assert_eq!(goals(&s)[0]["paused"], true);
    // Downtime windows that do not overlap can coexist.
    s.ok(&["goals", "add", "youtube", "--downtime", "23:00-07:00"]);
    s.ok(&["goals", "add", "youtube", "--downtime", "09:00-12:00"]);
    let e = refused(&s, &["goals", "add", "youtube", "--downtime", "06:00-10:00"]);
    assert!(e.contains("already has a downtime window"), "{e}");
}
