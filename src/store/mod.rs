//! The store: one SQLite file in the data dir. This module owns opening it safely (pragmas,
//! migrations, refusing foreign, damaged or newer files) and the error mapping; writing and
//! reading spans, classification upkeep and reports live in the submodules.
//!
//! The tracker is the only writer of spans; readers open their own connections and WAL
//! keeps them from blocking it.

use crate::{Error, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod goals;
mod import;
pub mod migrate;
mod mismatch;
mod nudges;
mod page_check;
mod patterns;
mod ratings;
mod reclassify;
mod report;
mod scan;
mod spans;

pub use import::{Clipped, Importer};
pub use ratings::{NewRating, Rating, RatingScope, SessionBounds};
pub use reclassify::Classifier;
pub use spans::SpanRow;

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Window ids by stored window, so that a span write costs no lookup query.
    windows: HashMap<crate::model::StoredWindow, i64>,
    /// The file's device and inode when it was opened (`None` in memory): a path that no
    /// longer leads to them means the file was deleted or replaced under us.
    identity: Option<(u64, u64)>,
    /// The page check still running alongside (see [`Store::open_checking_alongside`]).
    page_check: Option<page_check::PageCheck>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// A file that is not a Mast database, is damaged, or comes from a newer Mast is refused
    /// and left exactly as it was.
    #[tracing::instrument(skip_all, err, fields(path = %path.display()))]
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, false)
    }

    /// Opens like [`Store::open`], but looks for damaged pages on a second connection while
    /// the caller works, for a command that reads and then prints: a year's report and the
    /// check take about as long each, and run at once instead of one after the other.
    ///
    /// The store's reports ([`Store::report`], [`Store::mismatch`]) wait for the check before
    /// they return, and no write commits before it passed; anything else read from this
    /// store must not be shown before [`Store::checked`] said `Ok` (see `page_check.rs`).
    #[tracing::instrument(skip_all, err, fields(path = %path.display()))]
    pub fn open_checking_alongside(path: &Path) -> Result<Store> {
        Store::open_with(path, true)
    }

    /// `Ok` once the pages were found sound; the damage otherwise. Waits for a check still
    /// running alongside; at once for a store opened with [`Store::open`].
    pub fn checked(&self) -> Result<()> {
        self.page_check.as_ref().map_or(Ok(()), |c| c.wait())
    }

    /// `result`, unless the page check found damage: then that, which explains any error
    /// met on the way and must stop any result from being shown.
    pub(crate) fn after_check<T>(&self, result: Result<T>) -> Result<T> {
        self.checked()?;
        result
    }

    fn open_with(path: &Path, alongside: bool) -> Result<Store> {
        // Two processes opening a new database at the same moment (the tracker starting while
        // `mast status` reads) can meet in SQLite's lock upgrade of the first open (one
        // switching the file to WAL while the other migrates), where SQLite answers "busy"
        // at once instead of waiting. That lasts milliseconds: try again for a few seconds
        // before calling the database locked.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            match Store::open_once(path, alongside) {
                Err(Error::DatabaseLocked { .. }) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(25));
                }
                result => return result,
            }
        }
    }

    fn open_once(path: &Path, alongside: bool) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::paths::create_private_dir(dir)?;
        }
        create_private_file(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| map_err(path, e))?;
        let identity = file_identity(path).map_err(|e| Error::io(path, e))?;
        let mut store = Store::init(conn, path, alongside).map_err(|e| match e {
            Error::Sqlite(e) => map_err(path, e),
            other => other,
        })?;
        store.identity = Some(identity);
        Ok(store)
    }

    /// Whether the path still leads to the file this store has open. False when the file
    /// (or its whole data dir) was deleted, moved away or replaced since it was opened:
    /// whatever is written then goes into a file nobody will read again.
    pub fn is_at_its_path(&self) -> bool {
        match self.identity {
            None => true,
            Some(id) => file_identity(&self.path).is_ok_and(|now| now == id),
        }
    }

    /// An in-memory store for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?, Path::new(":memory:"), false)
    }

    fn init(mut conn: Connection, path: &Path, alongside: bool) -> Result<Store> {
        // Readers (CLI, app) wait up to 5 s for the tracker's short write transactions
        // instead of failing at once.
        conn.busy_timeout(Duration::from_secs(5))?;
        // One statement, one snapshot: another process migrating between two reads must not
        // make a fresh database look like a foreign one.
        let (version, tables): (i64, i64) = conn.query_row(
            "SELECT user_version, (SELECT count(*) FROM sqlite_master) FROM pragma_user_version",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if version > migrate::latest() {
            return Err(Error::NewerDatabase { path: path.to_owned(), found: version, known: migrate::latest() });
        }
        if version == 0 && tables > 0 {
            return Err(Error::CorruptDatabase {
                path: path.to_owned(),
                message: "it holds tables that Mast did not create".into(),
            });
        }
        let on_disk = path != Path::new(":memory:");
        // Checking alongside is only for a file that opening will not write to: one at the
        // latest schema (no migration) and already in WAL mode (no header change, and the
        // checker's reads never wait for a writer). Any other file is checked first.
        let alongside = alongside && on_disk && version == migrate::latest() && {
            let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            mode.eq_ignore_ascii_case("wal")
        };
        if on_disk && !alongside {
            page_check::check_now(&conn, path)?;
        }
        // WAL: the tracker writes while the app and CLI read, and a crash mid-write cannot
        // damage committed data.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if on_disk && !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(%mode, "could not switch the database to WAL");
        }
        // NORMAL in WAL mode: a commit survives a crash of Mast (kill -9); only a power cut
        // can lose the last few seconds, and never corrupts. FULL would fsync every 5 s for
        // the life of the tracker, which costs battery for no gain a user would notice.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // The schema's references are real; let SQLite hold us to them.
        conn.pragma_update(None, "foreign_keys", true)?;
        // Titles dropped by a stricter policy are overwritten on disk, not just unlinked.
        conn.pragma_update(None, "secure_delete", true)?;
        // Reports stream over every span of a period; reading pages through a memory map
        // instead of read() copies saves about a sixth of a year's report. The map is
        // of the file, shared and paged on demand, so it costs no private memory.
        conn.pragma_update(None, "mmap_size", 256i64 * 1024 * 1024)?;
        migrate::apply(&mut conn, version)?;
        let page_check = alongside.then(|| {
            let check = page_check::PageCheck::start(path);
            check.guard_commits(&conn);
            check
        });
        Ok(Store { conn, path: path.to_owned(), windows: HashMap::new(), identity: None, page_check })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// A number that changes whenever another connection commits to the database (another
    /// process's tracker, a `mast` command, this process's own tracker): how a reader learns,
    /// with one cheap query and no file polling, that what it shows may be out of date.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check`: "ok" or the problems SQLite found.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Wraps a rusqlite error with what the user can do about it.
    pub(crate) fn err(&self, e: rusqlite::Error) -> Error {
        map_err(&self.path, e)
    }
}

