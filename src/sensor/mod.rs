//! Sensors say what is in front and how long the user has been idle. One implementation per
//! desktop: X11 now; Wayland compositors, macOS and Windows later, each as a sibling module
//! implementing [`Sensor`]. A sensor only observes: it never merges, classifies or stores.

use crate::model::Observation;

pub mod fake;
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
}

/// Something that can be polled for the foreground window and the idle time.
pub trait Sensor {
    fn observe(&mut self) -> Result<Observation, SensorError>;
}

/// Opens the sensor for the desktop this process runs in.
///
/// The seam for other desktops: pick by `WAYLAND_DISPLAY`, target OS, etc. as they arrive.
pub fn open_default() -> Result<Box<dyn Sensor + Send>, SensorError> {
    Ok(Box::new(x11::X11Sensor::connect(None)?))
}
