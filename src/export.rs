//! The personal export (`mast export`): everything Mast holds about the user's own usage, in
//! files any tool reads — spans, days, daily totals per target, goals and ratings — with a
//! `schema.json` that documents every column. It is the user's own data, so titles and urls
//! are included as stored (the title policy already decided what was kept); the research
//! export, which anonymises, is another module.
//!
//! Each table is declared once ([`TABLES`]): its columns' names, types and descriptions feed
//! the CSV header, the JSON Lines keys and `schema.json`, so the documentation cannot drift
//! from the data. Rows are streamed: a year of spans is never held in memory.
//!
//! Nothing is overwritten by accident: when a file of the export is already in the output
//! dir, the export stops before writing unless `force` is set. Files are written beside
//! their final names and renamed once all are complete, so a failed export (a full disk, a
//! damaged database) leaves no partial file and nothing of an earlier export is lost. The
//! files are the user's alone (0600, in a 0700 dir when the export creates it).

use crate::analysis::ReportParams;
use crate::goals::{Goal, GoalKind, GoalSource, GoalTarget};
use crate::localday;
use crate::model::Millis;
use crate::store::{SpanRow, Store};
use crate::{Error, Result};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// `schema.json`'s `mastExport`: bumped when a column changes meaning or goes away.
pub const EXPORT_SCHEMA: u32 = 1;

/// The file formats of the personal export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// RFC 4180 CSV with a header row; empty field for null.
    Csv,
    /// One JSON object per line; `null` for null.
    Jsonl,
    /// Apache Parquet, Snappy-compressed; optional columns for nullable ones. Dates are
    /// `DATE`, timestamps `TIMESTAMP(MILLIS, UTC)` (the offset is in `utc_offset_min`).
    Parquet,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Parquet => "parquet",
        }
    }
}

/// A column's type, as `schema.json` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// A 64-bit signed integer.
    Integer,
    /// A 64-bit float.
    Float,
    Text,
    /// `true` / `false`.
    Boolean,
    /// A local date, `YYYY-MM-DD`.
    Date,
    /// An RFC 3339 timestamp with the UTC offset in force at the time.
    Timestamp,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Column {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    pub nullable: bool,
    pub description: &'static str,
}

const fn col(name: &'static str, ty: ColumnType, nullable: bool, description: &'static str) -> Column {
    Column { name, ty, nullable, description }
}

#[derive(Clone, Debug, Serialize)]
pub struct Table {
    pub name: &'static str,
    pub description: &'static str,
    /// Fixed for the personal export; chosen by the protocol for a research bundle.
    pub columns: Cow<'static, [Column]>,
}

use ColumnType::*;

pub const SPANS: Table = Table {
    name: "spans",
    description: "Every stretch of time one window was in front while you were at the computer, oldest first.",
    columns: Cow::Borrowed(&[
        col("start", Timestamp, false, "When the span began, local time with its UTC offset."),
        col("end", Timestamp, false, "When it ended (exclusive), same offset as start."),
        col("start_ms", Integer, false, "start as UTC epoch milliseconds."),
        col("end_ms", Integer, false, "end as UTC epoch milliseconds."),
        col("utc_offset_min", Integer, false, "The local zone's UTC offset in minutes when the span was recorded."),
        col("day", Date, false, "The local day the span starts on (days start at the day-start hour)."),
        col("seconds", Float, false, "Duration in seconds, exact to the millisecond."),
        col("app", Text, false, "The window's application: its WM_CLASS class or process name."),
        col("exe", Text, true, "The executable's file name; null when unknown."),
        col("title", Text, true, "The window title, when the title policy kept it; null otherwise."),
        col("url", Text, true, "The page's url, when known and kept; null otherwise."),
        col("platform", Text, true, "The tracked platform the window counts toward (e.g. youtube); null for others."),
        col("category", Text, true, "The platform's category: social, video or messaging; null for others."),
        col("rule", Text, true, "The id of the classification rule that matched; null when none did."),
    ]),
};

