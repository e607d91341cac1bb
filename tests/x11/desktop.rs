//! A throwaway X desktop for one test: Xvfb, optionally openbox, xterms, and windows the test
//! makes itself over x11rb when it needs properties no real client sets (no pid, Latin-1 or
//! megabyte titles).
//!
//! Every process started here is a direct child, killed by pid and waited for on drop: in
//! this sandbox PID 1 does not reap orphans, so anything left to it stays a zombie. An xterm
//! has a child of its own (`sleep`), killed first so that xterm reaps it and exits by itself.
//! xterm does not always reap it (when it sees the pty close before SIGCHLD), so the test
//! process makes itself the subreaper of its descendants and reaps such a `sleep` by pid.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _, CreateWindowAux, PropMode, Window, WindowClass};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

const TOOLS: [&str; 4] = ["Xvfb", "openbox", "xdotool", "xterm"];
/// Long enough for a loaded CI machine; a step that takes this long is broken, not slow.
const STEP_TIMEOUT: Duration = Duration::from_secs(15);

/// An X client started by the harness.
pub struct Term {
    pub pid: u32,
    pub window: Window,
}

pub struct Desktop {
    /// `":N"`.
    pub display: String,
    /// Logs of the processes, and XDG dirs so openbox writes nothing outside.
    pub dir: tempfile::TempDir,
    /// The test's own client, for making windows and setting properties.
    conn: RustConnection,
    root: Window,
    xvfb: Option<Child>,
    wm: Option<Child>,
    clients: Vec<Child>,
    mouse_moves: u32,
}

impl Desktop {
    /// Xvfb and openbox, the usual desktop.
    pub fn with_wm() -> Desktop {
        let mut d = Desktop::bare();
        // Openbox manages windows before it is fully up, but does not focus the ones mapped
        // meanwhile; `--startup` runs once it is, and tells us by creating a file.
        let ready = d.dir.path().join("openbox-ready");
        let wm = d
            .command("openbox")
            .args(["--sm-disable", "--startup"])
            .arg(format!("touch {}", ready.display()))
            .stdout(Stdio::null())
            .stderr(d.log("openbox"))
            .spawn();
        d.wm = Some(wm.expect("spawn openbox"));
        d.wait_for_wm(&ready);
        d
    }

    /// Xvfb alone: no window manager, so nothing sets `_NET_ACTIVE_WINDOW` unless the test does
    /// ([`Desktop::set_active`]).
    pub fn bare() -> Desktop {
        Desktop::start(None)
    }

    /// Like [`Self::bare`], on a display number no other test will take after this one's
    /// server dies: for tests that kill the server and then check that nothing answers.
    pub fn bare_unshared() -> Desktop {
        // Parallel tests take the lowest free numbers; these are far above them.
        let base = 600 + std::process::id() % 300;
        Desktop::start(Some(base))
    }

    fn start(first_display: Option<u32>) -> Desktop {
        require_tools();
        // Orphaned descendants come to us rather than to PID 1; see `close_xterm`.
        let _ = rustix::process::set_child_subreaper(Some(rustix::process::getpid()));
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("xvfb.log");
        let (xvfb, display) = match first_display {
            None => start_xvfb(&log, None),
            // A number in use makes Xvfb exit at once; try the next.
            Some(first) => (first..first + 20).find_map(|n| start_xvfb(&log, Some(n))),
        }
        .unwrap_or_else(|| panic!("Xvfb did not start: {}", read_log(&log)));
        let (xvfb, (conn, screen)) = match RustConnection::connect(Some(&display)) {
            Ok(connected) => (xvfb, connected),
            Err(e) => {
                let mut xvfb = xvfb;
                stop(&mut xvfb);
                panic!("cannot connect to the new Xvfb on {display}: {e}");
            }
        };
        let root = conn.setup().roots[screen].root;
        Desktop { display, dir, conn, root, xvfb: Some(xvfb), wm: None, clients: Vec::new(), mouse_moves: 0 }
    }

