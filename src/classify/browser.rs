//! Turning a browser window's title back into the page's title: removing the browser's
//! suffix (`… — Mozilla Firefox`), the profile and private-window markers around it,
//! Edge's tab count and the site's unread-count prefix. Which browser a window belongs to
//! and what the page title matches are decided in `mod.rs`.

use super::file::BrowserDef;
use super::pattern::{has_suffix, Glob};

/// One browser's title conventions, ready to strip titles.
#[derive(Clone, Debug)]
pub(super) struct BrowserTitles {
    pub id: Box<str>,
    pub name: Box<str>,
    separator: Box<str>,
    brands: Box<[Box<str>]>,
    /// `separator + brand` for each brand: what a titled window ends with.
    suffixes: Box<[Box<str>]>,
    markers: Box<[Box<str>]>,
    profile_segment: bool,
    profile_names: Box<[Glob]>,
}

/// A title with the browser's decoration removed.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Page<'t> {
    /// The page title as the site set it (perhaps with the profile segment, see
    /// [`BrowserTitles::without_profile`]).
    pub text: &'t str,
    /// What was cut off the end; empty when the browser adds nothing (GNOME Web) or the
    /// title carried no known suffix.
    pub removed: &'t str,
    /// Whether a known suffix was found (always true for browsers without brands).
    pub recognised: bool,
    /// The private-window marker found, e.g. `Private Browsing`.
    pub private: Option<&'t str>,
}

impl BrowserTitles {
    pub(super) fn new(def: &BrowserDef) -> BrowserTitles {
        BrowserTitles {
            id: def.id.as_str().into(),
            name: def.name.as_str().into(),
            separator: def.separator.as_str().into(),
            brands: def.brands.iter().map(|b| b.as_str().into()).collect(),
            suffixes: def.brands.iter().map(|b| format!("{}{b}", def.separator).into()).collect(),
            markers: def.private_markers.iter().map(|m| m.as_str().into()).collect(),
            profile_segment: def.profile_segment,
            profile_names: def.profile_names.iter().map(|n| Glob::new(n)).collect(),
        }
    }

    pub(super) fn has_brands(&self) -> bool {
        !self.brands.is_empty()
    }

