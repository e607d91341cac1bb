//! Attention value: an estimate of the advertising revenue a user's minutes earned a
//! platform, as minutes × revenue per user-minute. Revenue per user-minute is the
//! platform's published revenue per user for a quarter divided by the minutes its users
//! spend on it in that quarter:
//!
//! ```text
//! per minute = revenue per user in the quarter ÷ (minutes a day × days in the quarter)
//! low end    = … ÷ (high minutes a day × days)      high end = … ÷ (low minutes a day × days)
//! ```
//!
//! It is an estimate, never a measurement: Mast cannot see what a platform earned from
//! this user. The revenue per user is an average over all users of a region, the time
//! spent comes from third-party estimates, and the inputs are coarser than they look (Meta's
//! Facebook ARPU counts all of Meta's revenue, for instance). So every [`AttentionEstimate`]
//! is a range, says `estimate: true`, and carries the assumptions (with the numbers used)
//! and the sources behind it.
//!
//! The figures live in `data/attention.toml`, embedded in the binary and validated the
//! first time [`AttentionTable::builtin`] is called; a unit test runs the same validation,
//! so a broken file fails `cargo test` rather than the app. A platform without figures is
//! absent from the file and gets no estimate: never a guess. To update the figures, add a
//! revenue period with its sources in the file, point `revenue_period` at it, and run
//! `cargo test --lib attention`; the file's header describes the format.
//!
//! This module only prices time it is given: which minutes belong to which platform is
//! [`super::usage`]'s business, and the region comes from the settings.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

const BUILTIN: &str = include_str!("../../data/attention.toml");

/// The regions revenue per user is reported for, as the settings spell them.
pub const REGIONS: [&str; 5] = ["us-canada", "europe", "asia-pacific", "rest-of-world", "worldwide"];

/// An estimate for one platform, region and amount of time.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AttentionEstimate {
    pub platform: String,
    pub region: String,
    pub currency: String,
    /// Low and high ends of the estimate for the given time, in `currency`.
    pub low: f64,
    pub high: f64,
    /// Revenue per user-hour behind the estimate, low and high.
    pub per_hour_low: f64,
    pub per_hour_high: f64,
    /// Always true: this is never a measured figure.
    pub estimate: bool,
    /// The reporting period of the revenue per user, e.g. "Q4 2022".
    pub period: String,
    /// Revenue per user in the region over `period`, in `currency`.
    pub revenue_per_user: f64,
    /// Whether `revenue_per_user` was checked against its source.
    pub revenue_verified: bool,
    /// The range of minutes a day users spend on the platform.
    pub minutes_per_day_low: f64,
    pub minutes_per_day_high: f64,
    /// Whether the minutes a day are a verified figure (third-party estimates are not).
    pub usage_verified: bool,
    /// Short sentences with the numbers used, for people to read.
    pub assumptions: Vec<String>,
    pub sources: Vec<Source>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Source {
    pub title: String,
    pub publisher: String,
    /// Year of publication; `None` when the source does not give one.
    pub year: Option<u16>,
    pub url: Option<String>,
}

/// The shipped table of revenue per user and usage figures. Cloning is cheap.
#[derive(Clone, Debug)]
pub struct AttentionTable {
    platforms: Arc<BTreeMap<String, PlatformFigures>>,
}

/// The display name of a region ("us-canada" → "US & Canada").
pub fn region_label(region: &str) -> &'static str {
    match region {
        "us-canada" => "US & Canada",
        "europe" => "Europe",
        "asia-pacific" => "Asia-Pacific",
        "rest-of-world" => "Rest of world",
        "worldwide" => "Worldwide",
        _ => "Unknown region",
    }
}

/// The region as it reads after a noun: "in Europe", "worldwide".
fn region_phrase(region: &str) -> String {
    match region {
        "worldwide" => "worldwide".into(),
        "rest-of-world" => "in the rest of the world".into(),
        _ => format!("in {}", region_label(region)),
    }
}

