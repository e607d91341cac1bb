//! A folder others can write, opened as a [`Dir`]: below its root no symbolic link is ever
//! followed, and files are created exclusively and renamed into place.

use super::{file_type, io_err, not_regular, open_regular, read_capped, text, DIR, SYMLINK_WORDS};
use crate::{Error, Result};
use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;
use std::fs::File;
use std::io::Write;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

/// A directory others can write, opened once at its root (the root's own path is the user's
/// choice and may be a link); below it, every path is walked without following links.
/// Paths below the root are `/`-separated names, each a plain name: never empty, `.` or
/// `..`, so nothing reached through a `Dir` is outside it.
#[derive(Debug)]
pub struct Dir {
    root: PathBuf,
    fd: OwnedFd,
}

impl Dir {
    /// Opens the directory at `root`.
    pub fn open(root: &Path) -> Result<Dir> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let fd = rfs::open(root, flags, Mode::empty()).map_err(|e| io_err(root, "open", e))?;
        Ok(Dir { root: root.to_owned(), fd })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path of `rel` below the root, for messages and for writers that take a path (in a
    /// dir only Mast can write); refused when `rel` would leave the root.
    pub fn path(&self, rel: &str) -> Result<PathBuf> {
        let parts = self.parts(rel)?;
        let mut p = self.root.clone();
        p.extend(parts);
        Ok(p)
    }

    fn parts<'a>(&self, rel: &'a str) -> Result<Vec<&'a str>> {
        let parts: Vec<&str> = rel.split('/').collect();
        if parts.iter().any(|p| p.is_empty() || *p == "." || *p == ".." || p.contains('\0')) {
            return Err(Error::Invalid(format!(
                "'{rel}' is not a name inside {}; nothing was read or written there",
                self.root.display()
            )));
        }
        Ok(parts)
    }

    /// The directory at `parts` below the root; `None` when one of them is missing and
    /// `create` is false. A link or a file in place of one of them is refused.
    fn walk(&self, parts: &[&str], create: bool) -> Result<Option<OwnedFd>> {
        let mut fd = rfs::openat(&self.fd, ".", DIR, Mode::empty()).map_err(|e| io_err(&self.root, "open", e))?;
        let mut shown = self.root.clone();
        for part in parts {
            shown.push(part);
            match open_dir(fd.as_fd(), part, &shown, create)? {
                Some(next) => fd = next,
                None => return Ok(None),
            }
        }
        Ok(Some(fd))
    }

    /// Opens the regular file at `rel` to read; `None` when it (or a folder above it) does
    /// not exist.
    pub fn open_file(&self, rel: &str) -> Result<Option<File>> {
        let parts = self.parts(rel)?;
        let (name, dirs) = parts.split_last().expect("split gives one part at least");
        let Some(dir) = self.walk(dirs, false)? else { return Ok(None) };
        Ok(open_regular(dir.as_fd(), Path::new(name), &self.path(rel)?, false)?.map(File::from))
    }

    /// The bytes of the regular file at `rel`, of at most `max` bytes; `None` when missing.
    pub fn read(&self, rel: &str, max: u64) -> Result<Option<Vec<u8>>> {
        let shown = self.path(rel)?;
        self.open_file(rel)?.map(|f| read_capped(f, max, &shown)).transpose()
    }

    /// The text of the regular file at `rel`, of at most `max` bytes; `None` when missing.
    pub fn read_text(&self, rel: &str, max: u64) -> Result<Option<String>> {
        let shown = self.path(rel)?;
        self.read(rel, max)?.map(|b| text(b, &shown)).transpose()
    }

    /// Creates the folders of `rel` that are missing (refusing links in place of any) and
    /// returns its path.
    pub fn create_dirs(&self, rel: &str) -> Result<PathBuf> {
        self.walk(&self.parts(rel)?, true)?;
        self.path(rel)
    }

    /// Replaces the file at `rel` with `bytes` (0600), creating the folders above it:
    /// written to a temporary file of a random name created exclusively, synced, and renamed
    /// over the name. The temporary file is removed when anything fails.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let parts = self.parts(rel)?;
        let shown = self.path(rel)?;
        let (name, dirs) = parts.split_last().expect("split gives one part at least");
        let dir = self.walk(dirs, true)?.expect("walk creates the folders");
        let (tmp, file) = create_temp(dir.as_fd(), name, &shown)?;
        let result = (|| -> std::io::Result<()> {
            let mut f = File::from(file);
            f.write_all(bytes)?;
            f.sync_all()?;
            rfs::renameat(&dir, &tmp, &dir, *name)?;
            Ok(())
        })();
        if let Err(e) = result {
            let _ = rfs::unlinkat(&dir, &tmp, AtFlags::empty());
            return Err(io_err(&shown, "write", e));
        }
        // So the rename itself survives a crash; not every filesystem syncs a directory.
        let _ = rfs::fsync(&dir);
        Ok(())
    }

    /// The names of the real directories in the folder `rel` (links to directories are not
    /// among them); empty when the folder does not exist.
    pub fn subdirs(&self, rel: &str) -> Result<Vec<String>> {
        let shown = self.path(rel)?;
        let Some(fd) = self.walk(&self.parts(rel)?, false)? else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for name in entries(fd.as_fd(), &shown)? {
            match rfs::statat(&fd, name.as_str(), AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) if file_type(&st) == FileType::Directory => out.push(name),
                Ok(_) | Err(Errno::NOENT) => {}
                Err(e) => return Err(io_err(&shown.join(&name), "read", e)),
            }
        }
        out.sort();
        Ok(out)
    }

    /// Removes `rel` and, when it is a real folder, everything in it; a link is removed
    /// itself, never followed. Nothing to remove is not an error.
    pub fn remove_all(&self, rel: &str) -> Result<()> {
        let parts = self.parts(rel)?;
        let (name, dirs) = parts.split_last().expect("split gives one part at least");
        let Some(dir) = self.walk(dirs, false)? else { return Ok(()) };
        remove_tree(dir.as_fd(), Path::new(name), &self.path(rel)?)
    }
}

