//! Real X11: each test starts its own Xvfb (on a display Xvfb picks, so tests run in
//! parallel), usually openbox for `_NET_ACTIVE_WINDOW`, and windows with known class and
//! title, then drives focus, titles and the mouse with xdotool.
//!
//! `app` runs the desktop app as the tracker (after `make test` has built it).
//! `sensor` checks `X11Sensor` directly against the server; `track` runs the real
//! `mast track` and holds the spans it stores against the script's ground truth.

mod app;
pub(crate) mod desktop;
mod sensor;
pub(crate) mod track;
