use super::*;
use crate::goals::{GoalId, GoalSource, Weekdays};

const S: i64 = 1000;
const MIN: i64 = 60 * S;

const IG: Option<u32> = Some(0);
const YT: Option<u32> = Some(1);
const TT: Option<u32> = Some(2);

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Local wall time at a fixed offset, as epoch ms.
fn local(y: i32, m: u32, d: u32, h: u32, mi: u32, off: i32) -> Millis {
    date(y, m, d).and_hms_opt(h, mi, 0).unwrap().and_utc().timestamp_millis() - i64::from(off) * MIN
}

fn targets() -> Vec<TargetInfo> {
    vec![
        TargetInfo { platform: "instagram".into(), category: Category::Social },
        TargetInfo { platform: "youtube".into(), category: Category::Video },
        TargetInfo { platform: "tiktok".into(), category: Category::Social },
    ]
}

fn goal(id: i64, target: &str, kind: GoalKind) -> Goal {
    let target = match target {
        "social" => GoalTarget::Category(Category::Social),
        "video" => GoalTarget::Category(Category::Video),
        p => GoalTarget::Platform(p.into()),
    };
    Goal { id: GoalId(id), target, kind, weekdays: Weekdays::ALL, paused: false, source: GoalSource::Personal }
}

fn daily(id: i64, target: &str, mins: u32) -> Goal {
    goal(id, target, GoalKind::DailyLimit { limit_secs: mins * 60 })
}

/// A week of May 2024 (Monday 6th to Sunday 12th), judged on the evening of the 12th.
fn params(goals: Vec<Goal>) -> MismatchParams {
    MismatchParams {
        period: Period::Week,
        from: date(2024, 5, 6),
        to: date(2024, 5, 12),
        today: date(2024, 5, 13),
        now_ms: local(2024, 5, 13, 12, 0, 0),
        day_start_hour: 4,
        session_gap_ms: 60 * S,
        check_max_ms: 30 * S,
        long_session_ms: 20 * MIN,
        quick_return_ms: 5 * MIN,
        night: (23 * 60, 5 * 60),
        goals,
        region: "us-canada".into(),
        top_without_goals: 3,
    }
}

/// Spans as `(start, end, target)` at offset `off`, in start order.
fn run(p: MismatchParams, off: i32, spans: &[(Millis, Millis, Option<u32>)]) -> MismatchReport {
    run_rated(p, off, spans, &[])
}

fn run_rated(
    p: MismatchParams,
    off: i32,
    spans: &[(Millis, Millis, Option<u32>)],
    rated: &[RatedTime],
) -> MismatchReport {
    let mut b = MismatchBuilder::new(p, targets(), rated);
    let mut sorted = spans.to_vec();
    sorted.sort_by_key(|s| s.0);
    for &(start_ms, end_ms, target) in &sorted {
        b.push(&SpanRecord { start_ms, end_ms, utc_offset_min: off, target });
    }
    b.finish()
}

fn row<'a>(r: &'a MismatchReport, key: &str) -> &'a TargetMismatch {
    r.targets.iter().find(|t| target_key(&t.target) == key).unwrap_or_else(|| panic!("no row {key} in {r:#?}"))
}

fn day(e: &GoalEvaluation, d: u32) -> &GoalDay {
    e.days.iter().find(|x| x.date == date(2024, 5, d)).unwrap()
}

