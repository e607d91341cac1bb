//! Writing imported spans: one transaction for a whole import, and the overlap policy.
//! Parsing a foreign format is not done here (see [`crate::import`]); this module owns how
//! imported time meets the time already stored.
//!
//! The policy: what is stored wins. An imported span is clipped to the gaps between the
//! spans already in the store (recorded by Mast, imported earlier, or imported earlier in
//! this same run), so time is never counted twice and importing the same file again adds
//! nothing:
//!
//! ```text
//! stored:    [aaaa)      [bbb)
//! imported:    [xxxxxxxxxxxxxxx)
//! written:         [xxxx)     [x)
//! ```

use super::{Classifier, Store};
use crate::model::{Millis, Span, StoredWindow, Window};
use crate::Result;
use rusqlite::OptionalExtension;
use std::collections::HashMap;

/// Beyond this many distinct windows the classification cache is dropped and rebuilt:
/// an import with a unique title per event must not grow it without bound.
const CACHE_MAX: usize = 20_000;

/// How much of one imported span was written and what covered the rest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clipped {
    pub written_ms: i64,
    /// Rows written (a span clipped around stored ones becomes several).
    pub spans: u64,
    /// Covered by spans stored before this import began.
    pub existing_ms: i64,
    /// Covered by spans this import wrote earlier.
    pub this_run_ms: i64,
    /// The start of the first and the end of the last span written.
    pub hull: Option<(Millis, Millis)>,
}

/// An import in progress: everything added is one transaction, committed by
/// [`Importer::commit`]; dropping the importer without committing rolls it all back, so a
/// failed import leaves the store exactly as it was.
pub struct Importer<'s> {
    store: &'s mut Store,
    classifier: &'s Classifier,
    cache: HashMap<(Window, bool), StoredWindow>,
    open: bool,
}

impl Store {
    /// Starts an import: takes the write lock for its whole duration. (Not instrumented
    /// with `err`: its closure cannot return the borrow of `self`.)
    pub fn begin_import<'s>(&'s mut self, classifier: &'s Classifier) -> Result<Importer<'s>> {
        let begin = (|| -> rusqlite::Result<()> {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            // The starts this run wrote, to tell time already stored before it from
            // overlaps within the imported file. A temp table, so that its size is SQLite's
            // to spill to disk, not this process's memory.
            self.conn.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS import_run (start_ms INTEGER PRIMARY KEY);
                 DELETE FROM temp.import_run;",
            )
        })();
        if let Err(e) = begin {
            let _ = self.conn.execute_batch("ROLLBACK");
            return Err(self.err(e));
        }
        Ok(Importer { store: self, classifier, cache: HashMap::new(), open: true })
    }
}

impl Importer<'_> {
    /// Adds the time `[start_ms, end_ms)` in `window`, clipped to the gaps between stored
    /// spans. `private` marks a window a source knows to be private (an incognito tab):
    /// it is classified like any other, but keeps neither title nor url.
    pub fn add(
        &mut self,
        start_ms: Millis,
        end_ms: Millis,
        utc_offset_min: i32,
        window: &Window,
        private: bool,
    ) -> Result<Clipped> {
        let r = self.add_inner(start_ms, end_ms, utc_offset_min, window, private);
        r.map_err(|e| self.store.err(e))
    }

    fn add_inner(
        &mut self,
        start_ms: Millis,
        end_ms: Millis,
        utc_offset_min: i32,
        window: &Window,
        private: bool,
    ) -> rusqlite::Result<Clipped> {
        let mut out = Clipped::default();
        if end_ms <= start_ms {
            return Ok(out);
        }
        let conn = &self.store.conn;
        let mut covers: Vec<(Millis, Millis)> = Vec::new();
        // Stored spans never overlap one another (the tracker cuts them, imports clip
        // them), so the one starting last before `start_ms` is the only earlier one that
        // can reach into the range.
        let before: Option<(Millis, i64)> = conn
            .prepare_cached("SELECT start_ms, dur_ms FROM spans WHERE start_ms < ?1 ORDER BY start_ms DESC LIMIT 1")?
            .query_row([start_ms], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((s, d)) = before.filter(|&(s, d)| s + d > start_ms) {
            covers.push((s, s + d));
        }
        {
            let mut st = conn.prepare_cached(
                "SELECT start_ms, dur_ms FROM spans WHERE start_ms >= ?1 AND start_ms < ?2 ORDER BY start_ms",
            )?;
            let rows = st.query_map([start_ms, end_ms], |r| Ok((r.get::<_, Millis>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (s, d) = row?;
                covers.push((s, s + d));
            }
        }
        let mut gaps = Vec::new();
        let mut at = start_ms;
        for &(s, e) in &covers {
            if s > at {
                gaps.push((at, s.min(end_ms)));
            }
            let covered = e.min(end_ms) - s.max(start_ms);
            if covered > 0 {
                let mine: bool = conn
                    .prepare_cached("SELECT count(*) FROM temp.import_run WHERE start_ms = ?1")?
                    .query_row([s], |r| r.get::<_, i64>(0))?
                    > 0;
                if mine {
                    out.this_run_ms += covered;
                } else {
                    out.existing_ms += covered;
                }
            }
            at = at.max(e);
        }
        if at < end_ms {
            gaps.push((at, end_ms));
        }
        if gaps.is_empty() {
            return Ok(out);
        }
        if self.cache.len() >= CACHE_MAX {
            self.cache.clear();
            self.store.windows.clear();
        }
        let classifier = self.classifier;
        let stored = self
            .cache
            .entry((window.clone(), private))
            .or_insert_with(|| {
                let mut verdict = classifier.rules.classify(crate::classify::WindowRef {
                    app: &window.app,
                    exe: window.exe.as_deref(),
                    title: &window.title,
                    url: window.url.as_deref(),
                });
                verdict.private |= private;
                crate::privacy::stored_window(window, verdict, classifier.policy)
            })
            .clone();
        let spans: Vec<Span> = gaps
            .iter()
            .map(|&(s, e)| Span { start_ms: s, end_ms: e, utc_offset_min, window: stored.clone() })
            .collect();
        self.store.write_spans_in_tx(&spans)?;
        out.hull = Some((gaps[0].0, gaps[gaps.len() - 1].1));
        let mut mark =
            self.store.conn.prepare_cached("INSERT OR IGNORE INTO temp.import_run (start_ms) VALUES (?1)")?;
        for &(s, e) in &gaps {
            mark.execute([s])?;
            out.written_ms += e - s;
            out.spans += 1;
        }
        Ok(out)
    }

    /// Makes everything added permanent.
    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        let r = self.store.conn.execute_batch("DELETE FROM temp.import_run; COMMIT");
        if let Err(e) = r {
            let _ = self.store.conn.execute_batch("ROLLBACK");
            self.store.windows.clear();
            return Err(self.store.err(e));
        }
        Ok(())
    }
}

impl Drop for Importer<'_> {
    fn drop(&mut self) {
        if self.open {
            if let Err(e) = self.store.conn.execute_batch("ROLLBACK") {
                tracing::warn!(error = %e, "could not roll back an unfinished import");
            }
            // Window ids handed out inside the rolled-back transaction no longer exist.
            self.store.windows.clear();
        }
    }
}

