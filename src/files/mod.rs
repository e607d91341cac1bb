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
use std::io::Read;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::Path;

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

/// Whether a regular file is at `path` (a link is followed); `false` when nothing is, and
/// anything but a regular file is refused. It only looks: nothing is opened. That matters
/// for a database other connections of this process hold: closing any descriptor of a file
/// drops every POSIX lock the process has on it, SQLite's included.
pub fn is_file(path: &Path) -> Result<bool> {
    match rfs::statat(CWD, path, AtFlags::empty()) {
        Ok(st) => refuse(path, file_type(&st)).map(|()| true),
        Err(Errno::NOENT) => Ok(false),
        Err(e) => Err(io_err(path, "read", e)),
    }
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

mod shared;
use shared::remove_tree;
pub use shared::Dir;

#[cfg(test)]
mod tests;
