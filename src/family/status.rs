//! The family as this device shows it ([`FamilyStatus`]): members, shared goals, proposals,
//! the week's adherence and the files not merged, from a read of the folder and the merge.

use super::adherence;
use super::folder::{self, FileKind};
use super::merge::{Decision, Merged};
use super::model::{self, MemberCard, SharedGoal};
use super::reading::FolderRead;
use super::signing::short_id;
use super::view::{FamilyStatus, FolderProblem, MemberView, ProposalStatus, ProposalView, SharedGoalView};
use super::Family;
use crate::settings::Settings;
use crate::views::Now;
use chrono::{Datelike, Days};

impl Family {
    pub(super) fn status(&self, read: &FolderRead, merged: &Merged, settings: &Settings, now: Now) -> FamilyStatus {
        let me = self.me();
        let member_view = |short: &String, card: &MemberCard| MemberView {
            device: short.clone(),
            name: card.name.clone(),
            organiser: merged.organisers.contains(&card.key),
            creator: card.key == self.state.header.creator,
            me: card.key == me,
            published_ms: read.adherence.get(short).map(|a| a.published_ms),
        };
        let mut members: Vec<MemberView> = read.present.iter().map(|(s, c)| member_view(s, c)).collect();
        members.sort_by(|a, b| (&a.name, &a.device).cmp(&(&b.name, &b.device)));
        let own = self.own_card();
        let mut goals: Vec<SharedGoalView> = merged
            .goals
            .iter()
            .map(|(id, g)| SharedGoalView {
                id: id.clone(),
                goal: g.spec.clone(),
                objective: adherence::objective(&g.spec),
                applies_to_me: g.spec.applies_to(&self.state.member),
                set_by: read.name_of(&g.by),
                set_ms: g.at_ms,
            })
            .collect();
        // By what they say, not by their random ids.
        goals.sort_by(|a, b| (&a.objective, &a.id).cmp(&(&b.objective, &b.id)));
        let mut proposals: Vec<ProposalView> = merged
            .proposals
            .iter()
            .map(|(id, p)| ProposalView {
                id: id.clone(),
                goal: p.spec.clone(),
                objective: adherence::objective(&p.spec),
                proposed_by: read.name_of(&p.by),
                proposed_ms: p.at_ms,
                status: match p.decision {
                    Decision::Pending => ProposalStatus::Pending,
                    Decision::Accepted => ProposalStatus::Accepted,
                    Decision::Declined => ProposalStatus::Declined,
                },
                decided_by: p.decided_by.as_ref().map(|k| read.name_of(k)),
            })
            .collect();
        proposals.sort_by(|a, b| {
            (a.status != ProposalStatus::Pending, std::cmp::Reverse(a.proposed_ms))
                .cmp(&(b.status != ProposalStatus::Pending, std::cmp::Reverse(b.proposed_ms)))
        });
        let today = now.today(settings);
        let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
        let shared: Vec<(&String, &SharedGoal)> = goals.iter().map(|g| (&g.id, &g.goal)).collect();
        let published: Vec<(&str, &[model::AdherenceRecord])> =
            read.adherence.values().map(|a| (a.member.as_str(), a.days.as_slice())).collect();
        let mut problems = read.problems.clone();
        for r in &merged.refused {
            problems.push(FolderProblem {
                file: folder::name_of(short_id(&r.author), FileKind::Changes),
                message: format!(
                    "change {} from {}'s device does not count: {}",
                    r.seq,
                    read.name_of(&r.author),
                    r.reason
                ),
            });
        }
        let week = adherence::week(monday, today, &shared, &published);
        FamilyStatus {
            id: self.state.header.id.to_string(),
            fingerprint: self.fingerprint(),
            name: self.source_name(),
            folder: self.state.folder.display().to_string(),
            me: member_view(&self.short(), &own),
            members,
            goals,
            proposals,
            week,
            problems,
            synced_ms: self.state.synced_ms,
        }
    }
}
