//! The app's IPC commands are listed in four places that must agree: `build.rs` (which
//! makes Tauri's `allow-<command>` permissions), the handler list in `main.rs`
//! (`generate_handler!`, a macro that cannot take a constant), the main window's capability
//! (`capabilities/default.json`), and the front end's client (`ui/src/lib/ipc/tauri.ts`).
//! `build.rs` is the list; this test holds the other three to it, so a command added in one
//! place and forgotten in another fails `make test` instead of failing in the user's hands
//! ("command not allowed", or a button that does nothing).

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    const BUILD: &str = include_str!("../build.rs");
    const MAIN: &str = include_str!("main.rs");
    const CAPABILITY: &str = include_str!("../capabilities/default.json");
    const CLIENT: &str = include_str!("../../ui/src/lib/ipc/tauri.ts");

    /// The quoted names in `build.rs`'s `COMMANDS`.
    fn listed() -> BTreeSet<String> {
        let start = BUILD.find("const COMMANDS").expect("build.rs lists COMMANDS");
        let end = start + BUILD[start..].find("];").expect("the list ends");
        BUILD[start..end].split('"').skip(1).step_by(2).map(str::to_owned).collect()
    }

    /// `commands::name` inside `generate_handler![…]`.
    fn handled() -> BTreeSet<String> {
        let start = MAIN.find("generate_handler![").expect("main.rs registers its handlers");
        let end = start + MAIN[start..].find(']').expect("the handler list ends");
        MAIN[start..end]
            .split("commands::")
            .skip(1)
            .map(|s| s.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("").to_owned())
            .collect()
    }

    /// `allow-x-y` permissions, as command names `x_y`.
    fn granted() -> BTreeSet<String> {
        let json: serde_json::Value = serde_json::from_str(CAPABILITY).expect("the capability is JSON");
        json["permissions"]
            .as_array()
            .expect("a permissions list")
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|c| c.replace('-', "_")))
            .collect()
    }

    /// `call('name'` in the front end's Tauri client.
    fn called() -> BTreeSet<String> {
        CLIENT.split("call('").skip(1).filter_map(|s| s.split('\'').next()).map(str::to_owned).collect()
    }

    #[test]
    fn every_command_is_listed_handled_granted_and_called_alike() {
        let list = listed();
        assert!(list.len() > 20, "build.rs lists the commands: {list:?}");
        for (what, names) in [
            ("main.rs's generate_handler!", handled()),
            ("capabilities/default.json", granted()),
            ("ui/src/lib/ipc/tauri.ts", called()),
        ] {
            let missing: Vec<_> = list.difference(&names).collect();
            let extra: Vec<_> = names.difference(&list).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{what} disagrees with build.rs's COMMANDS: missing {missing:?}, not in the list {extra:?}"
            );
        }
    }

    /// Besides Mast's own commands, the window may only listen for the shell's events (the
    /// live refresh, `mast://data-changed`): nothing else of Tauri's core.
    #[test]
    fn the_capability_grants_nothing_but_the_commands_and_listening() {
        const TAURI: [&str; 2] = ["core:event:allow-listen", "core:event:allow-unlisten"];
        let json: serde_json::Value = serde_json::from_str(CAPABILITY).unwrap();
        let others: Vec<_> = json["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .filter(|p| !p.starts_with("allow-") && !TAURI.contains(p))
            .collect();
        assert!(others.is_empty(), "the main window is granted more than Mast's own commands: {others:?}");
    }
}
