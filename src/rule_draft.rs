//! A platform rule the user is writing, tried against the windows of the last days before it
//! is saved: which of them it would match and what their platform would become. The rule
//! has the shape of a `[[platform]]` entry of the rules file (see `rules/default.toml`), and
//! it is checked by the same parser and merged over the same user file as a saved one, so
//! the trial shows exactly what saving would do.
//!
//! This module owns the draft's shape, its trial and appending it to the rules file. It
//! does not match windows itself (`classify` does), nor decide what the store keeps
//! (`privacy`): the windows come from the store as stored, so a title the title policy
//! dropped is absent here too.

use crate::classify::{Rules, WindowRef};
use crate::model::{Category, Millis};
use crate::store::Store;
use crate::{Error, Result};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// How far back the trial looks.
pub const RECENT_DAYS: i64 = 7;

/// At most this many windows are tried, those with the most time first: enough to see what
/// a rule catches, few enough to show in a table.
pub const RECENT_WINDOWS: usize = 200;

const MS_PER_DAY: i64 = 86_400_000;

/// A platform rule as the rules file writes it: `[[platform]]` with an id, a category and
/// patterns for apps (WM_CLASS class or executable), page titles and urls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RuleDraft {
    /// The platform id, e.g. `"lemmy"`; a built-in's id replaces that built-in.
    pub id: String,
    /// The name to show; the id when `null` or empty.
    pub name: Option<String>,
    pub category: Category,
    #[serde(default)]
    pub apps: Vec<String>,
    #[serde(default)]
    pub titles: Vec<String>,
    #[serde(default)]
    pub urls: Vec<String>,
}

/// The draft as the rules file spells it.
#[derive(Serialize)]
struct FileEntry<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    category: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    apps: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    titles: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    urls: &'a [String],
}

#[derive(Serialize)]
struct FileText<'a> {
    platform: [FileEntry<'a>; 1],
}

impl RuleDraft {
    /// The `[[platform]]` entry, as TOML.
    pub fn to_toml(&self) -> Result<String> {
        let entry = FileEntry {
            id: self.id.trim(),
            name: self.name.as_deref().map(str::trim).filter(|n| !n.is_empty()),
            category: self.category.as_str(),
            apps: &self.apps,
            titles: &self.titles,
            urls: &self.urls,
        };
        toml::to_string(&FileText { platform: [entry] })
            .map_err(|e| Error::Invalid(format!("the rule cannot be written as TOML: {e}")))
    }

    /// The rules as they would be with this draft added to the user's rules file (`None`
    /// when there is none), and the file's new text.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] with the rules parser's message when the draft alone is not a
    /// valid rule (no patterns, a bad id or pattern); [`Error::Rules`] when it clashes with
    /// the user's file (the id is defined there already).
    pub fn rules_with(&self, user_file: Option<(&Path, &str)>) -> Result<(Rules, String)> {
        let entry = self.to_toml()?;
        // Checked alone first, so that its errors speak of the rule and not of a file.
        Rules::load(Some((Path::new("the new rule"), &entry))).map_err(|e| match e {
            Error::Rules { message, .. } => Error::Invalid(message),
            e => e,
        })?;
        let (path, old) = user_file.unwrap_or((Path::new("rules.toml"), ""));
        let text =
            if old.is_empty() || old.ends_with('\n') { format!("{old}\n{entry}") } else { format!("{old}\n\n{entry}") };
        let text = text.trim_start_matches('\n').to_string();
        Ok((Rules::load(Some((path, &text)))?, text))
    }
}

/// A window seen in the last days, as stored.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RecentWindow {
    /// The WM_CLASS class (or process name).
    pub app: String,
    /// The executable file name; `null` when unknown.
    pub exe: Option<String>,
    /// The title as the store kept it; `null` when the title policy (or a private window)
    /// kept it out.
    pub title: Option<String>,
    pub url: Option<String>,
    /// The platform it counts toward now; `null` when it is no tracked target.
    pub platform: Option<String>,
    /// Time in front in the period.
    pub seconds: f64,
    /// When it was last in front, UTC epoch milliseconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub last_seen_ms: Millis,
}

/// A recent window the draft matches.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RuleMatch {
    pub window: RecentWindow,
    /// The platform it would count toward with the draft saved.
    pub platform: String,
    /// The id of the draft's pattern that matched, e.g. `"lemmy.title"`.
    pub rule: String,
}

/// What the draft would do to the recent windows.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RuleTrial {
    /// The draft as it would be written to the rules file.
    pub toml: String,
    /// How many recent windows were tried (at most [`RECENT_WINDOWS`]).
    pub tried: u32,
    /// The days looked back over.
    pub days: u32,
    /// The windows the draft matches, most time first.
    pub matches: Vec<RuleMatch>,
}

