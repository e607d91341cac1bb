//! Lists the app's IPC commands for Tauri's access control: each gets an `allow-<command>`
//! permission, and capabilities/default.json grants exactly these to the main window.

const COMMANDS: &[&str] = &[
    "today_view",
    "mismatch",
    "report",
    "goals",
    "add_goal",
    "edit_goal",
    "remove_goal",
    "set_goal_paused",
    "settings",
    "save_settings",
    "autostart",
    "set_autostart",
    "rate",
    "tracking",
    "pause_tracking",
    "resume_tracking",
    "load_demo",
    "show_own_data",
    "data_location",
    "preview_rule",
    "try_rule",
    "save_rule",
    "view_painted",
    "family_status",
    "family_create",
    "family_join",
    "family_sync",
    "family_act",
    "family_preview",
    "family_leave",
    "setup_gnome",
    "platform_choices",
];

fn main() {
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build failed: {e:#}");
    }
}
