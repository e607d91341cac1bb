//! The family's fingerprint: a short code, the same on every device of a family, that a
//! joining member compares with the one a member's device shows, as Syncthing users compare
//! device ids. It is what makes trust on first join safe: a member who knows the passphrase
//! can write a `family.json` of their own (naming themselves creator) into the folder, but not
//! one with the family's fingerprint.
//!
//! The code is SHA-256 over every field of the family header (its id, the creator's public
//! key, the salt, the key parameters, the key check and the format), so two headers have the
//! same fingerprint exactly when they are the same header. Its first 80 bits are written in
//! Crockford's base32 (digits and letters without I, L, O, U, which are misread) as four
//! groups of four: `7KQ2-M9XD-4T8C-Q2WN`. Forging a header with a given fingerprint takes
//! about 2^80 tries, out of reach. A typed code is compared ignoring case, dashes and spaces,
//! with O read as 0 and I or L as 1.

use super::crypto::FamilyHeader;
use sha2::{Digest, Sha256};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a fingerprint, without the dashes: 16 × 5 = 80 bits.
const LEN: usize = 16;
const GROUP: usize = 4;

impl FamilyHeader {
    /// This header's fingerprint, `XXXX-XXXX-XXXX-XXXX`.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new().chain_update(b"mast family fingerprint v1\0");
        h.update([self.format]);
        h.update(self.id.0);
        // Each text field with its length first, so no two headers hash the same bytes.
        for text in [&self.creator, &self.salt, &self.key_check] {
            h.update((text.len() as u64).to_le_bytes());
            h.update(text.as_bytes());
        }
        for n in [self.kdf.memory_kib, self.kdf.passes, self.kdf.lanes] {
            h.update(n.to_le_bytes());
        }
        let digest = h.finalize();
        let bits = u128::from_be_bytes(digest[..16].try_into().expect("SHA-256 is 32 bytes"));
        let mut out = String::with_capacity(LEN + LEN / GROUP - 1);
        for i in 0..LEN {
            if i > 0 && i % GROUP == 0 {
                out.push('-');
            }
            let five = (bits >> (123 - 5 * i)) & 0x1f;
            out.push(ALPHABET[five as usize] as char);
        }
        out
    }
}

/// A code as typed, in the fingerprint's characters: `None` when it cannot be one (wrong
/// length, or a character outside the alphabet).
pub fn normalise(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(LEN);
    for c in typed.chars().filter(|c| *c != '-' && !c.is_whitespace()) {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return None;
        }
        out.push(c);
    }
    (out.len() == LEN).then_some(out)
}

/// Whether a typed code is `fingerprint`.
pub fn matches(typed: &str, fingerprint: &str) -> bool {
    normalise(typed).is_some_and(|t| Some(t) == normalise(fingerprint))
}

#[cfg(test)]
mod tests {
    use super::super::crypto::{FamilyKey, KdfParams};
    use super::*;

    const FAST: KdfParams = KdfParams { memory_kib: 8 * 1024, passes: 1, lanes: 1 };

    fn header() -> FamilyHeader {
        FamilyKey::create("correct horse battery staple", FAST, &"ab".repeat(32)).unwrap().1
    }

    #[test]
    fn a_fingerprint_is_four_groups_of_four_unambiguous_characters_and_stable() {
        let h = header();
        let fp = h.fingerprint();
        assert_eq!(fp.len(), 19, "{fp}");
        let groups: Vec<&str> = fp.split('-').collect();
        assert_eq!(groups.len(), 4, "{fp}");
        assert!(groups.iter().all(|g| g.len() == 4), "{fp}");
        assert!(fp.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))), "{fp}");
        assert!(!fp.contains(['I', 'L', 'O', 'U']), "{fp}");
        // The same header gives the same code, on every device and after a round trip through JSON.
        let again: FamilyHeader = serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
        assert_eq!(again.fingerprint(), fp);
        // Two families never share one (80 bits: a collision by chance is out of the question).
        assert_ne!(header().fingerprint(), fp);
    }

    #[test]
    fn every_field_a_forger_could_change_changes_the_fingerprint() {
        let h = header();
        let fp = h.fingerprint();
        type Forgery = fn(&mut FamilyHeader);
        let changes: [(&str, Forgery); 10] = [
            ("id", |h| h.id.0[15] ^= 1),
            ("creator", |h| h.creator = "cd".repeat(32)),
            ("salt", |h| h.salt = "00".repeat(16)),
            ("salt's case", |h| h.salt = h.salt.to_uppercase()),
            ("memory", |h| h.kdf.memory_kib += 1),
            ("passes", |h| h.kdf.passes += 1),
            ("lanes", |h| h.kdf.lanes += 1),
            ("key check", |h| h.key_check.push_str("00")),
            ("format", |h| h.format += 1),
            // Bytes moved from one text field to the next.
            ("a field boundary", |h| {
                let c = h.creator.pop().unwrap();
                h.salt.insert(0, c);
            }),
        ];
        for (what, change) in changes {
            let mut forged = h.clone();
            change(&mut forged);
            assert_ne!(forged, h, "{what}");
            assert_ne!(forged.fingerprint(), fp, "changing the {what} changes the fingerprint");
        }
    }

    #[test]
    fn a_typed_code_matches_whatever_its_case_dashes_and_spaces() {
        let fp = header().fingerprint();
        let bare: String = fp.chars().filter(|c| *c != '-').collect();
        for typed in
            [fp.clone(), fp.to_lowercase(), bare.clone(), format!("  {} ", fp.replace('-', " ")), bare.to_lowercase()]
        {
            assert!(matches(&typed, &fp), "{typed:?} is {fp}");
        }
        // Misread letters are read as the digits they look like.
        assert!(matches("0I1L-0000-0000-0000", "0111-0000-0000-0000"));
        assert!(matches("oooo-iiii-llll-0000", "0000-1111-1111-0000"));
        // Any other code, a code cut short or too long, or one with letters outside the
        // alphabet, does not.
        let mut other = bare.clone().into_bytes();
        other[7] = if other[7] == b'Z' { b'Y' } else { b'Z' };
        assert!(!matches(&String::from_utf8(other).unwrap(), &fp));
        assert!(!matches(&bare[..15], &fp));
        assert!(!matches(&format!("{bare}0"), &fp));
        assert!(!matches("", &fp));
        assert!(!matches("UUUU-UUUU-UUUU-UUUU", "UUUU-UUUU-UUUU-UUUU"), "U is not in the alphabet");
        assert_eq!(normalise("7kq2 m9xd-4t8c-q2wn").as_deref(), Some("7KQ2M9XD4T8CQ2WN"));
        assert_eq!(normalise("7KQ2-M9XD-4T8C-Q2WÑ"), None);
    }
}