/// Opens the directory `name` in `parent` without following a link; creates it when
/// missing and `create`.
fn open_dir(parent: BorrowedFd<'_>, name: &str, shown: &Path, create: bool) -> Result<Option<OwnedFd>> {
    // Twice at most: once to find it missing and create it, once to open what was created.
    for _ in 0..2 {
        match rfs::openat(parent, name, DIR, Mode::empty()) {
            Ok(fd) => return Ok(Some(fd)),
            Err(Errno::NOENT) if create => match rfs::mkdirat(parent, name, Mode::from_bits_truncate(0o777)) {
                Ok(()) | Err(Errno::EXIST) => continue,
                Err(e) => return Err(io_err(shown, "create", e)),
            },
            Err(Errno::NOENT) => return Ok(None),
            Err(Errno::LOOP | Errno::NOTDIR) => {
                let found = match rfs::statat(parent, name, AtFlags::SYMLINK_NOFOLLOW).map(|s| file_type(&s)) {
                    Ok(FileType::Symlink) => SYMLINK_WORDS,
                    Ok(FileType::RegularFile) => "a file",
                    Ok(t) => not_regular(t).unwrap_or("a file"),
                    Err(_) => "not a folder",
                };
                return Err(Error::NotAFile { path: shown.to_owned(), found, expected: "folder" });
            }
            Err(e) => return Err(io_err(shown, "open", e)),
        }
    }
    Err(Error::Invalid(format!("{} keeps changing while Mast opens it; try again", shown.display())))
}

/// Creates a temporary file beside `name` in `dir`, exclusively: its name and its file.
fn create_temp(dir: BorrowedFd<'_>, name: &str, shown: &Path) -> Result<(String, OwnedFd)> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    for _ in 0..16 {
        let mut r = [0u8; 8];
        getrandom::fill(&mut r).map_err(|e| Error::Invalid(format!("no randomness available: {e}")))?;
        let tmp = format!(".{name}.{}.tmp", r.iter().map(|b| format!("{b:02x}")).collect::<String>());
        match rfs::openat(dir, tmp.as_str(), flags, Mode::from_bits_truncate(0o600)) {
            Ok(fd) => return Ok((tmp, fd)),
            // Something is there already, planted or left: another name, never that one.
            Err(Errno::EXIST) => continue,
            Err(e) => return Err(io_err(shown, "write", e)),
        }
    }
    Err(Error::Invalid(format!("cannot write {}: no free temporary name beside it", shown.display())))
}

/// The names in the directory `fd`, without `.` and `..`; names that are not UTF-8 are left
/// out (Mast never makes one).
fn entries(fd: BorrowedFd<'_>, shown: &Path) -> Result<Vec<String>> {
    let dir = rfs::Dir::read_from(fd).map_err(|e| io_err(shown, "read", e))?;
    let mut out = Vec::new();
    for entry in dir {
        let entry = entry.map_err(|e| io_err(shown, "read", e))?;
        let Ok(name) = entry.file_name().to_str() else { continue };
        if name != "." && name != ".." {
            out.push(name.to_owned());
        }
    }
    Ok(out)
}

/// Removes `name` in `parent` and, when it is a real directory, what is in it.
pub(super) fn remove_tree(parent: BorrowedFd<'_>, name: &Path, shown: &Path) -> Result<()> {
    let st = match rfs::statat(parent, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => st,
        Err(Errno::NOENT) => return Ok(()),
        Err(e) => return Err(io_err(shown, "remove", e)),
    };
    if file_type(&st) == FileType::Directory {
        let fd = match rfs::openat(parent, name, DIR, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return Ok(()),
            Err(e) => return Err(io_err(shown, "remove", e)),
        };
        for child in entries(fd.as_fd(), shown)? {
            remove_tree(fd.as_fd(), Path::new(&child), &shown.join(&child))?;
        }
        match rfs::unlinkat(parent, name, AtFlags::REMOVEDIR) {
            Ok(()) | Err(Errno::NOENT) => Ok(()),
            Err(e) => Err(io_err(shown, "remove", e)),
        }
    } else {
        match rfs::unlinkat(parent, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => Ok(()),
            Err(e) => Err(io_err(shown, "remove", e)),
        }
    }
}
