use super::*;
use crate::classify::Rules;
use crate::model::Window;
use crate::sensor::fake::observation;
use crate::settings::TitlePolicy;

const T0: Millis = 1_700_000_000_000;

fn tracker_with(settings: Settings) -> Tracker {
    let classifier = Classifier { rules: Rules::builtin(), policy: settings.title_policy };
    Tracker::new(TrackerConfig::from_settings(&settings), classifier, &settings)
}

fn tracker() -> Tracker {
    tracker_with(Settings { title_policy: TitlePolicy::All, afk_threshold_secs: 180, ..Settings::default() })
}

/// Feeds one poll a second from `T0 + from_s`; returns the spans closed.
fn feed(t: &mut Tracker, from_s: i64, polls: i64, app: &str, title: &str, idle_ms: u64) -> Vec<Span> {
    (0..polls)
        .filter_map(|i| t.observe(T0 + (from_s + i) * 1000, 60, &observation(Some((app, title)), idle_ms)))
        .collect()
}

fn secs(span: &Span) -> (i64, i64) {
    ((span.start_ms - T0) / 1000, (span.end_ms - T0) / 1000)
}

#[test]
fn steady_window_is_one_span_extended_every_poll() {
    let mut t = tracker();
    assert!(feed(&mut t, 0, 10, "xterm", "a", 0).is_empty());
    let open = t.open_span().unwrap();
    assert_eq!(secs(open), (0, 9));
    assert_eq!(open.window.title.as_deref(), Some("a"));
    assert_eq!(open.utc_offset_min, 60);
}

#[test]
fn window_change_ends_the_span_at_the_poll_that_saw_it() {
    let mut t = tracker();
    feed(&mut t, 0, 5, "xterm", "a", 0);
    let closed = feed(&mut t, 5, 3, "xterm", "b", 0);
    assert_eq!(closed.len(), 1);
    assert_eq!(secs(&closed[0]), (0, 5));
    assert_eq!(secs(t.open_span().unwrap()), (5, 7));
}

#[test]
fn idle_beyond_the_threshold_is_cut_back_to_the_last_input() {
    let mut t = tracker_with(Settings { afk_threshold_secs: 3, title_policy: TitlePolicy::All, ..Settings::default() });
    feed(&mut t, 0, 5, "xterm", "a", 0);
    // input stops at 5 s: idle grows 0,1,2 (still present) then 3 → away
    let mut closed = Vec::new();
    for i in 0..5 {
        closed.extend(t.observe(T0 + (5 + i) * 1000, 60, &observation(Some(("xterm", "a")), i as u64 * 1000)));
    }
    assert_eq!(closed.len(), 1);
    assert_eq!(secs(&closed[0]), (0, 5), "cut back to when input stopped");
    assert!(t.open_span().is_none());
    // back at 12.5 s: input 500 ms before the poll at 13 s
    assert!(t.observe(T0 + 13_000, 60, &observation(Some(("xterm", "a")), 500)).is_none());
    assert_eq!(t.open_span().unwrap().start_ms, T0 + 12_500);
}

#[test]
fn sleep_gap_ends_the_span_at_the_last_good_poll() {
    let mut t = tracker();
    feed(&mut t, 0, 5, "xterm", "a", 0);
    // the next poll comes an hour later (suspend)
    let closed = feed(&mut t, 3600, 3, "xterm", "a", 0);
    assert_eq!(closed.len(), 1);
    assert_eq!(secs(&closed[0]), (0, 4));
    assert_eq!(secs(t.open_span().unwrap()), (3600, 3602));
}

#[test]
fn clock_jumping_back_ends_the_span_and_counts_nothing_across() {
    let mut t = tracker();
    feed(&mut t, 100, 5, "xterm", "a", 0);
    let closed = feed(&mut t, 50, 3, "xterm", "a", 0);
    assert_eq!(closed.len(), 1);
    assert_eq!(secs(&closed[0]), (100, 104));
    assert_eq!(secs(t.open_span().unwrap()), (50, 52));
}

#[test]
fn a_short_delay_is_not_a_sleep() {
    let mut t = tracker();
    feed(&mut t, 0, 3, "xterm", "a", 0);
    assert!(feed(&mut t, 6, 2, "xterm", "a", 0).is_empty(), "a 4 s late poll keeps the span");
    assert_eq!(secs(t.open_span().unwrap()), (0, 7));
}

