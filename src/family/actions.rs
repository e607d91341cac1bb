//! Changing the shared goals from this device: what the action is, whether this device may
//! make it (organisers change goals and decide proposals, anyone proposes, the creator
//! chooses the organisers), and the signed change it becomes.

use super::merge::Decision;
use super::model::{Change, Op, SharedGoal};
use super::view::{FamilyAction, FamilyStatus};
use super::{adherence, check_member_name, random_id, Family};
use crate::classify::Rules;
use crate::goals::{validate, GoalSource};
use crate::settings::Settings;
use crate::store::Store;
use crate::views::Now;
use crate::{Error, Result};

impl Family {
    /// Makes a change to the shared goals from this device, after checking that this
    /// device may make it, and settles as a sync does. Returns the status and the id of the
    /// goal or proposal the change is about (none for the organisers).
    pub fn act(
        &mut self,
        store: &mut Store,
        settings: &Settings,
        rules: &Rules,
        action: &FamilyAction,
        now: Now,
    ) -> Result<(FamilyStatus, Option<String>)> {
        let read = self.read_folder()?;
        let merged = self.merged();
        let me = self.me();
        let organiser = merged.organisers.contains(&me);
        let need_organiser = || -> Result<()> {
            if organiser {
                return Ok(());
            }
            Err(Error::Invalid(
                "only the family's organisers change its shared goals; propose the goal instead (`mast family propose`, \
                 or Propose a goal in the Family view), and an organiser can accept it"
                    .into(),
            ))
        };
        let check = |goal: &SharedGoal, except: Option<&str>| -> Result<()> {
            let new = goal.to_new(GoalSource::Family(self.source_name()));
            for m in &goal.members {
                check_member_name(m).map_err(Error::Invalid)?;
                if !read.names().contains(m.as_str()) {
                    let names = read.names();
                    return Err(Error::Invalid(format!(
                        "the family has no member named '{m}'; its members are {}",
                        names.into_iter().collect::<Vec<_>>().join(", ")
                    )));
                }
            }
            let others: Vec<crate::goals::Goal> = merged
                .goals
                .iter()
                .filter(|(id, g)| Some(id.as_str()) != except && overlap(&g.spec.members, &goal.members))
                .enumerate()
                .map(|(i, (_, g))| adherence::as_goal(i, &g.spec, ""))
                .collect();
            validate(&new, &others, rules).map_err(|e| Error::Invalid(format!("{e} (among the family's shared goals)")))
        };
        let known_goal = |id: &str| -> Result<()> {
            if merged.goals.contains_key(id) {
                return Ok(());
            }
            Err(Error::Invalid(format!("the family has no shared goal {id}; `mast family status` lists them")))
        };
        let pending = |id: &str| -> Result<()> {
            match merged.proposals.get(id) {
                Some(p) if p.decision == Decision::Pending => Ok(()),
                Some(_) => Err(Error::Invalid(format!("proposal {id} was already decided"))),
                None => Err(Error::Invalid(format!("there is no proposal {id}; `mast family status` lists them"))),
            }
        };
        let op = match action {
            FamilyAction::AddGoal { goal } => {
                need_organiser()?;
                check(goal, None)?;
                Op::PutGoal { goal: random_id("g-"), spec: goal.clone() }
            }
            FamilyAction::EditGoal { id, goal } => {
                need_organiser()?;
                known_goal(id)?;
                check(goal, Some(id))?;
                Op::PutGoal { goal: id.clone(), spec: goal.clone() }
            }
            FamilyAction::RemoveGoal { id } => {
                need_organiser()?;
                known_goal(id)?;
                Op::RemoveGoal { goal: id.clone() }
            }
            FamilyAction::Propose { goal } => {
                check(goal, None)?;
                Op::Propose { proposal: random_id("p-"), spec: goal.clone() }
            }
            FamilyAction::Accept { proposal } | FamilyAction::Decline { proposal } => {
                need_organiser()?;
                pending(proposal)?;
                if matches!(action, FamilyAction::Accept { .. }) {
                    let spec = &merged.proposals[proposal].spec;
                    check(spec, None)?;
                    Op::Accept { proposal: proposal.clone() }
                } else {
                    Op::Decline { proposal: proposal.clone() }
                }
            }
            FamilyAction::SetOrganiser { member, organiser } => {
                if !self.is_creator() {
                    return Err(Error::Invalid("only the family's creator chooses its organisers".into()));
                }
                let keys: Vec<String> =
                    read.present.values().filter(|c| &c.name == member).map(|c| c.key.clone()).collect();
                if keys.is_empty() {
                    return Err(Error::Invalid(format!("the family has no member named '{member}'")));
                }
                let mut list: std::collections::BTreeSet<String> = merged.organisers.clone();
                list.remove(&self.state.header.creator);
                for k in keys {
                    if *organiser {
                        list.insert(k);
                    } else {
                        list.remove(&k);
                    }
                }
                Op::SetOrganisers { organisers: list.into_iter().collect() }
            }
        };
        let subject = match &op {
            Op::PutGoal { goal, .. } | Op::RemoveGoal { goal } => Some(goal.clone()),
            Op::Propose { proposal, .. } | Op::Decline { proposal } => Some(proposal.clone()),
            Op::Accept { proposal } => Some(format!("g-{}", &proposal[2..])),
            Op::SetOrganisers { .. } => None,
        };
        let seq = self.state.logs.get(&me).map_or(0, Vec::len) as u64 + 1;
        let change = Change { seq, clock: merged.clock.saturating_add(1), at_ms: now.ms, op };
        let signed =
            self.device.sign_change(self.key.family(), &serde_json::to_string(&change).expect("a change serialises"));
        self.state.logs.entry(me).or_default().push(signed);
        self.write_own_log()?;
        // Saved at once: the change is in the folder now.
        self.state.save(&self.state_path)?;
        Ok((self.settle(read, store, settings, now, false)?, subject))
    }
}

/// Whether two goals' member lists can concern the same member (empty = everyone).
fn overlap(a: &[String], b: &[String]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|m| b.contains(m))
}
