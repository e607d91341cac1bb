//! Reading the family folder: every device's member card, changes and adherence, each
//! opened, checked against the key it names and taken in only if it holds up; what does not
//! is listed with the reason.

use super::folder::{self, FileKind};
use super::model::{Adherence, Change, ChangeLog, MemberCard, SignedChange};
use super::signing::{self, short_id};
use super::view::FolderProblem;
use super::{check_member_name, Family};
use crate::files::Dir;
use crate::Result;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// What reading the folder found.
pub(super) struct FolderRead {
    pub problems: Vec<FolderProblem>,
    /// Devices present with a valid member card: short id → card.
    pub present: BTreeMap<String, MemberCard>,
    pub adherence: BTreeMap<String, Adherence>,
    /// This device's adherence is not in the folder: publish it again.
    pub republish: bool,
}

impl FolderRead {
    /// The name of the member whose device has `key`; a device no longer in the folder (its
    /// member left) is no one's by name.
    pub fn name_of(&self, key: &str) -> String {
        self.present.values().find(|c| c.key == key).map_or_else(|| "a former member".into(), |c| c.name.clone())
    }

    /// The member names in the folder, each once.
    pub fn names(&self) -> std::collections::BTreeSet<&str> {
        self.present.values().map(|c| c.name.as_str()).collect()
    }
}

impl Family {
    /// Reads every device's files, keeping what verifies and listing what does not.
    pub(super) fn read_folder(&mut self) -> Result<FolderRead> {
        if let Some(e) = self.folder_missing() {
            return Err(e);
        }
        let mut read =
            FolderRead { problems: Vec::new(), present: BTreeMap::new(), adherence: BTreeMap::new(), republish: false };
        let problem = |read: &mut FolderRead, file: &str, message: String| {
            read.problems.push(FolderProblem { file: file.to_owned(), message })
        };
        let dir = Dir::open(&self.state.folder)?;
        match folder::read_header(&dir) {
            Ok(Some(h)) if h == self.state.header => {}
            // Never taken in: a member who knows the passphrase could write a header naming
            // themselves creator. The pinned one goes on being used, and the change is reported.
            Ok(Some(h)) => problem(
                &mut read,
                folder::HEADER_FILE,
                format!(
                    "it was replaced: its fingerprint is now {}, and this device joined the family with the \
                     fingerprint {}. Someone with access to the folder changed it; this device keeps the family it \
                     joined and ignores the new file. Ask the family's creator to put the original back (from the \
                     sync tool's file versions or a backup), and have new members join only with the code {}",
                    h.fingerprint(),
                    self.fingerprint(),
                    self.fingerprint()
                ),
            ),
            Ok(None) => {
                problem(&mut read, folder::HEADER_FILE, "it is missing; the sync tool may still be bringing it".into())
            }
            Err(e) => problem(&mut read, folder::HEADER_FILE, e.to_string()),
        }
        let own_short = self.short();
        let mut learned = false;
        for short in folder::device_dirs(&dir)? {
            let name = folder::name_of(&short, FileKind::Changes);
            match self.read_changes(&short, &dir) {
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
            let card = match self.read_card(&short, &dir) {
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
            read.present.insert(short.clone(), card.clone());
            let name = folder::name_of(&short, FileKind::Adherence);
            match self.read_adherence(&short, &card, &dir) {
                Ok(Some(a)) => {
                    read.adherence.insert(short.clone(), a);
                }
                Ok(None) => {}
                Err(message) => problem(&mut read, &name, message),
            }
        }
        if learned && read.present.contains_key(&own_short) {
            // Carry what was learned, so it reaches devices that join later.
            self.write_own_log()?;
        }
        if !read.present.contains_key(&own_short) {
            // This device's files are gone (removed by hand, or not yet written): write them again.
            self.write_own_files()?;
            read.present.insert(own_short.clone(), self.own_card());
        }
        read.republish = !read.adherence.contains_key(&own_short);
        Ok(read)
    }

    /// Reads a device's file of `kind`: opened with the family key, parsed, and signed by
    /// the key its content names (`signer`), which must be the key of the device folder it is
    /// in. `None` when the file is not there (yet).
    fn read_signed<T: DeserializeOwned>(
        &self,
        short: &str,
        dir: &Dir,
        kind: FileKind,
        signer: impl Fn(&T) -> &str,
    ) -> std::result::Result<Option<T>, String> {
        let name = folder::name_of(short, kind);
        let Some(bytes) = folder::read_file(dir, &name).map_err(|e| format!("cannot read it: {e}"))? else {
            return Ok(None);
        };
        let signed = folder::open_sealed(&self.key, &name, &bytes)?;
        let content: T = serde_json::from_str(&signed.body).map_err(|e| format!("its content is not valid ({e})"))?;
        let key = signer(&content);
        if short_id(key) != short || !signed.verify(self.key.family(), &name, key) {
            return Err(
                "its signature is not its device's: it was not written by the device it claims to be from".into()
            );
        }
        Ok(Some(content))
    }

    fn read_card(&self, short: &str, dir: &Dir) -> std::result::Result<Option<MemberCard>, String> {
        let Some(card) = self.read_signed::<MemberCard>(short, dir, FileKind::Member, |c| &c.key)? else {
            return Ok(None);
        };
        check_member_name(&card.name)?;
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
    fn read_changes(&mut self, short: &str, dir: &Dir) -> std::result::Result<(bool, Vec<String>), String> {
        let Some(log) = self.read_signed::<ChangeLog>(short, dir, FileKind::Changes, |l| &l.key)? else {
            return Ok((false, Vec::new()));
        };
        let name = folder::name_of(short, FileKind::Changes);
        self.check_version(&name, log.version)?;
        self.state.seen.insert(name, log.version);
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
                        "it carries a change {seq} of device {} that differs from the one already known; it is ignored",
                        short_id(&sc.author)
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
        short: &str,
        card: &MemberCard,
        dir: &Dir,
    ) -> std::result::Result<Option<Adherence>, String> {
        let Some(a) = self.read_signed::<Adherence>(short, dir, FileKind::Adherence, |a| &a.key)? else {
            return Ok(None);
        };
        if a.member != card.name || a.days.len() > 62 {
            return Err("its adherence does not match its device; it is ignored".into());
        }
        let name = folder::name_of(short, FileKind::Adherence);
        self.check_version(&name, a.version)?;
        self.state.seen.insert(name, a.version);
        Ok(Some(a))
    }
}
