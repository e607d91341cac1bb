//! Writing the realistic demo (usage and goals from [`crate::demo`]) into the demo's own
//! store, for surfaces that offer "load demo data". It never touches the user's store: the
//! caller passes the demo's paths ([`crate::paths::Paths::demo`]). The demo runs up to the
//! present: [`bring_up_to`] tops a demo filled earlier up to now, so Today and every period
//! have data whenever the demo is opened, also in the small hours.

use crate::model::{Millis, Span};
use crate::paths::Paths;
use crate::store::{Classifier, Store};
use crate::Result;

/// Fills `paths`' store with `days` of demo usage ending `now` and the demo goals, unless
/// it holds data already; returns the number of spans written (0 when it held data).
#[tracing::instrument(skip_all, err)]
pub fn write_if_empty(
    paths: &Paths,
    classifier: &Classifier,
    day_start_hour: u8,
    days: u32,
    now: Millis,
    utc_offset_min: i32,
) -> Result<u64> {
    paths.ensure_data_dir()?;
    let mut store = Store::open(&paths.db())?;
    store.sync_classification(classifier)?;
    if store.span_count()? > 0 || !store.goals()?.is_empty() {
        return Ok(0);
    }
    // The demo's usage ends now: a report never shows time from the future.
    let n = store.insert_observed(up_to_now(Millis::MIN, day_start_hour, days, now, utc_offset_min), classifier)?;
    for g in crate::demo::goals() {
        store.add_goal(&g, now)?;
    }
    Ok(n)
}

/// The seed of the demo person: the same usage on every machine.
const SEED: u64 = 0x6d61_7374;

/// Makes `paths`' demo store run up to `now`: fills an empty one with `days` of demo usage
/// and the demo goals, and tops one filled earlier up from its newest span to now (goals,
/// ratings and anything else the user did in the demo stay). Returns the spans written.
///
/// ```text
///   stored:   ====  ==  ===|newest
///   written:                 ==  ====  =|now     (the demo days, then the live tail)
/// ```
#[tracing::instrument(skip_all, err)]
pub fn bring_up_to(
    paths: &Paths,
    classifier: &Classifier,
    day_start_hour: u8,
    days: u32,
    now: Millis,
    utc_offset_min: i32,
) -> Result<u64> {
    paths.ensure_data_dir()?;
    let mut store = Store::open(&paths.db())?;
    store.sync_classification(classifier)?;
    let newest = store.last_spans(1)?.last().map(|s| s.end_ms);
    let fresh = newest.is_none() && store.goals()?.is_empty();
    let from = match newest {
        Some(end) if end >= now => return Ok(0),
        Some(end) => end,
        None => Millis::MIN,
    };
    let n = store.insert_observed(up_to_now(from, day_start_hour, days, now, utc_offset_min), classifier)?;
    if fresh {
        for g in crate::demo::goals() {
            store.add_goal(&g, now)?;
        }
    }
    Ok(n)
}

