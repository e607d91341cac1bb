//! Feeding the objective mismatch from the store: the target table and the worth ratings
//! once, then one streaming pass over the spans of the scanned days that feeds goal
//! evaluation, captured time, ratings and engagement patterns together. A year of spans is
//! never held in memory, and never read twice.

use super::Store;
use crate::analysis::mismatch::{MismatchBuilder, MismatchParams, MismatchReport, RatedTime};
use crate::localday;
use crate::Result;

impl Store {
    /// The objective-mismatch report for `params`.
    /// Returns only once the store's page check passed (see [`Store::checked`]).
    #[tracing::instrument(skip_all, err)]
    pub fn mismatch(&self, params: MismatchParams) -> Result<MismatchReport> {
        let report = (|| {
            let (targets, by_window) = self.target_table()?;
            let (first, last) = params.scan_days();
            let (lo, hi) = localday::utc_window(first, last, params.day_start_hour);
            let ratings: Vec<RatedTime> = self
                .ratings(lo.saturating_sub(86_400_000), hi)?
                .into_iter()
                .map(|r| RatedTime { platform: r.platform, start_ms: r.start_ms, end_ms: r.end_ms, worth: r.worth })
                .collect();
            let mut builder = MismatchBuilder::new(params, targets, &ratings);
            self.for_each_span(lo, hi, &by_window, |s| builder.push(s))?;
            Ok(builder.finish())
        })();
        self.after_check(report)
    }
}
