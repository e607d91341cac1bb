//! Follows KWin's active window with Mast's KWin focus source the way `mast track` polls a
//! sensor (once a second), for a while, then says how many changes it saw and exits. For
//! measuring the channel's steady-state cost (RSS, CPU) on a real or headless KWin; it
//! prints counts only, never titles.
//!
//! Usage: `cargo run --release --example kwin_focus -- [SECONDS]` in a Plasma session, or
//! with `DBUS_SESSION_BUS_ADDRESS` pointing at a headless KWin's bus.

use anyhow::{Context, Result};
use mast::sensor::kwin::KwinFocus;
use mast::sensor::{FocusSource, SensorOptions, Waker};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() -> Result<()> {
    let seconds: u64 = std::env::args().nth(1).map(|s| s.parse()).transpose().context("SECONDS")?.unwrap_or(60);
    let wakes = Arc::new(AtomicU64::new(0));
    let counter = wakes.clone();
    let opts = SensorOptions {
        afk_threshold_ms: 180_000,
        waker: Waker::new(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        }),
    };
    let mut source = KwinFocus::connect(&opts).context("following KWin")?;
    println!("following {}", source.detail());
    let end = Instant::now() + Duration::from_secs(seconds);
    let (mut polls, mut changes, mut last) = (0u64, 0u64, None);
    while Instant::now() < end {
        let now = source.focused().context("polling KWin")?;
        if now != last {
            changes += 1;
            last = now;
        }
        polls += 1;
        std::thread::sleep(Duration::from_secs(1));
    }
    println!("{polls} polls, {changes} changes, {} reports", wakes.load(Ordering::Relaxed));
    Ok(())
}
