//! How amounts of time read wherever Mast shows one to a person: the CLI, notifications,
//! the tray. The desktop UI formats in TypeScript (`ui/src/lib/format/format.ts`); both
//! read the same table of cases (`ui/tests/fixtures/durations.json`, written from
//! [`duration`] by `examples/ui_fixtures.rs`), so the two can't drift apart. Goal values the
//! user typed keep their exact wording ([`crate::goals::readable_duration`]); this module is
//! for measured time, which is rounded to what a person needs.

/// `1 h 05 min`, `45 min`, `40 s`, `0 min`, and `—` for no figure (NaN or infinite):
/// seconds below a minute, then whole minutes (rounded), hours with two-digit minutes from
/// an hour up. Negative amounts read as `0 min`.
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "—".into();
    }
    let s = seconds.max(0.0);
    // 59.5 s and up round to a minute, so "60 s" is never shown.
    if s > 0.0 && s < 59.5 {
        return format!("{} s", s.round());
    }
    let minutes = (s / 60.0).round() as u64;
    if minutes < 60 {
        return format!("{minutes} min");
    }
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

/// [`duration`] of whole seconds (`u32`, `i64` and friends), for callers holding integers.
pub fn duration_secs(seconds: impl Into<f64>) -> String {
    duration(seconds.into())
}

/// [`duration`] of a span of epoch milliseconds.
pub fn duration_ms(ms: i64) -> String {
    duration(ms as f64 / 1000.0)
}

/// The cases both formatters are checked on: `(seconds, text)`. Boundaries of every
/// branch, rounding on both sides of a half, and the odd inputs.
pub fn duration_cases() -> Vec<(f64, String)> {
    [
        0.0, 0.4, 0.5, 1.0, 40.4, 59.0, 59.4, 59.5, 60.0, 89.9, 90.0, 1800.0, 3569.0, 3570.0, 3600.0, 3900.0, 7440.0,
        36_000.0, 86_399.0, 90_061.0, 360_000.0, -5.0,
    ]
    .into_iter()
    .map(|s| (s, duration(s)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_the_ui_reads_them() {
        for (secs, want) in [
            (3900.0, "1 h 05 min"),
            (7440.0, "2 h 04 min"),
            (36_000.0, "10 h 00 min"),
            (3600.0, "1 h 00 min"),
            (1800.0, "30 min"),
            (89.9, "1 min"),
            (90.0, "2 min"),
            (3569.0, "59 min"),
            (3570.0, "1 h 00 min"),
            (40.4, "40 s"),
            (59.4, "59 s"),
            (59.5, "1 min"),
            (0.0, "0 min"),
            (0.4, "0 s"),
            (-5.0, "0 min"),
            (f64::NAN, "—"),
            (f64::INFINITY, "—"),
        ] {
            assert_eq!(duration(secs), want, "{secs} s");
        }
        assert_eq!(duration_secs(3900u32), "1 h 05 min");
        assert_eq!(duration_ms(45_000), "45 s");
    }

    /// The table the UI's test reads is the one committed; `scripts/check-bindings.sh`
    /// regenerates it, and this fails first if the formatter changed without it.
    #[test]
    fn the_ui_table_is_this_formatter() {
        let committed = include_str!("../ui/tests/fixtures/durations.json");
        let rows: Vec<(f64, String)> = serde_json::from_str(committed).expect("durations.json is JSON");
        assert_eq!(rows, duration_cases());
    }
}
