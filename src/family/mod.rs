//! Families: shared goals and adherence through a folder the family's own sync tool keeps in
//! step. Mast runs no server; each device writes only its own files there ([`folder`]),
//! every one sealed with the family key ([`crypto`]) and signed with the device's key
//! ([`signing`]). Every device merges all devices' changes the same way ([`merge`]), applies
//! the shared goals that concern its member to its own goals (so they feed the evaluation,
//! the nudges and the mismatch view like the member's own), and publishes its member's
//! daily totals and goal status ([`adherence`]).

mod actions;
pub mod adherence;
pub mod crypto;
pub mod fingerprint;
pub mod folder;
pub mod merge;
pub mod model;
mod reading;
pub mod signing;
mod status;
pub mod view;

use crate::files::Dir;
use crate::goals::{GoalSource, NewGoal};
use crate::model::Millis;
use crate::settings::Settings;
use crate::store::Store;
use crate::views::Now;
use crate::{Error, Result};
use crypto::{FamilyKey, KdfParams, OpenError};
use folder::{FileKind, LocalState, Published};
use merge::Merged;
use model::{Adherence, Change, ChangeLog, MemberCard, SharedGoal};
use reading::FolderRead;
use signing::{short_id, DeviceKey};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use view::{CreateFamily, FamilyStatus, JoinFamily, SharePreview};

/// A member's name: what the family sees, chosen on joining.
pub fn check_member_name(name: &str) -> std::result::Result<(), String> {
    let n = name.trim();
    if n.is_empty() {
        return Err("a member needs a name: the one the family knows them by".into());
    }
    if n != name || n.chars().count() > 40 || n.chars().any(char::is_control) {
        return Err(format!("'{name}' cannot be a member's name: use up to 40 characters, without spaces around"));
    }
    Ok(())
}

pub const MIN_PASSPHRASE: usize = 8;

/// What is never shared, in words, for the preview.
pub const NEVER_SHARED: &[&str] = &[
    "window titles, web addresses and app names",
    "spans, sessions and the times of day you used anything",
    "time on anything the shared goals are not about",
    "your own goals, ratings and settings",
];

/// What every surface says next to the family's fingerprint.
pub const FINGERPRINT_HINT: &str = "tell joining members this code; each compares it with the one their device shows";

/// This device's membership of a family, opened from its record in the data dir.
pub struct Family {
    state: LocalState,
    state_path: PathBuf,
    key: FamilyKey,
    device: DeviceKey,
    /// Held while the family is open: one process at a time changes the record.
    _lock: File,
}

/// What a new membership starts from.
struct Joining {
    header: crypto::FamilyHeader,
    folder: PathBuf,
    member: String,
    family_name: String,
}

fn lock(data_dir: &Path) -> Result<File> {
    crate::paths::create_private_dir(data_dir)?;
    let path = data_dir.join("family.lock");
    let file = crate::files::open_lock(&path)?;
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)
        .map_err(|e| Error::io(&path, std::io::Error::from(e)))?;
    Ok(file)
}

fn random_id(prefix: &str) -> String {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).expect("the operating system's random numbers");
    format!("{prefix}{}", signing::to_hex(&b))
}

fn open_err(what: &str, e: OpenError) -> Error {
    Error::Invalid(match e {
        OpenError::WrongPassphrase => {
            "the passphrase is wrong: it does not open this family's folder. Ask the family's creator for it".into()
        }
        e => format!("{what}: {e}"),
    })
}

fn folder_path(folder: &str) -> Result<PathBuf> {
    if folder.trim().is_empty() {
        return Err(Error::Invalid("choose the family folder: a folder your sync tool keeps in step".into()));
    }
    let path = PathBuf::from(folder);
    std::path::absolute(&path).map_err(|e| Error::io(&path, e))
}

/// The header in the family folder a device is about to join.
fn header_in(folder: &Path) -> Result<crypto::FamilyHeader> {
    folder::read_header(&Dir::open(folder)?)?.ok_or_else(|| {
        Error::Invalid(format!(
            "{} holds no family (no {}): choose the folder your sync tool shares with the family, and wait until it \
             has synced",
            folder.display(),
            folder::HEADER_FILE
        ))
    })
}

