//! The IPC commands the front end calls (through ui/src/lib/ipc/ only). Each takes the
//! state, calls one core function and maps the error to `{ code, message }`. They are
//! listed in build.rs and granted one by one in capabilities/default.json.

use crate::live::Live;
use crate::pause::{pause_until, PauseFor};
use crate::state::{now, AppState};
use mast::analysis::mismatch::{MismatchReport, Period};
use mast::analysis::Report;
use mast::classify::{Explanation, WindowRef};
use mast::family::crypto::KdfParams;
use mast::family::view::{CreateFamily, FamilyAction, FamilyStatus, JoinFamily, SharePreview};
use mast::family::Family;
use mast::goals::{Goal, GoalId, NewGoal};
use mast::rule_draft::{self, RuleDraft, RuleTrial};
use mast::settings::Settings;
use mast::views::{self, DataLocation, IpcError, RatingInput, TodayView, TrackingState};
use tauri::State;
use tauri_plugin_autostart::ManagerExt;

type Reply<T> = Result<T, IpcError>;

fn invalid(message: impl Into<String>) -> IpcError {
    IpcError { code: "invalid".into(), message: message.into() }
}

fn date(s: &str) -> Reply<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| invalid(format!("'{s}' is not a date; use YYYY-MM-DD")))
}

#[tauri::command]
pub fn today_view(state: State<'_, AppState>) -> Reply<TodayView> {
    Ok(state.read(|store, d| views::today(store, &d.settings, now()))?)
}

#[tauri::command]
pub fn mismatch(state: State<'_, AppState>, period: Period, date: Option<String>) -> Reply<MismatchReport> {
    let now = now();
    let day = date.as_deref().map(self::date).transpose()?;
    Ok(state
        .read(|store, d| views::mismatch(store, &d.settings, period, day.unwrap_or(now.today(&d.settings)), now))?)
}

#[tauri::command]
pub fn report(state: State<'_, AppState>, from: String, to: String) -> Reply<Report> {
    let (from, to) = (date(&from)?, date(&to)?);
    if from > to {
        return Err(invalid(format!("from {from} is after to {to}; swap them")));
    }
    Ok(state.read(|store, d| store.report(views::report_params(&d.settings, from, to)))?)
}

#[tauri::command]
pub fn goals(state: State<'_, AppState>) -> Reply<Vec<Goal>> {
    Ok(state.read(|store, _| store.goals())?)
}

#[tauri::command]
pub fn add_goal(state: State<'_, AppState>, goal: NewGoal) -> Reply<Goal> {
    Ok(state.read(|store, d| mast::goal_changes::add(store, &d.rules, &goal, now().ms))?)
}

#[tauri::command]
pub fn edit_goal(state: State<'_, AppState>, id: GoalId, goal: NewGoal) -> Reply<Goal> {
    Ok(state.read(|store, d| mast::goal_changes::edit(store, &d.rules, id, &goal, now().ms))?)
}

#[tauri::command]
pub fn remove_goal(state: State<'_, AppState>, id: GoalId) -> Reply<()> {
    state.read(|store, _| mast::goal_changes::remove(store, id))?;
    Ok(())
}

#[tauri::command]
pub fn set_goal_paused(state: State<'_, AppState>, id: GoalId, paused: bool) -> Reply<Goal> {
    Ok(state.read(|store, d| mast::goal_changes::set_paused(store, &d.rules, id, paused, now().ms))?)
}

#[tauri::command]
pub fn settings(state: State<'_, AppState>) -> Reply<Settings> {
    Ok(state.data().settings.clone())
}

/// Validates and writes the settings (only what differs from the defaults), then hands them
/// to the reader and, unless the demo is shown, to the tracker.
#[tauri::command]
pub fn save_settings(state: State<'_, AppState>, settings: Settings) -> Reply<Settings> {
    let (rules, demo) = {
        let mut d = state.data();
        mast::settings_file::save(&d.paths.config_file(), &settings)?;
        d.set_settings(settings.clone())?;
        (d.rules.clone(), d.demo)
    };
    if !demo {
        state.tracking.reconfigure(settings.clone(), rules);
    }
    Ok(settings)
}

#[tauri::command]
pub fn autostart(app: tauri::AppHandle) -> Reply<bool> {
    app.autolaunch().is_enabled().map_err(|e| IpcError { code: "autostart".into(), message: e.to_string() })
}

