//! Classification: which platform (a target such as `instagram`) and category a window
//! belongs to, and why.
//!
//! This module owns the rules (the built-in `rules/default.toml` merged with the user's
//! overrides file), their validation and fingerprint, and the matching: desktop apps by
//! window class or executable, browser and web-app windows by page title, any window by
//! url. It does not read files (callers pass the override file's text), decide what is
//! stored (`privacy`), or reclassify history (`store`).
//!
//! A window is looked at in this order; the first step that decides, wins:
//!
//! 1. its class is a platform's desktop app (`discord`) → `<platform>.app`;
//! 2. its class is a browser's → strip the browser's title decoration, then url rules,
//!    then title rules on the page title;
//! 3. its class starts like a web app's (`crx_…`) → url rules, then title rules on the
//!    whole title (web-app windows carry no browser suffix);
//! 4. the same two lookups by executable name;
//! 5. anything else → url rules only. Titles of other windows are never matched against
//!    site patterns: an editor showing `facebook_api.py` is not Facebook.

mod browser;
mod file;
mod pattern;

pub use file::{
    MAX_ENTRIES as MAX_RULES_ENTRIES, MAX_FILE_BYTES as MAX_RULES_FILE_BYTES, MAX_PATTERNS as MAX_RULES_PATTERNS,
};
#[cfg(test)]
mod tests;

use crate::model::Category;
use crate::Result;
use browser::{strip_count, strip_more_pages, BrowserTitles};
use pattern::{parse_url, Glob, UrlPattern};
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// The built-in rules, embedded so that Mast classifies with no files on disk.
const DEFAULT_RULES: &str = include_str!("../../rules/default.toml");
const DEFAULT_RULES_PATH: &str = "rules/default.toml (built in)";

/// Part of the fingerprint: bump it when the matching code changes what the same rules
/// decide, so that history is reclassified.
const ENGINE_VERSION: &str = "mast-classify-2";

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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub platform: Option<String>,
    pub category: Option<Category>,
    /// The id of the matching rule, e.g. `youtube.title`, `discord.app`,
    /// `youtube.shorts.url`.
    pub rule: Option<String>,
    /// A private/incognito browser window: its title is never kept.
    pub private: bool,
    /// The id of the browser the window belongs to (`firefox`, `chrome` …), when it is one.
    /// Web-app windows (`crx_…`) have none: which browser runs them is not known.
    pub browser: Option<String>,
}

/// A verdict with the reasons for it, in order: what `mast rules test` shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    pub verdict: Verdict,
    pub steps: Vec<String>,
}

/// A platform the rules recognise, for listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Platform {
    pub id: String,
    pub name: String,
    pub category: Category,
    /// Other names people type for it (`ig`, `yt`, `twitter`).
    pub aliases: Vec<String>,
}

/// Compiled classification rules. Cheap to clone: the compiled form is shared.
#[derive(Clone)]
pub struct Rules {
    inner: Arc<Compiled>,
}

impl std::fmt::Debug for Rules {
    /// A summary: the compiled tables would flood any log that prints a `Rules`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rules")
            .field("platforms", &self.inner.platforms.len())
            .field("fingerprint", &self.inner.fingerprint)
            .finish_non_exhaustive()
    }
}

impl Default for Rules {
    /// The built-in rules: an empty rule set would silently track nothing.
    fn default() -> Rules {
        Rules::builtin()
    }
}

impl Rules {
    /// The built-in rules alone.
    pub fn builtin() -> Rules {
        static BUILTIN: OnceLock<Rules> = OnceLock::new();
        BUILTIN.get_or_init(|| Rules::compile(builtin_set())).clone()
    }

    /// The built-in rules merged with the user's overrides file (`(path, contents)`), which
    /// uses the same format plus `disable = ["id", …]`. See `rules/default.toml`.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Rules`] naming the file when it is not valid TOML (with toml's line
    /// and column), has an unknown field or category, an empty or match-everything
    /// pattern, a repeated id, or disables an id that is not built in; or when it is larger
    /// than [`MAX_RULES_FILE_BYTES`] or defines more than [`MAX_RULES_ENTRIES`] entries or
    /// [`MAX_RULES_PATTERNS`] patterns. The message names the entry and says how to fix it.
    pub fn load(user: Option<(&Path, &str)>) -> Result<Rules> {
        let Some((path, text)) = user else {
            return Ok(Rules::builtin());
        };
        let src = file::Source::new(path, text);
        let parsed = file::parse(&src)?;
        let set = file::merge(builtin_set().clone(), parsed, &src)?;
        let rules = Rules::compile(&set);
        tracing::debug!(path = %path.display(), fingerprint = %rules.fingerprint(), "loaded user rules");
        Ok(rules)
    }

