//! The family folder on disk, and this device's own record of its family.
//!
//! ```text
//! FOLDER/family.json                   the family's public header (written once, by the creator)
//! FOLDER/devices/<device>/member.mast  the device's member card
//! FOLDER/devices/<device>/changes.mast every change to the shared goals it knows, each signed by its author
//! FOLDER/devices/<device>/adherence.mast what it publishes of its member's days
//! ```
//!
//! `<device>` is 16 hex digits of the device's public key. A device writes only under its own
//! `devices/<device>/`, so no file has two writers and the sync tool never has a conflict to
//! resolve. Reading takes only those exact names: the sync tool's conflict copies
//! (`changes.sync-conflict-….mast`, `changes (conflicted copy).mast`), its temporary files
//! and anything else in the folder are ignored. Files are replaced by writing a hidden
//! temporary file beside them and renaming it over them, so a reader never sees half a file
//! from Mast (a sync tool may still deliver one: it fails authentication and is read again
//! at the next sync). Others write this folder: every file in it is read and written through
//! [`crate::files::Dir`], which follows no link and waits on no FIFO.

use super::crypto::{FamilyHeader, FamilyKey};
use super::model::SignedChange;
use super::signing::{short_id, DeviceKey, SignedFile};
use crate::files::Dir;
use crate::model::Millis;
use crate::{Error, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const HEADER_FILE: &str = "family.json";
pub const DEVICES: &str = "devices";
/// No file Mast writes comes near this; a bigger one is refused before it is read.
const MAX_FILE: u64 = 8 << 20;
/// This device's record holds every change known; generous, but not a whole disk.
const MAX_STATE: u64 = 256 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Member,
    Changes,
    Adherence,
}

impl FileKind {
    pub fn file(self) -> &'static str {
        match self {
            FileKind::Member => "member.mast",
            FileKind::Changes => "changes.mast",
            FileKind::Adherence => "adherence.mast",
        }
    }
}

/// A file's name inside the folder, as sealed and signed: `devices/<device>/<file>`.
pub fn name_of(device: &str, kind: FileKind) -> String {
    format!("{DEVICES}/{device}/{}", kind.file())
}

/// Reads the device file `name` (`devices/<device>/<file>`, see [`name_of`]) of at most
/// [`MAX_FILE`] bytes; `None` when it does not exist. A link, a FIFO or anything else that
/// is not a regular file there is refused (others write this folder).
pub fn read_file(folder: &Dir, name: &str) -> Result<Option<Vec<u8>>> {
    folder.read(name, MAX_FILE)
}

pub use crate::files::io_err;

/// Opens a sealed file of the folder: its signed content, whose signature the reader checks
/// against the key the content names.
pub fn open_sealed(key: &FamilyKey, name: &str, bytes: &[u8]) -> std::result::Result<SignedFile, String> {
    let plain = key.open(name, bytes).map_err(|e| e.to_string())?;
    serde_json::from_slice(&plain).map_err(|e| format!("its content is not valid ({e})"))
}

/// Seals and signs `body` as this device's file of `kind`, and writes it into the folder.
pub fn write_own<T: Serialize>(
    folder: &Path,
    key: &FamilyKey,
    device: &DeviceKey,
    kind: FileKind,
    body: &T,
) -> Result<()> {
    let public = device.public();
    let name = name_of(short_id(&public), kind);
    let body = serde_json::to_string(body).expect("family files serialise");
    let signed = device.sign(key.family(), &name, &body);
    let sealed = key.seal(&name, serde_json::to_string(&signed).expect("a signed file serialises").as_bytes());
    Dir::open(folder)?.write(&name, &sealed)
}

/// This device's record of its family, in the data dir (0600): the pinned header, the keys,
/// and every change accepted so far, so that a file that goes missing or is replaced by an
/// older copy loses nothing, and the goals work offline.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocalState {
    pub format: u32,
    /// The header as it was when this device joined; a different one later is refused.
    pub header: FamilyHeader,
    pub folder: PathBuf,
    pub member: String,
    /// The family's name, from the creator's member card.
    pub family_name: String,
    /// The family key (hex) and this device's secret key (hex).
    pub key: String,
    pub device: String,
    pub joined_ms: Millis,
    pub published: Option<Published>,
    /// The highest version seen of each file (by its name in the folder): a lower one is an
    /// old copy replayed.
    pub seen: BTreeMap<String, u64>,
    /// Every change known, by author key, in order (this device's own among them): what
    /// this device merges, and carries in its own file.
    pub logs: BTreeMap<String, Vec<SignedChange>>,
    /// The version of this device's own file of changes.
    #[serde(default)]
    pub changes_version: u64,
    pub synced_ms: Millis,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Published {
    pub version: u64,
    pub day: NaiveDate,
    pub ms: Millis,
    /// The shared goals it covered: when they change, it is published again.
    #[serde(default)]
    pub goals: Vec<String>,
}

pub const STATE_FORMAT: u32 = 1;

impl LocalState {
    pub fn load(path: &Path) -> Result<Option<LocalState>> {
        let Some(text) = crate::files::read_text(path, MAX_STATE)? else { return Ok(None) };
        let state: LocalState = serde_json::from_str(&text).map_err(|e| {
            Error::Invalid(format!(
                "this device's family record {} is damaged ({e}); restore it from a backup, or move it away and join \
                 the family again with `mast family join`",
                path.display()
            ))
        })?;
        if state.format > STATE_FORMAT {
            return Err(Error::Invalid(format!(
                "{} was written by a newer Mast; upgrade Mast on this device",
                path.display()
            )));
        }
        Ok(Some(state))
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).expect("the family record serialises");
        crate::files::replace(path, text.as_bytes())?;
        crate::paths::set_mode(path, 0o600)
    }

    pub fn path_in(data_dir: &Path) -> PathBuf {
        data_dir.join("family-state.json")
    }
}

/// Reads the header in `folder`.
pub fn read_header(folder: &Dir) -> Result<Option<FamilyHeader>> {
    let Some(bytes) = folder.read(HEADER_FILE, MAX_FILE)? else {
        return Ok(None);
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        Error::Invalid(format!(
            "{} is not a Mast family header ({e}); is this the family folder?",
            folder.root().join(HEADER_FILE).display()
        ))
    })
}

/// The short ids of the device folders present, ignoring anything that is not one: a link
/// to a folder elsewhere is not a device's folder.
pub fn device_dirs(folder: &Dir) -> Result<Vec<String>> {
    let mut out = folder.subdirs(DEVICES)?;
    out.retain(|name| name.len() == 16 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    Ok(out)
}
