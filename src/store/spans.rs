//! Writing and reading spans. Strings are interned through `windows`; a span row holds only
//! its start, duration, offset and window id.

use super::Store;
use crate::model::{Category, Millis, Span, StoredWindow};
use crate::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// A span with its window, as `mast log --json` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpanRow {
    pub start_ms: Millis,
    pub end_ms: Millis,
    pub utc_offset_min: i32,
    pub app: String,
    pub exe: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub platform: Option<String>,
    pub category: Option<Category>,
    pub rule: Option<String>,
}

/// The spans starting in `[?1, ?2)`, oldest first, with their window, in [`row`]'s columns.
macro_rules! span_select {
    ($tail:literal) => {
        concat!(
            "SELECT s.start_ms, s.dur_ms, s.utc_offset_min, a.class, a.exe, t.text, u.text,
                    w.platform, w.category, w.rule
             FROM spans s JOIN windows w ON w.id = s.window_id JOIN apps a ON a.id = w.app_id
             LEFT JOIN titles t ON t.id = w.title_id LEFT JOIN urls u ON u.id = w.url_id
             WHERE s.start_ms >= ?1 AND s.start_ms < ?2 ORDER BY s.start_ms",
            $tail
        )
    };
}

impl Store {
    /// Writes spans in one transaction: new ones are inserted, the open span (same start,
    /// same window) has its duration updated, and a span cut back to nothing is deleted.
    #[tracing::instrument(level = "debug", skip_all, err, fields(n = spans.len()))]
    pub fn write_spans(&mut self, spans: &[Span]) -> Result<()> {
        let result = self.write_spans_inner(spans);
        if result.is_err() {
            // Ids handed out inside the rolled-back transaction no longer exist.
            self.windows.clear();
        }
        result.map_err(|e| self.err(e))
    }

    fn write_spans_inner(&mut self, spans: &[Span]) -> rusqlite::Result<()> {
        // The common write, every few seconds for months: the open span grew. One UPDATE in
        // autocommit is its own transaction, without BEGIN and COMMIT round trips through
        // the VM. Zero rows changed means the span is new (or another window's span holds
        // the start), which the general path handles.
        if let [span] = spans {
            if let (Some(&id), true) = (self.windows.get(&span.window), span.duration_ms() > 0) {
                let changed = self
                    .conn
                    .prepare_cached("UPDATE spans SET dur_ms = ?2 WHERE start_ms = ?1 AND window_id = ?3")?
                    .execute(params![span.start_ms, span.duration_ms(), id])?;
                if changed == 1 {
                    return Ok(());
                }
            }
        }
        // The tracker commits every few seconds for months: BEGIN and COMMIT are cached
        // statements rather than re-parsed each time as `Connection::transaction` does.
        self.conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        let result = self.write_spans_in_tx(spans);
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = self.conn.prepare_cached(end)?.execute([]);
        if result.is_ok() {
            ended?;
        }
        result
    }

    pub(super) fn write_spans_in_tx(&mut self, spans: &[Span]) -> rusqlite::Result<()> {
        let tx = &self.conn;
        for span in spans {
            if span.duration_ms() <= 0 {
                // Only a span this store wrote can be cut back to nothing, so its window
                // id is cached.
                if let Some(&id) = self.windows.get(&span.window) {
                    tx.prepare_cached("DELETE FROM spans WHERE start_ms = ?1 AND window_id = ?2")?
                        .execute(params![span.start_ms, id])?;
                }
                continue;
            }
            let window_id = match self.windows.get(&span.window) {
                Some(&id) => id,
                None => {
                    let id = window_id(tx, &span.window)?;
                    self.windows.insert(span.window.clone(), id);
                    id
                }
            };
            let changed = tx
                .prepare_cached(
                    "INSERT INTO spans (start_ms, dur_ms, utc_offset_min, window_id)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (start_ms) DO UPDATE SET dur_ms = excluded.dur_ms
                     WHERE spans.window_id = excluded.window_id",
                )?
                .execute(params![span.start_ms, span.duration_ms(), span.utc_offset_min, window_id])?;
            if changed == 0 {
                // Another window's span starts at this very millisecond: only possible after
                // the clock jumped back. What is stored wins; this span is dropped.
                tracing::warn!(start_ms = span.start_ms, "a stored span already starts here; kept it");
            }
        }
        Ok(())
    }

