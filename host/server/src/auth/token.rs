//! HS256 JSON Web Tokens: short-lived access tokens bound to a session, and refresh tokens.

use std::time::Duration;

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ACCESS: &str = "access";
pub const REFRESH: &str = "refresh";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: String,
    pub typ: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(rename = "sessionId")]
    pub session_id: String,
    /// Makes every refresh token unique, so rotation always changes the stored hash.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub jti: String,
}

pub struct Jwt {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for Jwt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Jwt(..)")
    }
}

impl Jwt {
    pub fn new(secret: &str) -> Jwt {
        Jwt {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
        }
    }

    /// Returns the token and its expiry (unix seconds).
    pub fn mint(
        &self,
        typ: &str,
        user_id: &str,
        role: &str,
        session_id: &str,
        ttl: Duration,
    ) -> (String, i64) {
        let iat = chrono::Utc::now().timestamp();
        let exp = iat + ttl.as_secs() as i64;
        let claims = Claims {
            sub: user_id.to_string(),
            role: role.to_string(),
            typ: typ.to_string(),
            exp,
            iat,
            session_id: session_id.to_string(),
            jti: if typ == REFRESH {
                crate::crypto::random_hex(16)
            } else {
                String::new()
            },
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing of plain claims cannot fail");
        (token, exp)
    }

    /// Verifies signature, algorithm, expiry and token type.
    pub fn verify(&self, token: &str, typ: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let claims = decode::<Claims>(token, &self.decoding, &validation)
            .ok()?
            .claims;
        (claims.typ == typ && !claims.sub.is_empty() && !claims.session_id.is_empty())
            .then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_their_type_and_key() {
        let jwt = Jwt::new("test secret that is long enough to sign");
        let (access, _) = jwt.mint(ACCESS, "u1", "admin", "s1", Duration::from_secs(60));
        let claims = jwt.verify(&access, ACCESS).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.session_id.as_str()),
            ("u1", "s1")
        );
        assert!(jwt.verify(&access, REFRESH).is_none());
        assert!(Jwt::new("another secret entirely, also long")
            .verify(&access, ACCESS)
            .is_none());
        let (r1, _) = jwt.mint(REFRESH, "u1", "admin", "s1", Duration::from_secs(60));
        let (r2, _) = jwt.mint(REFRESH, "u1", "admin", "s1", Duration::from_secs(60));
        assert_ne!(r1, r2);
    }
}
