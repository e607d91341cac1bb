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
//! Fail closed: the bundle is written to a sibling dir, every value it holds is scanned for
//! every stored title and url, the user name, the host name and the home path, and only a
//! clean bundle is renamed into place. A hit removes everything written, names the kind of
//! leak (never the leaked text) and says what the person can do about it.
//!
//! What counts as a leak is a needle found inside a value: a data cell (what the CSV and the
//! Parquet files hold, both written from the same rows) or a string in `manifest.json` or
//! `dictionary.json`. The files' own bytes and names (JSON keys, CSV headers, Parquet's
//! schema) are Mast's format, not values: a user called `user` or a host called `mast` is
//! found in them, and that says nothing about anyone. Needles are skipped when they are
//! under four bytes or of digits alone (they would match numbers), and when they are part
//! of the bundle's own vocabulary ([`Vocabulary`]: Mast's table, column and manifest words,
//! the built-in platforms, the study's id and title, the pseudonym), since a bundle holding
//! `instagram` reveals nothing when a window was titled `instagram` too. A study's category
//! names are not vocabulary: they are the researcher's free text that lands in every row,
//! so one that equals a title, user or host name still stops the export.

use super::protocol::{Protocol, TimeMode, OTHER};
use crate::analysis::ReportParams;
use crate::classify::Rules;
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
        if let Some(p) = Participant::existing(paths, study_id)? {
            return Ok(p);
        }
        let p = Participant::new()?;
        let path = Participant::path(paths, study_id);
        let dir = path.parent().expect("a research dir");
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let text = serde_json::to_string_pretty(&p).map_err(|e| Error::Invalid(e.to_string()))?;
        write_private(&path, text.as_bytes())?;
        Ok(p)
    }

    /// This machine's participant for the study if there is one already; writes nothing.
    pub fn existing(paths: &Paths, study_id: &str) -> Result<Option<Participant>> {
        let path = Participant::path(paths, study_id);
        match crate::files::read_text(&path, 64 << 10) {
            Ok(Some(text)) => serde_json::from_str(&text).map(Some).map_err(|e| {
                Error::Invalid(format!(
                    "{} is damaged ({e}); it holds your pseudonym for study {study_id}: restore it from a backup, \
                     or delete it to take part as a new participant",
                    path.display()
                ))
            }),
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A new random participant, not kept anywhere.
    pub fn new() -> Result<Participant> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| Error::Invalid(format!("no randomness available: {e}")))?;
        let pseudonym = format!("p-{}", bytes[..8].iter().map(|b| format!("{b:02x}")).collect::<String>());
        let r = u64::from_le_bytes(bytes[8..].try_into().expect("8 bytes"));
        let magnitude = (r % MAX_SHIFT_WEEKS as u64) as i64 + 1;
        let shift_weeks = if r >> 63 == 1 { -magnitude } else { magnitude };
        debug_assert!(pseudonym_ok(&pseudonym));
        Ok(Participant { pseudonym, shift_weeks })
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
    items: Vec<(String, Kind)>,
}

/// What a needle is, for the message that stops an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    TitleOrUrl,
    UserName,
    HomePath,
    HostName,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::TitleOrUrl => "a stored window title or url",
            Kind::UserName => "your user name",
            Kind::HomePath => "your home path",
            Kind::HostName => "the host name",
        }
    }

    /// What the person can do about a hit of this kind.
    fn remedy(self) -> &'static str {
        match self {
            Kind::TitleOrUrl => {
                "This happens when a study category is named like one of your window titles. Ask the study to rename \
                 the category, or stop keeping titles (set title_policy = \"none\" in Mast's config.toml; `mast paths` \
                 shows where it is, and the titles already stored are removed the next time Mast runs), then export again"
            }
            Kind::UserName | Kind::HomePath | Kind::HostName => {
                "This happens when a study category is named like your user or host name. Ask the study to rename the \
                 category, or rename it in your copy of the protocol, then export again"
            }
        }
    }
}

/// The words a bundle holds by design, whatever the participant did: a needle inside one
/// of them is no leak. See the module's documentation.
pub struct Vocabulary(String);

