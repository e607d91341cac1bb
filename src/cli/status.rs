//! `mast status`: is tracking running, what is in front, and today's tracked minutes.

use super::{now_ms, print_json, Env};
use anyhow::Result;
use mast::analysis::Usage;
use mast::format::duration;
use mast::sensor::choose::{self, SessionEnv};
use mast::store::SpanRow;
use mast::terminal::Shown;
use mast::track::state::SensorState;
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    tracking: bool,
    /// A tracker runs and its sensor works: time in front is being recorded.
    recording: bool,
    pid: Option<u32>,
    /// The span in progress: the newest one, if it was saved in the last few flushes.
    current: Option<SpanRow>,
    /// The running tracker's sensor, or why it has none; `None` when no tracker runs (or
    /// it is older than this file).
    sensor: Option<SensorState>,
    /// The channels a tracker started now would try, best first, and why.
    sensor_plan: Vec<&'static str>,
    sensor_plan_reason: String,
    today: String,
    today_usage: Usage,
}

pub fn run(env: &Env, json: bool) -> Result<()> {
    let pid = mast::lock::holder(&env.paths.lock_file());
    let store = env.store()?;
    let now = now_ms();
    let fresh = 3 * mast::track::FLUSH_EVERY_MS;
    let current = match pid {
        Some(_) => store.last_spans(1)?.pop().filter(|s| now - s.end_ms <= fresh),
        None => None,
    };
    let today = env.today();
    let report = super::report::build(env, today, today)?;
    let sensor = pid.and_then(|_| SensorState::read(&env.paths));
    let recording = sensor.as_ref().is_some_and(|s| s.sensor.is_some());
    let plan = choose::plan(env.settings.sensor, &SessionEnv::from_process());
    let status = Status {
        tracking: pid.is_some(),
        recording,
        pid,
        current,
        sensor,
        sensor_plan: plan.candidates.iter().map(|k| k.as_str()).collect(),
        sensor_plan_reason: plan.reason.clone(),
        today: today.to_string(),
        today_usage: report.total,
    };
    if json {
        return print_json(&status);
    }
    match status.pid {
        Some(pid) if status.recording || status.sensor.is_none() => outln!("tracking: yes (pid {pid})"),
        Some(pid) => outln!("tracking: started (pid {pid}), but recording nothing: see the sensor line"),
        None => outln!("tracking: no; start it with `mast track`"),
    }
    match (&status.sensor, status.tracking) {
        (Some(SensorState { summary: Some(summary), .. }), _) => outln!("sensor:   {summary}"),
        (Some(SensorState { problem: Some(p), .. }), _) => {
            outln!("sensor:   none works, so nothing is recorded: {}", p.problem);
            if let Some(fix) = &p.fix {
                outln!("          to fix: {fix}");
            }
        }
        (_, true) => outln!("sensor:   not known yet (the tracker is connecting)"),
        (_, false) => match plan.candidates.as_slice() {
            [] => outln!("sensor:   none: {}", plan.reason),
            kinds => outln!(
                "sensor:   chosen when tracking starts; for {} it tries {}",
                plan.reason,
                kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", then ")
            ),
        },
    }
    match &status.current {
        Some(s) => {
            let title = s.title.as_deref().map(|t| format!(" — {}", Shown(t))).unwrap_or_default();
            let target = match (&s.platform, s.category) {
                (Some(p), Some(c)) => format!(" → {p} ({c})"),
                _ => " (not a tracked platform)".into(),
            };
            outln!(
                "in front: {}{title}{target}, for {}",
                Shown(&s.app),
                mast::format::duration_ms(s.end_ms - s.start_ms)
            );
        }
        None if status.tracking => outln!("in front: nothing recorded right now (away or no window)"),
        None => {}
    }
    let u = &status.today_usage;
    let top: Vec<String> =
        u.targets.iter().take(4).map(|t| format!("{} {}", t.platform, duration(t.seconds))).collect();
    let detail = if top.is_empty() { String::new() } else { format!(" ({})", top.join(", ")) };
    outln!(
        "today:    {} on tracked platforms{detail}, {} active in all",
        duration(u.target_seconds),
        duration(u.active_seconds)
    );
    Ok(())
}
