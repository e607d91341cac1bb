//! Whether the GNOME channel can work here, and if not, what the user should do: is GNOME
//! Shell on the session bus, is Mast's extension answering, and if not, what the Shell says
//! about it (`org.gnome.Shell.Extensions.GetExtensionInfo`: unknown, disabled, failed, out
//! of date) and whether its files are on disk. A few D-Bus calls and one `stat`: cheap
//! enough for sensor selection at every start.

use super::{has_owner, property, session_bus, setup, shell_version, BUS_NAME, SHELL_NAME, UUID};
use crate::sensor::SensorError;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use zbus::Connection;
use zbus::OwnedVariant;

const EXTENSIONS_PATH: &str = "/org/gnome/Shell";
const EXTENSIONS_INTERFACE: &str = "org.gnome.Shell.Extensions";

/// What [`probe`] found.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GnomeProbe {
    /// The running GNOME Shell's version ("43.9"); `None` when no Shell is on the bus.
    pub shell: Option<String>,
    /// Whether the extension's name is on the bus: [`super::GnomeFocus`] can connect.
    pub ready: bool,
    /// What the running Shell says about the extension.
    pub extension: ExtensionState,
    /// `false` when the user turned off all user extensions (`disable-user-extensions`).
    pub user_extensions_enabled: Option<bool>,
    /// Whether the extension's files are in the user's extensions folder.
    pub installed: bool,
}

/// The extension's state as the running Shell sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "state", content = "message")]
pub enum ExtensionState {
    /// The Shell does not know it: not installed, or installed after this login.
    Unknown,
    Enabled,
    /// Installed and loaded, but not enabled (or user extensions are off).
    Disabled,
    /// Enabled, but it threw; the Shell's message.
    Error(String),
    /// Its metadata does not list this Shell's version.
    OutOfDate,
    /// A state this Mast does not know (a future Shell's).
    Other(u32),
}

/// Probes the session bus at `bus` (or this process's own), and the extensions folder
/// under `data_home` (or [`setup::default_data_home`]).
pub fn probe(bus: Option<&str>, data_home: Option<&Path>) -> GnomeProbe {
    zbus::block_on(async {
        match session_bus(bus).await {
            Ok(conn) => probe_on(&conn, data_home).await,
            Err(_) => GnomeProbe {
                shell: None,
                ready: false,
                extension: ExtensionState::Unknown,
                user_extensions_enabled: None,
                installed: installed(data_home),
            },
        }
    })
}

pub(super) async fn probe_on(conn: &Connection, data_home: Option<&Path>) -> GnomeProbe {
    let shell = match has_owner(conn, SHELL_NAME).await {
        Ok(true) => Some(shell_version(conn).await.unwrap_or_default()),
        _ => None,
    };
    let ready = has_owner(conn, BUS_NAME).await.unwrap_or(false);
    let (extension, user_extensions_enabled) = if shell.is_some() {
        let user = property(conn, SHELL_NAME, EXTENSIONS_PATH, EXTENSIONS_INTERFACE, "UserExtensionsEnabled").await;
        (extension_state(conn).await, user.ok())
    } else {
        (ExtensionState::Unknown, None)
    };
    GnomeProbe { shell, ready, extension, user_extensions_enabled, installed: installed(data_home) }
}

fn installed(data_home: Option<&Path>) -> bool {
    let data_home = data_home.map(Path::to_owned).or_else(setup::default_data_home);
    data_home.is_some_and(|d| setup::extension_dir(&d).join("metadata.json").is_file())
}

async fn extension_state(conn: &Connection) -> ExtensionState {
    let reply = conn
        .call_method(Some(SHELL_NAME), EXTENSIONS_PATH, Some(EXTENSIONS_INTERFACE), "GetExtensionInfo", &(UUID,))
        .await;
    let Ok(info) = reply.and_then(|r| r.body().deserialize::<HashMap<String, OwnedVariant>>()) else {
        return ExtensionState::Unknown;
    };
    // The Shell builds this dictionary from JavaScript, where every number is a double.
    let number = |key: &str| -> Option<f64> {
        let v = info.get(key)?;
        f64::try_from(v).ok().or_else(|| u32::try_from(v).ok().map(f64::from))
    };
    let Some(state) = number("state") else { return ExtensionState::Unknown };
    // extensionUtils.js ExtensionState: 1 enabled (45+: active), 2 disabled (inactive),
    // 3 error, 4 out of date, 5 downloading, 6 initialized, 7/8 disabling/enabling (45+),
    // 99 uninstalled.
    match state as u32 {
        1 => ExtensionState::Enabled,
        2 | 6 | 7 => ExtensionState::Disabled,
        3 => {
            let error = info.get("error").and_then(|v| String::try_from(v.clone()).ok());
            ExtensionState::Error(error.unwrap_or_default())
        }
        4 => ExtensionState::OutOfDate,
        99 => ExtensionState::Unknown,
        n => ExtensionState::Other(n),
    }
}

