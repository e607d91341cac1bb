//! How Mast opens the files it reads and writes the files it owns, so that no file it touches
//! can make it hang or lead it somewhere it did not mean to go. Every read and write of a
//! file outside the database goes through here.
//!
//! Two kinds of place:
//! - the user's own dirs and the files the user names (config, rules, the data dir, an import
//!   file, a protocol, a passphrase file): a symbolic link there is the user's own doing
//!   (dotfiles kept in a repository), so it is followed;
//! - a folder others can write (the family folder, a participant's bundle), opened as a
//!   [`Dir`]: below its root no symbolic link is ever followed. Directories are walked one
//!   `openat(O_NOFOLLOW | O_DIRECTORY)` at a time and files opened with `O_NOFOLLOW`, so a
//!   link planted in place of a file or of a folder is refused, never written through.
//!
//! Everywhere, a file is opened with `O_NONBLOCK` and checked with `fstat` before it is read:
//! a FIFO, a device, a socket or a directory in place of a file is refused with a message
//! instead of making Mast wait forever. A file Mast owns is replaced by writing a temporary
//! file of a random name beside it, created with `O_CREAT | O_EXCL | O_NOFOLLOW` (so a name
//! planted in advance is never opened), and renaming it over the name: a rename replaces a
//! link planted there rather than following it.
//!
//! What this module does not own: the database (SQLite opens it, see [`crate::store`]) and
//! the permissions of the data dir ([`crate::paths`]).

use crate::{Error, Result};
use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, CWD};
use rustix::io::Errno;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

/// Opening to read: never waits for a writer (a FIFO) or a carrier (a serial line), and
/// never makes a terminal the controlling one.
const READ: OFlags = OFlags::RDONLY.union(OFlags::NONBLOCK).union(OFlags::CLOEXEC).union(OFlags::NOCTTY);
/// Walking into a directory of a folder others can write.
const DIR: OFlags =
    OFlags::RDONLY.union(OFlags::DIRECTORY).union(OFlags::NOFOLLOW).union(OFlags::NONBLOCK).union(OFlags::CLOEXEC);
const SYMLINK_WORDS: &str = "a symbolic link in a folder others can write";

/// What a thing that is not a regular file is, in words; `None` for a regular file.
fn not_regular(t: FileType) -> Option<&'static str> {
    match t {
        FileType::RegularFile => None,
        FileType::Directory => Some("a directory"),
        FileType::Fifo => Some("a FIFO (named pipe)"),
        FileType::Socket => Some("a socket"),
        FileType::CharacterDevice | FileType::BlockDevice => Some("a device"),
        FileType::Symlink => Some(SYMLINK_WORDS),
        FileType::Unknown => Some("of an unknown kind"),
    }
}

fn file_type(st: &rfs::Stat) -> FileType {
    FileType::from_raw_mode(st.st_mode)
}

fn refuse(path: &Path, t: FileType) -> Result<()> {
    match not_regular(t) {
        None => Ok(()),
        Some(found) => Err(Error::NotAFile { path: path.to_owned(), found, expected: "file" }),
    }
}

/// An I/O error on `path` while trying to `what` it, with the fix when the error has one.
pub fn io_err(path: &Path, what: &str, e: impl Into<std::io::Error>) -> Error {
    let e = e.into();
    let hint = match e.raw_os_error() {
        Some(28) => "; the disk is full: free some space and try again",
        Some(13) | Some(1) => "; check the folder's permissions",
        Some(30) => "; the folder is read-only",
        _ => "",
    };
    Error::Invalid(format!("cannot {what} {}: {e}{hint}", path.display()))
}

/// Opens `name` (relative to `dir`, or a whole path with [`CWD`]) to read, as a regular file;
/// `None` when there is nothing of that name. `follow`: whether a symbolic link there is
/// followed. `shown` is the path for messages.
fn open_regular(dir: BorrowedFd<'_>, name: &Path, shown: &Path, follow: bool) -> Result<Option<OwnedFd>> {
    // A look before opening: opening a device can have effects of its own (a tape rewinds),
    // and a socket cannot be opened at all.
    let at = if follow { AtFlags::empty() } else { AtFlags::SYMLINK_NOFOLLOW };
    match rfs::statat(dir, name, at) {
        Ok(st) => refuse(shown, file_type(&st))?,
        Err(Errno::NOENT) => return Ok(None),
        Err(e) => return Err(io_err(shown, "read", e)),
    }
    let flags = if follow { READ } else { READ | OFlags::NOFOLLOW };
    let fd = match rfs::openat(dir, name, flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::NOENT) => return Ok(None),
        Err(Errno::LOOP) if !follow => {
            return Err(Error::NotAFile { path: shown.to_owned(), found: SYMLINK_WORDS, expected: "file" })
        }
        Err(e) => return Err(io_err(shown, "read", e)),
    };
    // What was opened, not what was looked at: the name may have been replaced in between.
    let st = rfs::fstat(&fd).map_err(|e| io_err(shown, "read", e))?;
    refuse(shown, file_type(&st))?;
    // A regular file reads the same either way; blocking reads are what `File` expects.
    rfs::fcntl_setfl(&fd, OFlags::empty()).map_err(|e| io_err(shown, "read", e))?;
    Ok(Some(fd))
}

