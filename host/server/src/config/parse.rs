//! Parsers for PatchMon's duration (`30m`, `1h`, `7d`) and size (`5mb`, `512kb`) notations.

use std::time::Duration;

/// `<integer><unit>` with unit `s`, `m`, `h` or `d` (case-insensitive, surrounding spaces allowed).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim().to_ascii_lowercase();
    let unit_at = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(unit_at);
    let number: u64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "s" => number,
        "m" => number.checked_mul(60)?,
        "h" => number.checked_mul(3600)?,
        "d" => number.checked_mul(86_400)?,
        _ => return None,
    };
    (seconds > 0).then(|| Duration::from_secs(seconds))
}

pub const KIB: usize = 1024;
pub const MIB: usize = 1024 * 1024;

/// `<number><unit>` with unit `b`, `kb`, `mb` or `gb`; a bare number means megabytes.
pub fn parse_byte_size(text: &str) -> Option<usize> {
    parse_byte_size_in(text, MIB)
}

/// Like [`parse_byte_size`], with a bare number counted in `bare_unit` bytes (PatchMon reads a
/// bare `AGENT_PING_BODY_LIMIT` as kilobytes).
pub fn parse_byte_size_in(text: &str, bare_unit: usize) -> Option<usize> {
    let text = text.trim().to_ascii_lowercase();
    let unit_at = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(unit_at);
    let number: usize = number.parse().ok()?;
    let factor = match unit.trim() {
        "" => bare_unit,
        "mb" => MIB,
        "b" => 1,
        "kb" => 1024,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    number.checked_mul(factor).filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration(" 30M "), Some(Duration::from_secs(1800)));
        assert_eq!(parse_duration("7d"), Some(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_duration("45s"), Some(Duration::from_secs(45)));
        assert_eq!(parse_duration("3600"), None);
        assert_eq!(parse_duration("1w"), None);
        assert_eq!(parse_duration("0h"), None);
        assert_eq!(parse_duration(""), None);
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(parse_byte_size("5mb"), Some(5 * 1024 * 1024));
        assert_eq!(parse_byte_size("512KB"), Some(512 * 1024));
        assert_eq!(parse_byte_size("10"), Some(10 * 1024 * 1024));
        assert_eq!(parse_byte_size("100b"), Some(100));
        assert_eq!(
            parse_byte_size_in("8", KIB),
            Some(8 * 1024),
            "bare ping limit is KB"
        );
        assert_eq!(parse_byte_size_in("2mb", KIB), Some(2 * 1024 * 1024));
        assert_eq!(parse_byte_size("1gb"), Some(1024 * 1024 * 1024));
        assert_eq!(parse_byte_size("lots"), None);
        assert_eq!(parse_byte_size("0mb"), None);
    }
}
