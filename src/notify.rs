//! Sending nudges: the tracker's [`Observer`] that feeds the [`Nudger`], hands its nudges to
//! a delivery thread, records delivered ones in the store and stores worth-it answers. The
//! desktop side is notify-rust over D-Bus ([`Desktop`]). What to send is decided in
//! [`crate::nudge`]; this module owns only getting it there and back.
//!
//! ```text
//!  tracker thread                       delivery thread            action threads
//!  after_poll ─ nudger.due ─ outbox ──▶ show (D-Bus call)
//!      ▲                                   ├─ Delivered/Failed ──┐
//!      └──── events (record, unmark, rating) ◀──────────────────┴── Answered(worth)
//! ```
//!
//! The tracker never waits on D-Bus: a hung or missing notification server can delay
//! nudges, never polls. A server that cannot be reached is logged once per outage; the nudge
//! is not recorded, so it may fire again when it still holds after [`RETRY_AFTER_MS`].
//!
//! Known limit: notify-rust's `wait_for_action` has no timeout, so a rating prompt whose
//! notification the server never closes keeps its thread (and D-Bus connection) until the
//! tracker stops. At most [`MAX_WAITING`] prompts wait at once; later ones are sent without
//! buttons, with the `mast rate` command in their text.

use crate::model::{Millis, Span};
use crate::nudge::{Nudge, NudgeConfig, Nudger, PastSpan, RatingAsk};
use crate::store::{NewRating, RatingScope, Store};
use crate::track::Observer;
use crate::Result;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// After a failed delivery, nudges wait this long before the next try.
pub const RETRY_AFTER_MS: Millis = 60_000;
/// Goals are re-read this often, so that edits reach a running tracker.
pub const GOALS_EVERY_MS: Millis = 30_000;
/// Rating prompts waiting for an answer at once, at most.
pub const MAX_WAITING: usize = 3;

/// Shows notifications. Runs on the delivery thread, so it may block.
pub trait Display: Send + 'static {
    /// Shows `nudge`. For a rating prompt, `answer` is to be given when the user answers
    /// (from any thread); dropping it unanswered is fine.
    fn show(&mut self, nudge: &Nudge, answer: Option<Answer>) -> std::result::Result<(), String>;
}

/// The way back for a worth-it answer.
pub struct Answer {
    ask: RatingAsk,
    events: Sender<Event>,
    waiting: Arc<AtomicUsize>,
}

impl Answer {
    pub fn give(self, worth: bool) {
        let _ = self.events.send(Event::Answered(self.ask.clone(), worth));
    }

