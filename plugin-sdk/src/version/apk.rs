//! Alpine apk version ordering (apk-tools `apk_version_compare`).
//!
//! A version is `digits{.digits}[letter]{_suffix[digits]}[-rN]`. Suffixes
//! `_alpha`, `_beta`, `_pre`, `_rc` sort before the bare version; `_cvs`,
//! `_svn`, `_git`, `_hg`, `_p` after it.

use std::cmp::Ordering;

use super::{cmp_numeric, split_digits};

/// Token kinds in apk-tools' order: when two versions agree up to a point
/// and then differ in kind, the one whose token kind comes first is newer
/// (more components beat a letter, beat a suffix, beat a revision, beat
/// the end) — except a pre-release suffix, which is always older.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    Revision,
    End,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    /// A numeric component; `first` is the leading one (compared as an integer).
    Digit {
        digits: &'a [u8],
        first: bool,
    },
    Letter(u8),
    /// Rank of the suffix: negative for pre-releases, positive for post-releases.
    Suffix(i8),
    SuffixNumber(&'a [u8]),
    Revision(&'a [u8]),
    End,
    /// Text apk would reject; compared bytewise so ordering stays total.
    Invalid(&'a [u8]),
}

impl Token<'_> {
    fn kind(&self) -> Kind {
        match self {
            Token::Digit { .. } | Token::Invalid(_) => Kind::Digit,
            Token::Letter(_) => Kind::Letter,
            Token::Suffix(_) => Kind::Suffix,
            Token::SuffixNumber(_) => Kind::SuffixNumber,
            Token::Revision(_) => Kind::Revision,
            Token::End => Kind::End,
        }
    }
}

const SUFFIXES: [(&str, i8); 9] = [
    ("alpha", -4),
    ("beta", -3),
    ("pre", -2),
    ("rc", -1),
    ("cvs", 1),
    ("svn", 2),
    ("git", 3),
    ("hg", 4),
    ("p", 5),
];

fn tokenize(version: &str) -> Vec<Token<'_>> {
    let mut rest = version.trim().as_bytes();
    let mut tokens = Vec::new();
    let mut first = true;
    loop {
        match rest.first() {
            None => break,
            Some(c) if c.is_ascii_digit() => {
                let (digits, tail) = split_digits(rest);
                tokens.push(Token::Digit { digits, first });
                first = false;
                rest = tail;
                if let Some(b'.') = rest.first() {
                    if rest.get(1).is_some_and(u8::is_ascii_digit) {
                        rest = &rest[1..];
                    }
                }
            }
            Some(c) if c.is_ascii_lowercase() && !first => {
                tokens.push(Token::Letter(*c));
                rest = &rest[1..];
            }
            Some(b'_') => {
                let name_len = rest[1..]
                    .iter()
                    .take_while(|c| c.is_ascii_lowercase())
                    .count();
                let name = std::str::from_utf8(&rest[1..1 + name_len]).unwrap_or_default();
                match SUFFIXES.iter().find(|(n, _)| *n == name) {
                    Some((_, rank)) => {
                        tokens.push(Token::Suffix(*rank));
                        rest = &rest[1 + name_len..];
                        let (digits, tail) = split_digits(rest);
                        if !digits.is_empty() {
                            tokens.push(Token::SuffixNumber(digits));
                            rest = tail;
                        }
                    }
                    None => {
                        tokens.push(Token::Invalid(rest));
                        break;
                    }
                }
            }
            Some(b'-') if rest.get(1) == Some(&b'r') => {
                let (digits, tail) = split_digits(&rest[2..]);
                tokens.push(Token::Revision(digits));
                if !tail.is_empty() {
                    tokens.push(Token::Invalid(tail));
                }
                break;
            }
            Some(_) => {
                tokens.push(Token::Invalid(rest));
                break;
            }
        }
    }
    tokens.push(Token::End);
    tokens
}

/// Compare two apk versions.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (ta, tb) = (tokenize(a), tokenize(b));
    for (x, y) in ta.iter().zip(tb.iter()) {
        if x.kind() != y.kind() {
            if let Token::Suffix(rank) = x {
                if *rank < 0 {
                    return Ordering::Less;
                }
            }
            if let Token::Suffix(rank) = y {
                if *rank < 0 {
                    return Ordering::Greater;
                }
            }
            // Earlier kind = more version left = newer.
            return y.kind().cmp(&x.kind());
        }
        let ordering = match (x, y) {
            (
                Token::Digit {
                    digits: da,
                    first: true,
                },
                Token::Digit { digits: db, .. },
            )
            | (Token::SuffixNumber(da), Token::SuffixNumber(db))
            | (Token::Revision(da), Token::Revision(db)) => cmp_numeric(da, db),
            (Token::Digit { digits: da, .. }, Token::Digit { digits: db, .. }) => {
                // Later components with a leading zero compare as decimal fractions.
                if da.first() == Some(&b'0') || db.first() == Some(&b'0') {
                    da.cmp(db)
                } else {
                    cmp_numeric(da, db)
                }
            }
            (Token::Letter(la), Token::Letter(lb)) => la.cmp(lb),
            (Token::Suffix(ra), Token::Suffix(rb)) => ra.cmp(rb),
            (Token::Invalid(ia), Token::Invalid(ib)) => ia.cmp(ib),
            (Token::Invalid(_), _) => Ordering::Less,
            (_, Token::Invalid(_)) => Ordering::Greater,
            _ => Ordering::Equal,
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
        if x.kind() == Kind::End {
            break;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn matches_apk_version_semantics() {
        let cases = [
            ("1.0", "1.0", Equal),
            ("1.0", "1.1", Less),
            ("1.10", "1.9", Greater),
            ("1.0", "1.0.1", Less),
            ("1.0_alpha", "1.0", Less),
            ("1.0_alpha", "1.0_beta", Less),
            ("1.0_beta2", "1.0_beta10", Less),
            ("1.0_rc1", "1.0_pre1", Greater),
            ("1.0_rc1", "1.0", Less),
            ("1.0_p1", "1.0", Greater),
            ("1.0_git20240101", "1.0", Greater),
            ("1.0_p1", "1.0_git1", Greater),
            ("1.0", "1.0-r1", Less),
            ("1.0-r1", "1.0-r10", Less),
            ("1.0-r2", "1.0_p1-r0", Less),
            ("1.0a", "1.0", Greater),
            ("1.0a", "1.0b", Less),
            ("1.0.1", "1.0a", Greater),
            ("1.2.3-r0", "1.2.3-r0", Equal),
            ("3.0.15-r1", "3.3.2-r0", Less),
            ("1.01", "1.1", Less),
            ("1.001", "1.01", Less),
            ("2.0_rc1-r0", "2.0-r0", Less),
        ];
        for (a, b, expected) in cases {
            assert_eq!(compare(a, b), expected, "{a} vs {b}");
            assert_eq!(compare(b, a), expected.reverse(), "{b} vs {a}");
        }
    }
}
