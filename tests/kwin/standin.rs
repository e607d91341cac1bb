//! `KwinFocus` against a stand-in of KWin 6's D-Bus contract, the one thing the real KWin
//! 5.27 here cannot show: KWin 6 puts a loaded script at `/Scripting/Script<id>` (KWin 5 at
//! `/<id>`). The stand-in's `run` reports a window the way the script would. Also checks that
//! reports from anyone but KWin are refused.

use crate::notify::Bus;
use mast::sensor::kwin::{self, KwinFocus};
use mast::sensor::{FocusSource, SensorOptions};
use std::sync::{Arc, Mutex};
use zbus::object_server::ObjectServer;
use zbus::Connection;

#[derive(Default)]
struct Calls {
    loaded: Vec<String>,
    ran: Vec<String>,
    unloaded: Vec<String>,
}

struct Scripting {
    calls: Arc<Mutex<Calls>>,
}

#[zbus::interface(name = "org.kde.kwin.Scripting")]
impl Scripting {
    #[zbus(name = "loadScript")]
    async fn load_script(&self, #[zbus(object_server)] server: &ObjectServer, path: String, plugin: String) -> i32 {
        assert!(std::path::Path::new(&path).is_file(), "{path}");
        let id = {
            let mut calls = self.calls.lock().unwrap();
            if calls.loaded.contains(&plugin) {
                return -1;
            }
            calls.loaded.push(plugin);
            calls.loaded.len() as i32 + 6
        };
        let script = Script { calls: self.calls.clone() };
        server.at(format!("/Scripting/Script{id}"), script).await.unwrap();
        id
    }

    #[zbus(name = "isScriptLoaded")]
    fn is_script_loaded(&self, plugin: String) -> bool {
        self.calls.lock().unwrap().loaded.contains(&plugin)
    }

    #[zbus(name = "unloadScript")]
    fn unload_script(&self, plugin: String) -> bool {
        let mut calls = self.calls.lock().unwrap();
        calls.unloaded.push(plugin.clone());
        let before = calls.loaded.len();
        calls.loaded.retain(|p| *p != plugin);
        before != calls.loaded.len()
    }
}

struct Script {
    calls: Arc<Mutex<Calls>>,
}

#[zbus::interface(name = "org.kde.kwin.Script")]
impl Script {
    /// Like KWin's: the script's first report goes out before the reply.
    #[zbus(name = "run")]
    async fn run(
        &self,
        #[zbus(connection)] conn: &Connection,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) -> zbus::fdo::Result<()> {
        self.calls.lock().unwrap().ran.push(header.path().map(|p| p.to_string()).unwrap_or_default());
        let report = ("Files — Dolphin", "org.kde.dolphin", "dolphin", "org.kde.dolphin", "4242");
        conn.call_method(Some(kwin::BUS_NAME), kwin::OBJECT_PATH, Some(kwin::INTERFACE), "ActiveWindowV1", &report)
            .await
            .map_err(|e| zbus::fdo::Error::Failed(e.to_string()))?;
        Ok(())
    }
}

struct Kwin;

#[zbus::interface(name = "org.kde.KWin")]
impl Kwin {
    #[zbus(name = "supportInformation")]
    fn support_information(&self) -> String {
        "KWin Support Information:\n\nVersion\n=======\nKWin version: 6.4.5\nQt Version: 6.9.2\n".into()
    }
}

#[test]
fn runs_the_script_where_kwin_6_puts_it_and_trusts_only_kwin() {
    let bus = Bus::start();
    let calls = Arc::new(Mutex::new(Calls::default()));
    let _kwin = zbus::block_on(
        zbus::connection::Builder::address(bus.address.as_str())
            .name("org.kde.KWin")
            .serve_at("/Scripting", Scripting { calls: calls.clone() })
            .serve_at("/KWin", Kwin)
            .build(),
    )
    .expect("the KWin 6 stand-in");

    kwin::probe_bus(Some(&bus.address)).expect("probe finds the stand-in");
    let mut source = KwinFocus::connect_to(&SensorOptions::default(), Some(&bus.address)).expect("connect");
    assert_eq!(source.detail(), "KWin 6.4.5");
    assert_eq!(calls.lock().unwrap().ran, ["/Scripting/Script7"]);
    let w = source.focused().unwrap().expect("the stand-in's report");
    assert_eq!((w.app.as_str(), w.title.as_str(), w.pid), ("org.kde.dolphin", "Files — Dolphin", Some(4242)));

    // Anyone else on the bus: refused, and the focus stays what KWin said.
    let stranger = zbus::block_on(zbus::connection::Builder::address(bus.address.as_str()).build()).unwrap();
    let forged = ("Forged", "evil", "evil", "", "1");
    let err = zbus::block_on(stranger.call_method(
        Some(kwin::BUS_NAME),
        kwin::OBJECT_PATH,
        Some(kwin::INTERFACE),
        "ActiveWindowV1",
        &forged,
    ))
    .unwrap_err();
    assert!(err.to_string().contains("only KWin"), "{err}");
    assert_eq!(source.focused().unwrap().map(|w| w.app), Some("org.kde.dolphin".into()));

    drop(source);
    let calls = calls.lock().unwrap();
    assert_eq!(calls.unloaded, [kwin::PLUGIN_NAME], "unloaded once, on drop");
    assert!(calls.loaded.is_empty());
}
