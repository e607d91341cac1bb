use super::*;
use crate::model::{Observation, Window};
use crate::sensor::{FocusSource, IdleKind, IdleSource, SensorInfo};

fn env(session_type: Option<&str>, wayland: bool, x: bool, desktop: &str) -> SessionEnv {
    SessionEnv {
        session_type: session_type.map(str::to_owned),
        wayland_display: wayland,
        x_display: x,
        desktops: desktop.split(':').filter(|d| !d.is_empty()).map(|d| d.to_ascii_lowercase()).collect(),
    }
}

struct Named(SensorKind);

impl Sensor for Named {
    fn observe(&mut self) -> Result<Observation, SensorError> {
        Ok(Observation::default())
    }
    fn info(&self) -> Option<SensorInfo> {
        Some(SensorInfo { kind: self.0, detail: String::new(), idle: IdleKind::X11Screensaver })
    }
}

/// Connects the kinds in `works`; the others fail as a desktop without them would.
struct Fake {
    works: Vec<SensorKind>,
    tried: Vec<SensorKind>,
}

impl Connect for Fake {
    fn sensor(&mut self, kind: SensorKind, _: &SensorOptions) -> Result<Box<dyn Sensor + Send>, SensorError> {
        self.tried.push(kind);
        if self.works.contains(&kind) {
            return Ok(Box::new(Named(kind)));
        }
        Err(match kind {
            SensorKind::Gnome => SensorError::NeedsSetup {
                problem: "GNOME Shell is running without Mast's extension".into(),
                fix: "run `mast setup gnome`".into(),
            },
            SensorKind::X11 => SensorError::Unavailable("DISPLAY is not set".into()),
            SensorKind::Wlroots => SensorError::Unavailable("no zwlr_foreign_toplevel_manager_v1".into()),
            SensorKind::Kwin => SensorError::Unavailable("org.kde.KWin is not on the session bus".into()),
        })
    }
}

fn run(setting: SensorSetting, e: &SessionEnv, works: &[SensorKind]) -> (Result<SensorKind, String>, Vec<SensorKind>) {
    let mut fake = Fake { works: works.to_vec(), tried: vec![] };
    let got = open(&plan(setting, e), &SensorOptions::default(), &mut fake)
        .map(|s| s.info().expect("named").kind)
        .map_err(|e| e.to_string());
    (got, fake.tried)
}

use SensorKind::*;
const ALL: [SensorKind; 4] = [X11, Wlroots, Kwin, Gnome];

#[test]
fn session_type_decides_and_display_variables_break_ties() {
    assert_eq!(env(Some("wayland"), false, true, "").session(), Session::Wayland);
    assert_eq!(env(Some("x11"), true, true, "").session(), Session::X11);
    assert_eq!(env(None, true, true, "").session(), Session::Wayland, "XWayland's DISPLAY does not make it X11");
    assert_eq!(env(Some("tty"), false, true, "").session(), Session::X11);
    assert_eq!(env(None, false, false, "").session(), Session::None);
}

#[test]
fn an_x11_session_uses_x11() {
    assert_eq!(run(SensorSetting::Auto, &env(Some("x11"), false, true, "GNOME"), &ALL).0, Ok(X11));
}

#[test]
fn a_wayland_session_never_uses_x11_silently() {
    for desktop in ["GNOME", "ubuntu:GNOME", "KDE", "sway", "Hyprland", ""] {
        let e = env(Some("wayland"), true, true, desktop);
        let p = plan(SensorSetting::Auto, &e);
        assert!(!p.candidates.contains(&X11), "{desktop}: {p:?}");
        // Even when only X11 would connect, nothing is chosen.
        let (got, tried) = run(SensorSetting::Auto, &e, &[X11]);
        assert!(got.is_err(), "{desktop}: {got:?}");
        assert!(!tried.contains(&X11), "{desktop}: tried {tried:?}");
    }
}

#[test]
fn each_desktop_tries_its_own_channel_first() {
    let first = |d: &str| plan(SensorSetting::Auto, &env(Some("wayland"), true, false, d)).candidates[0];
    assert_eq!(first("GNOME"), Gnome);
    assert_eq!(first("ubuntu:GNOME"), Gnome);
    assert_eq!(first("KDE"), Kwin);
    assert_eq!(first("sway"), Wlroots);
    assert_eq!(first("Hyprland"), Wlroots);
    assert_eq!(first(""), Wlroots);
    assert_eq!(run(SensorSetting::Auto, &env(Some("wayland"), true, false, "KDE"), &ALL).0, Ok(Kwin));
    assert_eq!(run(SensorSetting::Auto, &env(Some("wayland"), true, false, "GNOME"), &ALL).0, Ok(Gnome));
    assert_eq!(run(SensorSetting::Auto, &env(Some("wayland"), true, false, "sway"), &ALL).0, Ok(Wlroots));
}

