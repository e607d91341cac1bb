//! The extension's files, embedded from `desktop/gnome/` so that `mast setup gnome` works
//! from any build, packaged or not, and the flavour that fits a Shell version.
//!
//! Both flavours share `focus.js`, which does all the work. GNOME 43 and 44 load it as a
//! legacy module (its top-level `var`s are its exports); GNOME 45 and later load extensions
//! as ES modules, so there it gets one `export` line appended. Nothing else differs between
//! the two files `focus.js` becomes.

use serde::Serialize;

const FOCUS_JS: &str = include_str!("../../../desktop/gnome/focus.js");
const ESM_EXPORT: &str = "\nexport { MAST_BUS_NAME, MAST_OBJECT_PATH, MAST_INTERFACE_XML, MastShell };\n";
const ESM_EXTENSION: &str = include_str!("../../../desktop/gnome/esm/extension.js");
const ESM_METADATA: &str = include_str!("../../../desktop/gnome/esm/metadata.json");
const LEGACY_EXTENSION: &str = include_str!("../../../desktop/gnome/legacy/extension.js");
const LEGACY_METADATA: &str = include_str!("../../../desktop/gnome/legacy/metadata.json");

/// The oldest GNOME Shell the extension is written for.
pub const OLDEST_MAJOR: u32 = 43;

/// Which of the two formats GNOME Shell loads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Flavour {
    /// GNOME 43 and 44: `init()`, `enable()`, `disable()`, `imports`.
    Legacy,
    /// GNOME 45 and later: ES modules, `export default class … extends Extension`.
    Esm,
}

impl Flavour {
    /// The flavour for a Shell version such as "43.9" or "47.rc"; `None` for a Shell older
    /// than [`OLDEST_MAJOR`] or a version that is not one.
    pub fn for_version(version: &str) -> Option<Flavour> {
        let major: u32 = version.trim().split('.').next()?.parse().ok()?;
        match major {
            m if m < OLDEST_MAJOR => None,
            43 | 44 => Some(Flavour::Legacy),
            _ => Some(Flavour::Esm),
        }
    }

    /// The files of the extension's folder in this flavour, `metadata.json` last: GNOME
    /// takes a folder for an extension by its metadata, so it is written when the rest is
    /// in place.
    pub fn files(self) -> [(&'static str, String); 3] {
        let (focus, extension, metadata) = match self {
            Flavour::Legacy => (FOCUS_JS.to_owned(), LEGACY_EXTENSION, LEGACY_METADATA),
            Flavour::Esm => (format!("{FOCUS_JS}{ESM_EXPORT}"), ESM_EXTENSION, ESM_METADATA),
        };
        [("focus.js", focus), ("extension.js", extension.to_owned()), ("metadata.json", metadata.to_owned())]
    }
}

/// The extension's release, as its metadata says (`"version": 1`) and its `Version`
/// property reports.
pub fn version() -> u32 {
    serde_json::from_str::<serde_json::Value>(ESM_METADATA)
        .ok()
        .and_then(|m| m.get("version")?.as_u64())
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flavours_follow_the_shell_version() {
        assert_eq!(Flavour::for_version("43.9"), Some(Flavour::Legacy));
        assert_eq!(Flavour::for_version("44.beta"), Some(Flavour::Legacy));
        assert_eq!(Flavour::for_version("45.0"), Some(Flavour::Esm));
        assert_eq!(Flavour::for_version("50"), Some(Flavour::Esm));
        assert_eq!(Flavour::for_version("42.5"), None);
        assert_eq!(Flavour::for_version("GNOME"), None);
    }

    /// Both metadata files name the same uuid and release, and between them every Shell
    /// from 43 to 50 exactly once.
    #[test]
    fn metadata_agree() {
        let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
        let (esm, legacy) = (parse(ESM_METADATA), parse(LEGACY_METADATA));
        assert_eq!(esm["uuid"], super::super::UUID);
        assert_eq!(legacy["uuid"], super::super::UUID);
        assert_eq!(esm["version"], legacy["version"]);
        assert!(version() >= 1);
        let mut shells: Vec<String> = [&esm, &legacy]
            .iter()
            .flat_map(|m| m["shell-version"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()))
            .collect();
        shells.sort_by_key(|s| s.parse::<u32>().unwrap());
        let want: Vec<String> = (43..=50).map(|n: u32| n.to_string()).collect();
        assert_eq!(shells, want);
        for s in ["43", "44"] {
            assert_eq!(Flavour::for_version(s), Some(Flavour::Legacy));
        }
    }

    #[test]
    fn the_esm_body_exports_what_extension_js_imports() {
        let [(_, focus), (_, ext), _] = Flavour::Esm.files();
        assert!(ext.contains("import { MastShell } from './focus.js';"));
        assert!(focus.contains("export { MAST_BUS_NAME, MAST_OBJECT_PATH, MAST_INTERFACE_XML, MastShell };"));
        let [(_, legacy), ..] = Flavour::Legacy.files();
        assert!(
            !legacy.lines().any(|l| l.starts_with("export ")),
            "GNOME 43's legacy loader would reject an export statement"
        );
    }

    /// The names the Rust side looks for are the ones the extension uses.
    #[test]
    fn the_contract_names_agree() {
        use super::super::{BUS_NAME, INTERFACE, OBJECT_PATH};
        assert!(FOCUS_JS.contains(&format!("var MAST_BUS_NAME = '{BUS_NAME}';")));
        assert!(FOCUS_JS.contains(&format!("var MAST_OBJECT_PATH = '{OBJECT_PATH}';")));
        assert!(FOCUS_JS.contains(&format!("<interface name=\"{INTERFACE}\">")));
    }
}