#[test]
fn daily_limit_kept_broken_and_captured_beyond_the_limit() {
    let spans = [
        (local(2024, 5, 6, 10, 0, 0), local(2024, 5, 6, 10, 20, 0), IG), // 20 of 30: kept
        (local(2024, 5, 7, 10, 0, 0), local(2024, 5, 7, 10, 45, 0), IG), // 45: broken, 15 captured
        (local(2024, 5, 8, 20, 0, 0), local(2024, 5, 8, 20, 25, 0), IG),
        (local(2024, 5, 8, 21, 0, 0), local(2024, 5, 8, 21, 10, 0), IG), // 35: 5 captured
    ];
    let r = run(params(vec![daily(1, "instagram", 30)]), 0, &spans);
    let ig = row(&r, "instagram");
    let e = &ig.goals[0];
    assert_eq!((day(e, 6).status, day(e, 6).used_seconds, day(e, 6).left_seconds), (Status::Kept, 1200.0, Some(600.0)));
    assert_eq!((day(e, 7).status, day(e, 7).left_seconds), (Status::Broken, Some(0.0)));
    assert_eq!(day(e, 8).status, Status::Broken);
    assert_eq!(day(e, 9).status, Status::Kept, "an empty day keeps a limit");
    assert_eq!((e.days_applicable, e.days_kept, e.days_broken), (7, 5, 2));
    assert_eq!(e.captured_seconds, 20.0 * 60.0);
    assert_eq!((ig.seconds, ig.captured_seconds), (100.0 * 60.0, 20.0 * 60.0));
    assert_eq!(ig.mismatch_index, Some(0.2));
    assert_eq!(e.status, Status::Broken);
    assert_eq!(e.objective, "at most 30 min a day");
    assert!(e.measured.contains("kept on 5 of 7 days"), "{}", e.measured);
    assert_eq!(ig.daily_seconds[..3], [1200.0, 2700.0, 2100.0]);
    assert_eq!((r.total_seconds, r.captured_seconds), (6000.0, 1200.0));
}

#[test]
fn today_near_a_limit_is_at_risk_and_later_days_are_future() {
    let mut p = params(vec![daily(1, "instagram", 30)]);
    p.today = date(2024, 5, 9);
    p.now_ms = local(2024, 5, 9, 12, 0, 0);
    let spans = [(local(2024, 5, 9, 10, 0, 0), local(2024, 5, 9, 10, 25, 0), IG)];
    let r = run(p, 0, &spans);
    let e = &row(&r, "instagram").goals[0];
    assert_eq!(day(e, 9).status, Status::AtRisk, "25 of 30 min, day in progress");
    assert_eq!(day(e, 10).status, Status::Future);
    assert_eq!((e.days_applicable, e.days_at_risk), (4, 1));
    assert_eq!(e.status, Status::AtRisk);
}

#[test]
fn a_limit_only_judges_its_weekdays() {
    let mut g = daily(1, "instagram", 10);
    g.weekdays = Weekdays::WORKDAYS;
    // Saturday the 11th: 40 minutes, not a goal day: nothing captured.
    let spans = [(local(2024, 5, 11, 10, 0, 0), local(2024, 5, 11, 10, 40, 0), IG)];
    let r = run(params(vec![g]), 0, &spans);
    let ig = row(&r, "instagram");
    assert_eq!(day(&ig.goals[0], 11).status, Status::NotApplicable);
    assert_eq!((ig.goals[0].days_applicable, ig.captured_seconds), (5, 0.0));
    assert_eq!(ig.mismatch_index, Some(0.0));
    assert_eq!(ig.goals[0].objective, "at most 10 min a day on weekdays");
}

#[test]
fn weekly_limit_captures_beyond_the_weeks_total_and_reports_weeks() {
    let g = goal(1, "youtube", GoalKind::WeeklyLimit { limit_secs: 2 * 3600 });
    // Monday 1 h, Wednesday 1 h 30 (30 min over), Friday 20 min (all over).
    let spans = [
        (local(2024, 5, 6, 20, 0, 0), local(2024, 5, 6, 21, 0, 0), YT),
        (local(2024, 5, 8, 20, 0, 0), local(2024, 5, 8, 21, 30, 0), YT),
        (local(2024, 5, 10, 20, 0, 0), local(2024, 5, 10, 20, 20, 0), YT),
        // The week before does not count toward this week's limit.
        (local(2024, 5, 3, 20, 0, 0), local(2024, 5, 3, 23, 0, 0), YT),
    ];
    let r = run(params(vec![g]), 0, &spans);
    let yt = row(&r, "youtube");
    let e = &yt.goals[0];
    assert_eq!(yt.captured_seconds, 50.0 * 60.0);
    assert_eq!(e.weeks.len(), 1);
    let w = &e.weeks[0];
    assert_eq!(
        (w.from, w.to, w.status, w.used_seconds, w.left_seconds),
        (date(2024, 5, 6), date(2024, 5, 12), Status::Broken, 170.0 * 60.0, 0.0)
    );
    assert_eq!(
        (day(e, 6).status, day(e, 8).status),
        (Status::Kept, Status::Broken),
        "the running total passes 2 h on Wednesday"
    );
    assert_eq!(e.status, Status::Broken);
}