impl Vocabulary {
    /// Mast's own words for the bundle, the built-in platforms and categories, and the
    /// study's id and title and the participant's pseudonym.
    pub fn of(protocol: &Protocol, participant: &Participant) -> Vocabulary {
        let mut words: Vec<String> = vec![OTHER.into(), protocol.study_id.clone(), protocol.title.clone()];
        words.push(participant.pseudonym.clone());
        for mode in [TimeMode::Shifted, TimeMode::RelativeDays] {
            for t in tables(mode) {
                words.extend([t.name.to_owned(), t.description.to_owned()]);
                words.extend(["csv", "parquet"].map(|e| format!("{}.{e}", t.name)));
                // Names, types and descriptions, as dictionary.json writes them.
                let columns = serde_json::to_value(&t.columns).unwrap_or_default();
                json_strings(&columns, &mut words);
            }
            words.push(time_words(mode).into());
        }
        words.extend(NEVER_INCLUDED.map(String::from));
        words.extend(["platforms", "categories", "dictionary.json", "manifest.json"].map(String::from));
        words.extend(crate::model::Category::ALL.iter().map(|c| c.as_str().to_owned()));
        for p in Rules::builtin().platforms() {
            words.extend([p.id.clone(), p.name.clone()]);
        }
        // One text, words apart: a needle inside it lies inside one word.
        Vocabulary(words.join("\0"))
    }

    fn contains(&self, needle: &str) -> bool {
        self.0.contains(needle)
    }
}

impl Needles {
    /// Every stored title and url, the user name, the host name and the home path.
    pub fn gather(store: &Store) -> Result<Needles> {
        let mut items = Vec::new();
        store.stored_texts(|t| items.push((t.to_owned(), Kind::TitleOrUrl)))?;
        for var in ["USER", "LOGNAME"] {
            if let Ok(v) = std::env::var(var) {
                items.push((v, Kind::UserName));
            }
        }
        if let Some(home) = std::env::var_os("HOME") {
            let home = PathBuf::from(home);
            if let Some(name) = home.file_name() {
                items.push((name.to_string_lossy().into_owned(), Kind::UserName));
            }
            items.push((home.to_string_lossy().into_owned(), Kind::HomePath));
        }
        let host = rustix::system::uname().nodename().to_string_lossy().into_owned();
        items.push((host, Kind::HostName));
        // A shell's idea of the host name, when it differs (a container's, say).
        if let Ok(host) = std::env::var("HOSTNAME") {
            items.push((host, Kind::HostName));
        }
        Ok(Needles::new(items))
    }

    pub fn new(items: Vec<(String, Kind)>) -> Needles {
        let items = items
            .into_iter()
            .filter(|(t, _)| t.len() >= 4 && !t.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_punctuation()))
            .collect();
        Needles { items }
    }

    /// The kind of the first needle found inside any of `values` that is not part of the
    /// `vocabulary`, with the value's place (`values` are `(text, place)`).
    pub fn find<'v>(
        &self,
        values: impl IntoIterator<Item = (&'v str, &'v str)>,
        vocabulary: &Vocabulary,
    ) -> Result<Option<(Kind, &'v str)>> {
        if self.items.is_empty() {
            return Ok(None);
        }
        // Every match, overlapping ones too: a vocabulary needle must not hide another
        // that starts at the same place.
        let ac = aho_corasick::AhoCorasick::new(self.items.iter().map(|(t, _)| t.as_bytes()))
            .map_err(|e| Error::Invalid(format!("cannot prepare the privacy scan: {e}")))?;
        for (value, place) in values {
            for m in ac.find_overlapping_iter(value) {
                let (needle, kind) = &self.items[m.pattern().as_usize()];
                if !vocabulary.contains(needle) {
                    return Ok(Some((*kind, place)));
                }
            }
        }
        Ok(None)
    }
}

/// The string values of a JSON document, its keys left out.
fn json_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|v| json_strings(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| json_strings(v, out)),
        _ => {}
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
            time: time_words(protocol.anonymisation.time).into(),
            days: (data.to - data.from).num_days() + 1,
            targets: match &protocol.targets {
                super::protocol::Targets::Platforms { .. } => "platforms".into(),
                super::protocol::Targets::Categories { .. } => "categories".into(),
            },
            min_days: protocol.anonymisation.min_days,
            suppressed_targets: data.suppressed,
            day_start_hour,
            collected: data.counts().iter().map(|(n, _)| n.to_string()).collect(),
            never_included: NEVER_INCLUDED.map(String::from).to_vec(),
        },
        files,
    };
    let dictionary = serde_json::json!({ "schemaVersion": BUNDLE_SCHEMA, "tables": dictionary });
    write_private(&dir.join("dictionary.json"), pretty(&dictionary).as_bytes())?;
    write_private(&dir.join("manifest.json"), pretty(&manifest).as_bytes())?;

    // The privacy scan, over every value the bundle holds: the rows the data files were
    // written from, and the JSON files as written.
    let mut values: Vec<(String, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (table, rows) in &data.tables {
        for row in rows.iter().flatten() {
            for (column, v) in table.columns.iter().zip(row) {
                let text = v.display();
                if seen.insert((table.name, column.name, text.clone())) {
                    values.push((text, format!("the {} column of {}", column.name, table.name)));
                }
            }
        }
    }
    for name in ["manifest.json", "dictionary.json"] {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Invalid(e.to_string()))?;
        let mut strings = Vec::new();
        json_strings(&json, &mut strings);
        values.extend(strings.into_iter().map(|s| (s, name.to_owned())));
    }
    let vocabulary = Vocabulary::of(protocol, participant);
    if let Some((kind, place)) = needles.find(values.iter().map(|(v, p)| (v.as_str(), p.as_str())), &vocabulary)? {
        return Err(Error::Invalid(format!(
            "the bundle would contain {} (in {place}); nothing was written. {}",
            kind.describe(),
            kind.remedy()
        )));
    }
    Ok(manifest)
}

