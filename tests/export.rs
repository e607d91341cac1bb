//! `mast export`: the personal export read back — CSV with a CSV reader, JSON Lines with a
//! JSON parser — and held against `mast report`, `mast goals list` and the schema it writes.

use crate::util::Sandbox;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn demo() -> Sandbox {
    let s = Sandbox::new();
    s.ok(&["demo", "--days", "14"]);
    s.ok(&["--demo", "rate", "--day", "yesterday", "not"]);
    s
}

fn csv_rows(path: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| {
            header.iter().cloned().zip(rec.expect("a well-formed CSV record").iter().map(str::to_owned)).collect()
        })
        .collect();
    (header, rows)
}

fn jsonl_rows(path: &Path) -> Vec<serde_json::Map<String, Value>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| match serde_json::from_str(l).expect("each line is JSON") {
            Value::Object(o) => o,
            other => panic!("not an object: {other}"),
        })
        .collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

#[test]
fn the_export_reads_back_and_matches_the_report_goals_and_schema() {
    let s = demo();
    let csv_dir = s.dir.path().join("export-csv");
    let jsonl_dir = s.dir.path().join("export-jsonl");
    let summary = s.json(&["--demo", "export", "--format", "csv", "--out", csv_dir.to_str().unwrap(), "--json"]);
    s.ok(&["--demo", "export", "--format", "jsonl", "--out", jsonl_dir.to_str().unwrap()]);
    let (from, to) = (summary["from"].as_str().unwrap(), summary["to"].as_str().unwrap());
    let report = s.json(&["--demo", "report", "--from", from, "--to", to, "--json"]);

    // Spans: every recorded second, nothing else.
    let (header, spans) = csv_rows(&csv_dir.join("spans.csv"));
    assert!(spans.len() > 1000, "{} spans", spans.len());
    let seconds: f64 = spans.iter().map(|r| num(&r["seconds"])).sum();
    let active = report["total"]["activeSeconds"].as_f64().unwrap();
    assert!((seconds - active).abs() < 0.01, "spans {seconds} s, report {active} s");
    for r in &spans {
        assert_eq!(num(&r["end_ms"]) - num(&r["start_ms"]), (num(&r["seconds"]) * 1000.0).round(), "{r:?}");
    }
    let on_instagram: f64 = spans.iter().filter(|r| r["platform"] == "instagram").map(|r| num(&r["seconds"])).sum();
    assert!(on_instagram > 0.0);

    // Daily totals per platform: the report's, day by day.
    let (_, totals) = csv_rows(&csv_dir.join("daily_totals.csv"));
    let mut from_report = BTreeMap::new();
    for day in report["days"].as_array().unwrap() {
        for t in day["targets"].as_array().unwrap() {
            let key = (day["date"].as_str().unwrap().to_owned(), t["platform"].as_str().unwrap().to_owned());
            from_report.insert(key, (t["seconds"].as_f64().unwrap(), t["sessions"].as_u64().unwrap()));
        }
    }
    let exported: BTreeMap<_, _> = totals
        .iter()
        .map(|r| ((r["day"].clone(), r["platform"].clone()), (num(&r["seconds"]), num(&r["sessions"]) as u64)))
        .collect();
    assert_eq!(exported, from_report);
    let (_, days) = csv_rows(&csv_dir.join("days.csv"));
    assert_eq!(days.len(), report["days"].as_array().unwrap().len());

    // Goals and ratings.
    let goals = s.json(&["--demo", "goals", "list", "--json"]);
    let (_, goal_rows) = csv_rows(&csv_dir.join("goals.csv"));
    assert_eq!(goal_rows.len(), goals.as_array().unwrap().len());
    assert!(goal_rows.iter().any(|g| g["kind"] == "dailyLimit" && !g["limit_seconds"].is_empty()), "{goal_rows:?}");
    let (_, ratings) = csv_rows(&csv_dir.join("ratings.csv"));
    assert_eq!(ratings.len(), 1);
    assert_eq!((ratings[0]["scope"].as_str(), ratings[0]["worth"].as_str()), ("day", "false"));

    // JSON Lines: the same rows, typed.
    let jspans = jsonl_rows(&jsonl_dir.join("spans.jsonl"));
    assert_eq!(jspans.len(), spans.len());
    assert_eq!(jspans[0]["start_ms"].as_i64().unwrap().to_string(), spans[0]["start_ms"]);
    assert!(jspans.iter().any(|r| r["title"].is_null()), "a null title is null, not \"\"");
    assert_eq!(jsonl_rows(&jsonl_dir.join("goals.jsonl")).len(), goal_rows.len());

    // The schema documents every column of every file, in the files' order.
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(csv_dir.join("schema.json")).unwrap()).unwrap();
    assert_eq!(schema["mastExport"], 1);
    let tables = schema["tables"].as_array().unwrap();
    assert_eq!(
        tables.iter().map(|t| t["file"].as_str().unwrap()).collect::<Vec<_>>(),
        ["spans.csv", "days.csv", "daily_totals.csv", "goals.csv", "ratings.csv"]
    );
    let spans_schema = &tables[0];
    assert_eq!(spans_schema["rows"].as_u64().unwrap() as usize, spans.len());
    let names: Vec<&str> =
        spans_schema["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, header);
    for t in tables {
        for c in t["columns"].as_array().unwrap() {
            assert!(c["description"].as_str().unwrap().len() > 5, "{c}");
        }
    }

    // Parquet (read back with pyarrow and DuckDB by scripts/export-readback.sh in make test).
    let pq_dir = s.dir.path().join("export-parquet");
    let pq = s.json(&["--demo", "export", "--format", "parquet", "--out", pq_dir.to_str().unwrap(), "--json"]);
    assert_eq!(pq["files"][0]["rows"].as_u64().unwrap() as usize, spans.len());
    for f in pq["files"].as_array().unwrap() {
        let bytes = std::fs::read(f["path"].as_str().unwrap()).unwrap();
        assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"), "{f}: not a whole Parquet file");
    }

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&csv_dir), 0o700);
        assert_eq!(mode(&csv_dir.join("spans.csv")), 0o600);
        assert_eq!(mode(&csv_dir.join("schema.json")), 0o600);
    }
}

