//! The tray: today's minutes and the goals at a glance, and the few things one does
//! without opening the window (open, pause, resume, quit). The header is refreshed whenever
//! the data or the tracking state changes ([`crate::live`]) and by the app's timer; while
//! tracking is paused it says until when, and only Resume is offered.

use crate::pause::{pause_until, PauseFor};
use crate::state::{now, AppState};
use mast::analysis::mismatch::Status;
use mast::views::{TodayView, TrackingMode};
use std::sync::Mutex;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

const TRAY_ID: &str = "main";

/// The tray's menu and the items that change, kept to update them.
pub struct Tray {
    menu: Menu<Wry>,
    header: MenuItem<Wry>,
    pause_hour: MenuItem<Wry>,
    pause_tomorrow: MenuItem<Wry>,
    resume: MenuItem<Wry>,
    /// Whether the menu shows the paused choices (Resume) or the tracking ones (Pause …).
    paused: Mutex<bool>,
}

/// Where the pause or resume items sit: after the header, a separator and "Open Mast".
const CHOICES_AT: usize = 3;

pub fn build(app: &AppHandle) -> tauri::Result<()> {
    let header = MenuItem::with_id(app, "header", "Mast", false, None::<&str>)?;
    let pause_hour = MenuItem::with_id(app, "pause-hour", "Pause for 1 hour", true, None::<&str>)?;
    let pause_tomorrow = MenuItem::with_id(app, "pause-tomorrow", "Pause until tomorrow", true, None::<&str>)?;
    let resume = MenuItem::with_id(app, "resume", "Resume", true, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[
            &header,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "open", "Open Mast", true, None::<&str>)?,
            &pause_hour,
            &pause_tomorrow,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?,
        ],
    )?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID).tooltip("Mast").menu(&menu).on_menu_event(on_menu);
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    app.manage(Tray { menu, header, pause_hour, pause_tomorrow, resume, paused: Mutex::new(false) });
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
    // The window's badge and Today hear of it too; the live thread refreshes the tray.
    match app.try_state::<crate::live::Live>() {
        Some(live) => live.notify(),
        None => refresh(app),
    }
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
    let paused = (tracking.mode == TrackingMode::Paused).then(|| {
        let now = now();
        paused_text(tracking.paused_until_ms, now.ms, now.utc_offset_min)
    });
    let tooltip = match (&paused, tracking.mode) {
        (Some(p), _) => format!("{text} · {}", p.to_lowercase()),
        (None, TrackingMode::External) => format!("{text} · tracked by mast track"),
        (None, TrackingMode::Stopped) => format!("{text} · not tracking"),
        (None, _) => text.clone(),
    };
    if let Some(tray) = app.try_state::<Tray>() {
        let _ = tray.header.set_text(paused.as_deref().unwrap_or(&text));
        if let Err(e) = tray.show_choices(paused.is_some()) {
            tracing::warn!("cannot update the tray menu: {e}");
        }
    }
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let _ = tray.set_tooltip(Some(&tooltip));
    }
}

impl Tray {
    /// Resume while paused, the pauses otherwise; the menu changes only when that does.
    fn show_choices(&self, paused: bool) -> tauri::Result<()> {
        let mut shown = self.paused.lock().unwrap_or_else(|e| e.into_inner());
        if *shown == paused {
            return Ok(());
        }
        if paused {
            self.menu.remove(&self.pause_hour)?;
            self.menu.remove(&self.pause_tomorrow)?;
            self.menu.insert(&self.resume, CHOICES_AT)?;
        } else {
            self.menu.remove(&self.resume)?;
            self.menu.insert(&self.pause_hour, CHOICES_AT)?;
            self.menu.insert(&self.pause_tomorrow, CHOICES_AT + 1)?;
        }
        *shown = paused;
        Ok(())
    }
}

/// "Paused until 07:30", or with the weekday when the pause ends on another day ("Paused
/// until Tue 07:30"); "Paused" when no end is known.
pub fn paused_text(until: Option<mast::model::Millis>, now: mast::model::Millis, utc_offset_min: i32) -> String {
    let (Some(until), Some(offset)) = (until, chrono::FixedOffset::east_opt(utc_offset_min * 60)) else {
        return "Paused".into();
    };
    let local = |ms: mast::model::Millis| chrono::DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&offset));
    match (local(until), local(now)) {
        (Some(u), Some(n)) if u.date_naive() == n.date_naive() => format!("Paused until {}", u.format("%H:%M")),
        (Some(u), _) => format!("Paused until {}", u.format("%a %H:%M")),
        (None, _) => "Paused".into(),
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
    fn a_pause_says_until_when() {
        // 2026-11-28 15:00 UTC: 16:00 at UTC+1.
        let now = 1_795_878_000_000;
        assert_eq!(paused_text(None, now, 60), "Paused");
        assert_eq!(paused_text(Some(now + 30 * 60_000), now, 60), "Paused until 16:30");
        // Until tomorrow at 07:30 local: another day, so the weekday is named.
        assert_eq!(paused_text(Some(now + (15 * 60 + 30) * 60_000), now, 60), "Paused until Sun 07:30");
    }

    #[test]
    fn minutes_read_well() {
        assert_eq!(minutes(0.0), "0 min");
        assert_eq!(minutes(89.0), "1 min");
        assert_eq!(minutes(72.0 * 60.0), "1 h 12 min");
        assert_eq!(minutes(120.0 * 60.0), "2 h 00 min");
    }
}