/// What `manifest.json` says the bundle never holds.
const NEVER_INCLUDED: [&str; 6] =
    ["window titles", "urls", "apps outside the study's list", "executable paths", "host name", "user name"];

/// How days are given, in words, for `manifest.json`.
fn time_words(mode: TimeMode) -> &'static str {
    match mode {
        TimeMode::Shifted => "shifted by a secret whole number of weeks",
        TimeMode::RelativeDays => "day numbers from the study's first day",
    }
}

/// Pretty JSON with a trailing newline.
fn pretty<T: Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("JSON of plain data") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn study() -> (Protocol, Participant) {
        let text = "study_id = \"sleep-2027\"\ntitle = \"Sleep and scrolling\"\nconsent = \"I agree.\"\n\
                    [targets]\nreport = \"categories\"\n[targets.categories]\ncanarytitle = [\"instagram\"]\n";
        let protocol = Protocol::parse(Path::new("study.toml"), text, &Rules::builtin()).unwrap();
        (protocol, Participant { pseudonym: "p-00cafe0000000000".into(), shift_weeks: 3 })
    }

    /// Regression: the scan ran over the files' bytes, so a user called `user` (in the
    /// manifest's words), a host called `mast` (in its key `mastVersion`) or a window titled
    /// `instagram` (a platform's id) stopped every export and called it a bug.
    #[test]
    fn needles_in_the_bundles_own_vocabulary_are_no_leak() {
        let (protocol, participant) = study();
        let vocabulary = Vocabulary::of(&protocol, &participant);
        let needles = Needles::new(vec![
            ("user".into(), Kind::UserName),
            ("mast".into(), Kind::HostName),
            ("cafe".into(), Kind::UserName),
            ("instagram".into(), Kind::TitleOrUrl),
            ("Sleep and scrolling".into(), Kind::TitleOrUrl),
            ("seconds".into(), Kind::TitleOrUrl),
        ]);
        let values = [
            ("instagram", "the target column of spans"),
            ("user name", "manifest.json"),
            ("p-00cafe0000000000", "manifest.json"),
            ("Sleep and scrolling", "manifest.json"),
            ("Time on the target that day, whole seconds.", "dictionary.json"),
        ];
        assert_eq!(needles.find(values, &vocabulary).unwrap(), None);
    }

    #[test]
    fn a_title_user_or_host_name_inside_a_value_is_a_leak() {
        let (protocol, participant) = study();
        let vocabulary = Vocabulary::of(&protocol, &participant);
        let needles = Needles::new(vec![
            ("instagram".into(), Kind::TitleOrUrl),
            ("canarytitle".into(), Kind::TitleOrUrl),
            ("alice-laptop".into(), Kind::HostName),
        ]);
        let find = |v: &'static str| needles.find([(v, "the target column of spans")], &vocabulary).unwrap();
        // A category (the researcher's free text) named like a title.
        assert_eq!(find("canarytitle"), Some((Kind::TitleOrUrl, "the target column of spans")));
        // A vocabulary needle at the same place does not hide a longer one.
        let needles =
            Needles::new(vec![("instagram".into(), Kind::TitleOrUrl), ("instagram-x".into(), Kind::TitleOrUrl)]);
        assert_eq!(needles.find([("instagram-x", "here")], &vocabulary).unwrap(), Some((Kind::TitleOrUrl, "here")));
        let needles = Needles::new(vec![("alice-laptop".into(), Kind::HostName)]);
        assert_eq!(
            needles.find([("at alice-laptop.", "manifest.json")], &vocabulary).unwrap().unwrap().0,
            Kind::HostName
        );
        assert!(!Kind::TitleOrUrl.remedy().is_empty() && Kind::HostName.remedy().contains("rename"));
    }
}
