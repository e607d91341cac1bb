//! The family folder's encryption: every file a device writes there is sealed with a key
//! derived from the family passphrase, so that the sync tool, and anyone else with access to
//! the folder but not the passphrase, learns nothing but file sizes and times.
//!
//! - Key: Argon2id over the passphrase with the family's random salt and cost parameters
//!   (from the family's public header file; defaults: 64 MiB, 3 passes, 1 lane), 32 bytes.
//! - Seal: XChaCha20-Poly1305 with a random 24-byte nonce per file. The authenticated data
//!   is the file's header (magic, format version, the family's id) and the file's name in
//!   the folder, so a file moved to another name, or copied into another family's folder,
//!   fails to open even when both families share a passphrase.
//! - The family header carries a key check: a fixed text sealed under the key, so that a
//!   wrong passphrase is told apart from a damaged file.
//!
//! A sealed file: `MASTFAM` `\0` | version (1 byte) | family id (16 bytes) | nonce (24) |
//! ciphertext with its 16-byte tag. Opening one checks, in order: length, magic, version
//! (a newer one is refused, "upgrade Mast"), family, then authenticity.

use super::signing::to_hex;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};

pub const MAGIC: &[u8; 8] = b"MASTFAM\0";
/// The sealed-file format this Mast writes and reads.
pub const VERSION: u8 = 1;
const ID_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = MAGIC.len() + 1 + ID_LEN + NONCE_LEN;
/// What the key check seals.
const CHECK_TEXT: &[u8] = b"mast family key check";
const CHECK_NAME: &str = "family.json#check";

/// A family's id: random, public, in every file's header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FamilyId(#[serde(with = "hex16")] pub [u8; ID_LEN]);

impl std::fmt::Display for FamilyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

mod hex16 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8; 16], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.iter().map(|b| format!("{b:02x}")).collect::<String>())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 16], D::Error> {
        let s = String::deserialize(d)?;
        super::from_hex(&s).ok_or_else(|| serde::de::Error::custom("expected 32 hex digits"))
    }
}

fn from_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Argon2id's cost, stored in the family header so that every device derives the same key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KdfParams {
    pub memory_kib: u32,
    pub passes: u32,
    pub lanes: u32,
}

impl Default for KdfParams {
    /// OWASP's first Argon2id choice is 19 MiB × 2; Mast derives the key once per process,
    /// so it affords more.
    fn default() -> Self {
        KdfParams { memory_kib: 64 * 1024, passes: 3, lanes: 1 }
    }
}

impl KdfParams {
    /// Refuses costs a hostile header could use to exhaust memory or time, and costs too low
    /// to protect a passphrase.
    fn check(&self) -> Result<(), OpenError> {
        let ok = (8 * 1024..=1024 * 1024).contains(&self.memory_kib)
            && (1..=16).contains(&self.passes)
            && (1..=8).contains(&self.lanes);
        if ok {
            Ok(())
        } else {
            Err(OpenError::BadHeader(format!("its key parameters {self:?} are out of range")))
        }
    }
}

/// The family's public header (`family.json` in the folder): what every device needs to
/// derive the key, and the key check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FamilyHeader {
    pub format: u8,
    pub id: FamilyId,
    /// Argon2id salt, hex.
    pub salt: String,
    pub kdf: KdfParams,
    /// The creator device's public key, hex. The id is derived from it (and the salt), so a
    /// header naming another creator names another family.
    pub creator: String,
    /// [`CHECK_TEXT`] sealed under the key, hex.
    pub key_check: String,
}

/// Why a sealed file (or the header) cannot be opened. Each says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("it is cut short ({0} bytes); wait for the sync tool to finish, or remove it if it stays so")]
    Truncated(usize),
    #[error("it is not a Mast family file")]
    NotMast,
    #[error("it was written by a newer Mast (format {0}); upgrade Mast on this device")]
    Newer(u8),
    #[error("it belongs to another family ({0}); it was copied into the wrong folder")]
    Foreign(FamilyId),
    #[error("it was changed or damaged after it was written (it fails authentication); it is ignored")]
    Tampered,
    #[error("the passphrase is wrong")]
    WrongPassphrase,
    #[error("the family header is not valid: {0}")]
    BadHeader(String),
}

/// The derived key of one family.
pub struct FamilyKey {
    id: FamilyId,
    raw: [u8; 32],
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for FamilyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FamilyKey({})", self.id)
    }
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random numbers");
    b
}

