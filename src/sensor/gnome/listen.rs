//! What the two listening threads (focus and idle) share: stopping a thread that waits on
//! the bus when its source is dropped, and a lock that survives a panicked holder.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Waker};

/// A "stop now" flag a listener's future checks each time it is polled, and the waker that
/// gets it polled.
#[derive(Default)]
pub(super) struct Stopper {
    stop: AtomicBool,
    task: Mutex<Option<Waker>>,
}

impl Stopper {
    /// Whether to stop; remembers `cx`'s waker so that [`Stopper::stop`] can wake the task.
    pub(super) fn stopped(&self, cx: &Context<'_>) -> bool {
        *lock(&self.task) = Some(cx.waker().clone());
        self.stop.load(Ordering::SeqCst)
    }

    pub(super) fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(w) = lock(&self.task).take() {
            w.wake();
        }
    }
}

/// The lock, even if a thread panicked while holding it: what is kept behind these locks
/// is a plain value that is whole at every moment.
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
