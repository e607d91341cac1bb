//! The rules file format: parsing, validating and merging the built-in file with the
//! user's overrides into one [`RuleSet`]. It knows nothing of matching; `compile` turns a
//! `RuleSet` into the matchers. The format itself is documented in `rules/default.toml`.

use crate::model::Category;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;
use toml::Spanned;

/// The most Mast reads of a user's rules file; a rules file is a few kilobytes.
pub const MAX_RULES_FILE: u64 = 4 << 20;

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
}

impl Source<'_> {
    fn error(&self, message: String) -> Error {
        Error::Rules { path: self.path.to_path_buf(), message }
    }

    fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())].matches('\n').count() + 1
    }

    /// "platform 'youtube' (line 12)": how every validation error names what is wrong.
    fn at(&self, kind: &str, id: &Spanned<String>) -> String {
        format!("{kind} '{}' (line {})", id.get_ref(), self.line(id.span().start))
    }
}

pub(super) fn parse(src: &Source<'_>) -> Result<Parsed> {
    let raw: RawFile = toml::from_str(src.text).map_err(|e| src.error(toml_message(&e)))?;
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
    for v in p.variant {
        let vat = format!("{at}, variant '{}'", v.id.get_ref());
        check_id(src, &vat, &v.id)?;
        if variants.iter().any(|d| &d.id == v.id.get_ref()) {
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
    for (id, line) in &disable {
        let defined = user.browsers.iter().any(|b| &b.id == id)
            || user.webapps.iter().any(|w| &w.id == id)
            || user.platforms.iter().any(|p| &p.id == id);
        if defined {
            return Err(src.error(format!(
                "'{id}' is both disabled (line {line}) and defined in this file; remove it from `disable` to replace the built-in, or delete the definition"
            )));
        }
        let known = builtin.browsers.iter().any(|b| &b.id == id)
            || builtin.webapps.iter().any(|w| &w.id == id)
            || builtin.platforms.iter().any(|p| &p.id == id);
        if !known {
            let ids: Vec<&str> = builtin.platforms.iter().map(|p| p.id.as_str()).collect();
            return Err(src.error(format!(
                "`disable` (line {line}) names '{id}', which is no built-in platform, browser or webapp; built-in platforms are {}",
                ids.join(", ")
            )));
        }
    }
    let disabled = |id: &str| disable.iter().any(|(d, _)| d == id);
    Ok(RuleSet {
        browsers: overlay(builtin.browsers, user.browsers, |b| &b.id, &disabled),
        webapps: overlay(builtin.webapps, user.webapps, |w| &w.id, &disabled),
        platforms: overlay(builtin.platforms, user.platforms, |p| &p.id, &disabled),
    })
}

fn overlay<T>(builtin: Vec<T>, user: Vec<T>, id: impl Fn(&T) -> &String, disabled: &dyn Fn(&str) -> bool) -> Vec<T> {
    let mut replacements: Vec<Option<T>> = Vec::new();
    let mut added = Vec::new();
    for u in user {
        if builtin.iter().any(|b| id(b) == id(&u)) {
            replacements.push(Some(u));
        } else {
            added.push(u);
        }
    }
    let mut out = added;
    for b in builtin {
        if disabled(id(&b)) {
            continue;
        }
        let slot = replacements.iter_mut().find(|r| r.as_ref().is_some_and(|r| id(r) == id(&b)));
        match slot.and_then(Option::take) {
            Some(r) => out.push(r),
            None => out.push(b),
        }
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

#[derive(Default)]
struct Ids(Vec<(String, &'static str, usize)>);

impl Ids {
    fn insert(&mut self, src: &Source<'_>, at: &str, kind: &'static str, id: &Spanned<String>) -> Result<()> {
        if let Some((_, _, line)) = self.0.iter().find(|(i, k, _)| i == id.get_ref() && *k == kind) {
            return Err(
                src.error(format!("{at} repeats the id of the {kind} on line {line}; merge the two or rename one"))
            );
        }
        self.0.push((id.get_ref().clone(), kind, src.line(id.span().start)));
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
