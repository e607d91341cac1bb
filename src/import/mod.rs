//! Bringing history recorded by other trackers into the store. Each source format has its
//! own module that reads it and turns its records into time in windows; how that time
//! meets what is already stored (the overlap policy, one transaction per import) is the
//! store's ([`crate::store::Importer`]), and classification and the title policy are the
//! same as for tracked time. Nothing here prints: the summary is returned.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

pub mod activitywatch;

/// Why an event was not imported. The names are stable: `mast import --json` prints them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SkipReason {
    /// Not a JSON object.
    NotAnObject,
    /// `timestamp` missing or not an RFC 3339 time.
    BadTimestamp,
    /// Before 2000 or after a day from now.
    OutOfRange,
    /// `duration` missing, not a number, negative, not finite, or longer than a week.
    BadDuration,
    /// `duration` is `NaN`, `Infinity` or `-Infinity`, which Python's `json` writes.
    NotANumber,
    /// `data` missing or not an object, or its fields of the wrong type.
    BadData,
    /// Lasted no time at all.
    ZeroDuration,
    /// The app is one the settings exclude from tracking.
    ExcludedApp,
    /// All of its time the user was away (the AFK watcher said so).
    Afk,
    /// All of its time was covered by events earlier in the same file.
    Overlap,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NotAnObject => "notAnObject",
            SkipReason::BadTimestamp => "badTimestamp",
            SkipReason::OutOfRange => "outOfRange",
            SkipReason::BadDuration => "badDuration",
            SkipReason::NotANumber => "notANumber",
            SkipReason::BadData => "badData",
            SkipReason::ZeroDuration => "zeroDuration",
            SkipReason::ExcludedApp => "excludedApp",
            SkipReason::Afk => "afk",
            SkipReason::Overlap => "overlap",
        }
    }

    /// For people: what the count means.
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::NotAnObject => "not a JSON object",
            SkipReason::BadTimestamp => "missing or invalid timestamp",
            SkipReason::OutOfRange => "timestamp before 2000 or in the future",
            SkipReason::BadDuration => "missing, negative, invalid or huge duration",
            SkipReason::NotANumber => "duration is not a number (NaN or Infinity)",
            SkipReason::BadData => "missing or invalid data (app, title, status, url)",
            SkipReason::ZeroDuration => "zero duration",
            SkipReason::ExcludedApp => "app excluded in the settings",
            SkipReason::Afk => "entirely while away from the computer",
            SkipReason::Overlap => "entirely overlapped by earlier events in the file",
        }
    }
}

/// What an import did. Events are ActivityWatch's records; spans are what was stored
/// (one event can become several spans when away time or stored spans cut it).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Buckets by what Mast made of them: window, afk, web, and other (ignored) buckets.
    pub buckets: BucketCounts,
    /// Window events that added time.
    pub imported_events: u64,
    pub imported_spans: u64,
    pub imported_seconds: f64,
    /// Window events whose time was all stored already (an earlier import of the same
    /// file, or time Mast tracked itself).
    pub already_present: u64,
    /// Events not imported, by reason (window, afk and web events alike).
    pub skipped: BTreeMap<SkipReason, u64>,
    /// Window time cut away because the user was away.
    pub afk_seconds: f64,
    /// Window time cut away because stored spans or earlier events covered it.
    pub overlap_seconds: f64,
    /// Events in buckets Mast does not read (editor, input watchers …).
    pub ignored_events: u64,
    /// Texts holding undecodable characters (a lone UTF-16 surrogate, which Python's
    /// `json` writes for bytes it could not decode), imported with U+FFFD in their place.
    pub repaired_texts: u64,
    /// The imported time: start of the first, end of the last span written.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketCounts {
    pub window: u64,
    pub afk: u64,
    pub web: u64,
    pub other: u64,
}

impl Summary {
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    pub(crate) fn skip(&mut self, reason: SkipReason) {
        *self.skipped.entry(reason).or_default() += 1;
    }
}

/// How far an import is: which pass over the file, and its bytes read so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub pass: u8,
    pub passes: u8,
    pub bytes: u64,
}
