//! The foreign-toplevel state machine, without any I/O: which toplevel has the focus, and
//! its title and app id, from the events of one `zwlr_foreign_toplevel_manager_v1`.
//!
//! The protocol sends every window's title and app id to every client that binds it. Mast
//! needs only the focused window's, so the others are dropped at the `done` that ends the
//! batch they came in: an unfocused toplevel is held as a bare key. The price is that when
//! the focus moves to such a toplevel, its title and app id are no longer known (the
//! compositor sends them again only when they change); [`Done::NeedsRefresh`] then tells the
//! caller to bind the manager afresh, which makes the compositor describe every toplevel
//! again. While a fresh manager is being filled ([`Toplevels::filling`]) everything is kept,
//! for the moment of one round trip, and pruned when it ends ([`Toplevels::filled`]).
//!
//! ```text
//!   events:  title app_id state(activated) done   state() done   state(activated) done
//!   window:  ───────── pending ─────────── known   forgotten       NeedsRefresh
//! ```

use crate::sensor::x11::{cap_chars, MAX_TITLE_CHARS};
use std::collections::HashMap;
use std::hash::Hash;

/// One toplevel event, as the state machine needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Event {
    Title(String),
    AppId(String),
    /// The `state` array reduced to the one entry that matters.
    Activated(bool),
    Done,
    Closed,
}

/// What a `done` or `closed` changed, for the caller to act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Done {
    /// Nothing the sensor reports changed.
    Unchanged,
    /// The focused window, its title or its app id changed, and all of it is known.
    Changed,
    /// The focus moved to a toplevel whose title and app id were dropped.
    NeedsRefresh,
}

/// The focused window as the protocol describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Described {
    pub app_id: String,
    pub title: String,
}

#[derive(Debug, Default)]
struct Pending {
    title: Option<String>,
    app_id: Option<String>,
    activated: Option<bool>,
}

#[derive(Debug)]
struct Toplevel {
    pending: Pending,
    activated: bool,
    /// `None` once dropped: the toplevel lost (or never had) the focus.
    known: Option<Described>,
}

/// The toplevels of one manager binding, keyed by their protocol object.
#[derive(Debug)]
pub(super) struct Toplevels<K> {
    toplevels: HashMap<K, Toplevel>,
    focused: Option<K>,
    /// While set, unfocused toplevels keep what they said: see the module docs.
    filling: bool,
}

impl<K: Hash + Eq + Clone> Toplevels<K> {
    /// The state of a manager just bound: it is about to describe every toplevel.
    pub(super) fn filling() -> Self {
        Toplevels { toplevels: HashMap::new(), focused: None, filling: true }
    }

    /// A toplevel the manager announced. Its description follows, so it starts out known.
    pub(super) fn add(&mut self, key: K) {
        let toplevel = Toplevel { pending: Pending::default(), activated: false, known: Some(Described::default()) };
        self.toplevels.insert(key, toplevel);
    }

    pub(super) fn apply(&mut self, key: &K, event: Event) -> Done {
        let Some(toplevel) = self.toplevels.get_mut(key) else {
            return Done::Unchanged;
        };
        match event {
            Event::Title(title) => toplevel.pending.title = Some(cap_chars(title, MAX_TITLE_CHARS)),
            Event::AppId(app_id) => toplevel.pending.app_id = Some(app_id),
            Event::Activated(activated) => toplevel.pending.activated = Some(activated),
            Event::Done => return self.done(key),
            Event::Closed => {
                self.toplevels.remove(key);
                if self.focused.as_ref() == Some(key) {
                    self.focused = self.first_activated();
                    return self.focus_outcome();
                }
            }
        }
        Done::Unchanged
    }

