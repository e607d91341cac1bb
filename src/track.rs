//! Running the tracker: the outermost layer that reads the clock, polls the sensor, persists
//! spans and stops on a signal. The logic of turning polls into spans is in
//! [`crate::tracker`]; this module only drives it.
//!
//! Durability: a closed span is written at once, and the open one at least every
//! [`FLUSH_EVERY_MS`], each write one transaction, so `kill -9` loses at most
//! [`LOSS_BOUND_MS`]. A write that fails (a full disk) keeps the spans in memory and
//! retries at the next flush. A database found damaged stops the run with the error; a
//! database whose file was deleted or replaced under the runner (the data dir removed
//! while tracking) is left for a fresh one at the same path, so nothing more is written
//! into a file no one can read.

use crate::localday;
use crate::model::{Millis, Span};
use crate::sensor::{Sensor, SensorError, Waker};
use crate::store::{Classifier, Store};
use crate::tracker::Tracker;
use crate::Result;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What `kill -9` may lose at most: the promise the README makes.
pub const LOSS_BOUND_MS: Millis = 5_000;
/// The open span is committed at least this often. A flush is due at a poll, and a busy
/// machine can run a poll a second or more late, so the flush runs well inside the bound:
/// the flushed end is at most this plus one late poll behind the present.
pub const FLUSH_EVERY_MS: Millis = 3_000;
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
    /// How often the database file was found deleted or replaced, and a new one started.
    pub stores_restarted: u64,
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

    /// Spans were committed to the store at `now` (a closed span, or the open one grown):
    /// what readers show has changed. Not called for a write that failed or had nothing
    /// to write, so a surface can refresh exactly when there is something new.
    fn after_write(&mut self, _now: Millis) {}
}

/// Watches nothing.
impl Observer for () {
    fn after_poll(&mut self, _: &mut Store, _: Millis, _: i32, _: Option<&Span>, _: Option<&Span>) {}
}

/// Opens the sensor; given the [`Waker`] through which it may ask for a poll at once.
pub type Connect<'a> = dyn FnMut(&Waker) -> std::result::Result<Box<dyn Sensor + Send>, SensorError> + 'a;

/// The stop channel and, optionally, a sender of that same channel: a sensor that is told
/// of changes (a Wayland compositor's focus events) wakes the loop through it, so the span
/// switches when the focus did and a steady desktop needs no fast polling. A message sent
/// as a wake-up carries a flag; any other message is a stop.
pub struct Signals<'a> {
    pub stop: &'a Receiver<()>,
    pub wake: Option<Sender<()>>,
}

impl<'a> From<&'a Receiver<()>> for Signals<'a> {
    fn from(stop: &'a Receiver<()>) -> Signals<'a> {
        Signals { stop, wake: None }
    }
}

/// [`run_observed`] without an observer.
pub fn run<'a>(
    store: &mut Store,
    tracker: &mut Tracker,
    connect: &mut Connect<'_>,
    reload: impl FnMut() -> Option<Classifier>,
    clock: &dyn Clock,
    signals: impl Into<Signals<'a>>,
) -> Result<Summary> {
    let mut reopen = reopen_at(store.path().to_owned());
    run_observed(store, tracker, connect, reload, clock, signals, &mut reopen, &mut ())
}

/// Opens a fresh store at `path`, creating its dir: what [`run_observed`]'s `reopen`
/// does when nothing else (a lock) must be claimed again.
pub fn reopen_at(path: std::path::PathBuf) -> impl FnMut() -> Result<Store> {
    move || {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::paths::create_private_dir(dir)?;
        }
        Store::open(&path)
    }
}