impl AttentionTable {
    /// The table shipped in `data/attention.toml`, parsed once.
    pub fn builtin() -> AttentionTable {
        static BUILTIN_TABLE: OnceLock<AttentionTable> = OnceLock::new();
        BUILTIN_TABLE
            .get_or_init(|| {
                // The shipped file is checked by `tests::shipped_file_is_valid`, so this
                // cannot fail in a tested build; a panic names the problem if it does.
                AttentionTable::parse(BUILTIN).unwrap_or_else(|e| panic!("data/attention.toml: {e}"))
            })
            .clone()
    }

    /// Parses and validates a table in the format of `data/attention.toml`.
    fn parse(text: &str) -> Result<AttentionTable, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string().trim().to_owned())?;
        for (id, figures) in &file.platform {
            figures.validate().map_err(|e| format!("platform.{id}: {e}"))?;
        }
        Ok(AttentionTable { platforms: Arc::new(file.platform) })
    }

    /// The ids of the platforms the table has figures for, sorted.
    pub fn platforms(&self) -> Vec<&str> {
        self.platforms.keys().map(String::as_str).collect()
    }

    /// The estimate for `seconds` on `platform` by a user in `region`; `None` when the
    /// table has no figures for the platform or the region is unknown. Negative or NaN
    /// seconds count as zero.
    pub fn estimate(&self, platform: &str, region: &str, seconds: f64) -> Option<AttentionEstimate> {
        let figures = self.platforms.get(platform)?;
        let revenue = figures.revenue.iter().find(|r| r.period == figures.revenue_period)?;
        let per_user = *revenue.per_user.get(region)?;
        let usage = &figures.usage;
        let [minutes_low, minutes_high] = usage.minutes_per_day;
        let days = f64::from(revenue.days);

        // More minutes a day spread the same revenue thinner: the high minutes give the low end.
        let per_minute_low = per_user / (minutes_high * days);
        let per_minute_high = per_user / (minutes_low * days);
        let minutes = seconds.max(0.0) / 60.0;

        let money = |amount: f64| format_money(&figures.currency, amount);
        let mut assumptions = Vec::new();
        let mut revenue_line = format!(
            "{}'s {} revenue per user {}, {}: {} a quarter",
            figures.reported_by,
            figures.name,
            region_phrase(region),
            revenue.period,
            money(per_user)
        );
        if !revenue.verified {
            revenue_line.push_str(" (reported, not verified)");
        }
        assumptions.push(revenue_line);
        let kind = match (usage.third_party, usage.verified) {
            (true, _) => "third-party estimate",
            (false, false) => "estimate",
            (false, true) => "measured",
        };
        assumptions.push(format!(
            "{} minutes a day on {} ({kind} for {})",
            format_range(minutes_low, minutes_high, |m| format!("{m}")),
            figures.name,
            usage.population
        ));
        if region != usage.measured_in {
            assumptions.push(format!(
                "The time spent by {} is used {}, for lack of a regional figure",
                usage.population,
                region_phrase(region)
            ));
        }
        let minutes_used = if minutes_low == minutes_high {
            format!("{minutes_low}")
        } else {
            format!("{minutes_high} or {minutes_low}")
        };
        assumptions.push(format!(
            "Per hour of use: {} ÷ ({minutes_used} minutes a day × {} days) × 60 = {}",
            money(per_user),
            revenue.days,
            format_range(per_minute_low * 60.0, per_minute_high * 60.0, money)
        ));
        assumptions.extend(figures.caveats.iter().cloned());

        Some(AttentionEstimate {
            platform: platform.to_owned(),
            region: region.to_owned(),
            currency: figures.currency.clone(),
            low: per_minute_low * minutes,
            high: per_minute_high * minutes,
            per_hour_low: per_minute_low * 60.0,
            per_hour_high: per_minute_high * 60.0,
            estimate: true,
            period: revenue.period.clone(),
            revenue_per_user: per_user,
            revenue_verified: revenue.verified,
            minutes_per_day_low: minutes_low,
            minutes_per_day_high: minutes_high,
            usage_verified: usage.verified,
            assumptions,
            sources: revenue.sources.iter().chain(&usage.sources).cloned().collect(),
        })
    }
}