    /// Splits `title` into the page title and the browser's decoration.
    ///
    /// ```text
    ///  "(3) Home / X — Mozilla Firefox Private Browsing"
    ///   └─ page ──────┘└─ suffix ──────┘└─ tail ─────┘   tail: nothing, "(Incognito)",
    ///                                                      " - <profile>", " <marker>"
    ///  "Video - YouTube - InPrivate - Microsoft​ Edge"
    ///   └─ page ───────┘└ marker ──┘└─ suffix ──────┘    a marker may also precede it
    /// ```
    ///
    /// The *last* occurrence of the suffix is the browser's: a page may mention the
    /// browser ("Google Chrome - Wikipedia - Google Chrome").
    pub(super) fn page<'t>(&self, title: &'t str) -> Page<'t> {
        if self.brands.is_empty() {
            return Page { text: title, removed: "", recognised: true, private: None };
        }
        let mut best: Option<(usize, usize)> = None;
        // The usual case, a suffix at the very end, needs no search.
        for s in self.suffixes.iter() {
            if has_suffix(title.as_bytes(), s.as_bytes()) {
                best = Some((title.len() - s.len(), title.len()));
                break;
            }
        }
        let at_end = best.is_some();
        for s in self.suffixes.iter().filter(|_| !at_end) {
            if let Some(i) = title.rfind(&**s) {
                let end = i + s.len();
                let later = best.is_none_or(|(bi, bend)| i > bi || (i == bi && end > bend));
                if later && self.tail_ok(&title[end..]) {
                    best = Some((i, end));
                }
            }
        }
        let (mut page_end, private) = match best {
            Some((i, end)) => (i, self.marker_in(&title[end..])),
            None => {
                // A window without a page title shows only the browser's name.
                let whole =
                    self.brands.iter().find(|b| title.strip_prefix(&***b).is_some_and(|tail| self.tail_ok(tail)));
                match whole {
                    Some(b) => (0, self.marker_in(&title[b.len()..])),
                    None => return Page { text: title, removed: "", recognised: false, private: None },
                }
            }
        };
        let mut private = private;
        // A marker as the last segment before the suffix: "Page - InPrivate - Microsoft Edge".
        let page = &title[..page_end];
        for m in self.markers.iter().filter(|m| has_suffix(page.as_bytes(), m.as_bytes())) {
            if page == &**m {
                page_end = 0;
                private = Some(&title[..m.len()]);
                break;
            }
            if let Some(rest) = page.strip_suffix(&**m).and_then(|r| r.strip_suffix(&*self.separator)) {
                page_end = rest.len();
                private = Some(&page[page.len() - m.len()..]);
                break;
            }
        }
        Page { text: &title[..page_end], removed: &title[page_end..], recognised: true, private }
    }

    /// What may follow the browser's name: nothing, a parenthetical such as
    /// `(Incognito)` or `(Guest)`, a profile name after the separator (Chrome with
    /// several profiles), or a marker after a space (`Mozilla Firefox Private Browsing`).
    fn tail_ok(&self, tail: &str) -> bool {
        tail.is_empty()
            || (tail.starts_with(" (") && tail.ends_with(')'))
            || tail.starts_with(&*self.separator)
            || tail.strip_prefix(' ').is_some_and(|t| self.markers.iter().any(|m| &**m == t))
    }

    fn marker_in<'t>(&self, tail: &'t str) -> Option<&'t str> {
        self.markers.iter().find_map(|m| tail.find(&**m).map(|i| &tail[i..i + m.len()]))
    }

    /// For browsers that put the profile between page and suffix (Edge: "Page -
    /// Personal - Microsoft​ Edge"): the page without its last segment, that segment,
    /// and whether it is one of the known profile names. Tried only when the whole page
    /// matched nothing, because the page itself may end in a separator ("Video - YouTube").
    pub(super) fn without_profile<'t>(&self, page: &'t str) -> Option<(&'t str, &'t str, bool)> {
        if !self.profile_segment || self.separator.is_empty() {
            return None;
        }
        let i = page.rfind(&*self.separator).filter(|&i| i > 0)?;
        let name = &page[i + self.separator.len()..];
        let known = self.profile_names.iter().any(|g| g.matches(name));
        Some((&page[..i], &page[i..], known))
    }
}

/// Removes Edge's " and 3 more pages" tab count from the end of a page title. Harmless
/// for other browsers: a site title ending that way is not a platform's.
pub(super) fn strip_more_pages(page: &str) -> (&str, &str) {
    let Some(rest) = page.strip_suffix(" more pages").or_else(|| page.strip_suffix(" more page")) else {
        return (page, "");
    };
    let without_digits = rest.trim_end_matches(|c: char| c.is_ascii_digit());
    if without_digits.len() == rest.len() {
        return (page, "");
    }
    match without_digits.strip_suffix(" and ") {
        Some(r) if !r.is_empty() => (r, &page[r.len()..]),
        _ => (page, ""),
    }
}

