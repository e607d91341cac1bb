//! `mast setup gnome` (and the app's "Set up GNOME"): installs Mast's GNOME Shell extension
//! for the user and enables it.
//!
//! Steps: find the Shell's version (the running Shell's `ShellVersion`, else
//! `gnome-shell --version`), pick the flavour for it ([`Flavour`]), write the embedded files
//! into `<data home>/gnome-shell/extensions/mast@mast.app/` through [`crate::files::Dir`]
//! (a link or a FIFO where a folder or file should be is refused, never followed), and
//! enable it with `gnome-extensions enable`, or by adding it to `org.gnome.shell
//! enabled-extensions` with `gsettings` when that tool is missing or did not take. Running
//! it again rewrites the files in place: that is how the extension is updated.
//!
//! GNOME on Wayland reads the extensions folder only at login, so the report always ends
//! with the step only the user can take.

use super::extension::{self, Flavour};
use super::{session_bus, shell_version, UUID};
use crate::files::{self, Dir};
use crate::{Error, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use tracing::{debug, instrument};

/// What the user must do after installing, in one sentence.
pub const NEXT_STEP: &str = "Log out and back in: GNOME on Wayland loads a new or updated extension only at the next \
                             login (on X11, Alt+F2 then r restarts GNOME Shell instead).";

/// How [`install`] runs; the default is what `mast setup gnome` does.
#[derive(Clone, Debug, Default)]
pub struct SetupOptions {
    /// The GNOME Shell version to install for; found out when `None`.
    pub shell_version: Option<String>,
    /// Only write the files; leave enabling to the user (and to tests, which must not
    /// touch the settings of whoever runs them).
    pub leave_disabled: bool,
    /// The session bus to ask for the running Shell's version (a D-Bus address); this
    /// process's own when `None`.
    pub bus: Option<String>,
}

/// What [`install`] did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SetupReport {
    pub uuid: String,
    /// The extension's folder.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub path: PathBuf,
    /// The GNOME Shell version it was installed for ("43.9").
    pub shell_version: String,
    pub flavour: Flavour,
    /// Whether an earlier copy was replaced.
    pub updated: bool,
    /// Whether it is now in `org.gnome.shell enabled-extensions`.
    pub enabled: bool,
    /// Why it could not be enabled, when it was asked to be and is not.
    pub enable_problem: Option<String>,
    /// What the user must do next ([`NEXT_STEP`]).
    pub next_step: String,
}

/// `mast setup gnome` and the app's "Set up GNOME": [`install`] into the user's own data
/// home with the defaults (the running Shell's version, enabled).
pub fn install_for_user() -> Result<SetupReport> {
    let data_home =
        default_data_home().ok_or_else(|| Error::Invalid("cannot find your home folder (is $HOME set?)".to_owned()))?;
    install(&data_home, &SetupOptions::default())
}

/// The user's data home: `$XDG_DATA_HOME`, normally `~/.local/share`, where GNOME Shell
/// looks for the user's extensions.
pub fn default_data_home() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.data_dir().to_owned())
}

/// The extension's folder under a data home.
pub fn extension_dir(data_home: &Path) -> PathBuf {
    data_home.join(extension_rel())
}

fn extension_rel() -> String {
    format!("gnome-shell/extensions/{UUID}")
}

/// Installs (or updates) the extension under `data_home` (see [`default_data_home`]) and
/// enables it, unless `opts` says otherwise.
#[instrument(skip_all, err)]
pub fn install(data_home: &Path, opts: &SetupOptions) -> Result<SetupReport> {
    let version = match &opts.shell_version {
        Some(v) => v.clone(),
        None => find_shell_version(opts.bus.as_deref())?,
    };
    let flavour = Flavour::for_version(&version).ok_or_else(|| {
        Error::Invalid(format!(
            "GNOME Shell {version} is older than Mast's extension supports (GNOME {} or later); \
             on this desktop Mast can watch only X11 windows",
            extension::OLDEST_MAJOR
        ))
    })?;
    std::fs::create_dir_all(data_home).map_err(|e| files::io_err(data_home, "create", e))?;
    // The data home is the user's own and may be a link; below it nothing is followed.
    let home = Dir::open(data_home)?;
    let rel = extension_rel();
    let updated = home.open_file(&format!("{rel}/metadata.json"))?.is_some();
    for (name, text) in flavour.files() {
        home.write(&format!("{rel}/{name}"), text.as_bytes())?;
    }
    let (enabled, enable_problem) = if opts.leave_disabled {
        (false, None)
    } else {
        match enable() {
            Ok(()) => (true, None),
            Err(why) => (false, Some(why)),
        }
    };
    Ok(SetupReport {
        uuid: UUID.to_owned(),
        path: home.path(&rel)?,
        shell_version: version,
        flavour,
        updated,
        enabled,
        enable_problem,
        next_step: NEXT_STEP.to_owned(),
    })
}

