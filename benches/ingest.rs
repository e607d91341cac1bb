//! Tracker CPU per heartbeat: merge + classify + store, in-process, on a file database in
//! WAL mode as in production. Budget (DESIGN.md): ≤ 2 µs per observation.
//!
//! The workload is a day's rhythm compressed: windows (work apps and social sites in
//! browsers) held for 20 polls each, the open span flushed every 5 polls as `mast track`
//! does, every change stored at once.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mast::classify::Rules;
use mast::model::{Observation, Window};
use mast::settings::{Settings, TitlePolicy};
use mast::store::{Classifier, Store};
use mast::tracker::{Tracker, TrackerConfig};

const WINDOWS: &[(&str, &str)] = &[
    ("code", "main.rs - mast - Visual Studio Code"),
    ("firefox", "Home / X — Mozilla Firefox"),
    ("Google-chrome", "Cats compilation - YouTube - Google Chrome"),
    ("xterm", "cargo test"),
    ("discord", "#general | Friends - Discord"),
    ("firefox", "(3) Instagram — Mozilla Firefox"),
    ("firefox", "Rust documentation — Mozilla Firefox"),
];

fn observations() -> Vec<Observation> {
    WINDOWS
        .iter()
        .flat_map(|(app, title)| {
            let obs = Observation {
                window: Some(Window {
                    app: app.to_string(),
                    exe: Some(app.to_lowercase()),
                    title: title.to_string(),
                    url: None,
                    pid: Some(4242),
                }),
                idle_ms: 500,
            };
            std::iter::repeat_n(obs, 20)
        })
        .collect()
}

fn ingest(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("mast.db")).unwrap();
    let settings = Settings { title_policy: TitlePolicy::Targets, ..Settings::default() };
    let classifier = Classifier { rules: Rules::builtin(), policy: settings.title_policy };
    store.sync_classification(&classifier).unwrap();
    let mut tracker = Tracker::new(TrackerConfig::from_settings(&settings), classifier, &settings);
    let obs = observations();
    let mut now: i64 = 1_780_000_000_000;
    let mut i = 0usize;
    let mut last_write = now;

    let mut group = c.benchmark_group("tracker");
    group.throughput(Throughput::Elements(obs.len() as u64));
    group.bench_function("observe_merge_classify_store", |b| {
        b.iter(|| {
            for _ in 0..obs.len() {
                now += 1000;
                let o = &obs[i % obs.len()];
                i += 1;
                // As `mast track` does: a closed span is written at once with the open one,
                // and the open one at least every 5 s.
                match tracker.observe(now, 60, o) {
                    Some(closed) => {
                        let mut batch = vec![closed];
                        batch.extend(tracker.open_span().cloned());
                        store.write_spans(&batch).unwrap();
                        last_write = now;
                    }
                    None if now - last_write >= mast::track::FLUSH_EVERY_MS => {
                        if let Some(open) = tracker.open_span() {
                            store.write_spans(std::slice::from_ref(open)).unwrap();
                        }
                        last_write = now;
                    }
                    None => {}
                }
            }
        })
    });
    group.finish();
}

/// The in-memory part alone: merge + classify, no store.
fn merge_classify(c: &mut Criterion) {
    let settings = Settings { title_policy: TitlePolicy::Targets, ..Settings::default() };
    let classifier = Classifier { rules: Rules::builtin(), policy: settings.title_policy };
    let mut tracker = Tracker::new(TrackerConfig::from_settings(&settings), classifier, &settings);
    let obs = observations();
    let mut now: i64 = 1_780_000_000_000;
    let mut group = c.benchmark_group("tracker");
    group.throughput(Throughput::Elements(obs.len() as u64));
    group.bench_function("observe_merge_classify", |b| {
        b.iter(|| {
            for o in &obs {
                now += 1000;
                std::hint::black_box(tracker.observe(now, 60, o));
            }
        })
    });
    group.finish();
}

/// One flush of the open span: the transaction `mast track` commits every 5 s.
fn flush(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("mast.db")).unwrap();
    let mut span = mast::model::Span {
        start_ms: 1_780_000_000_000,
        end_ms: 1_780_000_001_000,
        utc_offset_min: 60,
        window: mast::model::StoredWindow { app: "xterm".into(), ..Default::default() },
    };
    c.bench_function("store/flush_open_span", |b| {
        b.iter(|| {
            span.end_ms += 1000;
            store.write_spans(std::slice::from_ref(&span)).unwrap();
        })
    });
}

criterion_group!(benches, ingest, merge_classify, flush);
criterion_main!(benches);
