//! Where Mast keeps things. The one place that resolves the config and data directories
//! (`directories`), with `MAST_DATA_DIR` and `MAST_CONFIG_DIR` overrides so tests and the
//! demo can sandbox everything. It also owns their permissions: data dir 0700, files 0600.

use crate::{Error, Result};
use std::fs;
use std::path::{Path, PathBuf};

pub const DB_FILE: &str = "mast.db";
pub const CONFIG_FILE: &str = "config.toml";
pub const RULES_FILE: &str = "rules.toml";
pub const LOCK_FILE: &str = "track.lock";

/// The resolved directories of one Mast installation (or one demo).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
}

impl Paths {
    /// The user's directories: `$MAST_DATA_DIR` / `$MAST_CONFIG_DIR` when set, otherwise the
    /// platform's (on Linux `~/.local/share/mast` and `~/.config/mast`).
    pub fn from_env() -> Result<Paths> {
        let dirs = directories::ProjectDirs::from("", "", "mast");
        let pick = |var: &str, fallback: Option<PathBuf>| -> Result<PathBuf> {
            match std::env::var_os(var).filter(|v| !v.is_empty()) {
                Some(v) => Ok(PathBuf::from(v)),
                None => fallback.ok_or_else(|| {
                    Error::Invalid(format!("cannot find a home directory for Mast's files; set {var} to a directory"))
                }),
            }
        };
        Ok(Paths {
            data_dir: pick("MAST_DATA_DIR", dirs.as_ref().map(|d| d.data_dir().to_path_buf()))?,
            config_dir: pick("MAST_CONFIG_DIR", dirs.as_ref().map(|d| d.config_dir().to_path_buf()))?,
        })
    }

    /// The demo's own directories, beside the real ones and never the same.
    pub fn demo(&self) -> Paths {
        let sibling = |p: &Path| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            p.with_file_name(format!("{name}-demo"))
        };
        Paths { data_dir: sibling(&self.data_dir), config_dir: sibling(&self.config_dir) }
    }

    pub fn in_dir(data_dir: impl Into<PathBuf>, config_dir: impl Into<PathBuf>) -> Paths {
        Paths { data_dir: data_dir.into(), config_dir: config_dir.into() }
    }

    pub fn db(&self) -> PathBuf {
        self.data_dir.join(DB_FILE)
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join(CONFIG_FILE)
    }

    pub fn rules_file(&self) -> PathBuf {
        self.config_dir.join(RULES_FILE)
    }

    pub fn lock_file(&self) -> PathBuf {
        self.data_dir.join(LOCK_FILE)
    }

    /// Creates the data dir (0700: usage data is personal) if it is missing, and tightens
    /// its mode if it exists with looser permissions.
    pub fn ensure_data_dir(&self) -> Result<()> {
        create_private_dir(&self.data_dir)
    }
}

pub fn create_private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    set_mode(dir, 0o700)
}

#[cfg(unix)]
pub fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let current = fs::metadata(path).map_err(|e| Error::io(path, e))?.permissions().mode() & 0o777;
    if current != mode {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(|e| Error::io(path, e))?;
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn set_mode(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_dirs_never_equal_the_real_ones() {
        let p = Paths::in_dir("/home/u/.local/share/mast", "/home/u/.config/mast");
        let d = p.demo();
        assert_eq!(d.data_dir, PathBuf::from("/home/u/.local/share/mast-demo"));
        assert_eq!(d.config_dir, PathBuf::from("/home/u/.config/mast-demo"));
        assert_ne!(d.db(), p.db());
    }

    #[cfg(unix)]
    #[test]
    fn data_dir_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let p = Paths::in_dir(tmp.path().join("data"), tmp.path().join("cfg"));
        p.ensure_data_dir().unwrap();
        let mode = fs::metadata(&p.data_dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
}
