//! ActivityWatch's JSON export (`GET /api/0/export`) into the store.
//!
//! Two passes over the file, so that neither the file nor its window events are ever held
//! in memory, and so that a broken file fails before anything is written:
//!
//! 1. read everything: fail on a file-level problem (not JSON, cut short, nested too deep,
//!    a string over [`MAX_STRING_BYTES`]); learn each bucket's type and host (JSON keys are
//!    unordered, so a bucket's `type` may follow its events); keep the away (`afkstatus`)
//!    and browser tab (`web.tab.current`) intervals. These are the only events kept in
//!    memory: about 40 bytes per away event and the url and title per tab event.
//! 2. read the window (`currentwindow`) events again, in file order, and write each one
//!    through one [`Importer`] transaction as soon as it is read: its away time cut out,
//!    browser windows given the url of the tab in front, clipped around stored time.
//!
//! ```text
//! window event:  [firefox ..........................)
//! afk:                    [away....)
//! web tab:       [url A ....)           [url B .....)
//! written:       [A ......)          [ ][B .........)
//! ```
//!
//! An event that is not usable (wrong types, missing fields, a negative, huge or `NaN`
//! duration, a time before 2000 or after tomorrow) is skipped and counted, never fatal. A
//! text with undecodable characters (a lone surrogate escape, as Python writes) is kept
//! with U+FFFD in their place, and counted. (A number too large for a double, such as
//! `1e400`, is serde_json's error and fails the file: no JSON encoder writes one.)
//!
//! Away time is matched by host: a window bucket's events lose the away time of the
//! `afkstatus` buckets of the same `hostname` (or of the only host that has one). Each
//! span is stamped with the UTC offset at its start; an event spanning a change of
//! daylight-saving time is not cut there, unlike the tracker's spans.

mod parse;

pub use parse::MAX_STRING_BYTES;

use super::{Progress, SkipReason, Summary};
use crate::model::{Millis, Window};
use crate::store::{Classifier, Importer, Store};
use crate::{Error, Result};
use parse::{BucketInfo, ParseError, RawEvent, Scalar, Slot};
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

/// Titles are cut like the X11 sensor cuts them.
pub const MAX_TITLE_CHARS: usize = crate::sensor::x11::MAX_TITLE_CHARS;
/// 2000-01-01T00:00:00Z: nothing ActivityWatch recorded is older.
const EARLIEST_MS: Millis = 946_684_800_000;
const DAY_MS: Millis = 86_400_000;
/// No event lasts longer; one that claims to is damaged.
const MAX_EVENT_MS: Millis = 7 * DAY_MS;

const WINDOW: &str = "currentwindow";
const AFK: &str = "afkstatus";
const WEB: &str = "web.tab.current";

/// What the importer needs from outside: the clock, the zone, the settings.
pub struct Options<'a> {
    /// Events ending more than a day after this are skipped.
    pub now_ms: Millis,
    /// The UTC offset of the user's zone at an instant, to stamp spans with.
    pub offset_at: &'a dyn Fn(Millis) -> i32,
    /// Apps the settings exclude from tracking (by app id).
    pub is_excluded: &'a dyn Fn(&str) -> bool,
    pub progress: &'a mut dyn FnMut(Progress),
}

