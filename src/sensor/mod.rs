//! Sensors say what is in front and how long the user has been idle. One implementation per
//! desktop channel, each a sibling module implementing [`Sensor`]: X11 ([`x11`]), wlroots
//! compositors through `zwlr_foreign_toplevel_manager_v1` (`wlroots`), KDE Plasma through
//! Mast's KWin script (`kwin`), and GNOME through Mast's Shell extension (`gnome`). Idle time
//! comes from the first channel that works, in the order of [`IdleKind`] (`idle`). A sensor
//! only observes: it never merges, classifies or stores.
//!
//! Which sensor runs is decided once at start by [`choose`], in a documented order; on a
//! Wayland session X11 is never used unless the user asks for it, because XWayland shows
//! only some windows and the numbers would be silently wrong.

use crate::model::Observation;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

pub mod channels;
pub mod choose;
pub mod fake;
pub mod gnome;
pub mod idle;
pub mod kwin;
pub mod process;
pub mod wlroots;
pub mod x11;

/// Why a poll produced no observation.
#[derive(Debug, thiserror::Error)]
pub enum SensorError {
    /// The desktop could not be reached at all (no display, connection refused).
    #[error("cannot reach the desktop: {0}")]
    Unavailable(String),
    /// The connection worked before and broke (the X server went away).
    #[error("lost the connection to the desktop: {0}")]
    Lost(String),
    /// The desktop can be watched, but only after the user does something: GNOME without
    /// Mast's extension, a compositor without the protocol. `fix` says what, in words a user
    /// can follow.
    #[error("{problem}; {fix}")]
    NeedsSetup { problem: String, fix: String },
}

impl SensorError {
    /// What went wrong, without the variant's lead-in: for messages that wrap it.
    pub fn detail(&self) -> String {
        match self {
            SensorError::Unavailable(why) | SensorError::Lost(why) => why.clone(),
            SensorError::NeedsSetup { problem, .. } => problem.clone(),
        }
    }
}

/// The desktop channels Mast can watch, as named in `config.toml` (`sensor = "…"`), in
/// `mast status` and in the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum SensorKind {
    X11,
    Wlroots,
    Kwin,
    Gnome,
}

impl SensorKind {
    pub const ALL: [SensorKind; 4] = [SensorKind::X11, SensorKind::Wlroots, SensorKind::Kwin, SensorKind::Gnome];

    pub fn as_str(self) -> &'static str {
        match self {
            SensorKind::X11 => "x11",
            SensorKind::Wlroots => "wlroots",
            SensorKind::Kwin => "kwin",
            SensorKind::Gnome => "gnome",
        }
    }

    /// How the channel is named to a user.
    pub fn label(self) -> &'static str {
        match self {
            SensorKind::X11 => "X11",
            SensorKind::Wlroots => "wlroots (foreign toplevel)",
            SensorKind::Kwin => "KDE Plasma (Mast's KWin script)",
            SensorKind::Gnome => "GNOME (Mast's Shell extension)",
        }
    }

    pub fn parse(s: &str) -> Option<SensorKind> {
        SensorKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for SensorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where idle time comes from, in the order they are tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum IdleKind {
    /// `ext-idle-notify-v1` (wlroots 0.17+, KWin 5.27+, …).
    ExtIdleNotify,
    /// `org_kde_kwin_idle` (older wlroots such as sway 1.7, KWin).
    KdeKwinIdle,
    /// `org.gnome.Mutter.IdleMonitor` on the session bus.
    MutterIdleMonitor,
    /// The X server's MIT-SCREEN-SAVER counter.
    X11Screensaver,
}

impl IdleKind {
    pub const ORDER: [IdleKind; 4] =
        [IdleKind::ExtIdleNotify, IdleKind::KdeKwinIdle, IdleKind::MutterIdleMonitor, IdleKind::X11Screensaver];

    pub fn as_str(self) -> &'static str {
        match self {
            IdleKind::ExtIdleNotify => "ext-idle-notify-v1",
            IdleKind::KdeKwinIdle => "org_kde_kwin_idle",
            IdleKind::MutterIdleMonitor => "org.gnome.Mutter.IdleMonitor",
            IdleKind::X11Screensaver => "X11 screensaver",
        }
    }
}

