//! Kubernetes resource quantities (`500m`, `1.5Gi`, `2e3`): the grammar the
//! API server parses and the ordering it compares requests and limits by. A
//! leaf module, used by the plan (values with their positions) and by the
//! manifest validator (raw streams).
//!
//! Grammar from k8s.io/apimachinery v0.32.0 (the staging copy of kubernetes
//! v1.32.0; unchanged through v0.32.13) `pkg/api/resource/quantity.go`: the
//! `Quantity` doc comment, `parseQuantityString` and `ParseQuantity`, plus
//! the `n` and `u` suffixes that the doc comment's `<decimalSI>` omits and
//! `suffix.go` (`interpret`) accepts:
//!
//! ```text
//! <quantity>        ::= <signedNumber><suffix>
//! <signedNumber>    ::= <number> | <sign><number>
//! <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
//! <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
//! <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
//! <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
//! <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>
//! ```
//!
//! The exponent is an integer in `parseQuantityString` (digits only). Upstream's
//! scanner also lets a bare sign (`+`) through as zero; the grammar does not,
//! and neither do we.

use std::cmp::Ordering;

/// A parsed quantity: `sign * digits * 10^exp10 * 2^exp2`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    negative: bool,
    /// Mantissa digits (integer and fraction joined), as written.
    digits: String,
    exp10: i64,
    exp2: u32,
}

/// The suffixes, for hints.
pub const SUFFIXES: &str =
    "n, u, m, k, M, G, T, P, E (powers of 1000), Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024) or e<N>";

/// Parses `s`, or says why it is not a quantity.
pub fn parse(s: &str) -> Result<Quantity, String> {
    if s.is_empty() {
        return Err("it is empty".into());
    }
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(format!("it contains the control character {c:?}"));
    }
    let b = s.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int = &s[int_start..i];
    let mut frac = "";
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac = &s[f..i];
    }
    if int.is_empty() && frac.is_empty() {
        return Err("it does not start with a number".into());
    }
    let suffix = &s[i..];
    let (exp10, exp2) = match suffix {
        "" => (0, 0),
        "n" => (-9, 0),
        "u" => (-6, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        _ => match exponent(suffix) {
            Some(e) => (e, 0),
            None => return Err(format!("`{suffix}` is not a quantity suffix")),
        },
    };
    let frac_len = frac.len() as i64;
    Ok(Quantity {
        negative,
        digits: format!("{int}{frac}"),
        exp10: exp10.saturating_sub(frac_len),
        exp2,
    })
}

/// `e<signed integer>` or `E<signed integer>`, bounded so the arithmetic below
/// stays finite.
fn exponent(suffix: &str) -> Option<i64> {
    let rest = suffix.strip_prefix(['e', 'E'])?;
    let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    rest.parse().ok()
}

/// Why `s` is not a quantity a container's `resources` accepts (also not
/// negative: `ValidateNonnegativeQuantity` in kubernetes
/// `pkg/apis/core/validation/validation.go`, a `Cmp` with zero), or None.
pub fn resource_problem(s: &str) -> Option<String> {
    match parse(s) {
        Err(p) => Some(p),
        Ok(q) if q.is_negative() => Some("it is negative".into()),
        Ok(_) => None,
    }
}

impl Quantity {
    fn is_zero(&self) -> bool {
        self.digits.bytes().all(|c| c == b'0')
    }

    pub fn is_negative(&self) -> bool {
        self.negative && !self.is_zero()
    }

    /// log10 of the magnitude (None for zero), exact enough to order values
    /// whose magnitudes differ; equal-looking values are settled by `cmp`.
    fn log10(&self) -> Option<f64> {
        let d = self.digits.trim_start_matches('0');
        if d.is_empty() {
            return None;
        }
        // The first 17 significant digits carry all an f64 can.
        let head: f64 = d[..d.len().min(17)].parse().ok()?;
        let rest = d.len().saturating_sub(17) as f64;
        Some(head.log10() + rest + self.exp10 as f64 + self.exp2 as f64 * 2f64.log10())
    }