/// The running Shell's version, else the installed one's.
fn find_shell_version(bus: Option<&str>) -> Result<String> {
    let running = zbus::block_on(async {
        let conn = session_bus(bus).await.ok()?;
        shell_version(&conn).await.ok()
    });
    if let Some(v) = running.filter(|v| !v.is_empty()) {
        return Ok(v);
    }
    let out = Command::new("gnome-shell").arg("--version").output();
    let text = out.ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    text.as_deref().and_then(parse_version_line).ok_or_else(|| {
        Error::Invalid(
            "cannot tell which GNOME Shell this is: none answers on the session bus and `gnome-shell --version` \
                 did not run; is this a GNOME desktop?"
                .to_owned(),
        )
    })
}

/// "GNOME Shell 43.9\n" → "43.9".
fn parse_version_line(line: &str) -> Option<String> {
    let v = line.trim().strip_prefix("GNOME Shell ")?.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// Enables the extension: `gnome-extensions enable` (which also takes it out of
/// `disabled-extensions`), then checks the setting, and adds it there with `gsettings` when
/// the tool was missing or did not take.
fn enable() -> Result<(), String> {
    match Command::new("gnome-extensions").args(["enable", UUID]).output() {
        Ok(o) if o.status.success() => debug!("gnome-extensions enabled {UUID}"),
        Ok(o) => debug!("gnome-extensions enable failed: {}", String::from_utf8_lossy(&o.stderr).trim()),
        Err(e) => debug!("no gnome-extensions: {e}"),
    }
    let list = enabled_extensions()?;
    if list.iter().any(|u| u == UUID) {
        return user_extensions_on();
    }
    let mut list = list;
    list.push(UUID.to_owned());
    let set = Command::new("gsettings")
        .args(["set", "org.gnome.shell", "enabled-extensions", &format_strv(&list)])
        .output()
        .map_err(|e| format!("cannot run gsettings ({e})"))?;
    if !set.status.success() {
        return Err(format!(
            "gsettings could not enable it ({}); in your GNOME session, run `gnome-extensions enable {UUID}`",
            String::from_utf8_lossy(&set.stderr).trim()
        ));
    }
    // gsettings without a settings backend writes to memory and says nothing: read it back.
    if enabled_extensions()?.iter().any(|u| u == UUID) {
        user_extensions_on()
    } else {
        Err(format!(
            "GNOME's settings did not keep the change (is dconf running in this session?); in your GNOME \
             session, run `gnome-extensions enable {UUID}`"
        ))
    }
}

/// An enabled extension still does not run while the user has turned all of them off (the
/// switch in GNOME's Extensions app). Mast does not flip that for the user: it would start
/// every other extension too.
fn user_extensions_on() -> Result<(), String> {
    let out = Command::new("gsettings").args(["get", "org.gnome.shell", "disable-user-extensions"]).output();
    match out {
        Ok(o) if o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "true" => {
            Err("GNOME has user extensions turned off; turn on Extensions in GNOME's Extensions app (or run \
             `gsettings set org.gnome.shell disable-user-extensions false`)"
                .to_owned())
        }
        _ => Ok(()),
    }
}

fn enabled_extensions() -> Result<Vec<String>, String> {
    let out = Command::new("gsettings")
        .args(["get", "org.gnome.shell", "enabled-extensions"])
        .output()
        .map_err(|e| format!("cannot run gsettings ({e}); is GNOME installed?"))?;
    if !out.status.success() {
        return Err(format!(
            "gsettings cannot read GNOME Shell's settings: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    parse_strv(&String::from_utf8_lossy(&out.stdout))
        .ok_or_else(|| "gsettings printed a list Mast cannot read".to_owned())
}

/// Reads GVariant text of a string array as gsettings prints it: `['a', "b'c"]`, `@as []`.
fn parse_strv(text: &str) -> Option<Vec<String>> {
    let text = text.trim();
    let body = text.strip_prefix("@as ").unwrap_or(text).trim().strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    let mut chars = body.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == ',').is_some() {}
        let Some(quote) = chars.next() else { return Some(items) };
        if quote != '\'' && quote != '"' {
            return None;
        }
        let mut item = String::new();
        loop {
            match chars.next()? {
                '\\' => item.push(chars.next()?),
                c if c == quote => break,
                c => item.push(c),
            }
        }
        items.push(item);
    }
}

/// Writes a string array as GVariant text.
fn format_strv(items: &[String]) -> String {
    let quoted: Vec<String> =
        items.iter().map(|s| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))).collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
mod tests;
