//! Streaming the JSON of an ActivityWatch export: buckets and events are handed to a
//! [`Sink`] one at a time as they are read, so neither the file nor its events are ever in
//! memory at once. This module only reads; what the events mean is the parent's business.
//!
//! Nothing in an event is trusted: an event that is not an object, or whose fields have
//! the wrong types, is handed over as it is for the sink to count and skip. Only problems
//! with the file itself (not JSON, cut short, nested too deep, a string too long) fail.
//!
//! Two things Python's `json` writes, and serde_json refuses, are mended on the way in (see
//! [`Mend`]), each without changing the file's length, so that every offset, line and
//! column in a message is still the file's own:
//! - a lone UTF-16 surrogate escape (`"\udcff"`, what Python makes of bytes it could not
//!   decode) becomes `"\ufffd"`, the replacement character, and is counted;
//! - a bare `NaN`, `Infinity` or `-Infinity` becomes [`Scalar::NotANumber`], which the
//!   sink skips and counts like any other unusable value.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::io::{self, Read};

mod mend;
use mend::Mend;

/// Longer strings fail the file: no field of an export needs them, and serde_json would
/// buffer a string whole before handing it over.
pub const MAX_STRING_BYTES: usize = 1 << 20;

/// Deeper nesting fails the file, like serde_json's own recursion limit; checked on the
/// bytes, because serde_json skips the values Mast ignores without that limit, keeping a
/// byte per level.
pub const MAX_DEPTH: usize = 128;

/// A JSON value where only scalars matter; arrays and objects are skipped, never kept.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Str(String),
    Num(f64),
    /// `NaN`, `Infinity` or `-Infinity`, which Python writes and JSON does not have.
    NotANumber,
    Bool(bool),
    Null,
    Compound,
}

/// What [`Mend`] puts in place of a bare `NaN`, `Infinity` or `-Infinity`: a string of
/// DEL characters as long as the word with its quotes, which no exporter writes raw (Python
/// escapes DEL as `\u007f`). A string made only of DELs is read as [`Scalar::NotANumber`].
const NOT_A_NUMBER_BYTE: u8 = 0x7f;

fn is_not_a_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b == NOT_A_NUMBER_BYTE)
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(if is_not_a_number(v) { Scalar::NotANumber } else { Scalar::Str(v.to_owned()) })
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(if is_not_a_number(&v) { Scalar::NotANumber } else { Scalar::Str(v) })
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Num(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Num(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Num(v as f64))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Compound)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Compound)
            }
        }
        d.deserialize_any(V)
    }
}

impl Scalar {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// The fields of an event's `data` that any bucket type Mast reads uses.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Data {
    pub app: Option<Scalar>,
    pub title: Option<Scalar>,
    pub status: Option<Scalar>,
    pub url: Option<Scalar>,
    pub incognito: Option<Scalar>,
}

/// One event as read, fields unchecked.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct RawEvent {
    pub timestamp: Option<Scalar>,
    pub duration: Option<Scalar>,
    pub data: Option<Slot<Data>>,
}