/// A family's id: the first 16 bytes of SHA-256 over the creator's public key and the salt.
fn family_id(creator: &str, salt: &[u8; 16]) -> FamilyId {
    use sha2::{Digest, Sha256};
    let digest =
        Sha256::new().chain_update(b"mast family id\0").chain_update(creator.as_bytes()).chain_update(salt).finalize();
    FamilyId(digest[..ID_LEN].try_into().expect("SHA-256 is 32 bytes"))
}

fn derive(passphrase: &str, salt: &[u8], kdf: KdfParams) -> Result<[u8; 32], OpenError> {
    let params = argon2::Params::new(kdf.memory_kib, kdf.passes, kdf.lanes, Some(32))
        .map_err(|e| OpenError::BadHeader(format!("its key parameters are not usable ({e})")))?;
    let mut key = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, &mut key)
        .map_err(|e| OpenError::BadHeader(format!("cannot derive the key ({e})")))?;
    Ok(key)
}

impl FamilyKey {
    /// A new family: a random id and salt, the key, and the header to publish.
    pub fn create(passphrase: &str, kdf: KdfParams, creator: &str) -> Result<(FamilyKey, FamilyHeader), OpenError> {
        kdf.check()?;
        let salt: [u8; 16] = random();
        let id = family_id(creator, &salt);
        let key = FamilyKey::from_raw(id, derive(passphrase, &salt, kdf)?);
        let check = key.seal(CHECK_NAME, CHECK_TEXT);
        let header = FamilyHeader {
            format: VERSION,
            id,
            salt: to_hex(&salt),
            kdf,
            creator: creator.to_owned(),
            key_check: to_hex(&check),
        };
        Ok((key, header))
    }

    /// A key kept on this device (see [`FamilyKey::raw`]).
    pub fn from_raw(id: FamilyId, raw: [u8; 32]) -> FamilyKey {
        FamilyKey { id, raw, cipher: XChaCha20Poly1305::new(Key::from_slice(&raw)) }
    }

    /// The derived key's bytes, for the device's own key file (0600): syncing then needs
    /// no passphrase.
    pub fn raw(&self) -> [u8; 32] {
        self.raw
    }

    /// The key of an existing family, checked against the header's key check.
    pub fn unlock(passphrase: &str, header: &FamilyHeader) -> Result<FamilyKey, OpenError> {
        if header.format > VERSION {
            return Err(OpenError::Newer(header.format));
        }
        header.kdf.check()?;
        let salt: [u8; 16] =
            from_hex(&header.salt).ok_or_else(|| OpenError::BadHeader("its salt is not 32 hex digits".into()))?;
        let check = super::signing::from_hex_vec(&header.key_check)
            .ok_or_else(|| OpenError::BadHeader("its key check is not hex".into()))?;
        if family_id(&header.creator, &salt) != header.id {
            return Err(OpenError::BadHeader("its id does not belong to its creator's key".into()));
        }
        let key = FamilyKey::from_raw(header.id, derive(passphrase, &salt, header.kdf)?);
        match key.open(CHECK_NAME, &check) {
            Ok(text) if text == CHECK_TEXT => Ok(key),
            Err(OpenError::Tampered) | Ok(_) => Err(OpenError::WrongPassphrase),
            Err(e) => Err(e),
        }
    }

    pub fn family(&self) -> FamilyId {
        self.id
    }

    fn aad(header: &[u8], name: &str) -> Vec<u8> {
        let mut aad = header.to_vec();
        aad.extend_from_slice(name.as_bytes());
        aad
    }

