//! The `mast` command line: parses arguments, calls the library, prints. No domain logic
//! lives here; see `src/lib.rs` for that.

// Every write goes through `cli::out`, which survives a closed pipe; `println!` panics.
#![deny(clippy::print_stdout, clippy::print_stderr)]

use anyhow::{bail, Result};
use clap::{Args, Parser, Subcommand};
use std::process::ExitCode;

#[macro_use]
mod cli;

/// Mast logs, on this machine only, the time you spend in social apps and sites, and shows
/// it beside the goals you set.
#[derive(Parser, Debug)]
#[command(name = "mast", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// Use the demo data (made by `mast demo`) instead of your own.
    #[arg(long, global = true)]
    demo: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Track the window in front until stopped (Ctrl-C or SIGTERM).
    Track,
    /// Whether tracking runs, what is in front, and today's minutes on tracked platforms.
    Status {
        /// Print it as JSON, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Minutes per platform and category, sessions and checks, per local day.
    Report(cli::report::ReportArgs),
    /// The recorded spans, newest last.
    Log(LogArgs),
    /// Set, list, change, pause and remove your goals.
    Goals(cli::goals::GoalsArgs),
    /// Your objective beside what the apps got: goals against behaviour, captured time,
    /// findings.
    Mismatch(cli::mismatch::MismatchArgs),
    /// Rate a session or a day: worth it, or not.
    Rate(cli::rate::RateArgs),
    /// Export your data (spans, daily totals, goals, ratings) as CSV, JSON Lines or Parquet, with a
    /// schema of every column.
    Export(cli::export::ExportArgs),
    /// Share goals with your family through a folder your own sync tool keeps in step,
    /// end-to-end encrypted: create or join, shared goals, adherence, preview, leave.
    Family(cli::family::FamilyArgs),
    /// Share anonymised data with a research study, with your consent: preview, then export.
    Research(cli::research::ResearchArgs),
    /// Fill a separate demo data dir with realistic synthetic usage (never your own data).
    Demo {
        /// How many days of usage, ending today.
        #[arg(long, default_value_t = 28, value_parser = clap::value_parser!(u32).range(1..=3660))]
        days: u32,
        /// Replace demo data that is already there.
        #[arg(long)]
        force: bool,
        /// The benchmark workload instead: 525,600 spans of 20 s over 365 days.
        #[arg(long, hide = true)]
        heavy_year: bool,
    },
    /// Import history recorded by another tracker (ActivityWatch).
    Import(cli::import::ImportArgs),
    /// Inspect the rules that recognise social apps and sites.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Where Mast keeps its data and settings.
    Paths,
    /// Set up a desktop for tracking: `mast setup gnome` installs Mast's GNOME Shell extension.
    Setup(cli::setup::SetupArgs),
}

#[derive(Args, Debug)]
struct LogArgs {
    /// Show the spans of this local day (YYYY-MM-DD, today, yesterday).
    #[arg(long, conflicts_with = "last")]
    day: Option<String>,
    /// Show the last N spans.
    #[arg(long, default_value_t = 20)]
    last: usize,
    /// Print the spans as JSON, for scripts.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// Say which platform a window would count as, by which rule, and why.
    Test {
        /// The window's app id (WM_CLASS class), e.g. firefox.
        #[arg(long)]
        app: String,
        /// The window's title as the desktop shows it.
        #[arg(long)]
        title: String,
        /// The executable's name, if it differs from the app id.
        #[arg(long)]
        exe: Option<String>,
        /// The page address, when known.
        #[arg(long)]
        url: Option<String>,
        /// Print the verdict as JSON, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// List the platforms the rules recognise.
    List {
        /// Print the platforms as JSON, for scripts.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli::init_logging(matches!(cli.command, Command::Track));
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Messages may quote a file's or the family folder's text.
            errln!("mast: {}", mast::terminal::printable_lines(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let env = cli::Env::load(cli.demo)?;
    match cli.command {
        Command::Track => {
            if cli.demo {
                bail!("the demo data is not tracked; run `mast track` without --demo");
            }
            cli::track::run(&env)?;
        }
        Command::Status { json } => cli::status::run(&env, json)?,
        Command::Report(args) => cli::report::run(&env, &args)?,
        Command::Goals(args) => cli::goals::run(&env, args)?,
        Command::Mismatch(args) => cli::mismatch::run(&env, &args)?,
        Command::Rate(args) => cli::rate::run(&env, args)?,
        Command::Export(args) => cli::export::run(&env, &args)?,
        Command::Research(args) => cli::research::run(&env, args)?,
        Command::Family(args) => cli::family::run(&env, args)?,
        Command::Log(args) => cli::log::run(&env, args.day.as_deref(), args.last, args.json)?,
        Command::Import(args) => cli::import::run(&env, args, cli.demo)?,
        Command::Setup(args) => cli::setup::run(args)?,
        Command::Demo { days, force, heavy_year } => cli::demo::run(&env, days, force, heavy_year)?,
        Command::Rules { command } => match command {
            RulesCommand::Test { app, title, exe, url, json } => {
                cli::rules::test(&env, &app, exe.as_deref(), &title, url.as_deref(), json)?
            }
            RulesCommand::List { json } => cli::rules::list(&env, json)?,
        },
        Command::Paths => {
            outln!("data:   {}", env.paths.data_dir.display());
            outln!("db:     {}", env.paths.db().display());
            outln!("config: {}", env.paths.config_file().display());
            outln!("rules:  {}", env.paths.rules_file().display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every command, subcommand, argument and option says what it is in `--help`.
    #[test]
    fn every_help_line_is_filled_in() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {}", arg.get_id()));
                }
            }
            for sub in cmd.get_subcommands() {
                let sub_path = format!("{path} {}", sub.get_name());
                if sub.get_about().is_none() && sub.get_long_about().is_none() {
                    missing.push(sub_path.clone());
                }
                walk(sub, &sub_path, missing);
            }
        }
        let cmd = Cli::command();
        cmd.clone().debug_assert();
        let mut missing = Vec::new();
        walk(&cmd, "mast", &mut missing);
        assert!(missing.is_empty(), "without help text:\n{}", missing.join("\n"));
    }
}
