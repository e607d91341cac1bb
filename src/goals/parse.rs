//! What a user types when setting a goal, turned into goal values: durations (`1h30m`),
//! counts, downtime windows (`23:00-07:00`), days of the week (`mon-fri`, `sat,sun`) and
//! targets. Each error says what was wrong and how to write it instead. Whether the values
//! make a sensible goal (limits, duplicates, known platforms) is [`super::validate`]'s job.

use super::{GoalTarget, Weekdays};
use crate::model::Category;

/// Parses a duration made of hours, minutes and seconds, largest first: `30m`, `1h`,
/// `1h30m`, `90s`, `1h 5m`. A bare number is refused: `45` could be minutes or seconds.
pub fn parse_duration(s: &str) -> Result<u32, String> {
    let t: String = s.trim().to_ascii_lowercase();
    let how = "write it like 30m, 1h, 1h30m or 90s";
    if t.is_empty() {
        return Err(format!("a duration is missing; {how}"));
    }
    if t.starts_with('-') {
        return Err(format!("'{s}' is negative; a duration is a length of time: {how}"));
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("'{s}' has no unit; write {t}m for minutes, {t}s for seconds or {t}h for hours"));
    }
    let bad = || format!("'{s}' is not a duration; {how}");
    let mut total: u64 = 0;
    let mut number = String::new();
    // Units must come largest first and each at most once: "30m1h" is more likely a typo
    // than a way of writing 1h30m.
    let mut last_unit = u64::MAX;
    for c in t.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        if number.is_empty() || unit >= last_unit {
            return Err(bad());
        }
        let n: u64 = number.parse().map_err(|_| format!("'{s}' is far too long; {how}"))?;
        total =
            n.checked_mul(unit).and_then(|v| total.checked_add(v)).ok_or_else(|| format!("'{s}' is far too long"))?;
        number.clear();
        last_unit = unit;
    }
    if !number.is_empty() {
        return Err(format!("'{s}' ends in a number without a unit; {how}"));
    }
    u32::try_from(total).map_err(|_| format!("'{s}' is far too long; {how}"))
}

/// Parses a whole, non-negative count such as the sessions a day of a checks cap.
pub fn parse_count(s: &str) -> Result<u32, String> {
    let t = s.trim();
    if t.starts_with('-') {
        return Err(format!("'{s}' is negative; give how many sessions a day, like 10"));
    }
    t.parse().map_err(|_| format!("'{s}' is not a whole number; give how many sessions a day, like 10"))
}

/// Parses a downtime window `HH:MM-HH:MM` (an en dash works too) into minutes after
/// midnight; the end may be before the start, crossing midnight.
pub fn parse_downtime(s: &str) -> Result<(u16, u16), String> {
    crate::settings::parse_window(&s.replace('–', "-"))
}

/// Parses days of the week: `mon`, `mon-fri` (ranges may wrap: `fri-mon`), lists such as
/// `sat,sun` or `mon, wed-fri`, and the words `weekdays`, `weekends` and `all`.
pub fn parse_weekdays(s: &str) -> Result<Weekdays, String> {
    let how = "use mon … sun, ranges like mon-fri, lists like sat,sun, or weekdays, weekends, all";
    let lower = s.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return Err(format!("no days given; {how}"));
    }
    let mut bits = 0u8;
    for part in lower.split(',').map(str::trim) {
        bits |= match part {
            "all" | "every day" | "everyday" | "daily" => Weekdays::ALL.0,
            "weekdays" | "workdays" => Weekdays::WORKDAYS.0,
            "weekends" | "weekend" => Weekdays::WEEKENDS.0,
            _ => match part.split_once('-') {
                Some((a, b)) => {
                    let bad = || format!("'{part}' is not a range of days; {how}");
                    let (a, b) = (day(a.trim()).ok_or_else(bad)?, day(b.trim()).ok_or_else(bad)?);
                    let mut range = 0u8;
                    let mut d = a;
                    loop {
                        range |= 1 << d;
                        if d == b {
                            break;
                        }
                        d = (d + 1) % 7;
                    }
                    range
                }
                None => 1 << day(part).ok_or_else(|| format!("'{part}' is not a day; {how}"))?,
            },
        };
    }
    Ok(Weekdays(bits))
}

/// A day's name or abbreviation → 0 for Monday … 6 for Sunday.
fn day(s: &str) -> Option<u8> {
    const NAMES: [&[&str]; 7] = [
        &["mon", "monday"],
        &["tue", "tues", "tuesday"],
        &["wed", "wednesday"],
        &["thu", "thur", "thurs", "thursday"],
        &["fri", "friday"],
        &["sat", "saturday"],
        &["sun", "sunday"],
    ];
    NAMES.iter().position(|names| names.contains(&s)).map(|i| i as u8)
}

