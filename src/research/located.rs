//! Where in a protocol file a TOML error is: the field (`anonymisation.min_days`) and the
//! line, found from the error's byte span, so that a wrong type or an unknown key is
//! reported as the researcher wrote it, not only as serde's "invalid type: string, expected
//! i64". The validation after parsing names its fields itself ([`super::protocol`]).

use crate::Error;
use std::path::Path;

/// The protocol error for `err`, a failure to read `text` (the file at `path`) as a protocol.
pub(crate) fn toml_error(path: &Path, text: &str, err: &toml::de::Error) -> Error {
    let message = plain(err.message().trim_end());
    let Some(span) = err.span() else {
        return Error::Invalid(format!("the protocol {} is not valid TOML: {message}", path.display()));
    };
    let start = span.start.min(text.len());
    let line = text[..start].matches('\n').count() + 1;
    match field_at(text, line) {
        Some(field) => {
            Error::Invalid(format!("the protocol {} is not valid: `{field}` (line {line}): {message}", path.display()))
        }
        None => Error::Invalid(format!("the protocol {} is not valid TOML at line {line}: {message}", path.display())),
    }
}

/// serde's names for types, in the words of a protocol file.
fn plain(message: &str) -> String {
    message
        .replace("expected i64", "expected a whole number")
        .replace("expected u32", "expected a whole number")
        .replace("invalid type: ", "")
}

/// The dotted name of the key on line `line` (1-based) of `text`, or of the table whose
/// header that line is: `[period]` then `from = …` is `period.from`. Lines inside multi-line
/// strings are skipped, so a consent text's "[x]" or "a = b" is not taken for TOML.
fn field_at(text: &str, line: usize) -> Option<String> {
    let mut table = String::new();
    let mut in_string: Option<&str> = None;
    for (i, raw) in text.lines().enumerate() {
        let here = i + 1 == line;
        let l = raw.trim();
        if let Some(delim) = in_string {
            if l.matches(delim).count() % 2 == 1 {
                in_string = None;
            }
            if here {
                return None;
            }
            continue;
        }
        if let Some(header) = l.strip_prefix('[') {
            let name = header.trim_start_matches('[').split(']').next().unwrap_or("").trim();
            table = name.split('.').map(str::trim).collect::<Vec<_>>().join(".");
            if here {
                return Some(table);
            }
            continue;
        }
        let key = l.split_once('=').map(|(k, _)| k.split('.').map(|p| p.trim().trim_matches('"')).collect::<Vec<_>>());
        if here {
            let key = key?.join(".");
            if key.is_empty() {
                return None;
            }
            return Some(if table.is_empty() { key } else { format!("{table}.{key}") });
        }
        for delim in ["\"\"\"", "'''"] {
            if l.matches(delim).count() % 2 == 1 {
                in_string = Some(delim);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::field_at;

    #[test]
    fn fields_are_named_by_table_and_key() {
        let text = "study_id = \"x\"\nconsent = \"\"\"\n[not]\na = b\n\"\"\"\n[period]\nfrom = 1\n[targets.categories]\n\"short\" = 2\n";
        assert_eq!(field_at(text, 1).as_deref(), Some("study_id"));
        assert_eq!(field_at(text, 2).as_deref(), Some("consent"));
        assert_eq!(field_at(text, 3), None);
        assert_eq!(field_at(text, 4), None);
        assert_eq!(field_at(text, 6).as_deref(), Some("period"));
        assert_eq!(field_at(text, 7).as_deref(), Some("period.from"));
        assert_eq!(field_at(text, 9).as_deref(), Some("targets.categories.short"));
    }
}
