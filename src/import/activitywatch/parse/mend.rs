//! Mending, on the way in, what Python's `json` writes and serde_json refuses: lone
//! surrogate escapes and bare `NaN`/`Infinity`, byte for byte the same length (see
//! [`Mend`]). Reading the JSON itself is the parent's job.

use super::NOT_A_NUMBER_BYTE;
use std::io::{self, Read};

/// The file's bytes on their way to the [`Scanner`], with what Python's `json` writes and
/// serde_json refuses mended in place, byte for byte the same length:
///
/// ```text
/// "\ud83d\ude00"   a surrogate pair: kept
/// "\udcff"         a lone trailing surrogate   →  "\ufffd"
/// "\ud83d x"       a lone leading surrogate    →  "\ufffd x"
/// NaN  Infinity  -Infinity  (outside strings)  →  "␡"  "␡␡␡␡␡␡"  "␡␡␡␡␡␡␡"  (DEL bytes)
/// ```
///
/// It follows strings and escapes itself, holding back the few bytes of an escape or word
/// that a block boundary cuts, until it knows what they are. Anything else malformed is
/// passed on untouched, for serde_json to report.
pub(super) struct Mend<R> {
    inner: R,
    in_string: bool,
    /// The bytes of an escape (`\`, `\u…`, `\u…\u…`) or of a bare word (`N…`, `-I…`)
    /// being read, not yet passed on.
    pending: Vec<u8>,
    word: bool,
    /// Mended bytes ready to be read, from `ready_at`.
    ready: Vec<u8>,
    ready_at: usize,
    block: Vec<u8>,
    /// Lone surrogates replaced so far.
    pub(super) surrogates: u64,
}

/// The replacement character, as the escape that stands in for a lone surrogate's.
const REPLACEMENT_ESCAPE: &[u8; 6] = b"\\ufffd";

impl<R: Read> Mend<R> {
    pub(super) fn new(inner: R) -> Self {
        Mend {
            inner,
            in_string: false,
            pending: Vec::with_capacity(12),
            word: false,
            ready: Vec::new(),
            ready_at: 0,
            block: vec![0; 64 * 1024],
            surrogates: 0,
        }
    }

    fn push(&mut self, b: u8) {
        if self.pending.is_empty() {
            if self.in_string {
                match b {
                    b'\\' => return self.pending.push(b),
                    b'"' => self.in_string = false,
                    _ => {}
                }
            } else {
                match b {
                    b'"' => self.in_string = true,
                    b'N' | b'I' | b'-' => {
                        self.word = true;
                        return self.pending.push(b);
                    }
                    _ => {}
                }
            }
            return self.ready.push(b);
        }
        self.pending.push(b);
        if self.word {
            return self.word_byte();
        }
        match self.pending.len() {
            // A short escape such as `\n` or `\"`.
            2 if b != b'u' => self.pass_pending(),
            6 => match hex4(&self.pending[2..6]) {
                Some(0xD800..=0xDBFF) => {} // a leading surrogate: is a trailing one next?
                Some(0xDC00..=0xDFFF) => {
                    self.pending.copy_from_slice(REPLACEMENT_ESCAPE);
                    self.surrogates += 1;
                    self.pass_pending();
                }
                _ => self.pass_pending(),
            },
            7 if b != b'\\' => self.lone_leading(),
            8 if b != b'u' => self.lone_leading(),
            12 => match hex4(&self.pending[8..12]) {
                Some(0xDC00..=0xDFFF) => self.pass_pending(),
                _ => self.lone_leading(),
            },
            _ => {}
        }
    }

    /// A byte of a bare word outside strings: `NaN`, `Infinity` or `-Infinity` is
    /// replaced whole; anything else (`-1`, `null`'s neighbours) passes on as it is.
    fn word_byte(&mut self) {
        let words: [&[u8]; 3] = [b"NaN", b"Infinity", b"-Infinity"];
        let p = &self.pending[..];
        if words.contains(&p) {
            let n = self.pending.len();
            self.ready.push(b'"');
            self.ready.extend(std::iter::repeat_n(NOT_A_NUMBER_BYTE, n - 2));
            self.ready.push(b'"');
            self.pending.clear();
            self.word = false;
        } else if !words.iter().any(|w| w.starts_with(p)) {
            // Not one of the words: pass on all but the last byte, which may start
            // something of its own (a quote, say) and is looked at afresh.
            let last = self.pending.pop().expect("a byte was just pushed");
            self.word = false;
            self.pass_pending();
            self.push(last);
        }
    }

