//! `mast research merge`: participants' bundles of one study into one Parquet dataset.
//!
//! Each bundle is checked before anything is written: its `manifest.json` must parse, have
//! this Mast's bundle schema version, the same study and time mode as the others, a
//! participant not seen before, and its data files (read from the CSV, whose columns are
//! checked against the bundle's schema) must hold the rows the manifest lists. The dataset
//! is written hive-style, `TABLE/participant=PSEUDONYM/part-0.parquet`, which DuckDB,
//! Polars, pandas (pyarrow) and Spark read as one table with a `participant` column, plus a
//! `manifest.json` listing the participants and a copy of the data dictionary. It goes to a
//! sibling dir first and is renamed into place only when complete.

use super::bundle::{self, Manifest, BUNDLE_SCHEMA};
use crate::export::{Column, ColumnType, Format, Table, TableWriter, Value};
use crate::files::Dir;
use crate::{Error, Result};
use chrono::NaiveDate;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The merged dataset's manifest.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergedManifest {
    pub schema_version: u32,
    pub study_id: String,
    pub study_title: String,
    pub participants: Vec<Manifest>,
    /// Rows per table over all participants.
    pub rows: BTreeMap<String, u64>,
}

fn bad(dir: &Path, what: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("{} is not a usable bundle: {what}", dir.display()))
}

/// The most Mast reads of a bundle's `manifest.json` or `dictionary.json`.
const MAX_JSON: u64 = 1 << 20;

/// Reads and checks one bundle's manifest.
fn manifest(dir: &Path) -> Result<Manifest> {
    let text = Dir::open(dir)?
        .read_text("manifest.json", MAX_JSON)?
        .ok_or_else(|| bad(dir, "it has no manifest.json; give the directories `mast research export` wrote"))?;
    let version: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(dir, format!("manifest.json is not valid JSON ({e})")))?;
    match version.get("schemaVersion").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(BUNDLE_SCHEMA) => {}
        Some(v) => {
            return Err(bad(
                dir,
                format!(
                    "it has bundle schema {v}, this Mast reads {BUNDLE_SCHEMA}; merge it with the Mast that wrote it"
                ),
            ))
        }
        None => return Err(bad(dir, "manifest.json has no schemaVersion")),
    }
    let m: Manifest = serde_json::from_value(version)
        .map_err(|e| bad(dir, format!("manifest.json is not a bundle manifest ({e})")))?;
    check_names(dir, &m)?;
    Ok(m)
}

/// The manifest's values that name files or folders hold the shapes Mast writes: a bundle is
/// a participant's, and its participant becomes a folder of the dataset.
fn check_names(dir: &Path, m: &Manifest) -> Result<()> {
    if !bundle::pseudonym_ok(&m.participant) {
        return Err(bad(
            dir,
            format!(
                "its participant {:?} is not a pseudonym Mast makes ('p-' and 16 hex digits); was the manifest edited?",
                m.participant
            ),
        ));
    }
    if !super::protocol::id_ok(&m.study_id) {
        return Err(bad(dir, format!("its study id {:?} is not a study id; was the manifest edited?", m.study_id)));
    }
    let tables = bundle::tables(m.applied.time_mode);
    let known =
        |f: &str| tables.iter().any(|t| f.strip_prefix(t.name).is_some_and(|ext| ext == ".csv" || ext == ".parquet"));
    if let Some(f) = m.files.keys().find(|f| !known(f)) {
        return Err(bad(
            dir,
            format!("its manifest lists a file {f:?} that no bundle holds; was the manifest edited?"),
        ));
    }
    Ok(())
}

/// Parses one CSV cell by its column's type.
fn cell(text: &str, ty: ColumnType) -> Option<Value> {
    Some(match ty {
        ColumnType::Integer => Value::Int(text.parse().ok()?),
        ColumnType::Float => Value::Float(text.parse().ok()?),
        ColumnType::Text => Value::Text(text.to_owned()),
        ColumnType::Boolean => Value::Bool(text.parse().ok()?),
        ColumnType::Date => Value::Date(NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?),
        ColumnType::Timestamp => return None,
    })
}

/// A bundle table's columns (the study may have chosen some of `full`'s) and rows, from its
/// CSV.
fn rows(dir: &Path, full: &Table) -> Result<(Table, Vec<Vec<Value>>)> {
    let name = format!("{}.csv", full.name);
    let path = dir.join(&name);
    let file = Dir::open(dir)?
        .open_file(&name)?
        .ok_or_else(|| bad(dir, format!("its manifest lists {name}, which is not there")))?;
    let mut reader = csv::Reader::from_reader(file);
    let header: Vec<String> =
        reader.headers().map_err(|e| bad(dir, format!("{}: {e}", path.display())))?.iter().map(str::to_owned).collect();
    let columns: Vec<Column> = full.columns.iter().filter(|c| header.iter().any(|h| h == c.name)).copied().collect();
    let want: Vec<&str> = columns.iter().map(|c| c.name).collect();
    if header != want || !want.contains(&"day") || !want.contains(&"target") {
        let all: Vec<&str> = full.columns.iter().map(|c| c.name).collect();
        return Err(bad(dir, format!("{} has columns {header:?}, not some of {all:?} in that order", path.display())));
    }
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(dir, format!("{}: {e}", path.display())))?;
        let row: Option<Vec<Value>> = columns.iter().zip(record.iter()).map(|(c, t)| cell(t, c.ty)).collect();
        match row {
            Some(r) if r.len() == want.len() => out.push(r),
            _ => return Err(bad(dir, format!("{} line {} has a value of the wrong type", path.display(), i + 2))),
        }
    }
    Ok((Table { columns: Cow::Owned(columns), ..full.clone() }, out))
}

