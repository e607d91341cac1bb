//! Looking for damaged pages when a store is opened, either before anything else happens or
//! on a second connection while the caller reads.
//!
//! Nothing else notices damage behind a sound header: a query over a broken page can return
//! fewer rows without any error, so a report would quietly lie and a write would build on
//! the damage. `quick_check` reads every page once (about 35 ms for a year of heavy use) but
//! skips the index-content cross-checks of `integrity_check`.
//!
//! A year's report reads the same pages for about as long, so a command that only reads and
//! then prints can run both at once: [`PageCheck::start`] checks on its own read-only
//! connection in a thread. What makes that as safe as checking first:
//! - Every open still checks every page; nothing is skipped or remembered between runs.
//! - No write can land before the check passed: the store's connection gets a commit hook
//!   that waits for the verdict and rolls the transaction back on damage (see
//!   [`PageCheck::guard_commits`]). Migrations, which write at open, run only after a check
//!   made first (the store checks synchronously whenever it has to migrate or change the
//!   journal mode).
//! - No read reaches the user before the check passed: the store's report functions wait for
//!   the verdict before they return, and a caller reading anything else calls
//!   [`super::Store::checked`] before using it. Damage found turns the whole command into
//!   the same "damaged" error a synchronous check gives.

use crate::{Error, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What SQLite's check found wrong, if anything (`None`: every page is sound).
fn problems(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let mut problems: Vec<String> = Vec::new();
    let mut st = conn.prepare("PRAGMA quick_check(3)")?;
    let mut rows = st.query([])?;
    while let Some(row) = rows.next()? {
        problems.push(row.get(0)?);
    }
    if problems.len() == 1 && problems[0] == "ok" {
        return Ok(None);
    }
    Ok(Some(problems.join("; ")))
}

fn damaged(path: &Path, problems: &str) -> Error {
    Error::CorruptDatabase { path: path.to_owned(), message: format!("SQLite's check found damaged pages: {problems}") }
}

/// Checks the pages on `conn` now.
pub(super) fn check_now(conn: &Connection, path: &Path) -> Result<()> {
    match problems(conn)? {
        None => Ok(()),
        Some(p) => Err(damaged(path, &p)),
    }
}

/// The verdict of a check, kept so that it can be asked for more than once.
#[derive(Clone)]
enum Verdict {
    Sound,
    Damaged(String),
    /// The check itself could not run (its connection, a read error): never taken as sound.
    Failed(String),
}

enum State {
    Running(JoinHandle<Verdict>),
    Done(Verdict),
}

/// A page check running on its own connection; cheap to clone (the clones share it).
#[derive(Clone)]
pub(super) struct PageCheck {
    path: PathBuf,
    state: Arc<Mutex<State>>,
}

impl PageCheck {
    /// Starts checking the database at `path` on a second, read-only connection.
    pub fn start(path: &Path) -> PageCheck {
        let owned = path.to_owned();
        let handle = std::thread::spawn(move || run(&owned));
        PageCheck { path: path.to_owned(), state: Arc::new(Mutex::new(State::Running(handle))) }
    }

    /// Waits for the verdict: `Ok` only when every page was found sound.
    pub fn wait(&self) -> Result<()> {
        // A poisoned lock means a panic while waiting: the verdict is unknown, so not sound.
        let mut state = self.state.lock().map_err(|_| damaged(&self.path, "the check did not finish"))?;
        let verdict = match std::mem::replace(&mut *state, State::Done(Verdict::Failed(String::new()))) {
            State::Running(handle) => {
                handle.join().unwrap_or_else(|_| Verdict::Failed("the check stopped unexpectedly".into()))
            }
            State::Done(v) => v,
        };
        *state = State::Done(verdict.clone());
        match verdict {
            Verdict::Sound => Ok(()),
            Verdict::Damaged(p) => Err(damaged(&self.path, &p)),
            Verdict::Failed(e) => Err(Error::Invalid(format!(
                "could not check {} for damaged pages ({e}); nothing was read or written",
                self.path.display()
            ))),
        }
    }

    /// Makes every commit on `conn` wait for the verdict, and roll back unless it is sound.
    pub fn guard_commits(&self, conn: &Connection) {
        let check = self.clone();
        // Waiting inside the hook cannot deadlock: the database is in WAL mode whenever a
        // check runs alongside (see `Store::init`), where the checker's reads never wait
        // for this connection's write lock.
        conn.commit_hook(Some(move || check.wait().is_err()));
    }
}

fn run(path: &Path) -> Verdict {
    let checked = (|| -> rusqlite::Result<Option<String>> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // No memory map here (unlike the store's connection): the pages this check touches
        // would count a second time in the process's resident memory, while read() goes
        // through SQLite's small page cache. The copies cost time on this thread only.
        conn.pragma_update(None, "mmap_size", 0i64)?;
        problems(&conn)
    })();
    match checked {
        Ok(None) => Verdict::Sound,
        Ok(Some(p)) => Verdict::Damaged(p),
        Err(e) if matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)) => {
            Verdict::Damaged(e.to_string())
        }
        Err(e) => Verdict::Failed(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{damage_pages, store_with_spans};
    use super::super::Store;
    use crate::analysis::ReportParams;
    use crate::Error;
    use chrono::NaiveDate;

    fn params() -> ReportParams {
        let day = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        ReportParams { from: day, to: day, day_start_hour: 0, session_gap_ms: 60_000, check_max_ms: 30_000 }
    }

    #[test]
    fn a_sound_store_checked_alongside_reports_what_a_store_checked_first_reports() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("mast.db");
        store_with_spans(&path);
        let first = Store::open(&path).unwrap().report(params()).unwrap();
        let alongside = Store::open_checking_alongside(&path).unwrap();
        assert!(alongside.page_check.is_some(), "the check runs alongside");
        let report = alongside.report(params()).unwrap();
        assert_eq!(report, first);
        alongside.checked().unwrap();
        alongside.set_meta("k", "v").unwrap();
        assert_eq!(alongside.meta("k").unwrap().as_deref(), Some("v"), "writes commit once the check passed");
    }

    /// The damage is found by the check alongside: the report, whatever it read, is not
    /// returned, no write commits, and the file stays as it was.
    #[test]
    fn damage_found_alongside_fails_the_report_and_every_write() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("mast.db");
        store_with_spans(&path);
        damage_pages(&path);
        let before = std::fs::read(&path).unwrap();
        let store = Store::open_checking_alongside(&path).unwrap();
        let err = store.report(params()).unwrap_err();
        assert!(matches!(err, Error::CorruptDatabase { .. }), "{err}");
        assert!(err.to_string().contains("damaged pages"), "{err}");
        assert!(store.checked().unwrap_err().is_damaged_database(), "the verdict stays");
        assert!(store.set_meta("k", "v").is_err(), "a write on damaged pages must not commit");
        drop(store);
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    /// A write made before the verdict waits for it, then rolls back on damage.
    #[test]
    fn a_write_racing_the_check_waits_for_its_verdict() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("mast.db");
        store_with_spans(&path);
        damage_pages(&path);
        let before = std::fs::read(&path).unwrap();
        let store = Store::open_checking_alongside(&path).unwrap();
        // Whether it fails on the damaged page or at its commit, it never lands.
        assert!(store.set_meta("k", "v").is_err());
        assert!(store.checked().is_err());
        drop(store);
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn a_file_that_must_be_migrated_is_checked_first() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("mast.db");
        store_with_spans(&path);
        damage_pages(&path);
        let conn = rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE).unwrap();
        // Pretend an older schema: the header page (user_version) is still sound.
        conn.pragma_update(None, "user_version", 1).unwrap();
        drop(conn);
        let before = std::fs::read(&path).unwrap();
        let err = Store::open_checking_alongside(&path).unwrap_err();
        assert!(err.is_damaged_database(), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }
}
