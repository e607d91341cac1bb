//! Classification: which platform (target) and category a window belongs to. (Being written.)

use crate::model::Category;
use serde::Serialize;

/// A window as classification sees it.
#[derive(Clone, Copy, Debug)]
pub struct WindowRef<'a> {
    pub app: &'a str,
    pub exe: Option<&'a str>,
    pub title: &'a str,
    pub url: Option<&'a str>,
}

/// The outcome of classifying one window.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub platform: Option<String>,
    pub category: Option<Category>,
    /// The id of the matching rule, e.g. `youtube.title`.
    pub rule: Option<String>,
    /// A private/incognito browser window: its title is never kept.
    pub private: bool,
    /// The browser the window belongs to, when it is one.
    pub browser: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Rules {}

impl Rules {
    pub fn builtin() -> Rules {
        Rules {}
    }

    pub fn classify(&self, _w: WindowRef<'_>) -> Verdict {
        Verdict::default()
    }

    /// A stable fingerprint of the rules, stored with the data so that a change of rules
    /// triggers reclassification of history.
    pub fn fingerprint(&self) -> String {
        String::new()
    }
}
