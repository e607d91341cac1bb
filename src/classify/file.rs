//! The rules file format: parsing, validating and merging the built-in file with the
//! user's overrides into one [`RuleSet`]. It knows nothing of matching; `compile` turns a
//! `RuleSet` into the matchers. The format itself is documented in `rules/default.toml`.

use crate::model::Category;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use toml::Spanned;

/// The largest rules file accepted. A person's own rules are a few kilobytes; a file of
/// megabytes is a mistake (a log or a dump saved under the name), and every command loads
/// the rules before anything else.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// The most platforms, variants, browsers and webapps a file may define, all together.
pub const MAX_ENTRIES: usize = 10_000;
/// The most app, title and url patterns a file may list, all together: each one is
/// looked at when a window is classified.
pub const MAX_PATTERNS: usize = 50_000;

/// The effective rules, in precedence order. Serialised canonically for the fingerprint,
/// so every field that changes classification must be in here.
#[derive(Clone, Debug, Default, Serialize)]
pub(super) struct RuleSet {
    pub browsers: Vec<BrowserDef>,
    pub webapps: Vec<WebappDef>,
    pub platforms: Vec<PlatformDef>,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct BrowserDef {
    pub id: String,
    pub name: String,
    pub apps: Vec<String>,
    pub separator: String,
    pub brands: Vec<String>,
    pub private_markers: Vec<String>,
    pub profile_segment: bool,
    pub profile_names: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct WebappDef {
    pub id: String,
    pub name: String,
    pub class_prefixes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct PlatformDef {
    pub id: String,
    pub name: String,
    pub category: Category,
    /// Other names people type for it (`ig`, `fb`, `twitter`), lowercase.
    pub aliases: Vec<String>,
    pub variants: Vec<VariantDef>,
    /// The platform's own patterns, as a variant without a name.
    pub own: Patterns,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct VariantDef {
    pub id: String,
    pub patterns: Patterns,
}

#[derive(Clone, Debug, Default, Serialize)]
pub(super) struct Patterns {
    pub apps: Vec<String>,
    pub titles: Vec<String>,
    pub urls: Vec<String>,
}

// ---- the file as written -------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    browser: Vec<RawBrowser>,
    #[serde(default)]
    webapp: Vec<RawWebapp>,
    #[serde(default)]
    platform: Vec<RawPlatform>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBrowser {
    id: Spanned<String>,
    name: Option<String>,
    apps: Vec<String>,
    #[serde(default)]
    separator: String,
    #[serde(default)]
    brands: Vec<String>,
    #[serde(default)]
    private_markers: Vec<String>,
    #[serde(default)]
    profile_segment: bool,
    #[serde(default)]
    profile_names: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebapp {
    id: Spanned<String>,
    name: Option<String>,
    class_prefixes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlatform {
    id: Spanned<String>,
    name: Option<String>,
    category: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    apps: Vec<String>,
    #[serde(default)]
    titles: Vec<String>,
    #[serde(default)]
    urls: Vec<String>,
    #[serde(default)]
    variant: Vec<RawVariant>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariant {
    id: Spanned<String>,
    #[serde(default)]
    apps: Vec<String>,
    #[serde(default)]
    titles: Vec<String>,
    #[serde(default)]
    urls: Vec<String>,
}

/// A parsed and validated file, with what it asks to remove from the built-ins.
pub(super) struct Parsed {
    disable: Vec<(String, usize)>,
    set: RuleSet,
}

/// Where a file's text came from, for error messages and line numbers.
pub(super) struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    /// The byte offset of each line's start, found once: counting the newlines before
    /// every entry made loading a large file quadratic.
    line_starts: OnceCell<Vec<usize>>,
}

impl<'a> Source<'a> {
    pub(super) fn new(path: &'a Path, text: &'a str) -> Source<'a> {
        Source { path, text, line_starts: OnceCell::new() }
    }

    fn error(&self, message: String) -> Error {
        Error::Rules { path: self.path.to_path_buf(), message }
    }

    /// The line (from 1) holding the byte at `offset`.
    fn line(&self, offset: usize) -> usize {
        let starts = self
            .line_starts
            .get_or_init(|| std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect());
        starts.partition_point(|&start| start <= offset)
    }

    /// "platform 'youtube' (line 12)": how every validation error names what is wrong.
    fn at(&self, kind: &str, id: &Spanned<String>) -> String {
        format!("{kind} '{}' (line {})", id.get_ref(), self.line(id.span().start))
    }
}

pub(super) fn parse(src: &Source<'_>) -> Result<Parsed> {
    if src.text.len() > MAX_FILE_BYTES {
        return Err(too_large(src.path));
    }
    let raw: RawFile = toml::from_str(src.text).map_err(|e| src.error(toml_message(&e)))?;
    check_counts(src, &raw)?;
    let mut ids = Ids::default();
    let mut set = RuleSet::default();
    for b in raw.browser {
        set.browsers.push(browser(src, &mut ids, b)?);
    }
    for w in raw.webapp {
        set.webapps.push(webapp(src, &mut ids, w)?);
    }
    for p in raw.platform {
        set.platforms.push(platform(src, &mut ids, p)?);
    }
    let disable = raw
        .disable
        .into_iter()
        .map(|d| {
            let line = src.line(d.span().start);
            (d.into_inner(), line)
        })
        .collect();
    Ok(Parsed { disable, set })
}

/// The error for a file over [`MAX_FILE_BYTES`], also given before one is read whole.
pub(super) fn too_large(path: &Path) -> Error {
    Error::Rules {
        path: path.to_path_buf(),
        message: format!(
            "it is larger than {} MiB, the most a rules file may hold; keep only your own rules and changes in it \
             (the built-in rules apply without being copied)",
            MAX_FILE_BYTES >> 20
        ),
    }
}

/// Refuses a file with more entries or patterns than [`MAX_ENTRIES`] and [`MAX_PATTERNS`].
fn check_counts(src: &Source<'_>, raw: &RawFile) -> Result<()> {
    let entries =
        raw.browser.len() + raw.webapp.len() + raw.platform.iter().map(|p| 1 + p.variant.len()).sum::<usize>();
    if entries > MAX_ENTRIES {
        return Err(src.error(format!(
            "it defines {entries} platforms, variants, browsers and webapps, more than the {MAX_ENTRIES} a rules \
             file may hold; keep only the ones you use"
        )));
    }
    let patterns = raw.platform.iter().map(|p| {
        p.apps.len()
            + p.titles.len()
            + p.urls.len()
            + p.variant.iter().map(|v| v.apps.len() + v.titles.len() + v.urls.len()).sum::<usize>()
    });
    let patterns = patterns.sum::<usize>()
        + raw.browser.iter().map(|b| b.apps.len()).sum::<usize>()
        + raw.webapp.iter().map(|w| w.class_prefixes.len()).sum::<usize>();
    if patterns > MAX_PATTERNS {
        return Err(src.error(format!(
            "it lists {patterns} apps and patterns, more than the {MAX_PATTERNS} a rules file may hold; keep only \
             the ones you use"
        )));
    }
    Ok(())
}

fn browser(src: &Source<'_>, ids: &mut Ids, b: RawBrowser) -> Result<BrowserDef> {
    let at = src.at("browser", &b.id);
    check_id(src, &at, &b.id)?;
    ids.insert(src, &at, "browser", &b.id)?;
    if b.apps.is_empty() {
        return Err(src.error(format!("{at} has no apps; list its WM_CLASS classes or executable names in `apps`")));
    }
    check_strings(src, &at, "apps", &b.apps)?;
    check_strings(src, &at, "brands", &b.brands)?;
    check_strings(src, &at, "private_markers", &b.private_markers)?;
    check_strings(src, &at, "profile_names", &b.profile_names)?;
    if !b.brands.is_empty() && b.separator.is_empty() {
        return Err(src.error(format!(
            "{at} has brands but no separator; set `separator` to what stands between the page title and the brand, e.g. \" - \""
        )));
    }
    if !b.profile_names.is_empty() && !b.profile_segment {
        return Err(
            src.error(format!("{at} has profile_names but not `profile_segment = true`; set it or remove the names"))
        );
    }
    Ok(BrowserDef {
        name: b.name.unwrap_or_else(|| b.id.get_ref().clone()),
        id: b.id.into_inner(),
        apps: b.apps,
        separator: b.separator,
        brands: b.brands,
        private_markers: b.private_markers,
        profile_segment: b.profile_segment,
        profile_names: b.profile_names,
    })
}

fn webapp(src: &Source<'_>, ids: &mut Ids, w: RawWebapp) -> Result<WebappDef> {
    let at = src.at("webapp", &w.id);
    check_id(src, &at, &w.id)?;
    ids.insert(src, &at, "webapp", &w.id)?;
    if w.class_prefixes.is_empty() {
        return Err(src.error(format!("{at} has no class_prefixes; list the WM_CLASS prefixes of its windows")));
    }
    check_strings(src, &at, "class_prefixes", &w.class_prefixes)?;
    Ok(WebappDef {
        name: w.name.unwrap_or_else(|| w.id.get_ref().clone()),
        id: w.id.into_inner(),
        class_prefixes: w.class_prefixes,
    })
}

fn platform(src: &Source<'_>, ids: &mut Ids, p: RawPlatform) -> Result<PlatformDef> {
    let at = src.at("platform", &p.id);
    check_id(src, &at, &p.id)?;
    ids.insert(src, &at, "platform", &p.id)?;
    let Some(category) = Category::parse(&p.category) else {
        let known: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        return Err(src.error(format!(
            "{at} has the unknown category '{}'; use one of {}",
            p.category,
            known.join(", ")
        )));
    };
    let own = patterns(src, &at, p.apps, p.titles, p.urls)?;
    let mut variants: Vec<VariantDef> = Vec::new();
    let mut variant_ids: HashSet<String> = HashSet::new();
    for v in p.variant {
        let vat = format!("{at}, variant '{}'", v.id.get_ref());
        check_id(src, &vat, &v.id)?;
        if !variant_ids.insert(v.id.get_ref().clone()) {
            return Err(src.error(format!("{vat} appears twice; merge the two variants or rename one")));
        }
        if matches!(v.id.get_ref().as_str(), "app" | "title" | "url") {
            return Err(src.error(format!(
                "{vat}: 'app', 'title' and 'url' name the platform's own rules; choose another variant id"
            )));
        }
        let patterns = patterns(src, &vat, v.apps, v.titles, v.urls)?;
        if patterns.apps.is_empty() && patterns.titles.is_empty() && patterns.urls.is_empty() {
            return Err(src.error(format!("{vat} has no apps, titles or urls; add at least one or remove it")));
        }
        variants.push(VariantDef { id: v.id.into_inner(), patterns });
    }
    if own.apps.is_empty() && own.titles.is_empty() && own.urls.is_empty() && variants.is_empty() {
        return Err(src.error(format!("{at} has no apps, titles or urls; add at least one, or disable it instead")));
    }
    Ok(PlatformDef {
        name: p.name.unwrap_or_else(|| p.id.get_ref().clone()),
        id: p.id.into_inner(),
        category,
        aliases: p.aliases.iter().map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty()).collect(),
        variants,
        own,
    })
}

/// Applies a user file over the built-ins:
///
/// * a user entry whose id is a built-in's replaces it in place, keeping its precedence;
/// * `disable` removes built-ins by id (platforms, browsers or webapps);
/// * new user platforms come *before* all built-ins, so a user pattern wins over a
///   built-in one that matches the same title; new browsers and webapps likewise.
pub(super) fn merge(builtin: RuleSet, user: Parsed, src: &Source<'_>) -> Result<RuleSet> {
    let Parsed { disable, set: user } = user;
    // Sets of ids, so that merging stays linear in the size of the file.
    let ids = |set: &RuleSet| -> HashSet<String> {
        let browsers = set.browsers.iter().map(|b| b.id.clone());
        let webapps = set.webapps.iter().map(|w| w.id.clone());
        browsers.chain(webapps).chain(set.platforms.iter().map(|p| p.id.clone())).collect()
    };
    let (user_ids, builtin_ids) = (ids(&user), ids(&builtin));
    for (id, line) in &disable {
        if user_ids.contains(id) {
            return Err(src.error(format!(
                "'{id}' is both disabled (line {line}) and defined in this file; remove it from `disable` to replace the built-in, or delete the definition"
            )));
        }
        if !builtin_ids.contains(id) {
            let ids: Vec<&str> = builtin.platforms.iter().map(|p| p.id.as_str()).collect();
            return Err(src.error(format!(
                "`disable` (line {line}) names '{id}', which is no built-in platform, browser or webapp; built-in platforms are {}",
                ids.join(", ")
            )));
        }
    }
    let disabled: HashSet<&str> = disable.iter().map(|(d, _)| d.as_str()).collect();
    let disabled = |id: &str| disabled.contains(id);
    Ok(RuleSet {
        browsers: overlay(builtin.browsers, user.browsers, |b| &b.id, &disabled),
        webapps: overlay(builtin.webapps, user.webapps, |w| &w.id, &disabled),
        platforms: overlay(builtin.platforms, user.platforms, |p| &p.id, &disabled),
    })
}

fn overlay<T>(builtin: Vec<T>, user: Vec<T>, id: impl Fn(&T) -> &String, disabled: &dyn Fn(&str) -> bool) -> Vec<T> {
    let builtin_ids: HashSet<String> = builtin.iter().map(|b| id(b).clone()).collect();
    let mut replacements: HashMap<String, T> = HashMap::new();
    let mut added = Vec::new();
    for u in user {
        if builtin_ids.contains(id(&u)) {
            replacements.insert(id(&u).clone(), u);
        } else {
            added.push(u);
        }
    }
    let mut out = added;
    for b in builtin {
        if disabled(id(&b)) {
            continue;
        }
        out.push(replacements.remove(id(&b)).unwrap_or(b));
    }
    out
}

/// One line of toml's own message: the `Error::Rules` text continues after it.
fn toml_message(e: &toml::de::Error) -> String {
    let shown = e.to_string();
    let location = shown.lines().next().filter(|l| l.starts_with("TOML parse error at line"));
    let message = e.message().trim().replace('\n', "; ");
    match location {
        Some(l) => format!("{l}: {message}"),
        None => message,
    }
}

/// The ids seen so far, by kind, with the line of each.
#[derive(Default)]
struct Ids(HashMap<(&'static str, String), usize>);

impl Ids {
    fn insert(&mut self, src: &Source<'_>, at: &str, kind: &'static str, id: &Spanned<String>) -> Result<()> {
        let line = src.line(id.span().start);
        if let Some(first) = self.0.insert((kind, id.get_ref().clone()), line) {
            return Err(
                src.error(format!("{at} repeats the id of the {kind} on line {first}; merge the two or rename one"))
            );
        }
        Ok(())
    }
}

/// Ids become parts of rule ids like `youtube.shorts.url`, so they must not contain dots
/// and should survive being typed on a command line.
fn check_id(src: &Source<'_>, at: &str, id: &Spanned<String>) -> Result<()> {
    let ok = !id.get_ref().is_empty()
        && id.get_ref().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(src.error(format!("{at}: an id may use only lowercase letters, digits, '-' and '_'")))
    }
}

fn check_strings(src: &Source<'_>, at: &str, field: &str, values: &[String]) -> Result<()> {
    if values.iter().any(|v| v.trim().is_empty()) {
        return Err(src.error(format!("{at} has an empty entry in `{field}`; remove it")));
    }
    Ok(())
}

fn patterns(src: &Source<'_>, at: &str, apps: Vec<String>, titles: Vec<String>, urls: Vec<String>) -> Result<Patterns> {
    check_strings(src, at, "apps", &apps)?;
    for t in &titles {
        if t.is_empty() {
            return Err(src.error(format!("{at} has an empty pattern in `titles`; remove it")));
        }
        if t.chars().all(|c| c == '*') {
            return Err(src.error(format!(
                "{at} has the title pattern '{t}', which matches every page; name the site, e.g. \"* - Site\""
            )));
        }
    }
    for u in &urls {
        if u.is_empty() {
            return Err(src.error(format!("{at} has an empty pattern in `urls`; remove it")));
        }
        if u.contains("://") || u.contains(char::is_whitespace) || u.contains('*') || u.starts_with('/') {
            return Err(src.error(format!(
                "{at} has the url pattern '{u}'; write a domain with an optional path prefix and no scheme or wildcard, e.g. \"youtube.com/shorts/\""
            )));
        }
    }
    Ok(Patterns { apps, titles, urls })
}