    /// The built-in rules merged with the user's rules file at `path`, or the built-in
    /// rules alone when there is no such file. At most [`MAX_RULES_FILE_BYTES`] are read:
    /// a larger file is refused before it is read whole.
    ///
    /// # Errors
    ///
    /// As [`Rules::load`], and [`crate::Error::Rules`] for a file too large or not UTF-8;
    /// [`crate::Error::Io`] when it cannot be read.
    pub fn load_file(path: &Path) -> Result<Rules> {
        // Opened the one safe way (a FIFO is refused, never waited on); one byte more than
        // the cap is read, so a file over it is known without reading it whole.
        use std::io::Read;
        let Some(file) = crate::files::open(path)? else { return Ok(Rules::builtin()) };
        let mut bytes = Vec::new();
        file.take(MAX_RULES_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| crate::Error::io(path, e))?;
        if bytes.len() > MAX_RULES_FILE_BYTES {
            return Err(file::too_large(path));
        }
        let text = String::from_utf8(bytes).map_err(|e| crate::Error::Rules {
            path: path.to_path_buf(),
            message: format!("it is not UTF-8 text (byte {} is not); save it as UTF-8", e.utf8_error().valid_up_to()),
        })?;
        Rules::load(Some((path, &text)))
    }

    /// Which platform and category the window belongs to.
    #[must_use]
    pub fn classify(&self, w: WindowRef<'_>) -> Verdict {
        self.inner.run(w, &mut Trace(None))
    }

    /// The verdict and, in sentences, how it was reached.
    #[must_use]
    pub fn explain(&self, w: WindowRef<'_>) -> Explanation {
        let mut steps = Vec::new();
        let verdict = self.inner.run(w, &mut Trace(Some(&mut steps)));
        Explanation { verdict, steps }
    }

    /// The platforms the rules recognise, in precedence order.
    #[must_use]
    /// The platform a person means by `name`, as typed on any surface: its id (`instagram`),
    /// an alias (`ig`, `fb`, `yt`, `twitter`), its name (`YouTube`), or a web address of it
    /// (`twitter.com`, `https://m.facebook.com/`, matched by the url rules). Case does not
    /// matter. `None` when no platform is meant.
    pub fn resolve_platform(&self, name: &str) -> Option<&Platform> {
        let wanted = name.trim().to_lowercase();
        if wanted.is_empty() {
            return None;
        }
        let platforms = self.platforms();
        let found = platforms.iter().find(|p| p.id == wanted);
        let found = found.or_else(|| platforms.iter().find(|p| p.aliases.contains(&wanted)));
        let found = found.or_else(|| platforms.iter().find(|p| p.name.to_lowercase() == wanted));
        found.or_else(|| {
            if !wanted.contains('.') || wanted.contains(char::is_whitespace) {
                return None;
            }
            let url = if wanted.contains("://") { wanted.clone() } else { format!("https://{wanted}/") };
            let verdict = self.classify(WindowRef { app: "", exe: None, title: "", url: Some(&url) });
            let id = verdict.platform?;
            platforms.iter().find(|p| p.id == id)
        })
    }

    pub fn platforms(&self) -> &[Platform] {
        &self.inner.platforms
    }

    /// A stable fingerprint of the rules, stored with the data so that a change of rules
    /// triggers reclassification of history. Hex of FNV-1a 64 over the canonical form of
    /// the effective rules: the same rules give the same string in every process and
    /// version of Rust, unlike std's randomly seeded hasher.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        self.inner.fingerprint.clone()
    }

    fn compile(set: &file::RuleSet) -> Rules {
        Rules { inner: Arc::new(Compiled::new(set)) }
    }
}

/// The built-in file, parsed once. It is embedded and covered by tests, so a failure here
/// is a bug in this build, not something a user can fix: panicking says so loudly.
fn builtin_set() -> &'static file::RuleSet {
    static SET: OnceLock<file::RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let src = file::Source::new(Path::new(DEFAULT_RULES_PATH), DEFAULT_RULES);
        // Merging over nothing keeps the file's order and rejects a stray `disable`.
        match file::parse(&src) {
            Ok(parsed) => file::merge(file::RuleSet::default(), parsed, &src).unwrap_or_else(|e| panic!("{e}")),
            Err(e) => panic!("{e}"),
        }
    })
}

fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = Fnv::default();
    h.write(bytes);
    h.finish()
}

/// FNV-1a 64: simple, stable across processes and Rust versions (the fingerprint is
/// stored), and fast on short keys (the app-id map: SipHash's protection against crafted
/// keys buys nothing for a table built from the rules file).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

// ---- the compiled form ----------------------------------------------------------------

#[derive(Debug)]
struct Compiled {
    platforms: Vec<Platform>,
    /// Lowercased app id (class or executable) → what it is. Platforms' apps were inserted
    /// before browsers', and earlier entries before later ones: the first claim wins.
    apps: HashMap<Box<str>, AppHit, BuildHasherDefault<Fnv>>,
    /// Lowercased class prefix → web-app kind index.
    webapp_prefixes: Vec<(Box<str>, usize)>,
    webapp_names: Vec<Box<str>>,
    browsers: Vec<BrowserTitles>,
    titles: Vec<TitleRule>,
    /// For each possible last byte of a title, the indices into `titles` (in precedence
    /// order) of the patterns that can match such a title: those ending in that byte and
    /// those ending in `*`. Most titles then meet a handful of patterns, not all of them.
    by_last_byte: Box<[Box<[usize]>]>,
    urls: Vec<UrlRule>,
    rules: Vec<RuleRef>,
    fingerprint: String,
}

#[derive(Clone, Copy, Debug)]
enum AppHit {
    Rule(usize),
    Browser(usize),
}

#[derive(Debug)]
struct TitleRule {
    glob: Glob,
    pattern: Box<str>,
    rule: usize,
}

#[derive(Debug)]
struct UrlRule {
    pattern: UrlPattern,
    text: Box<str>,
    rule: usize,
}

/// A rule id (`youtube.shorts.url`) and the platform it names.
#[derive(Debug)]
struct RuleRef {
    id: Box<str>,
    platform: usize,
}

