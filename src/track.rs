//! Running the tracker: the outermost layer that reads the clock, polls the sensor, persists
//! spans and stops on a signal. The logic of turning polls into spans is in
//! [`crate::tracker`]; this module only drives it.
//!
//! Durability: a closed span is written at once, and the open one at least every
//! [`FLUSH_EVERY_MS`], each write one transaction, so `kill -9` loses at most that much. A
//! write that fails (a full disk) keeps the spans in memory and retries at the next flush.

use crate::localday;
use crate::model::{Millis, Span};
use crate::sensor::{Sensor, SensorError};
use crate::store::{Classifier, Store};
use crate::tracker::Tracker;
use crate::Result;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// The open span is committed at least this often.
pub const FLUSH_EVERY_MS: Millis = 5_000;
/// Spans kept in memory while the store cannot be written (about a day of busy switching).
const MAX_PENDING: usize = 50_000;
const RECONNECT_MAX: Duration = Duration::from_secs(60);

/// Where the runner gets the time. The system clock in production, a scripted one in tests.
pub trait Clock {
    fn now_ms(&self) -> Millis;
    /// The UTC offset of the user's zone at `at`, in minutes.
    fn offset_min(&self, at: Millis) -> i32;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> Millis {
        chrono::Utc::now().timestamp_millis()
    }

    fn offset_min(&self, at: Millis) -> i32 {
        localday::offset_at(at)
    }
}

/// What a tracking run did, for the CLI's closing line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub polls: u64,
    pub spans_closed: u64,
    pub failed_writes: u64,
}

/// How often the runner asks whether the rules or the title policy changed.
pub const RELOAD_EVERY_MS: Millis = 10_000;

/// Watches the tracker poll by poll, e.g. to send nudges ([`crate::notify::NudgeObserver`]).
/// Called after each poll of the desktop; it must return quickly (the tracker's
/// budget is a few microseconds a poll), so anything slow belongs on its own thread.
pub trait Observer {
    /// `open` is the span in front (if any), `closed` the span this poll ended (if any).
    fn after_poll(
        &mut self,
        store: &mut Store,
        now: Millis,
        utc_offset_min: i32,
        open: Option<&Span>,
        closed: Option<&Span>,
    );
}

/// Watches nothing.
impl Observer for () {
    fn after_poll(&mut self, _: &mut Store, _: Millis, _: i32, _: Option<&Span>, _: Option<&Span>) {}
}

/// [`run_observed`] without an observer.
pub fn run(
    store: &mut Store,
    tracker: &mut Tracker,
    connect: impl FnMut() -> std::result::Result<Box<dyn Sensor + Send>, SensorError>,
    reload: impl FnMut() -> Option<Classifier>,
    clock: &dyn Clock,
    stop: &Receiver<()>,
) -> Result<Summary> {
    run_observed(store, tracker, connect, reload, clock, stop, &mut ())
}

