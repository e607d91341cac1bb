//! Mast's integration tests: one binary. `cli` drives the real `mast` binary on temporary
//! data dirs; `x11` starts its own X server, window manager and windows; `notify` its own
//! D-Bus session and notification server; `wayland` its own headless sway.

mod cli;
mod export;
mod family;
mod gnome;
mod goals;
mod import;
mod kwin;
mod mismatch;
mod notify;
mod output;
mod research;
mod special_files;
mod study_example;
mod terminal;
mod util;
mod wayland;
mod x11;
