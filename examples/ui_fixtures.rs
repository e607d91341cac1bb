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
    write(out, "platform_choices", &views::platform_choices(&store, &classifier.rules, &settings, now)?)?;
    write(out, "settings", &settings)?;
    // Not a command's answer: the table `format.test.ts` checks the UI's duration formatter on.
    write(out, "durations", &mast::format::duration_cases())?;
    // What the app reports while its tracker runs.
    let sensor = mast::sensor::SensorInfo {
        kind: mast::sensor::SensorKind::Wlroots,
        detail: "sway 1.7".into(),
        idle: mast::sensor::IdleKind::KdeKwinIdle,
    };
    let tracking = views::TrackingState {
        mode: views::TrackingMode::Tracking,
        paused_until_ms: None,
        message: None,
        demo: false,
        sensor: Some(mast::track::state::SensorState {
            pid: 4242,
            summary: Some(sensor.to_string()),
            sensor: Some(sensor),
            problem: None,
            reason: "a Wayland session".into(),
            since_ms: now.ms - 3_600_000,
        }),
        tray: true,
        gnome: false,
    };
    write(out, "tracking", &tracking)?;
    write(out, "tracking_no_sensor", &no_sensor(now.ms))?;
    let week_ago = now.ms - mast::rule_draft::RECENT_DAYS * 86_400_000;
    let recent = store.recent_windows(week_ago, now.ms + 1, mast::rule_draft::RECENT_WINDOWS)?;
    write(out, "recent_windows", &recent)?;
    family(out, &mut store, &settings, now)?;
    println!("wrote the UI fixtures to {}", out.display());
    Ok(())
}

/// The Family view's fixtures: a family of three devices (this demo's as the creator, two
/// more with demo usage of their own) sharing one folder, with shared goals, a proposal and
/// a week of published adherence; then the creator's status once a forged `family.json`
/// replaced the family's. Random ids, fingerprints and the folder's path are replaced by
/// stable ones, so the files are the same on every run.
fn family(out: &Path, store: &mut Store, settings: &Settings, now: Now) -> Result<()> {
    use mast::family::crypto::KdfParams;
    use mast::family::model::SharedGoal;
    use mast::family::view::{CreateFamily, FamilyAction, JoinFamily};
    use mast::family::Family;
    use mast::goals::{GoalKind, GoalTarget, Weekdays};

    let dir = tempfile::tempdir()?;
    let folder = dir.path().join("family").display().to_string();
    let joined = now.ms - 13 * 86_400_000;
    let kdf = KdfParams { memory_kib: 8 * 1024, passes: 1, lanes: 1 };
    let pass = "fixture passphrase";
    let setup =
        CreateFamily { folder: folder.clone(), name: "Home".into(), member: "parent".into(), passphrase: pass.into() };
    let mut parent = Family::create(&dir.path().join("parent"), &setup, kdf, joined)?;
    let rules = Rules::builtin();
    let goal = |target: &str, kind: GoalKind, members: &[&str]| SharedGoal {
        target: GoalTarget::Platform(target.into()),
        kind,
        weekdays: Weekdays::ALL,
        members: members.iter().map(|m| m.to_string()).collect(),
    };
    let mut others = Vec::new();
    for (i, member) in ["teen", "carer"].into_iter().enumerate() {
        let data = dir.path().join(member);
        std::fs::create_dir_all(&data)?;
        let mut s = Store::open(&data.join("mast.db"))?;
        let classifier = Classifier { rules: rules.clone(), policy: TitlePolicy::Targets };
        s.sync_classification(&classifier)?;
        let spans = mast::demo::realistic(28, now.today(settings), OFFSET_MIN, 0x7465_656e + i as u64)
            .take_while(|sp| sp.start_ms < now.ms);
        s.insert_observed(spans, &classifier)?;
        let join = JoinFamily {
            folder: folder.clone(),
            member: member.into(),
            passphrase: pass.into(),
            fingerprint: parent.fingerprint(),
        };
        others.push((Family::join(&data, &join, joined)?, s));
    }
    parent.act(
        store,
        settings,
        &rules,
        &FamilyAction::SetOrganiser { member: "carer".into(), organiser: true },
        now,
    )?;
    let daily = |mins: u32| GoalKind::DailyLimit { limit_secs: mins * 60 };
    for action in [
        FamilyAction::AddGoal { goal: goal("instagram", daily(30), &[]) },
        FamilyAction::AddGoal { goal: goal("youtube", GoalKind::SessionCap { cap_secs: 20 * 60 }, &["teen"]) },
    ] {
        parent.act(store, settings, &rules, &action, now)?;
    }
    let (teen, teen_store) = &mut others[0];
    teen.act(teen_store, settings, &rules, &FamilyAction::Propose { goal: goal("reddit", daily(20), &["teen"]) }, now)?;
    for (f, s) in &mut others {
        f.sync(s, settings, now, true)?;
    }
    let status = parent.sync(store, settings, now, true)?;
    let preview = parent.preview(store, settings, now)?;
    // The same family after someone with the passphrase replaced its family.json with one
    // naming their own device creator: what the parent's device reports then.
    let forger = mast::family::signing::DeviceKey::generate();
    let (_, forged) = mast::family::crypto::FamilyKey::create(pass, kdf, &forger.public())?;
    let forged_text = serde_json::to_string_pretty(&forged)?;
    std::fs::write(Path::new(&folder).join(mast::family::folder::HEADER_FILE), forged_text)?;
    let replaced = parent.sync(store, settings, now, false)?;

    // Stable stand-ins for what is random: ids, keys' short forms, the temporary folder.
    let mut text = serde_json::to_string_pretty(&status)? + "\n";
    let mut preview_text = serde_json::to_string_pretty(&preview)? + "\n";
    let mut replaced_text = serde_json::to_string_pretty(&replaced)? + "\n";
    let mut swaps: Vec<(String, String)> = vec![(folder.clone(), "/home/parent/Sync/family".into())];
    // The adherence file names the device's whole public key: before its short form.
    swaps.push((preview.adherence.key.clone(), "0".repeat(63) + "2"));
    swaps.push((status.id.clone(), "0f".repeat(16)));
    swaps.push((status.fingerprint.clone(), "7KQ2-M9XD-4T8C-Q2WN".into()));
    swaps.push((forged.fingerprint(), "R3VN-8QTD-W5KX-1M7C".into()));
    for (i, m) in status.members.iter().enumerate() {
        swaps.push((m.device.clone(), format!("{:016x}", i + 1)));
    }
    for (i, g) in status.goals.iter().enumerate() {
        swaps.push((g.id[2..].to_string(), format!("{:08x}", 0xa0 + i)));
    }
    for (i, p) in status.proposals.iter().enumerate() {
        swaps.push((p.id[2..].to_string(), format!("{:08x}", 0xb0 + i)));
    }
    for (from, to) in &swaps {
        text = text.replace(from.as_str(), to);
        preview_text = preview_text.replace(from.as_str(), to);
        replaced_text = replaced_text.replace(from.as_str(), to);
    }
    std::fs::write(out.join("family.json"), text)?;
    std::fs::write(out.join("family_preview.json"), preview_text)?;
    std::fs::write(out.join("family_replaced.json"), replaced_text)?;
    Ok(())
}