/// Polls until a message arrives on `stop` (or it disconnects), then flushes and returns.
///
/// `connect` opens the sensor; it is called again with growing back-off (1 s doubling to a
/// minute) whenever the desktop is unreachable, so a missing X server costs nothing.
/// `reload` is asked every [`RELOAD_EVERY_MS`] for a new classifier (the user edited the
/// rules or the title policy); history is reclassified and tracking goes on with it.
/// `observer` sees every poll of the desktop.
pub fn run_observed(
    store: &mut Store,
    tracker: &mut Tracker,
    mut connect: impl FnMut() -> std::result::Result<Box<dyn Sensor + Send>, SensorError>,
    mut reload: impl FnMut() -> Option<Classifier>,
    clock: &dyn Clock,
    stop: &Receiver<()>,
    observer: &mut dyn Observer,
) -> Result<Summary> {
    let mut last_reload = clock.now_ms();
    let interval = Duration::from_millis(tracker.config().poll_interval_ms as u64);
    let mut summary = Summary::default();
    let mut writer = Writer::default();
    let mut sensor: Option<Box<dyn Sensor + Send>> = None;
    let mut backoff = Duration::from_secs(1);
    let mut next_connect = Instant::now();
    let mut sensor_failing = false;
    let mut next_poll = Instant::now();

    loop {
        if sensor.is_none() && Instant::now() >= next_connect {
            match connect() {
                Ok(s) => {
                    if sensor_failing {
                        tracing::info!("desktop reachable again; tracking resumed");
                    }
                    sensor = Some(s);
                    sensor_failing = false;
                    backoff = Duration::from_secs(1);
                }
                Err(e) => {
                    if !sensor_failing {
                        tracing::warn!("{e}; retrying with back-off");
                    }
                    sensor_failing = true;
                    next_connect = Instant::now() + backoff;
                    backoff = (backoff * 2).min(RECONNECT_MAX);
                }
            }
        }
        let now = clock.now_ms();
        let offset = clock.offset_min(now);
        let mut closed = None;
        let mut polled = false;
        if let Some(s) = sensor.as_mut() {
            summary.polls += 1;
            polled = true;
            match s.observe() {
                Ok(obs) => closed = tracker.observe(now, offset, &obs),
                Err(e) => {
                    tracing::warn!("{e}; reconnecting");
                    sensor = None;
                    sensor_failing = true;
                    next_connect = Instant::now() + backoff;
                    closed = tracker.interrupt();
                }
            }
        }
        if now - last_reload >= RELOAD_EVERY_MS || now < last_reload {
            last_reload = now;
            if let Some(classifier) = reload() {
                // Close the open span under the old rules first, so it is stored as seen.
                writer.flush(store, tracker.open_span(), now, &mut summary);
                match store.sync_classification(&classifier) {
                    Ok(n) => tracing::info!(windows = n, "rules or title policy changed; history reclassified"),
                    Err(e) => tracing::error!("cannot reclassify history: {e}"),
                }
                tracker.set_classifier(classifier);
            }
        }
        if polled {
            observer.after_poll(store, now, offset, tracker.open_span(), closed.as_ref());
        }
        if let Some(span) = closed {
            summary.spans_closed += 1;
            writer.pending.push(span);
        }
        if !writer.pending.is_empty() || now - writer.last_flush >= FLUSH_EVERY_MS || now < writer.last_flush {
            writer.flush(store, tracker.open_span(), now, &mut summary);
        }

        next_poll += interval;
        let now_i = Instant::now();
        if next_poll < now_i {
            // We fell behind (the machine was suspended or busy): poll on from now rather
            // than in a burst.
            next_poll = now_i;
        }
        let wait = match sensor {
            Some(_) => next_poll - now_i,
            None => next_connect.saturating_duration_since(now_i).max(interval),
        };
        match stop.recv_timeout(wait) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
        }
    }

    if let Some(span) = tracker.finish(clock.now_ms()) {
        summary.spans_closed += 1;
        writer.pending.push(span);
    }
    writer.flush(store, None, clock.now_ms(), &mut summary);
    if !writer.pending.is_empty() {
        return Err(crate::Error::Invalid(format!(
            "could not save the last {} spans: {}",
            writer.pending.len(),
            writer.last_error.unwrap_or_default()
        )));
    }
    Ok(summary)
}

#[derive(Default)]
struct Writer {
    pending: Vec<Span>,
    last_flush: Millis,
    last_error: Option<String>,
}

impl Writer {
    fn flush(&mut self, store: &mut Store, open: Option<&Span>, now: Millis, summary: &mut Summary) {
        let open = open.filter(|s| s.duration_ms() > 0);
        let result = match open {
            // The steady case, every few seconds: nothing closed, the open span grew.
            Some(open) if self.pending.is_empty() => store.write_spans(std::slice::from_ref(open)),
            _ => {
                let before = self.pending.len();
                self.pending.extend(open.cloned());
                let result = store.write_spans(&self.pending);
                // The open span is re-read from the tracker next time; only closed ones
                // wait here.
                self.pending.truncate(before);
                result
            }
        };
        self.last_flush = now;
        match result {
            Ok(()) => {
                if self.last_error.take().is_some() {
                    tracing::info!("writing to the database works again; nothing was lost");
                }
                self.pending.clear();
            }
            Err(e) => {
                summary.failed_writes += 1;
                let message = e.to_string();
                if self.last_error.as_deref() != Some(message.as_str()) {
                    tracing::error!("cannot save spans: {message}; keeping them in memory and retrying");
                }
                self.last_error = Some(message);
                if self.pending.len() > MAX_PENDING {
                    let drop = self.pending.len() - MAX_PENDING;
                    tracing::error!(dropped = drop, "too many unsaved spans; dropping the oldest");
                    self.pending.drain(..drop);
                }
            }
        }
    }
}

/// A channel that receives a message on SIGINT, SIGTERM or SIGHUP, for [`run`]'s `stop`.
pub fn stop_on_signals() -> Result<Receiver<()>> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
        .map_err(|e| crate::Error::Invalid(format!("cannot install signal handlers: {e}")))?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                tracing::info!(signal = sig, "stopping");
                let _ = tx.send(());
            }
        })
        .map_err(|e| crate::Error::Invalid(format!("cannot start the signal thread: {e}")))?;
    Ok(rx)
}

pub mod session;

#[cfg(test)]
mod tests;
