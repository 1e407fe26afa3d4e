//! Kubernetes time stamps: RFC 3339 in UTC, whole seconds for `metav1.Time`
//! and microseconds for `eventTime` (`metav1.MicroTime`). Parsed only where
//! a comparison needs it; printed back in the whole-second form.

use jiff::Timestamp;

/// Parses an RFC 3339 time stamp; `None` for anything else (an empty or
/// malformed value is treated as absent, never as an error).
pub fn parse(s: &str) -> Option<Timestamp> {
    s.parse::<Timestamp>().ok()
}

/// `2025-06-01T12:00:00Z`.
pub fn format(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A duration in words a person reads at a glance: `3d 4h`, `12m`, `40s`.
pub fn human(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3_600, (s % 3_600) / 60);
    let text = if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{s}s")
    };
    if seconds < 0 {
        format!("-{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_precisions() {
        let a = parse("2025-06-01T12:00:00Z").unwrap();
        let b = parse("2025-06-01T12:00:00.123456Z").unwrap();
        assert!(b > a);
        assert_eq!(format(b), "2025-06-01T12:00:00Z");
        assert!(parse("").is_none());
        assert!(parse("yesterday").is_none());
    }

    #[test]
    fn human_durations() {
        assert_eq!(human(40), "40s");
        assert_eq!(human(12 * 60 + 5), "12m");
        assert_eq!(human(3 * 86_400 + 4 * 3_600), "3d 4h");
    }
}