#[test]
fn a_missing_channel_falls_to_the_next_wayland_one() {
    // A desktop that names itself oddly but runs a wlroots compositor.
    let (got, tried) = run(SensorSetting::Auto, &env(Some("wayland"), true, false, "KDE"), &[Wlroots]);
    assert_eq!(got, Ok(Wlroots));
    assert_eq!(tried, vec![Kwin, Wlroots]);
}

#[test]
fn gnome_without_the_extension_says_how_to_set_it_up() {
    let (got, _) = run(SensorSetting::Auto, &env(Some("wayland"), true, true, "ubuntu:GNOME"), &[X11]);
    let msg = got.unwrap_err();
    assert!(msg.contains("mast setup gnome"), "{msg}");
    assert!(msg.contains("without Mast's extension"), "{msg}");
}

#[test]
fn an_unsupported_compositor_names_the_supported_ones_and_the_x11_opt_in() {
    let (got, tried) = run(SensorSetting::Auto, &env(Some("wayland"), true, true, "weston"), &[X11]);
    let msg = got.unwrap_err();
    assert_eq!(tried, vec![Wlroots, Kwin, Gnome]);
    assert!(msg.contains("no way to see the window in front"), "{msg}");
    assert!(msg.contains("sway") && msg.contains("KDE Plasma") && msg.contains("GNOME"), "{msg}");
    assert!(msg.contains("sensor = \"x11\""), "{msg}");
}

#[test]
fn a_fixed_setting_runs_that_channel_only() {
    let wayland = env(Some("wayland"), true, true, "GNOME");
    assert_eq!(run(SensorSetting::X11, &wayland, &ALL), (Ok(X11), vec![X11]));
    let (got, tried) = run(SensorSetting::Kwin, &wayland, &[Gnome]);
    assert!(got.unwrap_err().contains("org.kde.KWin"));
    assert_eq!(tried, vec![Kwin]);
    assert!(plan(SensorSetting::Wlroots, &wayland).reason.contains("config.toml"));
}

#[test]
fn no_display_at_all_says_where_to_start_mast() {
    let (got, tried) = run(SensorSetting::Auto, &env(None, false, false, ""), &ALL);
    assert!(tried.is_empty());
    let msg = got.unwrap_err();
    assert!(msg.contains("neither WAYLAND_DISPLAY nor DISPLAY"), "{msg}");
    assert!(msg.contains("desktop session"), "{msg}");
}

struct Focus;
impl FocusSource for Focus {
    fn focused(&mut self) -> Result<Option<Window>, SensorError> {
        Ok(None)
    }
    fn kind(&self) -> SensorKind {
        Wlroots
    }
    fn detail(&self) -> String {
        "sway 1.7".into()
    }
}

struct Idle(IdleKind);
impl IdleSource for Idle {
    fn idle_ms(&mut self) -> Result<u64, SensorError> {
        Ok(7)
    }
    fn kind(&self) -> IdleKind {
        self.0
    }
}

#[test]
fn pairing_takes_the_first_idle_source_that_connects() {
    let sources: Vec<(&str, IdleConnect)> = vec![
        ("Wayland idle protocols", Box::new(|| Err(SensorError::Unavailable("none offered".into())))),
        ("Mutter", Box::new(|| Ok(Box::new(Idle(IdleKind::MutterIdleMonitor)) as Box<dyn IdleSource>))),
    ];
    let mut s = pair(Box::new(Focus), sources).unwrap();
    let info = s.info().unwrap();
    assert_eq!((info.kind, info.idle), (Wlroots, IdleKind::MutterIdleMonitor));
    assert_eq!(info.to_string(), "wlroots (foreign toplevel) on sway 1.7, idle from org.gnome.Mutter.IdleMonitor");
    assert_eq!(s.observe().unwrap().idle_ms, 7);
}

#[test]
fn no_idle_source_means_no_sensor_and_says_why() {
    let sources: Vec<(&str, IdleConnect)> =
        vec![("Wayland idle protocols", Box::new(|| Err(SensorError::Unavailable("none offered".into()))))];
    let msg = pair(Box::new(Focus), sources).err().expect("no idle, no sensor").to_string();
    assert!(msg.contains("no idle time") && msg.contains("none offered"), "{msg}");
}
