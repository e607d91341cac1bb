//! Families: shared goals and adherence through a folder the family's own sync tool keeps in
//! step. Mast runs no server; each device writes only its own files there ([`folder`]),
//! every one sealed with the family key ([`crypto`]) and signed with the device's key
//! ([`signing`]). Every device merges all devices' changes the same way ([`merge`]), applies
//! the shared goals that concern its member to its own goals (so they feed the evaluation,
//! the nudges and the mismatch view like the member's own), and publishes its member's
//! daily totals and goal status ([`adherence`]).

pub mod adherence;
pub mod crypto;
pub mod folder;
pub mod merge;
pub mod model;
pub mod signing;
pub mod view;

use crate::classify::Rules;
use crate::goals::{validate, GoalSource, NewGoal};
use crate::model::Millis;
use crate::settings::Settings;
use crate::store::Store;
use crate::views::Now;
use crate::{Error, Result};
use chrono::{Datelike, Days};
use crypto::{FamilyKey, KdfParams, OpenError};
use folder::{FileKind, LocalState, Published};
use merge::{Decision, Merged};
use model::{Adherence, Change, ChangeLog, MemberCard, Op, SharedGoal, SignedChange};
use signing::{short_id, DeviceKey};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use view::{
    CreateFamily, FamilyAction, FamilyStatus, FolderProblem, JoinFamily, MemberView, ProposalStatus, ProposalView,
    SharePreview, SharedGoalView,
};

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

/// What reading the folder found.
struct FolderRead {
    problems: Vec<FolderProblem>,
    /// Devices present with a valid member card: short id → card.
    present: BTreeMap<String, MemberCard>,
    adherence: BTreeMap<String, Adherence>,
    /// This device's adherence is not in the folder: publish it again.
    republish: bool,
}