pub const DAYS: Table = Table {
    name: "days",
    description: "One row per local day of the range: time at the computer and on tracked platforms.",
    columns: Cow::Borrowed(&[
        col("day", Date, false, "The local day."),
        col("active_seconds", Float, false, "All recorded time that day, on tracked platforms or not."),
        col("target_seconds", Float, false, "Time on tracked platforms that day."),
    ]),
};

pub const DAILY_TOTALS: Table = Table {
    name: "daily_totals",
    description: "Per local day and tracked platform with any time: the time, sessions and checks.",
    columns: Cow::Borrowed(&[
        col("day", Date, false, "The local day."),
        col("platform", Text, false, "The platform id, e.g. instagram."),
        col("category", Text, false, "The platform's category: social, video or messaging."),
        col("seconds", Float, false, "Time on the platform that day (spans split at day edges)."),
        col("sessions", Integer, false, "Sessions that started that day (runs with gaps under the session gap)."),
        col("checks", Integer, false, "Of those sessions, how many were checks (shorter than the check limit)."),
    ]),
};

pub const GOALS: Table = Table {
    name: "goals",
    description: "Your goals as they are now, paused ones included.",
    columns: Cow::Borrowed(&[
        col("id", Integer, false, "The goal's id, as `mast goals list` shows it."),
        col("target_kind", Text, false, "platform or category."),
        col("target", Text, false, "The platform id or category name the goal is about."),
        col(
            "kind",
            Text,
            false,
            "dailyLimit, weeklyLimit, downtime, sessionCap, checksCap or intent; the columns below that apply are set.",
        ),
        col("limit_seconds", Integer, true, "dailyLimit, weeklyLimit: the most time allowed per day or week."),
        col("start_minute", Integer, true, "downtime: start, minutes after local midnight."),
        col(
            "end_minute",
            Integer,
            true,
            "downtime: end, minutes after local midnight (before start: crosses midnight).",
        ),
        col("cap_seconds", Integer, true, "sessionCap: the longest session allowed."),
        col("max_per_day", Integer, true, "checksCap: the most sessions allowed per day."),
        col("purpose", Text, true, "intent: the purpose in your words."),
        col("planned_seconds", Integer, true, "intent: the planned session length, if any."),
        col("weekdays", Text, false, "The days it applies to, e.g. mon,tue,wed,thu,fri."),
        col("paused", Boolean, false, "Whether the goal is paused."),
        col("source", Text, false, "personal, or family:<family id> for a shared goal."),
    ]),
};

pub const RATINGS: Table = Table {
    name: "ratings",
    description: "Your worth-it ratings of sessions and days.",
    columns: Cow::Borrowed(&[
        col("id", Integer, false, "The rating's id."),
        col("scope", Text, false, "session or day."),
        col("platform", Text, true, "The platform of a rated session; null for a day."),
        col("day", Date, false, "The local day rated, or the day the session started."),
        col("start", Timestamp, false, "The rated session's or day's start (UTC)."),
        col("end", Timestamp, false, "Its end (UTC, exclusive)."),
        col("worth", Boolean, false, "true: worth it; false: not worth it."),
        col("rated", Timestamp, false, "When you rated it (UTC)."),
    ]),
};

/// Every table of the export, in the order they are written.
pub const TABLES: [Table; 5] = [SPANS, DAYS, DAILY_TOTALS, GOALS, RATINGS];

/// What to export and where.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub format: Format,
    /// The directory the files go to; created when missing.
    pub out_dir: PathBuf,
    /// The first and last local day (inclusive) of spans, days, daily totals and ratings.
    /// Goals are exported as they are now.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Replace files of an earlier export in `out_dir`.
    pub force: bool,
}

/// One written file.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedFile {
    pub table: &'static str,
    pub path: PathBuf,
    pub rows: u64,
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportSummary {
    pub out_dir: PathBuf,
    pub format: Format,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub files: Vec<ExportedFile>,
    /// The schema file.
    pub schema: PathBuf,
}

