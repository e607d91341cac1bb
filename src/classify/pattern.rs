//! The two pattern languages of the rules file, compiled once and matched without
//! allocating: whole-title globs (`* - YouTube`) and url patterns (`youtube.com/shorts/`).
//! Parsing the rules file and deciding which pattern wins live elsewhere.

/// A whole-title glob: `*` matches any non-empty run of characters, everything else
/// matches itself, case-sensitively. There is no escape: titles that need a literal `*`
/// are not worth the complexity.
///
/// Stored as the literal before the first `*`, the literals between stars, and the
/// literal after the last `*`, so that the common `* - Site` shape is a single
/// `ends_with`.
#[derive(Clone, Debug)]
pub(super) struct Glob {
    prefix: Box<str>,
    middles: Box<[Box<str>]>,
    suffix: Box<str>,
    /// 0 for an exact title.
    stars: usize,
    /// The fewest bytes a matching title can have; rejects short titles cheaply.
    min_len: usize,
}

impl Glob {
    /// Compiles a pattern the validator has accepted (non-empty, not only stars).
    /// Runs of `*` collapse into one: `**` would otherwise silently mean "two or more".
    pub(super) fn new(pattern: &str) -> Glob {
        let mut parts: Vec<&str> = pattern.split('*').collect();
        if parts.len() == 1 {
            return Glob {
                prefix: pattern.into(),
                middles: Box::new([]),
                suffix: "".into(),
                stars: 0,
                min_len: pattern.len(),
            };
        }
        let prefix = parts.remove(0);
        let suffix = parts.pop().unwrap_or("");
        let middles: Vec<Box<str>> = parts.into_iter().filter(|m| !m.is_empty()).map(Into::into).collect();
        let stars = middles.len() + 1;
        let min_len = prefix.len() + suffix.len() + middles.iter().map(|m| m.len()).sum::<usize>() + stars;
        Glob { prefix: prefix.into(), middles: middles.into(), suffix: suffix.into(), stars, min_len }
    }

    /// The last byte a matching title must end with; `None` when the pattern ends in `*`.
    pub(super) fn last_byte(&self) -> Option<u8> {
        match self.stars {
            0 => self.prefix.as_bytes().last().copied(),
            _ => self.suffix.as_bytes().last().copied(),
        }
    }

    /// Whether the pattern is a whole literal title, with no `*`.
    pub(super) fn is_exact(&self) -> bool {
        self.stars == 0
    }

    pub(super) fn matches(&self, title: &str) -> bool {
        if self.stars == 0 {
            return same(title.as_bytes(), self.prefix.as_bytes());
        }
        let t = title.as_bytes();
        if t.len() < self.min_len || !has_suffix(t, self.suffix.as_bytes()) || !has_prefix(t, self.prefix.as_bytes()) {
            return false;
        }
        let end = title.len() - self.suffix.len();
        let mut pos = self.prefix.len();
        // Leftmost matching is optimal here: each star needs at least one character, and
        // ending a literal as early as possible leaves the most room for what follows.
        for middle in self.middles.iter() {
            pos = match next_char_end(title, pos, end) {
                Some(p) => p,
                None => return false,
            };
            match find(&title.as_bytes()[pos..end], middle.as_bytes()) {
                Some(i) => pos += i + middle.len(),
                None => return false,
            }
        }
        pos < end
    }
}

/// The first position of `needle` in `hay`. For the short titles and literals here a scan
/// for the first byte beats `str::find`, whose searcher costs more to set up than the
/// whole scan. Searching bytes is sound for UTF-8: a valid needle can only match at
/// character boundaries of a valid haystack.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut i = 0;
    while i <= last_start {
        i += hay[i..=last_start].iter().position(|&b| b == first)?;
        if same(&hay[i + 1..i + needle.len()], rest) {
            return Some(i);
        }
        i += 1;
    }
    None
}

// Titles and literals are a few dozen bytes: comparing them inline is several times
// faster than the `memcmp` call that slice equality becomes, and these comparisons are
// the whole cost of matching.

pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

pub(super) fn has_prefix(t: &[u8], p: &[u8]) -> bool {
    p.len() <= t.len() && same(&t[..p.len()], p)
}

pub(super) fn has_suffix(t: &[u8], s: &[u8]) -> bool {
    s.len() <= t.len() && same(&t[t.len() - s.len()..], s)
}

