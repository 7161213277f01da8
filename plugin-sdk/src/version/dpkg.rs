//! Debian version ordering (`dpkg --compare-versions`).

use std::cmp::Ordering;

use super::{cmp_numeric, split_digits};

/// Compare two Debian versions `[epoch:]upstream[-revision]`.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (ea, ua, ra) = split(a);
    let (eb, ub, rb) = split(b);
    cmp_numeric(ea.as_bytes(), eb.as_bytes())
        .then_with(|| verrevcmp(ua.as_bytes(), ub.as_bytes()))
        .then_with(|| verrevcmp(ra.as_bytes(), rb.as_bytes()))
}

/// Epoch (default `0`), upstream version, revision (default empty).
fn split(version: &str) -> (&str, &str, &str) {
    let version = version.trim();
    let (epoch, rest) = match version.split_once(':') {
        Some((epoch, rest)) if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) => {
            (epoch, rest)
        }
        _ => ("0", version),
    };
    match rest.rsplit_once('-') {
        Some((upstream, revision)) => (epoch, upstream, revision),
        None => (epoch, rest, ""),
    }
}

/// Weight of a non-digit character: `~` sorts before everything, even the
/// end of the string; letters before other symbols.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`: alternate non-digit runs (compared by `order`) and
/// digit runs (compared numerically).
fn verrevcmp(mut a: &[u8], mut b: &[u8]) -> Ordering {
    while !a.is_empty() || !b.is_empty() {
        while a.first().is_some_and(|c| !c.is_ascii_digit())
            || b.first().is_some_and(|c| !c.is_ascii_digit())
        {
            let (ac, bc) = (order(a.first().copied()), order(b.first().copied()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            a = a.get(1..).unwrap_or_default();
            b = b.get(1..).unwrap_or_default();
        }
        let (da, rest_a) = split_digits(a);
        let (db, rest_b) = split_digits(b);
        let ordering = cmp_numeric(da, db);
        if ordering != Ordering::Equal {
            return ordering;
        }
        a = rest_a;
        b = rest_b;
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn matches_dpkg_compare_versions() {
        let cases = [
            ("1.0", "1.0", Equal),
            ("1.0", "1.1", Less),
            ("1.10", "1.9", Greater),
            ("1:1.0", "2.0", Greater),
            ("0:1.0", "1.0", Equal),
            ("1.0~rc1", "1.0", Less),
            ("1.0~~", "1.0~", Less),
            ("1.0~", "1.0", Less),
            ("1.0", "1.0+b1", Less),
            ("1.0a", "1.0", Greater),
            ("1.0-1", "1.0-2", Less),
            ("1.0-1", "1.0", Greater),
            ("2.30-1ubuntu1", "2.30-1", Greater),
            ("1:3.0.11-1~deb12u2", "1:3.0.11-1", Less),
            ("1:3.0.13-1~deb12u1", "1:3.0.11-1~deb12u2", Greater),
            ("5.2.15-2+b2", "5.2.15-2", Greater),
            ("1.2.3-4-5", "1.2.3-4-4", Greater),
            ("001", "1", Equal),
            ("1.0.a", "1.0.+", Less),
            ("7.88.1-10+deb12u5", "7.88.1-10+deb12u12", Less),
        ];
        for (a, b, expected) in cases {
            assert_eq!(compare(a, b), expected, "{a} vs {b}");
            assert_eq!(compare(b, a), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn splits_epoch_and_revision() {
        assert_eq!(split("2:1.2-3-4"), ("2", "1.2-3", "4"));
        assert_eq!(split("1.2"), ("0", "1.2", ""));
        assert_eq!(split("a:1"), ("0", "a:1", ""));
    }
}
