//! Feeding reports from the store: one streaming pass over the spans of a period, with the
//! window → target table loaded once. A year of spans is never held in memory.

use super::Store;
use crate::analysis::{Report, ReportBuilder, ReportParams, SpanRecord, TargetInfo};
use crate::localday;
use crate::model::Category;
use crate::Result;
use std::collections::HashMap;

impl Store {
    /// The usage report for `params`' local days.
    #[tracing::instrument(skip_all, err)]
    pub fn report(&self, params: ReportParams) -> Result<Report> {
        let (targets, by_window) = self.target_table()?;
        let (lo, hi) = localday::utc_window(params.from, params.to, params.day_start_hour);
        let mut builder = ReportBuilder::new(params);
        let mut st = self.conn.prepare_cached(
            "SELECT start_ms, dur_ms, utc_offset_min, window_id FROM spans
             WHERE start_ms >= ?1 AND start_ms < ?2 ORDER BY start_ms",
        )?;
        let mut rows = st.query([lo, hi])?;
        while let Some(r) = rows.next()? {
            // The schema makes all four INTEGER NOT NULL; `get_ref` skips the conversion
            // checks that a generic `get` would repeat 500,000 times a year.
            let int = |i| r.get_ref(i).and_then(|v| v.as_i64().map_err(Into::into));
            let start = int(0)?;
            let window = int(3)? as usize;
            builder.push(&SpanRecord {
                start_ms: start,
                end_ms: start + int(1)?,
                utc_offset_min: int(2)? as i32,
                target: by_window.get(window).copied().flatten(),
            });
        }
        Ok(builder.finish(&targets))
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
            let id = r.get::<_, i64>(0)? as usize;
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