#[test]
fn no_window_and_excluded_apps_record_nothing() {
    let mut t = tracker_with(Settings {
        exclude_apps: vec!["KeePassXC".into()],
        title_policy: TitlePolicy::All,
        ..Settings::default()
    });
    feed(&mut t, 0, 3, "xterm", "a", 0);
    let closed = feed(&mut t, 3, 4, "keepassxc", "Passwords.kdbx", 0);
    assert_eq!(secs(&closed[0]), (0, 3));
    assert!(t.open_span().is_none());
    assert!(t.observe(T0 + 7_000, 60, &observation(None, 0)).is_none());
    assert!(t.open_span().is_none());
    feed(&mut t, 8, 2, "xterm", "a", 0);
    assert_eq!(secs(t.open_span().unwrap()), (8, 9));
}

#[test]
fn an_offset_change_starts_a_new_span() {
    let mut t = tracker();
    feed(&mut t, 0, 3, "xterm", "a", 0);
    let closed = t.observe(T0 + 3_000, 120, &observation(Some(("xterm", "a")), 0));
    assert_eq!(secs(&closed.unwrap()), (0, 3));
    assert_eq!(t.open_span().unwrap().utc_offset_min, 120);
}

#[test]
fn titles_dropped_by_the_policy_do_not_split_spans() {
    let mut t = tracker_with(Settings { title_policy: TitlePolicy::None, ..Settings::default() });
    feed(&mut t, 0, 3, "code", "main.rs - mast", 0);
    let closed = feed(&mut t, 3, 3, "code", "lib.rs - mast", 0);
    assert!(closed.is_empty());
    let open = t.open_span().unwrap();
    assert_eq!(secs(open), (0, 5));
    assert_eq!(open.window.title, None);
}

#[test]
fn sensor_loss_ends_the_span_at_the_last_good_poll() {
    let mut t = tracker();
    feed(&mut t, 0, 4, "xterm", "a", 0);
    assert_eq!(secs(&t.interrupt().unwrap()), (0, 3));
    feed(&mut t, 30, 2, "xterm", "a", 0);
    assert_eq!(secs(t.open_span().unwrap()), (30, 31));
}

#[test]
fn pid_changes_alone_do_not_split() {
    let mut t = tracker();
    let w = |pid| Observation {
        window: Some(Window { app: "xterm".into(), title: "a".into(), pid: Some(pid), ..Window::default() }),
        idle_ms: 0,
    };
    t.observe(T0, 60, &w(1));
    assert!(t.observe(T0 + 1000, 60, &w(2)).is_none());
    assert_eq!(secs(t.open_span().unwrap()), (0, 1));
}

#[test]
fn stopping_runs_the_span_to_the_stop_unless_the_last_poll_is_old() {
    let mut t = tracker();
    feed(&mut t, 0, 3, "xterm", "a", 0);
    assert_eq!(t.finish(T0 + 2_600).map(|s| s.end_ms), Some(T0 + 2_600));
    feed(&mut t, 10, 3, "xterm", "a", 0);
    assert_eq!(t.finish(T0 + 60_000).map(|s| s.end_ms), Some(T0 + 12_000));
}

/// Regression: after a stricter title policy was read, the tracker kept the open span as it
/// was taken under the old one, so the editor's title went back into the database after
/// history had been reclassified without it.
#[test]
fn a_stricter_policy_applies_at_once_to_the_open_span() {
    let mut t = tracker();
    feed(&mut t, 0, 5, "gedit", "Secret plan", 0);
    let targets = Classifier { rules: Rules::builtin(), policy: TitlePolicy::Targets };
    let closed = t.set_classifier(targets.clone()).expect("the span taken with its title ends");
    assert_eq!(closed.window.title.as_deref(), Some("Secret plan"));
    assert_eq!(secs(&closed), (0, 4));
    let open = t.open_span().expect("the window in front goes on in a new span");
    assert_eq!((open.window.title.as_deref(), secs(open)), (None, (4, 4)));
    assert!(feed(&mut t, 5, 3, "gedit", "Secret plan", 0).is_empty());
    let open = t.open_span().unwrap();
    assert_eq!(open.window.title, None, "the new span is taken under the new policy");
    assert_eq!(secs(open), (4, 7), "it starts where the other ended: nothing is lost");

    // A policy that stores the window in front the same way lets its span go on.
    assert!(t.set_classifier(targets).is_none());
    assert!(feed(&mut t, 8, 2, "gedit", "Secret plan", 0).is_empty());
    assert_eq!(secs(t.open_span().unwrap()), (4, 9));
}
