//! TOTP codes (RFC 6238: SHA-1, 6 digits, 30 s), their QR code, and backup codes.

use base64::Engine;
use rand::Rng;
use totp_rs::{Algorithm, Secret, TOTP};

/// Codes from this many steps either side of now are accepted (clock drift).
const SKEW_STEPS: u8 = 2;
const BACKUP_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
pub const BACKUP_CODE_COUNT: usize = 10;

pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill(&mut bytes);
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn totp(secret_base32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_string()).to_bytes().ok()?;
    Some(TOTP::new_unchecked(
        Algorithm::SHA1,
        6,
        SKEW_STEPS,
        30,
        bytes,
        Some("PatchMon".into()),
        account.to_string(),
    ))
}

pub fn otpauth_url(secret_base32: &str, username: &str) -> Option<String> {
    totp(secret_base32, &format!("PatchMon ({username})")).map(|t| t.get_url())
}

/// The time step (unix time / 30) of the code, when it is valid within the allowed drift.
/// Callers refuse a step at or before the last one accepted, so a code works only once.
pub fn verify(secret_base32: &str, code: &str) -> Option<u64> {
    let totp = totp(secret_base32, "user")?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    (-(SKEW_STEPS as i64)..=SKEW_STEPS as i64).find_map(|offset| {
        let time = now.checked_add_signed(offset * 30)?;
        let expected = totp.generate(time);
        crate::crypto::constant_time_eq(expected.as_bytes(), code.as_bytes()).then_some(time / 30)
    })
}

/// The current code (tests and the CLI use it).
pub fn current_code(secret_base32: &str) -> Option<String> {
    totp(secret_base32, "user").and_then(|t| t.generate_current().ok())
}

/// The code for `seconds` from now (negative for the past): what a slightly fast or slow
/// authenticator shows.
pub fn code_in(secret_base32: &str, seconds: i64) -> Option<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Some(totp(secret_base32, "user")?.generate(now.checked_add_signed(seconds)?))
}

pub fn new_backup_codes() -> Vec<String> {
    let mut rng = rand::thread_rng();
    (0..BACKUP_CODE_COUNT)
        .map(|_| {
            (0..6)
                .map(|_| BACKUP_CODE_ALPHABET[rng.gen_range(0..BACKUP_CODE_ALPHABET.len())] as char)
                .collect()
        })
        .collect()
}

/// Backup codes compare trimmed and upper-cased, as users type them.
pub fn normalize_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// A 256-pixel-ish PNG of `text` as a QR code, as a data URL.
pub fn qr_data_url(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let modules = code.width();
    let quiet = 4;
    let scale = (256 / (modules + 2 * quiet)).max(1);
    let size = (modules + 2 * quiet) * scale;
    let colors = code.to_colors();
    let mut pixels = vec![255u8; size * size];
    for y in 0..modules {
        for x in 0..modules {
            if colors[y * modules + x] == qrcode::Color::Dark {
                for dy in 0..scale {
                    let row = (y + quiet) * scale + dy;
                    let start = row * size + (x + quiet) * scale;
                    pixels[start..start + scale].fill(0);
                }
            }
        }
    }
    let mut png_bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png_bytes, size as u32, size as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().ok()?;
        writer.write_image_data(&pixels).ok()?;
    }
    Some(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png_bytes)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_verify_and_qr_renders() {
        let secret = new_secret();
        let code = current_code(&secret).unwrap();
        assert!(verify(&secret, &code).is_some());
        assert!(verify(&secret, "000000").is_none() || code == "000000");
        let url = otpauth_url(&secret, "alice").unwrap();
        assert!(url.starts_with("otpauth://totp/PatchMon:"), "{url}");
        assert!(url.contains("issuer=PatchMon"));
        assert!(qr_data_url(&url)
            .unwrap()
            .starts_with("data:image/png;base64,iVBOR"));
    }

    #[test]
    fn backup_codes_are_distinct_and_well_formed() {
        let codes = new_backup_codes();
        assert_eq!(codes.len(), 10);
        assert!(codes
            .iter()
            .all(|c| c.len() == 6 && c.chars().all(|ch| ch.is_ascii_alphanumeric())));
        assert_eq!(normalize_code(" ab12cd "), "AB12CD");
    }
}
