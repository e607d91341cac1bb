//! KWin's side of the D-Bus contract: `org.kde.KWin /Scripting` (`org.kde.kwin.Scripting`)
//! loads and unloads scripts, and each loaded script is an object with `org.kde.kwin.Script`
//! `run`. Where that object lives differs: KWin 5 registers it at `/<id>` (checked on 5.27.5),
//! KWin 6 at `/Scripting/Script<id>` (`AbstractScript`'s constructor in KWin 6's
//! `src/scripting/scripting.cpp`). Both are tried, the newer first.

use crate::sensor::SensorError;
use std::path::Path;
use zbus::Connection;

pub(super) const KWIN: &str = "org.kde.KWin";
const SCRIPTING_PATH: &str = "/Scripting";
const SCRIPTING: &str = "org.kde.kwin.Scripting";
const SCRIPT: &str = "org.kde.kwin.Script";

async fn call<B, R>(conn: &Connection, path: &str, interface: &str, method: &str, body: &B) -> zbus::Result<R>
where
    B: serde::Serialize + zbus::zvariant::DynamicType,
    R: for<'d> serde::Deserialize<'d> + zbus::zvariant::Type,
{
    let reply = conn.call_method(Some(KWIN), path, Some(interface), method, body).await?;
    reply.body().deserialize::<R>()
}

pub(super) async fn is_loaded(conn: &Connection, plugin: &str) -> zbus::Result<bool> {
    call(conn, SCRIPTING_PATH, SCRIPTING, "isScriptLoaded", &(plugin,)).await
}

pub(super) async fn unload(conn: &Connection, plugin: &str) -> zbus::Result<bool> {
    call(conn, SCRIPTING_PATH, SCRIPTING, "unloadScript", &(plugin,)).await
}

/// Loads the script at `path` as `plugin` and runs it. On failure, whatever was loaded is the
/// caller's to unload.
pub(super) async fn load_and_run(conn: &Connection, path: &Path, plugin: &str) -> Result<(), SensorError> {
    let file = path.to_string_lossy();
    let id: i32 = call(conn, SCRIPTING_PATH, SCRIPTING, "loadScript", &(file.as_ref(), plugin))
        .await
        .map_err(|e| refused(&format!("loading {file}"), &e))?;
    // KWin answers -1 when a script of that plugin name is loaded already.
    if id < 0 {
        return Err(SensorError::Unavailable(format!(
            "KWin would not load Mast's script {file}: a script named {plugin} is loaded already"
        )));
    }
    let newer = format!("/Scripting/Script{id}");
    match call::<_, ()>(conn, &newer, SCRIPT, "run", &()).await {
        Ok(()) => Ok(()),
        Err(e) if no_such_object(&e) => {
            let older = format!("/{id}");
            call::<_, ()>(conn, &older, SCRIPT, "run", &()).await.map_err(|e| refused("running the script", &e))
        }
        Err(e) => Err(refused("running the script", &e)),
    }
}

/// `"5.27.5"` from KWin's support information, the only place its D-Bus API says its version.
/// The text is a few kilobytes and asked for once per connect.
pub(super) async fn version(conn: &Connection) -> Option<String> {
    let info: String = call(conn, "/KWin", "org.kde.KWin", "supportInformation", &()).await.ok()?;
    parse_version(&info)
}

fn parse_version(info: &str) -> Option<String> {
    let line = info.lines().find_map(|l| l.trim().strip_prefix("KWin version:"))?;
    let version = line.trim();
    (!version.is_empty() && version.len() < 32).then(|| version.to_owned())
}

fn no_such_object(e: &zbus::Error) -> bool {
    const NAMES: [&str; 2] = ["org.freedesktop.DBus.Error.UnknownObject", "org.freedesktop.DBus.Error.UnknownMethod"];
    match e {
        zbus::Error::MethodError(name, _, _) => NAMES.contains(&name.as_str()),
        // zbus turns the standard errors into `fdo::Error`s.
        zbus::Error::FDO(e) => matches!(**e, zbus::fdo::Error::UnknownObject(_) | zbus::fdo::Error::UnknownMethod(_)),
        _ => false,
    }
}

fn refused(what: &str, e: &zbus::Error) -> SensorError {
    let why = match e {
        zbus::Error::MethodError(_, Some(text), _) => text.clone(),
        zbus::Error::FDO(e) => e.to_string(),
        other => other.to_string(),
    };
    SensorError::Unavailable(format!("KWin failed {what} for Mast: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_version_in_support_information() {
        let info = "KWin Support Information:\nblah\n\nVersion\n=======\nKWin version: 5.27.5\nQt Version: 5.15.8\n";
        assert_eq!(parse_version(info).as_deref(), Some("5.27.5"));
        assert_eq!(parse_version("KWin version: 6.4.2"), Some("6.4.2".into()));
        assert_eq!(parse_version("no version here"), None);
        assert_eq!(parse_version("KWin version:   "), None);
    }
}
