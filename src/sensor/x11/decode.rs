//! Turning X property replies into text and numbers. Properties are written by arbitrary
//! clients, so nothing here trusts them: wrong types, missing values, invalid encodings and
//! titles cut off mid-character all decode to something instead of failing.

use x11rb::protocol::xproto::{Atom, AtomEnum, GetPropertyReply};

/// Titles longer than this many characters are cut: nobody reads further, and it bounds what
/// a page that sets an enormous title can make us store.
pub const MAX_TITLE_CHARS: usize = 1024;

/// The atoms that name text encodings.
#[derive(Clone, Copy, Debug)]
pub(super) struct Encodings {
    pub utf8_string: Atom,
    pub compound_text: Atom,
}

/// The title: `_NET_WM_NAME` (UTF-8) when the window sets it, else the ICCCM `WM_NAME`.
pub(super) fn title(net_wm_name: &GetPropertyReply, wm_name: &GetPropertyReply, atoms: Encodings) -> String {
    // Asked for as UTF8_STRING, the server returns no bytes when the type differs; such a
    // property is as good as absent.
    let text = if net_wm_name.type_ == atoms.utf8_string && net_wm_name.format == 8 {
        text(&net_wm_name.value, false, net_wm_name.bytes_after > 0)
    } else if wm_name.format == 8 && wm_name.type_ == atoms.compound_text {
        compound_text(&wm_name.value, wm_name.bytes_after > 0)
    } else if wm_name.format == 8 {
        let latin1 = wm_name.type_ == u32::from(AtomEnum::STRING);
        text(&wm_name.value, latin1, wm_name.bytes_after > 0)
    } else {
        String::new()
    };
    cap_chars(text, MAX_TITLE_CHARS)
}

/// The application id: the WM_CLASS class (`"firefox"` of `"Navigator\0firefox\0"`), or the
/// instance when a client leaves the class empty.
pub(super) fn class(wm_class: &GetPropertyReply) -> String {
    if wm_class.format != 8 {
        return String::new();
    }
    let mut parts = wm_class.value.split(|&b| b == 0);
    let instance = parts.next().unwrap_or_default();
    let class = parts.next().unwrap_or_default();
    let chosen = if class.is_empty() { instance } else { class };
    text(chosen, true, false)
}

/// WM_CLIENT_MACHINE, the host the client runs on; `None` when unset.
pub(super) fn machine(reply: &GetPropertyReply) -> Option<String> {
    (reply.format == 8 && !reply.value.is_empty()).then(|| text(&reply.value, true, false))
}

/// The first 32-bit value (a window id, a pid), if the property holds one.
pub(super) fn cardinal(reply: &GetPropertyReply) -> Option<u32> {
    reply.value32()?.next()
}

