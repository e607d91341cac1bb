//! Which sensor to run, decided once at start in a documented order, and said plainly when
//! none can work.
//!
//! The order (`sensor = "auto"`, the default):
//!
//! 1. The session type: `XDG_SESSION_TYPE` when it says `wayland` or `x11`; otherwise a
//!    set `WAYLAND_DISPLAY` means Wayland and a set `DISPLAY` alone means X11.
//! 2. On X11: the X11 sensor.
//! 3. On Wayland: the channel of the desktop named in `XDG_CURRENT_DESKTOP` first — GNOME →
//!    Mast's Shell extension, KDE → Mast's KWin script, anything else → wlroots'
//!    foreign-toplevel protocol — then the other Wayland channels. The first that connects
//!    wins. X11 is never tried on a Wayland session: XWayland shows only the windows of X
//!    clients, so the numbers would be silently wrong.
//! 4. Idle on Wayland: `ext-idle-notify-v1`, then `org_kde_kwin_idle` (one source tries
//!    both), then `org.gnome.Mutter.IdleMonitor`. Without any, tracking would count time
//!    away from the keyboard as use, so it does not start.
//!
//! `sensor = "x11" | "wlroots" | "kwin" | "gnome"` runs that channel only (X11 on a
//! Wayland session, too, for whoever wants XWayland windows alone).
//!
//! Deciding is pure ([`plan`]); connecting goes through [`Connect`], so that every session
//! type and every missing channel is tested without a desktop.

use super::{Paired, Sensor, SensorError, SensorKind, SensorOptions};
use serde::{Deserialize, Serialize};

/// The `sensor` setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum SensorSetting {
    /// The documented order above.
    #[default]
    Auto,
    X11,
    Wlroots,
    Kwin,
    Gnome,
}

impl SensorSetting {
    pub fn as_str(self) -> &'static str {
        match self {
            SensorSetting::Auto => "auto",
            SensorSetting::X11 => "x11",
            SensorSetting::Wlroots => "wlroots",
            SensorSetting::Kwin => "kwin",
            SensorSetting::Gnome => "gnome",
        }
    }

    fn fixed(self) -> Option<SensorKind> {
        match self {
            SensorSetting::Auto => None,
            SensorSetting::X11 => Some(SensorKind::X11),
            SensorSetting::Wlroots => Some(SensorKind::Wlroots),
            SensorSetting::Kwin => Some(SensorKind::Kwin),
            SensorSetting::Gnome => Some(SensorKind::Gnome),
        }
    }
}

/// What the process environment says about the desktop session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionEnv {
    /// `XDG_SESSION_TYPE`, lowercased.
    pub session_type: Option<String>,
    pub wayland_display: bool,
    pub x_display: bool,
    /// `XDG_CURRENT_DESKTOP`, split at `:` and lowercased ("ubuntu:gnome" → both).
    pub desktops: Vec<String>,
}

impl SessionEnv {
    pub fn from_process() -> SessionEnv {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        SessionEnv {
            session_type: var("XDG_SESSION_TYPE").map(|s| s.trim().to_ascii_lowercase()),
            wayland_display: var("WAYLAND_DISPLAY").is_some(),
            x_display: var("DISPLAY").is_some(),
            desktops: var("XDG_CURRENT_DESKTOP")
                .map(|d| d.split(':').map(|p| p.trim().to_ascii_lowercase()).filter(|p| !p.is_empty()).collect())
                .unwrap_or_default(),
        }
    }

    /// The kind of session, by the order in the module doc.
    pub fn session(&self) -> Session {
        match self.session_type.as_deref() {
            Some("wayland") => Session::Wayland,
            Some("x11") => Session::X11,
            _ if self.wayland_display => Session::Wayland,
            _ if self.x_display => Session::X11,
            _ => Session::None,
        }
    }

    /// A GNOME session (`XDG_CURRENT_DESKTOP` names GNOME), where Mast needs its extension.
    pub fn is_gnome(&self) -> bool {
        self.is("gnome")
    }

