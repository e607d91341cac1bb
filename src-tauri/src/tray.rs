//! The tray: today's minutes and the goals at a glance, and the few things one does
//! without opening the window (open, pause, resume, quit). The header is refreshed by the
//! app's timer.

use crate::pause::{pause_until, PauseFor};
use crate::state::{now, AppState};
use mast::analysis::mismatch::Status;
use mast::views::TodayView;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

const TRAY_ID: &str = "main";

/// The tray's header item, kept to update its text.
pub struct Header(MenuItem<Wry>);

pub fn build(app: &AppHandle) -> tauri::Result<()> {
    let header = MenuItem::with_id(app, "header", "Mast", false, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[
            &header,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "open", "Open Mast", true, None::<&str>)?,
            &MenuItem::with_id(app, "pause-hour", "Pause for 1 hour", true, None::<&str>)?,
            &MenuItem::with_id(app, "pause-tomorrow", "Pause until tomorrow", true, None::<&str>)?,
            &MenuItem::with_id(app, "resume", "Resume", true, None::<&str>)?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?,
        ],
    )?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID).tooltip("Mast").menu(&menu).on_menu_event(on_menu);
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    app.manage(Header(header));
    refresh(app);
    Ok(())
}

fn on_menu(app: &AppHandle, event: MenuEvent) {
    let state = app.state::<AppState>();
    let pause = |how| {
        let now = now();
        let until = pause_until(now.ms, now.utc_offset_min, state.data().settings.day_start_hour, how);
        state.tracking.pause(until);
    };
    match event.id().as_ref() {
        "open" => crate::show_main_window(app),
        "pause-hour" => pause(PauseFor::Minutes(60)),
        "pause-tomorrow" => pause(PauseFor::UntilTomorrow),
        "resume" => {
            state.tracking.resume();
        }
        "quit" => app.exit(0),
        _ => {}
    }
    refresh(app);
}

/// Recomputes the header and tooltip from today's view.
pub fn refresh(app: &AppHandle) {
    let state = app.state::<AppState>();
    let text = match state.read(|store, d| mast::views::today(store, &d.settings, now())) {
        Ok(view) => glance(&view),
        Err(e) => {
            tracing::warn!("cannot read today for the tray: {e}");
            "Mast".to_string()
        }
    };
    let tracking = crate::tracking_state(&state);
    let tooltip = match tracking.mode {
        mast::views::TrackingMode::Tracking => text.clone(),
        mast::views::TrackingMode::Paused => format!("{text} · paused"),
        mast::views::TrackingMode::External => format!("{text} · tracked by mast track"),
        mast::views::TrackingMode::Stopped => format!("{text} · not tracking"),
    };
    if let Some(header) = app.try_state::<Header>() {
        let _ = header.0.set_text(&text);
    }
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let _ = tray.set_tooltip(Some(&tooltip));
    }
}

/// "Today 1 h 12 min · 2 goals at risk · 1 broken".
pub fn glance(view: &TodayView) -> String {
    let mut parts = vec![format!("Today {}", minutes(view.report.total.target_seconds))];
    let statuses = view.mismatch.targets.iter().flat_map(|t| &t.goals).map(|g| g.status);
    let (mut at_risk, mut broken) = (0, 0);
    for s in statuses {
        match s {
            Status::AtRisk => at_risk += 1,
            Status::Broken => broken += 1,
            _ => {}
        }
    }
    let goals = |n: usize| if n == 1 { "1 goal".to_string() } else { format!("{n} goals") };
    if at_risk > 0 {
        parts.push(format!("{} at risk", goals(at_risk)));
    }
    if broken > 0 {
        parts.push(format!("{} broken", goals(broken)));
    }
    parts.join(" · ")
}

/// "0 min", "45 min", "1 h 12 min".
pub fn minutes(seconds: f64) -> String {
    let m = (seconds / 60.0).round() as i64;
    if m < 60 {
        format!("{m} min")
    } else {
        format!("{} h {:02} min", m / 60, m % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_read_well() {
        assert_eq!(minutes(0.0), "0 min");
        assert_eq!(minutes(89.0), "1 min");
        assert_eq!(minutes(72.0 * 60.0), "1 h 12 min");
        assert_eq!(minutes(120.0 * 60.0), "2 h 00 min");
    }
}
