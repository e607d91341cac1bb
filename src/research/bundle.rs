//! The research bundle: what a participant shares with a study, built from the store by the
//! study's [`Protocol`], anonymised, previewed, scanned, and only then written.
//!
//! Anonymisation, all of it always on:
//! - no titles, urls, apps, executable paths, host or user names: the data holds only study
//!   targets (platforms the protocol names, or its own categories), and everything else
//!   tracked is `other`; a target used on fewer than `min_days` days becomes `other` too;
//!   time outside tracked platforms is not shared at all;
//! - time of day is coarsened to the protocol's granularity (`start_minute`, minutes after
//!   the day starts, floored), and days are either shifted by a random whole number of weeks
//!   that is secret and fixed per participant and study (weekday and time of day stay true)
//!   or given as day numbers from the study's first day;
//! - the participant is a random pseudonym, fixed per study on this machine.
//!
//! Fail closed: the bundle is written to a sibling dir, every byte of it is scanned for every
//! stored title and url, the user name, the host name and the home path (needles under four
//! bytes, or of digits alone, are skipped: they would match numbers), and only a clean bundle
//! is renamed into place. A hit removes everything written and names the kind of leak, never
//! the leaked text. Parquet pages are written uncompressed so the scan sees every value.

use super::protocol::{Protocol, TimeMode, OTHER};
use crate::analysis::ReportParams;
use crate::export::{Column, ColumnType, Format, Table, TableWriter, Value};
use crate::localday;
use crate::model::Millis;
use crate::paths::Paths;
use crate::store::Store;
use crate::{Error, Result};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// `manifest.json`'s `schemaVersion`: bumped when the bundle's layout or a column changes.
pub const BUNDLE_SCHEMA: u32 = 1;
/// Shifts are whole weeks in ±this range, never zero.
const MAX_SHIFT_WEEKS: i64 = 52;

use ColumnType::*;

const fn col(name: &'static str, ty: ColumnType, description: &'static str) -> Column {
    Column { name, ty, nullable: false, description }
}

const DAY_SHIFTED: Column = col("day", Date, "The local day, shifted by the participant's secret whole-week offset.");
const DAY_RELATIVE: Column = col("day", Integer, "The day's number in the study: 0 is the study's first day.");
const WEEKDAY: Column = col("weekday", Integer, "The true weekday: 1 is Monday, 7 Sunday.");
const TARGET: Column = col("target", Text, "The study target: a platform or category the protocol names, or other.");

macro_rules! tables {
    ($day:expr) => {
        [
            Table {
                name: "daily_totals",
                description: "Per day and study target with any use: time, sessions and checks.",
                columns: Cow::Borrowed(&[
                    $day,
                    WEEKDAY,
                    TARGET,
                    col("seconds", Integer, "Time on the target that day, whole seconds."),
                    col("sessions", Integer, "Sessions that started that day."),
                    col("checks", Integer, "Of those, sessions shorter than the check limit (30 s by default)."),
                ]),
            },
            Table {
                name: "sessions",
                description: "Each session on a tracked platform: a run of use with gaps under the session gap.",
                columns: Cow::Borrowed(&[
                    $day,
                    WEEKDAY,
                    col("start_minute", Integer, "Minutes after the day starts, floored to the granularity."),
                    TARGET,
                    col("seconds", Integer, "The session's length, whole seconds."),
                ]),
            },
            Table {
                name: "spans",
                description: "Each stretch of time one tracked platform was in front.",
                columns: Cow::Borrowed(&[
                    $day,
                    WEEKDAY,
                    col("start_minute", Integer, "Minutes after the day starts, floored to the granularity."),
                    TARGET,
                    col("seconds", Integer, "The span's length, whole seconds."),
                ]),
            },
        ]
    };
}

const SHIFTED_TABLES: [Table; 3] = tables!(DAY_SHIFTED);
const RELATIVE_TABLES: [Table; 3] = tables!(DAY_RELATIVE);

/// The bundle's tables for a time mode.
pub fn tables(mode: TimeMode) -> [Table; 3] {
    match mode {
        TimeMode::Shifted => SHIFTED_TABLES,
        TimeMode::RelativeDays => RELATIVE_TABLES,
    }
}

