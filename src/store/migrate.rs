//! Schema versions. Migrations are SQL files in `migrations/`, embedded in order; each runs
//! in its own transaction and advances `PRAGMA user_version`, so a crash mid-migration
//! leaves the previous version intact.

use rusqlite::Connection;

/// Every migration, in order. Index + 1 is the schema version it produces.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_initial.sql", include_str!("../../migrations/0001_initial.sql")),
    ("0002_goals.sql", include_str!("../../migrations/0002_goals.sql")),
    ("0003_family_goals.sql", include_str!("../../migrations/0003_family_goals.sql")),
];

/// The newest schema this build knows.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies the migrations after `from`. The caller has checked that `from <= latest()`.
///
/// Two processes may open a new database at once (the tracker starting while `mast status`
/// reads): each step takes the write lock first (`BEGIN IMMEDIATE`) and reads the version
/// again under it, so a step another process applied meanwhile is skipped, never run twice.
pub fn apply(conn: &mut Connection, from: i64) -> rusqlite::Result<()> {
    for (i, (_name, sql)) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if user_version(&tx)? > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        // PRAGMA takes no bound parameters; the value is our own integer.
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: `mast status` run while `mast track` created the database failed with
    /// "table goals already exists", both having read version 0 before either migrated.
    #[test]
    fn a_step_applied_by_another_connection_meanwhile_is_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("m.db");
        let mut late = Connection::open(&path).unwrap();
        let from = user_version(&late).unwrap();
        let mut early = Connection::open(&path).unwrap();
        apply(&mut early, 0).unwrap();
        apply(&mut late, from).unwrap();
        assert_eq!(user_version(&late).unwrap(), latest());
    }

    #[test]
    fn every_migration_file_is_registered_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let registered: Vec<&str> = MIGRATIONS.iter().map(|(n, _)| *n).collect();
        assert_eq!(files, registered);
        for (i, name) in registered.iter().enumerate() {
            assert!(name.starts_with(&format!("{:04}_", i + 1)), "{name} is out of sequence");
        }
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn, 0).unwrap();
        let schema = |c: &Connection| -> Vec<String> {
            let mut st = c.prepare("SELECT sql FROM sqlite_master ORDER BY name").unwrap();
            st.query_map([], |r| r.get::<_, Option<String>>(0))
                .unwrap()
                .map(|r| r.unwrap().unwrap_or_default())
                .collect()
        };
        let before = schema(&conn);
        let v = user_version(&conn).unwrap();
        assert_eq!(v, latest());
        apply(&mut conn, v).unwrap();
        assert_eq!(schema(&conn), before);
        assert_eq!(user_version(&conn).unwrap(), latest());
    }
}
