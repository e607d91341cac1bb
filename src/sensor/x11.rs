//! The X11 sensor. (Being written.)

use super::{Sensor, SensorError};
use crate::model::Observation;

pub struct X11Sensor {}

impl X11Sensor {
    pub fn connect(_display: Option<&str>) -> Result<Self, SensorError> {
        Err(SensorError::Unavailable("not built yet".into()))
    }
}

impl Sensor for X11Sensor {
    fn observe(&mut self) -> Result<Observation, SensorError> {
        Err(SensorError::Unavailable("not built yet".into()))
    }
}
