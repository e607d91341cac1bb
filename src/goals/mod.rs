//! Goals: the commitments a user makes about a target, in the user's terms. This module owns
//! the goal types, their readable syntax and their validation; storing them is
//! [`crate::store`]'s job and judging behaviour against them is [`crate::analysis`]'s.

use crate::model::Category;
use serde::{Deserialize, Serialize};
use std::fmt;

mod display;
pub mod parse;
pub mod validate;

pub use display::readable_duration;
pub use validate::validate;

/// A goal's row id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct GoalId(#[cfg_attr(feature = "ts", ts(type = "number"))] pub i64);

impl fmt::Display for GoalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a goal is about: one platform, or every platform of a category.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum GoalTarget {
    Platform(String),
    Category(Category),
}

impl GoalTarget {
    /// Whether time on `platform` (of `category`) counts toward this goal.
    pub fn covers(&self, platform: &str, category: Category) -> bool {
        match self {
            GoalTarget::Platform(p) => p == platform,
            GoalTarget::Category(c) => *c == category,
        }
    }
}

impl fmt::Display for GoalTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoalTarget::Platform(p) => f.write_str(p),
            GoalTarget::Category(c) => write!(f, "{c} (category)"),
        }
    }
}

/// The kinds of commitment. Durations are whole seconds; times of day are minutes after
/// local midnight.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum GoalKind {
    /// At most this much time per local day.
    DailyLimit { limit_secs: u32 },
    /// At most this much time per week (Monday to Sunday, local days).
    WeeklyLimit { limit_secs: u32 },
    /// No use between `start_min` and `end_min`; `end_min < start_min` crosses midnight.
    Downtime { start_min: u16, end_min: u16 },
    /// No session longer than this.
    SessionCap { cap_secs: u32 },
    /// At most this many sessions per local day.
    ChecksCap { max_per_day: u32 },
    /// A purpose in the user's words, optionally with a planned session length.
    Intent { purpose: String, planned_secs: Option<u32> },
}

/// The days of the week a goal applies to: bit 0 is Monday, bit 6 Sunday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Weekdays(pub u8);

impl Weekdays {
    pub const ALL: Weekdays = Weekdays(0b111_1111);
    /// Monday to Friday.
    pub const WORKDAYS: Weekdays = Weekdays(0b001_1111);
    /// Saturday and Sunday.
    pub const WEEKENDS: Weekdays = Weekdays(0b110_0000);

    pub fn contains(self, day: chrono::Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// Whether the two sets share a day.
    pub fn overlaps(self, other: Weekdays) -> bool {
        self.0 & other.0 & Weekdays::ALL.0 != 0
    }
}

impl Default for Weekdays {
    fn default() -> Self {
        Weekdays::ALL
    }
}

/// Where a goal comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum GoalSource {
    #[default]
    Personal,
    /// A shared goal from a family folder (the family's id).
    Family(String),
}

/// A goal as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Goal {
    pub id: GoalId,
    pub target: GoalTarget,
    #[serde(flatten)]
    pub kind: GoalKind,
    pub weekdays: Weekdays,
    pub paused: bool,
    pub source: GoalSource,
}

/// A goal before it is stored (no id yet): what the desktop app sends to add or edit one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NewGoal {
    pub target: GoalTarget,
    #[serde(flatten)]
    pub kind: GoalKind,
    pub weekdays: Weekdays,
    pub source: GoalSource,
}

impl GoalKind {
    /// The kind's name in the store (`daily_limit` …), as migrations/0002_goals.sql lists them.
    pub fn as_str(&self) -> &'static str {
        match self {
            GoalKind::DailyLimit { .. } => "daily_limit",
            GoalKind::WeeklyLimit { .. } => "weekly_limit",
            GoalKind::Downtime { .. } => "downtime",
            GoalKind::SessionCap { .. } => "session_cap",
            GoalKind::ChecksCap { .. } => "checks_cap",
            GoalKind::Intent { .. } => "intent",
        }
    }

    /// Whether both are the same kind of commitment, whatever their values.
    pub fn same_kind(&self, other: &GoalKind) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

impl Goal {
    /// The goal's content without its id and state, e.g. to validate it again on resume.
    pub fn to_new(&self) -> NewGoal {
        NewGoal {
            target: self.target.clone(),
            kind: self.kind.clone(),
            weekdays: self.weekdays,
            source: self.source.clone(),
        }
    }
}
