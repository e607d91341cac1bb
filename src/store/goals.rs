//! Storing goals: one row per goal in `goals` (migrations/0002_goals.sql), whose nullable
//! columns hold each kind's values. Whether a goal makes sense is checked before it gets
//! here ([`crate::goals::validate`]); the table's CHECK constraints are the last guard.

use super::Store;
use crate::goals::{Goal, GoalId, GoalKind, GoalSource, GoalTarget, NewGoal, Weekdays};
use crate::model::{Category, Millis};
use crate::{Error, Result};
use rusqlite::types::{Null, Type};
use rusqlite::{params, OptionalExtension, ToSql};

/// The one SELECT of a goal row, with a static tail: SQL is never built at run time.
macro_rules! select_goals {
    ($tail:literal) => {
        concat!(
            "SELECT id, target_kind, target, kind, limit_secs, start_min, end_min, max_count, purpose,
                    weekdays, paused, source
             FROM goals ",
            $tail
        )
    };
}

/// The one UPDATE of a goal's content, binding as [`Columns::bind`] does, with a static
/// tail that picks the row by `?1`.
macro_rules! update_goal {
    ($tail:literal) => {
        concat!(
            "UPDATE goals SET target_kind = ?2, target = ?3, kind = ?4, limit_secs = ?5, start_min = ?6, end_min = ?7,
                              max_count = ?8, purpose = ?9, weekdays = ?10, source = ?11, updated_ms = ?12 ",
            $tail
        )
    };
}

impl Store {
    /// Stores a new, active goal and returns its id.
    #[tracing::instrument(skip_all, err)]
    pub fn add_goal(&mut self, g: &NewGoal, now_ms: Millis) -> Result<GoalId> {
        let c = Columns::of(g);
        self.conn
            .prepare_cached(INSERT_GOAL)
            .and_then(|mut st| st.execute(c.bind(&Null, &now_ms)))
            .map_err(|e| self.err(e))?;
        Ok(GoalId(self.conn.last_insert_rowid()))
    }