/// What this machine keeps for a study: the participant's pseudonym and secret time shift.
/// Stored in the data dir (0600), created on first use; never part of a bundle but the
/// pseudonym.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub pseudonym: String,
    pub shift_weeks: i64,
}

impl Participant {
    fn path(paths: &Paths, study_id: &str) -> PathBuf {
        paths.data_dir.join("research").join(format!("{study_id}.json"))
    }

    /// This machine's participant for the study, made once and kept.
    pub fn for_study(paths: &Paths, study_id: &str) -> Result<Participant> {
        let path = Participant::path(paths, study_id);
        match crate::files::read_text(&path, 64 << 10) {
            Ok(Some(text)) => serde_json::from_str(&text).map_err(|e| {
                Error::Invalid(format!(
                    "{} is damaged ({e}); it holds your pseudonym for study {study_id}: restore it from a backup, \
                     or delete it to take part as a new participant",
                    path.display()
                ))
            }),
            Ok(None) => {
                let mut bytes = [0u8; 16];
                getrandom::fill(&mut bytes).map_err(|e| Error::Invalid(format!("no randomness available: {e}")))?;
                let pseudonym = format!("p-{}", bytes[..8].iter().map(|b| format!("{b:02x}")).collect::<String>());
                debug_assert!(pseudonym_ok(&pseudonym));
                let r = u64::from_le_bytes(bytes[8..].try_into().expect("8 bytes"));
                let magnitude = (r % MAX_SHIFT_WEEKS as u64) as i64 + 1;
                let shift_weeks = if r >> 63 == 1 { -magnitude } else { magnitude };
                let p = Participant { pseudonym, shift_weeks };
                let dir = path.parent().expect("a research dir");
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                let text = serde_json::to_string_pretty(&p).map_err(|e| Error::Invalid(e.to_string()))?;
                write_private(&path, text.as_bytes())?;
                Ok(p)
            }
            Err(e) => Err(e),
        }
    }
}

/// A participant's pseudonym as [`Participant::for_study`] makes it: `p-` and 16 lowercase
/// hex digits. `mast research merge` takes only these, as they become folder names.
pub fn pseudonym_ok(s: &str) -> bool {
    s.len() == 18 && s.starts_with("p-") && s[2..].bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut f = crate::export::create_private(path)?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(|e| Error::io(path, e))
}

