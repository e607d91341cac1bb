//! Feeding reports from the store: one streaming pass over the spans of a period, with the
//! window → target table loaded once. A year of spans is never held in memory.

use super::Store;
use crate::analysis::{Report, ReportBuilder, ReportParams, SpanRecord, TargetInfo};
use crate::localday;
use crate::model::{Category, Millis};
use crate::Result;
use std::collections::HashMap;

/// 16.7 million windows: decades of distinct titles; the table below costs 8 bytes each.
const MAX_WINDOW_ID: usize = 1 << 24;

impl Store {
    /// The usage report for `params`' local days.
    /// Returns only once the store's page check passed (see [`Store::checked`]).
    #[tracing::instrument(skip_all, err)]
    pub fn report(&self, params: ReportParams) -> Result<Report> {
        let report = (|| {
            let (targets, by_window) = self.target_table()?;
            let (lo, hi) = localday::utc_window(params.from, params.to, params.day_start_hour);
            let mut builder = ReportBuilder::new(params);
            self.for_each_span(lo, hi, &by_window, |s| builder.push(s))?;
            Ok(builder.finish(&targets))
        })();
        self.after_check(report)
    }

    /// Streams the spans starting in `[lo, hi)` in start order, each with its window's
    /// target index from `by_window` (see [`Store::target_table`]). The one scan behind
    /// every report: nothing is collected, so a year costs no memory.
    pub(super) fn for_each_span(
        &self,
        lo: Millis,
        hi: Millis,
        by_window: &[Option<u32>],
        mut f: impl FnMut(&SpanRecord),
    ) -> Result<()> {
        let mut scan = super::scan::SpanScan::new(&self.conn, lo, hi)?;
        let mut last_start = Millis::MIN;
        while let Some([start, dur, offset, window]) = scan.next()? {
            // The builders rely on what a sound file guarantees (rows in key order, the
            // schema's `dur_ms > 0`): a store whose page check runs alongside may be read
            // before the check found damage, and must then fail, not panic or overflow.
            let end = start.checked_add(dur).filter(|_| dur > 0 && start >= last_start);
            let Some(end) = end else {
                return Err(self.err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                    Some(format!("a span out of order or of no length at {start} ms")),
                )));
            };
            last_start = start;
            f(&SpanRecord {
                start_ms: start,
                end_ms: end,
                utc_offset_min: offset as i32,
                target: usize::try_from(window).ok().and_then(|w| by_window.get(w).copied().flatten()),
            });
        }
        Ok(())
    }

    /// Targets seen in the store, and for each window id the index of its target.
    pub(super) fn target_table(&self) -> Result<(Vec<TargetInfo>, Vec<Option<u32>>)> {
        let mut targets: Vec<TargetInfo> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut by_window: Vec<Option<u32>> = Vec::new();
        let mut st = self
            .conn
            .prepare_cached("SELECT id, platform, category FROM windows WHERE platform IS NOT NULL ORDER BY id")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            // Window ids are dense from 1 (SQLite's rowids): one far beyond any real store
            // is damage, and must not size the table below.
            let id = r.get::<_, i64>(0)?;
            let id = usize::try_from(id).ok().filter(|&id| id <= MAX_WINDOW_ID).ok_or_else(|| {
                self.err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                    Some(format!("a window id out of range ({id})")),
                ))
            })?;
            let platform: String = r.get(1)?;
            let category =
                r.get::<_, Option<String>>(2)?.as_deref().and_then(Category::parse).unwrap_or(Category::Social);
            let next = targets.len() as u32;
            let t = *index.entry(platform.clone()).or_insert_with(|| {
                targets.push(TargetInfo { platform, category });
                next
            });
            if by_window.len() <= id {
                by_window.resize(id + 1, None);
            }
            by_window[id] = Some(t);
        }
        Ok((targets, by_window))
    }
}