impl Compiled {
    fn new(set: &file::RuleSet) -> Compiled {
        // Plain strings, bools and enums: serialising cannot fail.
        let canonical = serde_json::to_vec(set).unwrap_or_default();
        let mut bytes = Vec::with_capacity(ENGINE_VERSION.len() + 1 + canonical.len());
        bytes.extend_from_slice(ENGINE_VERSION.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(&canonical);
        let fingerprint = format!("{:016x}", fnv1a64(&bytes));

        let mut c = Compiled {
            platforms: Vec::new(),
            apps: HashMap::default(),
            webapp_prefixes: Vec::new(),
            webapp_names: Vec::new(),
            browsers: set.browsers.iter().map(BrowserTitles::new).collect(),
            titles: Vec::new(),
            by_last_byte: Box::new([]),
            urls: Vec::new(),
            rules: Vec::new(),
            fingerprint,
        };
        for (pi, p) in set.platforms.iter().enumerate() {
            c.platforms.push(Platform {
                id: p.id.clone(),
                name: p.name.clone(),
                category: p.category,
                aliases: p.aliases.clone(),
            });
            // A platform's variants come before its own patterns: they are the more
            // specific rules (`youtube.com/shorts/` inside `youtube.com`).
            let groups = p
                .variants
                .iter()
                .map(|v| (format!("{}.{}", p.id, v.id), &v.patterns))
                .chain(std::iter::once((p.id.clone(), &p.own)));
            for (prefix, pats) in groups {
                if !pats.apps.is_empty() {
                    let r = c.rule(format!("{prefix}.app"), pi);
                    for a in &pats.apps {
                        c.apps.entry(lower(a).into()).or_insert(AppHit::Rule(r));
                    }
                }
                if !pats.titles.is_empty() {
                    let r = c.rule(format!("{prefix}.title"), pi);
                    for t in &pats.titles {
                        c.titles.push(TitleRule { glob: Glob::new(t), pattern: t.as_str().into(), rule: r });
                    }
                }
                if !pats.urls.is_empty() {
                    let r = c.rule(format!("{prefix}.url"), pi);
                    for u in &pats.urls {
                        c.urls.push(UrlRule { pattern: UrlPattern::new(u), text: u.as_str().into(), rule: r });
                    }
                }
            }
        }
        c.by_last_byte = (0..=255u8)
            .map(|byte| {
                let fits = |r: &TitleRule| r.glob.last_byte().is_none_or(|b| b == byte);
                c.titles.iter().enumerate().filter(|(_, r)| fits(r)).map(|(i, _)| i).collect()
            })
            .collect();
        for (bi, b) in set.browsers.iter().enumerate() {
            for a in &b.apps {
                c.apps.entry(lower(a).into()).or_insert(AppHit::Browser(bi));
            }
        }
        for (wi, w) in set.webapps.iter().enumerate() {
            c.webapp_names.push(w.name.as_str().into());
            for prefix in &w.class_prefixes {
                c.webapp_prefixes.push((lower(prefix).into(), wi));
            }
        }
        c
    }

    fn rule(&mut self, id: String, platform: usize) -> usize {
        self.rules.push(RuleRef { id: id.into(), platform });
        self.rules.len() - 1
    }

    fn lookup(&self, app: &str) -> Option<AppHit> {
        if app.is_empty() {
            return None;
        }
        with_lower(app, |l| self.apps.get(l).copied())
    }

    fn webapp(&self, class: &str) -> Option<usize> {
        self.webapp_prefixes
            .iter()
            .find(|(p, _)| {
                class.len() > p.len() && class.is_char_boundary(p.len()) && class[..p.len()].eq_ignore_ascii_case(p)
            })
            .map(|&(_, w)| w)
    }

    fn verdict(&self, mut v: Verdict, rule: usize) -> Verdict {
        let r = &self.rules[rule];
        let p = &self.platforms[r.platform];
        v.platform = Some(p.id.clone());
        v.category = Some(p.category);
        v.rule = Some(r.id.to_string());
        v
    }

    fn run(&self, w: WindowRef<'_>, t: &mut Trace<'_>) -> Verdict {
        let mut v = Verdict::default();
        if let Some(word) = private_word(w.app) {
            v.private = true;
            t.note(|| format!("window class '{}' contains '{word}': a private window", w.app));
        }
        match self.lookup(w.app) {
            Some(AppHit::Rule(r)) => return self.app_verdict(v, r, "window class", w.app, t),
            Some(AppHit::Browser(b)) => return self.in_browser(v, b, "window class", w.app, w, t),
            None => {}
        }
        if let Some(k) = self.webapp(w.app) {
            t.note(|| {
                format!(
                    "window class '{}' is a {}: its title is the page's own, with no browser suffix",
                    w.app, self.webapp_names[k]
                )
            });
            if let Some(r) = self.url_rule(w.url, t) {
                return self.verdict(v, r);
            }
            return match self.page_rule(w.title, true, t) {
                Some(r) => self.verdict(v, r),
                None => v,
            };
        }
        if let Some(exe) = w.exe.filter(|e| !e.is_empty()) {
            match self.lookup(exe) {
                Some(AppHit::Rule(r)) => return self.app_verdict(v, r, "executable", exe, t),
                Some(AppHit::Browser(b)) => return self.in_browser(v, b, "executable", exe, w, t),
                None => {}
            }
        }
        t.note(|| match w.exe.filter(|e| !e.is_empty()) {
            Some(exe) => {
                format!("window class '{}' and executable '{exe}' are no browser, web app or known app", w.app)
            }
            None => format!("window class '{}' is no browser, web app or known app", w.app),
        });
        if let Some(r) = self.url_rule(w.url, t) {
            return self.verdict(v, r);
        }
        t.note(|| "no rule matched: titles of non-browser windows are never matched against site patterns".into());
        v
    }

    fn app_verdict(&self, v: Verdict, rule: usize, what: &str, name: &str, t: &mut Trace<'_>) -> Verdict {
        t.note(|| {
            let r = &self.rules[rule];
            format!("{what} '{name}' is the desktop app of {} (rule {})", self.platforms[r.platform].name, r.id)
        });
        self.verdict(v, rule)
    }

    fn in_browser(
        &self,
        mut v: Verdict,
        bi: usize,
        what: &str,
        name: &str,
        w: WindowRef<'_>,
        t: &mut Trace<'_>,
    ) -> Verdict {
        let b = &self.browsers[bi];
        v.browser = Some(b.id.to_string());
        t.note(|| format!("{what} '{name}' is the browser {}", b.name));
        let page = b.page(w.title);
        if !page.removed.is_empty() {
            t.note(|| format!("removed the browser's title suffix '{}'", page.removed));
        } else if !page.recognised && b.has_brands() {
            t.note(|| format!("the title has no known suffix of {}: matching it whole", b.name));
        }
        if let Some(m) = page.private {
            v.private = true;
            t.note(|| format!("'{m}' in the title marks a private window"));
        }
        if let Some(r) = self.url_rule(w.url, t) {
            return self.verdict(v, r);
        }
        if let Some(r) = self.page_rule(page.text, true, t) {
            return self.verdict(v, r);
        }
        if let Some((rest, segment, known)) = b.without_profile(page.text) {
            // The segment may be the page's own ("YouTube - Wikipedia" in an Edge without
            // a profile name). A bare platform title left after removing an unknown
            // segment is too weak a sign, so only patterns with a `*` may match then.
            t.note(|| {
                if known {
                    format!("{} writes the profile name before its own: removed the profile '{segment}' and tried again", b.name)
                } else {
                    format!(
                        "{} may write a profile name before its own: removed '{segment}' and tried again, with patterns that have a '*' only",
                        b.name
                    )
                }
            });
            if let Some(r) = self.page_rule(rest, known, t) {
                return self.verdict(v, r);
            }
        }
        v
    }

    /// Title rules on a page title, after removing a tab count and an unread count.
    /// `exact` allows patterns without a `*`.
    fn page_rule(&self, page: &str, exact: bool, t: &mut Trace<'_>) -> Option<usize> {
        let (page, more) = strip_more_pages(page);
        if !more.is_empty() {
            t.note(|| format!("removed the tab count '{more}'"));
        }
        let (page, count) = strip_count(page);
        if !count.is_empty() {
            t.note(|| format!("removed the unread-count prefix '{count}'"));
        }
        if page.is_empty() {
            t.note(|| "no rule matched: the window shows no page title".into());
            return None;
        }
        let last = page.as_bytes()[page.len() - 1];
        let mut candidates = self.by_last_byte[usize::from(last)].iter().map(|&i| &self.titles[i]);
        match candidates.find(|r| (exact || !r.glob.is_exact()) && r.glob.matches(page)) {
            Some(r) => {
                t.note(|| {
                    format!("page title '{page}' matches pattern '{}' of rule {}", r.pattern, self.rules[r.rule].id)
                });
                Some(r.rule)
            }
            None => {
                t.note(|| format!("no rule matched: page title '{page}' matches no platform's title pattern"));
                None
            }
        }
    }

    /// Url rules, which win over title rules: a url names the site outright.
    fn url_rule(&self, url: Option<&str>, t: &mut Trace<'_>) -> Option<usize> {
        let url = url.filter(|u| !u.trim().is_empty())?;
        let Some(parsed) = parse_url(url) else {
            t.note(|| format!("url '{url}' is no http or https url: no url rule applies"));
            return None;
        };
        match self.urls.iter().find(|r| r.pattern.matches(&parsed)) {
            Some(r) => {
                t.note(|| format!("url '{url}' matches '{}' of rule {}", r.text, self.rules[r.rule].id));
                Some(r.rule)
            }
            None => {
                t.note(|| format!("url host '{}' matches no url rule", parsed.host));
                None
            }
        }
    }
}

/// Where `explain` collects its sentences; `classify` passes `None` and pays nothing for
/// them, since each sentence is built only when asked for.
struct Trace<'a>(Option<&'a mut Vec<String>>);

impl Trace<'_> {
    fn note(&mut self, sentence: impl FnOnce() -> String) {
        if let Some(steps) = self.0.as_mut() {
            steps.push(sentence());
        }
    }
}

/// Some browsers give private windows their own class (`firefox-private`).
fn private_word(class: &str) -> Option<&'static str> {
    ["private", "incognito"].into_iter().find(|w| {
        class.len() >= w.len() && class.as_bytes().windows(w.len()).any(|win| win.eq_ignore_ascii_case(w.as_bytes()))
    })
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// Calls `f` with `s` lowercased, without allocating for the usual short ASCII class.
fn with_lower<R>(s: &str, f: impl FnOnce(&str) -> R) -> R {
    const MAX: usize = 64;
    if s.len() <= MAX && s.is_ascii() {
        let mut buf = [0u8; MAX];
        let buf = &mut buf[..s.len()];
        buf.copy_from_slice(s.as_bytes());
        buf.make_ascii_lowercase();
        // ASCII stays valid UTF-8 when lowercased.
        f(std::str::from_utf8(buf).unwrap_or(s))
    } else {
        f(&s.to_lowercase())
    }
}
