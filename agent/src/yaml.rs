//! The YAML subset PatchMon's agent files use: `key: value` lines, one level of nesting
//! (`integrations:`), quoted or bare scalars and `#` comments. Enough for config.yml and
//! credentials.yml without a general YAML dependency.

use std::collections::BTreeMap;

/// Flat keys (`integrations.docker`) to unquoted scalar text.
pub fn parse(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    let mut parent: Option<String> = None;
    for (number, raw) in text.lines().enumerate() {
        let line = strip_comment(raw);
        if line.trim().is_empty() {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        let Some((key, value)) = line.trim().split_once(':') else {
            return Err(format!("line {}: expected `key: value`", number + 1));
        };
        let key = key.trim().to_string();
        let value = unquote(value.trim());
        match (indented, value.is_empty()) {
            (false, true) => parent = Some(key),
            (false, false) => {
                parent = None;
                out.insert(key, value);
            }
            (true, _) => match &parent {
                Some(p) => {
                    out.insert(format!("{p}.{key}"), value);
                }
                None => return Err(format!("line {}: unexpected indentation", number + 1)),
            },
        }
    }
    Ok(out)
}

fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if i == 0 || line[..i].ends_with([' ', '\t']) => return &line[..i],
            _ => {}
        }
    }
    line
}

fn unquote(value: &str) -> String {
    if value.len() >= 2
        && ((value.starts_with('"') && value.ends_with('"'))
            || (value.starts_with('\'') && value.ends_with('\'')))
    {
        let inner = &value[1..value.len() - 1];
        if value.starts_with('"') {
            return inner.replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return inner.replace("''", "'");
    }
    value.to_string()
}

/// A double-quoted YAML scalar.
pub fn quote(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_patchmon_config_files() {
        let text = "# Generated on today\npatchmon_server: \"https://pm.example.com\" # where\napi_version: v1\nupdate_interval: 30\nintegrations:\n  docker: true\n  compliance: \"on-demand\"\n  ssh-proxy-enabled: false\nlog_level: 'debug'\n";
        let map = parse(text).unwrap();
        assert_eq!(map["patchmon_server"], "https://pm.example.com");
        assert_eq!(map["update_interval"], "30");
        assert_eq!(map["integrations.compliance"], "on-demand");
        assert_eq!(map["integrations.ssh-proxy-enabled"], "false");
        assert_eq!(map["log_level"], "debug");
        assert!(parse("  orphan: 1").is_err());
        assert_eq!(
            parse(&format!("k: {}", quote("a\"b#c"))).unwrap()["k"],
            "a\"b#c"
        );
    }
}