/// Reads all of `file`, refusing more than `max` bytes.
fn read_capped(file: File, max: u64, shown: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| io_err(shown, "read", e))?;
    if bytes.len() as u64 > max {
        return Err(Error::Invalid(format!(
            "{} is larger than {} KiB, more than Mast reads from such a file; is it the right file?",
            shown.display(),
            max >> 10
        )));
    }
    Ok(bytes)
}

fn text(bytes: Vec<u8>, shown: &Path) -> Result<String> {
    String::from_utf8(bytes)
        .map_err(|_| Error::Invalid(format!("{} is not UTF-8 text; is it the right file?", shown.display())))
}

/// Opens a file of the user's own (or one the user named) to read; `None` when it does not
/// exist. A symbolic link is followed; anything but a regular file is refused, at once.
pub fn open(path: &Path) -> Result<Option<File>> {
    Ok(open_regular(CWD, path, path, true)?.map(File::from))
}

/// The bytes of a file of the user's own, of at most `max` bytes; `None` when it does not exist.
pub fn read(path: &Path, max: u64) -> Result<Option<Vec<u8>>> {
    open(path)?.map(|f| read_capped(f, max, path)).transpose()
}

/// The text of a file of the user's own, of at most `max` bytes; `None` when it does not exist.
pub fn read_text(path: &Path, max: u64) -> Result<Option<String>> {
    read(path, max)?.map(|b| text(b, path)).transpose()
}

/// Opens (creating, 0600) a lock file in the data dir to read and write; refuses anything
/// but a regular file rather than waiting on it.
pub fn open_lock(path: &Path) -> Result<File> {
    match rfs::stat(path) {
        Ok(st) => refuse(path, file_type(&st))?,
        Err(Errno::NOENT) => {}
        Err(e) => return Err(io_err(path, "open", e)),
    }
    let flags = OFlags::RDWR | OFlags::CREATE | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let fd = rfs::open(path, flags, Mode::from_bits_truncate(0o600)).map_err(|e| io_err(path, "open", e))?;
    let st = rfs::fstat(&fd).map_err(|e| io_err(path, "open", e))?;
    refuse(path, file_type(&st))?;
    rfs::fcntl_setfl(&fd, OFlags::empty()).map_err(|e| io_err(path, "open", e))?;
    Ok(File::from(fd))
}

/// Replaces the file at `path` (in a dir of the user's own, created if missing) with
/// `bytes`, in one rename: a crash never leaves half a file, and a link at `path` is
/// replaced, not written through. The file is 0600.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(Error::Invalid(format!("{} is not a file's path", path.display())));
    };
    let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
    std::fs::create_dir_all(parent).map_err(|e| io_err(parent, "create", e))?;
    let name = name.to_str().ok_or_else(|| Error::Invalid(format!("{} is not a UTF-8 name", path.display())))?;
    Dir::open(parent)?.write(name, bytes)
}

/// Creates the dir `path` (0700) afresh, and the dirs above it that are missing, for a result that is renamed into place when
/// complete: a real dir left there by an earlier run is removed first (without following any
/// link inside it); anything else there is refused, never followed.
pub fn fresh_private_dir(path: &Path) -> Result<()> {
    match rfs::statat(CWD, path, AtFlags::SYMLINK_NOFOLLOW) {
        Err(Errno::NOENT) => {}
        Err(e) => return Err(io_err(path, "create", e)),
        Ok(st) if file_type(&st) == FileType::Directory => remove_tree(CWD, path, path)?,
        Ok(st) => {
            let found = match file_type(&st) {
                FileType::Symlink => "a symbolic link",
                t => not_regular(t).unwrap_or("a file"),
            };
            return Err(Error::NotAFile { path: path.to_owned(), found, expected: "folder Mast made" });
        }
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| io_err(parent, "create", e))?;
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    // Not recursive: mkdir fails on anything that appeared there meanwhile.
    builder.create(path).map_err(|e| io_err(path, "create", e))
}