#[tauri::command]
pub fn set_autostart(app: tauri::AppHandle, enabled: bool) -> Reply<bool> {
    let launcher = app.autolaunch();
    let done = if enabled { launcher.enable() } else { launcher.disable() };
    done.and_then(|()| launcher.is_enabled()).map_err(|e| IpcError { code: "autostart".into(), message: e.to_string() })
}

#[tauri::command]
pub fn rate(state: State<'_, AppState>, rating: RatingInput) -> Reply<()> {
    state.read(|store, d| views::rate(store, &d.settings, &rating, now()))?;
    Ok(())
}

#[tauri::command]
pub fn tracking(state: State<'_, AppState>) -> Reply<TrackingState> {
    Ok(crate::tracking_state(&state))
}

#[tauri::command]
pub fn pause_tracking(
    state: State<'_, AppState>,
    live: State<'_, Live>,
    minutes: Option<u32>,
    until_tomorrow: Option<bool>,
) -> Reply<TrackingState> {
    let how = PauseFor::from_request(minutes, until_tomorrow).map_err(invalid)?;
    let now = now();
    let until = pause_until(now.ms, now.utc_offset_min, state.data().settings.day_start_hour, how);
    state.tracking.pause(until);
    live.notify();
    Ok(crate::tracking_state(&state))
}

#[tauri::command]
pub fn resume_tracking(state: State<'_, AppState>, live: State<'_, Live>) -> Reply<TrackingState> {
    state.tracking.resume();
    live.notify();
    Ok(crate::tracking_state(&state))
}

/// Shows the demo, brought up to now, whatever the user's own store holds. The demo has
/// its own data dir; the user's database is never written, and tracking (if on) goes on
/// recording the user's own data meanwhile.
#[tauri::command]
pub fn load_demo(state: State<'_, AppState>, live: State<'_, Live>) -> Reply<()> {
    {
        let mut d = state.data();
        let now = now();
        let demo = d.own.demo();
        mast::demo_data::bring_up_to(
            &demo,
            &d.classifier(),
            d.settings.day_start_hour,
            crate::DEMO_DAYS,
            now.ms,
            now.utc_offset_min,
        )?;
        d.show_demo(true);
    }
    live.notify();
    Ok(())
}

/// Leaves the demo: the user's own data is shown again.
#[tauri::command]
pub fn show_own_data(state: State<'_, AppState>, live: State<'_, Live>) -> Reply<()> {
    state.data().show_demo(false);
    live.notify();
    Ok(())
}

#[tauri::command]
pub fn data_location(state: State<'_, AppState>) -> Reply<DataLocation> {
    let d = state.data();
    let text = |p: &std::path::Path| p.display().to_string();
    Ok(DataLocation {
        data_dir: text(&d.paths.data_dir),
        config_dir: text(&d.paths.config_dir),
        db: text(&d.paths.db()),
    })
}

/// What the classification rules make of a window (`mast rules test`).
#[tauri::command]
pub fn preview_rule(state: State<'_, AppState>, app: String, title: String) -> Reply<Explanation> {
    Ok(state.data().rules.explain(WindowRef { app: &app, exe: None, title: &title, url: None }))
}

/// What a platform rule being written would match among the windows of the last days.
#[tauri::command]
pub fn try_rule(state: State<'_, AppState>, rule: RuleDraft) -> Reply<RuleTrial> {
    Ok(state.read(|store, d| rule_draft::try_rule(store, &d.paths.rules_file(), &rule, now().ms))?)
}

/// Adds a platform rule to the user's rules file; the reader reclassifies history with the
/// new rules and, unless the demo is shown, the tracker uses them from now on.
#[tauri::command]
pub fn save_rule(state: State<'_, AppState>, rule: RuleDraft) -> Reply<()> {
    let (settings, rules, demo) = {
        let mut d = state.data();
        d.rules = rule_draft::save_rule(&d.paths.rules_file(), &rule)?;
        // Unchanged settings, but the store's classification follows the new rules.
        let settings = d.settings.clone();
        d.set_settings(settings.clone())?;
        (settings, d.rules.clone(), d.demo)
    };
    if !demo {
        state.tracking.reconfigure(settings, rules);
    }
    Ok(())
}

