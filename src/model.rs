//! The domain nouns shared by every stage: what a sensor observes, what a span is, and the
//! categories a target belongs to. No behaviour beyond small conversions lives here.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An instant as UTC epoch milliseconds: the one representation stored and compared.
pub type Millis = i64;

/// The window in front, as a sensor saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Window {
    /// The application id: WM_CLASS class on X11, the process name elsewhere.
    pub app: String,
    /// The executable's file name (no directory), when the process could be found.
    pub exe: Option<String>,
    pub title: String,
    /// The page's address, when a source knows it (imports, browser integrations).
    pub url: Option<String>,
    pub pid: Option<u32>,
}

/// One poll of a sensor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observation {
    /// `None` when no window has the focus (an empty desktop, a locked screen).
    pub window: Option<Window>,
    /// Milliseconds since the user last touched keyboard or mouse.
    pub idle_ms: u64,
}

/// What kind of engagement a target sells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Category {
    Social,
    Video,
    Messaging,
}

impl Category {
    pub const ALL: [Category; 3] = [Category::Social, Category::Video, Category::Messaging];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Social => "social",
            Category::Video => "video",
            Category::Messaging => "messaging",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A window as it is stored: after classification and the title policy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct StoredWindow {
    pub app: String,
    pub exe: String,
    /// `None` when the title policy (or a private window) kept it out of the store.
    pub title: Option<String>,
    pub url: Option<String>,
    /// The platform id (`instagram`, `youtube` …) when the window is a tracked target.
    pub platform: Option<String>,
    pub category: Option<Category>,
    /// The id of the rule that matched, for `mast rules test` and audits.
    pub rule: Option<String>,
}

/// A maximal stretch in which the same stored window was in front and the user present.
///
/// `utc_offset_min` is the offset of the user's zone at `start_ms`; the tracker cuts a span
/// when the offset changes, so one offset holds for the whole span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub start_ms: Millis,
    pub end_ms: Millis,
    pub utc_offset_min: i32,
    pub window: StoredWindow,
}

impl Span {
    pub fn duration_ms(&self) -> i64 {
        self.end_ms - self.start_ms
    }
}