impl fmt::Display for IdleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a running sensor is, for `mast status`, the start line and the app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SensorInfo {
    pub kind: SensorKind,
    /// The desktop or compositor behind the channel, when it says ("sway 1.7", "KWin 5.27",
    /// "GNOME Shell 43.9", "X display :0").
    pub detail: String,
    pub idle: IdleKind,
}

impl fmt::Display for SensorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind.label())?;
        if !self.detail.is_empty() {
            write!(f, " on {}", self.detail)?;
        }
        write!(f, ", idle from {}", self.idle)
    }
}

/// What every sensor is opened with.
#[derive(Clone, Default)]
pub struct SensorOptions {
    /// The user's AFK threshold. Channels that push "idle since T" (the Wayland idle
    /// protocols) ask to be told at this timeout, so that the moment input stopped is known
    /// exactly when the tracker needs it.
    pub afk_threshold_ms: u64,
    /// Called from the sensor's own thread when what it reports changed (focus moved, the
    /// user went idle or came back), so the tracker can poll at once instead of at its next
    /// tick. Sensors that only answer polls never call it.
    pub waker: Waker,
}

/// A cheap, cloneable "something changed" callback for [`SensorOptions::waker`].
#[derive(Clone, Default)]
pub struct Waker(Option<Arc<dyn Fn() + Send + Sync>>);

impl Waker {
    pub fn new(f: impl Fn() + Send + Sync + 'static) -> Waker {
        Waker(Some(Arc::new(f)))
    }

    pub fn wake(&self) {
        if let Some(f) = &self.0 {
            f();
        }
    }
}

impl fmt::Debug for Waker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Waker(set)" } else { "Waker(none)" })
    }
}

impl fmt::Debug for SensorOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SensorOptions").field("afk_threshold_ms", &self.afk_threshold_ms).finish_non_exhaustive()
    }
}

/// Something that can be polled for the foreground window and the idle time.
pub trait Sensor: Send {
    fn observe(&mut self) -> Result<Observation, SensorError>;

    /// Which channel this is. Real sensors say; test sensors may keep this default.
    fn info(&self) -> Option<SensorInfo> {
        None
    }
}

/// The focus half of a Wayland-era sensor: what is in front. On Wayland the window in front
/// and the idle time come from different channels (a compositor's toplevel protocol or
/// Mast's script or extension; an idle protocol or Mutter's IdleMonitor), so each is its own
/// source and [`Paired`] joins them into a [`Sensor`].
pub trait FocusSource: Send {
    /// The window in front now, `None` when nothing has the focus.
    fn focused(&mut self) -> Result<Option<crate::model::Window>, SensorError>;
    /// Which channel this is, and the desktop behind it ("sway 1.7").
    fn kind(&self) -> SensorKind;
    fn detail(&self) -> String;
}

/// The idle half: milliseconds since the user last touched keyboard or pointer.
///
/// Sources that are told rather than asked (the Wayland idle protocols say "idle" once the
/// timeout passed) report `now − (moment of that event − timeout)`, so the tracker's AFK
/// cut-back lands on the moment input stopped, exactly as with a counter it could poll.
pub trait IdleSource: Send {
    fn idle_ms(&mut self) -> Result<u64, SensorError>;
    fn kind(&self) -> IdleKind;
}

/// A focus source and an idle source, polled together as one [`Sensor`].
pub struct Paired {
    pub focus: Box<dyn FocusSource>,
    pub idle: Box<dyn IdleSource>,
}

impl Sensor for Paired {
    fn observe(&mut self) -> Result<Observation, SensorError> {
        // Idle first: a window that changes as the user comes back belongs to the return.
        let idle_ms = self.idle.idle_ms()?;
        let window = self.focus.focused()?;
        Ok(Observation { window, idle_ms })
    }

    fn info(&self) -> Option<SensorInfo> {
        Some(SensorInfo { kind: self.focus.kind(), detail: self.focus.detail(), idle: self.idle.kind() })
    }
}

/// Opens the sensor for the desktop this process runs in, by [`choose`]'s order.
pub fn open(setting: choose::SensorSetting, opts: &SensorOptions) -> Result<Box<dyn Sensor + Send>, SensorError> {
    let plan = choose::plan(setting, &choose::SessionEnv::from_process());
    choose::open(&plan, opts, &mut channels::Channels)
}