/// `schema.json`: what the export holds and what each column means.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SchemaFile<'a> {
    mast_export: u32,
    mast_version: &'static str,
    format: Format,
    from: NaiveDate,
    to: NaiveDate,
    day_start_hour: u8,
    null: &'static str,
    tables: Vec<SchemaTable<'a>>,
}

#[derive(Serialize)]
struct SchemaTable<'a> {
    name: &'static str,
    file: String,
    rows: u64,
    description: &'static str,
    columns: &'a [Column],
}

/// Progress of a long export, for a progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub table: &'static str,
    pub done: u64,
    pub total: u64,
}

/// A cell.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
    /// An instant and the UTC offset to show it at.
    Time(Millis, i32),
}

impl Value {
    /// The value as CSV shows it (empty for null).
    pub(crate) fn display(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Text(t) => t.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Date(_) | Value::Time(..) => self.text().unwrap_or_default(),
        }
    }

    /// The text CSV and JSON Lines show for a date or a time.
    fn text(&self) -> Option<String> {
        match self {
            Value::Date(d) => Some(d.to_string()),
            Value::Time(ms, offset_min) => {
                let offset = FixedOffset::east_opt(offset_min * 60).unwrap_or(FixedOffset::east_opt(0).expect("zero"));
                DateTime::from_timestamp_millis(*ms)
                    .map(|t| t.with_timezone(&offset).to_rfc3339_opts(chrono::SecondsFormat::Millis, false))
            }
            _ => None,
        }
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Value {
        v.map_or(Value::Null, Value::Text)
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Value {
        v.map_or(Value::Null, Value::Int)
    }
}

/// Writes the rows of one table in one format, to a temporary file renamed on `finish`.
pub(crate) struct TableWriter {
    table: Table,
    tmp: PathBuf,
    path: PathBuf,
    out: Out,
    rows: u64,
}

enum Out {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Jsonl(BufWriter<File>),
    Parquet(Box<parquet_out::ParquetOut>),
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(path, io),
        other => Error::Invalid(format!("cannot write {}: {other:?}", path.display())),
    }
}

impl TableWriter {
    fn create(table: Table, format: Format, dir: &Path) -> Result<TableWriter> {
        TableWriter::create_with(table, format, dir, true)
    }

    /// `compressed`: Parquet pages Snappy-compressed (the research export writes them plain,
    /// so that its privacy scan reads every byte as written).
    pub(crate) fn create_with(table: Table, format: Format, dir: &Path, compressed: bool) -> Result<TableWriter> {
        let path = dir.join(format!("{}.{}", table.name, format.extension()));
        let tmp = dir.join(format!(".{}.{}.partial", table.name, format.extension()));
        let file = BufWriter::new(create_private(&tmp)?);
        let out = match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(file);
                w.write_record(table.columns.iter().map(|c| c.name)).map_err(|e| csv_error(&tmp, e))?;
                Out::Csv(Box::new(w))
            }
            Format::Jsonl => Out::Jsonl(file),
            Format::Parquet => Out::Parquet(Box::new(parquet_out::ParquetOut::new(&table, file, &tmp, compressed)?)),
        };
        Ok(TableWriter { table, tmp, path, out, rows: 0 })
    }

    pub(crate) fn row(&mut self, values: &[Value]) -> Result<()> {
        debug_assert_eq!(values.len(), self.table.columns.len(), "{}", self.table.name);
        match &mut self.out {
            Out::Csv(w) => {
                let fields = values.iter().map(Value::display);
                w.write_record(fields).map_err(|e| csv_error(&self.tmp, e))?;
            }
            Out::Jsonl(w) => {
                let mut obj = serde_json::Map::with_capacity(values.len());
                for (c, v) in self.table.columns.iter().zip(values) {
                    let j = match v {
                        Value::Null => serde_json::Value::Null,
                        Value::Int(i) => (*i).into(),
                        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into),
                        Value::Text(t) => t.clone().into(),
                        Value::Bool(b) => (*b).into(),
                        Value::Date(_) | Value::Time(..) => v.text().map_or(serde_json::Value::Null, Into::into),
                    };
                    obj.insert(c.name.to_owned(), j);
                }
                serde_json::to_writer(&mut *w, &obj).map_err(|e| Error::io(&self.tmp, e.into()))?;
                w.write_all(b"\n").map_err(|e| Error::io(&self.tmp, e))?;
            }
            Out::Parquet(p) => p.push(values.to_vec(), &self.table, &self.tmp)?,
        }
        self.rows += 1;
        Ok(())
    }

    /// Flushes and syncs the temporary file; the rename comes once every table is done.
    pub(crate) fn finish(self) -> Result<(PathBuf, PathBuf, u64, Table)> {
        let file = match self.out {
            Out::Csv(w) => w.into_inner().map_err(|e| Error::io(&self.tmp, e.into_error()))?,
            Out::Jsonl(w) => w,
            Out::Parquet(p) => p.finish(&self.table, &self.tmp)?,
        };
        let file = file.into_inner().map_err(|e| Error::io(&self.tmp, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&self.tmp, e))?;
        Ok((self.tmp, self.path, self.rows, self.table))
    }
}