/// "$58.77" for dollars, "17.29 EUR" for anything else.
fn format_money(currency: &str, amount: f64) -> String {
    if currency == "USD" {
        format!("${amount:.2}")
    } else {
        format!("{amount:.2} {currency}")
    }
}

/// "31–38", or "31" when both ends read the same.
fn format_range(a: f64, b: f64, f: impl Fn(f64) -> String) -> String {
    let (a, b) = (f(a), f(b));
    if a == b {
        a
    } else {
        format!("{a}–{b}")
    }
}

/// `data/attention.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    platform: BTreeMap<String, PlatformFigures>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlatformFigures {
    name: String,
    reported_by: String,
    currency: String,
    revenue_period: String,
    #[serde(default)]
    caveats: Vec<String>,
    revenue: Vec<Revenue>,
    usage: Usage,
}

/// Revenue per user over one reporting quarter, by region.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Revenue {
    period: String,
    days: u16,
    verified: bool,
    sources: Vec<Source>,
    per_user: BTreeMap<String, f64>,
}

/// Minutes a day users spend on the platform.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Usage {
    minutes_per_day: [f64; 2],
    population: String,
    measured_in: String,
    verified: bool,
    third_party: bool,
    sources: Vec<Source>,
}

impl PlatformFigures {
    fn validate(&self) -> Result<(), String> {
        for (field, value) in [("name", &self.name), ("reported_by", &self.reported_by)] {
            if value.trim().is_empty() {
                return Err(format!("{field} is empty"));
            }
        }
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!("currency = \"{}\" is not an ISO 4217 code such as \"USD\"", self.currency));
        }
        if self.revenue.is_empty() {
            return Err("has no [[revenue]] period".into());
        }
        for (i, r) in self.revenue.iter().enumerate() {
            r.validate().map_err(|e| format!("revenue \"{}\": {e}", r.period))?;
            if self.revenue[..i].iter().any(|earlier| earlier.period == r.period) {
                return Err(format!("revenue period \"{}\" appears twice", r.period));
            }
        }
        if !self.revenue.iter().any(|r| r.period == self.revenue_period) {
            return Err(format!("revenue_period = \"{}\" names no [[revenue]] period", self.revenue_period));
        }
        self.usage.validate().map_err(|e| format!("usage: {e}"))?;
        if self.caveats.iter().any(|c| c.trim().is_empty()) {
            return Err("a caveat is empty".into());
        }
        Ok(())
    }
}

impl Revenue {
    fn validate(&self) -> Result<(), String> {
        if self.period.trim().is_empty() {
            return Err("period is empty".into());
        }
        // Revenue per user is reported per quarter, and the assumptions say "a quarter".
        if !(90..=92).contains(&self.days) {
            return Err(format!("days = {} is not the length of a quarter (90 to 92)", self.days));
        }
        validate_sources(&self.sources)?;
        for region in REGIONS {
            match self.per_user.get(region) {
                None => return Err(format!("per_user has no figure for \"{region}\"")),
                Some(&v) if !(v.is_finite() && v > 0.0) => {
                    return Err(format!("per_user.{region} = {v} is not a positive amount"))
                }
                Some(_) => {}
            }
        }
        if let Some(unknown) = self.per_user.keys().find(|k| !REGIONS.contains(&k.as_str())) {
            return Err(format!("per_user has unknown region \"{unknown}\"; use {}", REGIONS.join(", ")));
        }
        Ok(())
    }
}

impl Usage {
    fn validate(&self) -> Result<(), String> {
        let [low, high] = self.minutes_per_day;
        if !(low.is_finite() && low > 0.0 && high.is_finite() && high <= 24.0 * 60.0) {
            return Err(format!("minutes_per_day = [{low}, {high}] must be positive and at most 1440"));
        }
        if low > high {
            return Err(format!("minutes_per_day = [{low}, {high}] has low above high"));
        }
        if self.population.trim().is_empty() {
            return Err("population is empty".into());
        }
        if !REGIONS.contains(&self.measured_in.as_str()) {
            return Err(format!("measured_in = \"{}\" is unknown; use {}", self.measured_in, REGIONS.join(", ")));
        }
        validate_sources(&self.sources)
    }
}