    /// Seals `plain` as the file `name` (its path in the folder).
    pub fn seal(&self, name: &str, plain: &[u8]) -> Vec<u8> {
        let nonce: [u8; NONCE_LEN] = random();
        let mut out = Vec::with_capacity(HEADER_LEN + plain.len() + TAG_LEN);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&self.id.0);
        out.extend_from_slice(&nonce);
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad: &Self::aad(&out, name) })
            .expect("XChaCha20-Poly1305 seals any length a file can have");
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens the file `name` sealed by a device of this family.
    pub fn open(&self, name: &str, bytes: &[u8]) -> Result<Vec<u8>, OpenError> {
        if bytes.len() < MAGIC.len() {
            return Err(if MAGIC.starts_with(bytes) { OpenError::Truncated(bytes.len()) } else { OpenError::NotMast });
        }
        if &bytes[..MAGIC.len()] != MAGIC {
            return Err(OpenError::NotMast);
        }
        if bytes.len() < HEADER_LEN + TAG_LEN {
            return Err(OpenError::Truncated(bytes.len()));
        }
        let version = bytes[MAGIC.len()];
        if version > VERSION {
            return Err(OpenError::Newer(version));
        }
        let id = FamilyId(bytes[MAGIC.len() + 1..MAGIC.len() + 1 + ID_LEN].try_into().expect("16 bytes"));
        if id != self.id {
            return Err(OpenError::Foreign(id));
        }
        let (header, sealed) = bytes.split_at(HEADER_LEN);
        let nonce = XNonce::from_slice(&header[HEADER_LEN - NONCE_LEN..]);
        self.cipher
            .decrypt(nonce, Payload { msg: sealed, aad: &Self::aad(header, name) })
            .map_err(|_| OpenError::Tampered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cheap enough for tests; production uses [`KdfParams::default`].
    pub const FAST: KdfParams = KdfParams { memory_kib: 8 * 1024, passes: 1, lanes: 1 };
    const CREATOR: &str = "5a1e";

    #[test]
    fn a_sealed_file_opens_with_the_passphrase_and_hides_its_text() {
        let (key, header) = FamilyKey::create("correct horse battery staple", FAST, CREATOR).unwrap();
        let plain = b"{\"goal\": \"instagram 30 min a day\"}";
        let sealed = key.seal("goals/device-a/0001.json", plain);
        assert!(!sealed.windows(9).any(|w| w == b"instagram"), "the text is not in the file");
        assert_eq!(sealed.len(), HEADER_LEN + plain.len() + TAG_LEN);
        let again = FamilyKey::unlock("correct horse battery staple", &header).unwrap();
        assert_eq!(again.open("goals/device-a/0001.json", &sealed).unwrap(), plain);
        // The header survives JSON, as it is stored.
        let header: FamilyHeader = serde_json::from_str(&serde_json::to_string(&header).unwrap()).unwrap();
        assert_eq!(FamilyKey::unlock("correct horse battery staple", &header).unwrap().family(), key.family());
    }

    #[test]
    fn every_kind_of_bad_file_is_refused_with_its_reason() {
        let (key, header) = FamilyKey::create("pass", FAST, CREATOR).unwrap();
        let sealed = key.seal("a.json", b"hello family");

        assert_eq!(FamilyKey::unlock("wrong", &header).unwrap_err(), OpenError::WrongPassphrase);
        for i in [0, 8, 9, 30, HEADER_LEN, sealed.len() - 1] {
            let mut flipped = sealed.clone();
            flipped[i] ^= 0x01;
            let e = key.open("a.json", &flipped).unwrap_err();
            let want = match i {
                0 => OpenError::NotMast,
                8 => OpenError::Tampered, // version 0 is not newer: authentication fails
                9 => OpenError::Foreign(FamilyId({
                    let mut id = key.family().0;
                    id[0] ^= 0x01;
                    id
                })),
                _ => OpenError::Tampered,
            };
            assert_eq!(e, want, "byte {i}");
        }
        assert_eq!(key.open("b.json", &sealed).unwrap_err(), OpenError::Tampered, "moved to another name");
        assert_eq!(key.open("a.json", &sealed[..20]).unwrap_err(), OpenError::Truncated(20));
        assert_eq!(key.open("a.json", &sealed[..5]).unwrap_err(), OpenError::Truncated(5));
        assert_eq!(key.open("a.json", b"{\"sync\": 1}").unwrap_err(), OpenError::NotMast);
        let mut newer = sealed.clone();
        newer[8] = VERSION + 1;
        assert_eq!(key.open("a.json", &newer).unwrap_err(), OpenError::Newer(VERSION + 1));

        // Another family with the same passphrase cannot read this one's files.
        let (other, _) = FamilyKey::create("pass", FAST, CREATOR).unwrap();
        assert_eq!(other.open("a.json", &sealed).unwrap_err(), OpenError::Foreign(key.family()));

        // A hostile header cannot make a device spend gigabytes or run forever.
        let mut hostile = header.clone();
        hostile.kdf.memory_kib = 64 * 1024 * 1024;
        assert!(matches!(FamilyKey::unlock("pass", &hostile).unwrap_err(), OpenError::BadHeader(_)));
        let mut usurped = header.clone();
        usurped.creator = "0bad".into();
        assert!(matches!(FamilyKey::unlock("pass", &usurped).unwrap_err(), OpenError::BadHeader(_)));
        let mut newer = header;
        newer.format = VERSION + 1;
        assert_eq!(FamilyKey::unlock("pass", &newer).unwrap_err(), OpenError::Newer(VERSION + 1));
    }

    #[test]
    fn the_messages_say_what_to_do() {
        assert!(OpenError::Newer(2).to_string().contains("upgrade Mast"));
        assert!(OpenError::Truncated(3).to_string().contains("wait for the sync tool"));
        assert!(OpenError::WrongPassphrase.to_string().contains("passphrase"));
    }
}
