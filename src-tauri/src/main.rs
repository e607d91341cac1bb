//! Mast's desktop app: a thin Tauri shell over the core library. It wires the plugins
//! (single instance first, autostart), the tray, the main window and the IPC commands; the
//! domain lives in `mast`. It opens no sockets: the front end (ui/dist) is embedded and
//! served by Tauri's own protocol.
//!
//! `--demo` shows the demo data dir, filling it with four weeks of demo use when it is empty
//! (and never tracks it); `--hidden` starts in the tray
//! only (autostart at login uses it). MAST_DATA_DIR / MAST_CONFIG_DIR sandbox everything.

mod commands;
mod ipc_names;
mod live;
mod pause;
mod state;
mod tracking;
mod tray;

use mast::paths::Paths;
use mast::views::TrackingState;
use state::AppState;
use std::process::ExitCode;
use std::time::Duration;
use tauri::{AppHandle, Manager, RunEvent, WebviewWindowBuilder};

const MAIN: &str = "main";
/// Days of demo usage written into an empty demo dir.
pub const DEMO_DAYS: u32 = 28;
/// How often the app's timer looks at the pause and the tray; another tracker's lock is
/// retried every [`RETRY_EXTERNAL_TICKS`] ticks, the tray header every [`TRAY_TICKS`] and the
/// family folder every [`FAMILY_TICKS`].
const TICK: Duration = Duration::from_secs(5);
const RETRY_EXTERNAL_TICKS: u64 = 12;
const TRAY_TICKS: u64 = 12;
/// The family folder is read every 10 minutes (and 5 s after start); adherence is
/// published once a day, or when the shared goals change.
const FAMILY_TICKS: u64 = 120;

/// When the process started, for the start-up time logged once the first view is painted.
pub static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Milliseconds since the process started (for start-up logs).
pub fn since_start() -> u64 {
    STARTED.get().map(|t| t.elapsed().as_millis() as u64).unwrap_or(0)
}

fn main() -> ExitCode {
    STARTED.get_or_init(std::time::Instant::now);
    init_logging();
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mast-desktop: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let demo = args.iter().any(|a| a == "--demo");
    let hidden = args.iter().any(|a| a == "--hidden");
    let state = AppState::load(Paths::from_env()?, demo)?;
    if demo {
        // The demo dir is filled on first use and brought up to now on every later one (as
        // the first run's button does), so `mast-desktop --demo` always shows today.
        let d = state.data();
        let now = state::now();
        mast::demo_data::bring_up_to(
            &d.paths,
            &d.classifier(),
            d.settings.day_start_hour,
            DEMO_DAYS,
            now.ms,
            now.utc_offset_min,
        )?;
    }

    let app = tauri::Builder::default()
        // First, so a second launch hands over before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| show_main_window(app)))
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--hidden"]),
        ))
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::today_view,
            commands::mismatch,
            commands::report,
            commands::goals,
            commands::add_goal,
            commands::edit_goal,
            commands::remove_goal,
            commands::set_goal_paused,
            commands::settings,
            commands::save_settings,
            commands::autostart,
            commands::set_autostart,
            commands::rate,
            commands::tracking,
            commands::pause_tracking,
            commands::resume_tracking,
            commands::load_demo,
            commands::show_own_data,
            commands::data_location,
            commands::preview_rule,
            commands::try_rule,
            commands::save_rule,
            commands::view_painted,
            commands::family_status,
            commands::family_create,
            commands::family_join,
            commands::family_sync,
            commands::family_act,
            commands::family_preview,
            commands::family_leave,
            commands::setup_gnome,
            commands::platform_choices,
        ])
        .on_page_load(|_, payload| {
            tracing::debug!(url = %payload.url(), event = ?payload.event(), ms = since_start(), "page load")
        })
        .setup(move |app| {
            tracing::debug!(ms = since_start(), "setting up");
            let handle = app.handle();
            // Before the window (whose commands notify it) and the tracker (whose first
            // write it must hear).
            live::start(handle);
            // The window early: its web process starts while the rest is set up.
            if !hidden {
                show_main_window(handle);
            }
            tracing::debug!(ms = since_start(), "window built");
            handle.state::<AppState>().tracking.start();
            if let Err(e) = tray::build(handle) {
                // Without a tray the window is the only way in; keep the app usable.
                tracing::error!("cannot create the tray icon: {e}");
            }
            tracing::debug!(ms = since_start(), "tray built");
            start_timer(handle.clone());
            quit_on_signals(handle.clone());
            Ok(())
        })
        .build(tauri::generate_context!())?;

    app.run(|app, event| match event {
        // The last window closed: Mast stays in the tray. Only Quit (an explicit exit
        // code) ends the app.
        RunEvent::ExitRequested { code: None, api, .. } => api.prevent_exit(),
        RunEvent::WindowEvent { label, event: tauri::WindowEvent::Destroyed, .. } => {
            tracing::info!(window = label, "window closed; Mast stays in the tray");
        }
        // Stop the tracker and wait for its last write before the process ends.
        RunEvent::Exit => app.state::<AppState>().tracking.shutdown(),
        _ => {}
    });
    Ok(())
}