    /// Every goal, paused ones included, oldest first.
    pub fn goals(&self) -> Result<Vec<Goal>> {
        let mut st = self.conn.prepare_cached(select_goals!("ORDER BY id"))?;
        let rows = st.query_map([], row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn goal(&self, id: GoalId) -> Result<Option<Goal>> {
        let mut st = self.conn.prepare_cached(select_goals!("WHERE id = ?1"))?;
        Ok(st.query_row([id.0], row).optional()?)
    }

    /// The goal with this id, or an error that says how to find the right one.
    pub fn require_goal(&self, id: GoalId) -> Result<Goal> {
        self.goal(id)?.ok_or_else(|| no_goal(id))
    }

    /// Replaces a goal's target, kind, days and source; its id and paused state stay.
    #[tracing::instrument(skip_all, err, fields(id = id.0))]
    pub fn update_goal(&mut self, id: GoalId, g: &NewGoal, now_ms: Millis) -> Result<()> {
        let c = Columns::of(g);
        let changed = self
            .conn
            .prepare_cached(update_goal!("WHERE id = ?1"))
            .and_then(|mut st| st.execute(c.bind(&id.0, &now_ms)))
            .map_err(|e| self.err(e))?;
        found(id, changed)
    }

    #[tracing::instrument(skip_all, err, fields(id = id.0, paused))]
    pub fn set_goal_paused(&mut self, id: GoalId, paused: bool, now_ms: Millis) -> Result<()> {
        let changed = self
            .conn
            .prepare_cached("UPDATE goals SET paused = ?2, updated_ms = ?3 WHERE id = ?1")
            .and_then(|mut st| st.execute(params![id.0, paused, now_ms]))
            .map_err(|e| self.err(e))?;
        found(id, changed)
    }

    #[tracing::instrument(skip_all, err, fields(id = id.0))]
    pub fn remove_goal(&mut self, id: GoalId) -> Result<()> {
        let changed = self
            .conn
            .prepare_cached("DELETE FROM goals WHERE id = ?1")
            .and_then(|mut st| st.execute([id.0]))
            .map_err(|e| self.err(e))?;
        found(id, changed)
    }
}

/// What a sync of a family's goals changed on this device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FamilyGoalsApplied {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

impl Store {
    /// Makes the stored shared goals equal `goals` (family-wide id → content), in one
    /// transaction: new ones are added, changed ones updated in place (their pause stays),
    /// and shared goals no longer in force are removed. An empty `goals` removes them all.
    #[tracing::instrument(skip_all, err)]
    pub fn apply_family_goals(&mut self, goals: &[(String, NewGoal)], now_ms: Millis) -> Result<FamilyGoalsApplied> {
        // Immediate: it reads before it writes, and a read transaction cannot wait for the
        // tracker's write to become one (SQLite answers "busy" at once).
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let stored: Vec<(i64, String)> = {
            let mut st = tx.prepare("SELECT id, shared_id FROM goals WHERE shared_id IS NOT NULL")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut done = FamilyGoalsApplied::default();
        for (row, shared) in &stored {
            if !goals.iter().any(|(id, _)| id == shared) {
                tx.execute("DELETE FROM goals WHERE id = ?1", [row])?;
                done.removed += 1;
            }
        }
        for (shared, g) in goals {
            let c = Columns::of(g);
            let values = c.bind(shared, &now_ms);
            if stored.iter().any(|(_, s)| s == shared) {
                done.changed += tx.execute(
                    update_goal!(
                        "WHERE shared_id = ?1 AND NOT (target_kind IS ?2 AND target IS ?3 AND kind IS ?4
                            AND limit_secs IS ?5 AND start_min IS ?6 AND end_min IS ?7 AND max_count IS ?8
                            AND purpose IS ?9 AND weekdays IS ?10 AND source IS ?11)"
                    ),
                    values,
                )?;
            } else {
                tx.execute(INSERT_GOAL, values)?;
                done.added += 1;
            }
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(done)
    }
}

fn no_goal(id: GoalId) -> Error {
    Error::Invalid(format!("no goal {id}; `mast goals list` shows the ids"))
}

fn found(id: GoalId, changed: usize) -> Result<()> {
    if changed == 0 {
        return Err(no_goal(id));
    }
    Ok(())
}

/// Inserts a goal: `?1` its family-wide id (NULL for the user's own), `?2`–`?11` its
/// [`Columns`], `?12` now.
const INSERT_GOAL: &str = "INSERT INTO goals (shared_id, target_kind, target, kind, limit_secs, start_min, end_min,
                                              max_count, purpose, weekdays, source, created_ms, updated_ms)
                           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)";

/// A goal spread over the table's columns; those its kind does not use are NULL.
struct Columns<'a> {
    target_kind: &'static str,
    target: &'a str,
    kind: &'static str,
    limit_secs: Option<u32>,
    start_min: Option<u16>,
    end_min: Option<u16>,
    max_count: Option<u32>,
    purpose: Option<&'a str>,
    weekdays: u8,
    source: String,
}