#[test]
fn weekly_limit_in_a_month_sees_whole_weeks() {
    let mut p = params(vec![goal(1, "youtube", GoalKind::WeeklyLimit { limit_secs: 3600 })]);
    // May 2024 starts on a Wednesday: its first week began on Monday 29 April.
    (p.period, p.from, p.to, p.today) = (Period::Month, date(2024, 5, 1), date(2024, 5, 31), date(2024, 6, 3));
    assert_eq!(p.scan_days().0, date(2024, 4, 1), "the previous month, for the trend");
    assert_eq!(p.scan_days().1, date(2024, 6, 2), "to the Sunday of the last week");
    let spans = [
        (local(2024, 4, 29, 20, 0, 0), local(2024, 4, 29, 20, 50, 0), YT), // Monday before the month
        (local(2024, 5, 2, 20, 0, 0), local(2024, 5, 2, 20, 20, 0), YT),   // 10 min over, in the month
    ];
    let r = run(p, 0, &spans);
    let yt = row(&r, "youtube");
    assert_eq!(yt.captured_seconds, 600.0);
    assert_eq!(yt.goals[0].weeks.len(), 5);
    assert_eq!((yt.goals[0].weeks[0].used_seconds, yt.goals[0].weeks[0].status), (4200.0, Status::Broken));
}

#[test]
fn downtime_across_midnight_and_the_day_start_hour() {
    let g = goal(1, "instagram", GoalKind::Downtime { start_min: 23 * 60, end_min: 7 * 60 });
    // Tuesday 22:30 to Wednesday 05:00: 6 h inside (23:00–05:00). Local days start at 04:00,
    // so 23:00–04:00 is Tuesday's (5 h) and 04:00–05:00 is Wednesday's (1 h).
    let spans = [(local(2024, 5, 7, 22, 30, 0), local(2024, 5, 8, 5, 0, 0), IG)];
    let r = run(params(vec![g]), 0, &spans);
    let ig = row(&r, "instagram");
    let e = &ig.goals[0];
    assert_eq!((day(e, 7).downtime_seconds, day(e, 8).downtime_seconds), (5.0 * 3600.0, 3600.0));
    assert_eq!((day(e, 7).status, day(e, 8).status, day(e, 6).status), (Status::Broken, Status::Broken, Status::Kept));
    assert_eq!(ig.captured_seconds, 6.0 * 3600.0);
    let f = ig.findings.iter().find(|f| f.metric == "downtimeSeconds").unwrap();
    assert_eq!(f.value, 6.0 * 3600.0);
    assert!(f.text.starts_with("6 h 00 min inside downtime (23:00–07:00), on 2 days"), "{}", f.text);
}

#[test]
fn a_downtime_window_belongs_to_the_weekday_it_opens() {
    let mut g = goal(1, "instagram", GoalKind::Downtime { start_min: 23 * 60, end_min: 7 * 60 });
    g.weekdays = Weekdays(1 << 6); // Sunday nights only
    let spans = [
        (local(2024, 5, 11, 23, 30, 0), local(2024, 5, 12, 0, 30, 0), IG), // Saturday night: free
        (local(2024, 5, 13, 1, 0, 0), local(2024, 5, 13, 1, 30, 0), IG),   // Sunday night, after midnight
    ];
    let mut p = params(vec![g]);
    p.to = date(2024, 5, 13);
    p.today = date(2024, 5, 14);
    let r = run(p, 0, &spans);
    let ig = row(&r, "instagram");
    assert_eq!(ig.captured_seconds, 1800.0);
    // 01:00 on Monday is before the 04:00 day start: Sunday's local day.
    assert_eq!(day(&ig.goals[0], 12).downtime_seconds, 1800.0);
    assert_eq!(day(&ig.goals[0], 6).status, Status::Kept, "Monday's local day meets Sunday night's window's end");
    assert_eq!(day(&ig.goals[0], 9).status, Status::NotApplicable);
}

