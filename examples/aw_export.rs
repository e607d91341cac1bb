//! Writes a synthetic ActivityWatch export for the import benchmark
//! (`scripts/measure-import.sh`): a year of window events, one a minute (525,600 by
//! default), newest first as ActivityWatch exports them, with an AFK bucket (nights and
//! short breaks) and a browser tab bucket for the browser windows. Deterministic: the same
//! arguments give the same file. Streams its output, so any size costs no memory.
//!
//! Usage: `cargo run --release --example aw_export -- OUT.json [EVENTS]`

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use std::io::{BufWriter, Write};

/// The export ends here (2026-01-01T00:00:00Z), so nothing lies in the future.
const END_MS: i64 = 1_767_225_600_000;
const MINUTE_MS: i64 = 60_000;

/// A browser tab: its url and page title.
type Tab = Option<(&'static str, &'static str)>;

/// (app, window title, the tab of a browser window)
const WINDOWS: &[(&str, &str, Tab)] = &[
    ("firefox", "Home / X — Mozilla Firefox", Some(("https://x.com/home", "Home / X"))),
    ("firefox", "YouTube — Mozilla Firefox", Some(("https://www.youtube.com/", "YouTube"))),
    ("firefox", "Rust docs — Mozilla Firefox", Some(("https://doc.rust-lang.org/std/", "Rust docs"))),
    ("Google-chrome", "Instagram - Google Chrome", Some(("https://www.instagram.com/", "Instagram"))),
    ("Code", "main.rs - mast - Visual Studio Code", None),
    ("XTerm", "vim", None),
    ("discord", "#general | Friends - Discord", None),
    ("Slack", "Slack | general | Work", None),
];

/// xorshift64*: small, deterministic, good enough for a workload.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn ts(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms).expect("in range").to_rfc3339()
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args.next().context("usage: aw_export OUT.json [EVENTS]")?;
    let events: i64 = args.next().map(|n| n.parse()).transpose().context("EVENTS is a number")?.unwrap_or(525_600);
    let file = std::fs::File::create(&out).with_context(|| format!("cannot create {out}"))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let start_ms = END_MS - events * MINUTE_MS;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);

    // The window events and the tabs of browser windows, newest first.
    let mut tabs: Vec<(i64, f64, &str, &str)> = Vec::new();
    write!(w, "{{\"buckets\": {{\"aw-watcher-window_bench\": {{\"id\": \"aw-watcher-window_bench\", ")?;
    write!(w, "\"created\": \"{}\", \"client\": \"aw-watcher-window\", \"events\": [", ts(start_ms))?;
    for i in (0..events).rev() {
        let at = start_ms + i * MINUTE_MS + rng.below(5_000) as i64;
        let secs = 20.0 + rng.below(40_000) as f64 / 1000.0;
        let (app, title, tab) = WINDOWS[rng.below(WINDOWS.len() as u64) as usize];
        if i != events - 1 {
            w.write_all(b",")?;
        }
        write!(
            w,
            "\n{{\"id\": {i}, \"timestamp\": \"{}\", \"duration\": {secs}, \"data\": {{\"app\": {}, \"title\": {}}}}}",
            ts(at),
            serde_json::to_string(app)?,
            serde_json::to_string(title)?
        )?;
        if let Some((url, page)) = tab {
            tabs.push((at, secs, url, page));
        }
    }
    // `type` after the events: key order in a bucket is not guaranteed.
    write!(
        w,
        "], \"type\": \"currentwindow\", \"hostname\": \"bench\", \"data\": {{}}, \"last_updated\": \"{}\"}},",
        ts(END_MS)
    )?;

    write!(w, "\n\"aw-watcher-web-firefox\": {{\"type\": \"web.tab.current\", \"hostname\": \"bench\", \"events\": [")?;
    for (k, (at, secs, url, page)) in tabs.iter().enumerate() {
        if k > 0 {
            w.write_all(b",")?;
        }
        let incognito = k % 50 == 0;
        write!(
            w,
            "\n{{\"timestamp\": \"{}\", \"duration\": {secs}, \"data\": {{\"url\": \"{url}\", \"title\": \"{page}\", \"audible\": false, \"incognito\": {incognito}, \"tabCount\": 7}}}}",
            ts(*at)
        )?;
    }
    write!(w, "]}},")?;

    // Away: every night 23:00–07:00 UTC, and a 15-minute break every four hours.
    write!(w, "\n\"aw-watcher-afk_bench\": {{\"type\": \"afkstatus\", \"hostname\": \"bench\", \"events\": [")?;
    let day_ms = 24 * 60 * MINUTE_MS;
    let mut first = true;
    let mut day = END_MS - day_ms;
    while day + day_ms > start_ms {
        for (h, mins, status) in
            [(23, 480, "afk"), (19, 15, "afk"), (15, 15, "afk"), (11, 15, "afk"), (7, 240, "not-afk")]
        {
            let at = day + h * 60 * MINUTE_MS;
            if !first {
                w.write_all(b",")?;
            }
            first = false;
            write!(
                w,
                "\n{{\"timestamp\": \"{}\", \"duration\": {}, \"data\": {{\"status\": \"{status}\"}}}}",
                ts(at),
                mins * 60
            )?;
        }
        day -= day_ms;
    }
    writeln!(w, "]}}}}}}")?;
    w.flush()?;
    eprintln!("wrote {events} window events and {} tab events to {out}", tabs.len());
    Ok(())
}
