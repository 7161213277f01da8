//! Helpers for parsing package-manager output line by line.

use std::collections::BTreeMap;

/// Lines with surrounding whitespace removed, skipping blank lines and
/// lines whose first non-blank character is `#`.
pub fn content_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// Whitespace-separated fields of a line.
pub fn fields(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// Split `key<sep>value`, trimming both sides; `None` without a separator.
pub fn key_value(line: &str, separator: char) -> Option<(&str, &str)> {
    line.split_once(separator)
        .map(|(k, v)| (k.trim(), v.trim()))
}

/// Parse `os-release`-style `KEY=value` text, removing shell quotes.
pub fn os_release(text: &str) -> BTreeMap<String, String> {
    content_lines(text)
        .filter_map(|line| key_value(line, '='))
        .map(|(key, value)| {
            let unquoted = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            (key.to_string(), unquoted.to_string())
        })
        .collect()
}

/// Parse RFC 822-style stanzas (dpkg status, apt-cache show, apk's
/// `installed` database with `:`): blank lines separate records,
/// continuation lines (starting with a space) extend the previous field.
pub fn stanzas(text: &str, separator: char) -> Vec<BTreeMap<String, String>> {
    let mut records = Vec::new();
    let mut current: BTreeMap<String, String> = BTreeMap::new();
    let mut last_key: Option<String> = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                records.push(std::mem::take(&mut current));
            }
            last_key = None;
        } else if line.starts_with([' ', '\t']) {
            if let Some(value) = last_key.as_ref().and_then(|key| current.get_mut(key)) {
                value.push('\n');
                value.push_str(line.trim());
            }
        } else if let Some((key, value)) = key_value(line, separator) {
            current.insert(key.to_string(), value.to_string());
            last_key = Some(key.to_string());
        }
    }
    if !current.is_empty() {
        records.push(current);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_lines_skip_comments_and_blanks() {
        let text = "# comment\n\n  deb http://x bookworm main  \n\t# indented comment\nlast";
        assert_eq!(
            content_lines(text).collect::<Vec<_>>(),
            vec!["deb http://x bookworm main", "last"]
        );
        assert_eq!(fields("a  b\tc"), vec!["a", "b", "c"]);
        assert_eq!(
            key_value("Status: install ok", ':'),
            Some(("Status", "install ok"))
        );
        assert_eq!(key_value("novalue", ':'), None);
    }

    #[test]
    fn os_release_unquotes() {
        let parsed = os_release("ID=debian\nVERSION_ID=\"12\"\nNAME='Debian GNU/Linux'\n# x\n");
        assert_eq!(parsed["ID"], "debian");
        assert_eq!(parsed["VERSION_ID"], "12");
        assert_eq!(parsed["NAME"], "Debian GNU/Linux");
    }

    #[test]
    fn stanzas_join_continuations() {
        let text = "Package: bash\nVersion: 5.2\nDescription: GNU shell\n more text\n\n\nPackage: zsh\nVersion: 5.9\n";
        let records = stanzas(text, ':');
        assert_eq!(records.len(), 2);
        assert_eq!(records[0]["Description"], "GNU shell\nmore text");
        assert_eq!(records[1]["Package"], "zsh");
    }
}