/// Polls until a message arrives on `stop` (or it disconnects), then flushes and returns.
///
/// `connect` opens the sensor; it is called again with growing back-off (1 s doubling to a
/// minute) whenever the desktop is unreachable, so a missing X server costs nothing. A
/// sensor that wakes the loop (see [`Signals`]) is polled at once when it does, besides the
/// regular polls.
/// `reload` is asked every [`RELOAD_EVERY_MS`] for a new classifier (the user edited the
/// rules or the title policy); history is reclassified and tracking goes on with it.
/// `reopen` starts a new store when the file of `store` was deleted or replaced (checked
/// before each flush); its error stops the run. `observer` sees every poll of the desktop.
#[allow(clippy::too_many_arguments)]
pub fn run_observed<'a>(
    store: &mut Store,
    tracker: &mut Tracker,
    connect: &mut Connect<'_>,
    mut reload: impl FnMut() -> Option<Classifier>,
    clock: &dyn Clock,
    signals: impl Into<Signals<'a>>,
    reopen: &mut dyn FnMut() -> Result<Store>,
    observer: &mut dyn Observer,
) -> Result<Summary> {
    let Signals { stop, wake } = signals.into();
    let woken = Arc::new(AtomicBool::new(false));
    let waker = match wake {
        Some(tx) => {
            let woken = woken.clone();
            let tx = std::sync::Mutex::new(tx);
            Waker::new(move || {
                // Only one wake-up waits at a time: a burst of events is one poll.
                if !woken.swap(true, Ordering::AcqRel) {
                    let _ = tx.lock().map(|tx| tx.send(()));
                }
            })
        }
        None => Waker::default(),
    };
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
            match connect(&waker) {
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
                // From now on nothing is kept that the new policy drops. The tracker ends
                // the open span if its window now stores differently (the next poll opens
                // one under the new rules); what is written so far is written as it was
                // taken, and then rewritten with all of history by the reclassification.
                if let Some(span) = tracker.set_classifier(classifier.clone()) {
                    summary.spans_closed += 1;
                    writer.pending.push(span);
                }
                writer.save(store, tracker.open_span(), now, &mut summary, reopen)?;
                if writer.take_wrote() {
                    observer.after_write(now);
                }
                match store.sync_classification(&classifier) {
                    Ok(n) => tracing::info!(windows = n, "rules or title policy changed; history reclassified"),
                    Err(e) => tracing::error!("cannot reclassify history: {e}"),
                }
                // Spans the store could not take (a full disk) wait in memory: they are
                // held to the new rules too, or they would bring the old titles back.
                for span in &mut writer.pending {
                    span.window = classifier.store_again(&span.window);
                }
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
            writer.save(store, tracker.open_span(), now, &mut summary, reopen)?;
            if writer.take_wrote() {
                observer.after_write(now);
            }
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
            // A sensor's wake-up: poll now, and keep the regular ticks where they were.
            Ok(()) if woken.swap(false, Ordering::AcqRel) => {
                next_poll = next_poll.checked_sub(interval).unwrap_or(next_poll)
            }
            Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
        }
    }

    if let Some(span) = tracker.finish(clock.now_ms()) {
        summary.spans_closed += 1;
        writer.pending.push(span);
    }
    let now = clock.now_ms();
    writer.save(store, None, now, &mut summary, reopen)?;
    if writer.take_wrote() {
        observer.after_write(now);
    }
    if !writer.pending.is_empty() {
        return Err(crate::Error::Invalid(format!(
            "could not save the last {} spans: {}",
            writer.pending.len(),
            writer.last_error.unwrap_or_default()
        )));
    }
    Ok(summary)
}

/// A channel that receives a message on SIGINT, SIGTERM or SIGHUP, for [`run`]'s `stop`,
/// with a sender of it for [`Signals::wake`].
pub fn stop_on_signals() -> Result<(Sender<()>, Receiver<()>)> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
        .map_err(|e| crate::Error::Invalid(format!("cannot install signal handlers: {e}")))?;
    let (tx, rx) = std::sync::mpsc::channel();
    let wake = tx.clone();
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                tracing::info!(signal = sig, "stopping");
                let _ = tx.send(());
            }
        })
        .map_err(|e| crate::Error::Invalid(format!("cannot start the signal thread: {e}")))?;
    Ok((wake, rx))
}

pub mod session;
pub mod state;
mod writer;

use writer::Writer;

#[cfg(test)]
mod tests;
