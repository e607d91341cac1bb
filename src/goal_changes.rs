//! Changing the user's goals with the same checks on every surface: a new or edited goal is
//! validated against the rules and the other active goals, a family's goal changes only in
//! the family folder, and a paused goal is re-validated before it comes back. `mast goals`
//! and the desktop app both call these.

use crate::classify::Rules;
use crate::goals::{validate, Goal, GoalId, GoalSource, GoalTarget, NewGoal};
use crate::model::Millis;
use crate::store::Store;
use crate::{Error, Result};

/// The goal with its platform named as the rules name it: an alias (`ig`), a name
/// (`YouTube`) or a web address (`twitter.com`) becomes the platform's id, on every surface.
fn resolved(new: &NewGoal, rules: &Rules) -> NewGoal {
    let mut new = new.clone();
    if let GoalTarget::Platform(name) = &new.target {
        if let Some(p) = rules.resolve_platform(name) {
            new.target = GoalTarget::Platform(p.id.clone());
        }
    }
    new
}

/// Adds `new` after checking it against the stored goals; returns the stored goal.
pub fn add(store: &mut Store, rules: &Rules, new: &NewGoal, now: Millis) -> Result<Goal> {
    let new = &resolved(new, rules);
    validate(new, &store.goals()?, rules).map_err(Error::Invalid)?;
    let id = store.add_goal(new, now)?;
    store.require_goal(id)
}

/// Replaces goal `id` with `new`. A paused goal conflicts with nothing until it resumes.
pub fn edit(store: &mut Store, rules: &Rules, id: GoalId, new: &NewGoal, now: Millis) -> Result<Goal> {
    let new = &resolved(new, rules);
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

    /// Aliases, names and web addresses name the platform on every surface that adds goals.
    #[test]
    fn a_goal_for_an_alias_a_name_or_an_address_is_stored_for_the_platform() {
        let rules = Rules::builtin();
        for (typed, id) in [
            ("ig", "instagram"),
            ("FB", "facebook"),
            ("yt", "youtube"),
            ("twitter", "x"),
            ("twitter.com", "x"),
            ("https://m.facebook.com/", "facebook"),
            ("YouTube", "youtube"),
            ("bsky", "bluesky"),
        ] {
            let mut store = Store::open_in_memory().unwrap();
            let goal = add(&mut store, &rules, &daily(typed, 30), 0).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(goal.target, GoalTarget::Platform(id.into()), "{typed}");
        }
        let mut store = Store::open_in_memory().unwrap();
        assert!(add(&mut store, &rules, &daily("notaplatform", 30), 0).is_err());
        assert!(add(&mut store, &rules, &daily("example.org", 30), 0).is_err());
    }
}
