//! The real desktop channels behind [`super::choose::Connect`]: each kind opened with its
//! module's `connect`, and the Wayland focus sources paired with the first idle source
//! that works (see [`super::choose::pair`] for the order).

use super::choose::{pair, Connect, IdleConnect};
use super::gnome::MutterIdle;
use super::idle::WaylandIdle;
use super::{IdleSource, Sensor, SensorError, SensorKind, SensorOptions};

/// Opens the channels of the desktop this process runs in.
pub struct Channels;

impl Connect for Channels {
    fn sensor(&mut self, kind: SensorKind, opts: &SensorOptions) -> Result<Box<dyn Sensor + Send>, SensorError> {
        match kind {
            SensorKind::X11 => Ok(Box::new(super::x11::X11Sensor::connect(None)?)),
            SensorKind::Wlroots => {
                let focus = super::wlroots::WlrootsFocus::connect(opts)?;
                pair(Box::new(focus), wayland_idle(opts))
            }
            SensorKind::Kwin => {
                let focus = super::kwin::KwinFocus::connect(opts)?;
                pair(Box::new(focus), wayland_idle(opts))
            }
            SensorKind::Gnome => {
                let focus = super::gnome::GnomeFocus::connect(opts)?;
                pair(Box::new(focus), wayland_idle(opts))
            }
        }
    }
}

/// The idle sources of a Wayland session, in order: the compositor's idle protocols
/// (`ext-idle-notify-v1`, then `org_kde_kwin_idle`), then Mutter's IdleMonitor.
fn wayland_idle(opts: &SensorOptions) -> Vec<(&'static str, IdleConnect)> {
    let (a, b) = (opts.clone(), opts.clone());
    vec![
        (
            "the Wayland idle protocols",
            Box::new(move || Ok(Box::new(WaylandIdle::connect(&a)?) as Box<dyn IdleSource>)),
        ),
        ("Mutter's IdleMonitor", Box::new(move || Ok(Box::new(MutterIdle::connect(&b)?) as Box<dyn IdleSource>))),
    ]
}