/// Focuses the main window, or creates it again if it was closed (closing destroys it, so
/// its webview's memory is freed while Mast sits in the tray).
pub fn show_main_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        return;
    }
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == MAIN) else {
        tracing::error!("tauri.conf.json has no window labelled '{MAIN}'");
        return;
    };
    if let Err(e) = WebviewWindowBuilder::from_config(app, config).and_then(|b| b.build()) {
        tracing::error!("cannot open the window: {e}");
    }
}

/// The tracking state as the UI sees it: the tracker's, and whether the demo is shown.
pub fn tracking_state(state: &AppState) -> TrackingState {
    let (tray, gnome) = *DESKTOP.get_or_init(|| {
        let env = mast::sensor::choose::SessionEnv::from_process();
        (mast::tray_host::present(&env), env.is_gnome())
    });
    TrackingState { demo: state.data().demo, tray, gnome, ..state.tracking.state() }
}

/// Whether the desktop shows tray icons, and whether it is GNOME, asked once: desktops
/// don't change mid-session, and the answers only word hints.
static DESKTOP: std::sync::OnceLock<(bool, bool)> = std::sync::OnceLock::new();

/// Ends pauses, retries another tracker's lock, refreshes the tray and syncs the family.
fn start_timer(app: AppHandle) {
    let spawned = std::thread::Builder::new().name("timer".into()).spawn(move || {
        for tick in 1u64.. {
            std::thread::sleep(TICK);
            let now = chrono::Utc::now().timestamp_millis();
            app.state::<AppState>().tracking.tick(now, tick % RETRY_EXTERNAL_TICKS == 0);
            if tick % TRAY_TICKS == 0 {
                tray::refresh(&app);
            }
            if tick % FAMILY_TICKS == 1 {
                commands::family_tick(&app.state::<AppState>());
            }
        }
    });
    if let Err(e) = spawned {
        tracing::error!("cannot start the app's timer: {e}; pauses end only with Resume");
    }
}

/// SIGTERM, SIGINT or SIGHUP quit like the tray's Quit: the tracker saves before exit.
fn quit_on_signals(app: AppHandle) {
    let stop = match mast::track::stop_on_signals() {
        Ok((_, stop)) => stop,
        Err(e) => {
            tracing::error!("{e}; a signal ends Mast without saving the last seconds");
            return;
        }
    };
    let spawned = std::thread::Builder::new().name("quit-on-signal".into()).spawn(move || {
        if stop.recv().is_ok() {
            app.exit(0);
        }
    });
    if let Err(e) = spawned {
        tracing::error!("cannot watch for signals: {e}");
    }
}

/// Logs go to stderr; `MAST_LOG` (tracing's filter syntax) overrides the level.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("MAST_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only on a terminal: logs piped to a file or a journal stay plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .init();
}
