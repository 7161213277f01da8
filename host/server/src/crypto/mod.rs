//! Password hashing, keyed hashes for high-entropy credentials, secrets at rest, random tokens.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("stored secret cannot be decrypted (wrong ENCRYPTION_KEY?)")]
    Decrypt,
}

/// Keys derived once from the configured secrets.
#[derive(Clone)]
pub struct Keys {
    credential_hmac: [u8; 32],
    cipher_key: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

impl Keys {
    /// A 64-hex-character key is used as-is; any other string is stretched with SHA-256.
    pub fn from_encryption_key(key: &str) -> Keys {
        let cipher_key: [u8; 32] = match hex::decode(key.trim()) {
            Ok(bytes) if bytes.len() == 32 => bytes.try_into().unwrap_or_default(),
            _ => Sha256::digest(key.as_bytes()).into(),
        };
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&cipher_key).expect("any key length");
        mac.update(b"patchmon credential hashing");
        Keys {
            credential_hmac: mac.finalize().into_bytes().into(),
            cipher_key,
        }
    }

    /// Keyed SHA-256 of a high-entropy credential (API keys): fast, and useless without the key.
    pub fn credential_hash(&self, secret: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.credential_hmac).expect("any key length");
        mac.update(secret.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Checks a credential against a stored keyed hash, or a bcrypt hash imported from PatchMon.
    pub fn verify_credential(&self, secret: &str, stored: &str) -> bool {
        if is_bcrypt(stored) {
            return bcrypt::verify(secret, stored).unwrap_or(false);
        }
        constant_time_eq(self.credential_hash(secret).as_bytes(), stored.as_bytes())
    }

    /// AES-256-GCM; output is base64(nonce || ciphertext).
    pub fn encrypt(&self, plaintext: &str) -> String {
        let cipher = Aes256Gcm::new_from_slice(&self.cipher_key).expect("32-byte key");
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .expect("in-memory encryption cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        STANDARD.encode(out)
    }

    pub fn decrypt(&self, sealed: &str) -> Result<String, CryptoError> {
        let bytes = STANDARD.decode(sealed).map_err(|_| CryptoError::Decrypt)?;
        if bytes.len() < 12 {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let cipher = Aes256Gcm::new_from_slice(&self.cipher_key).expect("32-byte key");
        let plain = cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Decrypt)
    }
}

/// argon2id with the library's defaults (19 MiB, 2 passes): OWASP's recommended floor.
pub fn hash_password(password: &str) -> Result<String, CryptoError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CryptoError::Hash(e.to_string()))
}

/// Verifies an argon2 hash, or a bcrypt hash carried over from PatchMon.
pub fn verify_password(password: &str, stored: &str) -> bool {
    if is_bcrypt(stored) {
        return bcrypt::verify(password, stored).unwrap_or(false);
    }
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// True when a stored hash should be replaced by an argon2id one at the next successful login.
pub fn needs_rehash(stored: &str) -> bool {
    is_bcrypt(stored)
}

pub fn is_bcrypt(stored: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"]
        .iter()
        .any(|p| stored.starts_with(p))
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

pub fn random_base64url(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip_and_bcrypt_is_accepted() {
        let hash = hash_password("Correct-Horse-1").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("Correct-Horse-1", &hash));
        assert!(!verify_password("correct-horse-1", &hash));
        assert!(!needs_rehash(&hash));

        let legacy = bcrypt::hash("Legacy-Pass-2", 4).unwrap();
        assert!(verify_password("Legacy-Pass-2", &legacy));
        assert!(!verify_password("Legacy-Pass-3", &legacy));
        assert!(needs_rehash(&legacy));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn credential_hashes_are_keyed() {
        let a = Keys::from_encryption_key("first key, long enough to matter");
        let b = Keys::from_encryption_key("second key, long enough to matter");
        let secret = random_hex(32);
        let stored = a.credential_hash(&secret);
        assert!(a.verify_credential(&secret, &stored));
        assert!(!b.verify_credential(&secret, &stored));
        assert!(!a.verify_credential("wrong", &stored));
        let legacy = bcrypt::hash(&secret, 4).unwrap();
        assert!(a.verify_credential(&secret, &legacy));
    }

    #[test]
    fn encryption_round_trips_and_detects_tampering() {
        let keys = Keys::from_encryption_key(&random_hex(32));
        let sealed = keys.encrypt("smtp password");
        assert_ne!(sealed, keys.encrypt("smtp password"), "nonces differ");
        assert_eq!(keys.decrypt(&sealed).unwrap(), "smtp password");
        let other = Keys::from_encryption_key(&random_hex(32));
        assert!(other.decrypt(&sealed).is_err());
        assert!(keys.decrypt("bm9wZQ==").is_err());
    }
}