/// Removes an unread-count prefix such as "(3) " or "(99+) ", which sites put before
/// their own title to draw the eye back to the tab.
pub(super) fn strip_count(page: &str) -> (&str, &str) {
    let Some(rest) = page.strip_prefix('(') else {
        return (page, "");
    };
    let digits = rest.bytes().take_while(|b| b.is_ascii_digit() || *b == b',').count();
    if digits == 0 || !rest.as_bytes()[0].is_ascii_digit() {
        return (page, "");
    }
    let rest = &rest[digits..];
    let rest = rest.strip_prefix('+').unwrap_or(rest);
    match rest.strip_prefix(") ") {
        Some(r) if !r.is_empty() => (r, &page[..page.len() - r.len()]),
        _ => (page, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(sep: &str, brands: &[&str], markers: &[&str], profile: bool) -> BrowserTitles {
        BrowserTitles::new(&BrowserDef {
            id: "b".into(),
            name: "B".into(),
            apps: vec!["b".into()],
            separator: sep.into(),
            brands: brands.iter().map(|s| s.to_string()).collect(),
            private_markers: markers.iter().map(|s| s.to_string()).collect(),
            profile_segment: profile,
            profile_names: vec!["Personal".into()],
        })
    }

    #[test]
    fn firefox_suffix_and_private_tail() {
        let b = def(" — ", &["Mozilla Firefox"], &["Private Browsing"], false);
        let p = b.page("Home / X — Mozilla Firefox");
        assert_eq!((p.text, p.removed, p.private), ("Home / X", " — Mozilla Firefox", None));
        let p = b.page("Home / X — Mozilla Firefox Private Browsing");
        assert_eq!((p.text, p.private), ("Home / X", Some("Private Browsing")));
        let p = b.page("Mozilla Firefox Private Browsing");
        assert_eq!((p.text, p.private), ("", Some("Private Browsing")));
        let p = b.page("Home / X — Private Browsing — Mozilla Firefox");
        assert_eq!((p.text, p.private), ("Home / X", Some("Private Browsing")));
        let p = b.page("Library");
        assert!(!p.recognised);
        assert_eq!(p.text, "Library");
    }

    #[test]
    fn chrome_profiles_and_incognito_follow_the_brand() {
        let b = def(" - ", &["Google Chrome"], &["Incognito"], false);
        assert_eq!(b.page("Lofi - YouTube - Google Chrome - Work").text, "Lofi - YouTube");
        let p = b.page("Lofi - YouTube - Google Chrome (Incognito)");
        assert_eq!((p.text, p.private), ("Lofi - YouTube", Some("Incognito")));
        let p = b.page("Lofi - YouTube - Incognito - Google Chrome");
        assert_eq!((p.text, p.private), ("Lofi - YouTube", Some("Incognito")));
        assert_eq!(b.page("Google Chrome - Wikipedia - Google Chrome").text, "Google Chrome - Wikipedia");
        assert_eq!(b.page("A - Google Chrome (Guest)").private, None);
    }

    #[test]
    fn edge_profile_segment_is_split_off_on_request() {
        let b = def(" - ", &["Microsoft\u{200B} Edge", "Microsoft Edge"], &["InPrivate"], true);
        let p = b.page("Video - YouTube - Personal - Microsoft\u{200B} Edge");
        assert_eq!(p.text, "Video - YouTube - Personal");
        assert_eq!(b.without_profile(p.text), Some(("Video - YouTube", " - Personal", true)));
        assert_eq!(b.without_profile("YouTube - Wikipedia"), Some(("YouTube", " - Wikipedia", false)));
        let p = b.page("Video - YouTube - InPrivate - Microsoft Edge");
        assert_eq!((p.text, p.private), ("Video - YouTube", Some("InPrivate")));
        let p = b.page("InPrivate - Microsoft Edge");
        assert_eq!((p.text, p.private), ("", Some("InPrivate")));
        assert_eq!(b.page("Search - Bing - Microsoft Edge (InPrivate)").private, Some("InPrivate"));
    }

    #[test]
    fn more_pages_and_counts() {
        assert_eq!(strip_more_pages("Home / X and 10 more pages"), ("Home / X", " and 10 more pages"));
        assert_eq!(strip_more_pages("Home / X and 1 more page"), ("Home / X", " and 1 more page"));
        assert_eq!(strip_more_pages("and 3 more pages"), ("and 3 more pages", ""));
        assert_eq!(strip_more_pages("Fifty and more pages"), ("Fifty and more pages", ""));
        assert_eq!(strip_count("(3) Home / X"), ("Home / X", "(3) "));
        assert_eq!(strip_count("(99+) Facebook"), ("Facebook", "(99+) "));
        assert_eq!(strip_count("(1,234) Inbox"), ("Inbox", "(1,234) "));
        assert_eq!(strip_count("(a) Home"), ("(a) Home", ""));
        assert_eq!(strip_count("(3) "), ("(3) ", ""));
        assert_eq!(strip_count("(3)Home"), ("(3)Home", ""));
    }
}