/// An object of type `T`, or whatever else stood where one was expected.
#[derive(Clone, Debug, PartialEq)]
pub enum Slot<T> {
    Object(T),
    NotAnObject,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Slot<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Slot<T>, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Slot<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Slot<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Slot::Object)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<T>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Slot::NotAnObject)
            }
            fn visit_str<E>(self, _: &str) -> Result<Slot<T>, E> {
                Ok(Slot::NotAnObject)
            }
            fn visit_string<E>(self, _: String) -> Result<Slot<T>, E> {
                Ok(Slot::NotAnObject)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Slot<T>, E> {
                Ok(Slot::NotAnObject)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Slot<T>, E> {
                Ok(Slot::NotAnObject)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Slot<T>, E> {
                Ok(Slot::NotAnObject)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Slot<T>, E> {
                Ok(Slot::NotAnObject)
            }
            fn visit_unit<E>(self) -> Result<Slot<T>, E> {
                Ok(Slot::NotAnObject)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A bucket's header fields, known once the whole bucket has been read (JSON does not
/// order keys: `type` may come after `events`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BucketInfo {
    pub id: String,
    pub kind: Option<String>,
    pub hostname: Option<String>,
    pub events: u64,
}

/// Receives what the reader finds, in file order. An `Err` stops the reading; the sink
/// keeps the error itself and the reader reports it as given.
pub trait Sink {
    /// `bucket` numbers buckets in file order from 0.
    fn event(&mut self, bucket: usize, event: Slot<RawEvent>) -> Result<(), ()>;
    fn bucket_end(&mut self, bucket: usize, info: BucketInfo);
}

/// A file-level problem: where it is and what it is.
#[derive(Debug)]
pub enum ParseError {
    Io(io::Error),
    /// A string longer than [`MAX_STRING_BYTES`] starting at this byte offset.
    StringTooLong {
        offset: u64,
    },
    /// Arrays and objects nested deeper than [`MAX_DEPTH`], at this byte offset.
    TooDeep {
        offset: u64,
    },
    /// Invalid or truncated JSON, too deep nesting, or a wrong structure, at this line and
    /// column (serde_json's message says which).
    Json {
        message: String,
        line: usize,
        column: usize,
        eof: bool,
    },
    NoBuckets,
    /// The sink stopped the reading; it holds the reason.
    Stopped,
}

/// What the reading mended, for the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mended {
    /// Lone surrogate escapes replaced by U+FFFD.
    pub surrogates: u64,
}

/// Reads the whole export, handing every event and bucket to `sink`. `progress` is told
/// the number of bytes read so far, after each block.
pub fn read(source: impl Read, sink: &mut impl Sink, progress: &mut dyn FnMut(u64)) -> Result<Mended, ParseError> {
    let mut scanner = io::BufReader::with_capacity(256 * 1024, Scanner::new(Mend::new(source), progress));
    let mut found = false;
    let result = {
        let mut de = serde_json::Deserializer::from_reader(&mut scanner);
        let r = Root { sink: &mut *sink, found: &mut found }.deserialize(&mut de);
        r.and_then(|()| de.end())
    };
    match result {
        Ok(()) if !found => Err(ParseError::NoBuckets),
        Ok(()) => Ok(Mended { surrogates: scanner.get_ref().inner.surrogates }),
        Err(e) => {
            match scanner.get_ref().stop {
                Some(Stop::StringTooLong(offset)) => return Err(ParseError::StringTooLong { offset }),
                Some(Stop::TooDeep(offset)) => return Err(ParseError::TooDeep { offset }),
                None => {}
            }
            if e.is_io() {
                return Err(ParseError::Io(io::Error::other(e.to_string())));
            }
            if e.to_string().starts_with(STOPPED) {
                return Err(ParseError::Stopped);
            }
            Err(ParseError::Json { message: e.to_string(), line: e.line(), column: e.column(), eof: e.is_eof() })
        }
    }
}

const STOPPED: &str = "mast: stopped by the importer";

struct Root<'a, S> {
    sink: &'a mut S,
    found: &'a mut bool,
}

impl<'de, S: Sink> DeserializeSeed<'de> for Root<'_, S> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for Root<'_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an ActivityWatch export: a JSON object with \"buckets\"")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "buckets" && !*self.found {
                *self.found = true;
                map.next_value_seed(Buckets { sink: &mut *self.sink })?;
            } else if key == "buckets" {
                return Err(de::Error::custom("\"buckets\" appears twice"));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct Buckets<'a, S> {
    sink: &'a mut S,
}

impl<'de, S: Sink> DeserializeSeed<'de> for Buckets<'_, S> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for Buckets<'_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("\"buckets\" as an object of buckets by id")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(id) = map.next_key::<String>()? {
            map.next_value_seed(Bucket { sink: &mut *self.sink, index, id })?;
            index += 1;
        }
        Ok(())
    }
}

struct Bucket<'a, S> {
    sink: &'a mut S,
    index: usize,
    id: String,
}

impl<'de, S: Sink> DeserializeSeed<'de> for Bucket<'_, S> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for Bucket<'_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "bucket {:?} as an object", self.id)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut info = BucketInfo { id: self.id, ..BucketInfo::default() };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => info.kind = map.next_value::<Scalar>()?.as_str().map(str::to_owned),
                "hostname" => info.hostname = map.next_value::<Scalar>()?.as_str().map(str::to_owned),
                "events" => {
                    info.events += map.next_value_seed(Events { sink: &mut *self.sink, bucket: self.index })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        self.sink.bucket_end(self.index, info);
        Ok(())
    }
}

struct Events<'a, S> {
    sink: &'a mut S,
    bucket: usize,
}

