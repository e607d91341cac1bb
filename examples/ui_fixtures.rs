//! Writes the desktop UI's test fixtures from real core output: a demo data dir with four
//! weeks of realistic usage and the demo goals, then exactly what the app's IPC commands
//! return for it, one JSON file per command (`today_view.json`, `mismatch-week.json` …).
//! The browser tests feed these to the UI through its mock backend, so the UI is tested on
//! what the core really returns. The date and clock are fixed, so the files are the same on
//! every run.
//!
//! Usage: `cargo run --example ui_fixtures -- ui/tests/fixtures`

use anyhow::{Context, Result};
use chrono::NaiveDate;
use mast::analysis::mismatch::Period;
use mast::classify::Rules;
use mast::settings::{Settings, TitlePolicy};
use mast::store::{Classifier, NewRating, RatingScope, Store};
use mast::views::{self, Now};
use serde::Serialize;
use std::path::Path;

const OFFSET_MIN: i32 = 60;

fn main() -> Result<()> {
    let out = std::env::args().nth(1).context("usage: ui_fixtures OUT_DIR")?;
    let out = Path::new(&out);
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("a date");
    // 20:30 local on the fixed day.
    let now = Now {
        ms: mast::localday::day_start_ms(today, OFFSET_MIN, 0) + (20 * 60 + 30) * 60_000,
        utc_offset_min: OFFSET_MIN,
    };

    let dir = tempfile::tempdir()?;
    let mut store = Store::open(&dir.path().join("mast.db"))?;
    let classifier = Classifier { rules: Rules::builtin(), policy: TitlePolicy::Targets };
    store.sync_classification(&classifier)?;
    let spans = mast::demo::realistic(28, today, OFFSET_MIN, 0x6d61_7374).take_while(|s| s.start_ms < now.ms);
    store.insert_observed(spans, &classifier)?;
    for g in mast::demo::goals() {
        store.add_goal(&g, now.ms)?;
    }
    // One session rated not worth it, so regretted time shows.
    if let Some(s) = store.last_session(Some("youtube"), 60_000)? {
        let day = mast::localday::local_day(s.start_ms, s.utc_offset_min, 4);
        let rating = NewRating {
            scope: RatingScope::Session,
            platform: Some(s.platform),
            start_ms: s.start_ms,
            end_ms: s.end_ms,
            day,
            worth: false,
        };
        store.add_rating(&rating, now.ms)?;
    }
    // Settings a person has changed a little, so the Settings view shows every kind of field.
    let settings = Settings {
        region: "us-canada".into(),
        exclude_apps: vec!["keepassxc".into()],
        quiet_hours: Some("22:00-08:00".into()),
        ..Settings::default()
    };

    write(out, "today_view", &views::today(&store, &settings, now)?)?;
    for (name, period) in [("day", Period::Day), ("week", Period::Week), ("month", Period::Month)] {
        write(out, &format!("mismatch-{name}"), &views::mismatch(&store, &settings, period, today, now)?)?;
    }
    let from = today - chrono::Days::new(27);
    write(out, "report", &store.report(views::report_params(&settings, from, today))?)?;
    write(out, "goals", &store.goals()?)?;
    write(out, "settings", &settings)?;
    // What the app reports while its tracker runs.
    let tracking =
        views::TrackingState { mode: views::TrackingMode::Tracking, paused_until_ms: None, message: None, demo: false };
    write(out, "tracking", &tracking)?;
    let week_ago = now.ms - mast::rule_draft::RECENT_DAYS * 86_400_000;
    let recent = store.recent_windows(week_ago, now.ms + 1, mast::rule_draft::RECENT_WINDOWS)?;
    write(out, "recent_windows", &recent)?;
    println!("wrote the UI fixtures to {}", out.display());
    Ok(())
}

fn write(dir: &Path, name: &str, value: &impl Serialize) -> Result<()> {
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(value)? + "\n")
        .with_context(|| format!("cannot write {}", path.display()))
}
