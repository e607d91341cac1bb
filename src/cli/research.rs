//! `mast research preview|export`: sharing with a study, see [`mast::research`].

use super::{now_ms, print_json, Env};
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use mast::research::bundle::{self, Data, Needles, Participant};
use mast::research::protocol::Protocol;
use mast::views::report_params;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ResearchArgs {
    #[command(subcommand)]
    pub command: ResearchCommand,
}

#[derive(Subcommand, Debug)]
pub enum ResearchCommand {
    /// Show exactly what a study would receive (a summary and sample rows); writes nothing.
    Preview {
        /// The study's protocol file (TOML), from the researcher.
        #[arg(long)]
        protocol: PathBuf,
        /// Sample rows per table.
        #[arg(long, default_value_t = 5)]
        rows: usize,
    },
    /// Write the anonymised bundle for a study, after you have read and accepted its consent text.
    Export {
        /// The study's protocol file (TOML), from the researcher.
        #[arg(long)]
        protocol: PathBuf,
        /// The bundle's directory (must not exist yet).
        #[arg(long)]
        out: PathBuf,
        /// I have read the study's consent text and agree to share this data.
        #[arg(long)]
        consent: bool,
        /// Print the manifest as JSON.
        #[arg(long)]
        json: bool,
    },
    /// (For researchers.) Check participants' bundles of one study and merge them into one
    /// Parquet dataset, partitioned by participant, for DuckDB, Polars, pandas or Spark.
    Merge {
        /// The bundle directories.
        #[arg(required = true)]
        bundles: Vec<PathBuf>,
        /// The dataset's directory (must not exist yet).
        #[arg(long)]
        out: PathBuf,
        /// Print the merged manifest as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// The protocol, the store, the participant and the rows for a study. A preview writes
/// nothing: where there is no database it reads an empty one in memory instead of creating
/// one, and a participant new to the study is made up for the preview and not kept.
fn prepare(
    env: &Env,
    protocol: &std::path::Path,
    preview: bool,
) -> Result<(mast::store::Store, Protocol, Option<Participant>, Data)> {
    let protocol = Protocol::load(protocol, &env.rules)?;
    let (store, participant) = if preview {
        let store = if env.paths.db().exists() { env.store()? } else { mast::store::Store::open_in_memory()? };
        (store, Participant::existing(&env.paths, &protocol.study_id)?)
    } else {
        (env.store()?, Some(Participant::for_study(&env.paths, &protocol.study_id)?))
    };
    let made_up = match &participant {
        Some(p) => p.clone(),
        None => Participant::new()?,
    };
    let params = report_params(&env.settings, env.today(), env.today());
    let data = bundle::build(&store, params, &protocol, &made_up, env.today())?;
    Ok((store, protocol, participant, data))
}

pub fn run(env: &Env, args: ResearchArgs) -> Result<()> {
    match args.command {
        ResearchCommand::Preview { protocol, rows } => {
            let (_, protocol, participant, data) = prepare(env, &protocol, true)?;
            outln!("Study: {} ({})", protocol.title, protocol.study_id);
            match participant {
                Some(p) => outln!("Your data from {} to {}, as participant {}:", data.from, data.to, p.pseudonym),
                None => outln!(
                    "Your data from {} to {}, as a new participant: your pseudonym and secret shift of dates are \
                     chosen when you first export, so the dates below are shifted by a stand-in:",
                    data.from,
                    data.to
                ),
            }
            for (name, header, sample) in data.sample(rows) {
                let n = data.counts().into_iter().find(|(t, _)| *t == name).map_or(0, |(_, n)| n);
                outln!("\n{name}: {n} rows{}", if n > rows { format!(", the first {rows}:") } else { ":".into() });
                outln!("  {}", header.join(", "));
                for r in sample {
                    outln!("  {}", r.join(", "));
                }
            }
            outln!(
                "\nNever shared: window titles, urls, apps outside the study's list, executable paths, host and user \
                 names. Times are coarsened to {} minutes{}.",
                protocol.granularity_minutes,
                match protocol.anonymisation.time {
                    mast::research::protocol::TimeMode::Shifted => " and dates moved by a secret number of weeks",
                    mast::research::protocol::TimeMode::RelativeDays => "; days are numbered from the study's start",
                }
            );
            outln!("To share it: mast research export --protocol FILE --out DIR --consent");
        }
        ResearchCommand::Merge { bundles, out, json } => {
            let merged = mast::research::merge::merge(&bundles, &out)?;
            if json {
                return print_json(&merged);
            }
            outln!("Merged {} participants of {} into {}:", merged.participants.len(), merged.study_id, out.display());
            for (table, rows) in &merged.rows {
                outln!("  {table:<14} {rows:>9} rows   {}/{table}/participant=*/part-0.parquet", out.display());
            }
        }
        ResearchCommand::Export { protocol, out, consent, json } => {
            // Without consent, nothing is written: not even the participant's pseudonym.
            let (store, protocol, participant, data) = prepare(env, &protocol, !consent)?;
            let Some(participant) = participant.filter(|_| consent) else {
                outln!("Consent for \"{}\" ({}):\n\n{}\n", protocol.title, protocol.study_id, protocol.consent);
                bail!(
                    "nothing was written: read the consent text above and `mast research preview`, then run again \
                     with --consent to agree"
                );
            };
            let needles = Needles::gather(&store)?;
            let manifest =
                bundle::write(&data, &protocol, &participant, &needles, env.settings.day_start_hour, now_ms(), &out)?;
            if json {
                return print_json(&manifest);
            }
            outln!("Wrote the bundle for {} to {}:", protocol.study_id, out.display());
            for (file, rows) in &manifest.files {
                outln!("  {file:<24} {rows:>8} rows");
            }
            outln!("  dictionary.json, manifest.json");
        }
    }
    Ok(())
}