    /// A command that runs on this display with its config and caches in the temp dir.
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        let dir = self.dir.path();
        c.env("DISPLAY", &self.display)
            // Titles given on xterm's command line are UTF-8 whatever the CI machine's locale.
            .env("LC_ALL", "C.UTF-8")
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("XDG_CACHE_HOME", dir.join("cache"))
            .env("XDG_DATA_HOME", dir.join("data"))
            .stdin(Stdio::null());
        c
    }

    fn log(&self, name: &str) -> File {
        File::create(self.dir.path().join(format!("{name}.log"))).expect("log file")
    }

    fn wait_for_wm(&self, ready: &Path) {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            if ready.exists() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "openbox did not start on {}: {}",
                self.display,
                read_log(&self.dir.path().join("openbox.log"))
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// An xterm with WM_CLASS class `class` (instance `xterm`) and title `title`, once its
    /// window exists and has the focus.
    pub fn xterm(&mut self, class: &str, title: &str) -> Term {
        let log = self.log(&format!("xterm-{class}"));
        let child = self
            .command("xterm")
            .args(["-class", class, "-T", title, "-geometry", "40x8", "-e", "sleep", "600"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn xterm");
        let pid = child.id();
        self.clients.push(child);
        let found = self.xdotool(&["search", "--sync", "--class", &format!("^{class}$")]);
        let window = found.lines().next().and_then(|l| l.trim().parse().ok()).expect("xdotool printed a window id");
        // Openbox focuses a new window once it has managed it. Waiting for that keeps it from
        // taking the focus back after a test has moved it elsewhere; should it not (focus
        // stealing prevention), the window is activated explicitly.
        if !self.wait_until_active(window, Duration::from_secs(2)) {
            self.activate(window);
        }
        Term { pid, window }
    }

    /// Closes an xterm started by [`Self::xterm`] and waits for it.
    pub fn close(&mut self, pid: u32) {
        let i = self.clients.iter().position(|c| c.id() == pid).expect("a client of this desktop");
        let mut child = self.clients.remove(i);
        close_xterm(&mut child);
    }

    /// Gives `window` the focus through the window manager, returning once
    /// `_NET_ACTIVE_WINDOW` (what the sensor reads) names it.
    ///
    /// `xdotool windowactivate --sync` is not enough: it waits for the input focus, and
    /// openbox sets `_NET_ACTIVE_WINDOW` a few milliseconds later; and openbox ignores the
    /// request for a window it has not managed yet, so a just-mapped window needs a retry.
    pub fn activate(&self, window: Window) {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            self.xdotool(&["windowactivate", &window.to_string()]);
            if self.wait_until_active(window, Duration::from_millis(500)) {
                return;
            }
            assert!(Instant::now() < deadline, "window {window:#x} never became active; {:#x} is", self.active());
        }
    }

    /// The window `_NET_ACTIVE_WINDOW` names (0 for none).
    pub fn active(&self) -> Window {
        let active = self.atom("_NET_ACTIVE_WINDOW");
        let reply = self.conn.get_property(false, self.root, active, AtomEnum::WINDOW, 0, 1).unwrap().reply().unwrap();
        reply.value32().and_then(|mut v| v.next()).unwrap_or(0)
    }

    fn wait_until_active(&self, window: Window, patience: Duration) -> bool {
        let deadline = Instant::now() + patience;
        while self.active() != window {
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        true
    }

    /// Sets the title the way a client renaming itself does.
    pub fn set_title(&self, window: Window, title: &str) {
        self.xdotool(&["set_window", "--name", title, &window.to_string()]);
    }

    /// Moves the pointer (XTEST input, so the server's idle counter resets). Focus changes do
    /// not count as input.
    pub fn move_mouse(&mut self) {
        self.mouse_moves += 1;
        let x = 100 + (self.mouse_moves % 2) * 50;
        self.xdotool(&["mousemove", "--sync", &x.to_string(), "100"]);
    }

    pub fn xdotool(&self, args: &[&str]) -> String {
        let mut cmd = self.command("xdotool");
        cmd.args(args);
        run(&mut cmd)
    }

    pub fn atom(&self, name: &str) -> u32 {
        self.conn.intern_atom(false, name.as_bytes()).unwrap().reply().unwrap().atom
    }

    /// A top-level window made by the test's own client, with only the given properties.
    /// Mapped, so a window manager can focus it.
    pub fn create_window(&self, props: &[(u32, u32, &[u8])]) -> Window {
        let w = self.conn.generate_id().unwrap();
        self.conn
            .create_window(0, w, self.root, 0, 0, 200, 100, 0, WindowClass::INPUT_OUTPUT, 0, &CreateWindowAux::new())
            .unwrap();
        for &(property, type_, value) in props {
            self.set_property(w, property, type_, value);
        }
        self.conn.map_window(w).unwrap();
        self.sync();
        w
    }

    /// Sets an 8-bit property (32-bit when `type_` is CARDINAL or WINDOW).
    pub fn set_property(&self, w: Window, property: u32, type_: u32, value: &[u8]) {
        if type_ == u32::from(AtomEnum::CARDINAL) || type_ == u32::from(AtomEnum::WINDOW) {
            let words: Vec<u32> =
                value.chunks(4).map(|c| u32::from_ne_bytes(c.try_into().expect("whole words"))).collect();
            self.conn.change_property32(PropMode::REPLACE, w, property, type_, &words).unwrap();
        } else {
            // x11rb switches to BIG-REQUESTS for values beyond the core 256 KiB request limit.
            self.conn.change_property8(PropMode::REPLACE, w, property, type_, value).unwrap();
        }
        self.sync();
    }

    /// Points `_NET_ACTIVE_WINDOW` at `w` (0 for none) the way a window manager would.
    pub fn set_active(&self, w: Window) {
        let active = self.atom("_NET_ACTIVE_WINDOW");
        self.set_property(self.root, active, AtomEnum::WINDOW.into(), &w.to_ne_bytes());
    }

    pub fn destroy_window(&self, w: Window) {
        self.conn.destroy_window(w).unwrap();
        self.sync();
    }

    /// Returns once the server has handled every request sent so far: a reply to a later
    /// request proves it, so another client (the sensor) sees the effects.
    fn sync(&self) {
        self.conn.get_input_focus().unwrap().reply().unwrap();
    }

    /// Kills the X server outright (SIGKILL, no goodbye to clients) and waits for it.
    ///
    /// A killed Xvfb leaves its socket file behind, which is removed so runs do not litter
    /// `/tmp/.X11-unix`. Use [`Self::bare_unshared`], whose number no other test reuses.
    pub fn kill_server(&mut self) {
        if let Some(mut xvfb) = self.xvfb.take() {
            let _ = xvfb.kill();
            let _ = xvfb.wait();
            let _ = std::fs::remove_file(format!("/tmp/.X11-unix/X{}", self.display.trim_start_matches(':')));
        }
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        for child in &mut self.clients {
            close_xterm(child);
        }
        if let Some(wm) = &mut self.wm {
            stop(wm);
        }
        if let Some(xvfb) = &mut self.xvfb {
            stop(xvfb);
        }
    }
}

/// Starts Xvfb on `display`, or on a free display it picks itself, and returns once it
/// accepts connections; `None` if it exits first (the display is taken).
fn start_xvfb(log: &Path, display: Option<u32>) -> Option<(Child, String)> {
    let mut cmd = Command::new("Xvfb");
    if let Some(n) = display {
        cmd.arg(format!(":{n}"));
    }
    // -displayfd: Xvfb writes the display number once it accepts connections (and, without a
    // display given, picks a free one), which avoids both sleeping and racing on numbers.
    let mut xvfb = cmd
        .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1024x768x24"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(File::create(log).expect("log file"))
        .spawn()
        .expect("spawn Xvfb");
    let stdout = xvfb.stdout.take().expect("Xvfb stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    match rx.recv_timeout(STEP_TIMEOUT) {
        Ok(line) if !line.trim().is_empty() => Some((xvfb, format!(":{}", line.trim()))),
        _ => {
            stop(&mut xvfb);
            None
        }
    }
}

fn require_tools() {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let missing: Vec<&str> =
        TOOLS.into_iter().filter(|tool| !std::env::split_paths(&path).any(|dir| dir.join(tool).is_file())).collect();
    assert!(
        missing.is_empty(),
        "the X11 tests need {} on PATH; missing: {}. `make test` installs them (scripts/deps.sh), \
         or: apt-get install xvfb openbox xdotool xterm",
        TOOLS.join(", "),
        missing.join(", ")
    );
}

/// SIGTERM and a moment to exit cleanly (Xvfb removes its socket and lock), then SIGKILL;
/// waits either way so nothing is left a zombie.
pub fn stop(child: &mut Child) {
    if child.try_wait().ok().flatten().is_some() {
        return;
    }
    let _ = rustix::process::kill_process(rustix::process::Pid::from_child(child), rustix::process::Signal::TERM);
    if !exits_within(child, Duration::from_secs(3)) {
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn exits_within(child: &mut Child, patience: Duration) -> bool {
    let deadline = Instant::now() + patience;
    loop {
        if child.try_wait().ok().flatten().is_some() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Runs a short command to completion and returns its stdout; panics on failure or when it
/// hangs (say, `xdotool search --sync` for a window that never appears).
pub fn run(cmd: &mut Command) -> String {
    let out = tempfile::tempfile().expect("temp file");
    let err = tempfile::tempfile().expect("temp file");
    let mut child = cmd
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let deadline = Instant::now() + STEP_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} hung for {STEP_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let read = |mut f: File| {
        use std::io::{Read, Seek};
        let mut s = String::new();
        f.rewind().unwrap();
        f.read_to_string(&mut s).unwrap();
        s
    };
    let stdout = read(out);
    assert!(status.success(), "{cmd:?} failed ({status}): {}", read(err));
    stdout
}

/// Kills the xterm's own child, which makes xterm exit; then waits for xterm, and reaps the
/// child if xterm left it to us.
fn close_xterm(xterm: &mut Child) {
    let pid = xterm.id();
    let children: Vec<rustix::process::Pid> = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|c| rustix::process::Pid::from_raw(c.parse().ok()?))
        .collect();
    for &child in &children {
        let _ = rustix::process::kill_process(child, rustix::process::Signal::KILL);
    }
    if children.is_empty() || !exits_within(xterm, Duration::from_secs(2)) {
        stop(xterm);
    }
    let me = std::process::id();
    for child in children {
        // Only a zombie whose parent is now us: never wait for a pid some other test owns.
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", child.as_raw_nonzero())).unwrap_or_default();
        let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
        if fields.first() == Some(&"Z") && fields.get(1) == Some(&me.to_string().as_str()) {
            let _ = rustix::process::waitpid(Some(child), rustix::process::WaitOptions::empty());
        }
    }
}

fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}
