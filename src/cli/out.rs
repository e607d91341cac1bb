//! Where the CLI writes: every line it prints goes through here (the `print_stdout` and
//! `print_stderr` lints in `main.rs` keep it so), because `println!` panics when its write
//! fails, and its commonest failure is nothing to worry about: the reader of a pipe has
//! gone (`mast log | head -1`). Rust ignores SIGPIPE, so instead of being killed quietly as
//! a C program is, `println!` panics with "failed printing to stdout: Broken pipe".
//!
//! When stdout's reader has gone, the process exits at once with status 0, like ripgrep,
//! so that a script under `set -o pipefail` doesn't fail because its reader stopped early
//! (Mast has done its work by then: every command prints after it has written what it
//! writes, and SQLite's commits and the data dir's lock outlive an exit). Any other failure
//! to write stdout (a full disk behind `> file`) says so on stderr and exits with 1. A
//! failure to write stderr is ignored: there is nowhere left to tell.

use std::fmt;
use std::io::{self, Write};

/// Exit status when stdout's reader went away before the output was all written.
pub const CLOSED_PIPE_STATUS: i32 = 0;

/// Writes to stdout as `print!` does, handling a failed write as the module says.
pub fn stdout(args: fmt::Arguments<'_>) {
    if let Err(e) = io::stdout().lock().write_fmt(args) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(CLOSED_PIPE_STATUS);
        }
        stderr(format_args!("mast: cannot write the output: {e}\n"));
        std::process::exit(1);
    }
}

/// Writes to stderr as `eprint!` does, never failing.
pub fn stderr(args: fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.flush());
}

/// Text already rendered by a command (it may end in a newline or not), with its control
/// characters shown, not obeyed ([`mast::terminal::printable_lines`]).
pub fn text(rendered: &str) {
    stdout(format_args!("{}", mast::terminal::printable_lines(rendered)));
}