impl<'a> Columns<'a> {
    /// The parameters of a goal write: `key` (the row's id or family-wide id) as `?1`, the
    /// columns as `?2`–`?11`, `now_ms` as `?12`.
    fn bind<'b>(&'b self, key: &'b dyn ToSql, now_ms: &'b Millis) -> [&'b dyn ToSql; 12] {
        [
            key,
            &self.target_kind,
            &self.target,
            &self.kind,
            &self.limit_secs,
            &self.start_min,
            &self.end_min,
            &self.max_count,
            &self.purpose,
            &self.weekdays,
            &self.source,
            now_ms,
        ]
    }

    fn of(g: &'a NewGoal) -> Columns<'a> {
        let (target_kind, target) = match &g.target {
            GoalTarget::Platform(p) => ("platform", p.as_str()),
            GoalTarget::Category(c) => ("category", c.as_str()),
        };
        let mut c = Columns {
            target_kind,
            target,
            kind: g.kind.as_str(),
            limit_secs: None,
            start_min: None,
            end_min: None,
            max_count: None,
            purpose: None,
            weekdays: g.weekdays.0,
            source: match &g.source {
                GoalSource::Personal => "personal".into(),
                GoalSource::Family(id) => format!("family:{id}"),
            },
        };
        match &g.kind {
            GoalKind::DailyLimit { limit_secs } | GoalKind::WeeklyLimit { limit_secs } => {
                c.limit_secs = Some(*limit_secs)
            }
            GoalKind::SessionCap { cap_secs } => c.limit_secs = Some(*cap_secs),
            GoalKind::Downtime { start_min, end_min } => (c.start_min, c.end_min) = (Some(*start_min), Some(*end_min)),
            GoalKind::ChecksCap { max_per_day } => c.max_count = Some(*max_per_day),
            GoalKind::Intent { purpose, planned_secs } => {
                (c.purpose, c.limit_secs) = (Some(purpose.as_str()), *planned_secs)
            }
        }
        c
    }
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Goal> {
    // A row the CHECK constraints let through but that does not make a goal (say, a daily
    // limit without its limit) is reported as damaged rather than skipped.
    let bad = |col: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(col, Type::Text, format!("goal row: {what}").into())
    };
    let target_kind: String = r.get(1)?;
    let target: String = r.get(2)?;
    let target = match target_kind.as_str() {
        "platform" => GoalTarget::Platform(target),
        _ => GoalTarget::Category(Category::parse(&target).ok_or_else(|| bad(2, "unknown category"))?),
    };
    let kind: String = r.get(3)?;
    let limit: Option<u32> = r.get(4)?;
    let need = |v: Option<u32>, col: usize| v.ok_or_else(|| bad(col, "missing value"));
    let kind = match kind.as_str() {
        "daily_limit" => GoalKind::DailyLimit { limit_secs: need(limit, 4)? },
        "weekly_limit" => GoalKind::WeeklyLimit { limit_secs: need(limit, 4)? },
        "session_cap" => GoalKind::SessionCap { cap_secs: need(limit, 4)? },
        "downtime" => GoalKind::Downtime {
            start_min: r.get::<_, Option<u16>>(5)?.ok_or_else(|| bad(5, "missing start"))?,
            end_min: r.get::<_, Option<u16>>(6)?.ok_or_else(|| bad(6, "missing end"))?,
        },
        "checks_cap" => GoalKind::ChecksCap { max_per_day: need(r.get(7)?, 7)? },
        "intent" => GoalKind::Intent {
            purpose: r.get::<_, Option<String>>(8)?.ok_or_else(|| bad(8, "missing purpose"))?,
            planned_secs: limit,
        },
        _ => return Err(bad(3, "unknown kind")),
    };
    let source: String = r.get(11)?;
    let source = match source.strip_prefix("family:") {
        Some(id) => GoalSource::Family(id.to_owned()),
        None => GoalSource::Personal,
    };
    Ok(Goal { id: GoalId(r.get(0)?), target, kind, weekdays: Weekdays(r.get(9)?), paused: r.get(10)?, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(target: GoalTarget, kind: GoalKind) -> NewGoal {
        NewGoal { target, kind, weekdays: Weekdays::ALL, source: GoalSource::Personal }
    }

    fn every_kind() -> Vec<NewGoal> {
        let insta = || GoalTarget::Platform("instagram".into());
        vec![
            new(insta(), GoalKind::DailyLimit { limit_secs: 1800 }),
            new(GoalTarget::Category(Category::Video), GoalKind::WeeklyLimit { limit_secs: 5 * 3600 }),
            NewGoal {
                weekdays: Weekdays::WORKDAYS,
                ..new(insta(), GoalKind::Downtime { start_min: 1380, end_min: 420 })
            },
            new(insta(), GoalKind::SessionCap { cap_secs: 900 }),
            new(GoalTarget::Category(Category::Social), GoalKind::ChecksCap { max_per_day: 0 }),
            new(insta(), GoalKind::Intent { purpose: "family photos".into(), planned_secs: Some(600) }),
            NewGoal {
                source: GoalSource::Family("home".into()),
                ..new(insta(), GoalKind::Intent { purpose: "messages".into(), planned_secs: None })
            },
        ]
    }

    #[test]
    fn every_kind_round_trips() {
        let mut store = Store::open_in_memory().unwrap();
        let goals = every_kind();
        let ids: Vec<GoalId> = goals.iter().map(|g| store.add_goal(g, 1_000).unwrap()).collect();
        let stored = store.goals().unwrap();
        assert_eq!(stored.len(), goals.len());
        for ((g, id), s) in goals.iter().zip(&ids).zip(&stored) {
            assert_eq!(s.id, *id);
            assert_eq!(&s.to_new(), g);
            assert!(!s.paused);
            assert_eq!(store.goal(*id).unwrap().as_ref(), Some(s));
        }
        assert_eq!(store.goal(GoalId(999)).unwrap(), None);
    }

    #[test]
    fn update_pause_and_remove() {
        let mut store = Store::open_in_memory().unwrap();
        let id = store.add_goal(&every_kind()[0], 1_000).unwrap();
        let other = store.add_goal(&every_kind()[1], 1_000).unwrap();

        // A change of kind clears the old kind's columns.
        let intent = every_kind()[5].clone();
        store.update_goal(id, &intent, 2_000).unwrap();
        assert_eq!(store.require_goal(id).unwrap().to_new(), intent);
        let downtime = every_kind()[2].clone();
        store.update_goal(id, &downtime, 3_000).unwrap();
        let (limit, purpose, updated): (Option<i64>, Option<String>, i64) = store
            .conn()
            .query_row("SELECT limit_secs, purpose, updated_ms FROM goals WHERE id = ?1", [id.0], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((limit, purpose, updated), (None, None, 3_000));

        store.set_goal_paused(id, true, 4_000).unwrap();
        assert!(store.require_goal(id).unwrap().paused);
        store.update_goal(id, &every_kind()[0], 5_000).unwrap();
        assert!(store.require_goal(id).unwrap().paused, "editing keeps the paused state");
        store.set_goal_paused(id, false, 6_000).unwrap();
        assert!(!store.require_goal(id).unwrap().paused);

        store.remove_goal(id).unwrap();
        assert_eq!(store.goals().unwrap().iter().map(|g| g.id).collect::<Vec<_>>(), vec![other]);
    }

    #[test]
    fn unknown_ids_say_where_to_look() {
        let mut store = Store::open_in_memory().unwrap();
        let g = every_kind()[0].clone();
        for e in [
            store.update_goal(GoalId(7), &g, 1).unwrap_err(),
            store.set_goal_paused(GoalId(7), true, 1).unwrap_err(),
            store.remove_goal(GoalId(7)).unwrap_err(),
            store.require_goal(GoalId(7)).unwrap_err(),
        ] {
            assert_eq!(e.to_string(), "no goal 7; `mast goals list` shows the ids");
        }
    }

    #[test]
    fn a_damaged_row_is_an_error_not_a_default() {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO goals (target_kind, target, kind, created_ms, updated_ms)
                 VALUES ('platform', 'instagram', 'daily_limit', 0, 0)",
                [],
            )
            .unwrap();
        assert!(store.goals().is_err());
    }

    #[test]
    fn family_goals_are_applied_in_place_and_removed_when_gone() {
        let mut store = Store::open_in_memory().unwrap();
        let shared = |mins: u32| NewGoal {
            source: GoalSource::Family("Home".into()),
            ..new(GoalTarget::Platform("instagram".into()), GoalKind::DailyLimit { limit_secs: mins * 60 })
        };
        let personal = store
            .add_goal(&new(GoalTarget::Platform("youtube".into()), GoalKind::SessionCap { cap_secs: 600 }), 1)
            .unwrap();
        let one = [("g-00000001".to_string(), shared(30))];
        assert_eq!(store.apply_family_goals(&one, 2).unwrap(), FamilyGoalsApplied { added: 1, changed: 0, removed: 0 });
        assert_eq!(store.apply_family_goals(&one, 3).unwrap(), FamilyGoalsApplied::default(), "nothing changed");
        let id = store.goals().unwrap()[1].id;
        store.set_goal_paused(id, true, 4).unwrap();
        let edited = [("g-00000001".to_string(), shared(20))];
        assert_eq!(store.apply_family_goals(&edited, 5).unwrap().changed, 1);
        let g = store.require_goal(id).unwrap();
        assert_eq!(g.kind, GoalKind::DailyLimit { limit_secs: 1200 });
        assert!(g.paused, "the member's pause stays");
        assert_eq!(store.apply_family_goals(&[], 6).unwrap().removed, 1);
        assert_eq!(store.goals().unwrap().iter().map(|g| g.id).collect::<Vec<_>>(), vec![personal]);
    }
}
