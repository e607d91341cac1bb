//! Research exports: what a participant shares with a study, anonymised and with consent.
//! [`protocol`] reads and validates the study's protocol.

pub mod protocol;