impl<'de, S: Sink> DeserializeSeed<'de> for Events<'_, S> {
    type Value = u64;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for Events<'_, S> {
    type Value = u64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("\"events\" as an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut n = 0;
        while let Some(event) = seq.next_element::<Slot<RawEvent>>()? {
            n += 1;
            if self.sink.event(self.bucket, event).is_err() {
                return Err(de::Error::custom(STOPPED));
            }
        }
        Ok(n)
    }
}

/// Why the scanner stopped the bytes, and where.
enum Stop {
    StringTooLong(u64),
    TooDeep(u64),
}

/// The file's bytes on their way to serde_json, watched block by block as the buffer
/// above it fills: it counts them for progress, stops a string longer than
/// [`MAX_STRING_BYTES`] before serde_json buffers all of it, and nesting deeper than
/// [`MAX_DEPTH`]. It sits below a `BufReader` because serde_json reads a byte at a time,
/// which std serves fast from a `BufReader`'s buffer.
struct Scanner<'p, R> {
    inner: R,
    /// Bytes read so far: the offset of the next block's first byte.
    offset: u64,
    in_string: bool,
    escaped: bool,
    string_len: usize,
    depth: usize,
    stop: Option<Stop>,
    progress: &'p mut dyn FnMut(u64),
}

impl<'p, R: Read> Scanner<'p, R> {
    fn new(inner: R, progress: &'p mut dyn FnMut(u64)) -> Self {
        Scanner { inner, offset: 0, in_string: false, escaped: false, string_len: 0, depth: 0, stop: None, progress }
    }

    /// Follows strings and nesting through `block`, which starts at `self.offset`.
    fn scan(&mut self, block: &[u8]) -> Option<Stop> {
        for (i, &b) in block.iter().enumerate() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
                self.string_len += 1;
                if self.string_len > MAX_STRING_BYTES {
                    return Some(Stop::StringTooLong(self.offset + i as u64 - self.string_len as u64));
                }
            } else {
                match b {
                    b'"' => {
                        self.in_string = true;
                        self.string_len = 0;
                    }
                    b'[' | b'{' => {
                        self.depth += 1;
                        if self.depth > MAX_DEPTH {
                            return Some(Stop::TooDeep(self.offset + i as u64));
                        }
                    }
                    // Unbalanced brackets are serde_json's to report.
                    b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                    _ => {}
                }
            }
        }
        None
    }
}