/// Removes `path` and, when it is a real dir, everything in it, following no link.
pub fn remove_all(path: &Path) -> Result<()> {
    remove_tree(CWD, path, path)
}

/// A new file (0600) at `path` in a dir Mast writes, created exclusively and never through a
/// link: whatever is at that name (a stale temporary file, a planted link) is removed
/// first, never opened.
pub fn create_new(path: &Path) -> Result<File> {
    match rfs::unlinkat(CWD, path, AtFlags::empty()) {
        Ok(()) | Err(Errno::NOENT) => {}
        Err(e) => return Err(io_err(path, "write", e)),
    }
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = rfs::open(path, flags, Mode::from_bits_truncate(0o600)).map_err(|e| io_err(path, "write", e))?;
    Ok(File::from(fd))
}

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
fn remove_tree(parent: BorrowedFd<'_>, name: &Path, shown: &Path) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::time::Duration;

    fn fifo(path: &Path) {
        rfs::mknodat(CWD, path, FileType::Fifo, Mode::from_bits_truncate(0o600), 0).unwrap();
    }

    /// Runs `f` on a thread and fails the test if it has not returned within ten seconds:
    /// what these tests pin is that nothing waits on a FIFO.
    fn promptly<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(f()).unwrap());
        rx.recv_timeout(Duration::from_secs(10)).expect("returned within 10 s, not blocked")
    }

    /// A victim file outside the folder, and a check that it is unchanged.
    fn victim(dir: &Path) -> (PathBuf, impl Fn()) {
        let path = dir.join("victim");
        std::fs::write(&path, "precious").unwrap();
        let p = path.clone();
        (path, move || assert_eq!(std::fs::read_to_string(&p).unwrap(), "precious", "the victim was written"))
    }

    /// The hang: opening a FIFO in place of a file Mast reads waited for a writer forever.
    #[test]
    fn special_files_are_refused_at_once_where_a_file_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("config.toml");
        fifo(&f);
        let d = tmp.path().join("a-dir");
        std::fs::create_dir(&d).unwrap();
        for (path, words) in [(f.clone(), "FIFO"), (d.clone(), "a directory"), (PathBuf::from("/dev/null"), "a device")]
        {
            let p = path.clone();
            let err = promptly(move || read_text(&p, 1024).unwrap_err()).to_string();
            assert!(err.contains(words) && err.contains(&*path.to_string_lossy()), "{err}");
            let p = path.clone();
            promptly(move || open(&p).unwrap_err());
        }
        // In a folder others can write, too.
        let dir = Dir::open(tmp.path()).unwrap();
        let err = dir.read("config.toml", 1024).unwrap_err().to_string();
        assert!(err.contains("FIFO") && err.contains("Remove it"), "{err}");
        let lock = tmp.path().join("track.lock");
        fifo(&lock);
        let err = promptly(move || open_lock(&lock).unwrap_err()).to_string();
        assert!(err.contains("FIFO"), "{err}");
    }

    #[test]
    fn own_files_follow_links_but_folders_others_write_do_not() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        let (target, _) = victim(&outside);
        let shared = tmp.path().join("shared");
        std::fs::create_dir_all(shared.join("devices")).unwrap();
        symlink(&target, shared.join("link")).unwrap();
        symlink(&outside, shared.join("devices/abc")).unwrap();
        // The user's dotfile kept as a link is read.
        assert_eq!(read_text(&shared.join("link"), 100).unwrap().as_deref(), Some("precious"));
        let dir = Dir::open(&shared).unwrap();
        let err = dir.read("link", 100).unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        let err = dir.read("devices/abc/victim", 100).unwrap_err().to_string();
        assert!(err.contains("symbolic link") && err.contains("devices/abc"), "{err}");
        assert_eq!(dir.read("devices/none/member.mast", 100).unwrap(), None);
        assert_eq!(dir.subdirs("devices").unwrap(), Vec::<String>::new(), "a linked folder is not a folder of it");
        std::fs::create_dir(shared.join("devices/real")).unwrap();
        assert_eq!(dir.subdirs("devices").unwrap(), vec!["real".to_owned()]);
    }

    /// The bug: a link planted where Mast writes its temporary or final file was followed,
    /// and Mast overwrote the link's target.
    #[test]
    fn writes_replace_planted_links_and_never_write_through_them() {
        let tmp = tempfile::tempdir().unwrap();
        let (target, unchanged) = victim(tmp.path());
        let shared = tmp.path().join("shared");
        std::fs::create_dir_all(shared.join("d")).unwrap();
        for name in ["d/changes.mast", "d/.changes.mast.mast-tmp", "d/.changes.mast.tmp"] {
            symlink(&target, shared.join(name)).unwrap();
        }
        let dir = Dir::open(&shared).unwrap();
        dir.write("d/changes.mast", b"mine").unwrap();
        unchanged();
        let written = shared.join("d/changes.mast");
        assert!(std::fs::symlink_metadata(&written).unwrap().file_type().is_file());
        assert_eq!(std::fs::read(&written).unwrap(), b"mine");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&written).unwrap().permissions().mode() & 0o777, 0o600);
        // No temporary file of Mast's is left beside it.
        let mut names: Vec<String> = std::fs::read_dir(shared.join("d"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, [".changes.mast.mast-tmp", ".changes.mast.tmp", "changes.mast"]);

        // A folder replaced by a link: refused, nothing written where it points.
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        symlink(&elsewhere, shared.join("mine")).unwrap();
        let err = dir.write("mine/member.mast", b"x").unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
        // Folders that are missing are made.
        dir.write("new/deep/file", b"y").unwrap();
        assert_eq!(std::fs::read(shared.join("new/deep/file")).unwrap(), b"y");
        // `replace` in a dir of the user's own does the same.
        let own = tmp.path().join("own/config.toml");
        std::fs::create_dir_all(own.parent().unwrap()).unwrap();
        symlink(&target, &own).unwrap();
        replace(&own, b"poll_interval_ms = 500\n").unwrap();
        unchanged();
        assert_eq!(std::fs::read(&own).unwrap(), b"poll_interval_ms = 500\n");
    }

    #[test]
    fn removing_a_folder_never_follows_a_link_in_it() {
        let tmp = tempfile::tempdir().unwrap();
        let (target, unchanged) = victim(tmp.path());
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("keep"), "k").unwrap();
        let shared = tmp.path().join("shared");
        std::fs::create_dir_all(shared.join("devices/me/sub")).unwrap();
        std::fs::write(shared.join("devices/me/member.mast"), "m").unwrap();
        symlink(&target, shared.join("devices/me/file-link")).unwrap();
        symlink(&outside, shared.join("devices/me/sub/dir-link")).unwrap();
        fifo(&shared.join("devices/me/pipe"));
        symlink(&outside, shared.join("devices/other")).unwrap();
        let dir = Dir::open(&shared).unwrap();
        dir.remove_all("devices/me").unwrap();
        dir.remove_all("devices/other").unwrap();
        dir.remove_all("devices/gone").unwrap();
        unchanged();
        assert_eq!(std::fs::read_to_string(outside.join("keep")).unwrap(), "k");
        assert_eq!(std::fs::read_dir(shared.join("devices")).unwrap().count(), 0);
    }

    #[test]
    fn names_that_would_leave_the_folder_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = Dir::open(tmp.path()).unwrap();
        for rel in ["../x", "a/../../x", "/etc/passwd", "", "a//b", "./x", "a/"] {
            assert!(dir.path(rel).is_err(), "{rel}");
            assert!(dir.write(rel, b"x").is_err(), "{rel}");
            assert!(dir.create_dirs(rel).is_err(), "{rel}");
        }
        assert_eq!(
            dir.path("a/participant=p-0123456789abcdef").unwrap(),
            tmp.path().join("a/participant=p-0123456789abcdef")
        );
    }

    #[test]
    fn a_fresh_dir_is_made_exclusively_and_a_planted_link_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("keep"), "k").unwrap();
        let partial = tmp.path().join(".out.partial");
        symlink(&outside, &partial).unwrap();
        let err = fresh_private_dir(&partial).unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        std::fs::remove_file(&partial).unwrap();
        // A stale one of an earlier run is removed, links inside it unfollowed.
        std::fs::create_dir(&partial).unwrap();
        symlink(&outside, partial.join("inside")).unwrap();
        fresh_private_dir(&partial).unwrap();
        assert_eq!(std::fs::read_dir(&partial).unwrap().count(), 0);
        assert_eq!(std::fs::read_to_string(outside.join("keep")).unwrap(), "k");
        // And a new file in it is never opened through a link planted at its name.
        let (target, unchanged) = victim(tmp.path());
        symlink(&target, partial.join("t.partial")).unwrap();
        create_new(&partial.join("t.partial")).unwrap().write_all(b"new").unwrap();
        unchanged();
    }

    #[test]
    fn a_file_over_the_cap_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("big");
        std::fs::write(&p, vec![b'a'; 2048]).unwrap();
        assert!(read(&p, 2048).unwrap().is_some());
        let err = read(&p, 1024).unwrap_err().to_string();
        assert!(err.contains("larger than 1 KiB"), "{err}");
        assert_eq!(read(&tmp.path().join("none"), 10).unwrap(), None);
    }
}