#[test]
fn an_export_never_overwrites_without_force_and_a_failed_one_leaves_nothing() {
    let s = demo();
    let out = s.dir.path().join("out");
    let out_arg = out.to_str().unwrap();
    s.ok(&["--demo", "export", "--format", "csv", "--out", out_arg, "--from", "yesterday", "--to", "yesterday"]);
    let before = std::fs::read(out.join("spans.csv")).unwrap();

    let err = s.fails(&["--demo", "export", "--format", "csv", "--out", out_arg]);
    assert!(err.contains("spans.csv already exists; pass --force"), "{err}");
    assert_eq!(std::fs::read(out.join("spans.csv")).unwrap(), before, "untouched");
    assert_eq!(err.lines().count(), 1, "one message, not a log line besides it: {err}");

    s.ok(&["--demo", "export", "--format", "csv", "--out", out_arg, "--force"]);
    assert!(std::fs::read(out.join("spans.csv")).unwrap().len() > before.len(), "the whole range replaced it");

    // A failure half-way (here: the goals file cannot be created) removes what was written
    // and leaves the earlier export as it was.
    let kept = std::fs::read(out.join("spans.csv")).unwrap();
    std::fs::create_dir(out.join(".goals.csv.partial")).unwrap();
    let err = s.fails(&["--demo", "export", "--format", "csv", "--out", out_arg, "--force", "--from", "today"]);
    assert!(err.contains(".goals.csv.partial"), "{err}");
    assert_eq!(std::fs::read(out.join("spans.csv")).unwrap(), kept);
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".partial") && n != ".goals.csv.partial")
        .collect();
    assert!(left.is_empty(), "partial files left: {left:?}");

    // Bad arguments.
    let file = s.dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let err = s.fails(&["--demo", "export", "--format", "csv", "--out", file.to_str().unwrap()]);
    assert!(err.contains("is a file, not a directory"), "{err}");
    let err =
        s.fails(&["--demo", "export", "--format", "csv", "--out", out_arg, "--from", "today", "--to", "yesterday"]);
    assert!(err.contains("swap them"), "{err}");
    let err = s.fails(&["--demo", "export", "--format", "xml", "--out", out_arg]);
    assert!(err.contains("csv") && err.contains("jsonl"), "{err}");
}
