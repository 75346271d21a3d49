//! Shapes shared by every API: date-times, exact decimal amounts, money.
//!
//! JSON numbers reach these types as exact text (serde_json's `arbitrary_precision` is on), so
//! money never passes through binary floating point.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

pub use rust_decimal::Decimal;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// An instant as the APIs exchange it: RFC 3339.
///
/// It reads RFC 3339 with any offset, and also the offset-less form some of Amazon's examples
/// use (`2020-12-01T00:00:00`), taken as UTC. It always writes UTC with a `Z`
/// (`2020-12-01T00:00:00Z`), the form Amazon's servers match.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(OffsetDateTime);

impl DateTime {
    /// The instant `secs` seconds after 1970-01-01T00:00:00Z.
    pub fn from_unix_seconds(secs: i64) -> Result<Self, DateTimeError> {
        OffsetDateTime::from_unix_timestamp(secs)
            .map(DateTime)
            .map_err(|e| DateTimeError(format!("{secs} is out of range: {e}")))
    }

    /// Reads RFC 3339 (`2024-05-01T10:00:00Z`, `…+02:00`) or an offset-less timestamp (UTC).
    /// A space may stand for the `T` (`2020-07-10 15:00:00.000`), as some models describe.
    pub fn parse(s: &str) -> Result<Self, DateTimeError> {
        let b = s.as_bytes();
        if b.len() > 10 && b[10] == b' ' {
            let with_t = format!("{}T{}", &s[..10], &s[11..]);
            return DateTime::parse(&with_t).map_err(|_| {
                DateTimeError(format!(
                    "{s:?} is not an RFC 3339 date-time; expected e.g. 2024-05-01T10:00:00Z"
                ))
            });
        }
        if let Some(t) = parse_utc_z(b) {
            return Ok(DateTime(t));
        }
        let bad = || {
            DateTimeError(format!("{s:?} is not an RFC 3339 date-time; expected e.g. 2024-05-01T10:00:00Z"))
        };
        let parsed = match OffsetDateTime::parse(s, &Rfc3339) {
            Ok(t) => t.to_offset(UtcOffset::UTC),
            Err(_) => {
                let naive = time::macros::format_description!(
                    version = 2,
                    "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
                );
                PrimitiveDateTime::parse(s, &naive).map_err(|_| bad())?.assume_utc()
            }
        };
        // RFC 3339 covers the years 0000 to 9999, in UTC too (found by fuzzing: a signed year
        // or an offset pushing 0000 back a year parsed, then could not be written).
        if !(0..=9999).contains(&parsed.year()) {
            return Err(bad());
        }
        Ok(DateTime(parsed))
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix_seconds(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// The `time` crate's value, for arithmetic and formatting.
    pub fn as_offset_date_time(&self) -> OffsetDateTime {
        self.0
    }

    /// RFC 3339 in UTC with `Z`, the form sent to Amazon: whole seconds, or the fraction with
    /// trailing zeros dropped (`2020-12-01T00:00:00.25Z`). A year outside 0000–9999 (possible
    /// only for a value made in code) is written with its sign, as ISO 8601 extends it.
    pub fn to_rfc3339(&self) -> String {
        let t = self.0;
        let year = t.year();
        let mut out = if (0..=9999).contains(&year) { format!("{year:04}") } else { format!("{year:+05}") };
        out.push_str(&format!(
            "-{:02}-{:02}T{:02}:{:02}:{:02}",
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ));
        let nanos = t.nanosecond();
        if nanos != 0 {
            let fraction = format!("{nanos:09}");
            out.push('.');
            out.push_str(fraction.trim_end_matches('0'));
        }
        out.push('Z');
        out
    }
}

impl From<OffsetDateTime> for DateTime {
    fn from(t: OffsetDateTime) -> Self {
        DateTime(t.to_offset(UtcOffset::UTC))
    }
}

impl From<SystemTime> for DateTime {
    fn from(t: SystemTime) -> Self {
        DateTime(OffsetDateTime::from(t))
    }
}

impl From<DateTime> for SystemTime {
    fn from(t: DateTime) -> Self {
        t.0.into()
    }
}

impl FromStr for DateTime {
    type Err = DateTimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse(s)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.to_rfc3339())
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({})", self.to_rfc3339())
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A visitor, not `Cow<str>`: serde's `Cow` always allocates an owned copy.
        struct Text;
        impl Visitor<'_> for Text {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<DateTime, E> {
                DateTime::parse(s).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Text)
    }
}