/// A new file readable by the user alone (the export holds titles and urls), created
/// exclusively: a link planted at its name (`--out` may be a folder others can write) is
/// removed, never written through.
pub(crate) fn create_private(path: &Path) -> Result<File> {
    crate::files::create_new(path)
}

fn timestamp(ms: Millis, offset_min: i32) -> Value {
    Value::Time(ms, offset_min)
}

fn seconds(ms: i64) -> Value {
    Value::Float(ms as f64 / 1000.0)
}

fn span_values(s: &SpanRow, day_start_hour: u8) -> Vec<Value> {
    vec![
        timestamp(s.start_ms, s.utc_offset_min),
        timestamp(s.end_ms, s.utc_offset_min),
        Value::Int(s.start_ms),
        Value::Int(s.end_ms),
        Value::Int(s.utc_offset_min.into()),
        Value::Date(localday::local_day(s.start_ms, s.utc_offset_min, day_start_hour)),
        seconds(s.end_ms - s.start_ms),
        Value::Text(s.app.clone()),
        s.exe.clone().into(),
        s.title.clone().into(),
        s.url.clone().into(),
        s.platform.clone().into(),
        s.category.map(|c| c.as_str().to_owned()).into(),
        s.rule.clone().into(),
    ]
}

fn weekdays_text(goal: &Goal) -> String {
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    NAMES
        .iter()
        .enumerate()
        .filter(|(i, _)| goal.weekdays.0 & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(",")
}

fn goal_values(g: &Goal) -> Vec<Value> {
    let (target_kind, target) = match &g.target {
        GoalTarget::Platform(p) => ("platform", p.clone()),
        GoalTarget::Category(c) => ("category", c.as_str().to_owned()),
    };
    let none = || Value::Null;
    let int = |v: u32| Value::Int(v.into());
    // kind, limit, start, end, cap, max, purpose, planned
    let (kind, limit, start, end, cap, max, purpose, planned) = match &g.kind {
        GoalKind::DailyLimit { limit_secs } => {
            ("dailyLimit", int(*limit_secs), none(), none(), none(), none(), none(), none())
        }
        GoalKind::WeeklyLimit { limit_secs } => {
            ("weeklyLimit", int(*limit_secs), none(), none(), none(), none(), none(), none())
        }
        GoalKind::Downtime { start_min, end_min } => (
            "downtime",
            none(),
            Value::Int((*start_min).into()),
            Value::Int((*end_min).into()),
            none(),
            none(),
            none(),
            none(),
        ),
        GoalKind::SessionCap { cap_secs } => {
            ("sessionCap", none(), none(), none(), int(*cap_secs), none(), none(), none())
        }
        GoalKind::ChecksCap { max_per_day } => {
            ("checksCap", none(), none(), none(), none(), int(*max_per_day), none(), none())
        }
        GoalKind::Intent { purpose, planned_secs } => (
            "intent",
            none(),
            none(),
            none(),
            none(),
            none(),
            Value::Text(purpose.clone()),
            planned_secs.map_or(Value::Null, int),
        ),
    };
    let source = match &g.source {
        GoalSource::Personal => "personal".to_owned(),
        GoalSource::Family(id) => format!("family:{id}"),
    };
    vec![
        Value::Int(g.id.0),
        Value::Text(target_kind.into()),
        Value::Text(target),
        Value::Text(kind.into()),
        limit,
        start,
        end,
        cap,
        max,
        purpose,
        planned,
        Value::Text(weekdays_text(g)),
        Value::Bool(g.paused),
        Value::Text(source),
    ]
}

/// The files an export to `dir` in `format` writes, the schema last.
pub fn planned_files(dir: &Path, format: Format) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        TABLES.iter().map(|t| dir.join(format!("{}.{}", t.name, format.extension()))).collect();
    files.push(dir.join("schema.json"));
    files
}

