//! Idle sources for the Wayland-era sensors: how long the user has been away from keyboard
//! and pointer, from whichever channel the desktop offers, in the order of
//! [`super::IdleKind::ORDER`]. [`wayland`] speaks the two Wayland protocols
//! (`ext-idle-notify-v1`, `org_kde_kwin_idle`); [`notified`] turns their "idle now" events
//! into the idle time the tracker needs.

mod notified;
pub mod wayland;

pub use wayland::WaylandIdle;
