//! A minimal writer for Go-`encoding/json`-compatible compact JSON.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// `N(s)`: NFC first, then trim Unicode whitespace (Go's `strings.TrimSpace` set).
pub fn normalize(s: &str) -> String {
    normalized(s).into_owned()
}

/// [`normalize`] without a copy for ASCII text (already NFC), which is nearly every package
/// field: hashing a 2,000-package report spent most of its time composing ASCII.
pub(crate) fn normalized(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        Cow::Borrowed(s.trim())
    } else {
        let nfc: String = s.nfc().collect();
        Cow::Owned(nfc.trim().to_string())
    }
}

/// Writes `s` as a Go JSON string: short escapes for `"` `\` `\n` `\r` `\t`, `\u00XX` for other
/// control characters, HTML-safe `\u003c` `\u003e` `\u0026`, and `\u2028` `\u2029`. Runs of
/// characters that need no escape are copied whole.
pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    let mut copied = 0;
    for (i, c) in s.char_indices() {
        let escape: Cow<str> = match c {
            '"' => "\\\"".into(),
            '\\' => "\\\\".into(),
            '\n' => "\\n".into(),
            '\r' => "\\r".into(),
            '\t' => "\\t".into(),
            '<' => "\\u003c".into(),
            '>' => "\\u003e".into(),
            '&' => "\\u0026".into(),
            '\u{2028}' => "\\u2028".into(),
            '\u{2029}' => "\\u2029".into(),
            c if (c as u32) < 0x20 => format!("\\u{:04x}", c as u32).into(),
            _ => continue,
        };
        out.push_str(&s[copied..i]);
        out.push_str(&escape);
        copied = i + c.len_utf8();
    }
    out.push_str(&s[copied..]);
    out.push('"');
}

/// Go's float64 formatting: shortest round-trip digits, exponent form only below 1e-6 or from
/// 1e21 (`1e-7`, `1e+21`); NaN and infinities become 0.
pub(crate) fn float(out: &mut String, x: f64) {
    let x = if x.is_finite() { x } else { 0.0 };
    let abs = x.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = format!("{x:e}");
        match text.split_once('e') {
            Some((mantissa, exp)) if !exp.starts_with('-') => {
                out.push_str(mantissa);
                out.push_str("e+");
                out.push_str(exp);
            }
            _ => out.push_str(&text),
        }
    } else if x == 0.0 {
        out.push('0');
    } else {
        out.push_str(&format!("{x}"));
    }
}

/// An object being written; keys appear in the order the fields are added.
pub(crate) struct Object<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> Object<'a> {
    pub(crate) fn start(out: &'a mut String) -> Object<'a> {
        out.push('{');
        Object { out, empty: true }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        string(self.out, key);
        self.out.push(':');
        self.out
    }

    /// A string field, normalised.
    pub(crate) fn text(&mut self, key: &str, value: &str) -> &mut Self {
        let normalized = normalized(value);
        string(self.key(key), &normalized);
        self
    }

    /// A string field written exactly as given (already normalised or transformed).
    pub(crate) fn raw_text(&mut self, key: &str, value: &str) -> &mut Self {
        string(self.key(key), value);
        self
    }

    pub(crate) fn int(&mut self, key: &str, value: i64) -> &mut Self {
        let out = self.key(key);
        out.push_str(&value.to_string());
        self
    }

    pub(crate) fn float(&mut self, key: &str, value: f64) -> &mut Self {
        float(self.key(key), value);
        self
    }

    pub(crate) fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key).push_str(if value { "true" } else { "false" });
        self
    }

    /// A field whose value is written by `write` (arrays, nested objects, `null`).
    pub(crate) fn with(&mut self, key: &str, write: impl FnOnce(&mut String)) -> &mut Self {
        write(self.key(key));
        self
    }

    pub(crate) fn end(&mut self) {
        self.out.push('}');
    }
}

/// Writes `items` as a JSON array (`[]` when empty).
pub(crate) fn array<T>(out: &mut String, items: &[T], mut write: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write(out, item);
    }
    out.push(']');
}
