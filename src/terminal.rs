//! Text from the store, imports and files, made harmless for a terminal. Window titles,
//! app ids, urls, goal intents, member names and rule files are written by others (a web
//! page sets its own title), and a terminal obeys the control characters in what it is
//! shown: ESC starts sequences that move the cursor, recolour or retitle the window, BEL
//! rings, a carriage return overwrites the line, and a bidi override reorders the rest of
//! it. Every printer of such text in the CLI goes through [`printable`] (or [`Shown`]).
//! This module only renders; what is stored is kept as it was. JSON output needs none of
//! it: serde escapes every control character there.

use std::borrow::Cow;
use std::fmt;

/// Whether `c` changes what a terminal does rather than showing a character: C0 controls
/// (tab and newline included, since inside a value they would fake a line of their own),
/// DEL, C1 controls, the line and paragraph separators, and the bidi embeddings,
/// overrides, isolates and marks.
pub fn is_control(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200e}' | '\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// `s` with each control character (see [`is_control`]) shown as its escape, `\u{1b}`,
/// so that it can be seen but does nothing. Borrowed when there is none.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`printable`] as a `Display`, for `format!` and `println!`; width and alignment
/// (`{:<12}`) apply to the shown text.
#[derive(Clone, Copy, Debug)]
pub struct Shown<'a>(pub &'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&printable(self.0))
    }
}

/// [`printable`] for a whole rendered text, its own line breaks kept: for printers that
/// build their output first and print it at once.
pub fn printable_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_control(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.split('\n').map(printable).collect::<Vec<_>>().join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: stored titles and app names were printed as they were, so an ESC, BEL
    /// or CSI in a window title (a web page sets its own) reached the terminal.
    #[test]
    fn controls_are_shown_not_obeyed() {
        for (text, want) in [
            ("plain — Mozilla Firefox", "plain — Mozilla Firefox"),
            ("\u{1b}]0;pwned\u{7}x", "\\u{1b}]0;pwned\\u{7}x"),
            ("a\u{1b}[2Jb\rc\nd\te", "a\\u{1b}[2Jb\\u{d}c\\u{a}d\\u{9}e"),
            ("\u{9b}31m\u{7f}", "\\u{9b}31m\\u{7f}"),
            ("abc\u{202e}fed\u{2066}x\u{2069}", "abc\\u{202e}fed\\u{2066}x\\u{2069}"),
            ("Microsoft\u{200b} Edge é 日本", "Microsoft\u{200b} Edge é 日本"),
        ] {
            assert_eq!(printable(text), want, "{text:?}");
        }
        assert!(matches!(printable("kept as is"), Cow::Borrowed(_)));
        assert_eq!(format!("[{:<6}]", Shown("a\u{7}")), "[a\\u{7}]");
        assert_eq!(format!("[{:<6}]", Shown("ab")), "[ab    ]");
        assert_eq!(printable_lines("a\u{1b}b\nc\td\n"), "a\\u{1b}b\nc\\u{9}d\n");
    }
}