impl<R: Read> Read for Scanner<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.stop.is_some() {
            // serde_json may ask again after an error; the first one stands.
            return Err(io::Error::new(io::ErrorKind::InvalidData, "stopped"));
        }
        let n = self.inner.read(out)?;
        if let Some(stop) = self.scan(&out[..n]) {
            self.stop = Some(stop);
            // What serde_json has not been given yet cannot be half-parsed: refuse it all.
            return Err(io::Error::new(io::ErrorKind::InvalidData, "refused"));
        }
        self.offset += n as u64;
        (self.progress)(self.offset);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default)]
    struct Collect {
        events: Vec<(usize, Slot<RawEvent>)>,
        buckets: Vec<BucketInfo>,
    }

    impl Sink for Collect {
        fn event(&mut self, bucket: usize, event: Slot<RawEvent>) -> Result<(), ()> {
            self.events.push((bucket, event));
            Ok(())
        }
        fn bucket_end(&mut self, _: usize, info: BucketInfo) {
            self.buckets.push(info);
        }
    }

    fn parse(text: &str) -> Result<Collect, ParseError> {
        let mut c = Collect::default();
        read(text.as_bytes(), &mut c, &mut |_| {})?;
        Ok(c)
    }

    #[test]
    fn buckets_and_events_stream_whatever_the_key_order() {
        let c = parse(
            r#"{"buckets": {"w": {"events": [
                 {"timestamp": "2026-01-01T00:00:00Z", "duration": 1.5, "data": {"app": "x", "title": "t", "extra": [1, {"a": 2}]}},
                 7,
                 {"data": "nope", "duration": "long"}
               ], "type": "currentwindow", "hostname": "h"},
               "a": {"type": "afkstatus", "events": []}}, "other": null}"#,
        )
        .unwrap();
        assert_eq!(c.buckets.len(), 2);
        assert_eq!(
            c.buckets[0],
            BucketInfo { id: "w".into(), kind: Some("currentwindow".into()), hostname: Some("h".into()), events: 3 }
        );
        let Slot::Object(first) = &c.events[0].1 else { panic!() };
        assert_eq!(first.duration, Some(Scalar::Num(1.5)));
        let Some(Slot::Object(data)) = &first.data else { panic!() };
        assert_eq!(data.app, Some(Scalar::Str("x".into())));
        assert_eq!(c.events[1].1, Slot::NotAnObject);
        let Slot::Object(third) = &c.events[2].1 else { panic!() };
        assert_eq!(third.data, Some(Slot::NotAnObject));
        assert_eq!(third.duration, Some(Scalar::Str("long".into())));
    }

    #[test]
    fn file_level_problems_fail_with_a_position() {
        let full = r#"{"buckets": {"w": {"type": "currentwindow", "events": [{"duration": 1}]}}}"#;
        match parse(&full[..full.len() - 5]) {
            Err(ParseError::Json { eof: true, line: 1, .. }) => {}
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse("[1, 2]"), Err(ParseError::Json { .. })));
        assert!(matches!(parse("not json"), Err(ParseError::Json { .. })));
        assert!(matches!(parse(r#"{"other": 1}"#), Err(ParseError::NoBuckets)));
        assert!(matches!(parse(&format!("{full} x")), Err(ParseError::Json { .. })));
        let deep =
            format!(r#"{{"buckets": {{"w": {{"events": [{{"data": {}1{}}}]}}}}}}"#, "[".repeat(500), "]".repeat(500));
        match parse(&deep) {
            Err(ParseError::TooDeep { offset }) => {
                let opening = deep.char_indices().filter(|&(_, c)| c == '[' || c == '{').nth(MAX_DEPTH).unwrap();
                assert_eq!(offset, opening.0 as u64);
            }
            other => panic!("{other:?}"),
        }
    }

    /// Regression: one title with a lone surrogate escape (what Python's `json` writes for
    /// undecodable text) failed the whole file, and a bare `NaN` failed it with a vague
    /// message. The title is kept with U+FFFD; the `NaN` reaches the sink as a value.
    #[test]
    fn python_exports_with_lone_surrogates_and_nan_are_read() {
        let c = parse(
            r#"{"buckets": {"w": {"type": "currentwindow", "events": [
                 {"duration": NaN, "data": {"app": "x", "title": "caf\udce9 \ud83d\ude00"}},
                 {"duration": Infinity, "data": {"app": "\ud800"}},
                 {"duration": -Infinity, "data": {"app": "y"}, "extra": [NaN]},
                 {"duration": 2, "data": {"app": "z", "title": "NaN"}}
               ]}}}"#,
        )
        .unwrap();
        let events: Vec<&RawEvent> = c
            .events
            .iter()
            .map(|(_, e)| match e {
                Slot::Object(e) => e,
                Slot::NotAnObject => panic!(),
            })
            .collect();
        let data = |e: &RawEvent| match &e.data {
            Some(Slot::Object(d)) => d.clone(),
            _ => panic!(),
        };
        assert_eq!(events[0].duration, Some(Scalar::NotANumber));
        assert_eq!(data(events[0]).title, Some(Scalar::Str("caf\u{fffd} \u{1f600}".into())));
        assert_eq!(events[1].duration, Some(Scalar::NotANumber));
        assert_eq!(data(events[1]).app, Some(Scalar::Str("\u{fffd}".into())));
        assert_eq!(events[2].duration, Some(Scalar::NotANumber));
        assert_eq!(events[3].duration, Some(Scalar::Num(2.0)));
        assert_eq!(data(events[3]).title, Some(Scalar::Str("NaN".into())));
        let mut sink = Collect::default();
        let text = r#"{"buckets": {"w": {"events": [{"data": {"title": "\udcff\udcfe"}}]}}}"#;
        assert_eq!(read(text.as_bytes(), &mut sink, &mut |_| {}).unwrap(), Mended { surrogates: 2 });
    }

    #[test]
    fn a_huge_string_fails_before_it_is_buffered() {
        let text = format!(
            r#"{{"buckets": {{"w": {{"events": [{{"data": {{"title": "{}"}}}}]}}}}}}"#,
            "a".repeat(MAX_STRING_BYTES + 1)
        );
        match parse(&text) {
            Err(ParseError::StringTooLong { offset }) => assert_eq!(offset, text.find("aaa").unwrap() as u64 - 1),
            other => panic!("{other:?}"),
        }
        // Escaped quotes do not end a string early; a string just under the limit is fine.
        let ok =
            format!(r#"{{"buckets": {{"w": {{"events": [{{"data": {{"title": "\"{}"}}}}]}}}}}}"#, "a".repeat(1000));
        assert!(parse(&ok).is_ok());
    }
}
