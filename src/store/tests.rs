use super::*;

/// The app notices a `mast track` process's writes by this number.
#[test]
fn data_version_moves_with_another_connections_commits_only() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("mast.db");
    let reader = Store::open(&path).unwrap();
    let mut writer = Store::open(&path).unwrap();
    let v0 = reader.data_version().unwrap();
    assert_eq!(reader.data_version().unwrap(), v0, "nothing was committed");
    let span = crate::model::Span {
        start_ms: 1_000,
        end_ms: 2_000,
        utc_offset_min: 0,
        window: crate::model::StoredWindow { app: "a".into(), ..Default::default() },
    };
    writer.write_spans(&[span]).unwrap();
    let v1 = reader.data_version().unwrap();
    assert_ne!(v1, v0, "the other connection's commit shows");
    assert_eq!(reader.data_version().unwrap(), v1);
}

#[test]
fn garbage_file_is_refused_and_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("mast.db");
    let garbage = b"this is not a database, it is somebody's notes\n".repeat(100);
    std::fs::write(&path, &garbage).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::CorruptDatabase { .. }), "{err}");
    assert!(err.to_string().contains("left untouched"));
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

/// Overwrites the middle of every page after the first (the header page stays sound).
pub(crate) fn damage_pages(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let page = 4096;
    for p in 1..bytes.len() / page {
        for b in &mut bytes[p * page + 200..p * page + 600] {
            *b = 0xA5;
        }
    }
    std::fs::write(path, bytes).unwrap();
}

/// Regression: a database whose header was intact but whose pages were damaged opened
/// as if sound; `mast log` then said "No spans recorded yet" and writing commands wrote
/// into it.
/// A checkpointed store of 5,000 spans at `path`: enough pages to damage some.
pub(super) fn store_with_spans(path: &Path) {
    let mut store = Store::open(path).unwrap();
    let spans: Vec<crate::model::Span> = (0..5_000)
        .map(|i| crate::model::Span {
            start_ms: i * 10_000,
            end_ms: i * 10_000 + 5_000,
            utc_offset_min: 0,
            window: crate::model::StoredWindow {
                app: format!("app{}", i % 50),
                title: Some(format!("title {i}")),
                ..Default::default()
            },
        })
        .collect();
    store.write_spans(&spans).unwrap();
    store.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
}

#[test]
fn damaged_pages_behind_a_sound_header_are_refused_and_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("mast.db");
    store_with_spans(&path);
    damage_pages(&path);
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::CorruptDatabase { .. }), "{err}");
    assert!(err.is_damaged_database());
    let msg = err.to_string();
    assert!(msg.contains("damaged") && msg.contains("left untouched"), "{msg}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_damage_error_met_in_a_query_says_what_to_do() {
    let e = Error::from(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
        Some("database disk image is malformed".into()),
    ));
    assert_eq!(e.code(), "corruptDatabase");
    let msg = e.to_string();
    assert!(msg.contains("damaged") && msg.contains("restore it from a backup"), "{msg}");
}

#[test]
fn a_store_knows_when_its_file_is_gone_or_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("mast.db");
    let store = Store::open(&path).unwrap();
    assert!(store.is_at_its_path());
    std::fs::rename(&path, tmp.path().join("moved.db")).unwrap();
    assert!(!store.is_at_its_path(), "moved away");
    drop(Store::open(&path).unwrap());
    assert!(!store.is_at_its_path(), "another file at the path");
}

#[test]
fn newer_schema_is_refused_and_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("mast.db");
    drop(Store::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::NewerDatabase { found: 99, .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn foreign_database_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("mast.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE recipes (name TEXT)").unwrap();
    drop(conn);
    let err = Store::open(&path).unwrap_err();
    assert!(err.to_string().contains("did not create"), "{err}");
}

#[test]
fn locked_database_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("mast.db");
    drop(Store::open(&path).unwrap());
    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;").unwrap();
    let mut conn = Connection::open(&path).unwrap();
    conn.busy_timeout(Duration::from_millis(50)).unwrap();
    let e = conn.query_row("SELECT count(*) FROM spans", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert!(matches!(map_err(&path, e), Error::DatabaseLocked { .. }));
    let _ = &mut conn;
}

#[cfg(unix)]
#[test]
fn database_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("data").join("mast.db");
    drop(Store::open(&path).unwrap());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let dir_mode = std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777;
    assert_eq!(dir_mode, 0o700);
}
