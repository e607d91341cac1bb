//! The record of nudges already sent (`nudges` table, migrations/0002_goals.sql), so that
//! each fires at most once per key across tracker restarts. Keys are built by
//! [`crate::nudge`]; this module only stores them.

use super::Store;
use crate::model::Millis;
use crate::Result;
use chrono::NaiveDate;
use rusqlite::params;

impl Store {
    /// Records that the nudge `key` of local `day` was sent. False if it already was.
    #[tracing::instrument(level = "debug", skip_all, err, fields(key))]
    pub fn record_nudge(&mut self, key: &str, day: NaiveDate, sent_ms: Millis) -> Result<bool> {
        let n = self
            .conn
            .prepare_cached("INSERT INTO nudges (key, day, sent_ms) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO NOTHING")
            .and_then(|mut st| st.execute(params![key, day.to_string(), sent_ms]))
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    /// Keys of nudges sent on local days from `from` on.
    pub fn nudge_keys_since(&self, from: NaiveDate) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached("SELECT key FROM nudges WHERE day >= ?1 ORDER BY day, key")?;
        let rows = st.query_map([from.to_string()], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_recorded_once() {
        let mut s = Store::open_in_memory().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert!(s.record_nudge("goal:3:2026-11-28:80", d, 1).unwrap());
        assert!(!s.record_nudge("goal:3:2026-11-28:80", d, 2).unwrap());
        s.record_nudge("goal:3:2026-11-27:80", d.pred_opt().unwrap(), 3).unwrap();
        assert_eq!(s.nudge_keys_since(d).unwrap(), vec!["goal:3:2026-11-28:80".to_string()]);
    }
}
