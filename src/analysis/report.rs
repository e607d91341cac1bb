//! The usage report as data: the stable JSON that `mast report --json` prints and the
//! desktop app reads. Only shapes and their documentation live here; [`super::usage`]
//! computes them.
//!
//! Durations are seconds as JSON numbers with at most three decimals: they are summed as
//! integer milliseconds and converted once, so they are exact to the millisecond and a
//! total never drifts from the sum of its spans.
//!
//! ```json
//! {
//!   "schema": 1,
//!   "from": "2024-03-30",
//!   "to": "2024-03-31",
//!   "dayStartHour": 4,
//!   "days": [
//!     {
//!       "date": "2024-03-30",
//!       "activeSeconds": 5400.0,
//!       "targetSeconds": 1830.5,
//!       "targets": [
//!         { "platform": "youtube", "category": "video", "seconds": 1800.0, "sessions": 1, "checks": 0 },
//!         { "platform": "instagram", "category": "social", "seconds": 30.5, "sessions": 2, "checks": 1 }
//!       ],
//!       "categories": [
//!         { "category": "video", "seconds": 1800.0 },
//!         { "category": "social", "seconds": 30.5 }
//!       ]
//!     },
//!     { "date": "2024-03-31", "activeSeconds": 0.0, "targetSeconds": 0.0, "targets": [], "categories": [] }
//!   ],
//!   "total": {
//!     "activeSeconds": 5400.0,
//!     "targetSeconds": 1830.5,
//!     "targets": [ "…as in a day…" ],
//!     "categories": [ "…as in a day…" ]
//!   }
//! }
//! ```

use crate::model::Category;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The version of the report's JSON shape. Bumped on any change a reader could notice
/// (a renamed, removed or re-meant field); adding a field does not bump it.
pub const REPORT_SCHEMA: u32 = 1;

/// Usage per local day over an inclusive range of days, and over the whole range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Report {
    /// [`REPORT_SCHEMA`] at the time of writing.
    pub schema: u32,
    /// The first local day, `"YYYY-MM-DD"`.
    pub from: NaiveDate,
    /// The last local day, inclusive, `"YYYY-MM-DD"`.
    pub to: NaiveDate,
    /// The hour (0–23, local time) at which each day starts: with 4, 01:00 on the 2nd
    /// belongs to the 1st.
    pub day_start_hour: u8,
    /// One entry per local day from `from` to `to`, in order, including days without data.
    pub days: Vec<DayUsage>,
    /// The whole range: the sums of `days`. Sessions and checks are counted once each, on
    /// the day they started.
    pub total: Usage,
}

/// Usage on one local day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DayUsage {
    /// The local day, `"YYYY-MM-DD"`.
    pub date: NaiveDate,
    /// The day's figures, as fields of this object.
    #[serde(flatten)]
    pub usage: Usage,
}

/// Usage over a day or a range of days.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Usage {
    /// All recorded time, on targets or not: the time the user was present at the
    /// computer. Spans are split at day edges, so each day gets only its own part.
    pub active_seconds: f64,
    /// Time on tracked targets: the sum of `targets[].seconds` (and of
    /// `categories[].seconds`).
    pub target_seconds: f64,
    /// Every target with time or a session here, by `seconds` descending, then `platform`.
    pub targets: Vec<TargetUsage>,
    /// Time per category with any time here, by `seconds` descending, then category name.
    pub categories: Vec<CategoryUsage>,
}

/// One target's usage over a day or a range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TargetUsage {
    /// The platform id, e.g. `"youtube"`.
    pub platform: String,
    /// The platform's category: `"social"`, `"video"` or `"messaging"`.
    pub category: Category,
    /// Time on the target, split at day edges.
    pub seconds: f64,
    /// Sessions that started here. A session is a run of the target's spans whose gaps are
    /// each shorter than the session gap (default 60 s); a gap of exactly the session gap
    /// starts a new session. A session is counted only on its start day, even when its
    /// time runs into the next day.
    pub sessions: u32,
    /// How many of those sessions were checks: shorter than the check limit (default 30 s)
    /// of time on the target (gaps inside a session don't count toward its length).
    pub checks: u32,
}

/// One category's time over a day or a range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CategoryUsage {
    pub category: Category,
    /// Time on targets of this category.
    pub seconds: f64,
}

/// Milliseconds as seconds with at most three decimals. Exact: an integer count of
/// milliseconds below 2^53 divided by 1000 is the double nearest the decimal, and JSON
/// printing picks the shortest digits that read back to it.
pub(crate) fn seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_print_exactly_to_the_millisecond() {
        let v = serde_json::to_string(&[seconds(1234), seconds(30_500), seconds(31_536_000_001), seconds(0)]).unwrap();
        assert_eq!(v, "[1.234,30.5,31536000.001,0.0]");
    }

    #[test]
    fn report_json_has_the_documented_shape_and_reads_back() {
        let day = |d| NaiveDate::from_ymd_opt(2024, 3, d).unwrap();
        let usage = Usage {
            active_seconds: 5400.0,
            target_seconds: 30.5,
            targets: vec![TargetUsage {
                platform: "instagram".into(),
                category: Category::Social,
                seconds: 30.5,
                sessions: 2,
                checks: 1,
            }],
            categories: vec![CategoryUsage { category: Category::Social, seconds: 30.5 }],
        };
        let report = Report {
            schema: REPORT_SCHEMA,
            from: day(30),
            to: day(31),
            day_start_hour: 4,
            days: vec![
                DayUsage { date: day(30), usage: usage.clone() },
                DayUsage { date: day(31), usage: Usage::default() },
            ],
            total: usage,
        };
        let json = serde_json::to_value(&report).unwrap();
        let expected = serde_json::json!({
            "schema": 1, "from": "2024-03-30", "to": "2024-03-31", "dayStartHour": 4,
            "days": [
                { "date": "2024-03-30", "activeSeconds": 5400.0, "targetSeconds": 30.5,
                  "targets": [{ "platform": "instagram", "category": "social", "seconds": 30.5, "sessions": 2, "checks": 1 }],
                  "categories": [{ "category": "social", "seconds": 30.5 }] },
                { "date": "2024-03-31", "activeSeconds": 0.0, "targetSeconds": 0.0, "targets": [], "categories": [] }
            ],
            "total": { "activeSeconds": 5400.0, "targetSeconds": 30.5,
                  "targets": [{ "platform": "instagram", "category": "social", "seconds": 30.5, "sessions": 2, "checks": 1 }],
                  "categories": [{ "category": "social", "seconds": 30.5 }] }
        });
        assert_eq!(json, expected);
        let back: Report = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }
}