    fn done(&mut self, key: &K) -> Done {
        let filling = self.filling;
        let Some(toplevel) = self.toplevels.get_mut(key) else {
            return Done::Unchanged;
        };
        let pending = std::mem::take(&mut toplevel.pending);
        let was_activated = toplevel.activated;
        toplevel.activated = pending.activated.unwrap_or(toplevel.activated);
        let mut described = false;
        if let Some(known) = &mut toplevel.known {
            if let Some(title) = pending.title {
                described |= known.title != title;
                known.title = title;
            }
            if let Some(app_id) = pending.app_id {
                described |= known.app_id != app_id;
                known.app_id = app_id;
            }
        }
        if !toplevel.activated && !filling {
            toplevel.known = None;
        }

        let is_focused = self.focused.as_ref() == Some(key);
        let activated = self.toplevels.get(key).is_some_and(|t| t.activated);
        if activated && (!was_activated || !is_focused) {
            self.focused = Some(key.clone());
            self.focus_outcome()
        } else if !activated && is_focused {
            self.focused = self.first_activated();
            self.focus_outcome()
        } else if is_focused && described {
            Done::Changed
        } else {
            Done::Unchanged
        }
    }

    fn focus_outcome(&self) -> Done {
        match &self.focused {
            Some(key) if self.toplevels.get(key).is_some_and(|t| t.known.is_none()) => Done::NeedsRefresh,
            _ => Done::Changed,
        }
    }

    /// Another toplevel still marked activated (a compositor with several seats); any one.
    fn first_activated(&self) -> Option<K> {
        self.toplevels.iter().find(|(_, t)| t.activated).map(|(k, _)| k.clone())
    }

    /// The fresh manager has described every toplevel: from now on only the focused one's
    /// description is kept.
    pub(super) fn filled(&mut self) {
        self.filling = false;
        for toplevel in self.toplevels.values_mut() {
            if !toplevel.activated {
                toplevel.known = None;
            }
        }
    }

    pub(super) fn is_filling(&self) -> bool {
        self.filling
    }

    /// The focused toplevel and its description; `Err(())` when the focus is on a toplevel
    /// whose description was dropped (a refresh is due).
    #[allow(clippy::result_unit_err)]
    pub(super) fn focused(&self) -> Result<Option<(&K, &Described)>, ()> {
        match &self.focused {
            None => Ok(None),
            Some(key) => match self.toplevels.get(key).and_then(|t| t.known.as_ref()) {
                Some(described) => Ok(Some((key, described))),
                None => Err(()),
            },
        }
    }

    /// How many toplevels still hold a title or app id: one at most once filled.
    #[cfg(test)]
    fn described(&self) -> usize {
        self.toplevels.values().filter(|t| t.known.is_some()).count()
    }

