//! The X11 sensor: which window is in front and how long the user has been idle, read from an
//! X server over one persistent connection. It owns the X protocol side of sensing — EWMH and
//! ICCCM window properties, the MIT-SCREEN-SAVER idle counter, the title cap, finding the
//! executable behind a window — and nothing else: no merging, no classification, and no retry
//! policy (after [`SensorError::Lost`] the caller reconnects with backoff by calling
//! [`X11Sensor::connect`] again).
//!
//! The sensor runs every second for months, so a poll is built to cost one round trip in the
//! steady state: the requests for the idle time, the active window id, and the properties of
//! the window that was active at the previous poll go out in one write. Only when the focus
//! moved does a second round trip fetch the new window's properties.

mod decode;

use super::process::Processes;
use super::{IdleKind, Sensor, SensorError, SensorInfo, SensorKind};
use crate::model::{Observation, Window};
use std::fmt;
use tracing::{debug, instrument};
use x11rb::connection::{Connection, RequestConnection};
use x11rb::cookie::Cookie;
use x11rb::errors::{ConnectionError, ReplyError};
use x11rb::protocol::screensaver::{self, ConnectionExt as _};
use x11rb::protocol::xproto::{self, AtomEnum, ConnectionExt as _, GetPropertyReply};
use x11rb::rust_connection::RustConnection;

pub(crate) use decode::cap_chars;
pub use decode::MAX_TITLE_CHARS;

// WM_CLASS and WM_NAME are predefined atoms with fixed ids (`AtomEnum`), so only the EWMH
// names and the encodings need interning; they are interned in one batch at connect.
x11rb::atom_manager! {
    Atoms: AtomsCookie {
        _NET_ACTIVE_WINDOW,
        _NET_WM_NAME,
        _NET_WM_PID,
        UTF8_STRING,
        COMPOUND_TEXT,
    }
}

/// How much of a title to ask for, in the 32-bit units `GetProperty` counts in: 4 KiB holds
/// [`MAX_TITLE_CHARS`] characters of any script, and a page that sets a megabyte title costs
/// no more than a short one.
const TITLE_WORDS: u32 = 1024;
/// WM_CLASS and WM_CLIENT_MACHINE are short names; 256 bytes is plenty.
const NAME_WORDS: u32 = 64;
/// How often (in polls) the event queue is emptied. The sensor selects no events and
/// discards the errors of requests it abandons, so the queue should stay empty; emptying it
/// now and then bounds what anything unforeseen could pile up over months.
const DRAIN_EVENTS_EVERY: u32 = 60;

/// A live connection to one X display.
pub struct X11Sensor {
    conn: RustConnection,
    /// The display as given (or `$DISPLAY`), for error messages.
    display: String,
    root: xproto::Window,
    atoms: Atoms,
    /// The window in front at the previous poll. Its properties are requested speculatively
    /// with the active window id, which saves a round trip whenever the focus stayed put.
    last_active: Option<xproto::Window>,
    processes: Processes<xproto::Window>,
    /// Set once the connection broke: a dead connection answers every later poll the same.
    lost: Option<String>,
    polls: u32,
    dropped_events: u64,
}

impl fmt::Debug for X11Sensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("X11Sensor")
            .field("display", &self.display)
            .field("root", &self.root)
            .field("lost", &self.lost)
            .finish_non_exhaustive()
    }
}