/// Exports the user's data; see the module docs. `progress` is called now and then while
/// spans are written.
#[tracing::instrument(skip_all, fields(format = ?opts.format))]
pub fn export(
    store: &Store,
    params: ReportParams,
    opts: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportSummary> {
    if opts.from > opts.to {
        return Err(Error::Invalid(format!("the range ends ({}) before it starts ({})", opts.to, opts.from)));
    }
    let dir = &opts.out_dir;
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Invalid(format!("{} is a file, not a directory; give --out a directory", dir.display())));
    }
    if !opts.force {
        if let Some(existing) = planned_files(dir, opts.format).into_iter().find(|p| p.exists()) {
            return Err(Error::Invalid(format!(
                "{} already exists; pass --force to replace the earlier export, or choose another --out",
                existing.display()
            )));
        }
    }
    if !dir.exists() {
        // Personal data: a dir Mast creates is the user's alone, as the data dir is.
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(|e| Error::io(dir, e))?;
    }

    let mut partial: Vec<PathBuf> = Vec::new();
    let result = write_all(store, params, opts, progress, &mut partial);
    if result.is_err() {
        for p in &partial {
            let _ = std::fs::remove_file(p);
        }
    }
    result
}

fn write_all(
    store: &Store,
    params: ReportParams,
    opts: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
    partial: &mut Vec<PathBuf>,
) -> Result<ExportSummary> {
    let dir = &opts.out_dir;
    let mut writers = Vec::new();
    let open = |table: Table, partial: &mut Vec<PathBuf>| -> Result<TableWriter> {
        let w = TableWriter::create(table, opts.format, dir)?;
        partial.push(w.tmp.clone());
        Ok(w)
    };

    // Spans: streamed, filtered to the local days of the range by each span's own offset.
    let (lo, hi) = localday::utc_window(opts.from, opts.to, params.day_start_hour);
    let total = store.count_spans(lo, hi)? as u64;
    let mut w = open(SPANS, partial)?;
    let mut seen = 0u64;
    progress(Progress { table: SPANS.name, done: 0, total });
    store.for_each_span_row(lo, hi, |s| {
        seen += 1;
        if seen.is_multiple_of(50_000) {
            progress(Progress { table: SPANS.name, done: seen, total });
        }
        let day = localday::local_day(s.start_ms, s.utc_offset_min, params.day_start_hour);
        if day < opts.from || day > opts.to {
            return Ok(());
        }
        w.row(&span_values(&s, params.day_start_hour))
    })?;
    progress(Progress { table: SPANS.name, done: total, total });
    writers.push(w.finish()?);

    let report = store.report(ReportParams { from: opts.from, to: opts.to, ..params })?;
    let mut days = open(DAYS, partial)?;
    let mut totals = open(DAILY_TOTALS, partial)?;
    for d in &report.days {
        let day = Value::Date(d.date);
        days.row(&[day.clone(), Value::Float(d.usage.active_seconds), Value::Float(d.usage.target_seconds)])?;
        for t in &d.usage.targets {
            totals.row(&[
                day.clone(),
                Value::Text(t.platform.clone()),
                Value::Text(t.category.as_str().into()),
                Value::Float(t.seconds),
                Value::Int(t.sessions.into()),
                Value::Int(t.checks.into()),
            ])?;
        }
    }
    writers.push(days.finish()?);
    writers.push(totals.finish()?);

    let mut goals = open(GOALS, partial)?;
    for g in store.goals()? {
        goals.row(&goal_values(&g))?;
    }
    writers.push(goals.finish()?);

    let mut ratings = open(RATINGS, partial)?;
    for r in store.ratings(lo, hi)? {
        if r.day < opts.from || r.day > opts.to {
            continue;
        }
        ratings.row(&[
            Value::Int(r.id),
            Value::Text(r.scope.as_str().into()),
            r.platform.clone().into(),
            Value::Date(r.day),
            timestamp(r.start_ms, 0),
            timestamp(r.end_ms, 0),
            Value::Bool(r.worth),
            timestamp(r.rated_ms, 0),
        ])?;
    }
    writers.push(ratings.finish()?);

    // The schema, then every file to its name.
    let schema = SchemaFile {
        mast_export: EXPORT_SCHEMA,
        mast_version: env!("CARGO_PKG_VERSION"),
        format: opts.format,
        from: opts.from,
        to: opts.to,
        day_start_hour: params.day_start_hour,
        null: match opts.format {
            Format::Csv => "an empty field",
            Format::Jsonl => "null",
            Format::Parquet => "null (the column is optional)",
        },
        tables: writers
            .iter()
            .map(|(_, path, rows, table)| SchemaTable {
                name: table.name,
                file: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                rows: *rows,
                description: table.description,
                columns: &table.columns,
            })
            .collect(),
    };
    let schema_path = dir.join("schema.json");
    let schema_tmp = dir.join(".schema.json.partial");
    partial.push(schema_tmp.clone());
    let text = serde_json::to_string_pretty(&schema).map_err(|e| Error::Invalid(e.to_string()))?;
    let mut f = create_private(&schema_tmp)?;
    f.write_all((text + "\n").as_bytes()).and_then(|_| f.sync_all()).map_err(|e| Error::io(&schema_tmp, e))?;

    let mut files = Vec::new();
    for (tmp, path, rows, table) in writers {
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        files.push(ExportedFile { table: table.name, path, rows });
    }
    std::fs::rename(&schema_tmp, &schema_path).map_err(|e| Error::io(&schema_path, e))?;
    Ok(ExportSummary {
        out_dir: dir.clone(),
        format: opts.format,
        from: opts.from,
        to: opts.to,
        files,
        schema: schema_path,
    })
}

