//! `mast export`: the personal export (see [`mast::export`]).

use super::{ensure_range, print_json, Env};
use anyhow::Result;
use clap::{Args, ValueEnum};
use mast::export::{self, ExportOptions, Format, Progress};
use mast::views::report_params;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    /// CSV with a header row (RFC 4180); an empty field is null.
    Csv,
    /// JSON Lines: one object per row.
    Jsonl,
    /// Apache Parquet (Snappy), for pandas, Polars, DuckDB, Spark.
    Parquet,
}

#[derive(Args, Debug)]
#[command(after_help = "Writes spans, days, daily_totals, goals and ratings (one file each) and schema.json, \
which documents every column, into the --out directory. It is your own data: titles and urls are included \
as stored. Files of an earlier export are replaced only with --force; a failed export leaves nothing behind.")]
pub struct ExportArgs {
    /// The file format.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// The directory to write to (created when missing).
    #[arg(long)]
    pub out: PathBuf,
    /// The first local day (YYYY-MM-DD, today or yesterday); default: the first day recorded.
    #[arg(long)]
    pub from: Option<String>,
    /// The last local day, included; default: today.
    #[arg(long)]
    pub to: Option<String>,
    /// Replace the files of an earlier export in --out.
    #[arg(long)]
    pub force: bool,
    /// Print what was written as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(env: &Env, args: &ExportArgs) -> Result<()> {
    let store = env.store()?;
    let s = &env.settings;
    let today = env.today();
    let from = match &args.from {
        Some(d) => env.parse_day(d)?,
        None => match store.first_span_ms()? {
            Some(ms) => mast::localday::local_day(ms, mast::localday::offset_at(ms), s.day_start_hour).min(today),
            None => today,
        },
    };
    let to = match &args.to {
        Some(d) => env.parse_day(d)?,
        None => today,
    };
    ensure_range(from, to)?;
    let format = match args.format {
        FormatArg::Csv => Format::Csv,
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Parquet => Format::Parquet,
    };
    let opts = ExportOptions { format, out_dir: args.out.clone(), from, to, force: args.force };
    let show = std::io::stderr().is_terminal();
    let mut progress = |p: Progress| {
        if show && p.total > 0 {
            err!("\rexporting {}: {:3}% ({} of {})", p.table, p.done * 100 / p.total, p.done, p.total);
            if p.done == p.total {
                errln!();
            }
        }
    };
    let summary = export::export(&store, report_params(s, from, to), &opts, &mut progress)?;
    if args.json {
        return print_json(&summary);
    }
    outln!("Exported {} into {} ({}):", period(from, to), summary.out_dir.display(), format.extension());
    for f in &summary.files {
        outln!("  {:<18} {:>9} rows", f.path.file_name().unwrap_or_default().to_string_lossy(), f.rows);
    }
    outln!("  {:<18} what every column means", "schema.json");
    Ok(())
}

fn period(from: chrono::NaiveDate, to: chrono::NaiveDate) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from} – {to}")
    }
}
