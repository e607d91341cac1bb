//! What the script tells Mast: the object it calls on the bus, and the one report kept.
//!
//! The script sends strings only (see `desktop/kwin/contents/code/main.js` for why); this
//! turns them into a [`Window`]: the resource class is the app (KWin sets it to the Wayland
//! app id, or to the X11 WM_CLASS class), the caption the title, capped like X11's, and the
//! pid leads to the executable's file name. Only the latest report is kept, as privacy asks.

use crate::model::Window;
use crate::sensor::x11::MAX_TITLE_CHARS;
use crate::sensor::{SensorError, Waker};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tracing::warn;
use zbus::message::Header;
use zbus::names::OwnedUniqueName;

/// The state the bus thread writes and [`super::KwinFocus`] reads.
#[derive(Default)]
pub(super) struct Shared {
    state: Mutex<State>,
    reported: Condvar,
}

#[derive(Default)]
struct State {
    /// Whether any report arrived yet: before the first one, `window` means nothing.
    reported: bool,
    window: Option<Window>,
    /// Set when KWin or the bus went away: the script died with it, and the reports stopped.
    lost: Option<String>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves only a window or a flag behind, both whole.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn current(&self) -> Result<Option<Window>, SensorError> {
        let state = self.lock();
        match &state.lost {
            Some(why) => Err(SensorError::Lost(why.clone())),
            None => Ok(state.window.clone()),
        }
    }

    pub(super) fn set(&self, window: Option<Window>) {
        let mut state = self.lock();
        state.window = window;
        state.reported = true;
        self.reported.notify_all();
    }

    pub(super) fn set_lost(&self, why: String) {
        let mut state = self.lock();
        state.window = None;
        state.lost = Some(why);
    }

    /// Waits up to `timeout` for the script's first report; whether it came.
    pub(super) fn wait_for_first_report(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        while !state.reported {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = match self.reported.wait_timeout(state, left) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        true
    }
}

/// The object the script calls, served at [`super::OBJECT_PATH`].
pub(super) struct Receiver {
    pub shared: std::sync::Arc<Shared>,
    pub waker: Waker,
    /// KWin's unique name on the bus: only its calls count. Any program of the user's can call
    /// a session-bus name, and a stray or hostile one must not be able to invent the focus.
    pub kwin: OwnedUniqueName,
}

impl Receiver {
    fn check_sender(&self, header: &Header<'_>) -> zbus::fdo::Result<()> {
        match header.sender() {
            Some(sender) if *sender == self.kwin => Ok(()),
            _ => {
                warn!("ignored a focus report that did not come from KWin");
                Err(zbus::fdo::Error::AccessDenied("only KWin reports the active window".into()))
            }
        }
    }

    fn report(&self, window: Option<Window>) {
        self.shared.set(window);
        self.waker.wake();
    }
}

#[zbus::interface(name = "app.mast.KWin")]
impl Receiver {
    /// Version 1 of "this window is active now". All strings; `pid` in decimal, "" if unknown.
    #[zbus(name = "ActiveWindowV1")]
    fn active_window_v1(
        &self,
        #[zbus(header)] header: Header<'_>,
        caption: String,
        resource_class: String,
        resource_name: String,
        desktop_file_name: String,
        pid: String,
    ) -> zbus::fdo::Result<()> {
        self.check_sender(&header)?;
        self.report(Some(window(caption, resource_class, resource_name, desktop_file_name, &pid)));
        Ok(())
    }

    /// Version 1 of "no window is active" (an empty desktop, the last window closed).
    #[zbus(name = "NoActiveWindowV1")]
    fn no_active_window_v1(&self, #[zbus(header)] header: Header<'_>) -> zbus::fdo::Result<()> {
        self.check_sender(&header)?;
        self.report(None);
        Ok(())
    }
}

/// A report as a [`Window`].
fn window(caption: String, resource_class: String, resource_name: String, desktop_file: String, pid: &str) -> Window {
    // The resource class is what rules match (the Wayland app id, the X11 class). A client
    // that sets none still has a desktop file name or, at worst, KWin's resource name (the
    // process name).
    let app = [resource_class, desktop_file, resource_name].into_iter().find(|s| !s.is_empty()).unwrap_or_default();
    let pid = pid.trim().parse::<u32>().ok().filter(|&p| p > 0);
    // A report comes once per focus change, so the executable is read afresh, without a cache.
    Window {
        app,
        exe: pid.and_then(crate::sensor::process::exe_name),
        title: crate::sensor::x11::cap_chars(caption, MAX_TITLE_CHARS),
        url: None,
        pid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(class: &str, desktop: &str, name: &str, pid: &str) -> Window {
        window("t".into(), class.into(), name.into(), desktop.into(), pid)
    }

    #[test]
    fn app_is_the_resource_class_then_the_desktop_file_then_the_name() {
        assert_eq!(w("org.kde.kate", "kate-desktop", "kate", "").app, "org.kde.kate");
        assert_eq!(w("", "firefox-esr", "firefox", "").app, "firefox-esr");
        assert_eq!(w("", "", "xterm", "").app, "xterm");
        assert_eq!(w("", "", "", "").app, "");
    }

    #[test]
    fn pid_and_executable() {
        let me = w("a", "", "", &std::process::id().to_string());
        assert_eq!(me.pid, Some(std::process::id()));
        let exe = std::env::current_exe().unwrap();
        assert_eq!(me.exe.as_deref(), exe.file_name().and_then(|n| n.to_str()));
        for bad in ["", "0", "-4", "12x", "99999999999"] {
            let x = w("a", "", "", bad);
            assert_eq!((x.pid, x.exe), (None, None), "pid {bad:?}");
        }
        // A pid no process has: known, but no executable.
        let gone = w("a", "", "", &u32::MAX.to_string());
        assert_eq!((gone.pid, gone.exe), (Some(u32::MAX), None));
    }

    #[test]
    fn titles_are_capped_on_a_character_boundary() {
        let long = "ж".repeat(MAX_TITLE_CHARS + 5);
        let x = window(long, "a".into(), String::new(), String::new(), "");
        assert_eq!(x.title.chars().count(), MAX_TITLE_CHARS);
        assert!(x.title.chars().all(|c| c == 'ж'));
    }

    #[test]
    fn the_first_report_is_waited_for_and_loss_is_reported() {
        let shared = Shared::default();
        assert!(!shared.wait_for_first_report(Duration::from_millis(10)));
        assert_eq!(shared.current().unwrap(), None);
        shared.set(Some(w("a", "", "", "")));
        assert!(shared.wait_for_first_report(Duration::ZERO));
        assert_eq!(shared.current().unwrap().map(|w| w.app), Some("a".into()));
        shared.set_lost("KWin left".into());
        assert!(matches!(shared.current(), Err(SensorError::Lost(why)) if why == "KWin left"));
    }
}