/// The form nearly every date-time of Amazon's takes, `YYYY-MM-DDTHH:MM:SS[.f…]Z`, read
/// directly (a fifth of the `time` crate's general RFC 3339 parser's cost); `None` for anything
/// else (other offsets, a leap second, lower-case letters, an invalid date), which the general
/// parser then reads or refuses. The two agree wherever this one answers (tested).
fn parse_utc_z(b: &[u8]) -> Option<OffsetDateTime> {
    // One length check, then every byte by position: no bounds check per digit.
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'T', h0, h1, b':', n0, n1, b':', s0, s1, rest @ ..] = b
    else {
        return None;
    };
    let (b'Z', fraction) = rest.split_last()? else { return None };
    let digit = |c: u8| {
        let v = c.wrapping_sub(b'0');
        (v <= 9).then_some(v)
    };
    let two = |a: u8, b: u8| Some(digit(a)? * 10 + digit(b)?);
    let nanos = match fraction {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            let n = digits.iter().try_fold(0u32, |n, &c| Some(n * 10 + u32::from(digit(c)?)))?;
            n * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    let year = i32::from(two(*y0, *y1)?) * 100 + i32::from(two(*y2, *y3)?);
    let month = time::Month::try_from(two(*m0, *m1)?).ok()?;
    let date = time::Date::from_calendar_date(year, month, two(*d0, *d1)?).ok()?;
    let time = time::Time::from_hms_nano(two(*h0, *h1)?, two(*n0, *n1)?, two(*s0, *s1)?, nanos).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// A string that is not a date-time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DateTimeError(String);

/// How an amount travels in JSON: `"12.50"` or `12.50`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AmountForm {
    /// A JSON number (the default for amounts built in code).
    #[default]
    Number,
    /// A JSON string.
    String,
}

/// An exact decimal amount that remembers whether it came as a JSON string or a JSON number,
/// so that writing it back gives the API the form it uses.
///
/// Equality and ordering compare the value only: `"1.50"` equals `1.5`.
#[derive(Clone, Copy, Default)]
pub struct Amount {
    value: Decimal,
    form: AmountForm,
}

impl Amount {
    /// An amount written as a JSON number.
    pub fn new(value: Decimal) -> Self {
        Amount { value, form: AmountForm::Number }
    }

    /// An amount written as a JSON string.
    pub fn new_string(value: Decimal) -> Self {
        Amount { value, form: AmountForm::String }
    }

    /// The exact value.
    pub fn value(&self) -> Decimal {
        self.value
    }

    /// The JSON form it travels in.
    pub fn form(&self) -> AmountForm {
        self.form
    }

    /// The same value, travelling in `form`.
    pub fn with_form(self, form: AmountForm) -> Self {
        Amount { form, ..self }
    }

    fn parse_text(s: &str) -> Result<Decimal, String> {
        let t = s.trim();
        Decimal::from_str_exact(t)
            .or_else(|_| Decimal::from_scientific(t))
            .map_err(|e| format!("{s:?} is not a decimal amount: {e}"))
    }
}

impl From<Decimal> for Amount {
    fn from(value: Decimal) -> Self {
        Amount::new(value)
    }
}

impl FromStr for Amount {
    type Err = String;
    /// Parses `"12.50"`; the result travels as a JSON number.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Amount::parse_text(s).map(Amount::new)
    }
}

impl PartialEq for Amount {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for Amount {}

impl PartialOrd for Amount {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Amount {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match f.precision() {
            // `{:.2}` rounds (half away from zero), as money is shown.
            Some(p) => pad(
                f,
                &self
                    .value
                    .round_dp_with_strategy(p as u32, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                    .to_string(),
            ),
            None => pad(f, &self.value.to_string()),
        }
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.form {
            AmountForm::Number => write!(f, "Amount({})", self.value),
            AmountForm::String => write!(f, "Amount({:?})", self.value.to_string()),
        }
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.value.to_string();
        match self.form {
            AmountForm::String => serializer.serialize_str(&text),
            AmountForm::Number => {
                let n = serde_json::Number::from_str(&text).map_err(serde::ser::Error::custom)?;
                n.serialize(serializer)
            }
        }
    }
}

/// The key serde_json uses to carry an exact number through a map.
const JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AmountVisitor;

        impl<'de> Visitor<'de> for AmountVisitor {
            type Value = Amount;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal amount as a JSON number or string")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
                Amount::parse_text(v).map(Amount::new_string).map_err(E::custom)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                Ok(Amount::new(Decimal::from(v)))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                Ok(Amount::new(Decimal::from(v)))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
                // Reached from a non-JSON deserializer, and from a `serde_json::Value` whose
                // number text is exactly the float's shortest form (`12.5`, `-7.0`; any other
                // text arrives exact, through `visit_map`). That form writes a whole number
                // with `.0`, which `to_string` drops: keep it, so that `12.0` stays `12.0`
                // (found by the request-encoding property test: a `placeOrder` body read with
                // `serde_json::from_value` was sent with `-8203571582` for `-8203571582.0`).
                let text = if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e16 {
                    format!("{v:.1}")
                } else {
                    v.to_string()
                };
                Amount::parse_text(&text).map(Amount::new).map_err(E::custom)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Amount, A::Error> {
                let key: Option<String> = map.next_key()?;
                if key.as_deref() != Some(JSON_NUMBER_TOKEN) {
                    return Err(de::Error::custom("expected a decimal amount, found an object"));
                }
                let text: String = map.next_value()?;
                Amount::parse_text(&text).map(Amount::new).map_err(de::Error::custom)
            }
        }