/// Refuses to join a family whose fingerprint is not the one the joiner was told: the
/// folder's `family.json` is trusted only once a member's device vouches for it.
fn confirm_fingerprint(folder: &Path, header: &crypto::FamilyHeader, typed: &str) -> Result<()> {
    const ASK: &str = "ask a member to run `mast family status` (or to open the Family view) and give the code \
                       it shows (`mast family join --fingerprint CODE`, or the join form's Fingerprint field)";
    if typed.trim().is_empty() {
        return Err(Error::Invalid(format!(
            "confirm the family's fingerprint before joining, so you join the family you were told of: {ASK}"
        )));
    }
    if fingerprint::normalise(typed).is_none() {
        return Err(Error::Invalid(format!(
            "'{typed}' is not a family fingerprint: it is 16 letters and digits in four groups, like \
             7KQ2-M9XD-4T8C-Q2WN; {ASK}"
        )));
    }
    if !fingerprint::matches(typed, &header.fingerprint()) {
        return Err(Error::Invalid(format!(
            "the family in {} does not have the fingerprint {typed}: the code was mistyped, or someone with access \
             to the folder replaced its {}. Nothing was written. Compare the code again with a member's `mast family \
             status` (or their Family view); if it still differs, do not join, and tell the family's creator",
            folder.display(),
            folder::HEADER_FILE
        )));
    }
    Ok(())
}

/// The fingerprint of the family in `folder`, for a joiner to compare before joining.
pub fn fingerprint_in(folder: &str) -> Result<String> {
    Ok(header_in(&folder_path(folder)?)?.fingerprint())
}

impl Family {
    /// This device's family, if it is in one.
    pub fn load(data_dir: &Path) -> Result<Option<Family>> {
        let path = LocalState::path_in(data_dir);
        if !path.exists() {
            return Ok(None);
        }
        let lock = lock(data_dir)?;
        let Some(state) = LocalState::load(&path)? else { return Ok(None) };
        let bytes = |hex: &str, what: &str| -> Result<[u8; 32]> {
            signing::from_hex_vec(hex).and_then(|v| v.try_into().ok()).ok_or_else(|| {
                Error::Invalid(format!("{}: its {what} is damaged; leave and join the family again", path.display()))
            })
        };
        let key = FamilyKey::from_raw(state.header.id, bytes(&state.key, "family key")?);
        let device = DeviceKey::from_secret(&bytes(&state.device, "device key")?);
        Ok(Some(Family { state, state_path: path, key, device, _lock: lock }))
    }

    fn refuse_second(data_dir: &Path) -> Result<()> {
        if let Some(f) = Family::load(data_dir)? {
            return Err(Error::Invalid(format!(
                "this device is already in the family '{}' (folder {}); leave it first with `mast family leave`",
                f.state.family_name,
                f.state.folder.display()
            )));
        }
        Ok(())
    }

