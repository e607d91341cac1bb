//! Stored and imported text with terminal control characters (ESC, BEL, a CSI sequence, a
//! C1 control, a bidi override) reaches `mast`'s terminal output harmlessly: shown as
//! escapes, never obeyed.

use crate::util::Sandbox;

/// What a hostile page title, app id, rules file or goal might hold.
const NASTY: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m\u{7f}\u{202e}\r";

/// Regression: `mast log`, `report`, `status` and the other printers wrote stored app
/// names and titles as they were, so a window title could send escape sequences to the
/// user's terminal.
#[test]
fn control_characters_in_stored_text_are_printed_harmlessly() {
    let s = Sandbox::new();
    s.write_config("config.toml", "title_policy = \"all\"\n");
    s.write_config(
        "rules.toml",
        &format!(
            "[[platform]]\nid = \"evil\"\nname = {:?}\ncategory = \"social\"\napps = [\"evil-app\"]\n",
            format!("Evil{NASTY}")
        )
        .replace("\\u{1b}", "\\u001b")
        .replace("\\u{7}", "\\u0007")
        .replace("\\u{9b}", "\\u009b")
        .replace("\\u{7f}", "\\u007f")
        .replace("\\u{202e}", "\\u202e"),
    );
    let now = chrono::Utc::now().timestamp_millis();
    let at = |ago_min: i64| chrono::DateTime::from_timestamp_millis(now - ago_min * 60_000).unwrap().to_rfc3339();
    let event = |ago: i64, app: String, title: String| serde_json::json!({"timestamp": at(ago), "duration": 120.0, "data": {"app": app, "title": title}});
    let export = serde_json::json!({"buckets": {"aw-watcher-window_h": {"type": "currentwindow", "hostname": "h", "events": [
        event(20, "firefox".into(), format!("{NASTY}Cats - YouTube — Mozilla Firefox")),
        event(15, format!("term{NASTY}"), format!("vim {NASTY} notes\nfake line")),
        event(10, "evil-app".into(), format!("chat{NASTY}")),
    ]}}});
    let file = s.dir.path().join("aw.json");
    std::fs::write(&file, serde_json::to_vec(&export).unwrap()).unwrap();

    let mut outputs = vec![("import", s.ok(&["import", "activitywatch", file.to_str().unwrap()]))];
    s.ok(&["goals", "add", "evil", "--intent", &format!("talk{NASTY}")]);
    let (app, title) = (format!("x{NASTY}"), format!("t{NASTY}"));
    for args in [
        &["log"][..],
        &["log", "--day", "today"],
        &["report"],
        &["report", "--week"],
        &["status"],
        &["mismatch", "--day"],
        &["mismatch"],
        &["goals"],
        &["rules", "list"],
        &["rules", "test", "--app", &app, "--title", &title],
    ] {
        outputs.push((args[0], s.ok(args)));
    }
    let log = &outputs.iter().find(|(c, _)| *c == "log").unwrap().1;
    assert!(log.contains("\\u{1b}]0;owned\\u{7}") && log.contains("term\\u{1b}"), "shown, not dropped: {log}");
    assert!(log.contains("notes\\u{a}fake line"), "a newline in a title fakes no line: {log}");
    assert!(outputs.iter().any(|(c, o)| *c == "mismatch" && o.contains("Evil\\u{1b}")), "{outputs:?}");

    // A rules file's text quoted in an error message.
    s.write_config("rules.toml", "[[platform]]\nid = \"a\\u001b[2Jb\"\ncategory = \"social\"\napps = [\"x\"]\n");
    let err = s.fails(&["report"]);
    assert!(err.contains("a\\u{1b}[2Jb"), "{err}");
    outputs.push(("error", err));

    for (command, out) in &outputs {
        for (i, c) in out.char_indices() {
            let harmful = (c < ' ' && c != '\n' && c != '\t')
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            assert!(!harmful, "`mast {command}` printed {c:?} at byte {i}:\n{out}");
        }
    }
}