const RELOGIN: &str = "log out and back in: GNOME on Wayland loads a new extension only at the next login";

/// GNOME Shell runs without Mast's extension: the most common first-run problem on GNOME,
/// in the words every surface uses.
pub fn without_extension() -> SensorError {
    SensorError::NeedsSetup {
        problem: "GNOME Shell is running without Mast's extension".to_owned(),
        fix: format!("run `mast setup gnome` (or Settings → Set up GNOME), then {RELOGIN}"),
    }
}

/// Why GNOME cannot be watched yet, in words a user can act on.
pub fn explain(p: &GnomeProbe) -> SensorError {
    let needs = |problem: String, fix: String| SensorError::NeedsSetup { problem, fix };
    let Some(version) = &p.shell else {
        return SensorError::Unavailable("GNOME Shell is not running on this session bus".to_owned());
    };
    let shell = if version.is_empty() { "GNOME Shell".to_owned() } else { format!("GNOME Shell {version}") };
    if p.user_extensions_enabled == Some(false) {
        return needs(
            format!("{shell} has user extensions turned off, Mast's among them"),
            "turn on Extensions in GNOME's Extensions app (or run `gsettings set org.gnome.shell \
             disable-user-extensions false`)"
                .to_owned(),
        );
    }
    match &p.extension {
        ExtensionState::Unknown if p.installed => needs(
            format!("Mast's extension is installed, but {shell} has not loaded it yet"),
            RELOGIN.to_owned(),
        ),
        ExtensionState::Unknown => without_extension(),
        ExtensionState::Disabled | ExtensionState::Other(_) => needs(
            "Mast's GNOME Shell extension is installed but not enabled".to_owned(),
            format!("enable it: run `gnome-extensions enable {UUID}` (or `mast setup gnome`), or switch it on in GNOME's Extensions app"),
        ),
        ExtensionState::Error(message) => needs(
            format!("Mast's GNOME Shell extension failed to start ({message})"),
            format!("run `mast setup gnome` to reinstall it, then {RELOGIN}"),
        ),
        ExtensionState::OutOfDate => needs(
            format!("Mast's GNOME Shell extension does not support {shell}"),
            format!("update Mast, run `mast setup gnome`, then {RELOGIN}"),
        ),
        ExtensionState::Enabled => needs(
            "Mast's GNOME Shell extension is enabled but not answering on the session bus".to_owned(),
            format!("{RELOGIN}; if that does not help, run `mast setup gnome` again"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(extension: ExtensionState, installed: bool) -> GnomeProbe {
        GnomeProbe {
            shell: Some("43.9".into()),
            ready: false,
            extension,
            user_extensions_enabled: Some(true),
            installed,
        }
    }

    fn words(e: SensorError) -> (String, String) {
        match e {
            SensorError::NeedsSetup { problem, fix } => (problem, fix),
            other => panic!("expected NeedsSetup, got {other:?}"),
        }
    }

    #[test]
    fn a_shell_without_the_extension_says_to_run_setup() {
        let (problem, fix) = words(explain(&probe(ExtensionState::Unknown, false)));
        assert_eq!(problem, "GNOME Shell is running without Mast's extension");
        assert!(fix.starts_with("run `mast setup gnome`"), "{fix}");
        assert!(fix.contains("log out and back in"), "{fix}");
    }

    #[test]
    fn each_state_has_its_own_fix() {
        let (_, fix) = words(explain(&probe(ExtensionState::Unknown, true)));
        assert!(fix.starts_with("log out and back in"), "{fix}");
        let (_, fix) = words(explain(&probe(ExtensionState::Disabled, true)));
        assert!(fix.contains("gnome-extensions enable mast@mast.app"), "{fix}");
        let (problem, _) = words(explain(&probe(ExtensionState::Error("TypeError: x".into()), true)));
        assert!(problem.contains("TypeError: x"), "{problem}");
        let (problem, _) = words(explain(&probe(ExtensionState::OutOfDate, true)));
        assert!(problem.contains("GNOME Shell 43.9"), "{problem}");
        let mut off = probe(ExtensionState::Disabled, true);
        off.user_extensions_enabled = Some(false);
        let (_, fix) = words(explain(&off));
        assert!(fix.contains("disable-user-extensions false"), "{fix}");
    }

    #[test]
    fn no_shell_is_not_a_setup_problem() {
        let mut p = probe(ExtensionState::Unknown, false);
        p.shell = None;
        assert!(matches!(explain(&p), SensorError::Unavailable(_)));
    }
}
