//! The objective-mismatch report over a year of heavy use (525,600 spans of 20 s, the
//! workload of benches/year.rs), with a goal of every kind and worth ratings: the monthly
//! and the full-year report, each one pass over the spans feeding goal evaluation, captured
//! time, ratings and engagement patterns.
//! Budget (DESIGN.md): the full year with patterns and mismatch ≤ 100 ms, ≤ 50 MB peak RSS.
//! Peak RSS is measured on the whole `mast` process by `scripts/measure-year.sh`.

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use mast::analysis::mismatch::{MismatchParams, Period};
use mast::classify::Rules;
use mast::goals::{GoalKind, GoalSource, GoalTarget, NewGoal, Weekdays};
use mast::localday;
use mast::model::Category;
use mast::settings::TitlePolicy;
use mast::store::{Classifier, NewRating, RatingScope, Store};

fn mismatch(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mast.db");
    let end = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let classifier = Classifier { rules: Rules::builtin(), policy: TitlePolicy::Targets };
    let mut store = Store::open(&path).unwrap();
    store.sync_classification(&classifier).unwrap();
    assert_eq!(store.insert_observed(mast::demo::heavy_year(end, 60), &classifier).unwrap(), 525_600);
    let platform = |p: &str| GoalTarget::Platform(p.into());
    let kinds = [
        (platform("instagram"), GoalKind::DailyLimit { limit_secs: 30 * 60 }),
        (platform("instagram"), GoalKind::Downtime { start_min: 23 * 60, end_min: 7 * 60 }),
        (platform("youtube"), GoalKind::SessionCap { cap_secs: 15 * 60 }),
        (platform("youtube"), GoalKind::WeeklyLimit { limit_secs: 5 * 3600 }),
        (GoalTarget::Category(Category::Social), GoalKind::ChecksCap { max_per_day: 20 }),
        (platform("discord"), GoalKind::Intent { purpose: "talk to friends".into(), planned_secs: Some(600) }),
    ];
    for (target, kind) in kinds {
        let g = NewGoal { target, kind, weekdays: Weekdays::ALL, source: GoalSource::Personal };
        store.add_goal(&g, 0).unwrap();
    }
    // A rated day every week.
    for week in 0..52u64 {
        let day = end - Days::new(week * 7);
        let start = localday::day_start_ms(day, 60, 4);
        let r = NewRating {
            scope: RatingScope::Day,
            platform: None,
            start_ms: start,
            end_ms: start + 86_400_000,
            day,
            worth: week % 2 == 0,
        };
        store.add_rating(&r, start).unwrap();
    }
    let goals = store.goals().unwrap();
    let params = |period, from: NaiveDate| MismatchParams {
        period,
        from,
        to: end,
        today: end,
        now_ms: localday::day_start_ms(end, 60, 4) + 20 * 3_600_000,
        day_start_hour: 4,
        session_gap_ms: 60_000,
        check_max_ms: 30_000,
        long_session_ms: 20 * 60_000,
        quick_return_ms: 5 * 60_000,
        night: (23 * 60, 5 * 60),
        goals: goals.clone(),
        region: "us-canada".into(),
        top_without_goals: 3,
    };
    let year_from = end - Days::new(364);
    let month_from = end - Days::new(29);
    let r = store.mismatch(params(Period::Custom, year_from)).unwrap();
    println!(
        "year mismatch: {:.0} h on targets, {:.0} h captured, index {:.2}, {} rows",
        r.total_seconds / 3600.0,
        r.captured_seconds / 3600.0,
        r.mismatch_index.unwrap_or(0.0),
        r.targets.len()
    );

    let mut group = c.benchmark_group("mismatch");
    group.sample_size(20);
    group
        .bench_function("year_525600_spans", |b| b.iter(|| store.mismatch(params(Period::Custom, year_from)).unwrap()));
    group.bench_function("month", |b| b.iter(|| store.mismatch(params(Period::Month, month_from)).unwrap()));
    group.finish();
}

criterion_group!(benches, mismatch);
criterion_main!(benches);
