//! Serde round trips for every model definition: arbitrary JSON the definition allows
//! (`amazon_business_core::proptest`, values no model lists included) → its Rust type (read as
//! a response is read) → JSON again, which must equal what went in: no key dropped, added,
//! renamed or retyped; unknown enum values and union subtypes kept; money exact to 10 decimal
//! places in the form (number or string) it came in; date-times in both of the SDK's forms.
//!
//! Cases per definition: 16 by default (256 definitions), `PROPTEST_CASES` overrides; the money
//! and date tests run 8 times as many.

use amazon_business_core::proptest::{definition_json, Options, UnknownValues};
use amazon_business_core::{Amount, DateTime, Decimal, Money};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(16)
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { failure_persistence: None, ..Config::with_cases(cases) })
}

/// JSON → `T` (as a response body is read) → JSON.
fn round_trip<T: DeserializeOwned + Serialize>(v: &Value) -> Result<Value, String> {
    let text = serde_json::to_vec(v).map_err(|e| e.to_string())?;
    let typed: T = amazon_business_core::wire::parse_json("roundTrip", &text).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| format!("encoding failed: {e}"))
}

struct Row {
    spec: &'static str,
    name: &'static str,
    round_trip: fn(&Value) -> Result<Value, String>,
}

macro_rules! table {
    ($($spec:literal { $($def:literal => $ty:ty,)* })*) => {
        &[$($(Row { spec: $spec, name: $def, round_trip: round_trip::<$ty> },)*)*]
    };
}

static TABLE: &[Row] = amazon_business_core::for_each_definition!(table);

/// Definitions the SDK knowingly reads narrower than the model, with the reason.
const GAPS: &[(&str, &str, &str)] = &[
    (
        "Reconciliation_API",
        "Address",
        "the model's Address has only `addressType` and no discriminator; the SDK reads it as its one \
     subtype, PhysicalAddress (whose required fullName an Address-only instance lacks)",
    ),
    (
        "ProductSearch_API",
        "ErrorResponse",
        "the model leaves `errors` optional; the SDK's one ErrorList (shared by every API) requires \
         it. Error responses are read leniently (a body without it gives no entries), so only this \
         typed decode differs",
    ),
];

#[test]
fn every_definition_round_trips_arbitrary_instances() {
    let options = Options::default().unknown_values(UnknownValues::Always);
    let mut failures = Vec::new();
    let mut definitions = 0;
    for row in TABLE {
        if GAPS.iter().any(|(s, n, _)| (*s, *n) == (row.spec, row.name)) {
            continue;
        }
        let strategy = definition_json(row.spec, row.name, options)
            .unwrap_or_else(|| panic!("{} {} is not in the embedded schema", row.spec, row.name));
        let result = runner(cases()).run(&strategy, |v| {
            let back = (row.round_trip)(&v)
                .map_err(|e| TestCaseError::fail(format!("does not decode: {e}\n{v}")))?;
            prop_assert_eq!(&back, &v);
            Ok(())
        });
        definitions += 1;
        if let Err(e) = result {
            failures.push(format!("{} {}: {e}", row.spec, row.name));
        }
    }
    println!(
        "model round trips: {definitions} definitions x {} cases = {} cases ({} allow-listed)",
        cases(),
        definitions * cases() as usize,
        GAPS.len()
    );
    assert_eq!(definitions + GAPS.len(), 256);
    assert!(
        failures.is_empty(),
        "{} definitions do not round-trip:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Decimal text with up to 10 places.
fn decimal_text() -> impl Strategy<Value = String> {
    (-1_000_000_000_000_000i64..1_000_000_000_000_000, 0u32..=10)
        .prop_map(|(m, scale)| Decimal::new(m, scale).to_string())
}

#[test]
fn money_keeps_up_to_ten_decimal_places_in_both_forms() {
    let mut runner = runner(cases() * 8);
    runner
        .run(&(decimal_text(), any::<bool>(), "[A-Z]{3}"), |(text, as_string, currency)| {
            let amount =
                if as_string { Value::String(text.clone()) } else { Value::Number(text.parse().unwrap()) };
            let json = serde_json::json!({"currencyCode": currency, "amount": amount});
            // Read from text (the wire) and from a `serde_json::Value`.
            let from_text: Money = serde_json::from_str(&json.to_string()).unwrap();
            let from_value: Money = serde_json::from_value(json.clone()).unwrap();
            let exact: Decimal = text.parse().unwrap();
            for money in [&from_text, &from_value] {
                prop_assert_eq!(money.value(), exact);
                prop_assert_eq!(money.amount.value().to_string(), text.clone(), "scale kept");
                prop_assert_eq!(serde_json::to_value(money).unwrap(), json.clone());
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn an_amount_keeps_its_form_and_text() {
    let mut runner = runner(cases() * 8);
    runner
        .run(&decimal_text(), |text| {
            let number: Amount = serde_json::from_str(&text).unwrap();
            let string: Amount = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            prop_assert_eq!(serde_json::to_string(&number).unwrap(), text.clone());
            prop_assert_eq!(serde_json::to_string(&string).unwrap(), format!("\"{text}\""));
            prop_assert_eq!(number, string);
            Ok(())
        })
        .unwrap();
}

/// An instant from year 0000 to 9999 with any fraction, and an offset to write it in.
fn instant() -> impl Strategy<Value = (i64, u32, i32)> {
    (-62_167_219_200i64 + 86_400..=253_402_300_799 - 86_400, 0u32..1_000_000_000, -1439i32..=1439)
}

#[test]
fn date_times_read_any_offset_and_write_utc_with_z_in_both_forms() {
    use amazon_business_core::apis::common::DateTimeValue;
    let mut runner = runner(cases() * 8);
    runner
        .run(&instant(), |(secs, nanos, offset_minutes)| {
            let utc = time::OffsetDateTime::from_unix_timestamp(secs).unwrap()
                + time::Duration::nanoseconds(nanos.into());
            let offset = time::UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap();
            let fmt = &time::format_description::well_known::Rfc3339;
            let with_offset = utc.to_offset(offset).format(fmt).unwrap();
            let t = DateTime::parse(&with_offset).unwrap();
            prop_assert_eq!(t.as_offset_date_time(), utc);
            let z = t.to_rfc3339();
            prop_assert!(z.ends_with('Z'));
            prop_assert_eq!(time::OffsetDateTime::parse(&z, fmt).unwrap(), utc);
            // The bare string form and the model's `{"date": …}` form each round-trip as sent.
            let bare = Value::String(z.clone());
            let object = serde_json::json!({ "date": z });
            for form in [bare, object] {
                let v: DateTimeValue = serde_json::from_str(&form.to_string()).unwrap();
                prop_assert_eq!(v.date, t);
                prop_assert_eq!(serde_json::to_value(v).unwrap(), form);
            }
            Ok(())
        })
        .unwrap();
}
