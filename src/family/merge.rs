//! Merging every device's changes into the family's shared goals: a pure function of the
//! changes, so every device that has the same files computes the same goals, whatever order
//! the sync tool brought them in.
//!
//! Changes are ordered by (Lamport clock, author key, seq), a total order that respects
//! causality: a device's change comes after every change it had seen. Walking them in that
//! order:
//! - the creator's `setOrganisers` replaces the organisers (the creator is always one);
//! - goal changes and decisions count only from a device that is an organiser at that point
//!   in the order, so a member who knows the passphrase cannot change a goal;
//! - on one goal the later change wins (a removal ends it for good); changes to different
//!   goals never touch each other, so concurrent edits of different goals are all kept;
//! - a proposal from any member waits until an organiser accepts it (it becomes a goal) or
//!   declines it.
//!
//! A change that does not count is listed with the reason and otherwise ignored. That
//! includes a change whose clock is larger than the number of changes known: each change's
//! clock is at most one more than the largest before it, so no honest clock can exceed the
//! count, and a forged huge clock cannot make a change win forever. (While the sync tool is
//! still bringing the rest of the folder, an honest one waits until it has.)

use super::model::{Change, Op, SharedGoal};
use crate::goals::{validate::validate_values, GoalSource};
use crate::model::Millis;
use std::collections::{BTreeMap, BTreeSet};

/// A goal in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalEntry {
    pub spec: SharedGoal,
    /// The organiser device that last set it.
    pub by: String,
    pub at_ms: Millis,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Pending,
    Accepted,
    Declined,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalEntry {
    pub spec: SharedGoal,
    pub by: String,
    pub at_ms: Millis,
    pub decision: Decision,
    pub decided_by: Option<String>,
}

/// A change that does not count, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub author: String,
    pub seq: u64,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    pub organisers: BTreeSet<String>,
    pub goals: BTreeMap<String, GoalEntry>,
    pub proposals: BTreeMap<String, ProposalEntry>,
    pub refused: Vec<Refusal>,
    /// The largest clock among the changes: a new change gets one more.
    pub clock: u64,
}

/// Whether `id` is `prefix` and 8 lower-case hex digits.
pub fn valid_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|d| d.len() == 8 && d.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

fn check_spec(spec: &SharedGoal) -> Result<(), String> {
    validate_values(&spec.to_new(GoalSource::Personal))?;
    if spec.members.iter().any(|m| super::check_member_name(m).is_err()) {
        return Err("it names a member with an unusable name".into());
    }
    Ok(())
}

