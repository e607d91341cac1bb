//! Device keys and signed files. Each device has its own ed25519 key, made on joining and
//! kept in the data dir (0600); every file it writes into the folder is signed with it, so
//! that a member who knows the passphrase still cannot write in another device's name.
//!
//! A signed file's text (before it is sealed) is JSON: `{"body": "<the content as JSON
//! text>", "sig": "<hex>"}`. The signature covers a context string, the family's id, the
//! file's name and the body's bytes, so a signature cannot be moved to another file.

use super::crypto::FamilyId;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

const CONTEXT: &[u8] = b"mast family file v1\0";
const CHANGE_CONTEXT: &[u8] = b"mast family change v1\0";

pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn from_hex_vec(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()).collect()
}

/// This device's signing key.
pub struct DeviceKey(SigningKey);

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeviceKey({})", self.public())
    }
}

impl DeviceKey {
    pub fn generate() -> DeviceKey {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the operating system's random numbers");
        DeviceKey(SigningKey::from_bytes(&secret))
    }

    pub fn from_secret(secret: &[u8; 32]) -> DeviceKey {
        DeviceKey(SigningKey::from_bytes(secret))
    }

    pub fn secret(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public key, hex: the device's identity in the family.
    pub fn public(&self) -> String {
        to_hex(self.0.verifying_key().as_bytes())
    }

    /// Signs one change (its JSON text) as this device's.
    pub fn sign_change(&self, family: FamilyId, body: &str) -> super::model::SignedChange {
        let sig = self.0.sign(&change_message(family, body));
        super::model::SignedChange { author: self.public(), body: body.to_owned(), sig: to_hex(&sig.to_bytes()) }
    }

    pub fn sign(&self, family: FamilyId, name: &str, body: &str) -> SignedFile {
        let sig = self.0.sign(&message(family, name, body));
        SignedFile { body: body.to_owned(), sig: to_hex(&sig.to_bytes()) }
    }
}

/// The short id of a device: the first 16 hex digits of its public key, its folder's name.
pub fn short_id(public: &str) -> &str {
    &public[..public.len().min(16)]
}

fn message(family: FamilyId, name: &str, body: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(CONTEXT.len() + 16 + name.len() + 1 + body.len());
    m.extend_from_slice(CONTEXT);
    m.extend_from_slice(&family.0);
    m.extend_from_slice(name.as_bytes());
    m.push(0);
    m.extend_from_slice(body.as_bytes());
    m
}

fn change_message(family: FamilyId, body: &str) -> Vec<u8> {
    [CHANGE_CONTEXT, &family.0, body.as_bytes()].concat()
}

/// Whether `public` (hex) signed `message`.
fn verify(public: &str, sig: &str, message: &[u8]) -> bool {
    let Some(key) = from_hex_vec(public).and_then(|k| <[u8; 32]>::try_from(k).ok()) else {
        return false;
    };
    let Some(sig) = from_hex_vec(sig).and_then(|s| <[u8; 64]>::try_from(s).ok()) else {
        return false;
    };
    let Ok(key) = VerifyingKey::from_bytes(&key) else {
        return false;
    };
    key.verify(message, &Signature::from_bytes(&sig)).is_ok()
}

/// Whether a change was signed by the author it names, in this family.
pub fn verify_change(family: FamilyId, change: &super::model::SignedChange) -> bool {
    verify(&change.author, &change.sig, &change_message(family, &change.body))
}

/// A file's content and its signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedFile {
    pub body: String,
    pub sig: String,
}

impl SignedFile {
    /// Whether `public` (hex) signed this as file `name` of `family`.
    pub fn verify(&self, family: FamilyId, name: &str, public: &str) -> bool {
        verify(public, &self.sig, &message(family, name, &self.body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_only_for_its_key_file_and_body() {
        let family = FamilyId([7; 16]);
        let key = DeviceKey::generate();
        let other = DeviceKey::generate();
        let signed = key.sign(family, "devices/a/changes.mast", "{\"x\":1}");
        assert!(signed.verify(family, "devices/a/changes.mast", &key.public()));
        assert!(!signed.verify(family, "devices/a/changes.mast", &other.public()));
        assert!(!signed.verify(family, "devices/b/changes.mast", &key.public()));
        assert!(!signed.verify(FamilyId([8; 16]), "devices/a/changes.mast", &key.public()));
        let forged = SignedFile { body: "{\"x\":2}".into(), ..signed.clone() };
        assert!(!forged.verify(family, "devices/a/changes.mast", &key.public()));
        assert!(!signed.verify(family, "devices/a/changes.mast", "not hex"));
        let again = DeviceKey::from_secret(&key.secret());
        assert_eq!(again.public(), key.public());

        let change = key.sign_change(family, "{\"seq\":1}");
        assert!(verify_change(family, &change));
        assert!(!verify_change(FamilyId([8; 16]), &change));
        assert!(!verify_change(
            family,
            &super::super::model::SignedChange { author: other.public(), ..change.clone() }
        ));
        assert!(!verify_change(family, &super::super::model::SignedChange { body: "{\"seq\":2}".into(), ..change }));
    }
}
