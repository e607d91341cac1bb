//! `mast family`: set up or join a family folder, change and propose shared goals, see the
//! family's adherence, preview what this device shares, and leave. The work is done by
//! [`mast::family`]; this module maps flags onto it, reads the passphrase and prints.

use super::goals::{days, KindArgs};
use super::{now_ms, print_json, Env};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use mast::analysis::mismatch::Status;
use mast::family::crypto::KdfParams;
use mast::family::model::SharedGoal;
use mast::family::view::{CreateFamily, FamilyAction, FamilyStatus, JoinFamily, ProposalStatus};
use mast::family::{Family, FINGERPRINT_HINT};
use mast::format::duration;
use mast::goals::parse::parse_target;
use mast::goals::Weekdays;
use mast::views::Now;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct FamilyArgs {
    #[command(subcommand)]
    pub command: Option<FamilyCommand>,
}

/// Where the passphrase comes from when it is not typed.
#[derive(Args, Debug, Default)]
pub struct PassArgs {
    /// Read the passphrase from this file's first line (for scripts); otherwise it is taken
    /// from MAST_FAMILY_PASSPHRASE, or asked for.
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

/// A shared goal: a target, one kind, its days and who it is for.
#[derive(Args, Debug)]
pub struct GoalArgs {
    /// A platform id (instagram, youtube … see `mast rules list`) or a category (social,
    /// video, messaging).
    target: String,
    #[command(flatten)]
    kind: KindArgs,
    /// The days it applies to: mon-fri, sat,sun, weekdays, weekends, all (the default).
    #[arg(long, value_name = "DAYS")]
    days: Option<String>,
    /// The members it is for, by name, comma-separated; everyone when left out.
    #[arg(long = "for", value_name = "NAMES")]
    members: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum FamilyCommand {
    /// Set up a family folder, protected by a passphrase, with this device as its creator.
    Create {
        /// The folder the family's sync tool (Syncthing, Nextcloud, a NAS share …) keeps in
        /// step between the family's devices. Created if missing.
        #[arg(long)]
        folder: String,
        /// The family's name, shown to every member.
        #[arg(long)]
        name: String,
        /// Your name in the family.
        #[arg(long)]
        member: String,
        #[command(flatten)]
        pass: PassArgs,
    },
    /// Add this device to a family whose folder the sync tool has brought here.
    Join {
        /// The family's folder, as the sync tool keeps it on this device.
        #[arg(long)]
        folder: String,
        /// Your name in the family; the same name on two devices is one member.
        #[arg(long)]
        member: String,
        /// The family's fingerprint, from a member's `mast family status` (needed when not at a
        /// terminal; at one, the code of the folder's family is shown to confirm).
        #[arg(long, value_name = "CODE")]
        fingerprint: Option<String>,
        #[command(flatten)]
        pass: PassArgs,
    },
    /// The family: members, shared goals, proposals, and the week's adherence (the default).
    Status {
        /// Print the status as JSON, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Read the folder now and publish this device's adherence.
    Sync {
        /// Print the resulting status as JSON, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Add a shared goal (organisers).
    Add(GoalArgs),
    /// Change a shared goal (organisers): give its full new content.
    Edit {
        /// The goal's id (g-…), from `mast family status`.
        id: String,
        #[command(flatten)]
        goal: GoalArgs,
    },
    /// Remove a shared goal (organisers).
    #[command(alias = "remove")]
    Rm {
        /// The goal's id (g-…), from `mast family status`.
        id: String,
    },
    /// Propose a shared goal; an organiser accepts or declines it.
    Propose(GoalArgs),
    /// Accept a proposal (organisers): it becomes a shared goal.
    Accept {
        /// The proposal's id (p-…), from `mast family status`.
        id: String,
    },
    /// Decline a proposal (organisers).
    Decline {
        /// The proposal's id (p-…), from `mast family status`.
        id: String,
    },
    /// Make a member an organiser, or no longer one (the family's creator).
    Organiser {
        /// The member's name.
        member: String,
        /// Remove the member from the organisers.
        #[arg(long)]
        off: bool,
    },
    /// Exactly what this device shares with the family.
    Preview {
        /// Print what would be shared as JSON, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Stop sharing: remove this device's files from the folder and the shared goals from
    /// this device.
    Leave {
        /// Do not ask to confirm.
        #[arg(long)]
        yes: bool,
    },
}

pub fn now() -> Now {
    let ms = now_ms();
    Now { ms, utc_offset_min: mast::localday::offset_at(ms) }
}

fn passphrase(pass: &PassArgs, confirm: bool) -> Result<String> {
    if let Some(file) = &pass.passphrase_file {
        let text = mast::files::read_text(file, 64 << 10)?
            .with_context(|| format!("cannot read {}: there is no such file", file.display()))?;
        return Ok(text.lines().next().unwrap_or_default().to_owned());
    }
    if let Ok(p) = std::env::var("MAST_FAMILY_PASSPHRASE") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!("no passphrase: type it at a terminal, set MAST_FAMILY_PASSPHRASE, or give --passphrase-file FILE");
    }
    let p = rpassword::prompt_password("Family passphrase: ").context("cannot read the passphrase")?;
    if confirm && rpassword::prompt_password("Again, to confirm: ").context("cannot read the passphrase")? != p {
        bail!("the two passphrases differ; nothing was set up");
    }
    Ok(p)
}

/// At a terminal, shows the fingerprint of the family in `folder` and asks the joiner to
/// confirm it is the code a member's device shows; elsewhere none is confirmed, and the core
/// refuses to join, saying how to get the code.
fn confirm_fingerprint(folder: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        return Ok(String::new());
    }
    let code = mast::family::fingerprint_in(folder)?;
    errln!("The family in {folder} has the fingerprint {code}.");
    err!("Is it the code a member's device shows (`mast family status`, or the Family view)? [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if !matches!(answer.trim(), "y" | "Y" | "yes") {
        bail!(
            "the fingerprint was not confirmed; nothing was written. If the codes differ, do not join: someone with \
             access to the folder may have replaced its family.json; tell the family's creator"
        );
    }
    Ok(code)
}

fn open(env: &Env) -> Result<Family> {
    Family::load(&env.paths.data_dir)?.ok_or_else(|| {
        anyhow::anyhow!(
            "this device is in no family; set one up with `mast family create --folder DIR --name NAME --member YOU` \
             or join one with `mast family join --folder DIR --member YOU --fingerprint CODE`"
        )
    })
}

fn shared(args: &GoalArgs) -> Result<SharedGoal> {
    let Some(kind) = args.kind.kind()? else {
        bail!("give the goal's kind: --daily 30m, --weekly 5h, --downtime 23:00-07:00, --session-cap 15m, --checks 10 or --intent \"…\"");
    };
    let members = args
        .members
        .as_deref()
        .map(|m| m.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    Ok(SharedGoal {
        target: parse_target(&args.target).map_err(|e| anyhow::anyhow!(e))?,
        kind,
        weekdays: args.days.as_deref().map(days).transpose()?.unwrap_or(Weekdays::ALL),
        members,
    })
}

pub fn run(env: &Env, args: FamilyArgs) -> Result<()> {
    let command = args.command.unwrap_or(FamilyCommand::Status { json: false });
    let now = now();
    match command {
        FamilyCommand::Create { folder, name, member, pass } => {
            let setup = CreateFamily { folder, name, member, passphrase: passphrase(&pass, true)? };
            let mut family = Family::create(&env.paths.data_dir, &setup, KdfParams::default(), now.ms)?;
            let mut store = env.store()?;
            let status = family.sync(&mut store, &env.settings, now, true)?;
            outln!("Created the family '{}' in {}.", status.name, status.folder);
            outln!("Its fingerprint is {}: {FINGERPRINT_HINT}.", status.fingerprint);
            outln!("Share the folder with the family's devices through your sync tool, then on each run:");
            outln!(
                "  mast family join --folder <the folder there> --member <their name> --fingerprint {}",
                status.fingerprint
            );
            outln!("and tell them the passphrase in person. Add shared goals with `mast family add`.");
        }
        FamilyCommand::Join { folder, member, fingerprint, pass } => {
            let fingerprint = match fingerprint {
                Some(code) => code,
                None => confirm_fingerprint(&folder)?,
            };
            let setup = JoinFamily { folder, member, passphrase: passphrase(&pass, false)?, fingerprint };
            let mut family = Family::join(&env.paths.data_dir, &setup, now.ms)?;
            let mut store = env.store()?;
            let status = family.sync(&mut store, &env.settings, now, true)?;
            outln!("Joined the family '{}' as {}.", status.name, status.me.name);
            outln!(
                "{} shared goal(s) apply to you. `mast family preview` shows what this device shares.",
                status.goals.iter().filter(|g| g.applies_to_me).count()
            );
        }
        FamilyCommand::Status { json } | FamilyCommand::Sync { json } => {
            let publish = matches!(command, FamilyCommand::Sync { .. });
            let mut family = open(env)?;
            let status = family.sync(&mut env.store()?, &env.settings, now, publish)?;
            if json {
                print_json(&status)?;
            } else {
                print_status(&status);
            }
        }
        FamilyCommand::Add(goal) => act(env, FamilyAction::AddGoal { goal: shared(&goal)? }, now, "Added")?,
        FamilyCommand::Edit { id, goal } => {
            act(env, FamilyAction::EditGoal { id, goal: shared(&goal)? }, now, "Changed")?
        }
        FamilyCommand::Rm { id } => act(env, FamilyAction::RemoveGoal { id }, now, "Removed")?,
        FamilyCommand::Propose(goal) => act(env, FamilyAction::Propose { goal: shared(&goal)? }, now, "Proposed")?,
        FamilyCommand::Accept { id } => act(env, FamilyAction::Accept { proposal: id }, now, "Accepted")?,
        FamilyCommand::Decline { id } => act(env, FamilyAction::Decline { proposal: id }, now, "Declined")?,
        FamilyCommand::Organiser { member, off } => {
            act(env, FamilyAction::SetOrganiser { member, organiser: !off }, now, "Changed the organisers")?
        }
        FamilyCommand::Preview { json } => {
            let family = open(env)?;
            let preview = family.preview(&env.store()?, &env.settings, now)?;
            if json {
                print_json(&preview)?;
            } else {
                outln!("This device shares, encrypted, in {}/{}:", family.folder().display(), preview.file);
                outln!("  member: {}", preview.adherence.member);
                for day in &preview.adherence.days {
                    let totals: Vec<String> = day.totals.iter().map(|(t, s)| format!("{t} {}", duration(*s))).collect();
                    let goals: Vec<String> =
                        day.goals.iter().map(|(g, m)| format!("{g} {}", status_word(m.status))).collect();
                    outln!("  {}  totals: {}  goals: {}", day.date, or_none(&totals), or_none(&goals));
                }
                outln!("Never shared: {}.", preview.never_shared.join("; "));
            }
        }
        FamilyCommand::Leave { yes } => {
            let family = open(env)?;
            if !yes {
                if !std::io::stdin().is_terminal() {
                    bail!("leaving removes this device's files from the family folder; confirm with --yes");
                }
                err!(
                    "Leave the family '{}' and remove this device's files from {}? [y/N] ",
                    mast::terminal::Shown(family.name()),
                    family.folder().display()
                );
                let mut answer = String::new();
                std::io::stdin().read_line(&mut answer)?;
                if !matches!(answer.trim(), "y" | "Y" | "yes") {
                    outln!("Nothing changed.");
                    return Ok(());
                }
            }
            let name = family.name().to_owned();
            family.leave(&mut env.store()?, now.ms)?;
            outln!("Left the family '{name}': this device's files are removed from the folder, and the shared goals from this device.");
        }
    }
    Ok(())
}

fn act(env: &Env, action: FamilyAction, now: Now, done: &str) -> Result<()> {
    let mut family = open(env)?;
    let (status, subject) = family.act(&mut env.store()?, &env.settings, &env.rules, &action, now)?;
    // The goal or proposal the change is about, in words when it is still there.
    let objective = subject.as_deref().and_then(|id| {
        let goal = status.goals.iter().find(|g| g.id == id).map(|g| &g.objective);
        goal.or_else(|| status.proposals.iter().find(|p| p.id == id).map(|p| &p.objective))
    });
    let what = match (&action, subject, objective) {
        (FamilyAction::SetOrganiser { member, organiser }, _, _) => {
            format!("{member} {} an organiser", if *organiser { "is" } else { "is no longer" })
        }
        (_, Some(id), Some(objective)) => format!("{id} {objective}"),
        (_, id, _) => id.unwrap_or_default(),
    };
    outln!("{done}: {what}");
    Ok(())
}

fn or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Kept => "kept",
        Status::AtRisk => "at risk",
        Status::Broken => "broken",
        Status::NotApplicable => "n/a",
        Status::Future => "future",
        Status::NoVerdict => "no verdict",
    }
}

fn mark(s: Status) -> char {
    match s {
        Status::Kept => '✓',
        Status::AtRisk => '!',
        Status::Broken => '✗',
        Status::NotApplicable | Status::Future => ' ',
        Status::NoVerdict => '·',
    }
}

fn print_status(s: &FamilyStatus) {
    outln!("Family '{}' · folder {} · you: {}", s.name, s.folder, s.me.name);
    outln!("Fingerprint {}: {FINGERPRINT_HINT}", s.fingerprint);
    outln!();
    outln!("Members");
    for m in &s.members {
        let mut tags = Vec::new();
        if m.creator {
            tags.push("creator");
        }
        if m.organiser {
            tags.push("organiser");
        }
        if m.me {
            tags.push("this device");
        }
        let published = match m.published_ms {
            Some(ms) => chrono::DateTime::from_timestamp_millis(ms)
                .map(|t| format!("published {}", t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M")))
                .unwrap_or_default(),
            None => "not published yet".into(),
        };
        outln!("  {:<16} {:<12} {}  {}", m.name, m.device, tags.join(", "), published);
    }
    outln!();
    outln!("Shared goals");
    if s.goals.is_empty() {
        outln!(
            "  none yet{}",
            if s.me.organiser {
                "; add one with `mast family add`"
            } else {
                "; propose one with `mast family propose`"
            }
        );
    }
    for g in &s.goals {
        let who = if g.goal.members.is_empty() { "everyone".to_string() } else { g.goal.members.join(", ") };
        outln!("  {}  {}  for {}{}", g.id, g.objective, who, if g.applies_to_me { " (applies to you)" } else { "" });
    }
    let pending: Vec<_> = s.proposals.iter().filter(|p| p.status == ProposalStatus::Pending).collect();
    if !pending.is_empty() {
        outln!();
        outln!("Proposals waiting for an organiser");
        for p in pending {
            outln!("  {}  {}  from {}", p.id, p.objective, p.proposed_by);
        }
    }
    outln!();
    outln!("This week ({} to {})   M T W T F S S", s.week.from, s.week.to);
    if s.week.rows.is_empty() {
        outln!("  nothing published yet");
    }
    for r in &s.week.rows {
        let marks: String = r.days.iter().map(|d| format!("{} ", mark(d.status))).collect();
        outln!(
            "  {:<12} {:<30} {}  kept {} of {} · {}",
            r.member,
            truncate(&r.objective, 30),
            marks.trim_end(),
            r.days_kept,
            r.days_judged,
            duration(r.seconds)
        );
    }
    outln!("  ✓ kept  ✗ broken  ! at risk today  · no verdict");
    if !s.problems.is_empty() {
        outln!();
        outln!("Files not merged");
        for p in &s.problems {
            outln!("  {}: {}", p.file, p.message);
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}