#[test]
fn downtime_inside_a_day_that_starts_in_the_window() {
    // A window 02:00–06:00 with days starting at 04:00 straddles the day start.
    let g = goal(1, "instagram", GoalKind::Downtime { start_min: 2 * 60, end_min: 6 * 60 });
    let spans = [(local(2024, 5, 9, 3, 0, 0), local(2024, 5, 9, 5, 0, 0), IG)];
    let r = run(params(vec![g]), 0, &spans);
    let e = &row(&r, "instagram").goals[0];
    assert_eq!((day(e, 8).downtime_seconds, day(e, 9).downtime_seconds), (3600.0, 3600.0));
}

#[test]
fn session_cap_captures_past_the_cap_and_a_session_over_the_day_edge_counts_on_its_start_day() {
    let g = goal(1, "youtube", GoalKind::SessionCap { cap_secs: 15 * 60 });
    let spans = [
        // 03:50 to 04:20 on Wednesday: a 30-minute session that began on Tuesday's local day.
        (local(2024, 5, 8, 3, 50, 0), local(2024, 5, 8, 4, 20, 0), YT),
        // Two spans 30 s apart: one 20-minute session.
        (local(2024, 5, 10, 20, 0, 0), local(2024, 5, 10, 20, 10, 0), YT),
        (local(2024, 5, 10, 20, 10, 0) + 30 * S, local(2024, 5, 10, 20, 20, 0) + 30 * S, YT),
        // A new session after a 5-minute gap: 10 min, under the cap.
        (local(2024, 5, 10, 20, 25, 0) + 30 * S, local(2024, 5, 10, 20, 35, 0) + 30 * S, YT),
    ];
    let r = run(params(vec![g]), 0, &spans);
    let yt = row(&r, "youtube");
    let e = &yt.goals[0];
    assert_eq!((day(e, 7).status, day(e, 7).longest_session_seconds), (Status::Broken, 1800.0));
    assert_eq!((day(e, 7).used_seconds, day(e, 8).used_seconds), (600.0, 1200.0));
    assert_eq!(day(e, 8).status, Status::Kept, "the session started the day before");
    assert_eq!((day(e, 10).status, day(e, 10).sessions), (Status::Broken, 2));
    assert_eq!(yt.captured_seconds, (15.0 + 5.0) * 60.0);
    assert_eq!(yt.patterns.as_ref().unwrap().long_sessions, 2, "the cap makes them long");
    assert!(e.measured.contains("longest 30 min"), "{}", e.measured);
}

#[test]
fn session_cap_at_risk_while_a_session_goes_on() {
    let mut p = params(vec![goal(1, "youtube", GoalKind::SessionCap { cap_secs: 15 * 60 })]);
    p.today = date(2024, 5, 10);
    p.now_ms = local(2024, 5, 10, 20, 13, 0) + 10 * S;
    let spans = [(local(2024, 5, 10, 20, 0, 0), local(2024, 5, 10, 20, 13, 0), YT)];
    let r = run(p, 0, &spans);
    assert_eq!(day(&row(&r, "youtube").goals[0], 10).status, Status::AtRisk);
}

#[test]
fn checks_cap_captures_every_session_after_the_allowed_number() {
    let g = goal(1, "instagram", GoalKind::ChecksCap { max_per_day: 2 });
    let spans: Vec<_> =
        (0..4).map(|i| (local(2024, 5, 6, 10 + i, 0, 0), local(2024, 5, 6, 10 + i, 1, 0), IG)).collect();
    let r = run(params(vec![g]), 0, &spans);
    let ig = row(&r, "instagram");
    let e = &ig.goals[0];
    assert_eq!((day(e, 6).sessions, day(e, 6).status), (4, Status::Broken));
    assert_eq!(ig.captured_seconds, 120.0);
    assert!(e.measured.starts_with("up to 4 sessions a day; kept on 6 of 7 days"), "{}", e.measured);
}

