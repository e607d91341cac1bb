//! The title policy, applied where a window becomes a stored window. Every path that writes
//! windows (the tracker, imports, reclassification) goes through [`stored_window`], so the
//! policy holds everywhere.

use crate::classify::Verdict;
use crate::model::{StoredWindow, Window};
use crate::settings::TitlePolicy;

/// Whether a title may be kept under `policy` for a window with this verdict.
pub fn keeps_title(policy: TitlePolicy, verdict: &Verdict) -> bool {
    if verdict.private {
        return false;
    }
    match policy {
        TitlePolicy::All => true,
        TitlePolicy::Targets => verdict.platform.is_some(),
        TitlePolicy::None => false,
    }
}

/// The window as it may be stored: classification attached, title and url dropped unless
/// the policy keeps them (a url is as revealing as a title, so it follows the same rule).
pub fn stored_window(window: &Window, verdict: Verdict, policy: TitlePolicy) -> StoredWindow {
    let keep = keeps_title(policy, &verdict);
    StoredWindow {
        app: window.app.clone(),
        exe: window.exe.clone().unwrap_or_default(),
        title: (keep && !window.title.is_empty()).then(|| window.title.clone()),
        url: if keep { window.url.clone() } else { None },
        platform: verdict.platform,
        category: verdict.category,
        rule: verdict.rule,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;

    fn window(title: &str) -> Window {
        Window {
            app: "firefox".into(),
            title: title.into(),
            url: Some("https://example.org/".into()),
            ..Window::default()
        }
    }

    fn target() -> Verdict {
        Verdict {
            platform: Some("x".into()),
            category: Some(Category::Social),
            rule: Some("x.title".into()),
            ..Verdict::default()
        }
    }

    #[test]
    fn targets_policy_keeps_only_target_titles() {
        let w = window("Home / X — Mozilla Firefox");
        assert!(stored_window(&w, target(), TitlePolicy::Targets).title.is_some());
        let other = stored_window(&w, Verdict::default(), TitlePolicy::Targets);
        assert_eq!(other.title, None);
        assert_eq!(other.url, None);
    }

    #[test]
    fn none_policy_keeps_nothing_and_all_keeps_everything() {
        let w = window("Bank statement — Mozilla Firefox");
        assert_eq!(stored_window(&w, target(), TitlePolicy::None).title, None);
        assert!(stored_window(&w, Verdict::default(), TitlePolicy::All).title.is_some());
    }

    #[test]
    fn private_windows_never_keep_titles() {
        let w = window("Home / X — Mozilla Firefox Private Browsing");
        let v = Verdict { private: true, ..target() };
        let s = stored_window(&w, v, TitlePolicy::All);
        assert_eq!(s.title, None);
        assert_eq!(s.platform.as_deref(), Some("x"), "still classified");
    }
}
