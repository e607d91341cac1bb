//! KDE Plasma: Mast's KWin script and the focus source that loads it.
//!
//! `script` runs the script under gjs against fake workspaces of both scripting APIs
//! (Plasma 5 and 6). `sensor` starts a real headless KWin 5.27 (`kwin_wayland --virtual`) on
//! a private session bus, opens Wayland windows in it ([`window`]), switches the focus with
//! KWin's own scripting, and checks that `KwinFocus` follows; it also checks which idle
//! protocols that KWin offers. `standin` plays KWin 6's D-Bus contract, which differs in where
//! a loaded script lives.

mod desktop;
mod script;
mod sensor;
mod standin;
mod track;
mod window;
