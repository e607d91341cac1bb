//! What the surfaces show of a family: `mast family status --json` prints these, and the
//! desktop app's Family view gets the same over IPC. Plain data with a stable JSON shape.

use super::model::SharedGoal;
use crate::analysis::mismatch::Status;
use crate::model::Millis;
use chrono::NaiveDate;
use serde::Serialize;

/// A family as this device sees it after its last sync.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FamilyStatus {
    /// The family's id: 32 hex digits, the same on every device.
    pub id: String,
    /// The family's fingerprint (`7KQ2-M9XD-4T8C-Q2WN`), the same on every device: a joining
    /// member compares it with the code their device shows for the folder's `family.json`.
    pub fingerprint: String,
    pub name: String,
    /// The family folder on this device.
    pub folder: String,
    /// This device's member.
    pub me: MemberView,
    /// Every member device in the folder, this one included, by name.
    pub members: Vec<MemberView>,
    /// The shared goals in force, as merged from every device's changes.
    pub goals: Vec<SharedGoalView>,
    /// Goals members proposed: pending ones first, then the decided ones, newest first.
    pub proposals: Vec<ProposalView>,
    /// Each member's adherence to the shared goals over a Monday-to-Sunday week.
    pub week: WeekAdherence,
    /// Files in the folder that were not merged, each with the reason and what to do.
    pub problems: Vec<FolderProblem>,
    /// When this device last read the folder.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub synced_ms: Millis,
}

/// One member device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MemberView {
    /// The device's short id (16 hex digits of its public key).
    pub device: String,
    /// The member's name, chosen on joining.
    pub name: String,
    pub organiser: bool,
    /// Whether this device created the family (it alone chooses the organisers).
    pub creator: bool,
    /// Whether this is the device showing the view.
    pub me: bool,
    /// When the device last published its adherence; `null` if it has not yet.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub published_ms: Option<Millis>,
}

/// A shared goal in force.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SharedGoalView {
    /// The goal's family-wide id (`g-` and 8 hex digits).
    pub id: String,
    pub goal: SharedGoal,
    /// The goal in words: "instagram: at most 30 min a day".
    pub objective: String,
    /// Whether it applies to this device's member.
    pub applies_to_me: bool,
    /// The member who last set it.
    pub set_by: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub set_ms: Millis,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ProposalStatus {
    Pending,
    Accepted,
    Declined,
}

/// A goal a member proposed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ProposalView {
    /// The proposal's id (`p-` and 8 hex digits); accepted, it becomes the goal's id with `g-`.
    pub id: String,
    pub goal: SharedGoal,
    pub objective: String,
    pub proposed_by: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub proposed_ms: Millis,
    pub status: ProposalStatus,
    /// The organiser who accepted or declined it.
    pub decided_by: Option<String>,
}

/// Adherence over one week.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct WeekAdherence {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub from: NaiveDate,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub to: NaiveDate,
    /// One row per member and shared goal that applies to the member.
    pub rows: Vec<AdherenceRow>,
}

/// How one member kept one shared goal over the week, from what their devices published.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AdherenceRow {
    pub member: String,
    pub goal: String,
    pub objective: String,
    /// Monday to Sunday; `noVerdict` where nothing was published for the day.
    pub days: Vec<AdherenceDay>,
    pub days_kept: u32,
    pub days_broken: u32,
    /// Days of the week the goal applied to and that have a verdict.
    pub days_judged: u32,
    /// Time on the goal's target over the week, from the published daily totals.
    pub seconds: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AdherenceDay {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub date: NaiveDate,
    pub status: Status,
    pub used_seconds: f64,
}

/// A file in the family folder that was not merged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FolderProblem {
    /// The file's path inside the folder.
    pub file: String,
    /// Why, and what to do.
    pub message: String,
}

/// Exactly what this device shares with the family: the file it writes, as it would be
/// written (before it is encrypted).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SharePreview {
    /// The file's path inside the folder.
    pub file: String,
    pub adherence: super::model::Adherence,
    /// What is never shared, in words.
    pub never_shared: Vec<String>,
}

/// Setting up a new family on this device (`mast family create`, the Family view's form).
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CreateFamily {
    /// The family folder: a folder the family's sync tool keeps in step between devices.
    pub folder: String,
    /// The family's name, shown to every member.
    pub name: String,
    /// This device's member's name.
    pub member: String,
    pub passphrase: String,
}

/// Adding this device to a family whose folder the sync tool already brought here.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct JoinFamily {
    pub folder: String,
    pub member: String,
    pub passphrase: String,
    /// The family's fingerprint as a member's device shows it (`mast family status`, the
    /// Family view); compared ignoring case, dashes and spaces. Joining is refused without it.
    pub fingerprint: String,
}

/// A change to the shared goals from this device. Organisers add, edit and remove goals and
/// decide proposals; any member proposes; the creator chooses the organisers.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(tag = "action", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum FamilyAction {
    AddGoal {
        goal: SharedGoal,
    },
    EditGoal {
        id: String,
        goal: SharedGoal,
    },
    RemoveGoal {
        id: String,
    },
    Propose {
        goal: SharedGoal,
    },
    Accept {
        proposal: String,
    },
    Decline {
        proposal: String,
    },
    /// `member`: a member's name; every device of that member changes with it.
    SetOrganiser {
        member: String,
        organiser: bool,
    },
}
