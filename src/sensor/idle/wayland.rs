//! Idle time on Wayland: `ext-idle-notify-v1` where the compositor offers it (wlroots 0.17+,
//! KWin 5.27+), else `org_kde_kwin_idle` (sway 1.7, older KWin). Both push "idle" after a
//! timeout and "resumed" at the next input; the source asks for the user's AFK threshold,
//! reads its own connection on its own thread, and timestamps each event as it arrives
//! there ([`super::notified`] turns that into the idle time).
//!
//! `ext-idle-notify-v1` version 2 adds `get_input_idle_notification`, which ignores idle
//! inhibitors (a video player keeping the screen on), as X11's counter does: Mast wants
//! input, not screen-blanking policy, so it is taken when offered. The other two requests
//! honour inhibitors, so with them a playing video keeps the user present.

use super::notified::Notified;
use crate::sensor::wlroots::{StopOnDrop, WaylandDisplay};
use crate::sensor::{IdleKind, IdleSource, SensorError, SensorOptions, Waker};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tracing::instrument;
use wayland_client::globals::{registry_queue_init, GlobalListContents};
use wayland_client::protocol::{wl_registry, wl_seat};
use wayland_client::{Connection, Dispatch, EventQueue, Proxy, QueueHandle};
use wayland_protocols::ext::idle_notify::v1::client::{ext_idle_notification_v1, ext_idle_notifier_v1};
use wayland_protocols_plasma::idle::client::{org_kde_kwin_idle, org_kde_kwin_idle_timeout};

#[derive(Debug, Default)]
struct Shared {
    notified: Option<Notified>,
    lost: Option<String>,
}

type SharedState = Arc<Mutex<Shared>>;

fn lock(shared: &SharedState) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// Idle time from a Wayland compositor's idle protocol.
pub struct WaylandIdle {
    shared: SharedState,
    kind: IdleKind,
    input_only: bool,
    _stop: StopOnDrop,
}

impl fmt::Debug for WaylandIdle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaylandIdle").field("kind", &self.kind).field("input_only", &self.input_only).finish()
    }
}

impl WaylandIdle {
    /// Connects to this session's compositor (`WAYLAND_DISPLAY`).
    pub fn connect(opts: &SensorOptions) -> Result<WaylandIdle, SensorError> {
        WaylandIdle::connect_to(&WaylandDisplay::from_env()?, opts)
    }

    /// Connects to the compositor at `display` and asks to hear of idleness after
    /// `opts.afk_threshold_ms` (at least a second).
    ///
    /// [`SensorError::Unavailable`] when nothing answers or there is no seat;
    /// [`SensorError::NeedsSetup`] when the compositor offers neither idle protocol.
    #[instrument(level = "debug", skip_all, err(Display, level = "debug"))]
    pub fn connect_to(display: &WaylandDisplay, opts: &SensorOptions) -> Result<WaylandIdle, SensorError> {
        let conn = display.connect()?;
        let at = display.path().display().to_string();
        let unavailable = |e: &dyn fmt::Display| {
            SensorError::Unavailable(format!("the Wayland compositor at {at} did not answer: {e}"))
        };
        let (globals, mut queue) = registry_queue_init::<IdleWatch>(&conn).map_err(|e| unavailable(&e))?;
        let qh = queue.handle();
        let notified = Notified::new(opts.afk_threshold_ms);
        let timeout = notified.timeout_ms();
        let seat: wl_seat::WlSeat = globals.bind(&qh, 1..=1, ()).map_err(|_| {
            SensorError::Unavailable(format!(
                "the Wayland compositor at {at} has no seat (keyboard and pointer), so it cannot say when they are idle"
            ))
        })?;

        let (kind, input_only) =
            if let Ok(notifier) = globals.bind::<ext_idle_notifier_v1::ExtIdleNotifierV1, _, _>(&qh, 1..=2, ()) {
                let input_only = notifier.version() >= 2;
                if input_only {
                    notifier.get_input_idle_notification(timeout, &seat, &qh, ());
                } else {
                    notifier.get_idle_notification(timeout, &seat, &qh, ());
                }
                (IdleKind::ExtIdleNotify, input_only)
            } else if let Ok(idle) = globals.bind::<org_kde_kwin_idle::OrgKdeKwinIdle, _, _>(&qh, 1..=1, ()) {
                idle.get_idle_timeout(&seat, timeout, &qh, ());
                (IdleKind::KdeKwinIdle, false)
            } else {
                return Err(SensorError::NeedsSetup {
                    problem: "this Wayland compositor does not report idle time (it offers neither \
                          ext-idle-notify-v1 nor org_kde_kwin_idle)"
                        .into(),
                    fix: "sway, Hyprland, labwc, wayfire, river, niri and KDE Plasma offer one; on GNOME, \
                      Mast asks Mutter's IdleMonitor instead"
                        .into(),
                });
            };

        let shared = SharedState::default();
        lock(&shared).notified = Some(notified);
        let mut watch = IdleWatch { shared: shared.clone(), waker: opts.waker.clone() };
        // A compositor that rejects the request says so now, not at the first poll.
        queue.roundtrip(&mut watch).map_err(|e| unavailable(&e))?;
        let (stop, flag) = StopOnDrop::new(conn);
        std::thread::Builder::new()
            .name("mast-wayland-idle".into())
            .spawn(move || watch.run(queue, &flag))
            .map_err(|e| unavailable(&e))?;
        Ok(WaylandIdle { shared, kind, input_only, _stop: stop })
    }