impl X11Sensor {
    /// Connects to `display` (such as `":0"`), or to `$DISPLAY` when `None`.
    ///
    /// Fails with [`SensorError::Unavailable`] when the display cannot be reached or lacks the
    /// MIT-SCREEN-SAVER extension that reports idle time.
    #[instrument(level = "debug", skip_all, err(Display, level = "debug"))]
    pub fn connect(display: Option<&str>) -> Result<Self, SensorError> {
        let name = match display {
            Some(d) => d.to_owned(),
            None => std::env::var("DISPLAY").unwrap_or_default(),
        };
        if name.is_empty() {
            return Err(SensorError::Unavailable("DISPLAY is not set, so there is no X display to watch".into()));
        }
        let unavailable = |why: &dyn fmt::Display| {
            SensorError::Unavailable(format!("cannot connect to X display {name:?} (DISPLAY): {why}"))
        };
        let (conn, screen) = RustConnection::connect(Some(&name)).map_err(|e| unavailable(&e))?;
        let root = conn.setup().roots[screen].root;

        // The extension query and the atoms travel together: one round trip.
        conn.prefetch_extension_information(screensaver::X11_EXTENSION_NAME).map_err(|e| unavailable(&e))?;
        let atoms = Atoms::new(&conn).map_err(|e| unavailable(&e))?.reply().map_err(|e| unavailable(&e))?;
        let saver = conn.extension_information(screensaver::X11_EXTENSION_NAME).map_err(|e| unavailable(&e))?;
        if saver.is_none() {
            return Err(unavailable(&"the server lacks the MIT-SCREEN-SAVER extension that reports idle time"));
        }

        Ok(X11Sensor {
            conn,
            display: name,
            root,
            atoms,
            last_active: None,
            processes: Processes::new(),
            lost: None,
            polls: 0,
            dropped_events: 0,
        })
    }

    /// How many stray X events (errors of abandoned requests, mostly) the periodic drain has
    /// thrown away. Zero in a correct sensor; tests hold it to that.
    pub fn dropped_events(&self) -> u64 {
        self.dropped_events
    }

    fn poll(&mut self) -> Result<Observation, SensorError> {
        let conn = &self.conn;
        let idle = conn.screensaver_query_info(self.root).map_err(|e| self.broke(&e))?;
        let active = conn
            .get_property(false, self.root, self.atoms._NET_ACTIVE_WINDOW, AtomEnum::WINDOW, 0, 1)
            .map_err(|e| self.broke(&e))?;
        let guess = match self.last_active {
            Some(w) => Some((w, WindowCookies::send(conn, &self.atoms, w).map_err(|e| self.broke(&e))?)),
            None => None,
        };

        // The first reply flushes all of the above in one write.
        let idle_ms = idle.reply().map_err(|e| self.broke_root(e))?.ms_since_user_input;
        let active = active_window(&active.reply().map_err(|e| self.broke_root(e))?);
        self.last_active = active;

        let props = match (active, guess) {
            (Some(w), Some((guessed, cookies))) if guessed == w => cookies.replies(w),
            (active, guess) => {
                if let Some((_, cookies)) = guess {
                    cookies.discard();
                }
                match active {
                    Some(w) => WindowCookies::send(conn, &self.atoms, w).map_err(|e| self.broke(&e))?.replies(w),
                    None => Ok(None),
                }
            }
        }
        .map_err(|e| self.broke(&e))?;

        let window = match (active, props) {
            (Some(w), Some(props)) => Some(self.window(w, props)),
            _ => None,
        };

        self.polls = self.polls.wrapping_add(1);
        if self.polls.is_multiple_of(DRAIN_EVENTS_EVERY) {
            while let Some(event) = self.conn.poll_for_event().map_err(|e| self.broke(&e))? {
                debug!(?event, "dropped an X event nobody asked for");
                self.dropped_events += 1;
            }
        }
        Ok(Observation { window, idle_ms: u64::from(idle_ms) })
    }

    fn window(&mut self, id: xproto::Window, props: WindowProperties) -> Window {
        let encodings =
            decode::Encodings { utf8_string: self.atoms.UTF8_STRING, compound_text: self.atoms.COMPOUND_TEXT };
        let title = decode::title(&props[NET_WM_NAME], &props[WM_NAME], encodings);
        let app = decode::class(&props[WM_CLASS]);
        // A pid from another machine (a window forwarded over `ssh -X`) names some unrelated
        // local process, so it is dropped rather than resolved to a wrong executable.
        let machine = decode::machine(&props[WM_CLIENT_MACHINE]);
        let pid = decode::cardinal(&props[NET_WM_PID]).filter(|_| self.processes.is_local(machine.as_deref()));
        let exe = pid.and_then(|pid| self.processes.exe(id, pid));
        Window { app, exe, title, url: None, pid }
    }

    fn broke(&self, e: &ConnectionError) -> SensorError {
        SensorError::Lost(format!("X display {:?}: {e}", self.display))
    }

