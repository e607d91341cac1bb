//! Turning X property replies into text and numbers. Properties are written by arbitrary
//! clients, so nothing here trusts them: wrong types, missing values, invalid encodings and
//! titles cut off mid-character all decode to something instead of failing.

use x11rb::protocol::xproto::{Atom, AtomEnum, GetPropertyReply};

/// Titles longer than this many characters are cut: nobody reads further, and it bounds what
/// a page that sets an enormous title can make us store.
pub const MAX_TITLE_CHARS: usize = 1024;

/// The title: `_NET_WM_NAME` (UTF-8) when the window sets it, else the ICCCM `WM_NAME`.
pub(super) fn title(net_wm_name: &GetPropertyReply, wm_name: &GetPropertyReply, utf8_string: Atom) -> String {
    // Asked for as UTF8_STRING, the server returns no bytes when the type differs; such a
    // property is as good as absent.
    let text = if net_wm_name.type_ == utf8_string && net_wm_name.format == 8 {
        text(&net_wm_name.value, false, net_wm_name.bytes_after > 0)
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

/// Cuts `s` to at most `max` characters, on a character boundary.
pub(super) fn cap_chars(mut s: String, max: usize) -> String {
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

    #[test]
    fn prefers_net_wm_name_and_falls_back_to_wm_name() {
        let net = reply(UTF8, 8, "Grüße — Mozilla Firefox".as_bytes(), 0);
        let old = reply(AtomEnum::STRING, 8, b"old", 0);
        assert_eq!(title(&net, &old, UTF8), "Grüße — Mozilla Firefox");
        assert_eq!(title(&absent(), &old, UTF8), "old");
        assert_eq!(title(&absent(), &absent(), UTF8), "");
        // _NET_WM_NAME of a type other than UTF8_STRING: the server sends no data.
        let wrong = reply(AtomEnum::STRING, 8, b"", 9);
        assert_eq!(title(&wrong, &old, UTF8), "old");
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
        let t = title(&reply(UTF8, 8, long.as_bytes(), 1 << 20), &absent(), UTF8);
        assert_eq!(t.chars().count(), MAX_TITLE_CHARS);
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