    /// How many answers are being waited for now, this one included.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

impl Drop for Answer {
    fn drop(&mut self) {
        self.waiting.fetch_sub(1, Ordering::SeqCst);
    }
}

enum Event {
    Delivered(Nudge),
    Failed(Nudge, String),
    Answered(RatingAsk, bool),
}

/// The desktop's notification server, through notify-rust.
#[derive(Default)]
pub struct Desktop {
    actions: Option<bool>,
}

impl Desktop {
    fn supports_actions(&mut self) -> std::result::Result<bool, String> {
        if let Some(a) = self.actions {
            return Ok(a);
        }
        let caps = notify_rust::get_capabilities().map_err(|e| e.to_string())?;
        let a = caps.iter().any(|c| c == "actions");
        self.actions = Some(a);
        Ok(a)
    }
}

impl Display for Desktop {
    fn show(&mut self, nudge: &Nudge, answer: Option<Answer>) -> std::result::Result<(), String> {
        let mut n = notify_rust::Notification::new();
        n.appname("Mast").summary(&nudge.title).icon("dialog-information");
        let buttons = match (&answer, &nudge.ask_rating) {
            (Some(a), Some(_)) => a.waiting() <= MAX_WAITING && self.supports_actions()?,
            _ => false,
        };
        match (&nudge.ask_rating, buttons) {
            (Some(_), true) => {
                n.body(&nudge.body).action("worth", "Worth it").action("not", "Not worth it");
            }
            (Some(ask), false) => {
                n.body(&format!(
                    "{}\nAnswer with: mast rate --session --platform {} worth|not",
                    nudge.body, ask.platform
                ));
            }
            (None, _) => {
                n.body(&nudge.body);
            }
        }
        let handle = n.show().map_err(|e| e.to_string())?;
        if let (true, Some(answer)) = (buttons, answer) {
            std::thread::Builder::new()
                .name("rating".into())
                .spawn(move || {
                    handle.wait_for_action(|action| match action {
                        "worth" => answer.give(true),
                        "not" => answer.give(false),
                        _ => {}
                    })
                })
                .map_err(|e| format!("cannot start a thread: {e}"))?;
        }
        Ok(())
    }
}

/// The tracker's observer that sends nudges. See the module docs.
pub struct NudgeObserver {
    nudger: Nudger,
    outbox: Option<Sender<Nudge>>,
    events: Receiver<Event>,
    worker: Option<JoinHandle<()>>,
    waiting: Arc<AtomicUsize>,
    retry_at: Millis,
    failing: bool,
    goals_at: Millis,
}

impl NudgeObserver {
    /// Loads goals, this week's usage and the nudges already sent from `store`, and starts
    /// the delivery thread.
    #[tracing::instrument(skip_all, err)]
    pub fn start(
        store: &Store,
        cfg: NudgeConfig,
        display: impl Display,
        now: Millis,
        utc_offset_min: i32,
    ) -> Result<NudgeObserver> {
        let week = crate::nudge::week_start(now, utc_offset_min, cfg.day_start_hour);
        // A day's margin before the week: spans carry their own offsets.
        let from_day = week.pred_opt().unwrap_or(week);
        let sent = store.nudge_keys_since(from_day)?;
        let mut nudger = Nudger::new(cfg, store.goals()?, sent);
        let from = crate::localday::day_start_ms(from_day, utc_offset_min, 0);
        let mut spans = Vec::new();
        for row in store.spans(from, now + 1, 1_000_000)? {
            if let Some(platform) = row.platform {
                spans.push(PastSpan {
                    start_ms: row.start_ms,
                    end_ms: row.end_ms,
                    utc_offset_min: row.utc_offset_min,
                    platform,
                    category: row.category,
                });
            }
        }
        nudger.replay(spans, now, utc_offset_min);

        let (events_tx, events) = mpsc::channel();
        let (outbox, inbox) = mpsc::channel::<Nudge>();
        let waiting = Arc::new(AtomicUsize::new(0));
        let (tx, w) = (events_tx.clone(), waiting.clone());
        let mut display = display;
        let worker = std::thread::Builder::new()
            .name("notify".into())
            .spawn(move || {
                for nudge in inbox {
                    let answer = nudge.ask_rating.clone().map(|ask| {
                        w.fetch_add(1, Ordering::SeqCst);
                        Answer { ask, events: tx.clone(), waiting: w.clone() }
                    });
                    let event = match display.show(&nudge, answer) {
                        Ok(()) => Event::Delivered(nudge),
                        Err(e) => Event::Failed(nudge, e),
                    };
                    if tx.send(event).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| crate::Error::Invalid(format!("cannot start the notification thread: {e}")))?;
        Ok(NudgeObserver {
            nudger,
            outbox: Some(outbox),
            events,
            worker: Some(worker),
            waiting,
            retry_at: Millis::MIN,
            failing: false,
            goals_at: now,
        })
    }

    /// Stops the delivery thread and stores what comes back within `timeout`: deliveries
    /// still in flight and answers to prompts still waiting. For shutdown and tests.
    pub fn finish(mut self, store: &mut Store, now: Millis, timeout: Duration) {
        drop(self.outbox.take());
        let deadline = Instant::now() + timeout;
        loop {
            self.drain(store, now);
            let delivered = self.worker.as_ref().is_none_or(|w| w.is_finished());
            if (delivered && self.waiting.load(Ordering::SeqCst) == 0) || Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // A worker still stuck in a D-Bus call is left behind, never waited for.
        if let Some(w) = self.worker.take().filter(|w| w.is_finished()) {
            let _ = w.join();
        }
        self.drain(store, now);
    }

    fn drain(&mut self, store: &mut Store, now: Millis) {
        while let Ok(event) = self.events.try_recv() {
            match event {
                Event::Delivered(n) => {
                    if self.failing {
                        tracing::info!("notifications reach the desktop again");
                        self.failing = false;
                    }
                    if let Err(e) = store.record_nudge(&n.key, n.day, now) {
                        tracing::error!("cannot record a sent notification: {e}");
                    }
                }
                Event::Failed(n, why) => {
                    if !self.failing {
                        tracing::warn!("cannot show notifications ({why}); tracking goes on without them");
                        self.failing = true;
                    }
                    self.nudger.unmark(&n.key);
                    self.retry_at = now + RETRY_AFTER_MS;
                }
                Event::Answered(ask, worth) => {
                    let rating = NewRating {
                        scope: RatingScope::Session,
                        platform: Some(ask.platform),
                        start_ms: ask.start_ms,
                        end_ms: ask.end_ms,
                        day: ask.day,
                        worth,
                    };
                    if let Err(e) = store.add_rating(&rating, now) {
                        tracing::error!("cannot store a worth rating: {e}");
                    }
                }
            }
        }
    }
}

impl Observer for NudgeObserver {
    fn after_poll(
        &mut self,
        store: &mut Store,
        now: Millis,
        utc_offset_min: i32,
        open: Option<&Span>,
        closed: Option<&Span>,
    ) {
        self.drain(store, now);
        if now - self.goals_at >= GOALS_EVERY_MS || now < self.goals_at {
            self.goals_at = now;
            match store.goals() {
                Ok(goals) => self.nudger.set_goals(goals),
                Err(e) => tracing::error!("cannot re-read goals: {e}; keeping the ones in use"),
            }
        }
        self.nudger.observe(now, utc_offset_min, open, closed);
        if now < self.retry_at {
            return;
        }
        let Some(outbox) = &self.outbox else { return };
        for nudge in self.nudger.due(now, utc_offset_min) {
            let _ = outbox.send(nudge);
        }
    }
}

impl Drop for NudgeObserver {
    fn drop(&mut self) {
        // Let the delivery thread end on its own; never wait for D-Bus here.
        drop(self.outbox.take());
    }
}
