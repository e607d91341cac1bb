//! The hot loop of every report: stepping through a year of span rows.
//!
//! rusqlite checks each column read (its index against the column count, then its type) with
//! three calls into SQLite per value; over 525,600 rows × 4 columns those checks cost about
//! as much as the reports' own arithmetic. The span columns are `INTEGER NOT NULL` by
//! schema, so this scan reads them with one `sqlite3_column_int64` each on a statement of
//! its own. A value that is somehow not an integer (a damaged file) reads as SQLite's
//! conversion of it (0 for most), never as undefined behaviour; errors from stepping are
//! returned as rusqlite errors.

use crate::model::Millis;
use rusqlite::ffi;
use rusqlite::Connection;
use std::ffi::CStr;
use std::ptr;

const SQL: &CStr = c"SELECT start_ms, dur_ms, utc_offset_min, window_id FROM spans
    WHERE start_ms >= ?1 AND start_ms < ?2 ORDER BY start_ms";

/// Spans starting in `[lo, hi)`, in start order, as `[start_ms, dur_ms, utc_offset_min,
/// window_id]`.
pub(super) struct SpanScan<'c> {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
    done: bool,
    _conn: std::marker::PhantomData<&'c Connection>,
}

impl<'c> SpanScan<'c> {
    pub fn new(conn: &'c Connection, lo: Millis, hi: Millis) -> rusqlite::Result<SpanScan<'c>> {
        // SAFETY: the handle stays valid while `conn` is borrowed, which `'c` guarantees;
        // the statement is finalised in `Drop`, before the borrow ends. The connection is
        // used from this thread only (`Connection` is not `Sync`).
        unsafe {
            let db = conn.handle();
            let mut stmt = ptr::null_mut();
            let rc = ffi::sqlite3_prepare_v2(db, SQL.as_ptr(), -1, &mut stmt, ptr::null_mut());
            let scan = SpanScan { db, stmt, done: false, _conn: std::marker::PhantomData };
            check(db, rc)?;
            check(db, ffi::sqlite3_bind_int64(stmt, 1, lo))?;
            check(db, ffi::sqlite3_bind_int64(stmt, 2, hi))?;
            Ok(scan)
        }
    }

    /// The next row, or `None` at the end.
    #[inline]
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> rusqlite::Result<Option<[i64; 4]>> {
        if self.done {
            return Ok(None);
        }
        // SAFETY: `stmt` is a live prepared statement (see `new`); columns 0–3 exist.
        unsafe {
            match ffi::sqlite3_step(self.stmt) {
                ffi::SQLITE_ROW => Ok(Some([0, 1, 2, 3].map(|i| ffi::sqlite3_column_int64(self.stmt, i)))),
                ffi::SQLITE_DONE => {
                    self.done = true;
                    Ok(None)
                }
                rc => {
                    self.done = true;
                    check(self.db, rc).map(|()| None)
                }
            }
        }
    }
}

impl Drop for SpanScan<'_> {
    fn drop(&mut self) {
        // SAFETY: finalising a statement (or null) once is always allowed.
        unsafe {
            ffi::sqlite3_finalize(self.stmt);
        }
    }
}

/// SQLite's result code as a rusqlite error with the connection's message.
///
/// # Safety
/// `db` must be a live connection handle.
unsafe fn check(db: *mut ffi::sqlite3, rc: i32) -> rusqlite::Result<()> {
    if rc == ffi::SQLITE_OK {
        return Ok(());
    }
    // SAFETY: the caller passes a live handle; sqlite3_errmsg returns a NUL-terminated
    // string owned by SQLite, copied here before any further call.
    let msg = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }.to_string_lossy().into_owned();
    Err(rusqlite::Error::SqliteFailure(ffi::Error::new(rc), Some(msg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_rusqlite_reads_in_order_and_in_range() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE spans (start_ms INTEGER PRIMARY KEY, dur_ms INTEGER NOT NULL,
                                 utc_offset_min INTEGER NOT NULL, window_id INTEGER NOT NULL);
             INSERT INTO spans VALUES (30, 5, -480, 2), (10, 7, 330, 1), (20, 1, 0, 9), (40, 2, 60, 3);",
        )
        .unwrap();
        let mut scan = SpanScan::new(&conn, 10, 40).unwrap();
        let mut rows = Vec::new();
        while let Some(row) = scan.next().unwrap() {
            rows.push(row);
        }
        assert_eq!(rows, [[10, 7, 330, 1], [20, 1, 0, 9], [30, 5, -480, 2]]);
        assert_eq!(scan.next().unwrap(), None, "stays done");
    }

    #[test]
    fn errors_are_rusqlite_errors_with_sqlites_message() {
        let conn = Connection::open_in_memory().unwrap();
        let err = SpanScan::new(&conn, 0, 1).err().expect("no spans table");
        assert!(err.to_string().contains("no such table: spans"), "{err}");
    }
}