    /// The leading surrogate in `pending[..6]` has no trailing one: it is replaced, and
    /// what followed it is read again (it may start an escape of its own).
    fn lone_leading(&mut self) {
        let rest = self.pending.split_off(6);
        self.pending.copy_from_slice(REPLACEMENT_ESCAPE);
        self.surrogates += 1;
        self.pass_pending();
        for b in rest {
            self.push(b);
        }
    }

    fn pass_pending(&mut self) {
        self.ready.append(&mut self.pending);
    }
}

/// The value of four hex digits.
fn hex4(digits: &[u8]) -> Option<u16> {
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    std::str::from_utf8(digits).ok().and_then(|d| u16::from_str_radix(d, 16).ok())
}

impl<R: Read> Read for Mend<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.ready_at == self.ready.len() {
            self.ready.clear();
            self.ready_at = 0;
            let n = self.inner.read(&mut self.block)?;
            if n == 0 {
                // The end: what is held back is incomplete, and serde_json will say so.
                self.word = false;
                self.pass_pending();
                if self.ready.is_empty() {
                    return Ok(0);
                }
                break;
            }
            for i in 0..n {
                let b = self.block[i];
                self.push(b);
            }
        }
        let n = out.len().min(self.ready.len() - self.ready_at);
        out[..n].copy_from_slice(&self.ready[self.ready_at..self.ready_at + n]);
        self.ready_at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out `chunk` bytes per read, to cut escapes and words at every place.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(self.0.len()).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn mend(text: &str, chunk: usize) -> (String, u64) {
        let mut m = Mend::new(Trickle(text.as_bytes(), chunk));
        let mut out = Vec::new();
        m.read_to_end(&mut out).unwrap();
        (String::from_utf8(out).unwrap(), m.surrogates)
    }

    #[test]
    fn lone_surrogates_and_bare_non_numbers_are_mended_in_place() {
        let del = |n| "\u{7f}".repeat(n);
        for (text, want, lone) in [
            (r#"["\ud83d\ude00", "\u00e9\n"]"#.to_owned(), r#"["\ud83d\ude00", "\u00e9\n"]"#.to_owned(), 0),
            (r#"{"title": "a\udcffb"}"#.into(), r#"{"title": "a\ufffdb"}"#.into(), 1),
            (r#"["\ud83dx", "\ud83d\n", "\ud83d"]"#.into(), r#"["\ufffdx", "\ufffd\n", "\ufffd"]"#.into(), 3),
            (r#"["\ud83d\ud83d\ude00", "\ud800\u0041"]"#.into(), r#"["\ufffd\ud83d\ude00", "\ufffd\u0041"]"#.into(), 2),
            (r#"["\\ud800", "\"NaN\""]"#.into(), r#"["\\ud800", "\"NaN\""]"#.into(), 0),
            (
                "[NaN, Infinity,-Infinity, -1.5, 1e5, null]".into(),
                format!("[\"{}\", \"{}\",\"{}\", -1.5, 1e5, null]", del(1), del(6), del(7)),
                0,
            ),
        ] {
            for chunk in [1, 2, 3, 5, 7, 11, 4096] {
                let (got, n) = mend(&text, chunk);
                assert_eq!((&got, n), (&want, lone), "{text} in blocks of {chunk}");
                assert_eq!(got.len(), text.len(), "the same length: offsets stay the file's");
            }
        }
        // Malformed input passes untouched, for serde_json to report.
        for bad in [r#"["\u12"]"#, "[Nan]", "[-Inf]", r#"["\ud83d"#] {
            assert_eq!(mend(bad, 1).0, bad);
        }
    }
}