/// Turns SQLite's codes into errors that say what to do.
pub(crate) fn map_err(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
            Error::CorruptDatabase { path: path.to_owned(), message: e.to_string() }
        }
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            Error::DatabaseLocked { path: path.to_owned() }
        }
        Some(ErrorCode::DiskFull) => Error::Invalid(format!(
            "the disk holding {} is full; free some space. Nothing stored was lost",
            path.display()
        )),
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => Error::Invalid(
            format!("cannot write {} ({e}); check that the file and its folder are yours and writable", path.display()),
        ),
        _ => Error::Sqlite(e),
    }
}

#[cfg(unix)]
fn file_identity(path: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path)?;
    Ok((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_identity(path: &Path) -> std::io::Result<(u64, u64)> {
    std::fs::metadata(path).map(|_| (0, 0))
}

/// Creates the database file with mode 0600 before SQLite does, so it is never readable by
/// others even for a moment; SQLite gives its -wal and -shm files the same mode.
fn create_private_file(path: &Path) -> Result<()> {
    // A FIFO or a device in its place would hold SQLite's first read forever: refused here,
    // at once. Only looked at, never opened: closing a descriptor of a database that another
    // connection of this process holds would drop that connection's locks, and another
    // process closing its own connection would then delete the WAL under it (the app's
    // tracker lost every write after its reader store was opened).
    if crate::files::is_file(path)? {
        return Ok(());
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}

#[cfg(test)]
mod tests;
