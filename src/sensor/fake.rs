//! A scripted sensor for tests: it plays back a list of observations (or errors), one per
//! poll, and repeats the last one when the script runs out.

use super::{Sensor, SensorError};
use crate::model::{Observation, Window};
use std::collections::VecDeque;

#[derive(Debug, Default)]
pub struct ScriptedSensor {
    script: VecDeque<Result<Observation, String>>,
    last: Option<Observation>,
}

impl ScriptedSensor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `polls` polls of the same window with the given idle time.
    pub fn then(mut self, polls: usize, app: &str, title: &str, idle_ms: u64) -> Self {
        for _ in 0..polls {
            self.script.push_back(Ok(observation(Some((app, title)), idle_ms)));
        }
        self
    }

    pub fn push(&mut self, obs: Observation) {
        self.script.push_back(Ok(obs));
    }

    /// The next poll fails as if the desktop went away.
    pub fn push_lost(&mut self, why: &str) {
        self.script.push_back(Err(why.to_owned()));
    }
}

impl Sensor for ScriptedSensor {
    fn observe(&mut self) -> Result<Observation, SensorError> {
        match self.script.pop_front() {
            Some(Ok(obs)) => {
                self.last = Some(obs.clone());
                Ok(obs)
            }
            Some(Err(why)) => Err(SensorError::Lost(why)),
            None => Ok(self.last.clone().unwrap_or_default()),
        }
    }
}

/// A convenience constructor: `observation(Some(("firefox", "Home / X — Mozilla Firefox")), 0)`.
pub fn observation(window: Option<(&str, &str)>, idle_ms: u64) -> Observation {
    Observation {
        window: window.map(|(app, title)| Window {
            app: app.to_owned(),
            exe: None,
            title: title.to_owned(),
            url: None,
            pid: None,
        }),
        idle_ms,
    }
}
