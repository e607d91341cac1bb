//! Research exports: what a participant shares with a study, anonymised and with consent.
//! [`protocol`] reads and validates the study's protocol; [`bundle`] builds, previews,
//! scans and writes what is shared.

pub mod bundle;
pub mod protocol;