/// The byte offset just past the character at `pos`, if that character ends before `end`.
fn next_char_end(s: &str, pos: usize, end: usize) -> Option<usize> {
    let c = s[pos..end].chars().next()?;
    Some(pos + c.len_utf8())
}

/// A url pattern: a domain, optionally followed by a path prefix (`youtube.com/shorts/`).
/// The domain matches itself and its subdomains only (`www.instagram.com` but never
/// `notinstagram.com`); the path prefix is compared case-sensitively, as servers do.
#[derive(Clone, Debug)]
pub(super) struct UrlPattern {
    domain: Box<str>,
    path: Box<str>,
}

impl UrlPattern {
    pub(super) fn new(pattern: &str) -> UrlPattern {
        let (domain, path) = match pattern.find('/') {
            Some(i) => pattern.split_at(i),
            None => (pattern, ""),
        };
        UrlPattern { domain: domain.to_ascii_lowercase().into(), path: path.into() }
    }

    pub(super) fn matches(&self, url: &ParsedUrl<'_>) -> bool {
        let host = &*url.host;
        let domain_ok = host == &*self.domain
            || (host.len() > self.domain.len()
                && host.ends_with(&*self.domain)
                && host.as_bytes()[host.len() - self.domain.len() - 1] == b'.');
        domain_ok && url.path.starts_with(&*self.path)
    }
}

/// The parts of a url the rules look at.
#[derive(Debug)]
pub(super) struct ParsedUrl<'a> {
    /// Lowercased, without port, user info or a trailing dot.
    pub host: std::borrow::Cow<'a, str>,
    /// From the first `/` after the host; empty when the url has no path.
    pub path: &'a str,
}