    #[cfg(test)]
    fn keys(&self) -> impl Iterator<Item = &K> {
        self.toplevels.keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(t: &mut Toplevels<u32>, key: u32, app: &str, title: &str, activated: bool) -> Done {
        t.add(key);
        t.apply(&key, Event::Title(title.into()));
        t.apply(&key, Event::AppId(app.into()));
        t.apply(&key, Event::Activated(activated));
        t.apply(&key, Event::Done)
    }

    fn focused(t: &Toplevels<u32>) -> Option<(u32, String, String)> {
        t.focused().unwrap().map(|(k, d)| (*k, d.app_id.clone(), d.title.clone()))
    }

    /// A fresh binding: three windows, the second focused. Once filled only its
    /// description is held.
    fn three_windows() -> Toplevels<u32> {
        let mut t = Toplevels::filling();
        assert_eq!(describe(&mut t, 1, "foot", "one", false), Done::Unchanged);
        assert_eq!(describe(&mut t, 2, "firefox", "two", true), Done::Changed);
        assert_eq!(describe(&mut t, 3, "foot", "three", false), Done::Unchanged);
        assert_eq!(t.described(), 3);
        t.filled();
        assert_eq!(t.described(), 1);
        t
    }

    #[test]
    fn only_the_focused_toplevel_keeps_its_description() {
        let t = three_windows();
        assert_eq!(focused(&t), Some((2, "firefox".into(), "two".into())));
        assert!(!t.is_filling());
    }

    #[test]
    fn state_applies_at_done_not_before() {
        let mut t = three_windows();
        assert_eq!(t.apply(&2, Event::Title("renamed".into())), Done::Unchanged);
        assert_eq!(focused(&t).unwrap().2, "two");
        assert_eq!(t.apply(&2, Event::Done), Done::Changed);
        assert_eq!(focused(&t).unwrap().2, "renamed");
        // The same title again changes nothing.
        t.apply(&2, Event::Title("renamed".into()));
        assert_eq!(t.apply(&2, Event::Done), Done::Unchanged);
    }

    #[test]
    fn an_unfocused_title_change_is_dropped_at_its_done() {
        let mut t = three_windows();
        t.apply(&1, Event::Title("secret".into()));
        assert_eq!(t.apply(&1, Event::Done), Done::Unchanged);
        assert_eq!(t.described(), 1);
        assert_eq!(focused(&t).unwrap().2, "two");
    }

    #[test]
    fn focus_moving_to_a_forgotten_toplevel_asks_for_a_refresh() {
        let mut t = three_windows();
        // Compositors deactivate the old window and activate the new one, in either order.
        t.apply(&2, Event::Activated(false));
        assert_eq!(t.apply(&2, Event::Done), Done::Changed);
        assert_eq!(focused(&t), None);
        assert_eq!(t.described(), 0);
        t.apply(&3, Event::Activated(true));
        assert_eq!(t.apply(&3, Event::Done), Done::NeedsRefresh);
        assert!(t.focused().is_err());
    }

    #[test]
    fn activation_before_deactivation_moves_the_focus() {
        let mut t = three_windows();
        t.apply(&1, Event::Activated(true));
        assert_eq!(t.apply(&1, Event::Done), Done::NeedsRefresh);
        t.apply(&2, Event::Activated(false));
        // The focus already moved on; window 2 losing it changes nothing more.
        assert_eq!(t.apply(&2, Event::Done), Done::Unchanged);
        assert!(t.focused().is_err());
        assert_eq!(t.described(), 0);
    }

    #[test]
    fn a_new_window_that_takes_the_focus_is_described_by_its_own_events() {
        let mut t = three_windows();
        t.apply(&2, Event::Activated(false));
        t.apply(&2, Event::Done);
        assert_eq!(describe(&mut t, 4, "chromium", "new", true), Done::Changed);
        assert_eq!(focused(&t), Some((4, "chromium".into(), "new".into())));
        assert_eq!(t.described(), 1);
    }

    #[test]
    fn closing_the_focused_toplevel_leaves_no_focus() {
        let mut t = three_windows();
        assert_eq!(t.apply(&1, Event::Closed), Done::Unchanged);
        assert_eq!(t.apply(&2, Event::Closed), Done::Changed);
        assert_eq!(focused(&t), None);
        assert_eq!(t.keys().copied().collect::<Vec<_>>(), vec![3]);
        // Events for a closed toplevel are ignored.
        assert_eq!(t.apply(&2, Event::Done), Done::Unchanged);
    }

    #[test]
    fn titles_are_capped() {
        let mut t = Toplevels::filling();
        describe(&mut t, 1, "foot", &"é".repeat(MAX_TITLE_CHARS + 10), true);
        t.filled();
        assert_eq!(focused(&t).unwrap().2.chars().count(), MAX_TITLE_CHARS);
    }

    #[test]
    fn a_refresh_while_filling_keeps_a_focus_change_made_meanwhile() {
        let mut t = Toplevels::filling();
        describe(&mut t, 1, "foot", "one", true);
        describe(&mut t, 2, "foot", "two", false);
        // The user switched while the fresh binding was being described.
        t.apply(&1, Event::Activated(false));
        t.apply(&1, Event::Done);
        t.apply(&2, Event::Activated(true));
        assert_eq!(t.apply(&2, Event::Done), Done::Changed);
        t.filled();
        assert_eq!(focused(&t), Some((2, "foot".into(), "two".into())));
        assert_eq!(t.described(), 1);
    }
}