        deserializer.deserialize_any(AmountVisitor)
    }
}

/// An amount of money in a currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    /// ISO 4217 currency code, e.g. `USD`.
    pub currency_code: String,
    /// The exact amount.
    pub amount: Amount,
}

impl Money {
    /// Money with an amount that travels as a JSON number.
    pub fn new(currency_code: impl Into<String>, amount: Decimal) -> Self {
        Money { currency_code: currency_code.into(), amount: Amount::new(amount) }
    }
}

impl Money {
    /// The exact amount.
    pub fn value(&self) -> Decimal {
        self.amount.value()
    }

    /// The sum of two amounts in the same currency; `None` when the currencies differ or the
    /// sum overflows. The result travels in this amount's JSON form.
    pub fn checked_add(&self, other: &Money) -> Option<Money> {
        if self.currency_code != other.currency_code {
            return None;
        }
        let sum = self.value().checked_add(other.value())?;
        Some(Money {
            currency_code: self.currency_code.clone(),
            amount: Amount::new(sum).with_form(self.amount.form()),
        })
    }
}

impl fmt::Display for Money {
    /// `12.50 USD`; a precision rounds the amount (`{:.2}`), a width pads the whole.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let amount = match f.precision() {
            Some(p) => self
                .value()
                .round_dp_with_strategy(p as u32, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                .to_string(),
            None => self.value().to_string(),
        };
        pad(f, &format!("{amount} {}", self.currency_code))
    }
}