    /// Spans starting in `[from_ms, to_ms)`, oldest first, at most `limit`.
    pub fn spans(&self, from_ms: Millis, to_ms: Millis, limit: usize) -> Result<Vec<SpanRow>> {
        let mut st = self.conn.prepare_cached(span_select!(" LIMIT ?3"))?;
        let rows = st.query_map(params![from_ms, to_ms, limit as i64], row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many spans start in `[from_ms, to_ms)`.
    pub fn count_spans(&self, from_ms: Millis, to_ms: Millis) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM spans WHERE start_ms >= ?1 AND start_ms < ?2",
            params![from_ms, to_ms],
            |r| r.get(0),
        )?)
    }

    /// Calls `f` with each span starting in `[from_ms, to_ms)`, oldest first, one row at a
    /// time (a year of spans is never in memory at once); stops at `f`'s first error.
    pub fn for_each_span_row(
        &self,
        from_ms: Millis,
        to_ms: Millis,
        mut f: impl FnMut(SpanRow) -> Result<()>,
    ) -> Result<()> {
        let mut st = self.conn.prepare_cached(span_select!(""))?;
        let mut rows = st.query(params![from_ms, to_ms])?;
        while let Some(r) = rows.next()? {
            f(row(r)?)?;
        }
        Ok(())
    }

    /// Every title and url stored, for the research export's privacy scan.
    pub fn stored_texts(&self, mut f: impl FnMut(&str)) -> Result<()> {
        let mut st = self.conn.prepare("SELECT text FROM titles UNION ALL SELECT text FROM urls")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            f(r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?);
        }
        Ok(())
    }

    /// The most recent `n` spans, oldest first.
    pub fn last_spans(&self, n: usize) -> Result<Vec<SpanRow>> {
        let first: Option<Millis> = self
            .conn
            .query_row(
                "SELECT start_ms FROM spans ORDER BY start_ms DESC LIMIT 1 OFFSET ?1",
                [n.saturating_sub(1) as i64],
                |r| r.get(0),
            )
            .optional()?;
        match first {
            Some(from) => self.spans(from, Millis::MAX, n),
            None => self.spans(Millis::MIN, Millis::MAX, n),
        }
    }

    pub fn span_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM spans", [], |r| r.get(0))?)
    }

    /// When the first span recorded starts; `None` when nothing is recorded.
    pub fn first_span_ms(&self) -> Result<Option<Millis>> {
        // `start_ms` is the primary key: this reads one row.
        Ok(self.conn.query_row("SELECT min(start_ms) FROM spans", [], |r| r.get(0))?)
    }

    /// Total recorded milliseconds, for checks after a crash or an import.
    pub fn total_ms(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT coalesce(sum(dur_ms), 0) FROM spans", [], |r| r.get(0))?)
    }
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SpanRow> {
    let start: Millis = r.get(0)?;
    let exe: String = r.get(4)?;
    let category: Option<String> = r.get(8)?;
    Ok(SpanRow {
        start_ms: start,
        end_ms: start + r.get::<_, i64>(1)?,
        utc_offset_min: r.get(2)?,
        app: r.get(3)?,
        exe: (!exe.is_empty()).then_some(exe),
        title: r.get(5)?,
        url: r.get(6)?,
        platform: r.get(7)?,
        category: category.as_deref().and_then(Category::parse),
        rule: r.get(9)?,
    })
}