/// Imports the export at `path`. On any error nothing has been written.
#[tracing::instrument(skip_all, err, fields(path = %path.display()))]
pub fn import(path: &Path, store: &mut Store, classifier: &Classifier, opts: Options<'_>) -> Result<Summary> {
    // A FIFO or a device given as the export is refused at once, not waited on.
    let open = || {
        crate::files::open(path)?
            .ok_or_else(|| Error::io(path, std::io::Error::new(std::io::ErrorKind::NotFound, "there is no such file")))
    };
    let mut summary = Summary::default();

    let mut survey = Survey { now_ms: opts.now_ms, ..Survey::default() };
    let progress = opts.progress;
    let mended = parse::read(open()?, &mut survey, &mut |bytes| progress(Progress { pass: 1, passes: 2, bytes }))
        .map_err(|e| file_error(path, e))?;
    summary.repaired_texts = mended.surrogates;
    let away = survey.away();
    let strings = std::mem::take(&mut survey.strings).list;
    let tabs = Tabs::new(std::mem::take(&mut survey.web), strings);
    tracing::info!(
        buckets = survey.buckets.len(),
        afk = away.values().map(Vec::len).sum::<usize>(),
        web = tabs.tabs.len(),
        "read the export"
    );
    for b in &survey.buckets {
        match b.kind.as_deref() {
            Some(WINDOW) => summary.buckets.window += 1,
            Some(AFK) => summary.buckets.afk += 1,
            Some(WEB) => summary.buckets.web += 1,
            _ => {
                summary.buckets.other += 1;
                summary.ignored_events += b.events;
            }
        }
    }
    for (reason, n) in std::mem::take(&mut survey.skipped) {
        *summary.skipped.entry(reason).or_default() += n;
    }

    let importer = store.begin_import(classifier)?;
    let mut writer = Writer {
        buckets: &survey.buckets,
        away: &away,
        tabs: &tabs,
        now_ms: opts.now_ms,
        offset_at: opts.offset_at,
        is_excluded: opts.is_excluded,
        classifier,
        browsers: HashMap::new(),
        importer,
        summary,
        first_ms: Millis::MAX,
        last_ms: Millis::MIN,
        error: None,
    };
    let read = parse::read(open()?, &mut writer, &mut |bytes| progress(Progress { pass: 2, passes: 2, bytes }));
    if let Err(e) = read {
        return Err(writer.error.take().unwrap_or_else(|| file_error(path, e)));
    }
    let Writer { importer, mut summary, first_ms, last_ms, .. } = writer;
    importer.commit()?;
    if first_ms < last_ms {
        summary.from = chrono::DateTime::from_timestamp_millis(first_ms);
        summary.to = chrono::DateTime::from_timestamp_millis(last_ms);
    }
    // Sums of milliseconds as seconds: drop the float noise below a millisecond.
    for s in [&mut summary.imported_seconds, &mut summary.afk_seconds, &mut summary.overlap_seconds] {
        *s = (*s * 1000.0).round() / 1000.0;
    }
    Ok(summary)
}

fn file_error(path: &Path, e: ParseError) -> Error {
    let p = path.display();
    let msg = match e {
        ParseError::Io(e) => return Error::io(path, e),
        ParseError::StringTooLong { offset } => format!(
            "{p} holds a string longer than {} MiB starting at byte {offset}; no ActivityWatch export has one, so the \
             file is damaged or not an export. Nothing was imported; export your data from ActivityWatch again",
            MAX_STRING_BYTES >> 20
        ),
        ParseError::TooDeep { offset } => format!(
            "{p} nests arrays and objects more than {} levels deep at byte {offset}; no ActivityWatch export does, so \
             the file is damaged or not an export. Nothing was imported; export your data from ActivityWatch again",
            parse::MAX_DEPTH
        ),
        ParseError::Json { line, column, eof: true, .. } => format!(
            "{p} ends too soon (line {line}, column {column}): the export is incomplete or was cut off. Nothing was \
             imported; export your data from ActivityWatch again and import the new file"
        ),
        ParseError::Json { message, .. } => format!(
            "{p} is not a valid ActivityWatch export: {message}. Nothing was imported; import the JSON file that \
             ActivityWatch's \"Export all buckets as JSON\" saves"
        ),
        ParseError::NoBuckets => format!(
            "{p} has no \"buckets\" object, so it is not an ActivityWatch export. Nothing was imported; import the \
             JSON file that ActivityWatch's \"Export all buckets as JSON\" saves"
        ),
        ParseError::Stopped => format!("reading {p} was stopped"),
    };
    Error::Invalid(msg)
}

/// `[start, end)` of an event, or why it is not usable.
fn interval(ev: &RawEvent, now_ms: Millis) -> Result<(Millis, Millis), SkipReason> {
    let ts = ev.timestamp.as_ref().and_then(Scalar::as_str).ok_or(SkipReason::BadTimestamp)?;
    let start = chrono::DateTime::parse_from_rfc3339(ts).map_err(|_| SkipReason::BadTimestamp)?.timestamp_millis();
    let secs = match ev.duration {
        Some(Scalar::Num(d)) if d.is_finite() && d >= 0.0 => d,
        Some(Scalar::NotANumber) => return Err(SkipReason::NotANumber),
        _ => return Err(SkipReason::BadDuration),
    };
    if secs * 1000.0 > MAX_EVENT_MS as f64 {
        return Err(SkipReason::BadDuration);
    }
    let end = start + (secs * 1000.0).round() as Millis;
    if start < EARLIEST_MS || end > now_ms.saturating_add(DAY_MS) {
        return Err(SkipReason::OutOfRange);
    }
    if end == start {
        return Err(SkipReason::ZeroDuration);
    }
    Ok((start, end))
}