/// Merges `bundles` into a new dataset dir `out`.
pub fn merge(bundles: &[PathBuf], out: &Path) -> Result<MergedManifest> {
    if bundles.is_empty() {
        return Err(Error::Invalid("give the bundle directories to merge".into()));
    }
    if out.exists() {
        return Err(Error::Invalid(format!("{} already exists; choose a new --out for the dataset", out.display())));
    }
    let mut manifests: Vec<Manifest> = Vec::new();
    for dir in bundles {
        let m = manifest(dir)?;
        if let Some(first) = manifests.first() {
            if m.study_id != first.study_id {
                return Err(Error::Invalid(format!(
                    "{} is from study {}, {} from study {}; merge one study's bundles at a time",
                    dir.display(),
                    m.study_id,
                    bundles[0].display(),
                    first.study_id
                )));
            }
            if m.applied.time_mode != first.applied.time_mode {
                return Err(bad(dir, "its days are given differently from the other bundles (shifted or numbered)"));
            }
        }
        if let Some(i) = manifests.iter().position(|o| o.participant == m.participant) {
            return Err(Error::Invalid(format!(
                "{} and {} are both from participant {}; give each participant's bundle once",
                bundles[i].display(),
                dir.display(),
                m.participant
            )));
        }
        manifests.push(m);
    }

    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "dataset".into());
    let tmp = out.with_file_name(format!(".{name}.partial"));
    // Made afresh and exclusively, 0700: a link planted at that name is refused, and nobody
    // else can put anything inside.
    crate::files::fresh_private_dir(&tmp)?;
    let result = Dir::open(&tmp)
        .and_then(|dir| write(&dir, bundles, &manifests))
        .and_then(|m| std::fs::rename(&tmp, out).map(|_| m).map_err(|e| Error::io(out, e)));
    if result.is_err() {
        let _ = crate::files::remove_all(&tmp);
    }
    result
}

/// Writes the dataset into `tmp`; every path is one below it ([`Dir::create_dirs`] refuses
/// any that would leave it).
fn write(tmp: &Dir, bundles: &[PathBuf], manifests: &[Manifest]) -> Result<MergedManifest> {
    let tables = bundle::tables(manifests[0].applied.time_mode);
    let mut totals: BTreeMap<String, u64> = BTreeMap::new();
    let mut columns: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (dir, m) in bundles.iter().zip(manifests) {
        for full in &tables {
            let listed = m.files.get(&format!("{}.csv", full.name));
            let Some(&listed) = listed else { continue };
            let (table, rows) = rows(dir, full)?;
            let names: Vec<&'static str> = table.columns.iter().map(|c| c.name).collect();
            if let Some(first) = columns.get(full.name) {
                if *first != names {
                    return Err(bad(dir, format!("its {} has other fields than the other bundles'", full.name)));
                }
            }
            columns.insert(full.name, names);
            if rows.len() as u64 != listed {
                return Err(bad(
                    dir,
                    format!("{}.csv has {} rows, its manifest says {listed}", table.name, rows.len()),
                ));
            }
            let part = tmp.create_dirs(&format!("{}/participant={}", table.name, m.participant))?;
            let mut w = TableWriter::create_with(table, Format::Parquet, &part, true)?;
            for r in &rows {
                w.row(r)?;
            }
            let (written, path, n, _) = w.finish()?;
            let final_path = path.with_file_name("part-0.parquet");
            std::fs::rename(&written, &final_path).map_err(|e| Error::io(&final_path, e))?;
            *totals.entry(full.name.to_owned()).or_default() += n;
        }
    }
    let dictionary = Dir::open(&bundles[0])?.read("dictionary.json", MAX_JSON)?.ok_or_else(|| {
        bad(&bundles[0], "it has no dictionary.json; give the directories `mast research export` wrote")
    })?;
    tmp.write("dictionary.json", &dictionary)?;
    let merged = MergedManifest {
        schema_version: BUNDLE_SCHEMA,
        study_id: manifests[0].study_id.clone(),
        study_title: manifests[0].study_title.clone(),
        participants: manifests.to_vec(),
        rows: totals,
    };
    let text = serde_json::to_string_pretty(&merged).map_err(|e| Error::Invalid(e.to_string()))? + "\n";
    tmp.write("manifest.json", text.as_bytes())?;
    Ok(merged)
}
