//! The library's one error type. Each variant says what went wrong in words a user can act
//! on; binaries add context with `anyhow` and print the chain with `{:#}`.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the config file {path} is not valid: {message}. Fix or delete the file; defaults apply to anything it leaves out")]
    Config { path: PathBuf, message: String },

    #[error("the rules file {path} is not valid: {message}. Fix it, or move it away to use the built-in rules")]
    Rules { path: PathBuf, message: String },

    #[error("the database {path} is not a Mast database or is damaged ({message}). It was left untouched; restore it from a backup or move it away to start afresh")]
    CorruptDatabase { path: PathBuf, message: String },

    #[error("the database {path} was written by a newer Mast (schema {found}, this one knows up to {known}). It was left untouched; upgrade Mast to read it")]
    NewerDatabase { path: PathBuf, found: i64, known: i64 },

    #[error("the database {path} is locked by another program. Close whatever holds it and try again")]
    DatabaseLocked { path: PathBuf },

    #[error(
        "`mast track` is already running for {dir} (pid {pid}). Stop it first (kill {pid}) or use a different data dir"
    )]
    AlreadyTracking { dir: PathBuf, pid: u32 },

    #[error("cannot use {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A FIFO, device, socket, directory or link where Mast expected a file or folder:
    /// refused at once, never waited on or followed.
    #[error("{path} is {found}, not a {expected}; Mast does not read or write through it. Remove it or move it away, and try again")]
    NotAFile { path: PathBuf, found: &'static str, expected: &'static str },

    /// An SQLite error met after the store was opened. Most come with a path
    /// ([`crate::store`] maps them); one raised through `?` deep inside a query still says
    /// what to do when it is damage.
    #[error("{}", sqlite_message(.0))]
    Sqlite(#[from] rusqlite::Error),

    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// A stable code for surfaces that branch on the kind of error (the desktop app's
    /// `{ code, message }`); the message is for people.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Config { .. } => "config",
            Error::Rules { .. } => "rules",
            Error::CorruptDatabase { .. } => "corruptDatabase",
            Error::NewerDatabase { .. } => "newerDatabase",
            Error::DatabaseLocked { .. } => "databaseLocked",
            Error::AlreadyTracking { .. } => "alreadyTracking",
            Error::Io { .. } => "io",
            Error::NotAFile { .. } => "notAFile",
            Error::Sqlite(e) if is_damage(e) => "corruptDatabase",
            Error::Sqlite(_) => "database",
            Error::Invalid(_) => "invalid",
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }

    /// The database file is damaged (or not one): writing on must stop, and the file be
    /// left as it is.
    pub fn is_damaged_database(&self) -> bool {
        match self {
            Error::CorruptDatabase { .. } => true,
            Error::Sqlite(e) => is_damage(e),
            _ => false,
        }
    }
}

fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase))
}

fn sqlite_message(e: &rusqlite::Error) -> String {
    if is_damage(e) {
        format!(
            "the database is damaged ({e}) and was left as it is: restore it from a backup, or move it away \
             (`mast paths` shows where it is) to start afresh"
        )
    } else {
        format!("database error: {e}")
    }
}
