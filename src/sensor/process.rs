//! From a window's process id (X11's `_NET_WM_PID`, a compositor's IPC) to the executable's
//! file name, via `/proc/<pid>/exe`. Shared by the sensors; each keys windows its own way
//! (an X window id, a sway container id).
//!
//! A readlink per poll would be cheap, but the answer for a window never changes, so it is
//! cached. The key is the window *and* the pid: pids are recycled, and a cache keyed by pid
//! alone would name the old program after a new one took its number. A window id and a pid
//! both recycled onto the same pair is not a case worth a syscall per second.

use std::collections::HashMap;
use std::hash::Hash;

/// Enough for every window a user switches between in a day; beyond it the cache starts
/// over rather than tracking recency, which a handful of readlinks makes up for.
const CACHE_LIMIT: usize = 256;

pub(crate) struct Processes<W> {
    /// This machine's host name, to tell local clients from forwarded ones.
    hostname: Option<String>,
    exes: HashMap<(W, u32), Option<String>>,
}

impl<W: Hash + Eq + Copy> Processes<W> {
    pub(crate) fn new() -> Self {
        let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty());
        Processes { hostname, exes: HashMap::new() }
    }

    /// Whether a client on `machine` (its WM_CLIENT_MACHINE) runs here, so that its pid means
    /// something in our `/proc`. Unknown either way counts as local: most clients are.
    pub(crate) fn is_local(&self, machine: Option<&str>) -> bool {
        match (machine, &self.hostname) {
            (Some(machine), Some(host)) => same_host(machine, host),
            _ => true,
        }
    }

    /// The executable's file name, or `None` when the process is gone or not ours to inspect.
    pub(crate) fn exe(&mut self, window: W, pid: u32) -> Option<String> {
        if let Some(exe) = self.exes.get(&(window, pid)) {
            return exe.clone();
        }
        if self.exes.len() >= CACHE_LIMIT {
            self.exes.clear();
        }
        let exe = exe_name(pid);
        self.exes.insert((window, pid), exe.clone());
        exe
    }
}

pub(crate) fn exe_name(pid: u32) -> Option<String> {
    let target = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
    let name = target.file_name()?.to_string_lossy().into_owned();
    // An upgraded package leaves running programs pointing at "name (deleted)".
    Some(name.strip_suffix(" (deleted)").map(str::to_owned).unwrap_or(name))
}

/// Host names compare case-insensitively, and a short name matches its fully qualified form
/// (clients differ in which one they set).
fn same_host(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    let short = |s: &str| s.split('.').next().unwrap_or_default().to_owned();
    a == b || ((!a.contains('.') || !b.contains('.')) && short(&a) == short(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_our_own_executable() {
        let me = std::env::current_exe().unwrap();
        let expected = me.file_name().unwrap().to_string_lossy().into_owned();
        let mut processes = Processes::<u32>::new();
        assert_eq!(processes.exe(1, std::process::id()), Some(expected.clone()));
        // Cached: the same answer even for a pid that no longer resolves.
        assert_eq!(processes.exe(1, std::process::id()), Some(expected));
        assert_eq!(processes.exe(2, u32::MAX), None);
    }

    #[test]
    fn host_names() {
        assert!(same_host("vm", "vm"));
        assert!(same_host("VM", "vm.example.org"));
        assert!(same_host("vm.example.org", "vm"));
        assert!(!same_host("vm.example.org", "vm.other.org"));
        assert!(!same_host("laptop", "vm"));
        let p: Processes<u32> = Processes { hostname: Some("vm".into()), exes: HashMap::new() };
        assert!(p.is_local(None));
        assert!(p.is_local(Some("vm")));
        assert!(!p.is_local(Some("server")));
    }
}
