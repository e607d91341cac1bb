//! Mast's core: everything that is not a user interface.
//!
//! Data flows one way, each stage in its own module:
//! [`sensor`] (what is in front, how long idle) → [`tracker`] (observations into spans) →
//! [`store`] (SQLite) → [`analysis`] (reports, pure functions) → the surfaces, which live
//! outside this library (`src/main.rs` for the CLI, `src-tauri/` for the desktop app).
//! [`classify`] turns a window into a target; [`localday`] owns the calendar.
//! The library never installs a tracing subscriber and never prints.

pub mod analysis;
pub mod classify;
pub mod demo;
pub mod demo_data;
pub mod error;
pub mod export;
pub mod family;
pub mod files;
pub mod format;
pub mod goal_changes;
pub mod goals;
pub mod import;
pub mod localday;
pub mod lock;
pub mod model;
pub mod notify;
pub mod nudge;
pub mod paths;
pub mod privacy;
pub mod research;
pub mod rule_draft;
pub mod sensor;
pub mod settings;
pub mod settings_file;
pub mod store;
pub mod terminal;
pub mod track;
pub mod tracker;
pub mod tray_host;
pub mod views;

pub use error::{Error, Result};