    /// Orders two quantities by value, as `Quantity.Cmp` does. Exact when both
    /// are decimal or both binary with the same power of two; otherwise
    /// through logarithms, treating values within 1e-12 (relative) as equal
    /// so a request is never refused for a rounding error.
    pub fn cmp_value(&self, other: &Quantity) -> Ordering {
        let sign = |q: &Quantity| {
            if q.is_zero() {
                0
            } else if q.negative {
                -1
            } else {
                1
            }
        };
        let (sa, sb) = (sign(self), sign(other));
        if sa != sb || sa == 0 {
            return sa.cmp(&sb);
        }
        let magnitude = if self.exp2 == other.exp2 {
            decimal_cmp(&self.digits, self.exp10, &other.digits, other.exp10)
        } else {
            let (a, b) = (self.log10().unwrap_or(0.0), other.log10().unwrap_or(0.0));
            if (a - b).abs() < 1e-12 * a.abs().max(b.abs()).max(1.0) {
                Ordering::Equal
            } else {
                a.partial_cmp(&b).unwrap_or(Ordering::Equal)
            }
        };
        if sa < 0 {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

/// Compares `a * 10^ea` with `b * 10^eb` exactly, digit by digit.
fn decimal_cmp(a: &str, ea: i64, b: &str, eb: i64) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    // Position of the most significant digit.
    let ta = a.len() as i64 + ea;
    let tb = b.len() as i64 + eb;
    if ta != tb {
        return ta.cmp(&tb);
    }
    let n = a.len().max(b.len());
    for i in 0..n {
        let da = a.as_bytes().get(i).copied().unwrap_or(b'0');
        let db = b.as_bytes().get(i).copied().unwrap_or(b'0');
        if da != db {
            return da.cmp(&db);
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_grammar() {
        for s in [
            "0", "1", "500m", "1.5", "1.", ".5", "+1", "-1", "1Gi", "128Mi", "1e3", "1E-3", "2e+2",
            "100n", "3u", "1k", "1M", "1G", "1T", "1P", "1E", "1Ei", "1.5Gi", "007",
        ] {
            assert!(parse(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn refuses_what_the_api_server_refuses() {
        for s in [
            "", "lots", "1 ", " 1", "1\n", "1\0", "1K", "1mi", "1Gb", ".", "+", "1e", "1e1.5",
            "1..2", "1,5", "1_000", "0x10", "Gi", "1Gi ", "1ee3",
        ] {
            assert!(parse(s).is_err(), "{s:?}");
        }
        assert_eq!(resource_problem("-1").as_deref(), Some("it is negative"));
        assert_eq!(resource_problem("-0"), None);
    }

    #[test]
    fn orders_by_value() {
        let c = |a: &str, b: &str| parse(a).unwrap().cmp_value(&parse(b).unwrap());
        assert_eq!(c("1", "1000m"), Ordering::Equal);
        assert_eq!(c("1001m", "1"), Ordering::Greater);
        assert_eq!(c("0.5", "500m"), Ordering::Equal);
        assert_eq!(c("1Gi", "1024Mi"), Ordering::Equal);
        assert_eq!(c("1Gi", "1G"), Ordering::Greater);
        assert_eq!(c("1G", "1Gi"), Ordering::Less);
        assert_eq!(c("1024", "1Ki"), Ordering::Equal);
        assert_eq!(c("1025", "1Ki"), Ordering::Greater);
        assert_eq!(c("2e3", "2k"), Ordering::Equal);
        assert_eq!(c("0", "-0"), Ordering::Equal);
        assert_eq!(c("-1", "0"), Ordering::Less);
        assert_eq!(c("-2", "-1"), Ordering::Less);
        assert_eq!(c("100m", "99m"), Ordering::Greater);
        assert_eq!(c("0.1", "100m"), Ordering::Equal);
    }
}
