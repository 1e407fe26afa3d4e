//! Kubernetes resource quantities (`100m`, `0.5`, `1.5Gi`, `1e3`,
//! `12345Ki`): parsed into numbers the rules can add up and compare, and
//! printed back for people.
//!
//! A quantity is a signed decimal number followed by an optional suffix:
//! binary (`Ki` `Mi` `Gi` `Ti` `Pi` `Ei`, powers of 1024), decimal (`n` `u`
//! `m` `k` `M` `G` `T` `P` `E`) or a decimal exponent (`e3`, `E-2`).
//! CPU is counted in millicores and memory in bytes, both rounded *up*
//! as the API server does (`MilliValue()`/`Value()`), with exact integer
//! arithmetic so `0.1` CPU is 100m and never 99m. Anything that is not a
//! quantity reads as `None`; nothing here panics on junk.
//! See: k8s.io/apimachinery/pkg/api/resource/quantity.go.

/// A parsed quantity: `mantissa × 10^-frac × scale`.
struct Parsed {
    negative: bool,
    mantissa: u128,
    /// Digits after the decimal point.
    frac: u32,
    scale: Scale,
}

enum Scale {
    /// 1024^n
    Binary(u32),
    /// 10^n
    Decimal(i32),
}

fn split(s: &str) -> Option<Parsed> {
    let s = s.trim();
    let (negative, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let num_end = rest
        .bytes()
        .position(|b| !(b.is_ascii_digit() || b == b'.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(num_end);
    if number.is_empty() || number == "." || number.bytes().filter(|b| *b == b'.').count() > 1 {
        return None;
    }
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    // Leading zeros do not count against the precision; more digits than
    // u128 holds is not a quantity anyone writes.
    let digits = format!("{}{}", int.trim_start_matches('0'), frac);
    let digits = digits.trim_start_matches('0');
    if digits.len() > 36 {
        return None;
    }
    let mantissa = if digits.is_empty() {
        0
    } else {
        digits.parse::<u128>().ok()?
    };
    let scale = match suffix {
        "" => Scale::Decimal(0),
        "Ki" => Scale::Binary(1),
        "Mi" => Scale::Binary(2),
        "Gi" => Scale::Binary(3),
        "Ti" => Scale::Binary(4),
        "Pi" => Scale::Binary(5),
        "Ei" => Scale::Binary(6),
        "n" => Scale::Decimal(-9),
        "u" => Scale::Decimal(-6),
        "m" => Scale::Decimal(-3),
        "k" => Scale::Decimal(3),
        "M" => Scale::Decimal(6),
        "G" => Scale::Decimal(9),
        "T" => Scale::Decimal(12),
        "P" => Scale::Decimal(15),
        "E" => Scale::Decimal(18),
        e if e.starts_with(['e', 'E']) => {
            let exp: i32 = e[1..].parse().ok()?;
            if !(-40..=40).contains(&exp) {
                return None;
            }
            Scale::Decimal(exp)
        }
        _ => return None,
    };
    Some(Parsed {
        negative,
        mantissa,
        frac: frac.len() as u32,
        scale,
    })
}

/// The quantity times `10^unit_exp`, rounded up to a whole number; `None`
/// for negative values, junk, or values beyond `u64`.
fn scaled(s: &str, unit_exp: u32) -> Option<u64> {
    let p = split(s)?;
    if p.negative && p.mantissa != 0 {
        return None;
    }
    let mut num = p.mantissa.checked_mul(10u128.checked_pow(unit_exp)?)?;
    let mut den: u128 = 10u128.checked_pow(p.frac)?;
    match p.scale {
        Scale::Binary(n) => num = num.checked_mul(1u128.checked_shl(10 * n)?)?,
        Scale::Decimal(e) if e >= 0 => num = num.checked_mul(10u128.checked_pow(e as u32)?)?,
        Scale::Decimal(e) => den = den.checked_mul(10u128.checked_pow(e.unsigned_abs())?)?,
    }
    let v = num.div_ceil(den);
    u64::try_from(v).ok()
}

/// CPU in millicores: `100m` → 100, `0.5` → 500, `2` → 2000, `1e3` →
/// 1,000,000. Rounded up (`1n` → 1), as the API server does.
pub fn cpu_millis(s: &str) -> Option<u64> {
    scaled(s, 3)
}

/// Bytes: `128Mi` → 134,217,728, `1G` → 1,000,000,000, `1.5Gi` →
/// 1,610,612,736. Rounded up to a whole byte.
pub fn bytes(s: &str) -> Option<u64> {
    scaled(s, 0)
}

/// Any quantity as a float (`100m` → 0.1, `-1Ki` → -1024.0), for counts
/// and extended resources; `None` for junk.
pub fn parse(s: &str) -> Option<f64> {
    let p = split(s)?;
    let base = match p.scale {
        Scale::Binary(n) => 1024f64.powi(n as i32),
        Scale::Decimal(e) => 10f64.powi(e),
    };
    let v = p.mantissa as f64 / 10f64.powi(p.frac as i32) * base;
    let v = if p.negative { -v } else { v };
    v.is_finite().then_some(v)
}

/// Bytes for people, in binary units as Kubernetes writes memory:
/// `512Mi`, `1.5Gi`, `5.7Gi`, `100B`.
pub fn format_bytes(b: u64) -> String {
    const UNITS: [&str; 6] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    if b < 1024 {
        return format!("{b}B");
    }
    let mut unit = 0;
    let mut div: u64 = 1024;
    while unit + 1 < UNITS.len() && b / div >= 1024 {
        div *= 1024;
        unit += 1;
    }
    if b % div == 0 {
        return format!("{}{}", b / div, UNITS[unit]);
    }
    let v = b as f64 / div as f64;
    let text = if v < 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.1}")
    };
    format!("{}{}", trim_zeros(&text), UNITS[unit])
}

/// Millicores for people: `250m` below one core, else cores with up to
/// two decimals (`2`, `3.92`).
pub fn format_cpu(millis: u64) -> String {
    if millis == 0 {
        return "0".to_string();
    }
    if millis < 1000 {
        return format!("{millis}m");
    }
    if millis % 1000 == 0 {
        return format!("{}", millis / 1000);
    }
    trim_zeros(&format!("{:.2}", millis as f64 / 1000.0)).to_string()
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_in_millicores() {
        assert_eq!(cpu_millis("100m"), Some(100));
        assert_eq!(cpu_millis("0.5"), Some(500));
        assert_eq!(cpu_millis("2"), Some(2000));
        assert_eq!(cpu_millis("1500m"), Some(1500));
        assert_eq!(cpu_millis("0.1"), Some(100), "exact, not 99");
        assert_eq!(cpu_millis("3920m"), Some(3920));
        assert_eq!(cpu_millis("1e3"), Some(1_000_000));
        assert_eq!(cpu_millis("250000u"), Some(250));
        assert_eq!(cpu_millis("1n"), Some(1), "rounded up like MilliValue()");
        assert_eq!(cpu_millis(".5"), Some(500));
        assert_eq!(cpu_millis("+1"), Some(1000));
        assert_eq!(cpu_millis(" 2 "), Some(2000));
        assert_eq!(cpu_millis("0"), Some(0));
    }

    #[test]
    fn memory_in_bytes() {
        assert_eq!(bytes("128Mi"), Some(128 * 1024 * 1024));
        assert_eq!(bytes("1Gi"), Some(1 << 30));
        assert_eq!(bytes("1G"), Some(1_000_000_000));
        assert_eq!(bytes("1.5Gi"), Some(1_610_612_736));
        assert_eq!(bytes("12345Ki"), Some(12345 * 1024));
        assert_eq!(bytes("13242544Ki"), Some(13_560_365_056));
        assert_eq!(bytes("93478772582"), Some(93_478_772_582));
        assert_eq!(bytes("1e3"), Some(1000));
        assert_eq!(bytes("129e6"), Some(129_000_000));
        assert_eq!(bytes("1k"), Some(1000));
        assert_eq!(bytes("100m"), Some(1), "a tenth of a byte rounds up");
        assert_eq!(bytes("16Ei"), None, "beyond u64");
        assert_eq!(bytes("7Ei"), Some(7 << 60));
    }

    #[test]
    fn generic_parse() {
        assert_eq!(parse("100m"), Some(0.1));
        assert_eq!(parse("110"), Some(110.0));
        assert_eq!(parse("-1Ki"), Some(-1024.0));
        assert_eq!(parse("1.5Gi"), Some(1.5 * (1u64 << 30) as f64));
        assert_eq!(parse("2e-3"), Some(0.002));
    }

    #[test]
    fn junk_is_none_and_never_panics() {
        for s in [
            "",
            " ",
            "m",
            "Gi",
            "abc",
            "1.2.3",
            ".",
            "-",
            "+",
            "1Qi",
            "1 Gi",
            "1e",
            "1e99999",
            "1e100",
            "--1",
            "１",
            "1é",
            "99999999999999999999999999999999999999999999",
            "0x10",
            "NaN",
            "inf",
        ] {
            assert_eq!(cpu_millis(s), None, "{s:?}");
            assert_eq!(bytes(s), None, "{s:?}");
            assert!(parse(s).is_none(), "{s:?}");
        }
        assert_eq!(
            cpu_millis("-100m"),
            None,
            "negative requests are not requests"
        );
        assert_eq!(bytes("-0"), Some(0));
    }

    #[test]
    fn formatting_for_people() {
        assert_eq!(format_bytes(0), "0B");
        assert_eq!(format_bytes(100), "100B");
        assert_eq!(format_bytes(512 * 1024 * 1024), "512Mi");
        assert_eq!(format_bytes(1_610_612_736), "1.5Gi");
        assert_eq!(format_bytes(8 << 30), "8Gi");
        assert_eq!(format_bytes(5_993_052 * 1024), "5.72Gi");
        assert_eq!(format_bytes(13_560_365_056), "12.6Gi");
        assert_eq!(format_bytes(u64::MAX), "16Ei");
        assert_eq!(format_cpu(0), "0");
        assert_eq!(format_cpu(250), "250m");
        assert_eq!(format_cpu(2000), "2");
        assert_eq!(format_cpu(3920), "3.92");
        assert_eq!(format_cpu(1500), "1.5");
        assert_eq!(format_cpu(3360), "3.36");
    }
}