/// Splits an http or https url into host and path, without a url crate: the rules need
/// only these two, and a url that does not parse simply matches nothing.
///
/// Only http and https urls name a site. Any other scheme (`javascript:`, `data:`,
/// `file:`, `about:`, `view-source:` …) or no scheme at all gives `None`, whatever text
/// follows: `javascript:alert('instagram.com')` is not Instagram. The host is read the way
/// browsers read it (WHATWG): any run of `/` and `\` after the scheme, the authority ending
/// at the first `/`, `\`, `?` or `#`, the user info up to its *last* `@` dropped, then the
/// port; so `https://user@instagram.com@evil.example/` is `evil.example`.
pub(super) fn parse_url(url: &str) -> Option<ParsedUrl<'_>> {
    let url = url.trim();
    let (scheme, rest) = url.split_once(':')?;
    if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) {
        return None;
    }
    let rest = rest.trim_start_matches(['/', '\\']);
    let authority_end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let path = if tail.starts_with('/') || tail.starts_with('\\') { tail } else { "" };
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = if host_port.starts_with('[') {
        // An IPv6 literal: keep it whole; no rule names one, so it matches nothing.
        host_port
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    let host = host.trim_end_matches('.');
    if host.is_empty() {
        return None;
    }
    let host = if host.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(host.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(host)
    };
    Some(ParsedUrl { host, path })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(p: &str, t: &str) -> bool {
        Glob::new(p).matches(t)
    }

    #[test]
    fn exact_patterns_match_only_the_whole_title() {
        assert!(g("YouTube", "YouTube"));
        assert!(!g("YouTube", "YouTube Music"));
        assert!(!g("YouTube", "youtube"));
    }

    #[test]
    fn a_star_matches_a_non_empty_run() {
        assert!(g("* - YouTube", "a - YouTube"));
        assert!(!g("* - YouTube", " - YouTube"));
        assert!(g("Instagram • *", "Instagram • Chats"));
        assert!(!g("Instagram • *", "Instagram • "));
        assert!(g("* : r/*", "Borrow checker help : r/rust"));
        assert!(!g("* : r/*", " : r/rust"));
        assert!(!g("* : r/*", "title : r/"));
        assert!(g("r/* on Reddit: *", "r/rust on Reddit: Help"));
        assert!(g("* on X: \"*\"", "Someone on X: \"hi\""));
        assert!(!g("* on X: \"*\"", "Someone on X: \"\""));
    }

    #[test]
    fn middles_are_found_leftmost_with_room_for_later_stars() {
        assert!(g("*a*b*", "xaybz"));
        assert!(g("*a*a*", "xaaaz"));
        assert!(!g("*a*a*", "xaaz"));
        assert!(g("*ab*", "abab!"));
        assert!(!g("*ab*", "ab"));
    }

    #[test]
    fn stars_respect_multibyte_characters() {
        assert!(g("* • Instagram", "é • Instagram"));
        assert!(g("*•*", "é•é"));
        assert!(!g("*•*", "•é"));
        assert!(g("* — Bluesky", "日本 — Bluesky"));
    }

    #[test]
    fn find_locates_the_first_occurrence() {
        assert_eq!(find(b"a : r/rust", b" : r/"), Some(1));
        assert_eq!(find(b"aaab", b"ab"), Some(2));
        assert_eq!(find(b"ab", b"abc"), None);
        assert_eq!(find(b"abc", b"c"), Some(2));
        assert_eq!(find(b"", b"c"), None);
    }

    #[test]
    fn repeated_stars_collapse() {
        assert!(g("** - YouTube", "a - YouTube"));
    }

    #[test]
    fn urls_split_into_host_and_path() {
        let u = parse_url("https://User@WWW.YouTube.com:443/shorts/abc?x=1").unwrap();
        assert_eq!(u.host, "www.youtube.com");
        assert_eq!(u.path, "/shorts/abc?x=1");
        let u = parse_url("HTTP://youtube.com/shorts/abc").unwrap();
        assert_eq!((&*u.host, u.path), ("youtube.com", "/shorts/abc"));
        let u = parse_url("https://youtube.com?x").unwrap();
        assert_eq!((&*u.host, u.path), ("youtube.com", ""));
        assert_eq!(parse_url("https://www.reddit.com./r/rust").unwrap().host, "www.reddit.com");
    }

    /// Regression: a `javascript:` (or any non-http(s)) url whose text held a platform's
    /// domain was classified as that platform, because the host was looked for in the
    /// whole text. Only the parsed host of an http or https url counts.
    #[test]
    fn only_the_host_of_an_http_url_names_a_site() {
        let instagram = UrlPattern::new("instagram.com");
        let youtube = UrlPattern::new("youtube.com");
        let is = |p: &UrlPattern, u: &str| parse_url(u).is_some_and(|u| p.matches(&u));
        for (url, want) in [
            ("https://www.instagram.com/x", true),
            ("http://instagram.com", true),
            ("https:instagram.com/p/1", true),
            ("https:\\\\instagram.com\\p", true),
            ("https://user:pw@instagram.com:8443/", true),
            ("https://evil.example@instagram.com/", true),
            ("javascript:alert('instagram.com')", false),
            ("javascript://instagram.com/%0aalert(1)", false),
            ("data:text/html,https://instagram.com/", false),
            ("file:///home/me/instagram.com/index.html", false),
            ("about:blank#instagram.com", false),
            ("view-source:https://instagram.com/", false),
            ("chrome-extension://instagram.com/", false),
            ("ftp://instagram.com/", false),
            ("instagram.com/p/1", false),
            ("https://evil.example/?instagram.com", false),
            ("https://evil.example/#instagram.com", false),
            ("https://evil.example/instagram.com", false),
            ("https://instagram.com.evil.example/", false),
            ("https://user@instagram.com@evil.example", false),
            ("https://instagram.com@evil.example/", false),
            ("https://evil.example\\@instagram.com/", false),
            ("https://notinstagram.com/", false),
            ("https://", false),
        ] {
            assert_eq!(is(&instagram, url), want, "{url}");
        }
        assert!(is(&youtube, "https://m.youtube.com"));
        assert!(is(&youtube, "https://M.YouTube.com./watch?v=1"));
        assert!(!is(&youtube, "javascript:location='https://m.youtube.com'"));
    }

    #[test]
    fn url_domains_match_subdomains_but_not_lookalikes() {
        let p = UrlPattern::new("instagram.com");
        let m = |u: &str| p.matches(&parse_url(u).unwrap());
        assert!(m("https://instagram.com/"));
        assert!(m("https://www.instagram.com/p/x"));
        assert!(!m("https://notinstagram.com/"));
        assert!(!m("https://instagram.com.evil.example/"));
        let shorts = UrlPattern::new("YouTube.com/shorts/");
        let m = |u: &str| shorts.matches(&parse_url(u).unwrap());
        assert!(m("https://m.youtube.com/shorts/abc"));
        assert!(!m("https://www.youtube.com/watch?v=abc"));
        assert!(!m("https://www.youtube.com/SHORTS/abc"));
    }
}
