//! The tracker: observations in, spans out. Pure logic with `now` passed in; it never reads
//! a clock, touches the store or talks to a desktop (that is [`crate::track`]'s job).
//!
//! ```text
//! polls      |    |    |    |    |    |    |          |    |
//! window     A    A    A    B    B    B(idle 4s > afk 3s)   A
//! spans      [A-------)[B----)                         [A-
//!                      ^ change: A ends, B starts at the poll that saw B
//!                                ^ B cut back to when input stopped
//! ```
//!
//! Rules it holds:
//! - a span is one stored window (after classification and the title policy) at one UTC
//!   offset; any change of either ends it at the poll that saw the change;
//! - idle beyond the AFK threshold is not counted: the span is cut back to the moment
//!   input stopped, and nothing is open until the user is back;
//! - a poll gap much longer than the interval (sleep, suspend, a clock jumping forward) or
//!   a clock jumping back ends the open span at the last good poll; nothing counts across;
//! - excluded apps and "no window in front" end the open span and open nothing.

use crate::classify::WindowRef;
use crate::model::{Millis, Observation, Span, StoredWindow, Window};
use crate::privacy;
use crate::settings::Settings;
use crate::store::Classifier;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackerConfig {
    pub poll_interval_ms: i64,
    pub afk_threshold_ms: i64,
    /// A gap between polls longer than this means the machine slept or the clock jumped.
    pub max_gap_ms: i64,
}

impl TrackerConfig {
    pub fn from_settings(s: &Settings) -> TrackerConfig {
        let interval = s.poll_interval_ms as i64;
        TrackerConfig {
            poll_interval_ms: interval,
            afk_threshold_ms: s.afk_threshold_secs as i64 * 1000,
            // Five missed polls, and never under 10 s: a loaded machine can delay a poll by
            // a few seconds without that being a suspend.
            max_gap_ms: (interval * 5).max(10_000),
        }
    }
}

pub struct Tracker {
    cfg: TrackerConfig,
    classifier: Classifier,
    settings: Settings,
    open: Option<Span>,
    last_poll: Option<Millis>,
    /// The last raw window seen and what it is stored as (`None`: excluded), so that a
    /// steady window costs one comparison per poll and no classification.
    last_raw: Option<Window>,
    last_stored: Option<StoredWindow>,
    /// The open span's window is `last_stored`.
    open_is_last: bool,
}

impl Tracker {
    pub fn new(cfg: TrackerConfig, classifier: Classifier, settings: &Settings) -> Tracker {
        Tracker {
            cfg,
            classifier,
            settings: settings.clone(),
            open: None,
            last_poll: None,
            last_raw: None,
            last_stored: None,
            open_is_last: false,
        }
    }

    /// New rules or a new title policy, in force at once for what the tracker holds too.
    /// The window in front is stored again under them; if that differs from how its open
    /// span was taken (a title the new policy drops), the span ends here and is returned,
    /// to be written before history is reclassified, and the next poll opens a new one.
    /// Otherwise the open span goes on.
    pub fn set_classifier(&mut self, classifier: Classifier) -> Option<Span> {
        self.classifier = classifier;
        let raw = self.last_raw.take();
        self.last_stored = None;
        let held = self.open_is_last;
        self.open_is_last = false;
        if let Some(w) = raw {
            self.remember(&w);
        }
        if held && self.open_is_last {
            return None;
        }
        let ended = self.take_open()?;
        if held {
            // The window in front goes on under its new form from where the old span ended.
            if let Some(window) = self.last_stored.clone() {
                let at = ended.end_ms;
                self.open = Some(Span { start_ms: at, end_ms: at, utc_offset_min: ended.utc_offset_min, window });
                self.open_is_last = true;
            }
        }
        Some(ended)
    }

    pub fn config(&self) -> &TrackerConfig {
        &self.cfg
    }

    /// The span in progress, if any; the runner persists it periodically.
    pub fn open_span(&self) -> Option<&Span> {
        self.open.as_ref()
    }

