//! Writing the user's settings back to `config.toml`. The file holds only what the user
//! changed (CONVENTIONS: `Default` is the single source of defaults), so a value equal to
//! the default is left out and a later change of default reaches the user. Reading and
//! validating the file stay in [`crate::settings`].

use crate::settings::Settings;
use crate::{Error, Result};
use std::path::Path;

/// The TOML text of the settings that differ from [`Settings::default`]; empty when none do.
pub fn changed_toml(settings: &Settings) -> Result<String> {
    let table =
        |s: &Settings| toml::Table::try_from(s).map_err(|e| Error::Invalid(format!("cannot write the settings: {e}")));
    let defaults = table(&Settings::default())?;
    let mut changed = table(settings)?;
    changed.retain(|key, value| defaults.get(key) != Some(value));
    toml::to_string(&changed).map_err(|e| Error::Invalid(format!("cannot write the settings: {e}")))
}

/// Validates `settings` and writes what differs from the defaults to `path` (replacing the
/// file in one rename, so a crash never leaves half a file). Comments in an existing file
/// are not kept.
///
/// # Errors
///
/// [`Error::Config`] with the validation message when a value is out of range; I/O errors
/// naming the file.
#[tracing::instrument(skip_all, err)]
pub fn save(path: &Path, settings: &Settings) -> Result<()> {
    let text = changed_toml(settings)?;
    // Parse what will be written: the same validation as loading, and proof that the file
    // reads back as exactly these settings.
    let back = Settings::parse(&text).map_err(|message| Error::Config { path: path.to_owned(), message })?;
    if &back != settings {
        return Err(Error::Invalid("the settings do not survive being written; nothing was saved".into()));
    }
    crate::files::replace(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::TitlePolicy;

    #[test]
    fn defaults_write_an_empty_file() {
        assert_eq!(changed_toml(&Settings::default()).unwrap(), "");
    }

    #[test]
    fn only_changed_values_are_written_and_read_back() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("cfg").join("config.toml");
        let s = Settings {
            day_start_hour: 6,
            title_policy: TitlePolicy::None,
            exclude_apps: vec!["keepassxc".into()],
            quiet_hours: Some("22:00-08:00".into()),
            ..Settings::default()
        };
        save(&path, &s).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("afk_threshold_secs"), "{text}");
        assert!(text.contains("day_start_hour = 6"), "{text}");
        assert_eq!(Settings::load(&path).unwrap(), s);
        // Back to the defaults: the file empties.
        save(&path, &Settings::default()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    }

    #[test]
    fn invalid_settings_are_refused_and_nothing_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("config.toml");
        let s = Settings { day_start_hour: 30, ..Settings::default() };
        let Err(Error::Config { message, .. }) = save(&path, &s) else { panic!("hour 30 must be refused") };
        assert!(message.contains("day_start_hour"), "{message}");
        assert!(!path.exists());
    }
}