fn data(ev: &RawEvent) -> Result<&parse::Data, SkipReason> {
    match &ev.data {
        Some(Slot::Object(d)) => Ok(d),
        _ => Err(SkipReason::BadData),
    }
}

/// An optional string field: absent or null is `None`, another type is bad data.
fn opt_str(s: &Option<Scalar>) -> Result<Option<&str>, SkipReason> {
    match s {
        None | Some(Scalar::Null) => Ok(None),
        Some(Scalar::Str(s)) => Ok(Some(s)),
        _ => Err(SkipReason::BadData),
    }
}

fn cap(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}

/// A browser tab in front, from `web.tab.current`.
#[derive(Clone, Debug, PartialEq)]
struct Tab {
    start: Millis,
    end: Millis,
    /// Numbers in [`Tabs::strings`].
    url: u32,
    title: u32,
    incognito: bool,
}

/// One copy of each url and page title of the tabs, numbered: a year of tabs repeats the
/// same pages many times over, and a number is a quarter of a pointer to a string.
#[derive(Default)]
struct Strings {
    index: HashMap<Rc<str>, u32>,
    list: Vec<Rc<str>>,
}

impl Strings {
    fn intern(&mut self, s: String) -> u32 {
        if let Some(&i) = self.index.get(s.as_str()) {
            return i;
        }
        // 2^32 distinct strings would take a file of over 16 GiB; past that, the last
        // number stands for a string that matches no title, and those tabs give no url.
        let i = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        let new: Rc<str> = s.into();
        self.list.push(new.clone());
        self.index.insert(new, i);
        i
    }
}

/// Pass 1's sink: buckets, away time and tabs. Events of a bucket whose type is not yet
/// known are kept only if they look like away or tab events, and dropped at the bucket's
/// end unless its type says that is what they are.
#[derive(Default)]
struct Survey {
    now_ms: Millis,
    buckets: Vec<BucketInfo>,
    pending_afk: Vec<(Millis, Millis)>,
    pending_web: Vec<Tab>,
    pending_skips: HashMap<SkipReason, u64>,
    strings: Strings,
    afk: HashMap<Option<String>, Vec<(Millis, Millis)>>,
    web: Vec<Tab>,
    skipped: HashMap<SkipReason, u64>,
}

impl Survey {
    fn look(&mut self, ev: Slot<RawEvent>) -> Result<(), SkipReason> {
        let Slot::Object(ev) = ev else { return Err(SkipReason::NotAnObject) };
        let d = match &ev.data {
            Some(Slot::Object(d)) => d,
            _ => return Err(SkipReason::BadData),
        };
        if d.app.is_some() {
            // A window event, even with a url (the macOS window watcher adds one for some
            // browsers): pass 2 reads it; nothing is kept now.
            return Err(SkipReason::BadData);
        } else if d.status.is_some() {
            let afk = match d.status.as_ref().and_then(Scalar::as_str) {
                Some("afk") => true,
                Some("not-afk") => false,
                _ => return Err(SkipReason::BadData),
            };
            let iv = interval(&ev, self.now_ms)?;
            if afk {
                self.pending_afk.push(iv);
            }
        } else if d.url.is_some() {
            let url = opt_str(&d.url)?.ok_or(SkipReason::BadData)?;
            let title = opt_str(&d.title)?.unwrap_or_default();
            let incognito = match d.incognito {
                None | Some(Scalar::Null) => false,
                Some(Scalar::Bool(b)) => b,
                _ => return Err(SkipReason::BadData),
            };
            let (start, end) = interval(&ev, self.now_ms)?;
            self.pending_web.push(Tab {
                start,
                end,
                url: self.strings.intern(cap(url, MAX_TITLE_CHARS * 4)),
                title: self.strings.intern(cap(title, MAX_TITLE_CHARS)),
                incognito,
            });
        } else {
            // Neither away nor tab data: bad data in those buckets; in any other bucket
            // (window events, other watchers') pass 2 or nobody reads it, and this count
            // is dropped at the bucket's end.
            return Err(SkipReason::BadData);
        }
        Ok(())
    }