#[test]
fn a_category_goal_follows_its_platforms_together() {
    // Instagram then TikTok 20 s later: one social session of 20 minutes.
    let g = goal(1, "social", GoalKind::SessionCap { cap_secs: 15 * 60 });
    let spans = [
        (local(2024, 5, 6, 21, 0, 0), local(2024, 5, 6, 21, 10, 0), IG),
        (local(2024, 5, 6, 21, 10, 0) + 20 * S, local(2024, 5, 6, 21, 20, 0) + 20 * S, TT),
        (local(2024, 5, 6, 22, 0, 0), local(2024, 5, 6, 22, 30, 0), YT), // video: not covered
    ];
    let r = run(params(vec![g]), 0, &spans);
    let social = row(&r, "social");
    assert_eq!((social.seconds, social.captured_seconds), (1200.0, 300.0));
    assert_eq!(social.patterns.as_ref().unwrap().sessions, 1);
    assert_eq!(social.goals[0].days[0].sessions, 1);
    // Platforms under the category goal are listed as targets without goals of their own,
    // judged by the category's goal.
    let ig = row(&r, "instagram");
    assert!(!ig.has_goals);
    assert_eq!((ig.captured_seconds, ig.mismatch_index), (0.0, Some(0.0)));
    let tt = row(&r, "tiktok");
    assert_eq!((tt.captured_seconds, tt.mismatch_index), (300.0, Some(0.5)));
    let yt = row(&r, "youtube");
    assert!(!yt.has_goals);
    assert_eq!((yt.mismatch_index, yt.captured_seconds), (None, 0.0));
    assert_eq!(r.captured_seconds, 300.0);
}

#[test]
fn intents_have_no_verdict_unless_they_plan_a_length() {
    let free = goal(1, "instagram", GoalKind::Intent { purpose: "family photos".into(), planned_secs: None });
    let planned = goal(2, "youtube", GoalKind::Intent { purpose: "one lecture".into(), planned_secs: Some(3600) });
    let spans = [
        (local(2024, 5, 6, 10, 0, 0), local(2024, 5, 6, 11, 30, 0), IG),
        (local(2024, 5, 6, 12, 0, 0), local(2024, 5, 6, 13, 30, 0), YT),
    ];
    let r = run(params(vec![free, planned]), 0, &spans);
    let ig = row(&r, "instagram");
    assert_eq!((ig.goals[0].status, ig.goals[0].days_kept, ig.captured_seconds), (Status::NoVerdict, 0, 0.0));
    assert_eq!(ig.goals[0].objective, "to “family photos”");
    assert_eq!(ig.goals[0].measured, "1 h 30 min in 1 sessions");
    let yt = row(&r, "youtube");
    assert_eq!((yt.goals[0].status, yt.captured_seconds), (Status::Broken, 1800.0));
}

#[test]
fn time_that_breaks_two_goals_is_captured_once() {
    let goals = vec![
        daily(1, "instagram", 30),
        goal(2, "instagram", GoalKind::Downtime { start_min: 23 * 60, end_min: 7 * 60 }),
    ];
    // 22:00 to 00:00: the last 30 min are over the limit and inside downtime at once; the
    // 23:00–23:30 part is inside downtime only.
    let spans = [(local(2024, 5, 6, 22, 0, 0), local(2024, 5, 7, 0, 0, 0), IG)];
    let r = run(params(goals), 0, &spans);
    let ig = row(&r, "instagram");
    assert_eq!((ig.goals[0].captured_seconds, ig.goals[1].captured_seconds), (5400.0, 3600.0));
    assert_eq!(ig.captured_seconds, 5400.0);
    assert_eq!(ig.mismatch_index, Some(0.75));
}