/// The shared rows, before they are written.
#[derive(Clone, Debug)]
pub struct Data {
    /// Per table in [`SHIFTED_TABLES`] order, the rows; `None` for tables the protocol does
    /// not collect.
    pub(crate) tables: Vec<(Table, Option<Vec<Vec<Value>>>)>,
    /// Targets reported as `other` because they were used on too few days.
    pub suppressed: usize,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Builds the shared rows from the store.
pub fn build(
    store: &Store,
    params: ReportParams,
    protocol: &Protocol,
    participant: &Participant,
    today: NaiveDate,
) -> Result<Data> {
    let (from, to) = protocol.period.unwrap_or_else(|| {
        let to = today.pred_opt().unwrap_or(today);
        (to.checked_sub_days(Days::new(super::protocol::DEFAULT_DAYS as u64 - 1)).unwrap_or(to), to)
    });
    let params = ReportParams { from, to, ..params };
    let report = store.report(params)?;

    // Targets used on too few days are `other`.
    let mut days_used: BTreeMap<String, u32> = BTreeMap::new();
    for d in &report.days {
        let names: std::collections::BTreeSet<&str> = d
            .usage
            .targets
            .iter()
            .filter(|t| t.seconds > 0.0)
            .map(|t| protocol.target_name(Some(&t.platform)))
            .collect();
        for n in names {
            *days_used.entry(n.to_owned()).or_default() += 1;
        }
    }
    let rare: std::collections::BTreeSet<String> = days_used
        .iter()
        .filter(|(n, d)| n.as_str() != OTHER && **d < protocol.anonymisation.min_days)
        .map(|(n, _)| n.clone())
        .collect();
    let name = |platform: Option<&str>| -> String {
        let n = protocol.target_name(platform);
        if rare.contains(n) {
            OTHER.to_owned()
        } else {
            n.to_owned()
        }
    };

    let day_value = |day: NaiveDate| -> Value {
        match protocol.anonymisation.time {
            TimeMode::Shifted => Value::Date(day + chrono::Duration::weeks(participant.shift_weeks)),
            TimeMode::RelativeDays => Value::Int((day - from).num_days()),
        }
    };
    let weekday = |day: NaiveDate| Value::Int(chrono::Datelike::weekday(&day).number_from_monday().into());
    let g = protocol.granularity_minutes as i64;
    // (day, minute after the day start floored to the granularity) of an instant.
    let place = |ms: Millis, offset_min: i32| -> (NaiveDate, i64) {
        let day = localday::local_day(ms, offset_min, params.day_start_hour);
        let minute = (ms - localday::day_start_ms(day, offset_min, params.day_start_hour)) / 60_000;
        (day, minute / g * g)
    };
    let tables = tables(protocol.anonymisation.time);

    let mut daily = None;
    if protocol.collect.daily_totals {
        let mut rows = Vec::new();
        for d in &report.days {
            let mut per: BTreeMap<String, (f64, u32, u32)> = BTreeMap::new();
            for t in &d.usage.targets {
                let e = per.entry(name(Some(&t.platform))).or_default();
                e.0 += t.seconds;
                e.1 += t.sessions;
                e.2 += t.checks;
            }
            for (target, (secs, sessions, checks)) in per {
                rows.push(vec![
                    day_value(d.date),
                    weekday(d.date),
                    Value::Text(target),
                    Value::Int(secs.round() as i64),
                    Value::Int(sessions.into()),
                    Value::Int(checks.into()),
                ]);
            }
        }
        daily = Some(rows);
    }

    let mut sessions = protocol.collect.sessions.then(Vec::new);
    let mut spans = protocol.collect.spans.then(Vec::new);
    if sessions.is_some() || spans.is_some() {
        let (lo, hi) = localday::utc_window(from, to, params.day_start_hour);
        // Open sessions per platform: (start, end, offset).
        let mut open: HashMap<String, (Millis, Millis, i32)> = HashMap::new();
        let mut closed: Vec<(String, Millis, Millis, i32)> = Vec::new();
        store.for_each_span_row(lo, hi, |s| {
            let Some(platform) = s.platform.clone() else { return Ok(()) };
            let (day, minute) = place(s.start_ms, s.utc_offset_min);
            if day < from || day > to {
                return Ok(());
            }
            if let Some(rows) = spans.as_mut() {
                rows.push(vec![
                    day_value(day),
                    weekday(day),
                    Value::Int(minute),
                    Value::Text(name(Some(&platform))),
                    Value::Int(((s.end_ms - s.start_ms) as f64 / 1000.0).round() as i64),
                ]);
            }
            match open.get_mut(&platform) {
                Some(o) if s.start_ms - o.1 < params.session_gap_ms => o.1 = o.1.max(s.end_ms),
                _ => {
                    if let Some(o) = open.insert(platform.clone(), (s.start_ms, s.end_ms, s.utc_offset_min)) {
                        closed.push((platform, o.0, o.1, o.2));
                    }
                }
            }
            Ok(())
        })?;
        closed.extend(open.into_iter().map(|(p, o)| (p, o.0, o.1, o.2)));
        closed.sort_by_key(|c| c.1);
        if let Some(rows) = sessions.as_mut() {
            for (platform, start, end, offset) in closed {
                let (day, minute) = place(start, offset);
                rows.push(vec![
                    day_value(day),
                    weekday(day),
                    Value::Int(minute),
                    Value::Text(name(Some(&platform))),
                    Value::Int(((end - start) as f64 / 1000.0).round() as i64),
                ]);
            }
        }
    }
    // Only the fields the protocol chose.
    let project = |table: Table, rows: Option<Vec<Vec<Value>>>| -> (Table, Option<Vec<Vec<Value>>>) {
        let keep: Vec<bool> = table.columns.iter().map(|c| protocol.collect.includes(table.name, c.name)).collect();
        if keep.iter().all(|k| *k) {
            return (table, rows);
        }
        let columns: Vec<Column> = table.columns.iter().zip(&keep).filter(|(_, k)| **k).map(|(c, _)| *c).collect();
        let rows = rows.map(|rows| {
            rows.into_iter().map(|r| r.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(v, _)| v).collect()).collect()
        });
        (Table { columns: Cow::Owned(columns), ..table }, rows)
    };
    let [t_daily, t_sessions, t_spans] = tables;
    Ok(Data {
        tables: vec![project(t_daily, daily), project(t_sessions, sessions), project(t_spans, spans)],
        suppressed: rare.len(),
        from,
        to,
    })
}