    /// The away intervals of each host, sorted and merged.
    fn away(&mut self) -> HashMap<Option<String>, Vec<(Millis, Millis)>> {
        std::mem::take(&mut self.afk).into_iter().map(|(host, ivs)| (host, merge(ivs))).collect()
    }
}

impl parse::Sink for Survey {
    fn event(&mut self, _bucket: usize, event: Slot<RawEvent>) -> Result<(), ()> {
        if let Err(reason) = self.look(event) {
            *self.pending_skips.entry(reason).or_default() += 1;
        }
        Ok(())
    }

    fn bucket_end(&mut self, _bucket: usize, info: BucketInfo) {
        let afk = std::mem::take(&mut self.pending_afk);
        let web = std::mem::take(&mut self.pending_web);
        let skips = std::mem::take(&mut self.pending_skips);
        let used = match info.kind.as_deref() {
            Some(AFK) => {
                self.afk.entry(info.hostname.clone()).or_default().extend(afk);
                true
            }
            Some(WEB) => {
                // Moved, not copied, when it is the first: two copies of a large bucket's
                // tabs would double the peak.
                if self.web.is_empty() {
                    self.web = web;
                } else {
                    self.web.extend(web);
                }
                true
            }
            _ => false,
        };
        if used {
            for (reason, n) in skips {
                *self.skipped.entry(reason).or_default() += n;
            }
        }
        self.buckets.push(info);
    }
}