/// Merges the changes of every device (`logs`: author key → its changes) under `creator`.
pub fn merge<'a>(creator: &str, logs: impl IntoIterator<Item = (&'a str, &'a [Change])>) -> Merged {
    let mut all: Vec<(&str, &Change)> =
        logs.into_iter().flat_map(|(author, changes)| changes.iter().map(move |c| (author, c))).collect();
    all.sort_by(|a, b| (a.1.clock, a.0, a.1.seq).cmp(&(b.1.clock, b.0, b.1.seq)));

    let mut m = Merged { organisers: BTreeSet::from([creator.to_owned()]), ..Merged::default() };
    let mut removed: BTreeSet<String> = BTreeSet::new();
    let known = all.len() as u64;
    for (author, change) in all {
        let refuse = |m: &mut Merged, reason: String| {
            m.refused.push(Refusal { author: author.to_owned(), seq: change.seq, reason })
        };
        if change.clock > known {
            refuse(&mut m, format!("its clock ({}) is ahead of the {known} changes this device knows", change.clock));
            continue;
        }
        m.clock = m.clock.max(change.clock);
        let organiser = m.organisers.contains(author);
        match &change.op {
            Op::SetOrganisers { organisers } => {
                if author != creator {
                    refuse(&mut m, "only the family's creator chooses the organisers".into());
                    continue;
                }
                m.organisers = organisers.iter().cloned().chain([creator.to_owned()]).collect();
            }
            Op::Propose { proposal, spec } => {
                if !valid_id(proposal, "p-") {
                    refuse(&mut m, format!("'{proposal}' is not a proposal id"));
                } else if m.proposals.contains_key(proposal) {
                    refuse(&mut m, format!("proposal {proposal} was already made"));
                } else if let Err(e) = check_spec(spec) {
                    refuse(&mut m, format!("proposal {proposal}: {e}"));
                } else {
                    m.proposals.insert(
                        proposal.clone(),
                        ProposalEntry {
                            spec: spec.clone(),
                            by: author.to_owned(),
                            at_ms: change.at_ms,
                            decision: Decision::Pending,
                            decided_by: None,
                        },
                    );
                }
            }
            _ if !organiser => {
                refuse(&mut m, "it changes the shared goals, but its device is not an organiser's".into())
            }
            Op::PutGoal { goal, spec } => {
                if !valid_id(goal, "g-") {
                    refuse(&mut m, format!("'{goal}' is not a goal id"));
                } else if removed.contains(goal) {
                    refuse(&mut m, format!("goal {goal} was removed"));
                } else if let Err(e) = check_spec(spec) {
                    refuse(&mut m, format!("goal {goal}: {e}"));
                } else {
                    m.goals.insert(
                        goal.clone(),
                        GoalEntry { spec: spec.clone(), by: author.to_owned(), at_ms: change.at_ms },
                    );
                }
            }
            Op::RemoveGoal { goal } => {
                m.goals.remove(goal);
                removed.insert(goal.clone());
            }
            Op::Accept { proposal } | Op::Decline { proposal } => {
                let accept = matches!(change.op, Op::Accept { .. });
                let Some(p) = m.proposals.get_mut(proposal) else {
                    refuse(&mut m, format!("there is no proposal {proposal}"));
                    continue;
                };
                if p.decision != Decision::Pending {
                    refuse(&mut m, format!("proposal {proposal} was already decided"));
                    continue;
                }
                p.decision = if accept { Decision::Accepted } else { Decision::Declined };
                p.decided_by = Some(author.to_owned());
                if accept {
                    let goal = format!("g-{}", &proposal[2..]);
                    let entry = GoalEntry { spec: p.spec.clone(), by: author.to_owned(), at_ms: change.at_ms };
                    if !removed.contains(&goal) {
                        m.goals.insert(goal, entry);
                    }
                }
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goals::{GoalKind, GoalTarget, Weekdays};

    fn daily(platform: &str, mins: u32) -> SharedGoal {
        SharedGoal {
            target: GoalTarget::Platform(platform.into()),
            kind: GoalKind::DailyLimit { limit_secs: mins * 60 },
            weekdays: Weekdays::ALL,
            members: vec![],
        }
    }

    fn ch(seq: u64, clock: u64, op: Op) -> Change {
        Change { seq, clock, at_ms: clock as i64 * 1000, op }
    }

    fn put(goal: &str, spec: SharedGoal) -> Op {
        Op::PutGoal { goal: goal.into(), spec }
    }

    #[test]
    fn the_order_of_the_logs_does_not_change_the_result() {
        let creator = vec![
            ch(1, 1, Op::SetOrganisers { organisers: vec!["bb".into()] }),
            ch(2, 2, put("g-00000001", daily("instagram", 30))),
            ch(3, 3, put("g-00000001", daily("instagram", 45))),
        ];
        // A second organiser edits the same goal concurrently (same clock) and adds another.
        let second =
            vec![ch(1, 3, put("g-00000001", daily("instagram", 20))), ch(2, 4, put("g-00000002", daily("tiktok", 10)))];
        let a = merge("aa", [("aa", creator.as_slice()), ("bb", second.as_slice())]);
        let b = merge("aa", [("bb", second.as_slice()), ("aa", creator.as_slice())]);
        assert_eq!(a, b);
        assert!(a.refused.is_empty(), "{:?}", a.refused);
        assert_eq!(a.goals.len(), 2, "both goals are kept");
        // Same clock: the larger key wins, on every device.
        assert_eq!(a.goals["g-00000001"].spec, daily("instagram", 20));
        assert_eq!(a.clock, 4);
    }

    #[test]
    fn a_member_cannot_change_goals_and_only_the_creator_names_organisers() {
        let creator = vec![ch(1, 1, put("g-00000001", daily("instagram", 30)))];
        let member = vec![
            ch(1, 2, put("g-00000001", daily("instagram", 600))),
            ch(2, 3, Op::SetOrganisers { organisers: vec!["cc".into()] }),
            ch(3, 4, Op::RemoveGoal { goal: "g-00000001".into() }),
        ];
        let m = merge("aa", [("aa", creator.as_slice()), ("cc", member.as_slice())]);
        assert_eq!(m.goals["g-00000001"].spec, daily("instagram", 30));
        assert_eq!(m.refused.len(), 3);
        assert!(m.refused[0].reason.contains("not an organiser"), "{:?}", m.refused);
        assert!(m.refused[1].reason.contains("only the family's creator"), "{:?}", m.refused);
        assert_eq!(m.organisers, BTreeSet::from(["aa".to_string()]));
    }

    #[test]
    fn proposals_wait_for_an_organiser() {
        let member = vec![
            ch(1, 1, Op::Propose { proposal: "p-0000000a".into(), spec: daily("youtube", 60) }),
            ch(2, 1, Op::Propose { proposal: "p-0000000b".into(), spec: daily("reddit", 15) }),
            ch(3, 3, Op::Accept { proposal: "p-0000000a".into() }),
        ];
        let creator = vec![
            ch(1, 2, Op::Accept { proposal: "p-0000000a".into() }),
            ch(2, 2, Op::Decline { proposal: "p-0000000b".into() }),
        ];
        let m = merge("aa", [("aa", creator.as_slice()), ("cc", member.as_slice())]);
        assert_eq!(m.goals["g-0000000a"].spec, daily("youtube", 60));
        assert_eq!(m.proposals["p-0000000a"].decision, Decision::Accepted);
        assert_eq!(m.proposals["p-0000000b"].decision, Decision::Declined);
        assert_eq!(m.refused.len(), 1, "the member cannot accept their own proposal");
    }

    #[test]
    fn a_removal_is_final_and_hostile_values_are_refused() {
        let creator = vec![
            ch(1, 1, put("g-00000001", daily("instagram", 30))),
            ch(2, 2, Op::RemoveGoal { goal: "g-00000001".into() }),
            ch(3, 3, put("g-00000001", daily("instagram", 40))),
            ch(4, 4, put("g-00000002", daily("instagram", 60 * 25))),
            ch(5, 5, put("../../x", daily("instagram", 30))),
            ch(6, u64::MAX, put("g-00000003", daily("instagram", 30))),
        ];
        let m = merge("aa", [("aa", creator.as_slice())]);
        assert!(m.goals.is_empty());
        assert_eq!(m.refused.len(), 4, "{:?}", m.refused);
        assert!(m.refused[3].reason.contains("ahead of the 6 changes"), "{:?}", m.refused);
        assert_eq!(m.clock, 5);
    }
}
