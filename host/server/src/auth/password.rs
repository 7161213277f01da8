//! The password policy, checked in PatchMon's order with its exact messages.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_number: bool,
    pub require_special: bool,
}

impl PasswordPolicy {
    /// The first rule the password breaks, or `None`. Length counts bytes, as upstream.
    pub fn check(&self, password: &str) -> Option<String> {
        if password.len() < self.min_length {
            return Some(format!(
                "password must be at least {} characters",
                self.min_length
            ));
        }
        let (mut upper, mut lower, mut number, mut special) = (false, false, false, false);
        for c in password.chars() {
            if c.is_uppercase() {
                upper = true;
            } else if c.is_lowercase() {
                lower = true;
            } else if c.is_numeric() {
                number = true;
            } else if is_punctuation_or_symbol(c) {
                special = true;
            }
        }
        let rules = [
            (
                self.require_uppercase && !upper,
                "password must contain at least one uppercase letter",
            ),
            (
                self.require_lowercase && !lower,
                "password must contain at least one lowercase letter",
            ),
            (
                self.require_number && !number,
                "password must contain at least one number",
            ),
            (
                self.require_special && !special,
                "password must contain at least one special character",
            ),
        ];
        rules
            .iter()
            .find(|(broken, _)| *broken)
            .map(|(_, message)| message.to_string())
    }
}

/// Punctuation or symbol: anything printable that is not a letter, number or whitespace.
fn is_punctuation_or_symbol(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict() -> PasswordPolicy {
        PasswordPolicy {
            min_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_number: true,
            require_special: true,
        }
    }

    #[test]
    fn rules_apply_in_order() {
        let p = strict();
        assert_eq!(
            p.check("Ab1!").unwrap(),
            "password must be at least 8 characters"
        );
        assert_eq!(
            p.check("abcdefg1!").unwrap(),
            "password must contain at least one uppercase letter"
        );
        assert_eq!(
            p.check("ABCDEFG1!").unwrap(),
            "password must contain at least one lowercase letter"
        );
        assert_eq!(
            p.check("Abcdefgh!").unwrap(),
            "password must contain at least one number"
        );
        assert_eq!(
            p.check("Abcdefgh1").unwrap(),
            "password must contain at least one special character"
        );
        assert_eq!(p.check("Abcdefg1!"), None);
        assert_eq!(p.check("Ünïcødé9€x"), None, "unicode classes count");
    }

    #[test]
    fn relaxed_policy() {
        let p = PasswordPolicy {
            min_length: 4,
            require_uppercase: false,
            require_lowercase: false,
            require_number: false,
            require_special: false,
        };
        assert_eq!(p.check("abcd"), None);
        assert!(p.check("abc").is_some());
    }
}
