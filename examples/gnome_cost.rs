//! What the GNOME sources cost while nothing happens: connects `GnomeFocus` and
//! `MutterIdle` on the session bus given (or this process's own), polls them once a second
//! as the tracker does, and after a warm-up of 5 s prints its own RSS and the CPU time it
//! used over the next `SECONDS` (default 60), from `/proc/self`.
//!
//!     cargo run --release --example gnome_cost -- [BUS_ADDRESS] [SECONDS] [both|focus|idle]
//!
//! The third argument polls one half only, to tell their costs apart.

use mast::sensor::gnome::{GnomeFocus, MutterIdle};
use mast::sensor::{Paired, Sensor, SensorOptions};
use std::time::{Duration, Instant};

fn cpu_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit_once(") ").map(|(_, r)| r.split(' ').collect()).unwrap_or_default();
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // utime + stime, in USER_HZ (100 on Linux).
    (tick(11) + tick(12)) * 10
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap_or("");
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let bus = args.next().filter(|a| !a.is_empty());
    let seconds: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(60);
    let halves = args.next().unwrap_or_else(|| "both".to_owned());
    // What the tracker passes by default: the AFK threshold makes MutterIdle use watches.
    let opts = SensorOptions { afk_threshold_ms: 180_000, ..SensorOptions::default() };
    let mut sensor = Paired {
        focus: Box::new(GnomeFocus::connect_at(bus.as_deref(), &opts)?),
        idle: Box::new(MutterIdle::connect_at(bus.as_deref(), &opts)?),
    };
    let poll = |sensor: &mut Paired, until: Instant| -> anyhow::Result<u64> {
        let mut polls = 0;
        while Instant::now() < until {
            match halves.as_str() {
                "focus" => drop(sensor.focus.focused()?),
                "idle" => drop(sensor.idle.idle_ms()?),
                _ => drop(sensor.observe()?),
            }
            polls += 1;
            std::thread::sleep(Duration::from_secs(1));
        }
        Ok(polls)
    };
    poll(&mut sensor, Instant::now() + Duration::from_secs(5))?;
    let (cpu0, t0) = (cpu_ms(), Instant::now());
    let polls = poll(&mut sensor, t0 + Duration::from_secs(seconds))?;
    let (used, elapsed) = (cpu_ms() - cpu0, t0.elapsed());
    println!(
        "{polls} polls in {:.1} s: RSS {} KiB, CPU {used} ms = {:.3} % of one core",
        elapsed.as_secs_f64(),
        rss_kib(),
        used as f64 / elapsed.as_millis() as f64 * 100.0
    );
    Ok(())
}
