//! Mast's integration tests: one binary. `cli` drives the real `mast` binary on temporary
//! data dirs; `x11` starts its own X server, window manager and windows.

mod cli;
mod goals;
mod util;
mod x11;