/// The front end has painted its first view with data. The first time, the app logs how
/// long it took from the start of the process (and the wall-clock time, so a launcher can
/// measure from before exec); `scripts/measure-app.sh` reads this line.
#[tauri::command]
pub fn view_painted() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let since_start = crate::since_start();
        let epoch_ms =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
        tracing::info!(since_start_ms = since_start, epoch_ms = epoch_ms as u64, "first view painted");
    });
}

/// This device's family after a sync, or `null` when it is in none (the demo never is).
#[tauri::command]
pub fn family_status(state: State<'_, AppState>) -> Reply<Option<FamilyStatus>> {
    Ok(state.read(|store, d| {
        if d.demo {
            return Ok(None);
        }
        match Family::load(&d.paths.data_dir)? {
            Some(mut family) => family.sync(store, &d.settings, now(), false).map(Some),
            None => Ok(None),
        }
    })?)
}

fn no_demo(d: &crate::state::Data) -> mast::Result<()> {
    if d.demo {
        return Err(mast::Error::Invalid("the demo has no family; families work on your own data".into()));
    }
    Ok(())
}

fn in_family(d: &crate::state::Data) -> mast::Result<Family> {
    no_demo(d)?;
    Family::load(&d.paths.data_dir)?
        .ok_or_else(|| mast::Error::Invalid("this device is in no family; create or join one first".into()))
}

#[tauri::command]
pub fn family_create(state: State<'_, AppState>, setup: CreateFamily) -> Reply<FamilyStatus> {
    Ok(state.read(|store, d| {
        no_demo(d)?;
        let now = now();
        let mut family = Family::create(&d.paths.data_dir, &setup, KdfParams::default(), now.ms)?;
        family.sync(store, &d.settings, now, true)
    })?)
}

#[tauri::command]
pub fn family_join(state: State<'_, AppState>, setup: JoinFamily) -> Reply<FamilyStatus> {
    Ok(state.read(|store, d| {
        no_demo(d)?;
        let now = now();
        let mut family = Family::join(&d.paths.data_dir, &setup, now.ms)?;
        family.sync(store, &d.settings, now, true)
    })?)
}

/// Reads the folder now and publishes this device's adherence.
#[tauri::command]
pub fn family_sync(state: State<'_, AppState>) -> Reply<FamilyStatus> {
    Ok(state.read(|store, d| in_family(d)?.sync(store, &d.settings, now(), true))?)
}

#[tauri::command]
pub fn family_act(state: State<'_, AppState>, action: FamilyAction) -> Reply<FamilyStatus> {
    Ok(state.read(|store, d| Ok(in_family(d)?.act(store, &d.settings, &d.rules, &action, now())?.0))?)
}

#[tauri::command]
pub fn family_preview(state: State<'_, AppState>) -> Reply<SharePreview> {
    Ok(state.read(|store, d| in_family(d)?.preview(store, &d.settings, now()))?)
}

#[tauri::command]
pub fn family_leave(state: State<'_, AppState>) -> Reply<()> {
    Ok(state.read(|store, d| in_family(d)?.leave(store, now().ms))?)
}

/// The app's periodic sync (from its timer): reads the folder, applies the shared goals and
/// publishes once a day. Quiet when this device is in no family.
pub fn family_tick(state: &AppState) {
    let result = state.read(|store, d| {
        if d.demo {
            return Ok(());
        }
        if let Some(mut family) = Family::load(&d.paths.data_dir)? {
            let status = family.sync(store, &d.settings, now(), false)?;
            for p in &status.problems {
                tracing::warn!(file = %p.file, "family folder: {}", p.message);
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        tracing::warn!("family sync: {e}");
    }
}

/// Settings → Set up GNOME: `mast setup gnome`. The tracker picks the extension up at the
/// next login, when GNOME loads it.
#[tauri::command]
pub fn setup_gnome() -> Reply<mast::sensor::gnome::setup::SetupReport> {
    Ok(mast::sensor::gnome::setup::install_for_user()?)
}

/// The goal forms' platform picker: every platform, the most used lately first.
#[tauri::command]
pub fn platform_choices(state: State<'_, AppState>) -> Reply<Vec<views::PlatformChoice>> {
    Ok(state.read(|store, d| views::platform_choices(store, &d.rules, &d.settings, now()))?)
}
