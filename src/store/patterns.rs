//! Feeding engagement patterns from the store: one streaming pass over the spans of the
//! period and the previous period (for the trend), with the window → target table loaded
//! once, as for the usage report. A year of spans is never held in memory.

use super::Store;
use crate::analysis::{PatternBuilder, PatternParams, Patterns};
use crate::localday;
use crate::Result;

impl Store {
    /// Engagement patterns per target for `params`' local days, with the trend against the
    /// previous period of the same length.
    #[tracing::instrument(skip_all, err)]
    pub fn patterns(&self, params: PatternParams) -> Result<Patterns> {
        let (targets, by_window) = self.target_table()?;
        // From the start of the previous period: its minutes make the trend, and its last
        // sessions give the period's first returns.
        let (previous_from, _) = params.previous_period();
        let (lo, hi) = localday::utc_window(previous_from, params.to, params.day_start_hour);
        let mut builder = PatternBuilder::new(params);
        self.for_each_span(lo, hi, &by_window, |s| builder.push(s))?;
        Ok(builder.finish(&targets))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Rules;
    use crate::model::{Millis, Span, StoredWindow};
    use crate::settings::TitlePolicy;
    use crate::store::Classifier;
    use chrono::NaiveDate;
    use std::collections::BTreeMap;

    const S: i64 = 1000;
    const MIN: i64 = 60 * S;

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 5, d).unwrap()
    }

    fn span(start_ms: Millis, len_ms: i64, app: &str, title: &str) -> Span {
        Span {
            start_ms,
            end_ms: start_ms + len_ms,
            utc_offset_min: 120,
            window: StoredWindow { app: app.into(), exe: app.into(), title: Some(title.into()), ..Default::default() },
        }
    }

    fn params(from: NaiveDate, to: NaiveDate) -> PatternParams {
        PatternParams {
            from,
            to,
            day_start_hour: 4,
            session_gap_ms: 60 * S,
            check_max_ms: 30 * S,
            long_session_ms: 20 * MIN,
            quick_return_ms: 5 * MIN,
            night: (23 * 60, 5 * 60),
            caps: BTreeMap::from([("instagram".to_string(), 10 * MIN)]),
            previous: None,
        }
    }

    #[test]
    fn patterns_stream_from_the_store_including_the_previous_period() {
        let mut store = Store::open_in_memory().unwrap();
        let classifier = Classifier { rules: Rules::builtin(), policy: TitlePolicy::Targets };
        store.sync_classification(&classifier).unwrap();
        const IG: &str = "(3) Instagram — Mozilla Firefox";
        const EDITOR: &str = "usage.rs - mast - Visual Studio Code";
        // 12:00 local (+02:00) on the 1st and the 2nd.
        let noon = |d| localday::day_start_ms(date(d), 120, 0) + 12 * 60 * MIN;
        let spans = vec![
            span(noon(1), 5 * MIN, "firefox", IG), // the previous period
            span(noon(2), 15 * S, "firefox", IG),  // a check
            span(noon(2) + 15 * S, 2 * MIN, "Code", EDITOR),
            span(noon(2) + 2 * MIN + 15 * S, 12 * MIN, "firefox", IG), // back 2 min later
            span(noon(2) + 14 * MIN + 30 * S, 2 * MIN, "firefox", IG), // 15 s later: the same session
        ];
        store.insert_observed(spans, &classifier).unwrap();

        let p = store.patterns(params(date(2), date(2))).unwrap();
        assert_eq!((p.previous_from, p.previous_to), (date(1), date(1)));
        assert_eq!(p.targets.len(), 1, "{p:?}");
        let ig = &p.targets[0];
        assert_eq!(ig.platform, "instagram");
        assert_eq!((ig.seconds, ig.previous_seconds, ig.trend_ratio), (855.0, 300.0, Some(2.85)));
        // 14 min is over Instagram's 10-minute cap, though under the 20-minute default.
        assert_eq!((ig.sessions, ig.checks, ig.long_sessions), (2, 1, 1));
        let longest = ig.longest.unwrap();
        assert_eq!((longest.start_ms, longest.utc_offset_min, longest.seconds), (noon(2) + 135 * S, 120, 840.0));
        // Returns: from the 1st's session (23 h 55 min) and after the check (2 min, quick).
        assert_eq!((ig.return_median_seconds, ig.quick_return_share), (Some((86_100.0 + 120.0) / 2.0), Some(0.5)));
        assert_eq!(ig.hour_weekday_seconds[3][12], 855.0); // Thursday 2 May, 12:00

        let empty = store.patterns(params(date(20), date(26))).unwrap();
        assert!(empty.targets.is_empty());
    }
}