/// Decodes property bytes. Text that is valid UTF-8 is taken as such, whatever its declared
/// type, because many clients put UTF-8 into `STRING` properties. Otherwise `STRING` is what
/// ICCCM says it is, Latin-1, which cannot fail; anything else (COMPOUND_TEXT, broken UTF-8)
/// decodes lossily. `truncated` says the server held back the rest of the property, so an
/// incomplete character at the end is dropped rather than shown as U+FFFD.
pub(super) fn text(bytes: &[u8], latin1: bool, truncated: bool) -> String {
    // Clients sometimes NUL-terminate (or NUL-separate) their strings.
    let bytes = match bytes.iter().rposition(|&b| b != 0) {
        Some(last) => &bytes[..=last],
        None => return String::new(),
    };
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(e) if truncated && e.error_len().is_none() => {
            String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned()
        }
        Err(_) if latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Decodes COMPOUND_TEXT, which Xt and Motif clients (xterm among them, outside a UTF-8
/// locale) use for WM_NAME beyond Latin-1. Only what titles need: ASCII and Latin-1, and
/// UTF-8 segments (`ESC % G` … `ESC % @`), which is how modern Xlib encodes everything
/// else. Characters in other designated character sets (the legacy CJK encodings) become
/// U+FFFD: a readable title with gaps beats a failed poll or a table of ISO 2022 charsets.
pub(super) fn compound_text(bytes: &[u8], truncated: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    // What GL (0x20..0x7F) and GR (0xA0..0xFF) hold: ASCII and Latin-1 until redesignated.
    let (mut gl_ascii, mut gr_latin1, mut utf8) = (true, true, false);
    let mut rest = bytes;
    while let Some(&b) = rest.first() {
        if b == 0x1b {
            // ESC, intermediate bytes 0x20..=0x2F, one final byte.
            let len = 1 + rest[1..].iter().take_while(|b| (0x20..=0x2f).contains(*b)).count();
            let len = (len + 1).min(rest.len());
            match &rest[..len] {
                b"\x1b%G" => utf8 = true,
                b"\x1b%@" => utf8 = false,
                b"\x1b(B" => gl_ascii = true,
                b"\x1b-A" => gr_latin1 = true,
                [0x1b, b'(', ..] | [0x1b, b'$', b'(', ..] => gl_ascii = false,
                [0x1b, ..] if len >= 3 => gr_latin1 = false,
                _ => {}
            }
            rest = &rest[len..];
        } else if utf8 {
            let run = rest.iter().position(|&b| b == 0x1b).unwrap_or(rest.len());
            let at_end = run == rest.len();
            out.push_str(&text(&rest[..run], false, truncated && at_end));
            rest = &rest[run..];
        } else {
            out.push(match b {
                b'\t' | b'\n' => char::from(b),
                0x20..=0x7f if gl_ascii => char::from(b),
                0xa0..=0xff if gr_latin1 => char::from(b),
                0x00 => {
                    rest = &rest[1..];
                    continue;
                }
                _ => char::REPLACEMENT_CHARACTER,
            });
            rest = &rest[1..];
        }
    }
    out
}

/// Cuts `s` to at most `max` characters, on a character boundary.
pub(crate) fn cap_chars(mut s: String, max: usize) -> String {
    if let Some((end, _)) = s.char_indices().nth(max) {
        s.truncate(end);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(type_: impl Into<Atom>, format: u8, value: &[u8], bytes_after: u32) -> GetPropertyReply {
        GetPropertyReply {
            format,
            sequence: 0,
            length: 0,
            type_: type_.into(),
            bytes_after,
            value_len: value.len() as u32 / u32::from(format.max(8) / 8),
            value: value.to_vec(),
        }
    }

    fn absent() -> GetPropertyReply {
        reply(0u32, 0, &[], 0)
    }

    const UTF8: Atom = 300;
    const CT: Atom = 301;
    const ENC: Encodings = Encodings { utf8_string: UTF8, compound_text: CT };

    #[test]
    fn prefers_net_wm_name_and_falls_back_to_wm_name() {
        let net = reply(UTF8, 8, "Grüße — Mozilla Firefox".as_bytes(), 0);
        let old = reply(AtomEnum::STRING, 8, b"old", 0);
        assert_eq!(title(&net, &old, ENC), "Grüße — Mozilla Firefox");
        assert_eq!(title(&absent(), &old, ENC), "old");
        assert_eq!(title(&absent(), &absent(), ENC), "");
        // _NET_WM_NAME of a type other than UTF8_STRING: the server sends no data.
        let wrong = reply(AtomEnum::STRING, 8, b"", 9);
        assert_eq!(title(&wrong, &old, ENC), "old");
    }

    #[test]
    fn string_that_is_not_utf8_is_latin1() {
        assert_eq!(text(b"caf\xe9 \xff", true, false), "café ÿ");
        // The same bytes in a property of another type decode lossily.
        assert_eq!(text(b"caf\xe9", false, false), "caf\u{fffd}");
        // UTF-8 put into a STRING property by a careless client is still read as UTF-8.
        assert_eq!(text("café".as_bytes(), true, false), "café");
    }

    #[test]
    fn a_character_cut_by_the_length_cap_is_dropped() {
        let bytes = "ab€".as_bytes();
        assert_eq!(text(&bytes[..4], false, true), "ab");
        assert_eq!(text(&bytes[..4], false, false), "ab\u{fffd}");
    }

    #[test]
    fn trailing_nuls_are_dropped() {
        assert_eq!(text(b"title\0\0", true, false), "title");
        assert_eq!(text(b"\0", true, false), "");
    }

    #[test]
    fn caps_on_a_char_boundary() {
        assert_eq!(cap_chars("€€€".into(), 2), "€€");
        assert_eq!(cap_chars("ab".into(), 2), "ab");
        let long = "é".repeat(MAX_TITLE_CHARS + 10);
        let t = title(&reply(UTF8, 8, long.as_bytes(), 1 << 20), &absent(), ENC);
        assert_eq!(t.chars().count(), MAX_TITLE_CHARS);
    }

    #[test]
    fn compound_text_of_xterm_and_friends() {
        // What xterm sets for `-T "Home / X — Mozilla Firefox"` outside a UTF-8 locale.
        let xterm = b"Home / X \x1b%G\xe2\x80\x94\x1b%@ Mozilla Firefox";
        assert_eq!(compound_text(xterm, false), "Home / X — Mozilla Firefox");
        assert_eq!(title(&absent(), &reply(CT, 8, xterm, 0), ENC), "Home / X — Mozilla Firefox");
        assert_eq!(compound_text(b"caf\xe9", false), "café");
        // A Japanese (JIS X 0208) segment: unknown, so replaced, and ASCII after it is back.
        assert_eq!(compound_text(b"a\x1b$(B\x30\x21\x1b(Bz", false), "a\u{fffd}\u{fffd}z");
        // A UTF-8 segment cut by the length cap loses only the cut character.
        assert_eq!(compound_text(b"x\x1b%G\xe2\x80", true), "x");
        // Garbage never fails.
        assert_eq!(compound_text(b"\x1b", false), "");
        assert_eq!(compound_text(b"\x1b%", false), "");
    }

    #[test]
    fn class_falls_back_to_instance() {
        assert_eq!(class(&reply(AtomEnum::STRING, 8, b"Navigator\0firefox\0", 0)), "firefox");
        assert_eq!(class(&reply(AtomEnum::STRING, 8, b"only\0", 0)), "only");
        assert_eq!(class(&reply(AtomEnum::STRING, 8, b"only\0\0", 0)), "only");
        assert_eq!(class(&absent()), "");
    }

    #[test]
    fn cardinal_needs_32_bit_data() {
        assert_eq!(cardinal(&reply(AtomEnum::CARDINAL, 32, &42u32.to_ne_bytes(), 0)), Some(42));
        assert_eq!(cardinal(&absent()), None);
        assert_eq!(cardinal(&reply(AtomEnum::STRING, 8, b"42", 0)), None);
    }
}