/// Parquet through the crate's low-level column writer: rows are buffered into row groups
/// of [`ROW_GROUP`](parquet_out::ROW_GROUP) rows and written column by column.
mod parquet_out {
    use super::{ColumnType, Table, Value};
    use crate::{Error, Result};
    use parquet::basic::Compression;
    use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use std::fs::File;
    use std::io::BufWriter;
    use std::path::Path;
    use std::sync::Arc;

    /// Rows per row group: large enough for good compression, small enough to buffer.
    pub const ROW_GROUP: usize = 65_536;

    pub struct ParquetOut {
        writer: SerializedFileWriter<BufWriter<File>>,
        rows: Vec<Vec<Value>>,
    }

    fn error(path: &Path, e: parquet::errors::ParquetError) -> Error {
        match e {
            parquet::errors::ParquetError::External(inner) => match inner.downcast::<std::io::Error>() {
                Ok(io) => Error::io(path, *io),
                Err(other) => Error::Invalid(format!("cannot write {}: {other}", path.display())),
            },
            e => Error::Invalid(format!("cannot write {}: {e}", path.display())),
        }
    }

    /// The table's Parquet schema, as a message type.
    pub fn message_type(table: &Table) -> String {
        let mut m = format!("message {} {{\n", table.name);
        for c in table.columns.iter() {
            let repetition = if c.nullable { "optional" } else { "required" };
            let (physical, annotation) = match c.ty {
                ColumnType::Integer => ("INT64", ""),
                ColumnType::Float => ("DOUBLE", ""),
                ColumnType::Text => ("BYTE_ARRAY", " (STRING)"),
                ColumnType::Boolean => ("BOOLEAN", ""),
                ColumnType::Date => ("INT32", " (DATE)"),
                ColumnType::Timestamp => ("INT64", " (TIMESTAMP(MILLIS,true))"),
            };
            m += &format!("  {repetition} {physical} {}{annotation};\n", c.name);
        }
        m + "}\n"
    }