/// Pads `s` to the formatter's width and alignment (left by default), ignoring its precision,
/// which the caller already used to round.
fn pad(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    use fmt::Write;
    let len = s.chars().count();
    let fill = f.width().unwrap_or(0).saturating_sub(len);
    let (before, after) = match f.align() {
        Some(fmt::Alignment::Right) => (fill, 0),
        Some(fmt::Alignment::Center) => (fill / 2, fill - fill / 2),
        _ => (0, fill),
    };
    let c = f.fill();
    for _ in 0..before {
        f.write_char(c)?;
    }
    f.write_str(s)?;
    for _ in 0..after {
        f.write_char(c)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_fast_path_agrees_with_the_general_parser() {
        use proptest::prelude::*;
        let general = |s: &str| OffsetDateTime::parse(s, &Rfc3339).ok().map(|t| t.to_offset(UtcOffset::UTC));
        let config = ProptestConfig { cases: 4096, ..ProptestConfig::default() };
        proptest!(config, |(s in "[0-9]{4}-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]:[0-6][0-9](\\.[0-9]{0,10})?[Zz+]")| {
            if let Some(fast) = super::parse_utc_z(s.as_bytes()) {
                prop_assert_eq!(Some(fast), general(&s), "{}", s);
            }
            // Whatever the fast path leaves, the whole parser still decides as before.
            prop_assert_eq!(super::DateTime::parse(&s).ok().map(|d| d.0), general(&s).filter(|t| (0..=9999).contains(&t.year())), "{}", s);
        });
        // Cases the fast path must leave to the general parser.
        for s in [
            "2024-02-30T00:00:00Z",
            "2024-05-01T10:00:60Z",
            "2024-05-01t10:00:00Z",
            "2024-05-01T10:00:00z",
            "2024-05-01T10:00:00.Z",
            "2024-05-01T10:00:00.1234567890Z",
            "+024-05-01T10:00:00Z",
        ] {
            assert_eq!(super::parse_utc_z(s.as_bytes()), None, "{s}");
        }
        assert_eq!(
            super::parse_utc_z(b"2024-05-01T10:00:00.5Z"),
            Some(time::macros::datetime!(2024-05-01 10:00:00.5 UTC))
        );
        // And every valid date-time of that form is read by the fast path itself.
        let form =
            (0..=9999i32, 1..=12u8, 1..=28u8, 0..24u8, 0..60u8, 0..60u8, proptest::option::of("[0-9]{1,9}"));
        proptest!(config, |((y, mo, d, h, mi, se, frac) in form)| {
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            let s = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{se:02}{frac}Z");
            prop_assert_eq!(super::parse_utc_z(s.as_bytes()), general(&s), "{}", s);
            prop_assert!(super::parse_utc_z(s.as_bytes()).is_some(), "{}", s);
        });
    }

    use super::*;

    #[test]
    fn date_times_go_out_in_utc_with_z() {
        let t = DateTime::parse("2020-07-09T02:00:00+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2020-07-09T00:00:00Z");
        let naive = DateTime::parse("2020-12-01T00:00:00").unwrap();
        assert_eq!(naive.to_rfc3339(), "2020-12-01T00:00:00Z");
        let frac = DateTime::parse("2020-12-01T00:00:00.250Z").unwrap();
        assert_eq!(frac.to_rfc3339(), "2020-12-01T00:00:00.25Z");
        assert_eq!(DateTime::from_unix_seconds(0).unwrap().to_rfc3339(), "1970-01-01T00:00:00Z");
        // Years RFC 3339 cannot write are refused when read, and written with a sign when made.
        assert!(DateTime::parse("-2020-07-09T02:01:00.27777711110").is_err());
        assert!(DateTime::parse("0000-01-01T00:00:00+01:00").is_err());
        assert_eq!(DateTime::parse("0000-01-01T00:00:00Z").unwrap().to_rfc3339(), "0000-01-01T00:00:00Z");
        assert_eq!(
            DateTime::from_unix_seconds(-62_198_755_200).unwrap().to_rfc3339(),
            "-0001-01-01T00:00:00Z"
        );
        assert_eq!(
            DateTime::parse("2020-01-01T00:00:00.123456789Z").unwrap().to_rfc3339(),
            "2020-01-01T00:00:00.123456789Z"
        );
        let spaced = DateTime::parse("2020-07-10 15:00:00.000").unwrap();
        assert_eq!(spaced.to_rfc3339(), "2020-07-10T15:00:00Z");
        assert!(DateTime::parse("2020-07-10  15:00:00").is_err());
        let err = DateTime::parse("yesterday").unwrap_err().to_string();
        assert!(err.contains("RFC 3339"), "{err}");
    }

    #[test]
    fn amounts_are_exact_and_keep_their_form() {
        let s: Amount = serde_json::from_str("\"0.1\"").unwrap();
        let n: Amount = serde_json::from_str("0.30000000000000000001").unwrap();
        assert_eq!(s.form(), AmountForm::String);
        assert_eq!(n.form(), AmountForm::Number);
        assert_eq!(n.value().to_string(), "0.30000000000000000001");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"0.1\"");
        assert_eq!(serde_json::to_string(&n).unwrap(), "0.30000000000000000001");
        let trailing: Amount = serde_json::from_str("12.50").unwrap();
        assert_eq!(serde_json::to_string(&trailing).unwrap(), "12.50");
        assert_eq!(s, Amount::new("0.1".parse().unwrap()));
    }

    #[test]
    fn display_honours_width_and_precision() {
        let m = Money::new("USD", "12.345".parse().unwrap());
        assert_eq!(format!("{m}"), "12.345 USD");
        assert_eq!(format!("{m:.2}"), "12.35 USD");
        assert_eq!(format!("[{m:>12}]"), "[  12.345 USD]");
        let t = DateTime::parse("2024-01-02T03:04:05Z").unwrap();
        assert_eq!(format!("[{t:<22}]"), "[2024-01-02T03:04:05Z  ]");
        assert_eq!(format!("{:.1}", Amount::new("0.25".parse().unwrap())), "0.3");
    }

    #[test]
    fn money_adds_only_within_a_currency() {
        let a = Money::new("USD", "1.10".parse().unwrap());
        let b: Money = serde_json::from_str(r#"{"currencyCode":"USD","amount":"2.05"}"#).unwrap();
        assert_eq!(a.checked_add(&b).unwrap().value(), "3.15".parse::<Decimal>().unwrap());
        assert_eq!(
            serde_json::to_string(&b.checked_add(&a).unwrap()).unwrap(),
            r#"{"currencyCode":"USD","amount":"3.15"}"#
        );
        assert!(a.checked_add(&Money::new("EUR", Decimal::ONE)).is_none());
    }

    #[test]
    fn amounts_inside_values_and_money() {
        let v: serde_json::Value = serde_json::from_str(r#"{"currencyCode":"USD","amount":19.99}"#).unwrap();
        let m: Money = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(m.amount.value(), "19.99".parse::<Decimal>().unwrap());
        assert_eq!(serde_json::to_value(&m).unwrap(), v);
        assert!(serde_json::from_str::<Amount>("\"abc\"").is_err());
        assert!(serde_json::from_str::<Amount>("{}").is_err());
        assert!(serde_json::from_str::<Amount>("true").is_err());
    }
}
