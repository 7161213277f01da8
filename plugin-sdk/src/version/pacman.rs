//! pacman version ordering (`vercmp`, libalpm's `alpm_pkg_vercmp`).

use std::cmp::Ordering;

use super::cmp_numeric;

/// Compare two `[epoch:]version[-pkgrel]` strings as pacman does.
pub fn compare(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (ea, va, ra) = split_evr(a);
    let (eb, vb, rb) = split_evr(b);
    segment_cmp(ea, eb)
        .then_with(|| segment_cmp(va, vb))
        .then_with(|| match (ra, rb) {
            (Some(ra), Some(rb)) => segment_cmp(ra, rb),
            _ => Ordering::Equal,
        })
}

fn split_evr(evr: &str) -> (&str, &str, Option<&str>) {
    let digits = evr.bytes().take_while(u8::is_ascii_digit).count();
    let (epoch, rest) = if evr.as_bytes().get(digits) == Some(&b':') {
        (
            if digits == 0 { "0" } else { &evr[..digits] },
            &evr[digits + 1..],
        )
    } else {
        ("0", evr)
    };
    match rest.rsplit_once('-') {
        Some((version, release)) => (epoch, version, Some(release)),
        None => (epoch, rest, None),
    }
}

/// libalpm's `rpmvercmp` variant: like rpm's but without `~`/`^`, a longer
/// separator run wins, and a trailing alphabetic segment loses to nothing
/// (`1.0a` < `1.0`, so pre-releases sort first).
fn segment_cmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut one, mut two) = (a.as_bytes(), b.as_bytes());
    while !one.is_empty() && !two.is_empty() {
        let sep1 = one
            .iter()
            .take_while(|c| !c.is_ascii_alphanumeric())
            .count();
        let sep2 = two
            .iter()
            .take_while(|c| !c.is_ascii_alphanumeric())
            .count();
        one = &one[sep1..];
        two = &two[sep2..];
        if one.is_empty() || two.is_empty() {
            break;
        }
        if sep1 != sep2 {
            return sep1.cmp(&sep2);
        }
        let numeric = one[0].is_ascii_digit();
        let segment_end = |s: &[u8]| {
            s.iter()
                .position(|c| {
                    if numeric {
                        !c.is_ascii_digit()
                    } else {
                        !c.is_ascii_alphabetic()
                    }
                })
                .unwrap_or(s.len())
        };
        let (len1, len2) = (segment_end(one), segment_end(two));
        if len2 == 0 {
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let ordering = if numeric {
            cmp_numeric(&one[..len1], &two[..len2])
        } else {
            one[..len1].cmp(&two[..len2])
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
        one = &one[len1..];
        two = &two[len2..];
    }
    if one.is_empty() && two.is_empty() {
        return Ordering::Equal;
    }
    let alpha = |s: &[u8]| s.first().is_some_and(u8::is_ascii_alphabetic);
    if (one.is_empty() && !alpha(two)) || alpha(one) {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    /// Cases from pacman's test/util/vercmptest.sh.
    #[test]
    fn matches_pacman_vercmptest() {
        let cases = [
            ("1.5.0", "1.5.0", Equal),
            ("1.5.1", "1.5.0", Greater),
            ("1.5.1", "1.5", Greater),
            ("1.5.0", "1.5", Greater),
            ("1.5b", "1.5", Less),
            ("1.5b", "1.5.1", Less),
            ("1.0a", "1.0alpha", Less),
            ("1.0alpha", "1.0b", Less),
            ("1.0b", "1.0beta", Less),
            ("1.0beta", "1.0rc", Less),
            ("1.0rc", "1.0", Less),
            ("1.5.a", "1.5", Greater),
            ("1.5.b", "1.5.a", Greater),
            ("1.5.1", "1.5.b", Greater),
            ("1.5.b", "1.5", Greater),
            ("1.5-1", "1.5-1", Equal),
            ("1.5-1", "1.5-2", Less),
            ("1.5-2", "1.5.1-1", Less),
            ("1.5", "1.5-1", Equal),
            ("1.5-1", "1.5", Equal),
            ("1.1-1", "1.1", Equal),
            ("1.0-1", "1.1", Less),
            ("1.1-1", "1.0", Greater),
            ("1:1.0", "1.0", Greater),
            ("1:1.0", "1.1", Greater),
            ("1:1.1", "1.1", Greater),
            ("1:1.1", "2:1.1", Less),
            ("0:1.0", "1.0", Equal),
            ("0:1.0", "1:1.0", Less),
            ("1.0", "2:1.0", Less),
            ("1.5.0", "1.5..0", Less),
            ("1.5..1", "1.5.1", Greater),
            ("1.5.1", "1.5..0", Less),
            ("1.5..0", "1.5..0", Equal),
            ("1.5_0", "1.5..0", Less),
            ("1.5..0", "1.5.0", Greater),
            ("1.0-1", "1.0-1.1", Less),
            ("1.0-1.1", "1.0-2", Less),
            ("6.1.2-1", "6.1.10-1", Less),
        ];
        for (a, b, expected) in cases {
            assert_eq!(compare(a, b), expected, "{a} vs {b}");
            assert_eq!(compare(b, a), expected.reverse(), "{b} vs {a}");
        }
    }
}
