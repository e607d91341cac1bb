//! What devices write into the family folder (before it is signed and sealed): a member
//! card, a log of changes to the shared goals, and the published adherence. Each device
//! writes only files of its own, under `devices/<device>/`.

use crate::analysis::mismatch::Status;
use crate::goals::{GoalKind, GoalSource, GoalTarget, NewGoal, Weekdays};
use crate::model::Millis;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A shared goal's content: any goal kind, for everyone or for named members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
// No deny_unknown_fields here and on Change: serde cannot combine it with a flattened field.
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SharedGoal {
    pub target: GoalTarget,
    #[serde(flatten)]
    pub kind: GoalKind,
    pub weekdays: Weekdays,
    /// The members (by name) it is for; empty for everyone.
    #[serde(default)]
    pub members: Vec<String>,
}

impl SharedGoal {
    pub fn applies_to(&self, member: &str) -> bool {
        self.members.is_empty() || self.members.iter().any(|m| m == member)
    }

    /// The goal as a device stores and checks it, from `source`.
    pub fn to_new(&self, source: GoalSource) -> NewGoal {
        NewGoal { target: self.target.clone(), kind: self.kind.clone(), weekdays: self.weekdays, source }
    }
}

/// Who a device belongs to: written once on joining, signed by the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MemberCard {
    /// The device's ed25519 public key, hex.
    pub key: String,
    pub name: String,
    pub joined_ms: Millis,
    /// The family's name, on the creator's card only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
}

/// One change to the shared goals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Op {
    /// The creator's list of organisers (device keys, hex); the creator is always one.
    SetOrganisers { organisers: Vec<String> },
    /// An organiser adds a goal or replaces it.
    PutGoal { goal: String, spec: SharedGoal },
    /// An organiser removes a goal.
    RemoveGoal { goal: String },
    /// Any member proposes a goal.
    Propose { proposal: String, spec: SharedGoal },
    /// An organiser accepts a proposal: it becomes goal `g-…` with the proposal's digits.
    Accept { proposal: String },
    /// An organiser declines a proposal.
    Decline { proposal: String },
}

/// A change as a device's log holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// 1, 2, 3 … in the device's log.
    pub seq: u64,
    /// A Lamport clock: one more than the largest this device had seen. Orders changes
    /// across devices so that every device merges them the same way.
    pub clock: u64,
    pub at_ms: Millis,
    #[serde(flatten)]
    pub op: Op,
}

/// A change as its author signed it. Every device carries every change it knows in its own
/// file, so a change outlives its author's files (a member who leaves takes their files, not
/// the family's history) and a device that joins later merges the same history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignedChange {
    /// The author device's public key, hex.
    pub author: String,
    /// The [`Change`] as JSON text, exactly as signed.
    pub body: String,
    pub sig: String,
}

/// A device's file of changes: every change it knows, from every author. `version` grows
/// with every write; a copy older than one already read was brought back, and is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeLog {
    pub key: String,
    pub version: u64,
    pub changes: Vec<SignedChange>,
}

/// What a device publishes about its member: daily totals on the shared goals' targets and
/// each shared goal's status per day. Never titles, urls, apps or spans.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Adherence {
    /// The device's public key, hex.
    pub key: String,
    pub member: String,
    /// Grows with every publication; an older copy is refused.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub version: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub published_ms: Millis,
    /// The last 14 local days, oldest first.
    pub days: Vec<AdherenceRecord>,
}

/// One local day of a member's adherence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AdherenceRecord {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub date: NaiveDate,
    /// Seconds per target of the shared goals (a platform id, or `category:<name>`).
    pub totals: BTreeMap<String, f64>,
    /// Each shared goal that applies to the member, by goal id.
    pub goals: BTreeMap<String, GoalMark>,
}

/// A shared goal's status on a day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct GoalMark {
    pub status: Status,
    pub used_seconds: f64,
}