    /// The root window always exists, so an X error about it means the server is not the one
    /// we think it is; reconnecting is the only sensible recovery.
    fn broke_root(&self, e: ReplyError) -> SensorError {
        match e {
            ReplyError::ConnectionError(e) => self.broke(&e),
            ReplyError::X11Error(e) => SensorError::Lost(format!(
                "X display {:?} answered a query about the root window with {:?}",
                self.display, e.error_kind
            )),
        }
    }
}

impl Sensor for X11Sensor {
    #[instrument(level = "trace", skip_all, err(Display, level = "debug"))]
    fn observe(&mut self) -> Result<Observation, SensorError> {
        if let Some(why) = &self.lost {
            return Err(SensorError::Lost(why.clone()));
        }
        let result = self.poll();
        if let Err(SensorError::Lost(why)) = &result {
            self.lost = Some(why.clone());
        }
        result
    }

    fn info(&self) -> Option<SensorInfo> {
        Some(SensorInfo {
            kind: SensorKind::X11,
            detail: format!("X display {}", self.display),
            idle: IdleKind::X11Screensaver,
        })
    }
}

/// `_NET_ACTIVE_WINDOW` is absent without an EWMH window manager and `None` (0) when nothing
/// has the focus; both mean no window.
fn active_window(reply: &GetPropertyReply) -> Option<xproto::Window> {
    decode::cardinal(reply).filter(|&w| w != x11rb::NONE)
}

/// The properties read from each window, in the order [`WindowCookies`] holds them.
const NET_WM_NAME: usize = 0;
const WM_NAME: usize = 1;
const WM_CLASS: usize = 2;
const NET_WM_PID: usize = 3;
const WM_CLIENT_MACHINE: usize = 4;

/// The property requests for one window, sent together so their replies share a round trip.
///
/// A cookie that is merely dropped discards its reply but turns an X error into an event,
/// and events nobody reads pile up for the life of the connection. Every cookie here is
/// therefore consumed or discarded with its errors: a wrong guess, or a window that
/// vanished, costs nothing later.
struct WindowCookies<'c>([Cookie<'c, RustConnection, GetPropertyReply>; 5]);

type WindowProperties = [GetPropertyReply; 5];

impl<'c> WindowCookies<'c> {
    fn send(conn: &'c RustConnection, atoms: &Atoms, w: xproto::Window) -> Result<Self, ConnectionError> {
        let get = |property: u32, type_: u32, words: u32| conn.get_property(false, w, property, type_, 0, words);
        let any = u32::from(AtomEnum::ANY);
        Ok(WindowCookies([
            get(atoms._NET_WM_NAME, atoms.UTF8_STRING, TITLE_WORDS)?,
            // WM_NAME may be STRING or COMPOUND_TEXT; take whichever it is.
            get(AtomEnum::WM_NAME.into(), any, TITLE_WORDS)?,
            get(AtomEnum::WM_CLASS.into(), AtomEnum::STRING.into(), NAME_WORDS)?,
            get(atoms._NET_WM_PID, AtomEnum::CARDINAL.into(), 1)?,
            get(AtomEnum::WM_CLIENT_MACHINE.into(), any, NAME_WORDS)?,
        ]))
    }

    /// `Ok(None)` when the window is gone: `_NET_ACTIVE_WINDOW` can name a window destroyed
    /// a moment ago (the window manager has not caught up), and the server answers BadWindow.
    fn replies(self, w: xproto::Window) -> Result<Option<WindowProperties>, ConnectionError> {
        let mut replies = Vec::with_capacity(5);
        let mut cookies = self.0.into_iter();
        for cookie in cookies.by_ref() {
            match cookie.reply() {
                Ok(reply) => replies.push(reply),
                Err(ReplyError::X11Error(e)) => {
                    debug!(window = w, error = ?e.error_kind, "active window vanished while polled");
                    cookies.for_each(Cookie::discard_reply_and_errors);
                    return Ok(None);
                }
                Err(ReplyError::ConnectionError(e)) => return Err(e),
            }
        }
        Ok(Some(replies.try_into().expect("one reply per cookie")))
    }

    fn discard(self) {
        self.0.into_iter().for_each(Cookie::discard_reply_and_errors);
    }
}