#[test]
fn berlin_spring_forward_day_judges_its_23_hours() {
    // 31 March 2024: clocks go from +01:00 to +02:00 at 02:00. A daily limit of 60 min;
    // 40 min before the change and 40 after, the day is broken by 20 min.
    let mut p = params(vec![daily(1, "instagram", 60)]);
    (p.from, p.to, p.today, p.period) = (date(2024, 3, 31), date(2024, 3, 31), date(2024, 4, 1), Period::Day);
    let mut b = MismatchBuilder::new(p, targets(), &[]);
    b.push(&SpanRecord {
        start_ms: local(2024, 3, 31, 5, 0, 60),
        end_ms: local(2024, 3, 31, 5, 40, 60),
        utc_offset_min: 60,
        target: IG,
    });
    b.push(&SpanRecord {
        start_ms: local(2024, 3, 31, 23, 0, 120),
        end_ms: local(2024, 3, 31, 23, 40, 120),
        utc_offset_min: 120,
        target: IG,
    });
    // 03:30 on 1 April (+02:00) is still the 31st's local day.
    b.push(&SpanRecord {
        start_ms: local(2024, 4, 1, 3, 30, 120),
        end_ms: local(2024, 4, 1, 3, 40, 120),
        utc_offset_min: 120,
        target: IG,
    });
    let r = b.finish();
    let ig = row(&r, "instagram");
    assert_eq!(ig.goals[0].days[0].used_seconds, 90.0 * 60.0);
    assert_eq!((ig.goals[0].days[0].status, ig.captured_seconds), (Status::Broken, 30.0 * 60.0));
}

#[test]
fn no_goals_shows_the_busiest_targets_without_an_index() {
    let spans = [
        (local(2024, 5, 6, 10, 0, 0), local(2024, 5, 6, 10, 5, 0), IG),
        (local(2024, 5, 6, 11, 0, 0), local(2024, 5, 6, 12, 0, 0), YT),
        (local(2024, 5, 6, 13, 0, 0), local(2024, 5, 6, 13, 1, 0), TT),
        (local(2024, 5, 6, 14, 0, 0), local(2024, 5, 6, 15, 0, 0), None),
    ];
    let mut p = params(vec![]);
    p.top_without_goals = 2;
    let r = run(p, 0, &spans);
    let keys: Vec<_> = r.targets.iter().map(|t| target_key(&t.target)).collect();
    assert_eq!(keys, ["youtube", "instagram"]);
    assert!(r.targets.iter().all(|t| !t.has_goals && t.mismatch_index.is_none() && t.goals.is_empty()));
    assert_eq!((r.total_seconds, r.mismatch_index), (66.0 * 60.0, None));
}

#[test]
fn an_empty_period_with_goals_keeps_them_and_has_no_index() {
    let r = run(params(vec![daily(1, "instagram", 30)]), 0, &[]);
    let ig = row(&r, "instagram");
    assert_eq!((ig.seconds, ig.mismatch_index, ig.goals[0].days_kept), (0.0, None, 7));
    assert!(ig.patterns.is_none());
    assert!(ig.findings.is_empty());
}

#[test]
fn paused_goals_are_not_judged() {
    let mut g = daily(1, "instagram", 1);
    g.paused = true;
    let spans = [(local(2024, 5, 6, 10, 0, 0), local(2024, 5, 6, 11, 0, 0), IG)];
    let r = run(params(vec![g]), 0, &spans);
    assert!(!row(&r, "instagram").has_goals);
    assert_eq!(r.captured_seconds, 0.0);
}

