//! Writing the realistic demo (usage and goals from [`crate::demo`]) into the demo's own
//! store, for surfaces that offer "load demo data". It never touches the user's store: the
//! caller passes the demo's paths ([`crate::paths::Paths::demo`]).

use crate::model::Millis;
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
    let today = crate::localday::local_day(now, utc_offset_min, day_start_hour);
    // Today's demo usage ends now: a report never shows time from the future.
    let spans = crate::demo::realistic(days, today, utc_offset_min, 0x6d61_7374).take_while(|s| s.start_ms < now).map(
        |mut s| {
            s.end_ms = s.end_ms.min(now);
            s
        },
    );
    let n = store.insert_observed(spans, classifier)?;
    for g in crate::demo::goals() {
        store.add_goal(&g, now)?;
    }
    Ok(n)
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
}
