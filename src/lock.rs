//! The tracker's claim on a data dir: an advisory `flock` on `track.lock` holding the pid.
//! The kernel drops the lock when the process dies, even by `kill -9`, so a crash never
//! leaves a stale lock behind; the pid inside is only for the message.

use crate::{Error, Result};
use rustix::fs::{flock, FlockOperation};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Held while a tracker runs; dropping it releases the data dir.
#[derive(Debug)]
pub struct TrackLock {
    _file: File,
    path: PathBuf,
}

impl TrackLock {
    /// Claims the data dir, or says which process holds it.
    pub fn acquire(path: &Path, dir: &Path) -> Result<TrackLock> {
        let mut file = open(path)?;
        if flock(&file, FlockOperation::NonBlockingLockExclusive).is_err() {
            let pid = read_pid(&mut file).unwrap_or(0);
            return Err(Error::AlreadyTracking { dir: dir.to_owned(), pid });
        }
        let pid = std::process::id();
        let write = |f: &mut File| -> std::io::Result<()> {
            f.set_len(0)?;
            f.seek(SeekFrom::Start(0))?;
            writeln!(f, "{pid}")?;
            f.flush()
        };
        write(&mut file).map_err(|e| Error::io(path, e))?;
        Ok(TrackLock { _file: file, path: path.to_owned() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The pid of the tracker holding the data dir, if one runs.
pub fn holder(path: &Path) -> Option<u32> {
    let mut file = crate::files::open(path).ok()??;
    if flock(&file, FlockOperation::NonBlockingLockShared).is_ok() {
        // Nobody holds it exclusively: no tracker. Our shared lock ends with `file`.
        return None;
    }
    read_pid(&mut file)
}

/// A FIFO in place of the lock would make every start wait; it is refused instead.
fn open(path: &Path) -> Result<File> {
    crate::files::open_lock(path)
}

fn read_pid(file: &mut File) -> Option<u32> {
    let mut s = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut s).ok()?;
    s.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_claim_is_refused_naming_the_holder() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("track.lock");
        let first = TrackLock::acquire(&path, tmp.path()).unwrap();
        assert_eq!(holder(&path), Some(std::process::id()));
        let err = TrackLock::acquire(&path, tmp.path()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(&std::process::id().to_string()), "{msg}");
        drop(first);
        assert_eq!(holder(&path), None);
        TrackLock::acquire(&path, tmp.path()).unwrap();
    }
}
