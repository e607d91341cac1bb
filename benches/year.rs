//! A year of heavy use: 525,600 spans of 20 s over 365 days (8 h a day). Benchmarks the
//! full-year and one-month reports (and the year's with opening the store), and prints the database's bytes per span.
//! Budgets (DESIGN.md): year report ≤ 100 ms; storage ≤ 40 bytes per span, indexes included.
//! Peak RSS is measured on the whole `mast` process by `scripts/measure-year.sh`.

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use mast::analysis::ReportParams;
use mast::classify::Rules;
use mast::settings::TitlePolicy;
use mast::store::{Classifier, Store};

fn year(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mast.db");
    let end = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let classifier = Classifier { rules: Rules::builtin(), policy: TitlePolicy::Targets };
    {
        let mut store = Store::open(&path).unwrap();
        store.sync_classification(&classifier).unwrap();
        let n = store.insert_observed(mast::demo::heavy_year(end, 60), &classifier).unwrap();
        assert_eq!(n, 525_600);
        store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;").unwrap();
    }
    let bytes = std::fs::metadata(&path).unwrap().len();
    println!("year database: {bytes} bytes, {:.1} bytes per span (budget 40)", bytes as f64 / 525_600.0);

    let store = Store::open(&path).unwrap();
    let params = |from: NaiveDate| ReportParams {
        from,
        to: end,
        day_start_hour: 4,
        session_gap_ms: 60_000,
        check_max_ms: 30_000,
    };
    let year_from = end.checked_sub_days(Days::new(364)).unwrap();
    let month_from = end.checked_sub_days(Days::new(29)).unwrap();
    let r = store.report(params(year_from)).unwrap();
    println!("year report: {:.0} h active over {} days", r.total.active_seconds / 3600.0, r.days.len());

    let mut group = c.benchmark_group("report");
    group.sample_size(20);
    group.bench_function("year_525600_spans", |b| b.iter(|| store.report(params(year_from)).unwrap()));
    group.bench_function("month", |b| b.iter(|| store.report(params(month_from)).unwrap()));
    // What a `mast report` for the year pays besides the scan: opening the store, whose
    // page check runs first (the writing commands' way) or alongside the report.
    group.bench_function("open_then_year", |b| {
        b.iter(|| Store::open(&path).unwrap().report(params(year_from)).unwrap())
    });
    group.bench_function("open_checking_alongside_year", |b| {
        b.iter(|| Store::open_checking_alongside(&path).unwrap().report(params(year_from)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, year);
criterion_main!(benches);