    impl ParquetOut {
        pub fn new(table: &Table, file: BufWriter<File>, path: &Path, compressed: bool) -> Result<ParquetOut> {
            let schema =
                parquet::schema::parser::parse_message_type(&message_type(table)).map_err(|e| error(path, e))?;
            let props = WriterProperties::builder()
                .set_compression(if compressed { Compression::SNAPPY } else { Compression::UNCOMPRESSED })
                .set_created_by(format!("mast {}", env!("CARGO_PKG_VERSION")))
                .build();
            let writer =
                SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props)).map_err(|e| error(path, e))?;
            Ok(ParquetOut { writer, rows: Vec::with_capacity(1024) })
        }

        pub fn push(&mut self, row: Vec<Value>, table: &Table, path: &Path) -> Result<()> {
            self.rows.push(row);
            if self.rows.len() >= ROW_GROUP {
                self.flush(table, path)?;
            }
            Ok(())
        }

        fn flush(&mut self, table: &Table, path: &Path) -> Result<()> {
            if self.rows.is_empty() {
                return Ok(());
            }
            let rows = std::mem::take(&mut self.rows);
            let mut group = self.writer.next_row_group().map_err(|e| error(path, e))?;
            let mut i = 0;
            while let Some(mut column) = group.next_column().map_err(|e| error(path, e))? {
                let c = &table.columns[i];
                let cells = rows.iter().map(|r| &r[i]);
                let defs: Vec<i16> = cells.clone().map(|v| i16::from(!matches!(v, Value::Null))).collect();
                let defs = c.nullable.then_some(defs.as_slice());
                let written = match c.ty {
                    ColumnType::Integer | ColumnType::Timestamp => {
                        let values: Vec<i64> = cells
                            .filter_map(|v| match v {
                                Value::Int(n) | Value::Time(n, _) => Some(*n),
                                _ => None,
                            })
                            .collect();
                        column.typed::<Int64Type>().write_batch(&values, defs, None)
                    }
                    ColumnType::Float => {
                        let values: Vec<f64> = cells
                            .filter_map(|v| match v {
                                Value::Float(f) => Some(*f),
                                _ => None,
                            })
                            .collect();
                        column.typed::<DoubleType>().write_batch(&values, defs, None)
                    }
                    ColumnType::Text => {
                        let values: Vec<ByteArray> = cells
                            .filter_map(|v| match v {
                                Value::Text(t) => Some(ByteArray::from(t.as_str())),
                                _ => None,
                            })
                            .collect();
                        column.typed::<ByteArrayType>().write_batch(&values, defs, None)
                    }
                    ColumnType::Boolean => {
                        let values: Vec<bool> = cells
                            .filter_map(|v| match v {
                                Value::Bool(b) => Some(*b),
                                _ => None,
                            })
                            .collect();
                        column.typed::<BoolType>().write_batch(&values, defs, None)
                    }
                    ColumnType::Date => {
                        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("the epoch");
                        let values: Vec<i32> = cells
                            .filter_map(|v| match v {
                                Value::Date(d) => Some((*d - epoch).num_days() as i32),
                                _ => None,
                            })
                            .collect();
                        column.typed::<Int32Type>().write_batch(&values, defs, None)
                    }
                };
                written.map_err(|e| error(path, e))?;
                column.close().map_err(|e| error(path, e))?;
                i += 1;
            }
            group.close().map_err(|e| error(path, e))?;
            Ok(())
        }

        /// Writes the last row group and the footer; returns the file for syncing.
        pub fn finish(mut self: Box<Self>, table: &Table, path: &Path) -> Result<BufWriter<File>> {
            self.flush(table, path)?;
            self.writer.into_inner().map_err(|e| error(path, e))
        }
    }
}
