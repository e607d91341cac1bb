//! Keeping history's classification and titles in line with the current rules and title
//! policy. Classification lives on the small `windows` table, so a rule change rewrites
//! that table and never the spans; a stricter title policy also drops titles already kept.

use super::Store;
use crate::classify::{Rules, WindowRef};
use crate::model::{Category, StoredWindow};
use crate::privacy;
use crate::settings::TitlePolicy;
use crate::Result;
use rusqlite::params;

const META_KEY: &str = "classification";

/// The rules and the title policy that decide how a window is stored.
#[derive(Clone, Debug)]
pub struct Classifier {
    pub rules: Rules,
    pub policy: TitlePolicy,
}

impl Classifier {
    /// Changes whenever the rules or the policy change.
    pub fn fingerprint(&self) -> String {
        format!("{}:{}", self.rules.fingerprint(), self.policy.as_str())
    }

    /// A window stored under earlier rules or policy, as these would store it: classified
    /// again from what it kept, its title and url dropped unless the policy keeps them.
    /// Reclassifying history and the tracker's unsaved spans both go through here.
    pub fn store_again(&self, w: &StoredWindow) -> StoredWindow {
        let mut verdict = self.rules.classify(WindowRef {
            app: &w.app,
            exe: (!w.exe.is_empty()).then_some(w.exe.as_str()),
            title: w.title.as_deref().unwrap_or(""),
            url: w.url.as_deref(),
        });
        // A window stored without title or url (a private window, or one the policy
        // stripped) was classified by what it had then, which is gone: keep that verdict
        // while its platform still exists, rather than losing it.
        let untitled = w.title.is_none() && w.url.is_none();
        if untitled && verdict.platform.is_none() {
            if let Some(p) = w.platform.as_deref().filter(|p| self.rules.platforms().iter().any(|k| k.id == *p)) {
                verdict.platform = Some(p.to_owned());
                verdict.category = w.category;
                verdict.rule = w.rule.clone();
            }
        }
        let keep = privacy::keeps_title(self.policy, &verdict);
        StoredWindow {
            app: w.app.clone(),
            exe: w.exe.clone(),
            title: w.title.clone().filter(|_| keep),
            url: w.url.clone().filter(|_| keep),
            platform: verdict.platform,
            category: verdict.category,
            rule: verdict.rule,
        }
    }
}

impl Store {
    /// Reclassifies every stored window if the rules or the title policy changed since the
    /// last time. Returns the number of windows rewritten (0 when nothing changed).
    ///
    /// Titles and urls the policy no longer keeps are overwritten in the database file
    /// (`secure_delete`) and then in its write-ahead log: the log still holds the pages as
    /// they were before, so it is checkpointed into the file and truncated to nothing.
    #[tracing::instrument(skip_all, err)]
    pub fn sync_classification(&mut self, classifier: &Classifier) -> Result<usize> {
        // A write refused because the page check alongside found damage (see
        // `page_check.rs`) fails here; the damage is what to tell, not the refusal.
        let synced = self.sync_classification_now(classifier);
        if synced.is_err() {
            self.checked()?;
        }
        synced
    }

    fn sync_classification_now(&mut self, classifier: &Classifier) -> Result<usize> {
        let fingerprint = classifier.fingerprint();
        if self.meta(META_KEY)?.as_deref() == Some(fingerprint.as_str()) {
            return Ok(0);
        }
        let n = self.reclassify(classifier).map_err(|e| self.err(e))?;
        self.set_meta(META_KEY, &fingerprint)?;
        self.windows.clear();
        self.truncate_wal()?;
        tracing::info!(windows = n, "reclassified history");
        Ok(n)
    }

    /// Copies the write-ahead log into the database and empties it. Readers that hold an
    /// old snapshot delay it; SQLite's busy handler waits for them (up to the busy
    /// timeout), and a log that could not be emptied is said in the log.
    fn truncate_wal(&self) -> Result<()> {
        let (busy, frames, done): (i64, i64, i64) =
            self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        if busy != 0 {
            tracing::warn!(frames, done, "a reader kept the write-ahead log from being emptied; it is at the next");
        }
        Ok(())
    }