/// A table's name, its column names and its first rows as text.
pub type Sample = (&'static str, Vec<&'static str>, Vec<Vec<String>>);

impl Data {
    /// Rows per collected table.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        self.tables.iter().filter_map(|(t, rows)| rows.as_ref().map(|r| (t.name, r.len()))).collect()
    }

    /// The first `n` rows of each collected table as text, for the preview: exactly the values
    /// the files will hold.
    pub fn sample(&self, n: usize) -> Vec<Sample> {
        self.tables
            .iter()
            .filter_map(|(t, rows)| {
                let rows = rows.as_ref()?;
                let header = t.columns.iter().map(|c| c.name).collect();
                let sample = rows.iter().take(n).map(|r| r.iter().map(Value::display).collect()).collect();
                Some((t.name, header, sample))
            })
            .collect()
    }
}

/// `manifest.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub schema_version: u32,
    pub study_id: String,
    pub study_title: String,
    pub participant: String,
    /// When the participant consented: UTC, to the minute.
    pub consented_at: String,
    pub mast_version: String,
    /// What was applied, in the protocol's terms.
    pub applied: Applied,
    /// Data files and their rows.
    pub files: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    pub granularity_minutes: u32,
    /// How days are given: `shifted` or `relative_days`.
    pub time_mode: TimeMode,
    /// The same, in words.
    pub time: String,
    /// Days in the study period.
    pub days: i64,
    pub targets: String,
    pub min_days: u32,
    pub suppressed_targets: usize,
    pub day_start_hour: u8,
    pub collected: Vec<String>,
    pub never_included: Vec<String>,
}

/// What the privacy scan looks for.
pub struct Needles {
    /// (text, what it is) — `what` goes into messages, `text` never does.
    items: Vec<(String, &'static str)>,
}

impl Needles {
    /// Every stored title and url, the user name, the host name and the home path.
    pub fn gather(store: &Store) -> Result<Needles> {
        let mut items = Vec::new();
        store.stored_texts(|t| items.push((t.to_owned(), "a stored window title or url")))?;
        for var in ["USER", "LOGNAME"] {
            if let Ok(v) = std::env::var(var) {
                items.push((v, "your user name"));
            }
        }
        if let Some(home) = std::env::var_os("HOME") {
            let home = PathBuf::from(home);
            if let Some(name) = home.file_name() {
                items.push((name.to_string_lossy().into_owned(), "your user name"));
            }
            items.push((home.to_string_lossy().into_owned(), "your home path"));
        }
        let host = rustix::system::uname().nodename().to_string_lossy().into_owned();
        items.push((host, "the host name"));
        // A shell's idea of the host name, when it differs (a container's, say).
        if let Ok(host) = std::env::var("HOSTNAME") {
            items.push((host, "the host name"));
        }
        Ok(Needles::new(items))
    }

    pub fn new(items: Vec<(String, &'static str)>) -> Needles {
        let items = items
            .into_iter()
            .filter(|(t, _)| t.len() >= 4 && !t.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_punctuation()))
            .collect();
        Needles { items }
    }

    /// The kind of the first needle found in `bytes`, if any.
    pub fn find(&self, bytes: &[u8]) -> Result<Option<&'static str>> {
        if self.items.is_empty() {
            return Ok(None);
        }
        let ac = aho_corasick::AhoCorasick::new(self.items.iter().map(|(t, _)| t.as_bytes()))
            .map_err(|e| Error::Invalid(format!("cannot prepare the privacy scan: {e}")))?;
        Ok(ac.find(bytes).map(|m| self.items[m.pattern().as_usize()].1))
    }
}

