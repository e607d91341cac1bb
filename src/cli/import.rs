//! `mast import`: history from other trackers into the store, with a summary of what was
//! imported and skipped. The reading and the overlap policy are the library's
//! ([`mast::import`], [`mast::store::Importer`]); this prints and shows progress.

use super::{now_ms, print_json, Env};
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use mast::format::duration;
use mast::import::{Progress, Summary};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub source: Source,
}

#[derive(Subcommand, Debug)]
pub enum Source {
    /// Import an ActivityWatch export (the JSON file of "Export all buckets as JSON").
    ///
    /// Window events (`currentwindow` buckets) become spans, classified by your rules and
    /// stored under your title policy; time the AFK watcher marks as away is left out;
    /// browser windows get the url of the tab in front from `web.tab.current` buckets,
    /// and incognito tabs keep neither title nor url.
    ///
    /// Time already stored wins: an imported event is clipped to the gaps between the spans
    /// already in the database (tracked by Mast or imported before), and where events in
    /// the file overlap, the one read first wins. Importing the same file again therefore
    /// adds nothing.
    ///
    /// Events that cannot be used (wrong types, missing fields, negative or huge durations,
    /// times before 2000 or in the future) are skipped and counted. A file that is not a
    /// complete, valid export fails before anything is written; the whole import is one
    /// transaction, so a failure leaves the database as it was.
    #[command(verbatim_doc_comment)]
    Activitywatch {
        /// The exported JSON file.
        file: PathBuf,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        /// Show progress on stderr even when it is not a terminal.
        #[arg(long)]
        progress: bool,
    },
}

/// The summary as `--json` prints it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Printed<'a> {
    schema: u32,
    source: &'static str,
    file: String,
    #[serde(flatten)]
    summary: &'a Summary,
}

pub fn run(env: &Env, args: ImportArgs, demo: bool) -> Result<()> {
    if demo {
        bail!("imports go into your own data, not the demo's; run `mast import` without --demo");
    }
    let Source::Activitywatch { file, json, progress } = args.source;
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let mut meter = Meter::new(progress || std::io::stderr().is_terminal(), size);
    let mut store = env.store()?;
    let classifier = env.classifier();
    let settings = &env.settings;
    let opts = mast::import::activitywatch::Options {
        now_ms: now_ms(),
        offset_at: &mast::localday::offset_at,
        is_excluded: &|app| settings.is_excluded(app, None),
        progress: &mut |p| meter.show(p),
    };
    let result = mast::import::activitywatch::import(&file, &mut store, &classifier, opts);
    meter.finish();
    let summary = result?;
    if json {
        return print_json(&Printed {
            schema: 1,
            source: "activitywatch",
            file: file.display().to_string(),
            summary: &summary,
        });
    }
    super::out::text(&render(&summary, &file.display().to_string()));
    Ok(())
}

fn render(s: &Summary, file: &str) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let local = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.and_then(|t| {
            let offset = chrono::FixedOffset::east_opt(mast::localday::offset_at(t.timestamp_millis()) * 60)?;
            Some(t.with_timezone(&offset).format("%Y-%m-%d %H:%M").to_string())
        })
    };
    let _ = write!(
        out,
        "Imported {} events from {file}: {} spans, {}",
        s.imported_events,
        s.imported_spans,
        duration(s.imported_seconds)
    );
    match (local(s.from), local(s.to)) {
        (Some(from), Some(to)) => {
            let _ = writeln!(out, ", from {from} to {to}.");
        }
        _ => out.push_str(".\n"),
    }
    let _ = writeln!(out, "Already present: {} events (imported before, or tracked by Mast).", s.already_present);
    let b = &s.buckets;
    let _ = writeln!(
        out,
        "Buckets: {} window, {} afk, {} web, {} ignored ({} events in buckets Mast does not read).",
        b.window, b.afk, b.web, b.other, s.ignored_events
    );
    if s.afk_seconds > 0.0 || s.overlap_seconds > 0.0 {
        let _ = writeln!(
            out,
            "Left out: {} away from the computer, {} already covered by stored or earlier events.",
            duration(s.afk_seconds),
            duration(s.overlap_seconds)
        );
    }
    if s.repaired_texts > 0 {
        let _ = writeln!(
            out,
            "Repaired: {} titles or other texts held undecodable characters, kept with \u{fffd} in their place.",
            s.repaired_texts
        );
    }
    if s.skipped_total() > 0 {
        let _ = writeln!(out, "Skipped {} events:", s.skipped_total());
        for (reason, n) in &s.skipped {
            let _ = writeln!(out, "{n:>9}  {} ({})", reason.describe(), reason.as_str());
        }
    }
    out
}

/// Progress on stderr: the share of the file read in each pass, at most four times a
/// second on a terminal (once a second otherwise), and at the start of each pass.
struct Meter {
    on: bool,
    tty: bool,
    size: u64,
    last: Option<Instant>,
    /// The pass last shown: a new pass shows at once.
    pass: u8,
    shown: bool,
}

impl Meter {
    fn new(on: bool, size: u64) -> Meter {
        Meter { on, tty: std::io::stderr().is_terminal(), size, last: None, pass: 0, shown: false }
    }

    fn show(&mut self, p: Progress) {
        if !self.on || self.size == 0 {
            return;
        }
        let every = if self.tty { Duration::from_millis(250) } else { Duration::from_secs(1) };
        if p.pass == self.pass && self.last.is_some_and(|t| t.elapsed() < every) {
            return;
        }
        self.last = Some(Instant::now());
        self.pass = p.pass;
        let pct = (p.bytes as f64 * 100.0 / self.size as f64).min(100.0);
        let what = if p.pass == 1 { "checking" } else { "importing" };
        let mut err = std::io::stderr().lock();
        let _ = if self.tty {
            write!(err, "\r{what} (pass {}/{}): {pct:5.1} %", p.pass, p.passes)
        } else {
            writeln!(err, "{what} (pass {}/{}): {pct:.1} %", p.pass, p.passes)
        };
        self.shown = true;
    }

    fn finish(&mut self) {
        if self.shown && self.tty {
            let _ = write!(std::io::stderr(), "\r{:40}\r", "");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mast::import::SkipReason;

    #[test]
    fn the_summary_reads_well() {
        let mut s = Summary { imported_events: 3, imported_spans: 4, imported_seconds: 3720.0, ..Summary::default() };
        s.skipped.insert(SkipReason::BadDuration, 2);
        let text = render(&s, "aw.json");
        assert!(text.starts_with("Imported 3 events from aw.json: 4 spans, 1 h 02 min."), "{text}");
        assert!(text.contains("Skipped 2 events:\n        2  missing, negative, invalid or huge duration"), "{text}");
    }
}