fn lock(data_dir: &Path) -> Result<File> {
    crate::paths::create_private_dir(data_dir)?;
    let path = data_dir.join("family.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
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
        if folder::read_header(&folder).ok().flatten().is_some() || folder.join(folder::HEADER_FILE).exists() {
            return Err(Error::Invalid(format!(
                "{} already holds a family; join it with `mast family join --folder {}`",
                folder.display(),
                folder.display()
            )));
        }
        let device = DeviceKey::generate();
        let (key, header) = FamilyKey::create(&setup.passphrase, kdf, &device.public()).map_err(|e| open_err("", e))?;
        let header_text = serde_json::to_string_pretty(&header).expect("the header serialises");
        folder::replace_file(&folder.join(folder::HEADER_FILE), header_text.as_bytes())?;
        let joining = Joining { header, folder, member: setup.member.clone(), family_name: name.to_owned() };
        let mut family = Family::start(data_dir, joining, key, device, now_ms)?;
        family.write_own_files(Some(name.to_owned()))?;
        family.state.save(&family.state_path)?;
        Ok(family)
    }

    /// Adds this device to the family whose folder is `setup.folder`.
    pub fn join(data_dir: &Path, setup: &JoinFamily, now_ms: Millis) -> Result<Family> {
        Family::refuse_second(data_dir)?;
        check_member_name(&setup.member).map_err(Error::Invalid)?;
        let folder = folder_path(&setup.folder)?;
        let header = folder::read_header(&folder)?.ok_or_else(|| {
            Error::Invalid(format!(
                "{} holds no family (no {}): choose the folder your sync tool shares with the family, and wait until \
                 it has synced",
                folder.display(),
                folder::HEADER_FILE
            ))
        })?;
        let key = FamilyKey::unlock(&setup.passphrase, &header).map_err(|e| open_err("the family header", e))?;
        let device = DeviceKey::generate();
        let joining = Joining { header, folder, member: setup.member.clone(), family_name: String::new() };
        let mut family = Family::start(data_dir, joining, key, device, now_ms)?;
        family.write_own_files(None)?;
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
                cards: BTreeMap::new(),
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

    fn me(&self) -> String {
        self.device.public()
    }

    fn short(&self) -> String {
        short_id(&self.me()).to_owned()
    }

    fn own_card(&self, family: Option<String>) -> MemberCard {
        MemberCard { key: self.me(), name: self.state.member.clone(), joined_ms: self.state.joined_ms, family }
    }

    fn is_creator(&self) -> bool {
        self.me() == self.state.header.creator
    }

    /// Writes this device's member card and change log (again).
    fn write_own_files(&mut self, family: Option<String>) -> Result<()> {
        let card = self.own_card(family.or_else(|| self.is_creator().then(|| self.state.family_name.clone())));
        folder::write_own(&self.state.folder, &self.key, &self.device, FileKind::Member, &card)?;
        self.state.cards.insert(self.short(), card);
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

    /// Reads every device's files, keeping what verifies and listing what does not.
    fn read_folder(&mut self) -> Result<FolderRead> {
        if let Some(e) = self.folder_missing() {
            return Err(e);
        }
        let mut read =
            FolderRead { problems: Vec::new(), present: BTreeMap::new(), adherence: BTreeMap::new(), republish: false };
        let problem = |read: &mut FolderRead, file: &str, message: String| {
            read.problems.push(FolderProblem { file: file.to_owned(), message })
        };
        match folder::read_header(&self.state.folder) {
            Ok(Some(h)) if h == self.state.header => {}
            Ok(Some(_)) => problem(
                &mut read,
                folder::HEADER_FILE,
                "it differs from the header this device joined with (it was replaced); this device keeps the one it \
                 joined with"
                    .into(),
            ),
            Ok(None) => {
                problem(&mut read, folder::HEADER_FILE, "it is missing; the sync tool may still be bringing it".into())
            }
            Err(e) => problem(&mut read, folder::HEADER_FILE, e.to_string()),
        }
        let me = self.me();
        let own_short = self.short();
        let mut learned = false;
        for (short, dir) in folder::device_dirs(&self.state.folder)? {
            let name = folder::name_of(&short, FileKind::Changes);
            match self.read_changes(&short, &dir, &name) {
                Ok((new, problems)) => {
                    learned |= new;
                    problems.into_iter().for_each(|m| problem(&mut read, &name, m));
                }
                Err(message) => {
                    // This device's own file is damaged or old: it writes it again below.
                    learned |= short == own_short;
                    problem(&mut read, &name, message)
                }
            }
            let name = folder::name_of(&short, FileKind::Member);
            let card = match self.read_card(&short, &dir, &name) {
                Ok(Some(card)) => card,
                Ok(None) => continue,
                Err(message) => {
                    problem(&mut read, &name, message);
                    continue;
                }
            };
            if card.key == self.state.header.creator {
                if let Some(f) = &card.family {
                    self.state.family_name.clone_from(f);
                }
            }
            self.state.cards.entry(short.clone()).or_insert_with(|| card.clone());
            read.present.insert(short.clone(), card.clone());
            let name = folder::name_of(&short, FileKind::Adherence);
            match self.read_adherence(&card, &dir, &name) {
                Ok(Some(a)) => {
                    read.adherence.insert(short.clone(), a);
                }
                Ok(None) => {}
                Err(message) => problem(&mut read, &name, message),
            }
        }
        // A device whose member left is forgotten, name and all (its changes stay, carried by
        // the other devices).
        self.state.cards.retain(|short, _| read.present.contains_key(short) || *short == own_short);
        if learned && read.present.contains_key(&own_short) {
            // Carry what was learned, so it reaches devices that join later.
            self.write_own_log()?;
        }
        if !read.present.contains_key(&own_short) {
            // This device's files are gone (removed by hand, or not yet written): write them again.
            self.write_own_files(None)?;
            read.present.insert(own_short.clone(), self.own_card(None));
        }
        read.republish = !read.adherence.contains_key(&own_short);
        debug_assert!(read.present.values().any(|c| c.key == me));
        Ok(read)
    }

    fn read_card(&self, short: &str, dir: &Path, name: &str) -> std::result::Result<Option<MemberCard>, String> {
        let path = dir.join(FileKind::Member.file());
        let Some(bytes) = folder::read_limited(&path).map_err(|e| format!("cannot read it: {e}"))? else {
            return Ok(None); // not synced yet
        };
        let (signed, body) = folder::open_signed(&self.key, name, &bytes, None)?;
        let card: MemberCard =
            serde_json::from_str(&body).map_err(|e| format!("its member card is not valid ({e})"))?;
        if short_id(&card.key) != short || !signed.verify(self.key.family(), name, &card.key) {
            return Err("its member card is not signed by the device it names; it is ignored".into());
        }
        check_member_name(&card.name)?;
        if let Some(pinned) = self.state.cards.get(short) {
            if pinned.key != card.key {
                return Err("another device claims this device's folder; it is ignored".into());
            }
        }
        Ok(Some(card))
    }

    fn check_version(&self, name: &str, version: u64) -> std::result::Result<(), String> {
        match self.state.seen.get(name) {
            Some(&seen) if version < seen => Err(format!(
                "it is an older copy (version {version}) than one this device already read (version {seen}): an old \
                 copy was brought back; it is ignored"
            )),
            _ => Ok(()),
        }
    }

    /// Reads a device's file of changes and takes in every change it carries that is signed
    /// by its author and follows that author's changes already known. Returns whether
    /// anything was new, and the changes refused.
    fn read_changes(
        &mut self,
        short: &str,
        dir: &Path,
        name: &str,
    ) -> std::result::Result<(bool, Vec<String>), String> {
        let path = dir.join(FileKind::Changes.file());
        let Some(bytes) = folder::read_limited(&path).map_err(|e| format!("cannot read it: {e}"))? else {
            return Ok((false, Vec::new()));
        };
        let (signed, body) = folder::open_signed(&self.key, name, &bytes, None)?;
        let log: ChangeLog = serde_json::from_str(&body).map_err(|e| format!("its changes are not valid ({e})"))?;
        if short_id(&log.key) != short {
            return Err("its changes name another device; they are ignored".into());
        }
        if !signed.verify(self.key.family(), name, &log.key) {
            return Err(
                "its signature is not its device's: it was not written by the device it claims to be from".into()
            );
        }
        self.check_version(name, log.version)?;
        self.state.seen.insert(name.to_owned(), log.version);
        let family = self.key.family();
        let mut incoming: Vec<(u64, SignedChange)> = Vec::with_capacity(log.changes.len());
        let mut problems = Vec::new();
        for sc in log.changes {
            if !signing::verify_change(family, &sc) {
                problems.push("it carries a change not signed by the device it names; that change is ignored".into());
                continue;
            }
            match serde_json::from_str::<Change>(&sc.body) {
                Ok(c) => incoming.push((c.seq, sc)),
                Err(e) => problems.push(format!("it carries a change that is not valid ({e}); it is ignored")),
            }
        }
        incoming.sort_by(|a, b| (&a.1.author, a.0).cmp(&(&b.1.author, b.0)));
        let mut new = false;
        for (seq, sc) in incoming {
            let known = self.state.logs.entry(sc.author.clone()).or_default();
            let len = known.len() as u64;
            if seq >= 1 && seq <= len {
                if known[seq as usize - 1] != sc {
                    problems.push(format!(
                        "it carries a change {seq} of {}'s device that differs from the one already known; it is ignored",
                        self.state.cards.get(short_id(&sc.author)).map_or("a former member", |c| c.name.as_str())
                    ));
                }
            } else if seq == len + 1 {
                known.push(sc);
                new = true;
            }
            // A gap: the changes before it come with another file or a later sync.
        }
        Ok((new, problems))
    }

    fn read_adherence(
        &mut self,
        card: &MemberCard,
        dir: &Path,
        name: &str,
    ) -> std::result::Result<Option<Adherence>, String> {
        let path = dir.join(FileKind::Adherence.file());
        let Some(bytes) = folder::read_limited(&path).map_err(|e| format!("cannot read it: {e}"))? else {
            return Ok(None);
        };
        let (_, body) = folder::open_signed(&self.key, name, &bytes, Some(&card.key))?;
        let a: Adherence = serde_json::from_str(&body).map_err(|e| format!("its adherence is not valid ({e})"))?;
        if a.key != card.key || a.member != card.name || a.days.len() > 62 {
            return Err("its adherence does not match its device; it is ignored".into());
        }
        self.check_version(name, a.version)?;
        self.state.seen.insert(name.to_owned(), a.version);
        Ok(Some(a))
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
            .map(|(id, g)| {
                let new = NewGoal {
                    target: g.spec.target.clone(),
                    kind: g.spec.kind.clone(),
                    weekdays: g.spec.weekdays,
                    source: GoalSource::Family(self.source_name()),
                };
                (id.clone(), new)
            })
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
        let merged = self.merged();
        store.apply_family_goals(&self.my_goals(&merged), now.ms)?;
        let today = now.today(settings);
        let mine: Vec<String> = self.my_goals(&merged).into_iter().map(|(id, _)| id).collect();
        let due = self.state.published.as_ref().is_none_or(|p| p.day != today || p.goals != mine);
        let mut read = read;
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

    fn name_of_key(&self, key: &str) -> String {
        self.state.cards.values().find(|c| c.key == key).map_or_else(|| "a former member".into(), |c| c.name.clone())
    }

    fn status(&self, read: &FolderRead, merged: &Merged, settings: &Settings, now: Now) -> FamilyStatus {
        let me = self.me();
        let member_view = |short: &String, card: &MemberCard| MemberView {
            device: short.clone(),
            name: card.name.clone(),
            organiser: merged.organisers.contains(&card.key),
            creator: card.key == self.state.header.creator,
            me: card.key == me,
            published_ms: read.adherence.get(short).map(|a| a.published_ms),
        };
        let mut members: Vec<MemberView> = read.present.iter().map(|(s, c)| member_view(s, c)).collect();
        members.sort_by(|a, b| (&a.name, &a.device).cmp(&(&b.name, &b.device)));
        let own = self.own_card(None);
        let mut goals: Vec<SharedGoalView> = merged
            .goals
            .iter()
            .map(|(id, g)| SharedGoalView {
                id: id.clone(),
                goal: g.spec.clone(),
                objective: adherence::objective(&g.spec),
                applies_to_me: g.spec.applies_to(&self.state.member),
                set_by: self.name_of_key(&g.by),
                set_ms: g.at_ms,
            })
            .collect();
        // By what they say, not by their random ids.
        goals.sort_by(|a, b| (&a.objective, &a.id).cmp(&(&b.objective, &b.id)));
        let mut proposals: Vec<ProposalView> = merged
            .proposals
            .iter()
            .map(|(id, p)| ProposalView {
                id: id.clone(),
                goal: p.spec.clone(),
                objective: adherence::objective(&p.spec),
                proposed_by: self.name_of_key(&p.by),
                proposed_ms: p.at_ms,
                status: match p.decision {
                    Decision::Pending => ProposalStatus::Pending,
                    Decision::Accepted => ProposalStatus::Accepted,
                    Decision::Declined => ProposalStatus::Declined,
                },
                decided_by: p.decided_by.as_ref().map(|k| self.name_of_key(k)),
            })
            .collect();
        proposals.sort_by(|a, b| {
            (a.status != ProposalStatus::Pending, std::cmp::Reverse(a.proposed_ms))
                .cmp(&(b.status != ProposalStatus::Pending, std::cmp::Reverse(b.proposed_ms)))
        });
        let today = now.today(settings);
        let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
        let shared: Vec<(&String, &SharedGoal)> = goals.iter().map(|g| (&g.id, &g.goal)).collect();
        let published: Vec<(&str, &[model::AdherenceRecord])> =
            read.adherence.values().map(|a| (a.member.as_str(), a.days.as_slice())).collect();
        let mut problems = read.problems.clone();
        for r in &merged.refused {
            problems.push(FolderProblem {
                file: folder::name_of(short_id(&r.author), FileKind::Changes),
                message: format!(
                    "change {} from {}'s device does not count: {}",
                    r.seq,
                    self.name_of_key(&r.author),
                    r.reason
                ),
            });
        }
        let week = adherence::week(monday, today, &shared, &published);
        FamilyStatus {
            id: self.state.header.id.to_string(),
            name: self.source_name(),
            folder: self.state.folder.display().to_string(),
            me: member_view(&self.short(), &own),
            members,
            goals,
            proposals,
            week,
            problems,
            synced_ms: self.state.synced_ms,
        }
    }

    /// Makes a change to the shared goals from this device, after checking that this
    /// device may make it; then syncs.
    pub fn act(
        &mut self,
        store: &mut Store,
        settings: &Settings,
        rules: &Rules,
        action: &FamilyAction,
        now: Now,
    ) -> Result<FamilyStatus> {
        if let Some(e) = self.folder_missing() {
            return Err(e);
        }
        self.read_folder()?;
        let merged = self.merged();
        let me = self.me();
        let organiser = merged.organisers.contains(&me);
        let need_organiser = || -> Result<()> {
            if organiser {
                return Ok(());
            }
            Err(Error::Invalid(
                "only the family's organisers change its shared goals; propose the goal instead (`mast family propose`, \
                 or Propose a goal in the Family view), and an organiser can accept it"
                    .into(),
            ))
        };
        let check = |goal: &SharedGoal, except: Option<&str>| -> Result<()> {
            let new = NewGoal {
                target: goal.target.clone(),
                kind: goal.kind.clone(),
                weekdays: goal.weekdays,
                source: GoalSource::Family(self.source_name()),
            };
            for m in &goal.members {
                check_member_name(m).map_err(Error::Invalid)?;
                if !self.state.cards.values().any(|c| &c.name == m) {
                    let names: std::collections::BTreeSet<&str> =
                        self.state.cards.values().map(|c| c.name.as_str()).collect();
                    return Err(Error::Invalid(format!(
                        "the family has no member named '{m}'; its members are {}",
                        names.into_iter().collect::<Vec<_>>().join(", ")
                    )));
                }
            }
            let others: Vec<crate::goals::Goal> = merged
                .goals
                .iter()
                .filter(|(id, g)| Some(id.as_str()) != except && overlap(&g.spec.members, &goal.members))
                .enumerate()
                .map(|(i, (_, g))| adherence::as_goal(i, &g.spec, ""))
                .collect();
            validate(&new, &others, rules).map_err(|e| Error::Invalid(format!("{e} (among the family's shared goals)")))
        };
        let known_goal = |id: &str| -> Result<()> {
            if merged.goals.contains_key(id) {
                return Ok(());
            }
            Err(Error::Invalid(format!("the family has no shared goal {id}; `mast family status` lists them")))
        };
        let pending = |id: &str| -> Result<()> {
            match merged.proposals.get(id) {
                Some(p) if p.decision == Decision::Pending => Ok(()),
                Some(_) => Err(Error::Invalid(format!("proposal {id} was already decided"))),
                None => Err(Error::Invalid(format!("there is no proposal {id}; `mast family status` lists them"))),
            }
        };
        let op = match action {
            FamilyAction::AddGoal { goal } => {
                need_organiser()?;
                check(goal, None)?;
                Op::PutGoal { goal: random_id("g-"), spec: goal.clone() }
            }
            FamilyAction::EditGoal { id, goal } => {
                need_organiser()?;
                known_goal(id)?;
                check(goal, Some(id))?;
                Op::PutGoal { goal: id.clone(), spec: goal.clone() }
            }
            FamilyAction::RemoveGoal { id } => {
                need_organiser()?;
                known_goal(id)?;
                Op::RemoveGoal { goal: id.clone() }
            }
            FamilyAction::Propose { goal } => {
                check(goal, None)?;
                Op::Propose { proposal: random_id("p-"), spec: goal.clone() }
            }
            FamilyAction::Accept { proposal } | FamilyAction::Decline { proposal } => {
                need_organiser()?;
                pending(proposal)?;
                if matches!(action, FamilyAction::Accept { .. }) {
                    let spec = &merged.proposals[proposal].spec;
                    check(spec, None)?;
                    Op::Accept { proposal: proposal.clone() }
                } else {
                    Op::Decline { proposal: proposal.clone() }
                }
            }
            FamilyAction::SetOrganiser { member, organiser } => {
                if !self.is_creator() {
                    return Err(Error::Invalid("only the family's creator chooses its organisers".into()));
                }
                let keys: Vec<String> =
                    self.state.cards.values().filter(|c| &c.name == member).map(|c| c.key.clone()).collect();
                if keys.is_empty() {
                    return Err(Error::Invalid(format!("the family has no member named '{member}'")));
                }
                let mut list: std::collections::BTreeSet<String> = merged.organisers.clone();
                list.remove(&self.state.header.creator);
                for k in keys {
                    if *organiser {
                        list.insert(k);
                    } else {
                        list.remove(&k);
                    }
                }
                Op::SetOrganisers { organisers: list.into_iter().collect() }
            }
        };
        let seq = self.state.logs.get(&me).map_or(0, Vec::len) as u64 + 1;
        let change = Change { seq, clock: merged.clock.saturating_add(1), at_ms: now.ms, op };
        let signed =
            self.device.sign_change(self.key.family(), &serde_json::to_string(&change).expect("a change serialises"));
        self.state.logs.entry(me).or_default().push(signed);
        self.write_own_log()?;
        self.state.save(&self.state_path)?;
        self.sync(store, settings, now, false)
    }

    /// Stops sharing: removes this device's files from the folder, the shared goals from this
    /// device's goals, and this device's record of the family. The changes it made to the
    /// shared goals live on in the other devices' files, which carry every change they know.
    pub fn leave(self, store: &mut Store, now_ms: Millis) -> Result<()> {
        let dir = self.state.folder.join(folder::DEVICES).join(self.short());
        match std::fs::remove_dir_all(&dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(folder::io_err(&dir, "remove", e)),
            _ => {}
        }
        store.apply_family_goals(&[], now_ms)?;
        std::fs::remove_file(&self.state_path).map_err(|e| Error::io(&self.state_path, e))?;
        Ok(())
    }
}

/// Whether two goals' member lists can concern the same member (empty = everyone).
fn overlap(a: &[String], b: &[String]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|m| b.contains(m))
}