impl Store {
    /// The distinct windows in front in `[from_ms, to_ms)` (by span start), with their time
    /// and when they were last seen, most time first, at most `limit`.
    #[tracing::instrument(skip_all, err)]
    pub fn recent_windows(&self, from_ms: Millis, to_ms: Millis, limit: usize) -> Result<Vec<RecentWindow>> {
        let mut st = self.conn().prepare_cached(
            "SELECT a.class, a.exe, t.text, u.text, w.platform, sum(s.dur_ms) AS ms, max(s.start_ms + s.dur_ms)
             FROM spans s JOIN windows w ON w.id = s.window_id JOIN apps a ON a.id = w.app_id
             LEFT JOIN titles t ON t.id = w.title_id LEFT JOIN urls u ON u.id = w.url_id
             WHERE s.start_ms >= ?1 AND s.start_ms < ?2
             GROUP BY s.window_id ORDER BY ms DESC, s.window_id LIMIT ?3",
        )?;
        let rows = st.query_map(params![from_ms, to_ms, limit as i64], |r| {
            let exe: String = r.get(1)?;
            Ok(RecentWindow {
                app: r.get(0)?,
                exe: (!exe.is_empty()).then_some(exe),
                title: r.get(2)?,
                url: r.get(3)?,
                platform: r.get(4)?,
                seconds: r.get::<_, i64>(5)? as f64 / 1000.0,
                last_seen_ms: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Tries `draft`, added to the user's rules file at `rules_file` (which need not exist), on
/// the windows of the [`RECENT_DAYS`] days before `now_ms`.
pub fn try_rule(store: &Store, rules_file: &Path, draft: &RuleDraft, now_ms: Millis) -> Result<RuleTrial> {
    let old = read_if_there(rules_file)?;
    let (rules, _) = draft.rules_with(old.as_deref().map(|t| (rules_file, t)))?;
    let windows = store.recent_windows(now_ms - RECENT_DAYS * MS_PER_DAY, now_ms.saturating_add(1), RECENT_WINDOWS)?;
    Ok(trial(&rules, draft, windows))
}

/// Which of `windows` the draft's patterns in `rules` match. A window matches when the
/// pattern that decides it is one of the draft's: a built-in that comes first still wins,
/// as it would after saving.
fn trial(rules: &Rules, draft: &RuleDraft, windows: Vec<RecentWindow>) -> RuleTrial {
    let prefix = format!("{}.", draft.id.trim());
    let tried = windows.len() as u32;
    let matches = windows
        .into_iter()
        .filter_map(|w| {
            let v = rules.classify(WindowRef {
                app: &w.app,
                exe: w.exe.as_deref(),
                title: w.title.as_deref().unwrap_or(""),
                url: w.url.as_deref(),
            });
            let rule = v.rule.filter(|r| r.starts_with(&prefix))?;
            Some(RuleMatch { platform: v.platform.unwrap_or_else(|| draft.id.clone()), rule, window: w })
        })
        .collect();
    RuleTrial { toml: draft.to_toml().unwrap_or_default(), tried, days: RECENT_DAYS as u32, matches }
}

/// Appends `draft` to the user's rules file at `path` (creating it), after checking that
/// the file with it is valid. Returns the new rules.
#[tracing::instrument(skip_all, err)]
pub fn save_rule(path: &Path, draft: &RuleDraft) -> Result<Rules> {
    let old = read_if_there(path)?;
    let (rules, text) = draft.rules_with(old.as_deref().map(|t| (path, t)))?;
    // Written beside and renamed over, so that a crash never leaves half a rules file.
    crate::files::replace(path, text.as_bytes())?;
    Ok(rules)
}

/// A file's text; `None` when there is no file.
fn read_if_there(path: &Path) -> Result<Option<String>> {
    crate::files::read_text(path, crate::classify::MAX_RULES_FILE_BYTES as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Span, StoredWindow};
    use crate::settings::TitlePolicy;
    use crate::store::Classifier;

    const S: i64 = 1000;
    const NOW: Millis = 1_764_000_000_000;

    fn span(start_ms: Millis, secs: i64, app: &str, title: &str) -> Span {
        Span {
            start_ms,
            end_ms: start_ms + secs * S,
            utc_offset_min: 60,
            window: StoredWindow { app: app.into(), exe: app.into(), title: Some(title.into()), ..Default::default() },
        }
    }

    fn store(policy: TitlePolicy, spans: Vec<Span>) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let classifier = Classifier { rules: Rules::builtin(), policy };
        store.sync_classification(&classifier).unwrap();
        store.insert_observed(spans, &classifier).unwrap();
        store
    }

    fn draft(id: &str, titles: &[&str]) -> RuleDraft {
        RuleDraft {
            id: id.into(),
            name: None,
            category: Category::Social,
            apps: vec![],
            titles: titles.iter().map(|t| t.to_string()).collect(),
            urls: vec![],
        }
    }

    const LEMMY: &str = "Home - Lemmy — Mozilla Firefox";
    const EDITOR: &str = "notes.md - Code";

    fn demo_spans() -> Vec<Span> {
        let day = 86_400 * S;
        vec![
            span(NOW - 8 * day, 600, "firefox", "Old - Lemmy — Mozilla Firefox"), // too old
            span(NOW - 3 * day, 300, "firefox", LEMMY),
            span(NOW - 2 * day, 120, "firefox", LEMMY),
            span(NOW - day, 900, "code", EDITOR),
            span(NOW - 3_600 * S, 60, "firefox", "Instagram — Mozilla Firefox"),
        ]
    }

    #[test]
    fn recent_windows_are_distinct_recent_and_most_time_first() {
        let store = store(TitlePolicy::All, demo_spans());
        let w = store.recent_windows(NOW - RECENT_DAYS * 86_400 * S, NOW, 200).unwrap();
        let rows: Vec<_> = w.iter().map(|w| (w.title.as_deref(), w.seconds)).collect();
        assert_eq!(rows, [(Some(EDITOR), 900.0), (Some(LEMMY), 420.0), (Some("Instagram — Mozilla Firefox"), 60.0)]);
        assert_eq!(w[1].last_seen_ms, NOW - 2 * 86_400 * S + 120 * S);
        assert_eq!(w[2].platform.as_deref(), Some("instagram"));
        assert_eq!(store.recent_windows(NOW - 7 * 86_400 * S, NOW, 2).unwrap().len(), 2, "capped");
    }

    #[test]
    fn recent_windows_show_no_title_the_policy_dropped() {
        let store = store(TitlePolicy::Targets, demo_spans());
        let w = store.recent_windows(NOW - RECENT_DAYS * 86_400 * S, NOW, 200).unwrap();
        assert!(w.iter().all(|w| w.title.is_none() || w.platform.is_some()), "{w:?}");
        assert!(w.iter().any(|w| w.title.as_deref() == Some("Instagram — Mozilla Firefox")));
    }

    #[test]
    fn a_draft_matches_the_windows_it_would_classify() {
        let store = store(TitlePolicy::All, demo_spans());
        let trial =
            try_rule(&store, Path::new("/nonexistent/rules.toml"), &draft("lemmy", &["* - Lemmy"]), NOW).unwrap();
        assert_eq!(trial.tried, 3);
        assert_eq!(trial.matches.len(), 1);
        let m = &trial.matches[0];
        assert_eq!(
            (m.window.title.as_deref(), m.platform.as_str(), m.rule.as_str()),
            (Some(LEMMY), "lemmy", "lemmy.title")
        );
        assert_eq!(m.window.platform, None, "not a target before the rule");
        assert!(trial.toml.contains("[[platform]]") && trial.toml.contains("id = \"lemmy\""), "{}", trial.toml);

        // Titles are only matched in browsers: an editor's title never is.
        let trial =
            try_rule(&store, Path::new("/nonexistent/rules.toml"), &draft("notes", &["*.md - Code"]), NOW).unwrap();
        assert!(trial.matches.is_empty());

        // An app rule matches by class.
        let mut by_app = draft("coding", &[]);
        by_app.apps = vec!["code".into()];
        let trial = try_rule(&store, Path::new("/nonexistent/rules.toml"), &by_app, NOW).unwrap();
        assert_eq!(trial.matches.iter().map(|m| m.rule.as_str()).collect::<Vec<_>>(), ["coding.app"]);
    }

    #[test]
    fn an_invalid_draft_is_refused_with_the_parsers_message() {
        let store = store(TitlePolicy::All, demo_spans());
        let e = try_rule(&store, Path::new("/nonexistent/rules.toml"), &draft("lemmy", &[]), NOW).unwrap_err();
        assert_eq!(e.code(), "invalid");
        assert!(e.to_string().contains("has no apps, titles or urls"), "{e}");
        let e = try_rule(&store, Path::new("/nonexistent/rules.toml"), &draft("Bad Id", &["* - X"]), NOW).unwrap_err();
        assert!(e.to_string().contains("lowercase"), "{e}");
        let e = try_rule(&store, Path::new("/nonexistent/rules.toml"), &draft("x", &["*"]), NOW).unwrap_err();
        assert!(e.to_string().contains("matches every page"), "{e}");
    }

    #[test]
    fn saving_appends_to_the_users_file_and_clashes_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rules.toml");
        std::fs::write(&path, "disable = [\"reddit\"]").unwrap();
        let rules = save_rule(&path, &draft("lemmy", &["* - Lemmy"])).unwrap();
        assert!(rules.platforms().iter().any(|p| p.id == "lemmy"));
        assert!(!rules.platforms().iter().any(|p| p.id == "reddit"), "the file's own lines stay");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("disable = [\"reddit\"]\n\n[[platform]]"), "{text}");
        let e = save_rule(&path, &draft("lemmy", &["* - Toot"])).unwrap_err();
        assert_eq!(e.code(), "rules");
        assert!(e.to_string().contains("repeats the id"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "a refused rule leaves the file alone");
    }
}
