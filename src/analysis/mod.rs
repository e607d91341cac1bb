//! Analysis: reports as pure functions over spans. No clock reads, no I/O: the store
//! streams spans in, the surfaces print what comes out.
//!
//! - [`usage`]: one pass over spans in start order → time per local day, per target and
//!   category, with sessions and checks ([`ReportBuilder`]).
//! - [`report`]: the stable JSON shape of the result ([`Report`]).
//!
//! Local days come from [`crate::localday`]; which window is which target is
//! [`crate::classify`]'s business, decided before spans get here.

pub mod attention;
pub mod mismatch;
pub mod patterns;
pub mod report;
pub mod usage;

pub use attention::{AttentionEstimate, AttentionTable};
pub use patterns::{
    PatternBuilder, PatternParams, Patterns, SessionHistogram, SessionRef, TargetPatterns, SESSION_BUCKET_BOUNDS_SECS,
};
pub use report::{CategoryUsage, DayUsage, Report, TargetUsage, Usage, REPORT_SCHEMA};
pub use usage::{ReportBuilder, ReportParams, SpanRecord, TargetInfo};