/// Writes the bundle into `out` (which must not exist): data as CSV and Parquet,
/// `dictionary.json`, `manifest.json`, after the privacy scan.
pub fn write(
    data: &Data,
    protocol: &Protocol,
    participant: &Participant,
    needles: &Needles,
    day_start_hour: u8,
    consented_ms: Millis,
    out: &Path,
) -> Result<Manifest> {
    if out.exists() {
        return Err(Error::Invalid(format!(
            "{} already exists; choose a new --out for the bundle (nothing was written)",
            out.display()
        )));
    }
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "bundle".into());
    let tmp = out.with_file_name(format!(".{name}.partial"));
    crate::files::fresh_private_dir(&tmp)?;
    let result = write_into(&tmp, data, protocol, participant, needles, day_start_hour, consented_ms)
        .and_then(|m| std::fs::rename(&tmp, out).map(|_| m).map_err(|e| Error::io(out, e)));
    if result.is_err() {
        let _ = crate::files::remove_all(&tmp);
    }
    result
}

fn write_into(
    dir: &Path,
    data: &Data,
    protocol: &Protocol,
    participant: &Participant,
    needles: &Needles,
    day_start_hour: u8,
    consented_ms: Millis,
) -> Result<Manifest> {
    let mut files = BTreeMap::new();
    let mut dictionary = Vec::new();
    for (table, rows) in &data.tables {
        let Some(rows) = rows else { continue };
        for format in [Format::Csv, Format::Parquet] {
            let mut w = TableWriter::create_with(table.clone(), format, dir, false)?;
            for r in rows {
                w.row(r)?;
            }
            let (tmp, path, n, _) = w.finish()?;
            std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
            files.insert(path.file_name().expect("a file").to_string_lossy().into_owned(), n);
        }
        dictionary.push(serde_json::json!({
            "name": table.name,
            "files": [format!("{}.csv", table.name), format!("{}.parquet", table.name)],
            "description": table.description,
            "columns": table.columns,
        }));
    }
    let consented_at = chrono::DateTime::from_timestamp_millis(consented_ms / 60_000 * 60_000)
        .map(|t| t.format("%Y-%m-%dT%H:%MZ").to_string())
        .unwrap_or_default();
    let manifest = Manifest {
        schema_version: BUNDLE_SCHEMA,
        study_id: protocol.study_id.clone(),
        study_title: protocol.title.clone(),
        participant: participant.pseudonym.clone(),
        consented_at,
        mast_version: env!("CARGO_PKG_VERSION").into(),
        applied: Applied {
            granularity_minutes: protocol.granularity_minutes,
            time_mode: protocol.anonymisation.time,
            time: match protocol.anonymisation.time {
                TimeMode::Shifted => "shifted by a secret whole number of weeks".into(),
                TimeMode::RelativeDays => "day numbers from the study's first day".into(),
            },
            days: (data.to - data.from).num_days() + 1,
            targets: match &protocol.targets {
                super::protocol::Targets::Platforms { .. } => "platforms".into(),
                super::protocol::Targets::Categories { .. } => "categories".into(),
            },
            min_days: protocol.anonymisation.min_days,
            suppressed_targets: data.suppressed,
            day_start_hour,
            collected: data.counts().iter().map(|(n, _)| n.to_string()).collect(),
            never_included: [
                "window titles",
                "urls",
                "apps outside the study's list",
                "executable paths",
                "host name",
                "user name",
            ]
            .map(String::from)
            .to_vec(),
        },
        files,
    };
    let dictionary = serde_json::json!({ "schemaVersion": BUNDLE_SCHEMA, "tables": dictionary });
    write_private(&dir.join("dictionary.json"), pretty(&dictionary).as_bytes())?;
    write_private(&dir.join("manifest.json"), pretty(&manifest).as_bytes())?;

    // The privacy scan, over every byte written.
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        if let Some(what) = needles.find(&bytes)? {
            return Err(Error::Invalid(format!(
                "the bundle would contain {what} (in {}); nothing was written. Please report this to the \
                 study and to Mast: it is a bug",
                path.file_name().unwrap_or_default().to_string_lossy()
            )));
        }
    }
    Ok(manifest)
}

/// Pretty JSON with a trailing newline.
fn pretty<T: Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("JSON of plain data") + "\n"
}