fn write(dir: &Path, name: &str, value: &impl Serialize) -> Result<()> {
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(value)? + "\n")
        .with_context(|| format!("cannot write {}", path.display()))
}

/// What the app reports on GNOME without Mast's extension and without a tray: the core's
/// own choice and words, from the documented order with GNOME's channel missing.
fn no_sensor(now: mast::model::Millis) -> views::TrackingState {
    use mast::sensor::choose::{self, Connect, SessionEnv};
    use mast::sensor::{Sensor, SensorError, SensorKind, SensorOptions};
    struct GnomeWithoutExtension;
    impl Connect for GnomeWithoutExtension {
        fn sensor(
            &mut self,
            kind: SensorKind,
            _: &SensorOptions,
        ) -> std::result::Result<Box<dyn Sensor + Send>, SensorError> {
            Err(match kind {
                SensorKind::Gnome => mast::sensor::gnome::probe::without_extension(),
                other => SensorError::Unavailable(format!("{} is not offered by this desktop", other.label())),
            })
        }
    }
    let env = SessionEnv {
        session_type: Some("wayland".into()),
        wayland_display: true,
        x_display: true,
        desktops: vec!["ubuntu".into(), "gnome".into()],
    };
    let plan = choose::plan(choose::SensorSetting::Auto, &env);
    let err = choose::open(&plan, &SensorOptions::default(), &mut GnomeWithoutExtension).err().expect("no sensor");
    views::TrackingState {
        mode: views::TrackingMode::Tracking,
        paused_until_ms: None,
        message: None,
        demo: false,
        sensor: Some(mast::track::state::SensorState {
            pid: 4242,
            ..mast::track::state::SensorState::now(Err(&err), &plan.reason, now)
        }),
        tray: false,
        gnome: true,
    }
}
