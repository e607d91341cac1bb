//! Idle time from notifications. The Wayland idle protocols do not count: they say "idled"
//! once no input came for the timeout asked for, and "resumed" at the next input. The
//! tracker needs the moment input stopped, so an event timestamped on arrival is turned
//! back into it by subtracting the timeout:
//!
//! ```text
//!   input ─┤            ├─ idled (arrives)        ├─ resumed
//!          │◄─ timeout ─►│                         │
//!   idle_ms:  0 ……… 0     timeout + (now − idled)   0
//!          └ input stopped = idled − timeout
//! ```
//!
//! Times are monotonic ([`Instant`]): a wall-clock jump must not make the user idle.

use std::time::{Duration, Instant};

/// The shortest timeout asked of a compositor: sub-second ones are refused by some and
/// would wake the source for every pause in typing.
pub(crate) const MIN_TIMEOUT_MS: u64 = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Notified {
    timeout: Duration,
    idled_at: Option<Instant>,
}

impl Notified {
    /// Asks to be told after `timeout_ms` (at least [`MIN_TIMEOUT_MS`]).
    pub(crate) fn new(timeout_ms: u64) -> Notified {
        Notified {
            timeout: Duration::from_millis(timeout_ms.clamp(MIN_TIMEOUT_MS, u64::from(u32::MAX))),
            idled_at: None,
        }
    }

    /// The timeout to ask the compositor for, in its unit (ms, `u32`).
    pub(crate) fn timeout_ms(&self) -> u32 {
        u32::try_from(self.timeout.as_millis()).unwrap_or(u32::MAX)
    }

    /// "idled" arrived at `at`. A second one without "resumed" in between (which a correct
    /// compositor never sends) does not move the moment input stopped.
    pub(crate) fn idled(&mut self, at: Instant) {
        self.idled_at.get_or_insert(at);
    }

    pub(crate) fn resumed(&mut self) {
        self.idled_at = None;
    }

    /// Milliseconds since input stopped, as of `now`: 0 while the user is active.
    pub(crate) fn idle_ms(&self, now: Instant) -> u64 {
        match self.idled_at {
            None => 0,
            Some(idled) => {
                let since = now.saturating_duration_since(idled) + self.timeout;
                u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_counts_from_when_input_stopped() {
        let t0 = Instant::now();
        let mut n = Notified::new(3_000);
        assert_eq!(n.timeout_ms(), 3_000);
        assert_eq!(n.idle_ms(t0), 0);
        n.idled(t0);
        assert_eq!(n.idle_ms(t0), 3_000);
        assert_eq!(n.idle_ms(t0 + Duration::from_millis(1_500)), 4_500);
        // A repeated "idled" does not restart the count.
        n.idled(t0 + Duration::from_secs(1));
        assert_eq!(n.idle_ms(t0 + Duration::from_secs(2)), 5_000);
        n.resumed();
        assert_eq!(n.idle_ms(t0 + Duration::from_secs(3)), 0);
        // A clock read before the event (another thread's `now`) never underflows.
        n.idled(t0 + Duration::from_secs(10));
        assert_eq!(n.idle_ms(t0), 3_000);
    }

    #[test]
    fn the_timeout_is_at_least_a_second() {
        assert_eq!(Notified::new(0).timeout_ms(), 1_000);
        assert_eq!(Notified::new(250).timeout_ms(), 1_000);
        assert_eq!(Notified::new(180_000).timeout_ms(), 180_000);
        assert_eq!(Notified::new(u64::MAX).timeout_ms(), u32::MAX);
    }
}