    /// Takes one poll. Returns the span this poll ended, if any: final, to be stored.
    pub fn observe(&mut self, now: Millis, utc_offset_min: i32, obs: &Observation) -> Option<Span> {
        let mut closed = None;
        if let Some(last) = self.last_poll {
            if now < last || now - last > self.cfg.max_gap_ms {
                // Slept, suspended or the clock jumped: the open span ends where we last
                // saw it; the gap is not counted.
                closed = self.take_open();
                self.last_poll = None;
            }
        }
        let idle = obs.idle_ms.min(i64::MAX as u64) as i64;
        if idle >= self.cfg.afk_threshold_ms {
            if let Some(mut span) = self.take_open() {
                let input_stopped = now.saturating_sub(idle);
                span.end_ms = span.end_ms.min(input_stopped.max(span.start_ms));
                closed = Some(span);
            }
            self.last_poll = Some(now);
            return closed;
        }
        let recorded = match &obs.window {
            Some(w) => self.remember(w),
            None => {
                self.forget();
                false
            }
        };
        if !recorded {
            if let Some(mut span) = self.take_open() {
                span.end_ms = now;
                closed = Some(span);
            }
            self.last_poll = Some(now);
            return closed;
        }
        match &mut self.open {
            Some(span) if self.open_is_last && span.utc_offset_min == utc_offset_min => {
                span.end_ms = now;
            }
            _ => {
                let start = match self.take_open() {
                    Some(mut span) => {
                        span.end_ms = now;
                        closed = Some(span);
                        now
                    }
                    // Back from away or from no window: the span starts at the first input
                    // seen, but never before the previous poll.
                    None => match self.last_poll {
                        Some(last) => now.saturating_sub(idle).max(last),
                        None => now,
                    },
                };
                let window = self.last_stored.clone().expect("remember() set it");
                self.open = Some(Span { start_ms: start, end_ms: now, utc_offset_min, window });
                self.open_is_last = true;
            }
        }
        self.last_poll = Some(now);
        closed
    }

    /// The desktop could not be polled: ends the open span at the last good poll.
    pub fn interrupt(&mut self) -> Option<Span> {
        self.last_poll = None;
        self.take_open()
    }

    /// Shutting down at `now`: the open span runs to `now` when the last poll was under
    /// one interval ago (the user was there a moment before), else ends at that poll.
    pub fn finish(&mut self, now: Millis) -> Option<Span> {
        let recent = self.last_poll.is_some_and(|last| now >= last && now - last <= self.cfg.poll_interval_ms);
        let mut span = self.interrupt()?;
        if recent {
            span.end_ms = now;
        }
        Some(span)
    }

    fn take_open(&mut self) -> Option<Span> {
        self.open_is_last = false;
        self.open.take()
    }

    fn forget(&mut self) {
        self.last_raw = None;
        self.last_stored = None;
        self.open_is_last = false;
    }

    /// Updates the cached stored form of `w`; false if the window is not to be recorded.
    fn remember(&mut self, w: &Window) -> bool {
        if self.last_raw.as_ref() == Some(w) {
            return self.last_stored.is_some();
        }
        let excluded = self.settings.is_excluded(&w.app, w.exe.as_deref());
        let stored = (!excluded).then(|| {
            let verdict = self.classifier.rules.classify(WindowRef {
                app: &w.app,
                exe: w.exe.as_deref(),
                title: &w.title,
                url: w.url.as_deref(),
            });
            privacy::stored_window(w, verdict, self.classifier.policy)
        });
        // A new raw window may still store as the same window (a title the policy drops):
        // the open span then goes on.
        self.open_is_last = match (&self.open, &stored) {
            (Some(open), Some(s)) => open.window == *s,
            _ => false,
        };
        self.last_raw = Some(w.clone());
        self.last_stored = stored;
        self.last_stored.is_some()
    }
}

#[cfg(test)]
mod tests;