    /// Whether idle inhibitors (a video player keeping the screen on) are ignored, so that
    /// only input counts: `ext-idle-notify-v1` version 2.
    pub fn ignores_inhibitors(&self) -> bool {
        self.input_only
    }
}

impl IdleSource for WaylandIdle {
    fn idle_ms(&mut self) -> Result<u64, SensorError> {
        let shared = lock(&self.shared);
        if let Some(why) = &shared.lost {
            return Err(SensorError::Lost(why.clone()));
        }
        Ok(shared.notified.map_or(0, |n| n.idle_ms(Instant::now())))
    }

    fn kind(&self) -> IdleKind {
        self.kind
    }
}

/// The reading thread's state.
struct IdleWatch {
    shared: SharedState,
    waker: Waker,
}

impl IdleWatch {
    fn run(mut self, mut queue: EventQueue<IdleWatch>, stop: &AtomicBool) {
        let why = loop {
            if let Err(e) = queue.blocking_dispatch(&mut self) {
                break format!("the Wayland compositor stopped answering (idle): {e}");
            }
            if stop.load(Ordering::SeqCst) {
                return;
            }
        };
        tracing::debug!(why = %why, "Wayland idle source ended");
        lock(&self.shared).lost = Some(why);
        self.waker.wake();
    }

    fn idled(&mut self) {
        let at = Instant::now();
        if let Some(n) = &mut lock(&self.shared).notified {
            n.idled(at);
        }
        self.waker.wake();
    }

    fn resumed(&mut self) {
        if let Some(n) = &mut lock(&self.shared).notified {
            n.resumed();
        }
        self.waker.wake();
    }
}

impl Dispatch<ext_idle_notification_v1::ExtIdleNotificationV1, ()> for IdleWatch {
    fn event(
        watch: &mut Self,
        _: &ext_idle_notification_v1::ExtIdleNotificationV1,
        event: ext_idle_notification_v1::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        match event {
            ext_idle_notification_v1::Event::Idled => watch.idled(),
            ext_idle_notification_v1::Event::Resumed => watch.resumed(),
            _ => {}
        }
    }
}

impl Dispatch<org_kde_kwin_idle_timeout::OrgKdeKwinIdleTimeout, ()> for IdleWatch {
    fn event(
        watch: &mut Self,
        _: &org_kde_kwin_idle_timeout::OrgKdeKwinIdleTimeout,
        event: org_kde_kwin_idle_timeout::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        match event {
            org_kde_kwin_idle_timeout::Event::Idle => watch.idled(),
            org_kde_kwin_idle_timeout::Event::Resumed => watch.resumed(),
            _ => {}
        }
    }
}

/// Objects whose events carry nothing the source needs (the registry's later changes, the
/// seat's capabilities and name, the notifier factories, which have none).
macro_rules! ignore_events {
    ($($iface:ty: $udata:ty),* $(,)?) => {$(
        impl Dispatch<$iface, $udata> for IdleWatch {
            fn event(_: &mut Self, _: &$iface, _: <$iface as Proxy>::Event, _: &$udata, _: &Connection, _: &QueueHandle<Self>) {}
        }
    )*};
}

ignore_events!(
    wl_registry::WlRegistry: GlobalListContents,
    wl_seat::WlSeat: (),
    ext_idle_notifier_v1::ExtIdleNotifierV1: (),
    org_kde_kwin_idle::OrgKdeKwinIdle: (),
);