/// Parses a target: a category name (`social`, `video`, `messaging`) or else a platform id,
/// case-insensitively. Whether the rules know the platform is checked by validation.
pub fn parse_target(s: &str) -> Result<GoalTarget, String> {
    let t = s.trim().to_lowercase();
    if t.is_empty() {
        return Err("the target is missing; give a platform such as instagram (`mast rules list` shows them) \
                    or a category: social, video or messaging"
            .into());
    }
    Ok(match Category::parse(&t) {
        Some(c) => GoalTarget::Category(c),
        None => GoalTarget::Platform(t),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units_largest_first() {
        assert_eq!(parse_duration("30m"), Ok(1800));
        assert_eq!(parse_duration("1h"), Ok(3600));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("1h 30m"), Ok(5400));
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("2H"), Ok(7200));
        assert_eq!(parse_duration("1h2m3s"), Ok(3723));
        assert_eq!(parse_duration("0m"), Ok(0), "zero parses; validation refuses it with a reason");
    }

    #[test]
    fn bad_durations_say_how_to_write_them() {
        let e = parse_duration("45").unwrap_err();
        assert!(e.contains("no unit") && e.contains("45m"), "{e}");
        let e = parse_duration("-5m").unwrap_err();
        assert!(e.contains("negative"), "{e}");
        for bad in ["", "m", "30x", "30m1h", "1h1h", "1.5h", "h30", "30m20"] {
            let e = parse_duration(bad).unwrap_err();
            assert!(e.contains("30m"), "{bad}: {e}");
        }
        assert!(parse_duration("99999999999h").unwrap_err().contains("too long"));
        assert!(parse_duration("2000000h").unwrap_err().contains("too long"));
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        assert_eq!(parse_count("10"), Ok(10));
        assert_eq!(parse_count("0"), Ok(0));
        assert!(parse_count("-3").unwrap_err().contains("negative"));
        assert!(parse_count("ten").unwrap_err().contains("whole number"));
        assert!(parse_count("2.5").unwrap_err().contains("whole number"));
    }

    #[test]
    fn downtime_windows_may_cross_midnight() {
        assert_eq!(parse_downtime("23:00-07:00"), Ok((1380, 420)));
        assert_eq!(parse_downtime("09:30–12:00"), Ok((570, 720)));
        let e = parse_downtime("25:00-07:00").unwrap_err();
        assert!(e.contains("'25:00' is not a time of day") && e.contains("23:59"), "{e}");
        assert!(parse_downtime("23:00-23:00").unwrap_err().contains("same time"));
        assert!(parse_downtime("23:00").unwrap_err().contains("23:00-07:00"));
        assert!(parse_downtime("22:60-07:00").is_err());
    }

    #[test]
    fn weekdays_in_every_form() {
        assert_eq!(parse_weekdays("mon-fri"), Ok(Weekdays::WORKDAYS));
        assert_eq!(parse_weekdays("weekdays"), Ok(Weekdays::WORKDAYS));
        assert_eq!(parse_weekdays("sat,sun"), Ok(Weekdays::WEEKENDS));
        assert_eq!(parse_weekdays("Weekends"), Ok(Weekdays::WEEKENDS));
        assert_eq!(parse_weekdays("all"), Ok(Weekdays::ALL));
        assert_eq!(parse_weekdays("mon"), Ok(Weekdays(1)));
        assert_eq!(parse_weekdays("monday, wed-fri"), Ok(Weekdays(0b001_1101)));
        assert_eq!(parse_weekdays("fri-mon"), Ok(Weekdays(0b111_0001)), "ranges wrap round the week");
        assert_eq!(parse_weekdays("sun-sun"), Ok(Weekdays(0b100_0000)));
        for bad in ["", "funday", "mon-", "mon-xyz", "mon,,tue"] {
            let e = parse_weekdays(bad).unwrap_err();
            assert!(e.contains("mon-fri"), "{bad}: {e}");
        }
    }

    #[test]
    fn targets_are_categories_or_platforms() {
        assert_eq!(parse_target("Social"), Ok(GoalTarget::Category(Category::Social)));
        assert_eq!(parse_target(" Instagram "), Ok(GoalTarget::Platform("instagram".into())));
        assert!(parse_target("  ").unwrap_err().contains("mast rules list"));
    }
}
