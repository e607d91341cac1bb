//! Changing the user's goals with the same checks on every surface: a new or edited goal is
//! validated against the rules and the other active goals, a family's goal changes only in
//! the family folder, and a paused goal is re-validated before it comes back. `mast goals`
//! and the desktop app both call these.

use crate::classify::Rules;
use crate::goals::{validate, Goal, GoalId, GoalSource, NewGoal};
use crate::model::Millis;
use crate::store::Store;
use crate::{Error, Result};

/// Adds `new` after checking it against the stored goals; returns the stored goal.
pub fn add(store: &mut Store, rules: &Rules, new: &NewGoal, now: Millis) -> Result<Goal> {
    validate(new, &store.goals()?, rules).map_err(Error::Invalid)?;
    let id = store.add_goal(new, now)?;
    store.require_goal(id)
}

/// Replaces goal `id` with `new`. A paused goal conflicts with nothing until it resumes.
pub fn edit(store: &mut Store, rules: &Rules, id: GoalId, new: &NewGoal, now: Millis) -> Result<Goal> {
    let goal = store.require_goal(id)?;
    family_guard(&goal)?;
    let others: Vec<Goal> =
        if goal.paused { Vec::new() } else { store.goals()?.into_iter().filter(|g| g.id != id).collect() };
    validate(new, &others, rules).map_err(Error::Invalid)?;
    store.update_goal(id, new, now)?;
    store.require_goal(id)
}

/// Removes goal `id`; returns what it was.
pub fn remove(store: &mut Store, id: GoalId) -> Result<Goal> {
    let goal = store.require_goal(id)?;
    family_guard(&goal)?;
    store.remove_goal(id)?;
    Ok(goal)
}

/// Pauses or resumes goal `id` (family goals too: pausing sets one aside for this user).
pub fn set_paused(store: &mut Store, rules: &Rules, id: GoalId, paused: bool, now: Millis) -> Result<Goal> {
    let goal = store.require_goal(id)?;
    if goal.paused == paused {
        return Ok(goal);
    }
    if !paused {
        let others: Vec<Goal> = store.goals()?.into_iter().filter(|g| g.id != id).collect();
        validate(&goal.to_new(), &others, rules)
            .map_err(|e| Error::Invalid(format!("goal {} cannot be resumed: {e}", goal.id)))?;
    }
    store.set_goal_paused(id, paused, now)?;
    store.require_goal(id)
}

fn family_guard(goal: &Goal) -> Result<()> {
    match &goal.source {
        GoalSource::Family(family) => Err(Error::Invalid(format!(
            "goal {} is shared by the family '{family}' and changes only in the family folder; pause it to set it \
             aside for you",
            goal.id
        ))),
        GoalSource::Personal => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goals::{GoalKind, GoalTarget, Weekdays};

    fn daily(platform: &str, mins: u32) -> NewGoal {
        NewGoal {
            target: GoalTarget::Platform(platform.into()),
            kind: GoalKind::DailyLimit { limit_secs: mins * 60 },
            weekdays: Weekdays::ALL,
            source: GoalSource::Personal,
        }
    }

    #[test]
    fn a_second_daily_limit_is_refused_until_the_first_is_paused() {
        let mut store = Store::open_in_memory().unwrap();
        let rules = Rules::builtin();
        let first = add(&mut store, &rules, &daily("instagram", 30), 1).unwrap();
        let Err(Error::Invalid(_)) = add(&mut store, &rules, &daily("instagram", 20), 2) else {
            panic!("a second daily limit on one platform must be invalid");
        };
        let paused = set_paused(&mut store, &rules, first.id, true, 3).unwrap();
        assert!(paused.paused);
        let second = add(&mut store, &rules, &daily("instagram", 20), 4).unwrap();
        let Err(Error::Invalid(message)) = set_paused(&mut store, &rules, first.id, false, 5) else {
            panic!("resuming into a conflict must be invalid");
        };
        assert!(message.contains("cannot be resumed"), "{message}");
        let edited = edit(&mut store, &rules, second.id, &daily("instagram", 25), 6).unwrap();
        assert_eq!(edited.kind, GoalKind::DailyLimit { limit_secs: 25 * 60 });
        remove(&mut store, first.id).unwrap();
        assert_eq!(store.goals().unwrap().len(), 1);
    }
}
