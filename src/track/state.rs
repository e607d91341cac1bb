//! What the running tracker says about its sensor, for every surface that asks: `mast
//! status`, the app's badge and Settings (whether the app tracks itself or a `mast track`
//! does). The tracker writes `sensor.json` in the data dir whenever the sensor connects or
//! fails; readers trust it only while the tracker that wrote it still holds the data dir,
//! so a crashed tracker's last words are never shown as the present.

use crate::model::Millis;
use crate::paths::Paths;
use crate::sensor::{SensorError, SensorInfo};
use crate::Result;
use serde::{Deserialize, Serialize};

/// The state file's name in the data dir.
pub const FILE: &str = "sensor.json";
/// It is a few hundred bytes; anything bigger is not ours.
const MAX_SIZE: u64 = 64 * 1024;

/// Why the tracker watches nothing, in words for the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SensorProblem {
    pub problem: String,
    /// What to do about it, when the user can do something.
    pub fix: Option<String>,
}

impl SensorProblem {
    pub fn from_error(e: &SensorError) -> SensorProblem {
        match e {
            SensorError::NeedsSetup { problem, fix } => {
                SensorProblem { problem: problem.clone(), fix: Some(fix.clone()) }
            }
            SensorError::Unavailable(why) | SensorError::Lost(why) => SensorProblem { problem: why.clone(), fix: None },
        }
    }
}

impl std::fmt::Display for SensorProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.problem)?;
        if let Some(fix) = &self.fix {
            write!(f, "; {fix}")?;
        }
        Ok(())
    }
}

/// The tracker's sensor, as last written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SensorState {
    /// The tracker that wrote it.
    pub pid: u32,
    /// The sensor in use; `None` while none works.
    pub sensor: Option<SensorInfo>,
    /// The sensor in words, the same on every surface ("wlroots (foreign toplevel) on
    /// sway 1.7, idle from org_kde_kwin_idle").
    pub summary: Option<String>,
    /// Why none works, while none does.
    pub problem: Option<SensorProblem>,
    /// How the choice was made ("a Wayland session of GNOME", "sensor = \"x11\" in config.toml").
    pub reason: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub since_ms: Millis,
}

impl SensorState {
    /// The state of this process's tracker.
    pub fn now(result: std::result::Result<SensorInfo, &SensorError>, reason: &str, since_ms: Millis) -> SensorState {
        let (sensor, problem) = match result {
            Ok(info) => (Some(info), None),
            Err(e) => (None, Some(SensorProblem::from_error(e))),
        };
        let summary = sensor.as_ref().map(SensorInfo::to_string);
        SensorState { pid: std::process::id(), sensor, summary, problem, reason: reason.to_owned(), since_ms }
    }

    /// Replaces the state file (one rename: a reader never sees half of it).
    pub fn write(&self, paths: &Paths) -> Result<()> {
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| crate::Error::Invalid(format!("cannot write the sensor state: {e}")))?;
        crate::files::replace(&paths.data_dir.join(FILE), &json)
    }

    /// The state of the tracker that holds `paths`' data dir now, if one does and it wrote
    /// one. A file that is unreadable, malformed or from another process counts as none.
    pub fn read(paths: &Paths) -> Option<SensorState> {
        let holder = crate::lock::holder(&paths.lock_file())?;
        let text = crate::files::read_text(&paths.data_dir.join(FILE), MAX_SIZE).ok()??;
        let state: SensorState = serde_json::from_str(&text).ok()?;
        (state.pid == holder).then_some(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lock::TrackLock;
    use crate::sensor::{IdleKind, SensorKind};

    #[test]
    fn only_the_holders_state_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let paths = Paths::in_dir(tmp.path().join("data"), tmp.path().join("cfg"));
        paths.ensure_data_dir().unwrap();
        let info = SensorInfo { kind: SensorKind::Wlroots, detail: "sway 1.7".into(), idle: IdleKind::KdeKwinIdle };
        let state = SensorState::now(Ok(info), "a Wayland session", 5);
        state.write(&paths).unwrap();
        assert_eq!(SensorState::read(&paths), None, "no tracker holds the dir");
        let lock = TrackLock::acquire(&paths.lock_file(), &paths.data_dir).unwrap();
        assert_eq!(SensorState::read(&paths), Some(state.clone()));
        // Another process's leftovers are not this tracker's state.
        SensorState { pid: state.pid + 1, ..state.clone() }.write(&paths).unwrap();
        assert_eq!(SensorState::read(&paths), None);
        std::fs::write(paths.data_dir.join(FILE), "{ not json").unwrap();
        assert_eq!(SensorState::read(&paths), None);
        drop(lock);
    }

    #[test]
    fn a_problem_keeps_its_fix() {
        let e = SensorError::NeedsSetup {
            problem: "GNOME Shell is running without Mast's extension".into(),
            fix: "run `mast setup gnome`".into(),
        };
        let s = SensorState::now(Err(&e), "a Wayland session of GNOME", 0);
        assert_eq!(s.sensor, None);
        assert_eq!(
            s.problem.unwrap().to_string(),
            "GNOME Shell is running without Mast's extension; run `mast setup gnome`"
        );
    }
}