/// Sorted, overlapping and touching intervals joined.
fn merge(mut ivs: Vec<(Millis, Millis)>) -> Vec<(Millis, Millis)> {
    ivs.sort_unstable();
    let mut out: Vec<(Millis, Millis)> = Vec::with_capacity(ivs.len());
    for (s, e) in ivs {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out.shrink_to_fit();
    out
}

/// `[start, end)` less the sorted, disjoint `away` intervals.
fn present(start: Millis, end: Millis, away: &[(Millis, Millis)]) -> Vec<(Millis, Millis)> {
    let mut out = Vec::new();
    let mut at = start;
    let first = away.partition_point(|&(_, e)| e <= start);
    for &(s, e) in &away[first..] {
        if s >= end {
            break;
        }
        if s > at {
            out.push((at, s));
        }
        at = at.max(e);
    }
    if at < end {
        out.push((at, end));
    }
    out
}

/// The tabs, sorted by start, searchable by time.
struct Tabs {
    tabs: Vec<Tab>,
    /// The latest end among `tabs[..=i]`, to stop a backwards search early.
    max_end: Vec<Millis>,
    strings: Vec<Rc<str>>,
}

impl Tabs {
    fn new(mut tabs: Vec<Tab>, strings: Vec<Rc<str>>) -> Tabs {
        tabs.sort_by_key(|t| (t.start, t.end));
        tabs.shrink_to_fit();
        let mut m = Millis::MIN;
        let max_end = tabs
            .iter()
            .map(|t| {
                m = m.max(t.end);
                m
            })
            .collect();
        Tabs { tabs, max_end, strings }
    }

    fn text(&self, i: u32) -> Option<&str> {
        self.strings.get(i as usize).map(|s| &**s)
    }

    /// `[start, end)` of a browser window titled `title`, cut where the tab in front
    /// changes. A tab counts only when the window's title starts with the page's title
    /// (the browser adds its name after it), so that another browser's tab or a stale one
    /// is not taken for this window's; where tabs overlap, the earliest started wins.
    fn split(&self, start: Millis, end: Millis, title: &str) -> Vec<(Millis, Millis, Option<&Tab>)> {
        let upto = self.tabs.partition_point(|t| t.start < end);
        let mut hits: Vec<&Tab> = Vec::new();
        for i in (0..upto).rev() {
            if self.max_end[i] <= start {
                break;
            }
            let t = &self.tabs[i];
            let Some(page) = self.text(t.title) else { continue };
            if t.end > start && (page.is_empty() || title.starts_with(page)) {
                hits.push(t);
            }
        }
        if hits.is_empty() {
            return vec![(start, end, None)];
        }
        hits.reverse();
        let mut cuts: Vec<Millis> = vec![start, end];
        for t in &hits {
            cuts.extend([t.start, t.end].into_iter().filter(|&c| c > start && c < end));
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut out: Vec<(Millis, Millis, Option<&Tab>)> = Vec::new();
        for w in cuts.windows(2) {
            let (s, e) = (w[0], w[1]);
            let tab = hits.iter().copied().find(|t| t.start <= s && t.end >= e);
            match out.last_mut() {
                Some(last) if last.1 == s && last.2.map(|t| t as *const Tab) == tab.map(|t| t as *const Tab) => {
                    last.1 = e
                }
                _ => out.push((s, e, tab)),
            }
        }
        out
    }
}

/// Pass 2's sink: writes each window event as it is read.
struct Writer<'a, 's> {
    buckets: &'a [BucketInfo],
    away: &'a HashMap<Option<String>, Vec<(Millis, Millis)>>,
    tabs: &'a Tabs,
    now_ms: Millis,
    offset_at: &'a dyn Fn(Millis) -> i32,
    is_excluded: &'a dyn Fn(&str) -> bool,
    classifier: &'a Classifier,
    browsers: HashMap<String, bool>,
    importer: Importer<'s>,
    summary: Summary,
    /// The start of the first and the end of the last span written.
    first_ms: Millis,
    last_ms: Millis,
    error: Option<Error>,
}

impl Writer<'_, '_> {
    fn away_of(&self, bucket: usize) -> &[(Millis, Millis)] {
        let host = &self.buckets[bucket].hostname;
        if let Some(v) = self.away.get(host) {
            return v;
        }
        // A watcher that did not say its host: with one host's away time, that is it.
        match (self.away.len(), self.away.values().next()) {
            (1, Some(v)) => v,
            _ => &[],
        }
    }

    fn is_browser(&mut self, app: &str) -> bool {
        if let Some(&b) = self.browsers.get(app) {
            return b;
        }
        let v = self.classifier.rules.classify(crate::classify::WindowRef { app, exe: None, title: "", url: None });
        self.browsers.insert(app.to_owned(), v.browser.is_some());
        v.browser.is_some()
    }

    fn window_event(&mut self, bucket: usize, ev: Slot<RawEvent>) -> Result<Result<(), SkipReason>> {
        let Slot::Object(ev) = ev else { return Ok(Err(SkipReason::NotAnObject)) };
        let checked = (|| {
            let d = data(&ev)?;
            let app = opt_str(&d.app)?.filter(|a| !a.is_empty()).ok_or(SkipReason::BadData)?;
            let title = opt_str(&d.title)?.unwrap_or_default();
            let url = opt_str(&d.url)?.map(|u| cap(u, MAX_TITLE_CHARS * 4));
            let iv = interval(&ev, self.now_ms)?;
            if (self.is_excluded)(app) {
                return Err(SkipReason::ExcludedApp);
            }
            Ok((app.to_owned(), cap(title, MAX_TITLE_CHARS), url, iv))
        })();
        let (app, title, own_url, (start, end)) = match checked {
            Ok(v) => v,
            Err(r) => return Ok(Err(r)),
        };
        let pieces = present(start, end, self.away_of(bucket));
        let present_ms: Millis = pieces.iter().map(|(s, e)| e - s).sum();
        self.summary.afk_seconds += (end - start - present_ms) as f64 / 1000.0;
        if pieces.is_empty() {
            return Ok(Err(SkipReason::Afk));
        }
        // A window event that carries its own url needs no tab to give it one.
        let browser = own_url.is_none() && self.is_browser(&app);
        let mut window = Window { app, title, url: own_url, ..Window::default() };
        let (mut written, mut existing, mut spans) = (0, 0, 0);
        for (s, e) in pieces {
            let parts = if browser { self.tabs.split(s, e, &window.title) } else { vec![(s, e, None)] };
            for (s, e, tab) in parts {
                if browser {
                    window.url = tab.and_then(|t| self.tabs.text(t.url)).map(str::to_owned);
                }
                let private = tab.is_some_and(|t| t.incognito);
                let c = self.importer.add(s, e, (self.offset_at)(s), &window, private)?;
                written += c.written_ms;
                existing += c.existing_ms;
                spans += c.spans;
                self.summary.overlap_seconds += (c.existing_ms + c.this_run_ms) as f64 / 1000.0;
                if let Some((first, last)) = c.hull {
                    self.first_ms = self.first_ms.min(first);
                    self.last_ms = self.last_ms.max(last);
                }
            }
        }
        if written > 0 {
            self.summary.imported_events += 1;
            self.summary.imported_spans += spans;
            self.summary.imported_seconds += written as f64 / 1000.0;
        } else if existing > 0 {
            self.summary.already_present += 1;
        } else {
            return Ok(Err(SkipReason::Overlap));
        }
        Ok(Ok(()))
    }
}

impl parse::Sink for Writer<'_, '_> {
    fn event(&mut self, bucket: usize, event: Slot<RawEvent>) -> Result<(), ()> {
        if self.buckets[bucket].kind.as_deref() != Some(WINDOW) {
            return Ok(());
        }
        match self.window_event(bucket, event) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(reason)) => {
                self.summary.skip(reason);
                Ok(())
            }
            Err(e) => {
                self.error = Some(e);
                Err(())
            }
        }
    }

    fn bucket_end(&mut self, _: usize, _: BucketInfo) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Rules;
    use crate::settings::TitlePolicy;
    use serde_json::json;

    const T0: Millis = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    fn ts(ms: Millis) -> String {
        chrono::DateTime::from_timestamp_millis(ms).unwrap().to_rfc3339()
    }

    fn ev(start: Millis, secs: f64, data: serde_json::Value) -> serde_json::Value {
        json!({"id": 1, "timestamp": ts(start), "duration": secs, "data": data})
    }

    fn run(store: &mut Store, export: &serde_json::Value) -> Result<Summary> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aw.json");
        std::fs::write(&path, serde_json::to_vec(export).unwrap()).unwrap();
        let c = Classifier { rules: Rules::builtin(), policy: TitlePolicy::All };
        let opts = Options {
            now_ms: T0 + 30 * DAY_MS,
            offset_at: &|_| 60,
            is_excluded: &|app| app == "keepassxc",
            progress: &mut |_| {},
        };
        import(&path, store, &c, opts)
    }

    #[test]
    fn away_time_is_cut_out() {
        assert_eq!(present(0, 100, &[(10, 20), (30, 40)]), vec![(0, 10), (20, 30), (40, 100)]);
        assert_eq!(present(15, 35, &[(10, 20), (30, 40)]), vec![(20, 30)]);
        assert_eq!(present(0, 10, &[(0, 10)]), vec![]);
        assert_eq!(merge(vec![(5, 8), (0, 3), (3, 4), (7, 9)]), vec![(0, 4), (5, 9)]);
    }

    #[test]
    fn browser_windows_take_the_url_of_the_matching_tab() {
        let mut strings = Strings::default();
        let mut tab = |s, e, url: &str, title: &str| Tab {
            start: s,
            end: e,
            url: strings.intern(url.into()),
            title: strings.intern(title.into()),
            incognito: false,
        };
        let list = vec![tab(50, 200, "b", "B"), tab(0, 50, "a", "A"), tab(0, 300, "other", "Other page")];
        let tabs = Tabs::new(list, strings.list);
        let got: Vec<_> = tabs
            .split(10, 100, "A — Mozilla Firefox")
            .into_iter()
            .map(|(s, e, t)| (s, e, t.and_then(|t| tabs.text(t.url))))
            .collect();
        assert_eq!(got, vec![(10, 50, Some("a")), (50, 100, None)]);
        let got: Vec<_> = tabs
            .split(10, 100, "B - Chromium")
            .into_iter()
            .map(|(s, e, t)| (s, e, t.and_then(|t| tabs.text(t.url))))
            .collect();
        assert_eq!(got, vec![(10, 50, None), (50, 100, Some("b"))]);
    }

    #[test]
    fn an_export_is_imported_once_with_bad_events_counted() {
        let window = |s, secs, app: &str, title: &str| ev(s, secs, json!({"app": app, "title": title}));
        let export = json!({"buckets": {
            "aw-watcher-window_h": {"events": [
                window(T0, 600.0, "firefox", "Home / X — Mozilla Firefox"),
                window(T0 + 600_000, 300.0, "xterm", "vim"),
                window(T0 + 700_000, 100.0, "xterm", "vim"),          // within the one before
                window(T0 + 900_000, 60.0, "keepassxc", "secrets"),
                ev(T0, -1.0, json!({"app": "a", "title": "t"})),
                ev(T0, f64::MAX, json!({"app": "a", "title": "t"})),
                json!({"timestamp": "yesterday", "duration": 1, "data": {"app": "a"}}),
                ev(T0 - 40 * 365 * DAY_MS, 1.0, json!({"app": "a", "title": "t"})),
                ev(T0, 1.0, json!({"app": 5, "title": "t"})),
                json!("an event"),
                ev(T0, 0.0, json!({"app": "a", "title": "t"})),
            ], "type": "currentwindow", "hostname": "h"},
            "aw-watcher-afk_h": {"type": "afkstatus", "hostname": "h", "events": [
                ev(T0 + 60_000, 60.0, json!({"status": "afk"})),
                ev(T0, 60.0, json!({"status": "not-afk"})),
                ev(T0, 60.0, json!({"status": 1})),
            ]},
            "aw-watcher-web-firefox": {"type": "web.tab.current", "hostname": "h", "events": [
                ev(T0, 300.0, json!({"url": "https://x.com/home", "title": "Home / X", "incognito": false})),
                ev(T0 + 300_000, 300.0, json!({"url": "https://x.com/secret", "title": "Home / X", "incognito": true})),
            ]},
            "aw-watcher-input_h": {"type": "os.hid.input", "events": [ev(T0, 5.0, json!({"presses": 3}))]},
        }});
        let mut store = Store::open_in_memory().unwrap();
        let s = run(&mut store, &export).unwrap();
        assert_eq!((s.imported_events, s.already_present), (2, 0));
        assert_eq!(s.imported_seconds, 540.0 + 300.0);
        assert_eq!(s.afk_seconds, 60.0);
        assert_eq!(s.overlap_seconds, 100.0);
        assert_eq!(s.buckets, crate::import::BucketCounts { window: 1, afk: 1, web: 1, other: 1 });
        assert_eq!(s.ignored_events, 1);
        let n = |r| s.skipped.get(&r).copied().unwrap_or(0);
        assert_eq!(n(SkipReason::BadDuration), 2);
        assert_eq!(n(SkipReason::BadTimestamp), 1);
        assert_eq!(n(SkipReason::OutOfRange), 1);
        assert_eq!(n(SkipReason::BadData), 2, "a numeric app, an afk status of 1");
        assert_eq!(n(SkipReason::NotAnObject), 1);
        assert_eq!(n(SkipReason::ZeroDuration), 1);
        assert_eq!(n(SkipReason::ExcludedApp), 1);
        assert_eq!(n(SkipReason::Overlap), 1);
        assert_eq!(s.from, chrono::DateTime::from_timestamp_millis(T0));
        assert_eq!(s.to, chrono::DateTime::from_timestamp_millis(T0 + 900_000));

        let rows = store.spans(0, Millis::MAX, 100).unwrap();
        let firefox: Vec<_> = rows.iter().filter(|r| r.app == "firefox").collect();
        assert!(firefox.iter().all(|r| r.platform.as_deref() == Some("x")));
        assert_eq!(firefox[0].url.as_deref(), Some("https://x.com/home"));
        let private = firefox.iter().find(|r| r.start_ms == T0 + 300_000).unwrap();
        assert_eq!((private.title.as_deref(), private.url.as_deref()), (None, None), "incognito keeps nothing");
        assert!(rows.iter().all(|r| r.utc_offset_min == 60));
        let total = store.total_ms().unwrap();

        let again = run(&mut store, &export).unwrap();
        // The event that overlapped another in the first run is now covered by stored time too.
        assert_eq!((again.imported_events, again.imported_spans, again.already_present), (0, 0, 3));
        assert_eq!(store.total_ms().unwrap(), total);
    }

    #[test]
    fn window_urls_are_kept_and_away_time_is_per_host() {
        let export = json!({"buckets": {
            "aw-watcher-window_mac": {"type": "currentwindow", "hostname": "mac", "events": [
                ev(T0, 60.0, json!({"app": "Google Chrome", "title": "Home / X", "url": "https://x.com/home"})),
            ]},
            "aw-watcher-window_h": {"type": "currentwindow", "hostname": "h", "events": [
                ev(T0 + 60_000, 60.0, json!({"app": "xterm", "title": "vim"})),
            ]},
            "aw-watcher-afk_mac": {"type": "afkstatus", "hostname": "mac", "events": [
                ev(T0 + 60_000, 60.0, json!({"status": "afk"})),
            ]},
            "aw-watcher-afk_h": {"type": "afkstatus", "hostname": "h", "events": [
                ev(T0, 60.0, json!({"status": "afk"})),
            ]},
        }});
        let mut store = Store::open_in_memory().unwrap();
        let s = run(&mut store, &export).unwrap();
        assert_eq!((s.imported_events, s.imported_seconds, s.afk_seconds), (2, 120.0, 0.0), "{s:?}");
        let rows = store.spans(0, Millis::MAX, 10).unwrap();
        assert_eq!(rows[0].url.as_deref(), Some("https://x.com/home"));
        assert_eq!(rows[0].platform.as_deref(), Some("x"));
    }

    /// Regression: a lone surrogate escape in one title failed the whole import, and a
    /// `NaN` duration failed the file with a vague message. Now the title is kept repaired
    /// and counted, the event with the `NaN` is skipped and counted, the rest imported.
    #[test]
    fn python_written_surrogates_and_nan_keep_the_rest_of_the_file() {
        let at = |ms: Millis| ts(ms);
        let text = format!(
            r#"{{"buckets": {{"aw-watcher-window_h": {{"type": "currentwindow", "hostname": "h", "events": [
                {{"timestamp": "{}", "duration": 60.0, "data": {{"app": "xterm", "title": "caf\udce9 menu"}}}},
                {{"timestamp": "{}", "duration": NaN, "data": {{"app": "xterm", "title": "vim"}}}},
                {{"timestamp": "{}", "duration": Infinity, "data": {{"app": "xterm", "title": "vim"}}}},
                {{"timestamp": "{}", "duration": 30, "data": {{"app": "xterm", "title": "vim \ud83d\ude00"}}}}
              ]}},
              "aw-watcher-afk_h": {{"type": "afkstatus", "hostname": "h", "events": [
                {{"timestamp": "{}", "duration": -Infinity, "data": {{"status": "afk"}}}}
              ]}}}}}}"#,
            at(T0),
            at(T0 + 60_000),
            at(T0 + 120_000),
            at(T0 + 180_000),
            at(T0)
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aw.json");
        std::fs::write(&path, text).unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let c = Classifier { rules: Rules::builtin(), policy: TitlePolicy::All };
        let opts = Options { now_ms: T0 + DAY_MS, offset_at: &|_| 0, is_excluded: &|_| false, progress: &mut |_| {} };
        let s = import(&path, &mut store, &c, opts).unwrap();
        assert_eq!((s.imported_events, s.imported_seconds, s.repaired_texts), (2, 90.0, 1), "{s:?}");
        assert_eq!(s.skipped.get(&SkipReason::NotANumber), Some(&3), "two window events and one afk event");
        assert_eq!(s.skipped_total(), 3);
        let titles: Vec<_> = store.spans(0, Millis::MAX, 10).unwrap().into_iter().map(|r| r.title).collect();
        assert_eq!(titles, [Some("caf\u{fffd} menu".to_owned()), Some("vim \u{1f600}".to_owned())]);
    }

    #[test]
    fn a_broken_file_writes_nothing() {
        let mut store = Store::open_in_memory().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aw.json");
        let good = json!({"buckets": {"w": {"type": "currentwindow", "events": [
            ev(T0, 60.0, json!({"app": "xterm", "title": "vim"})),
            ev(T0 + 60_000, 60.0, json!({"app": "xterm", "title": "vim"})),
        ]}}});
        let text = serde_json::to_string(&good).unwrap();
        std::fs::write(&path, &text[..text.len() - 10]).unwrap();
        let c = Classifier { rules: Rules::builtin(), policy: TitlePolicy::All };
        let opts = Options { now_ms: T0 + DAY_MS, offset_at: &|_| 0, is_excluded: &|_| false, progress: &mut |_| {} };
        let err = import(&path, &mut store, &c, opts).unwrap_err();
        assert!(err.to_string().contains("ends too soon"), "{err}");
        assert_eq!(store.span_count().unwrap(), 0);
    }
}