    /// Sets up a new family in `setup.folder`, with this device as its creator and organiser.
    pub fn create(data_dir: &Path, setup: &CreateFamily, kdf: KdfParams, now_ms: Millis) -> Result<Family> {
        Family::refuse_second(data_dir)?;
        check_member_name(&setup.member).map_err(Error::Invalid)?;
        let name = setup.name.trim();
        if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
            return Err(Error::Invalid("give the family a name of up to 60 characters".into()));
        }
        if setup.passphrase.chars().count() < MIN_PASSPHRASE {
            return Err(Error::Invalid(format!(
                "the passphrase is too short: use at least {MIN_PASSPHRASE} characters (a few words are best); every \
                 member types it once on joining"
            )));
        }
        let folder = folder_path(&setup.folder)?;
        std::fs::create_dir_all(&folder).map_err(|e| folder::io_err(&folder, "create", e))?;
        let dir = Dir::open(&folder)?;
        // A header that is not a family's is a family's all the same: never written over. A
        // link or a FIFO in its place is refused by the read.
        if dir.read(folder::HEADER_FILE, 1 << 20)?.is_some() {
            return Err(Error::Invalid(format!(
                "{} already holds a family; join it with `mast family join --folder {}`",
                folder.display(),
                folder.display()
            )));
        }
        let device = DeviceKey::generate();
        let (key, header) = FamilyKey::create(&setup.passphrase, kdf, &device.public()).map_err(|e| open_err("", e))?;
        let header_text = serde_json::to_string_pretty(&header).expect("the header serialises");
        dir.write(folder::HEADER_FILE, header_text.as_bytes())?;
        let joining = Joining { header, folder, member: setup.member.clone(), family_name: name.to_owned() };
        let mut family = Family::start(data_dir, joining, key, device, now_ms)?;
        family.write_own_files()?;
        family.state.save(&family.state_path)?;
        Ok(family)
    }

    /// Adds this device to the family whose folder is `setup.folder`.
    pub fn join(data_dir: &Path, setup: &JoinFamily, now_ms: Millis) -> Result<Family> {
        Family::refuse_second(data_dir)?;
        check_member_name(&setup.member).map_err(Error::Invalid)?;
        let folder = folder_path(&setup.folder)?;
        let header = header_in(&folder)?;
        confirm_fingerprint(&folder, &header, &setup.fingerprint)?;
        let key = FamilyKey::unlock(&setup.passphrase, &header).map_err(|e| open_err("the family header", e))?;
        let device = DeviceKey::generate();
        let joining = Joining { header, folder, member: setup.member.clone(), family_name: String::new() };
        let mut family = Family::start(data_dir, joining, key, device, now_ms)?;
        family.write_own_files()?;
        family.read_folder()?;
        family.state.save(&family.state_path)?;
        Ok(family)
    }

    /// This device's new membership, before its files are written.
    fn start(data_dir: &Path, j: Joining, key: FamilyKey, device: DeviceKey, now_ms: Millis) -> Result<Family> {
        let lock = lock(data_dir)?;
        Ok(Family {
            state: LocalState {
                format: folder::STATE_FORMAT,
                header: j.header,
                folder: j.folder,
                member: j.member,
                family_name: j.family_name,
                key: signing::to_hex(&key.raw()),
                device: signing::to_hex(&device.secret()),
                joined_ms: now_ms,
                published: None,
                seen: BTreeMap::new(),
                logs: BTreeMap::new(),
                changes_version: 0,
                synced_ms: now_ms,
            },
            state_path: LocalState::path_in(data_dir),
            key,
            device,
            _lock: lock,
        })
    }

    pub fn name(&self) -> &str {
        &self.state.family_name
    }

    pub fn folder(&self) -> &Path {
        &self.state.folder
    }

    pub fn member(&self) -> &str {
        &self.state.member
    }

    /// The fingerprint of the family this device joined (of its pinned header).
    pub fn fingerprint(&self) -> String {
        self.state.header.fingerprint()
    }

    fn me(&self) -> String {
        self.device.public()
    }

    fn short(&self) -> String {
        short_id(&self.me()).to_owned()
    }

    /// This device's member card; the creator's names the family.
    fn own_card(&self) -> MemberCard {
        let family = self.is_creator().then(|| self.state.family_name.clone());
        MemberCard { key: self.me(), name: self.state.member.clone(), joined_ms: self.state.joined_ms, family }
    }

    fn is_creator(&self) -> bool {
        self.me() == self.state.header.creator
    }

    /// Writes this device's member card and change log (again).
    fn write_own_files(&mut self) -> Result<()> {
        folder::write_own(&self.state.folder, &self.key, &self.device, FileKind::Member, &self.own_card())?;
        self.write_own_log()
    }

    /// Writes this device's file of changes: every change it knows, from every author.
    fn write_own_log(&mut self) -> Result<()> {
        self.state.changes_version += 1;
        let log = ChangeLog {
            key: self.me(),
            version: self.state.changes_version,
            changes: self.state.logs.values().flatten().cloned().collect(),
        };
        folder::write_own(&self.state.folder, &self.key, &self.device, FileKind::Changes, &log)?;
        self.state.seen.insert(folder::name_of(&self.short(), FileKind::Changes), log.version);
        Ok(())
    }

    fn folder_missing(&self) -> Option<Error> {
        (!self.state.folder.is_dir()).then(|| {
            Error::Invalid(format!(
                "the family folder {} is not there; is the drive or share it is on connected? Nothing was changed",
                self.state.folder.display()
            ))
        })
    }

    fn merged(&self) -> Merged {
        let parsed: Vec<(&str, Vec<Change>)> = self
            .state
            .logs
            .iter()
            .map(|(author, log)| {
                (author.as_str(), log.iter().filter_map(|c| serde_json::from_str(&c.body).ok()).collect())
            })
            .collect();
        merge::merge(&self.state.header.creator, parsed.iter().map(|(k, v)| (*k, v.as_slice())))
    }

    /// The shared goals that apply to this device's member, as goals to store.
    fn my_goals(&self, merged: &Merged) -> Vec<(String, NewGoal)> {
        merged
            .goals
            .iter()
            .filter(|(_, g)| g.spec.applies_to(&self.state.member))
            .map(|(id, g)| (id.clone(), g.spec.to_new(GoalSource::Family(self.source_name()))))
            .collect()
    }

    fn source_name(&self) -> String {
        if self.state.family_name.is_empty() {
            self.state.header.id.to_string()
        } else {
            self.state.family_name.clone()
        }
    }

    /// Reads the folder, merges, applies the shared goals to this device's goals and, once a
    /// day or when `publish_now`, publishes this member's adherence. Returns the status.
    pub fn sync(
        &mut self,
        store: &mut Store,
        settings: &Settings,
        now: Now,
        publish_now: bool,
    ) -> Result<FamilyStatus> {
        let read = self.read_folder()?;
        self.settle(read, store, settings, now, publish_now)
    }

    /// What follows a read of the folder: the merge, the shared goals applied, adherence
    /// published when due, this device's record saved, and the status.
    fn settle(
        &mut self,
        mut read: FolderRead,
        store: &mut Store,
        settings: &Settings,
        now: Now,
        publish_now: bool,
    ) -> Result<FamilyStatus> {
        let merged = self.merged();
        let mine = self.my_goals(&merged);
        store.apply_family_goals(&mine, now.ms)?;
        let today = now.today(settings);
        let mine: Vec<String> = mine.into_iter().map(|(id, _)| id).collect();
        let due = self.state.published.as_ref().is_none_or(|p| p.day != today || p.goals != mine);
        if publish_now || due || (read.republish && self.state.published.is_some()) {
            let a = self.adherence(store, settings, &merged, now)?;
            folder::write_own(&self.state.folder, &self.key, &self.device, FileKind::Adherence, &a)?;
            self.state.seen.insert(folder::name_of(&self.short(), FileKind::Adherence), a.version);
            self.state.published = Some(Published { version: a.version, day: today, ms: now.ms, goals: mine });
            read.adherence.insert(self.short(), a);
        }
        self.state.synced_ms = now.ms;
        self.state.save(&self.state_path)?;
        Ok(self.status(&read, &merged, settings, now))
    }

    fn adherence(&self, store: &Store, settings: &Settings, merged: &Merged, now: Now) -> Result<Adherence> {
        let goals: Vec<(&String, &SharedGoal)> = merged
            .goals
            .iter()
            .filter(|(_, g)| g.spec.applies_to(&self.state.member))
            .map(|(id, g)| (id, &g.spec))
            .collect();
        // Days before this device joined were never the family's business.
        let joined = crate::localday::local_day(
            self.state.joined_ms,
            crate::localday::offset_at(self.state.joined_ms),
            settings.day_start_hour,
        );
        Ok(Adherence {
            key: self.me(),
            member: self.state.member.clone(),
            version: self.state.published.as_ref().map_or(1, |p| p.version + 1),
            published_ms: now.ms,
            days: adherence::compute(store, settings, &goals, &self.source_name(), now)?
                .into_iter()
                .filter(|d| d.date >= joined)
                .collect(),
        })
    }

    /// Exactly what this device would publish now.
    pub fn preview(&self, store: &Store, settings: &Settings, now: Now) -> Result<SharePreview> {
        Ok(SharePreview {
            file: folder::name_of(&self.short(), FileKind::Adherence),
            adherence: self.adherence(store, settings, &self.merged(), now)?,
            never_shared: NEVER_SHARED.iter().map(|s| s.to_string()).collect(),
        })
    }

    /// Stops sharing: removes this device's files from the folder, the shared goals from this
    /// device's goals, and this device's record of the family. The changes it made to the
    /// shared goals live on in the other devices' files, which carry every change they know.
    pub fn leave(self, store: &mut Store, now_ms: Millis) -> Result<()> {
        // Without following a link: a device's folder replaced by one leads elsewhere. A folder
        // that is not there (a share not mounted) has nothing of this device's to remove.
        if self.state.folder.is_dir() {
            Dir::open(&self.state.folder)?.remove_all(&format!("{}/{}", folder::DEVICES, self.short()))?;
        }
        store.apply_family_goals(&[], now_ms)?;
        std::fs::remove_file(&self.state_path).map_err(|e| Error::io(&self.state_path, e))?;
        Ok(())
    }
}
