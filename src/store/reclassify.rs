//! Keeping history's classification and titles in line with the current rules and title
//! policy. Classification lives on the small `windows` table, so a rule change rewrites
//! that table and never the spans; a stricter title policy also drops titles already kept.

use super::Store;
use crate::classify::{Rules, WindowRef};
use crate::model::Category;
use crate::privacy;
use crate::settings::TitlePolicy;
use crate::Result;
use rusqlite::params;

const META_KEY: &str = "classification";

/// A window row as reclassification reads it: id, class, exe, title, url.
type StoredRow = (i64, String, String, Option<String>, Option<String>);

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
}

impl Store {
    /// Reclassifies every stored window if the rules or the title policy changed since the
    /// last time. Returns the number of windows rewritten (0 when nothing changed).
    #[tracing::instrument(skip_all, err)]
    pub fn sync_classification(&mut self, classifier: &Classifier) -> Result<usize> {
        let fingerprint = classifier.fingerprint();
        if self.meta(META_KEY)?.as_deref() == Some(fingerprint.as_str()) {
            return Ok(0);
        }
        let n = self.reclassify(classifier).map_err(|e| self.err(e))?;
        self.set_meta(META_KEY, &fingerprint)?;
        self.windows.clear();
        tracing::info!(windows = n, "reclassified history");
        Ok(n)
    }

    fn reclassify(&mut self, c: &Classifier) -> rusqlite::Result<usize> {
        let tx = self.conn.transaction()?;
        let windows: Vec<StoredRow> = {
            let mut st = tx.prepare(
                "SELECT w.id, a.class, a.exe, t.text, u.text FROM windows w
                 JOIN apps a ON a.id = w.app_id LEFT JOIN titles t ON t.id = w.title_id
                 LEFT JOIN urls u ON u.id = w.url_id",
            )?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut changed = 0;
        {
            let mut update = tx.prepare(
                "UPDATE windows SET platform = ?2, category = ?3, rule = ?4,
                        title_id = CASE WHEN ?5 THEN title_id END,
                        url_id = CASE WHEN ?5 THEN url_id END
                 WHERE id = ?1",
            )?;
            for (id, app, exe, title, url) in &windows {
                let verdict = c.rules.classify(WindowRef {
                    app,
                    exe: (!exe.is_empty()).then_some(exe.as_str()),
                    title: title.as_deref().unwrap_or(""),
                    url: url.as_deref(),
                });
                let keep = privacy::keeps_title(c.policy, &verdict);
                changed += update.execute(params![
                    id,
                    verdict.platform,
                    verdict.category.map(Category::as_str),
                    verdict.rule,
                    keep
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