    fn is(&self, desktop: &str) -> bool {
        self.desktops.iter().any(|d| d == desktop)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Session {
    Wayland,
    X11,
    /// No display at all (a text console, ssh, a service without the session's variables).
    None,
}

/// The channels to try, best first, and why that order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub session: Session,
    pub candidates: Vec<SensorKind>,
    /// One line for logs and `mast status`: how the order was reached.
    pub reason: String,
}

/// Decides the order of channels to try; see the module doc.
pub fn plan(setting: SensorSetting, env: &SessionEnv) -> Plan {
    let session = env.session();
    if let Some(kind) = setting.fixed() {
        return Plan { session, candidates: vec![kind], reason: format!("sensor = \"{}\" in config.toml", kind) };
    }
    match session {
        Session::X11 => Plan { session, candidates: vec![SensorKind::X11], reason: "an X11 session".into() },
        Session::None => Plan {
            session,
            candidates: vec![],
            reason: "neither WAYLAND_DISPLAY nor DISPLAY is set, so there is no desktop to watch".into(),
        },
        Session::Wayland => {
            let (first, desktop) = if env.is("gnome") {
                (SensorKind::Gnome, "GNOME")
            } else if env.is("kde") {
                (SensorKind::Kwin, "KDE Plasma")
            } else {
                (SensorKind::Wlroots, "")
            };
            let mut candidates = vec![first];
            candidates
                .extend([SensorKind::Wlroots, SensorKind::Kwin, SensorKind::Gnome].into_iter().filter(|k| *k != first));
            let reason = if desktop.is_empty() {
                "a Wayland session".to_owned()
            } else {
                format!("a Wayland session of {desktop}")
            };
            Plan { session, candidates, reason }
        }
    }
}

/// Opens channels; the real one is [`Desktop`], tests have their own.
pub trait Connect {
    fn sensor(&mut self, kind: SensorKind, opts: &SensorOptions) -> Result<Box<dyn Sensor + Send>, SensorError>;
}

/// Tries the plan's channels in order; the first that connects is the sensor.
///
/// When none does, the error is the one of the channel that fits the desktop best (the
/// first candidate), so a GNOME user hears about Mast's extension and not about wlroots;
/// a channel that needs the user's help outranks one that is merely absent.
pub fn open(
    plan: &Plan,
    opts: &SensorOptions,
    connect: &mut dyn Connect,
) -> Result<Box<dyn Sensor + Send>, SensorError> {
    if plan.candidates.is_empty() {
        return Err(SensorError::Unavailable(format!(
            "{}; start Mast inside your desktop session (the app from the desktop, or `mast track` in a terminal \
             there)",
            plan.reason
        )));
    }
    let mut first_error: Option<SensorError> = None;
    for (i, &kind) in plan.candidates.iter().enumerate() {
        match connect.sensor(kind, opts) {
            Ok(sensor) => {
                if i > 0 {
                    tracing::info!(
                        sensor = kind.as_str(),
                        "the desktop's own channel is not there; using {}",
                        kind.label()
                    );
                }
                return Ok(sensor);
            }
            Err(e) => {
                tracing::debug!(sensor = kind.as_str(), "{e}");
                first_error.get_or_insert(e);
            }
        }
    }
    let first = first_error.expect("at least one candidate was tried");
    match first {
        // The desktop's own channel needs the user (GNOME without the extension): that is
        // the advice that helps, not a list of other desktops' channels.
        SensorError::NeedsSetup { .. } => Err(first),
        _ if plan.session == Session::Wayland && plan.candidates.len() > 1 => Err(no_wayland_channel(first)),
        _ => Err(first),
    }
}

/// Every Wayland channel failed: say what was tried and what the user can do.
fn no_wayland_channel(first: SensorError) -> SensorError {
    SensorError::NeedsSetup {
        problem: format!("no way to see the window in front on this Wayland desktop ({})", first.detail()),
        fix: "Mast works on GNOME (run `mast setup gnome`), KDE Plasma, and wlroots compositors such as sway, \
              Hyprland, labwc, wayfire, river and niri; on another compositor, `sensor = \"x11\"` in config.toml \
              tracks XWayland windows only"
            .into(),
    }
}

/// Opens one idle source, for [`pair`].
pub type IdleConnect = Box<dyn FnOnce() -> Result<Box<dyn super::IdleSource>, SensorError>>;

/// Joins a focus source with the first idle source that connects, in [`super::IdleKind::ORDER`]
/// (the Wayland protocols first, then Mutter's IdleMonitor; never the X11 screensaver on
/// Wayland, whose counter sees only input to X clients).
pub fn pair(
    focus: Box<dyn super::FocusSource>,
    idle_sources: Vec<(&str, IdleConnect)>,
) -> Result<Box<dyn Sensor + Send>, SensorError> {
    let mut tried = Vec::new();
    for (name, connect) in idle_sources {
        match connect() {
            Ok(idle) => return Ok(Box::new(Paired { focus, idle })),
            Err(e) => tried.push(format!("{name}: {e}")),
        }
    }
    Err(SensorError::NeedsSetup {
        problem: format!(
            "{} shows the window in front, but this desktop offers no idle time ({})",
            focus.kind().label(),
            tried.join("; ")
        ),
        fix: "without it, time away from the keyboard would count as use; Mast needs ext-idle-notify-v1, \
              org_kde_kwin_idle or org.gnome.Mutter.IdleMonitor from the desktop"
            .into(),
    })
}

#[cfg(test)]
mod tests;