/// The demo's spans after `from`, through `now`: its realistic days cut at now, then its
/// live tail, so the last window is in front at `now`.
fn up_to_now(from: Millis, day_start_hour: u8, days: u32, now: Millis, utc_offset_min: i32) -> Vec<Span> {
    let today = crate::localday::local_day(now, utc_offset_min, day_start_hour);
    let mut spans: Vec<Span> = crate::demo::realistic(days, today, utc_offset_min, SEED)
        .take_while(|s| s.start_ms < now)
        .filter(|s| s.end_ms > from)
        .map(|mut s| {
            s.start_ms = s.start_ms.max(from);
            s.end_ms = s.end_ms.min(now);
            s
        })
        .collect();
    let last = spans.last().map_or(from, |s| s.end_ms);
    spans.extend(crate::demo::live_tail(last, now, utc_offset_min, SEED));
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Rules;
    use crate::settings::TitlePolicy;

    #[test]
    fn fills_an_empty_store_once() {
        let tmp = tempfile::tempdir().unwrap();
        let paths = Paths::in_dir(tmp.path().join("d"), tmp.path().join("c"));
        let c = Classifier { rules: Rules::builtin(), policy: TitlePolicy::Targets };
        let now = 1_790_000_000_000;
        let n = write_if_empty(&paths, &c, 4, 3, now, 60).unwrap();
        assert!(n > 0);
        assert_eq!(write_if_empty(&paths, &c, 4, 3, now, 60).unwrap(), 0);
        let store = Store::open(&paths.db()).unwrap();
        assert_eq!(store.goals().unwrap().len(), crate::demo::goals().len());
    }

    /// Local wall time `h:m` on 2026-11-28 at UTC+1, as epoch milliseconds.
    fn at(h: i64, m: i64) -> Millis {
        crate::localday::day_start_ms(chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(), 60, 0)
            + h * 3_600_000
            + m * 60_000
    }

    fn spans_of(paths: &Paths) -> Vec<crate::store::SpanRow> {
        Store::open(&paths.db()).unwrap().spans(Millis::MIN, Millis::MAX, 1_000_000).unwrap()
    }

    fn assert_ordered_and_disjoint(spans: &[crate::store::SpanRow]) {
        for w in spans.windows(2) {
            assert!(w[0].start_ms < w[0].end_ms && w[0].end_ms <= w[1].start_ms, "{:?} then {:?}", w[0], w[1]);
        }
    }

    /// Issue 15: the demo was empty in the morning, its data stopping before the 04:00 day
    /// start. Opened at 05:10, or at 02:00 (still the day before), it runs up to now.
    #[test]
    fn the_demo_runs_up_to_now_at_any_hour() {
        let c = Classifier { rules: Rules::builtin(), policy: TitlePolicy::Targets };
        for (h, m) in [(5, 10), (2, 0), (4, 1), (12, 0), (23, 30)] {
            let tmp = tempfile::tempdir().unwrap();
            let paths = Paths::in_dir(tmp.path().join("d"), tmp.path().join("c"));
            let now = at(h, m);
            assert!(bring_up_to(&paths, &c, 4, 3, now, 60).unwrap() > 0);
            let spans = spans_of(&paths);
            assert_ordered_and_disjoint(&spans);
            assert_eq!(spans.last().unwrap().end_ms, now, "at {h:02}:{m:02} the last window is in front now");
            let day_start = crate::localday::day_start_ms(crate::localday::local_day(now, 60, 4), 60, 4);
            let today: Millis =
                spans.iter().map(|s| s.end_ms.min(now) - s.start_ms.max(day_start)).filter(|&d| d > 0).sum();
            assert!(today >= (now - day_start).min(crate::demo::LIVE_MS) / 4, "at {h:02}:{m:02} today has {today} ms");
        }
    }

    #[test]
    fn a_demo_filled_earlier_is_topped_up_and_keeps_what_the_user_did() {
        let c = Classifier { rules: Rules::builtin(), policy: TitlePolicy::Targets };
        let tmp = tempfile::tempdir().unwrap();
        let paths = Paths::in_dir(tmp.path().join("d"), tmp.path().join("c"));
        bring_up_to(&paths, &c, 4, 3, at(9, 0), 60).unwrap();
        let before = spans_of(&paths);
        let goal = crate::goals::NewGoal {
            target: crate::goals::GoalTarget::Platform("x".into()),
            kind: crate::goals::GoalKind::DailyLimit { limit_secs: 600 },
            weekdays: crate::goals::Weekdays::ALL,
            source: crate::goals::GoalSource::Personal,
        };
        Store::open(&paths.db()).unwrap().add_goal(&goal, at(9, 0)).unwrap();
        // Opened again in the evening: the day in between is filled, up to now.
        let now = at(21, 15);
        assert!(bring_up_to(&paths, &c, 4, 3, now, 60).unwrap() > 0);
        let after = spans_of(&paths);
        assert_ordered_and_disjoint(&after);
        assert_eq!(&after[..before.len()], &before[..], "what was there stays as it was");
        assert_eq!(after.last().unwrap().end_ms, now);
        assert_eq!(Store::open(&paths.db()).unwrap().goals().unwrap().len(), crate::demo::goals().len() + 1);
        assert_eq!(bring_up_to(&paths, &c, 4, 3, now, 60).unwrap(), 0, "already up to now");
    }
}
