//! Families: shared goals and adherence through a folder the family's own sync tool keeps in
//! step. Mast runs no server; each device writes only its own files there, every one sealed
//! with the family key ([`crypto`]) and signed with the device's key ([`signing`]).

pub mod crypto;
pub mod model;
pub mod view;