/// Every stored span as `(start, end)`, for tests of the policy.
#[cfg(test)]
fn starts(store: &Store) -> Vec<(Millis, Millis)> {
    let mut st = store.conn.prepare("SELECT start_ms, start_ms + dur_ms FROM spans ORDER BY start_ms").unwrap();
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Rules;
    use crate::settings::TitlePolicy;

    fn classifier() -> Classifier {
        Classifier { rules: Rules::builtin(), policy: TitlePolicy::All }
    }

    fn window(app: &str, title: &str, url: Option<&str>) -> Window {
        Window { app: app.into(), title: title.into(), url: url.map(Into::into), ..Window::default() }
    }

    #[test]
    fn imported_time_is_clipped_around_stored_spans_and_a_second_run_adds_nothing() {
        let mut store = Store::open_in_memory().unwrap();
        let stored = |s, e| Span {
            start_ms: s,
            end_ms: e,
            utc_offset_min: 0,
            window: StoredWindow { app: "xterm".into(), ..StoredWindow::default() },
        };
        store.write_spans(&[stored(1_000, 3_000), stored(5_000, 6_000)]).unwrap();
        let c = classifier();
        let w = window("firefox", "Home / X — Mozilla Firefox", None);
        let mut imp = store.begin_import(&c).unwrap();
        let a = imp.add(2_000, 8_000, 0, &w, false).unwrap();
        assert_eq!(
            a,
            Clipped { written_ms: 4_000, spans: 2, existing_ms: 2_000, this_run_ms: 0, hull: Some((3_000, 8_000)) }
        );
        // Overlapping what this run wrote.
        let b = imp.add(7_000, 9_000, 0, &w, false).unwrap();
        assert_eq!(
            b,
            Clipped { written_ms: 1_000, spans: 1, existing_ms: 0, this_run_ms: 1_000, hull: Some((8_000, 9_000)) }
        );
        imp.commit().unwrap();
        assert_eq!(
            starts(&store),
            vec![(1_000, 3_000), (3_000, 5_000), (5_000, 6_000), (6_000, 8_000), (8_000, 9_000)]
        );

        let mut again = store.begin_import(&c).unwrap();
        let a = again.add(2_000, 8_000, 0, &w, false).unwrap();
        assert_eq!((a.written_ms, a.existing_ms, a.this_run_ms), (0, 6_000, 0));
        again.commit().unwrap();
        assert_eq!(store.span_count().unwrap(), 5);
    }

    #[test]
    fn an_import_dropped_before_commit_leaves_nothing() {
        let mut store = Store::open_in_memory().unwrap();
        let c = classifier();
        {
            let mut imp = store.begin_import(&c).unwrap();
            imp.add(0, 10_000, 60, &window("xterm", "shell", None), false).unwrap();
        }
        assert_eq!(store.span_count().unwrap(), 0);
        let windows: i64 = store.conn().query_row("SELECT count(*) FROM windows", [], |r| r.get(0)).unwrap();
        assert_eq!(windows, 0);
        // The store is usable afterwards, with no stale window ids.
        store
            .write_spans(&[Span { start_ms: 0, end_ms: 5, utc_offset_min: 0, window: StoredWindow::default() }])
            .unwrap();
        assert_eq!(store.span_count().unwrap(), 1);
    }

    #[test]
    fn a_private_window_is_classified_but_keeps_no_title_or_url() {
        let mut store = Store::open_in_memory().unwrap();
        let c = classifier();
        let w = window("firefox", "Home / X — Mozilla Firefox", Some("https://x.com/home"));
        let mut imp = store.begin_import(&c).unwrap();
        imp.add(0, 1_000, 0, &w, true).unwrap();
        imp.add(1_000, 2_000, 0, &w, false).unwrap();
        imp.commit().unwrap();
        let rows = store.spans(0, Millis::MAX, 10).unwrap();
        assert_eq!(
            (rows[0].platform.as_deref(), rows[0].title.as_deref(), rows[0].url.as_deref()),
            (Some("x"), None, None)
        );
        assert_eq!(rows[1].url.as_deref(), Some("https://x.com/home"));
    }
}
