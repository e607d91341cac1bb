//! Where the KWin script is, as a file KWin can read: KWin's `loadScript` takes a path, and
//! KWin (the user's own process) opens it.
//!
//! In order: the file named by [`SCRIPT_ENV`]; the installed package beside the executable
//! (`<prefix>/bin/mast` → `<prefix>/share/mast/kwin/`, which is `/usr/share/mast/kwin/` for a
//! distribution package); in debug builds, the source tree's `desktop/kwin/`; and otherwise
//! the copy built into this binary, written to a private file under `$XDG_RUNTIME_DIR`, so that
//! an executable moved anywhere still brings a script of its own version.

use crate::sensor::SensorError;
use std::path::{Path, PathBuf};

/// Names a script to load instead of the installed one: a `main.js`, or a package directory
/// holding `contents/code/main.js`.
pub const SCRIPT_ENV: &str = "MAST_KWIN_SCRIPT";

/// The script inside a package directory.
const IN_PACKAGE: &str = "contents/code/main.js";
/// The script as built into this binary.
const BUILT_IN: &str = include_str!("../../../desktop/kwin/contents/code/main.js");

/// The script to load, as a file.
pub fn script_path() -> Result<PathBuf, SensorError> {
    if let Some(given) = std::env::var_os(SCRIPT_ENV).filter(|v| !v.is_empty()) {
        let given = PathBuf::from(given);
        let file = if given.is_dir() { given.join(IN_PACKAGE) } else { given };
        return if file.is_file() {
            Ok(file)
        } else {
            Err(SensorError::NeedsSetup {
                problem: format!("{SCRIPT_ENV} names {}, which is not a KWin script", file.display()),
                fix: format!("point {SCRIPT_ENV} at Mast's desktop/kwin folder or its main.js, or unset it"),
            })
        };
    }
    if let Some(file) = installed().filter(|f| f.is_file()) {
        return Ok(file);
    }
    if cfg!(debug_assertions) {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("desktop/kwin").join(IN_PACKAGE);
        if file.is_file() {
            return Ok(file);
        }
    }
    write_built_in()
}

/// `<prefix>/share/mast/kwin/contents/code/main.js` for an executable in `<prefix>/bin`.
fn installed() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let prefix = exe.parent()?.parent()?;
    Some(prefix.join("share/mast/kwin").join(IN_PACKAGE))
}

fn write_built_in() -> Result<PathBuf, SensorError> {
    let runtime = std::env::var_os("XDG_RUNTIME_DIR").filter(|v| !v.is_empty()).ok_or_else(|| {
        SensorError::Unavailable(
            "XDG_RUNTIME_DIR is not set, so there is nowhere private to put Mast's KWin script \
             (a Plasma session always sets it)"
                .into(),
        )
    })?;
    let dir = PathBuf::from(runtime).join("mast");
    let file = dir.join("kwin-focus.js");
    let unwritable = |e: &dyn std::fmt::Display| {
        SensorError::Unavailable(format!("cannot write Mast's KWin script to {}: {e}", file.display()))
    };
    crate::paths::create_private_dir(&dir).map_err(|e| unwritable(&e))?;
    // Another Mast of another version may have left its own copy: this binary's wins.
    if std::fs::read_to_string(&file).ok().as_deref() != Some(BUILT_IN) {
        let partial = dir.join(format!("kwin-focus.js.{}", std::process::id()));
        std::fs::write(&partial, BUILT_IN).map_err(|e| unwritable(&e))?;
        std::fs::rename(&partial, &file).map_err(|e| unwritable(&e))?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_script_is_the_shipped_one() {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("desktop/kwin").join(IN_PACKAGE);
        assert_eq!(std::fs::read_to_string(shipped).unwrap(), BUILT_IN);
        assert!(BUILT_IN.contains("ActiveWindowV1"));
    }

    #[test]
    fn debug_builds_find_the_source_tree() {
        // No override in the test environment; the test binary is not installed anywhere.
        if std::env::var_os(SCRIPT_ENV).is_none() {
            let found = script_path().unwrap();
            assert!(found.ends_with("desktop/kwin/contents/code/main.js"), "{}", found.display());
        }
    }
}
