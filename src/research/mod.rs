//! Research exports: what a participant shares with a study, anonymised and with consent.
//! [`protocol`] reads and validates the study's protocol; [`bundle`] builds, previews,
//! scans and writes what is shared; [`merge`] combines participants' bundles into one dataset.

pub mod bundle;
mod located;
pub mod merge;
pub mod protocol;
