//! What the app holds while it runs: where it reads (the user's data, or the demo), the
//! settings and rules, a reader connection to the store, and the tracker.

use crate::tracking::Tracking;
use mast::classify::Rules;
use mast::paths::Paths;
use mast::settings::Settings;
use mast::store::{Classifier, Store};
use mast::track::session::load_rules;
use mast::views::Now;
use std::sync::{Mutex, MutexGuard};

pub struct AppState {
    data: Mutex<Data>,
    pub tracking: Tracking,
}

/// The data the app reads: the user's own, or the demo's (switched at any time with
/// `load_demo` and `show_own_data`).
pub struct Data {
    pub paths: Paths,
    /// The user's own directories, whichever is shown.
    pub own: Paths,
    pub settings: Settings,
    pub rules: Rules,
    /// The demo is shown (from `--demo`, or loaded because the user's store was empty).
    pub demo: bool,
    store: Option<Store>,
}

impl AppState {
    /// Loads settings and rules from the directories shown: the user's own `own`, or their
    /// demo's when `demo`. The user's own directories are tracked unless the app was
    /// started on the demo.
    pub fn load(own: Paths, demo: bool) -> mast::Result<AppState> {
        let paths = if demo { own.demo() } else { own.clone() };
        let settings = Settings::load(&paths.config_file())?;
        let rules = load_rules(&paths)?;
        let tracked = (!demo).then(|| own.clone());
        let tracking = Tracking::new(tracked, settings.clone(), rules.clone());
        Ok(AppState { data: Mutex::new(Data { paths, own, settings, rules, demo, store: None }), tracking })
    }

    pub fn data(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the store the app reads, opened on first use.
    pub fn read<T>(&self, f: impl FnOnce(&mut Store, &Data) -> mast::Result<T>) -> mast::Result<T> {
        let mut data = self.data();
        let mut store = match data.store.take() {
            Some(store) => store,
            None => data.open_store()?,
        };
        let result = f(&mut store, &data);
        data.store = Some(store);
        result
    }
}

impl Data {
    pub fn classifier(&self) -> Classifier {
        Classifier { rules: self.rules.clone(), policy: self.settings.title_policy }
    }

    fn open_store(&self) -> mast::Result<Store> {
        self.paths.ensure_data_dir()?;
        let mut store = Store::open(&self.paths.db())?;
        store.sync_classification(&self.classifier())?;
        Ok(store)
    }

    /// New settings: the reader reclassifies history if the title policy changed.
    pub fn set_settings(&mut self, settings: Settings) -> mast::Result<()> {
        self.settings = settings;
        if let Some(store) = self.store.as_mut() {
            let classifier = Classifier { rules: self.rules.clone(), policy: self.settings.title_policy };
            store.sync_classification(&classifier)?;
        }
        Ok(())
    }

    /// Shows the demo (`true`) or the user's own data from now on. The settings and rules
    /// in use stay: the demo is seen through the user's day start and platforms.
    pub fn show_demo(&mut self, demo: bool) {
        self.paths = if demo { self.own.demo() } else { self.own.clone() };
        self.demo = demo;
        self.store = None;
    }
}

/// The outermost layer's clock.
pub fn now() -> Now {
    let ms = chrono::Utc::now().timestamp_millis();
    Now { ms, utc_offset_min: mast::localday::offset_at(ms) }
}