fn validate_sources(sources: &[Source]) -> Result<(), String> {
    if sources.is_empty() {
        return Err("has no sources".into());
    }
    for s in sources {
        if s.title.trim().is_empty() || s.publisher.trim().is_empty() {
            return Err("a source needs a title and a publisher".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn shipped_file_is_valid() {
        let table = AttentionTable::parse(BUILTIN).unwrap();
        assert_eq!(table.platforms(), ["facebook"]);
        assert_eq!(AttentionTable::builtin().platforms(), ["facebook"]);
    }

    #[test]
    fn facebook_us_canada_hour_matches_hand_computation() {
        let e = AttentionTable::builtin().estimate("facebook", "us-canada", 3600.0).unwrap();
        let low = 58.77 / (38.0 * 92.0) * 60.0;
        let high = 58.77 / (31.0 * 92.0) * 60.0;
        assert!(close(e.low, low) && close(e.high, high), "{e:?}");
        assert!(close(e.per_hour_low, low) && close(e.per_hour_high, high));
        assert_eq!((format!("{:.2}", e.low), format!("{:.2}", e.high)), ("1.01".into(), "1.24".into()));
        assert_eq!(e.currency, "USD");
        assert_eq!(e.period, "Q4 2022");
        assert!(e.estimate && e.revenue_verified && !e.usage_verified);
        assert_eq!((e.minutes_per_day_low, e.minutes_per_day_high), (31.0, 38.0));
        assert_eq!(
            e.assumptions[..3],
            [
                "Meta's Facebook revenue per user in US & Canada, Q4 2022: $58.77 a quarter",
                "31–38 minutes a day on Facebook (third-party estimate for US adults who use Facebook)",
                "Per hour of use: $58.77 ÷ (38 or 31 minutes a day × 92 days) × 60 = $1.01–$1.24",
            ]
        );
        assert!(e.assumptions.iter().any(|a| a.contains("upper bound for Facebook alone")));
        assert!(e.sources.iter().any(|s| s.publisher == "Meta Platforms, Inc." && s.year == Some(2023)));
        assert!(e.sources.iter().any(|s| s.publisher.starts_with("Third-party")));

        // Half the time, half the value.
        let half = AttentionTable::builtin().estimate("facebook", "us-canada", 1800.0).unwrap();
        assert!(close(half.low * 2.0, e.low) && close(half.high * 2.0, e.high));
    }

    #[test]
    fn every_region_has_an_estimate() {
        let table = AttentionTable::builtin();
        let expected = [
            ("us-canada", 58.77),
            ("europe", 17.29),
            ("asia-pacific", 4.61),
            ("rest-of-world", 3.52),
            ("worldwide", 10.86),
        ];
        for (region, per_user) in expected {
            let e = table.estimate("facebook", region, 600.0).unwrap();
            assert_eq!(e.region, region);
            assert_eq!(e.revenue_per_user, per_user);
            assert!(close(e.low, per_user / (38.0 * 92.0) * 10.0), "{region}: {e:?}");
            assert!(close(e.high, per_user / (31.0 * 92.0) * 10.0), "{region}: {e:?}");
            assert!(0.0 < e.low && e.low < e.high);
            assert!(e.assumptions[0].contains(&format!("${per_user:.2}")), "{:?}", e.assumptions);
            let fallback = e.assumptions.iter().any(|a| a.contains("for lack of a regional figure"));
            assert_eq!(fallback, region != "us-canada", "{region}: {:?}", e.assumptions);
        }
        let eu = table.estimate("facebook", "europe", 60.0).unwrap();
        assert!(eu.assumptions[0].starts_with("Meta's Facebook revenue per user in Europe, Q4 2022: $17.29"));
        assert!(eu.assumptions.contains(
            &"The time spent by US adults who use Facebook is used in Europe, for lack of a regional figure".into()
        ));
        let ww = table.estimate("facebook", "worldwide", 60.0).unwrap();
        assert!(ww.assumptions[0].starts_with("Meta's Facebook revenue per user worldwide, Q4 2022: $10.86"));
    }

    #[test]
    fn zero_seconds_is_worth_zero() {
        let e = AttentionTable::builtin().estimate("facebook", "europe", 0.0).unwrap();
        assert_eq!((e.low, e.high), (0.0, 0.0));
        assert!(e.per_hour_low > 0.0, "the rate is still shown");
        let negative = AttentionTable::builtin().estimate("facebook", "europe", -5.0).unwrap();
        assert_eq!((negative.low, negative.high), (0.0, 0.0));
    }

    #[test]
    fn no_figures_no_estimate() {
        let table = AttentionTable::builtin();
        assert_eq!(table.estimate("instagram", "us-canada", 3600.0), None);
        assert_eq!(table.estimate("tiktok", "worldwide", 3600.0), None);
        assert_eq!(table.estimate("facebook", "mars", 3600.0), None);
        assert_eq!(table.estimate("facebook", "", 3600.0), None);
    }

    #[test]
    fn json_is_camel_case_and_says_estimate() {
        let e = AttentionTable::builtin().estimate("facebook", "us-canada", 3600.0).unwrap();
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["estimate"], serde_json::Value::Bool(true));
        for key in ["perHourLow", "perHourHigh", "revenuePerUser", "minutesPerDayLow", "minutesPerDayHigh"] {
            assert!(json.get(key).is_some(), "{key} missing in {json}");
        }
        let keys = json.as_object().unwrap().keys();
        assert!(keys.into_iter().all(|k| !k.contains('_')), "{json}");
        assert_eq!(json["sources"][0]["url"], "https://investor.atmeta.com/");
        assert_eq!(json["period"], "Q4 2022");
    }

    #[test]
    fn region_labels() {
        let labels: Vec<_> = REGIONS.iter().map(|r| region_label(r)).collect();
        assert_eq!(labels, ["US & Canada", "Europe", "Asia-Pacific", "Rest of world", "Worldwide"]);
    }

    /// A small valid file, broken one way at a time by the validation test.
    const GOOD: &str = r#"
        [platform.x]
        name = "X"
        reported_by = "X Corp"
        currency = "USD"
        revenue_period = "Q1 2024"
        [[platform.x.revenue]]
        period = "Q1 2024"
        days = 91
        verified = true
        sources = [{ title = "T", publisher = "P", year = 2024 }]
        per_user = { us-canada = 1, europe = 1, asia-pacific = 1, rest-of-world = 1, worldwide = 1 }
        [platform.x.usage]
        minutes_per_day = [10, 20]
        population = "US adults"
        measured_in = "us-canada"
        verified = false
        third_party = true
        sources = [{ title = "T", publisher = "P" }]
    "#;

    #[test]
    fn validation_refuses_bad_figures() {
        AttentionTable::parse(GOOD).unwrap();
        let broken = [
            ("europe = 1, ", "", "no figure for \"europe\""),
            ("worldwide = 1 }", "worldwide = 1, mars = 1 }", "unknown region \"mars\""),
            ("europe = 1", "europe = 0", "not a positive amount"),
            ("[10, 20]", "[20, 10]", "low above high"),
            ("[10, 20]", "[0, 20]", "must be positive"),
            (r#"sources = [{ title = "T", publisher = "P" }]"#, "sources = []", "usage: has no sources"),
            ("revenue_period = \"Q1 2024\"", "revenue_period = \"Q2 2024\"", "names no [[revenue]]"),
            ("days = 91", "days = 365", "not the length of a quarter"),
            ("measured_in = \"us-canada\"", "measured_in = \"us\"", "measured_in = \"us\" is unknown"),
            ("currency = \"USD\"", "currency = \"$\"", "not an ISO 4217 code"),
            ("third_party = true", "third_party = true\nvibes = 1", "unknown field"),
        ];
        for (from, to, message) in broken {
            let text = GOOD.replacen(from, to, 1);
            assert_ne!(text, GOOD, "{from} not found");
            let err = AttentionTable::parse(&text).unwrap_err();
            assert!(err.contains(message), "{from} → {to}: {err}");
        }
    }
}
