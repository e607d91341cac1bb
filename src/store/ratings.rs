//! Worth ratings: the user's verdict on a session or a day (`ratings` table,
//! migrations/0002_goals.sql), and finding the session to rate. Summing regretted minutes
//! is the analysis' job.

use super::Store;
use crate::model::Millis;
use crate::{Error, Result};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum RatingScope {
    Session,
    Day,
}

impl RatingScope {
    pub fn as_str(self) -> &'static str {
        match self {
            RatingScope::Session => "session",
            RatingScope::Day => "day",
        }
    }
}

/// A rating before it is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRating {
    pub scope: RatingScope,
    /// The session's platform; `None` for a day.
    pub platform: Option<String>,
    pub start_ms: Millis,
    pub end_ms: Millis,
    pub day: NaiveDate,
    pub worth: bool,
}

/// A stored rating.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rating {
    pub id: i64,
    pub scope: RatingScope,
    pub platform: Option<String>,
    pub start_ms: Millis,
    pub end_ms: Millis,
    pub day: NaiveDate,
    pub worth: bool,
    pub rated_ms: Millis,
}

/// A session of one platform, as found in the store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionBounds {
    pub platform: String,
    pub start_ms: Millis,
    pub end_ms: Millis,
    pub utc_offset_min: i32,
}

impl Store {
    /// Stores a rating; rating the same session or day again replaces the verdict.
    #[tracing::instrument(skip_all, err)]
    pub fn add_rating(&mut self, r: &NewRating, rated_ms: Millis) -> Result<i64> {
        if r.end_ms <= r.start_ms {
            return Err(Error::Invalid("a rated session or day must end after it starts".into()));
        }
        let p = params![r.scope.as_str(), r.platform, r.start_ms, r.end_ms, r.day.to_string(), r.worth, rated_ms];
        // UNIQUE (scope, platform, start_ms) does not hold for days, whose platform is NULL
        // (NULLs are distinct in SQLite): update first, insert only if nothing matched.
        let result = (|| {
            let tx = self.conn.unchecked_transaction()?;
            let id: Option<i64> = tx
                .prepare_cached(
                    "UPDATE ratings SET end_ms = ?4, day = ?5, worth = ?6, rated_ms = ?7
                     WHERE scope = ?1 AND platform IS ?2 AND start_ms = ?3 RETURNING id",
                )?
                .query_row(p, |row| row.get(0))
                .optional()?;
            let id = match id {
                Some(id) => id,
                None => {
                    tx.prepare_cached(
                        "INSERT INTO ratings (scope, platform, start_ms, end_ms, day, worth, rated_ms)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )?
                    .execute(p)?;
                    tx.last_insert_rowid()
                }
            };
            tx.commit()?;
            Ok(id)
        })();
        result.map_err(|e| self.err(e))
    }

    /// Ratings of sessions and days starting in `[from_ms, to_ms)`, oldest first.
    pub fn ratings(&self, from_ms: Millis, to_ms: Millis) -> Result<Vec<Rating>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, scope, platform, start_ms, end_ms, day, worth, rated_ms FROM ratings
             WHERE start_ms >= ?1 AND start_ms < ?2 ORDER BY start_ms, id",
        )?;
        let rows = st.query_map(params![from_ms, to_ms], |r| {
            let scope: String = r.get(1)?;
            let day: String = r.get(5)?;
            let bad = |i, what: String| {
                rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, what.into())
            };
            Ok(Rating {
                id: r.get(0)?,
                scope: match scope.as_str() {
                    "session" => RatingScope::Session,
                    "day" => RatingScope::Day,
                    other => return Err(bad(1, format!("unknown rating scope '{other}'"))),
                },
                platform: r.get(2)?,
                start_ms: r.get(3)?,
                end_ms: r.get(4)?,
                day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|e| bad(5, e.to_string()))?,
                worth: r.get(6)?,
                rated_ms: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The most recent session on a tracked platform (on `platform`, if given): its spans
    /// joined while the gaps between them are shorter than `session_gap_ms`.
    pub fn last_session(&self, platform: Option<&str>, session_gap_ms: i64) -> Result<Option<SessionBounds>> {
        let mut st = self.conn.prepare_cached(
            "SELECT s.start_ms, s.dur_ms, s.utc_offset_min, w.platform
             FROM spans s JOIN windows w ON w.id = s.window_id
             WHERE w.platform IS NOT NULL AND (?1 IS NULL OR w.platform = ?1)
             ORDER BY s.start_ms DESC LIMIT 10000",
        )?;
        let mut rows = st.query(params![platform])?;
        let mut found: Option<SessionBounds> = None;
        while let Some(r) = rows.next()? {
            let (start, dur, offset, p): (Millis, i64, i32, String) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            match &mut found {
                None => {
                    found = Some(SessionBounds {
                        platform: p,
                        start_ms: start,
                        end_ms: start + dur,
                        utc_offset_min: offset,
                    })
                }
                Some(s) if s.platform != p => continue,
                Some(s) if s.start_ms - (start + dur) < session_gap_ms => {
                    s.start_ms = start;
                    s.utc_offset_min = offset;
                }
                Some(_) => break,
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Span, StoredWindow};

    fn span(start: Millis, end: Millis, platform: Option<&str>) -> Span {
        Span {
            start_ms: start,
            end_ms: end,
            utc_offset_min: 60,
            window: StoredWindow {
                app: "firefox".into(),
                exe: "firefox".into(),
                platform: platform.map(Into::into),
                category: platform.map(|_| Category::Social),
                title: platform.map(Into::into),
                ..StoredWindow::default()
            },
        }
    }

    #[test]
    fn ratings_round_trip_and_a_second_verdict_replaces_the_first() {
        let mut s = Store::open_in_memory().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let r = NewRating {
            scope: RatingScope::Session,
            platform: Some("instagram".into()),
            start_ms: 1_000,
            end_ms: 61_000,
            day,
            worth: true,
        };
        let id = s.add_rating(&r, 70_000).unwrap();
        assert_eq!(s.add_rating(&NewRating { worth: false, ..r.clone() }, 80_000).unwrap(), id);
        let d =
            NewRating { scope: RatingScope::Day, platform: None, start_ms: 0, end_ms: 86_400_000, day, worth: false };
        let d1 = s.add_rating(&d, 1).unwrap();
        assert_eq!(s.add_rating(&d, 2).unwrap(), d1, "a day is rated once, though its platform is NULL");
        let all = s.ratings(0, Millis::MAX).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!((all[1].worth, all[1].rated_ms, all[1].platform.as_deref()), (false, 80_000, Some("instagram")));
        let json = serde_json::to_value(&all[1]).unwrap();
        assert_eq!(json["startMs"], 1_000);
        assert_eq!(json["scope"], "session");
    }

    #[test]
    fn the_last_session_joins_spans_across_short_gaps_only() {
        let mut s = Store::open_in_memory().unwrap();
        s.write_spans(&[
            span(0, 10_000, Some("youtube")),
            span(100_000, 200_000, Some("instagram")),
            span(200_000, 210_000, None),
            span(230_000, 300_000, Some("instagram")),
            span(300_000, 310_000, Some("youtube")),
        ])
        .unwrap();
        let last = s.last_session(None, 60_000).unwrap().unwrap();
        assert_eq!((last.platform.as_str(), last.start_ms, last.end_ms), ("youtube", 300_000, 310_000));
        let ig = s.last_session(Some("instagram"), 60_000).unwrap().unwrap();
        assert_eq!((ig.start_ms, ig.end_ms), (100_000, 300_000));
        assert!(s.last_session(Some("reddit"), 60_000).unwrap().is_none());
    }
}
