//! Real Wayland: each test starts its own headless sway (as uid 65534, in its own temp
//! dirs; see `sway`), opens foot windows with known app ids and titles, and drives focus,
//! titles and input with swaymsg and wtype.
//!
//! `wlroots_sensor` checks the wlroots focus source and `idle` the Wayland idle source
//! directly against sway; `track_sway` runs the tracker on them and holds the spans it
//! stores against the script's ground truth. `without_protocols` runs headless Mutter,
//! which offers neither protocol, to hear the sources say what to do.

mod idle;
pub mod sway;
mod track_sway;
mod without_protocols;
mod wlroots_sensor;