#[test]
fn ratings_give_regretted_minutes_and_a_sessions_verdict_beats_its_days() {
    let spans = [
        (local(2024, 5, 6, 10, 0, 0), local(2024, 5, 6, 10, 30, 0), IG),
        (local(2024, 5, 6, 20, 0, 0), local(2024, 5, 6, 20, 40, 0), IG),
        (local(2024, 5, 7, 20, 0, 0), local(2024, 5, 7, 20, 10, 0), YT),
    ];
    let rated = [
        // Monday: not worth it as a day; the evening session was worth it.
        RatedTime {
            platform: None,
            start_ms: local(2024, 5, 6, 4, 0, 0),
            end_ms: local(2024, 5, 7, 4, 0, 0),
            worth: false,
        },
        RatedTime {
            platform: Some("instagram".into()),
            start_ms: local(2024, 5, 6, 20, 0, 0),
            end_ms: local(2024, 5, 6, 20, 40, 0),
            worth: true,
        },
        RatedTime {
            platform: Some("youtube".into()),
            start_ms: local(2024, 5, 7, 20, 0, 0),
            end_ms: local(2024, 5, 7, 20, 10, 0),
            worth: false,
        },
    ];
    let r = run_rated(params(vec![daily(1, "instagram", 120)]), 0, &spans, &rated);
    let ig = row(&r, "instagram");
    assert_eq!((ig.regretted_seconds, ig.rated_seconds), (1800.0, 4200.0));
    assert_eq!((r.regretted_seconds, r.rated_seconds), (2400.0, 4800.0));
    let f = ig.findings.iter().find(|f| f.metric == "regrettedSeconds").unwrap();
    assert_eq!(f.value, ig.regretted_seconds);
}

#[test]
fn findings_rest_on_the_reports_numbers() {
    // Nine long sessions: seven start at 23:30, two at 15:00. Returns are a day apart.
    let mut spans = Vec::new();
    for d in 6..=12 {
        spans.push((local(2024, 5, d, 23, 30, 0), local(2024, 5, d, 23, 55, 0), IG));
    }
    for d in [6, 7] {
        spans.push((local(2024, 5, d, 15, 0, 0), local(2024, 5, d, 15, 30, 0), IG));
    }
    let r = run(params(vec![daily(1, "instagram", 20)]), 0, &spans);
    let ig = row(&r, "instagram");
    let p = ig.patterns.as_ref().unwrap();
    assert_eq!((p.long_sessions, p.long_sessions_at_night), (9, 7));
    let find =
        |m: &str| ig.findings.iter().find(|f| f.metric == m).unwrap_or_else(|| panic!("no {m}: {:#?}", ig.findings));
    let night = find("longSessionsAtNight");
    assert_eq!((night.text.as_str(), night.value), ("7 of 9 long sessions began between 23:00 and 05:00", 7.0));
    assert_eq!(find("mismatchIndex").value, ig.mismatch_index.unwrap());
    assert_eq!(find("lateNightSeconds").value, p.late_night_seconds);
    assert_eq!(find("longestSessionSeconds").value, 1800.0);
    assert!(find("longestSessionSeconds").text.contains("from 15:00 on Mon 6 May"), "{:?}", ig.findings);
    // Every finding's value is a number that appears in the report.
    let json = serde_json::to_value(ig).unwrap();
    for f in &ig.findings {
        let metric = &f.metric;
        let here = json.get(metric).or_else(|| json["patterns"].get(metric));
        if let Some(v) = here {
            assert_eq!(v.as_f64(), Some(f.value), "{metric}");
        }
    }
}

/// The index in plain words, and never a "0 %" that says nothing.
#[test]
fn the_index_is_a_sentence_and_a_trivial_one_is_left_out() {
    // 40 min against a 30 min limit: 10 of 40 minutes captured.
    let spans = [(local(2024, 5, 6, 10, 0, 0), local(2024, 5, 6, 10, 40, 0), IG)];
    let r = run(params(vec![daily(1, "instagram", 30)]), 0, &spans);
    let ig = row(&r, "instagram");
    let f = ig.findings.iter().find(|f| f.metric == "mismatchIndex").expect("an index finding");
    assert_eq!(f.text, "25 % of your 40 min went past your own goals (10 min captured)");
    // Two minutes over in ten hours: 0.3 %, no finding.
    let spans = [(local(2024, 5, 6, 8, 0, 0), local(2024, 5, 6, 18, 2, 0), IG)];
    let r = run(params(vec![daily(1, "instagram", 600)]), 0, &spans);
    let ig = row(&r, "instagram");
    assert!(ig.mismatch_index.is_some_and(|i| i > 0.0 && i < 0.005), "{:?}", ig.mismatch_index);
    assert!(ig.findings.iter().all(|f| f.metric != "mismatchIndex"), "{:?}", ig.findings);
}