/// Finds or creates the row of a stored window and the strings it refers to.
pub(super) fn window_id(tx: &Connection, w: &StoredWindow) -> rusqlite::Result<i64> {
    let app = intern_app(tx, &w.app, &w.exe)?;
    let title = w.title.as_deref().map(|t| intern(tx, Table::Titles, t)).transpose()?;
    let url = w.url.as_deref().map(|u| intern(tx, Table::Urls, u)).transpose()?;
    let found: Option<i64> = tx
        .prepare_cached(
            "SELECT id FROM windows WHERE app_id = ?1 AND title_id IS ?2 AND url_id IS ?3
               AND platform IS ?4
             ORDER BY id LIMIT 1",
        )?
        // The platform is part of the key: a private window of a platform stores no title,
        // like the untracked windows of the same browser, yet must stay apart from them.
        .query_row(params![app, title, url, w.platform], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    tx.prepare_cached(
        "INSERT INTO windows (app_id, title_id, url_id, platform, category, rule)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![app, title, url, w.platform, w.category.map(Category::as_str), w.rule])?;
    Ok(tx.last_insert_rowid())
}

fn intern_app(tx: &Connection, class: &str, exe: &str) -> rusqlite::Result<i64> {
    let found: Option<i64> = tx
        .prepare_cached("SELECT id FROM apps WHERE class = ?1 AND exe = ?2")?
        .query_row([class, exe], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    tx.prepare_cached("INSERT INTO apps (class, exe) VALUES (?1, ?2)")?.execute([class, exe])?;
    Ok(tx.last_insert_rowid())
}

#[derive(Clone, Copy)]
enum Table {
    Titles,
    Urls,
}

fn intern(tx: &Connection, table: Table, text: &str) -> rusqlite::Result<i64> {
    // Two static statements rather than one built with the table name.
    let (select, insert) = match table {
        Table::Titles => ("SELECT id FROM titles WHERE text = ?1", "INSERT INTO titles (text) VALUES (?1)"),
        Table::Urls => ("SELECT id FROM urls WHERE text = ?1", "INSERT INTO urls (text) VALUES (?1)"),
    };
    let found: Option<i64> = tx.prepare_cached(select)?.query_row([text], |r| r.get(0)).optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    tx.prepare_cached(insert)?.execute([text])?;
    Ok(tx.last_insert_rowid())
}

impl Store {
    /// Stores spans whose windows are raw (as a sensor or an import saw them): each is
    /// classified and put through the title policy, in batches of one transaction each.
    /// Returns the number of spans written.
    #[tracing::instrument(skip_all, err)]
    pub fn insert_observed(
        &mut self,
        spans: impl IntoIterator<Item = Span>,
        classifier: &super::Classifier,
    ) -> Result<u64> {
        use std::collections::HashMap;
        const BATCH: usize = 20_000;
        let mut cache: HashMap<(String, String, Option<String>, Option<String>), StoredWindow> = HashMap::new();
        let mut batch = Vec::with_capacity(BATCH);
        let mut n = 0u64;
        for mut span in spans {
            let w = std::mem::take(&mut span.window);
            let key = (w.app, w.exe, w.title, w.url);
            let stored = cache.entry(key).or_insert_with_key(|(app, exe, title, url)| {
                let raw = crate::model::Window {
                    app: app.clone(),
                    exe: (!exe.is_empty()).then(|| exe.clone()),
                    title: title.clone().unwrap_or_default(),
                    url: url.clone(),
                    pid: None,
                };
                let verdict = classifier.rules.classify(crate::classify::WindowRef {
                    app,
                    exe: raw.exe.as_deref(),
                    title: &raw.title,
                    url: url.as_deref(),
                });
                crate::privacy::stored_window(&raw, verdict, classifier.policy)
            });
            span.window = stored.clone();
            batch.push(span);
            if batch.len() == BATCH {
                self.write_spans(&batch)?;
                n += batch.len() as u64;
                batch.clear();
            }
        }
        self.write_spans(&batch)?;
        n += batch.len() as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: Millis, end: Millis, app: &str, title: Option<&str>) -> Span {
        Span {
            start_ms: start,
            end_ms: end,
            utc_offset_min: 60,
            window: StoredWindow { app: app.into(), title: title.map(Into::into), ..StoredWindow::default() },
        }
    }

    #[test]
    fn open_span_is_updated_in_place_and_strings_stored_once() {
        let mut store = Store::open_in_memory().unwrap();
        store.write_spans(&[span(1_000, 6_000, "firefox", Some("Home / X"))]).unwrap();
        store.write_spans(&[span(1_000, 11_000, "firefox", Some("Home / X"))]).unwrap();
        store.write_spans(&[span(11_000, 12_000, "firefox", Some("Home / X"))]).unwrap();
        let rows = store.spans(0, Millis::MAX, 10).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].start_ms, rows[0].end_ms), (1_000, 11_000));
        let titles: i64 = store.conn().query_row("SELECT count(*) FROM titles", [], |r| r.get(0)).unwrap();
        let windows: i64 = store.conn().query_row("SELECT count(*) FROM windows", [], |r| r.get(0)).unwrap();
        assert_eq!((titles, windows), (1, 1));
    }

    #[test]
    fn a_span_cut_back_to_nothing_is_deleted() {
        let mut store = Store::open_in_memory().unwrap();
        store.write_spans(&[span(1_000, 3_000, "xterm", None)]).unwrap();
        store.write_spans(&[span(1_000, 1_000, "xterm", None)]).unwrap();
        assert_eq!(store.span_count().unwrap(), 0);
    }

    /// Regression: after a backwards clock jump a new span could start at the same
    /// millisecond as a stored one of another window; the stored one must survive.
    #[test]
    fn a_colliding_start_never_overwrites_another_windows_span() {
        let mut store = Store::open_in_memory().unwrap();
        store.write_spans(&[span(1_000, 9_000, "xterm", None)]).unwrap();
        store.write_spans(&[span(1_000, 2_000, "firefox", None)]).unwrap();
        let rows = store.spans(0, Millis::MAX, 10).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].app.as_str(), rows[0].end_ms), ("xterm", 9_000));
    }

    /// Regression: a private window of a platform and the browser's untracked windows both
    /// store (app, no title); they must not share a window row and so a platform.
    #[test]
    fn untitled_windows_of_different_platforms_stay_apart() {
        let mut store = Store::open_in_memory().unwrap();
        let mut private = span(1_000, 2_000, "firefox", None);
        private.window.platform = Some("x".into());
        private.window.category = Some(Category::Social);
        store.write_spans(&[span(0, 1_000, "firefox", None), private]).unwrap();
        let rows = store.spans(0, Millis::MAX, 10).unwrap();
        assert_eq!(rows[0].platform, None);
        assert_eq!(rows[1].platform.as_deref(), Some("x"));
    }

    #[test]
    fn last_spans_returns_the_newest_oldest_first() {
        let mut store = Store::open_in_memory().unwrap();
        let spans: Vec<Span> = (0..10).map(|i| span(i * 10_000, i * 10_000 + 5_000, "a", None)).collect();
        store.write_spans(&spans).unwrap();
        let last = store.last_spans(3).unwrap();
        assert_eq!(last.iter().map(|r| r.start_ms).collect::<Vec<_>>(), vec![70_000, 80_000, 90_000]);
    }
}
