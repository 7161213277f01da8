//! Query-string conventions shared by list endpoints (PatchMon's rules).

/// Integer parameters: missing, non-numeric or below 1 means the default; capped at `max`.
pub fn int_param(raw: &Option<String>, default: i64, max: i64) -> i64 {
    raw.as_deref()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|n| *n >= 1)
        .map(|n| n.min(max))
        .unwrap_or(default)
}

/// Offsets are clamped to [0, 50000].
pub fn offset_param(raw: &Option<String>) -> i64 {
    raw.as_deref()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or(0)
        .clamp(0, 50_000)
}

/// Free-text search is trimmed and cut to 200 bytes (on a character boundary); empty is none.
pub fn search_param(raw: &Option<String>) -> Option<String> {
    let text = raw.as_deref()?.trim();
    let mut end = text.len().min(200);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(text[..end].to_string()).filter(|s| !s.is_empty())
}

/// `page`/`pageSize`/`all=true` paging: returns (page, page size, offset).
pub fn page_params(
    page: &Option<String>,
    page_size: &Option<String>,
    all: &Option<String>,
    default_size: i64,
    max_size: i64,
) -> (i64, i64, i64, bool) {
    if all.as_deref() == Some("true") {
        return (1, 10_000, 0, true);
    }
    let size = int_param(page_size, default_size, max_size);
    let page = int_param(page, 1, 50_000 / size + 1);
    (page, size, (page - 1) * size, false)
}

/// PatchMon's page envelope.
pub fn page_envelope(
    data: Vec<serde_json::Value>,
    total: i64,
    page: i64,
    size: i64,
    all: bool,
) -> serde_json::Value {
    let (size, pages) = if all {
        (total, 1)
    } else {
        (size, ((total + size - 1) / size).max(1))
    };
    serde_json::json!({
        "data": data,
        "pagination": {"total": total, "page": page, "pageSize": size, "totalPages": pages},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_fall_back_and_clamp() {
        assert_eq!(int_param(&Some("abc".into()), 50, 200), 50);
        assert_eq!(int_param(&Some("0".into()), 50, 200), 50);
        assert_eq!(int_param(&Some("999".into()), 50, 200), 200);
        assert_eq!(offset_param(&Some("-5".into())), 0);
        assert_eq!(offset_param(&Some("99999".into())), 50_000);
        assert_eq!(
            search_param(&Some(format!("  {}  ", "é".repeat(150))))
                .unwrap()
                .len(),
            200
        );
        assert_eq!(search_param(&Some("   ".into())), None);
        assert_eq!(
            page_params(&Some("3".into()), &Some("10".into()), &None, 50, 200),
            (3, 10, 20, false)
        );
    }
}