#[test]
fn a_period_in_progress_trends_against_as_many_days_before() {
    let mut p = params(vec![]);
    p.today = date(2024, 5, 8); // Wednesday: three days in
    let (prev_from, prev_to) = p.pattern_params().previous_period();
    assert_eq!((prev_from, prev_to), (date(2024, 4, 29), date(2024, 5, 1)));
    let spans = [
        (local(2024, 4, 29, 10, 0, 0), local(2024, 4, 29, 11, 0, 0), YT), // previous Monday: compared
        (local(2024, 5, 3, 10, 0, 0), local(2024, 5, 3, 14, 0, 0), YT),   // previous Friday: not compared
        (local(2024, 5, 7, 10, 0, 0), local(2024, 5, 7, 12, 0, 0), YT),
    ];
    let r = run(p, 0, &spans);
    let yt = row(&r, "youtube");
    assert_eq!(yt.patterns.as_ref().unwrap().trend_ratio, Some(2.0));
    let t = yt.findings.iter().find(|f| f.metric == "trendRatio").unwrap();
    assert_eq!(t.text, "Up 100 % on the same days of the week before (1 h 00 min → 2 h 00 min)");

    let mut month = params(vec![]);
    (month.period, month.from, month.to, month.today) =
        (Period::Month, date(2024, 3, 1), date(2024, 3, 31), date(2024, 3, 10));
    assert_eq!(month.pattern_params().previous_period(), (date(2024, 2, 1), date(2024, 2, 10)));
}

#[test]
fn attention_value_is_shown_only_where_the_table_has_figures() {
    let spans = [(local(2024, 5, 6, 10, 0, 0), local(2024, 5, 6, 11, 0, 0), IG)];
    let r = run(params(vec![]), 0, &spans);
    // Whatever the table holds for Instagram, the row carries exactly the table's answer.
    let expected = AttentionTable::builtin().estimate("instagram", "us-canada", 3600.0);
    assert_eq!(row(&r, "instagram").attention, expected);
}

#[test]
fn the_json_has_the_documented_shape() {
    let spans = [(local(2024, 5, 6, 10, 0, 0), local(2024, 5, 6, 10, 40, 0), IG)];
    let r = run(params(vec![daily(1, "instagram", 30)]), 0, &spans);
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["schema"], 1);
    assert_eq!(v["period"], "week");
    assert_eq!(v["from"], "2024-05-06");
    // The thresholds the figures were counted with, for the surfaces to mark.
    assert_eq!((v["longSessionSeconds"].as_f64(), v["checkMaxSeconds"].as_f64()), (Some(1200.0), Some(30.0)));
    assert_eq!(v["targets"][0]["patterns"]["sessionLengths"]["counts"].as_array().map(Vec::len), Some(9));
    let t = &v["targets"][0];
    assert_eq!(t["target"], serde_json::json!({ "kind": "platform", "id": "instagram" }));
    for key in [
        "category",
        "hasGoals",
        "seconds",
        "dailySeconds",
        "capturedSeconds",
        "mismatchIndex",
        "regrettedSeconds",
        "ratedSeconds",
        "goals",
        "patterns",
        "attention",
        "findings",
    ] {
        assert!(t.get(key).is_some(), "missing {key}");
    }
    let g = &t["goals"][0];
    assert_eq!(g["goal"]["kind"], "dailyLimit");
    assert_eq!(g["goal"]["limitSecs"], 1800);
    assert_eq!(g["status"], "broken");
    assert_eq!(g["days"][0]["status"], "broken");
    assert_eq!(g["days"][0]["usedSeconds"], 2400.0);
    assert_eq!(g["days"][0]["leftSeconds"], 0.0);
    assert_eq!(g["days"][1]["status"], "kept");
}
