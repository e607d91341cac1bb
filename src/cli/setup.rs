//! `mast setup gnome`: installs and enables Mast's GNOME Shell extension
//! ([`mast::sensor::gnome::setup`]) and says what the user still has to do.

use super::print_json;
use anyhow::Result;
use clap::{Args, Subcommand};
use mast::sensor::gnome::setup;

#[derive(Args, Debug)]
pub struct SetupArgs {
    #[command(subcommand)]
    target: Target,
}

#[derive(Subcommand, Debug)]
enum Target {
    /// Install (or update) Mast's GNOME Shell extension for you, and enable it.
    Gnome {
        /// Print what was done as JSON, for scripts.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: SetupArgs) -> Result<()> {
    match args.target {
        Target::Gnome { json } => gnome(json),
    }
}

fn gnome(json: bool) -> Result<()> {
    let report = setup::install_for_user()?;
    if json {
        return print_json(&report);
    }
    let verb = if report.updated { "Updated" } else { "Installed" };
    outln!(
        "{verb} Mast's GNOME Shell extension ({}, for GNOME Shell {}) in {}.",
        report.uuid,
        report.shell_version,
        report.path.display()
    );
    match &report.enable_problem {
        None => outln!("Enabled it."),
        Some(why) => outln!("Could not enable it: {why}."),
    }
    outln!("{}", report.next_step);
    Ok(())
}