    fn reclassify(&mut self, c: &Classifier) -> rusqlite::Result<usize> {
        // Immediate: it reads before it writes, and a read transaction cannot wait for the
        // tracker's write to become one (SQLite answers "busy" at once).
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let windows: Vec<(i64, StoredWindow)> = {
            let mut st = tx.prepare(
                "SELECT w.id, a.class, a.exe, t.text, u.text, w.platform, w.category, w.rule
                 FROM windows w
                 JOIN apps a ON a.id = w.app_id LEFT JOIN titles t ON t.id = w.title_id
                 LEFT JOIN urls u ON u.id = w.url_id",
            )?;
            let rows = st.query_map([], |r| {
                let category: Option<String> = r.get(6)?;
                Ok((
                    r.get(0)?,
                    StoredWindow {
                        app: r.get(1)?,
                        exe: r.get(2)?,
                        title: r.get(3)?,
                        url: r.get(4)?,
                        platform: r.get(5)?,
                        category: category.as_deref().and_then(Category::parse),
                        rule: r.get(7)?,
                    },
                ))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut changed = 0;
        {
            let mut update = tx.prepare(
                "UPDATE windows SET platform = ?2, category = ?3, rule = ?4,
                        title_id = CASE WHEN ?5 THEN title_id END,
                        url_id = CASE WHEN ?6 THEN url_id END
                 WHERE id = ?1",
            )?;
            for (id, w) in &windows {
                let again = c.store_again(w);
                changed += update.execute(params![
                    id,
                    again.platform,
                    again.category.map(Category::as_str),
                    again.rule,
                    again.title.is_some(),
                    again.url.is_some()
                ])?;
            }
        }
        // Titles and urls no window refers to any more are deleted, not just unlinked.
        tx.execute_batch(
            "DELETE FROM titles WHERE id NOT IN (SELECT title_id FROM windows WHERE title_id IS NOT NULL);
             DELETE FROM urls WHERE id NOT IN (SELECT url_id FROM windows WHERE url_id IS NOT NULL);",
        )?;
        tx.commit()?;
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Millis, Span};

    fn observed(start: Millis, app: &str, title: &str) -> Span {
        Span {
            start_ms: start,
            end_ms: start + 1_000,
            utc_offset_min: 0,
            window: crate::model::StoredWindow { app: app.into(), title: Some(title.into()), ..Default::default() },
        }
    }

    fn classifier(rules: &str, policy: TitlePolicy) -> Classifier {
        let rules = if rules.is_empty() {
            Rules::builtin()
        } else {
            Rules::load(Some((std::path::Path::new("rules.toml"), rules))).unwrap()
        };
        Classifier { rules, policy }
    }

    fn platforms(store: &Store) -> Vec<Option<String>> {
        store.spans(0, Millis::MAX, 100).unwrap().into_iter().map(|r| r.platform).collect()
    }

    #[test]
    fn rule_changes_and_stricter_policies_rewrite_history() {
        let mut store = Store::open_in_memory().unwrap();
        let all = classifier("", TitlePolicy::All);
        store.sync_classification(&all).unwrap();
        let spans = vec![
            observed(0, "firefox", "Home / X — Mozilla Firefox"),
            observed(1_000, "firefox", "Bank statement — Mozilla Firefox"),
            observed(2_000, "firefox", "Home / X — Mozilla Firefox Private Browsing"),
        ];
        store.insert_observed(spans, &all).unwrap();
        let x = Some("x".to_string());
        assert_eq!(platforms(&store), vec![x.clone(), None, x.clone()]);
        assert_eq!(store.sync_classification(&all).unwrap(), 0, "nothing changed, nothing done");

        // Disabling a platform clears it everywhere, the private window included.
        let no_x = classifier("disable = [\"x\"]\n", TitlePolicy::All);
        assert!(store.sync_classification(&no_x).unwrap() > 0);
        assert_eq!(platforms(&store), vec![None, None, None]);

        // Back to the built-ins: titled windows are recognised again. The private window
        // kept no title, so what it was cannot be recovered once its platform was disabled.
        store.sync_classification(&all).unwrap();
        assert_eq!(platforms(&store), vec![x.clone(), None, None]);

        // The `targets` policy removes the bank statement's title from the database.
        store.sync_classification(&classifier("", TitlePolicy::Targets)).unwrap();
        let titles: Vec<String> = store
            .conn()
            .prepare("SELECT text FROM titles")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(titles, vec!["Home / X — Mozilla Firefox".to_string()]);
    }

    #[test]
    fn untitled_private_windows_keep_their_platform_across_unrelated_rule_changes() {
        let mut store = Store::open_in_memory().unwrap();
        let all = classifier("", TitlePolicy::All);
        store.sync_classification(&all).unwrap();
        store
            .insert_observed(vec![observed(0, "firefox", "Home / X — Mozilla Firefox Private Browsing")], &all)
            .unwrap();
        let other = classifier("disable = [\"youtube\"]\n", TitlePolicy::All);
        store.sync_classification(&other).unwrap();
        assert_eq!(platforms(&store), vec![Some("x".to_string())]);
    }
}
