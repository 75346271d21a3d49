//! Shapes that several API models define identically, kept as one Rust type each.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_with::skip_serializing_none;

use crate::error::ValidationError;
use crate::types::{DateTime, Money};
use crate::wire::validate;

/// A postal address (model `PhysicalAddress`, identical in the Cart and Ordering models;
/// Reconciliation's, whose city is optional in practice, is its own type).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalAddress {
    /// The recipient's full name (not empty).
    pub full_name: String,
    /// The recipient's phone number (not empty when given).
    pub phone_number: Option<String>,
    /// The recipient's company.
    pub company_name: Option<String>,
    /// Street and number (not empty).
    pub address_line1: String,
    /// Apartment, suite, floor… (at most 60 characters).
    pub address_line2: Option<String>,
    /// More of the same, when line 2 is full (at most 60 characters).
    pub address_line3: Option<String>,
    /// City (not empty).
    pub city: String,
    /// State or region; needed in the United States.
    pub state_or_region: Option<String>,
    /// Postal code (not empty).
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code, two capital letters (`US`, `GB`…).
    pub country_code: String,
}

impl PhysicalAddress {
    /// An address with its required parts; add the others with the chained setters.
    pub fn new(
        full_name: impl Into<String>,
        address_line1: impl Into<String>,
        city: impl Into<String>,
        postal_code: impl Into<String>,
        country_code: impl Into<String>,
    ) -> Self {
        PhysicalAddress {
            full_name: full_name.into(),
            phone_number: None,
            company_name: None,
            address_line1: address_line1.into(),
            address_line2: None,
            address_line3: None,
            city: city.into(),
            state_or_region: None,
            postal_code: postal_code.into(),
            country_code: country_code.into(),
        }
    }

    /// Sets the phone number (`phoneNumber`).
    pub fn phone_number(mut self, phone_number: impl Into<String>) -> Self {
        self.phone_number = Some(phone_number.into());
        self
    }

    /// Sets the company name (`companyName`).
    pub fn company_name(mut self, company_name: impl Into<String>) -> Self {
        self.company_name = Some(company_name.into());
        self
    }

    /// Sets the second address line (`addressLine2`).
    pub fn address_line2(mut self, line: impl Into<String>) -> Self {
        self.address_line2 = Some(line.into());
        self
    }

    /// Sets the third address line (`addressLine3`).
    pub fn address_line3(mut self, line: impl Into<String>) -> Self {
        self.address_line3 = Some(line.into());
        self
    }

    /// Sets the state or region (`stateOrRegion`).
    pub fn state_or_region(mut self, state: impl Into<String>) -> Self {
        self.state_or_region = Some(state.into());
        self
    }

    /// Checks the model's constraints; errors name the field under `at` (e.g. `address`).
    pub(crate) fn check(&self, op: &'static str, at: &str) -> Result<(), ValidationError> {
        let field = |name: &str| format!("{at}.{name}");
        let non_empty = |name: &str, value: &str| validate::non_empty(op, &field(name), value);
        non_empty("fullName", &self.full_name)?;
        if let Some(phone) = &self.phone_number {
            non_empty("phoneNumber", phone)?;
        }
        non_empty("addressLine1", &self.address_line1)?;
        if let Some(line) = &self.address_line2 {
            validate::length(op, &field("addressLine2"), line, 0, 60)?;
        }
        if let Some(line) = &self.address_line3 {
            validate::length(op, &field("addressLine3"), line, 0, 60)?;
        }
        non_empty("city", &self.city)?;
        non_empty("postalCode", &self.postal_code)?;
        let cc = &self.country_code;
        if cc.len() != 2 || !cc.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ValidationError::new(
                op,
                field("countryCode"),
                format!("is {cc:?}, must be two capital letters (pattern ^[A-Z]{{2}}$)"),
            ));
        }
        Ok(())
    }
}

/// A date-time in the object form some models define (model `DateTime` of the Cart, Ordering
/// and Reporting APIs, identical in all three): `{"date": "2025-01-15T10:30:00Z"}`.
///
/// Amazon's recorded examples often send the bare string instead. Both are read; each is
/// written back in the form it arrived in, and a value built in code is written in the model's
/// object form. Equality, ordering and hashing look at the instant only.
#[derive(Clone, Copy)]
pub struct DateTimeValue {
    /// The instant.
    pub date: DateTime,
    bare: bool,
}

impl DateTimeValue {
    /// An instant, written in the model's `{"date": …}` form.
    pub fn new(date: impl Into<DateTime>) -> Self {
        DateTimeValue { date: date.into(), bare: false }
    }

    /// True when it arrived (and will be written) as a bare string rather than an object.
    pub fn is_bare_string(&self) -> bool {
        self.bare
    }
}

impl From<DateTime> for DateTimeValue {
    fn from(date: DateTime) -> Self {
        DateTimeValue::new(date)
    }
}

impl From<DateTimeValue> for DateTime {
    fn from(t: DateTimeValue) -> Self {
        t.date
    }
}

impl PartialEq for DateTimeValue {
    fn eq(&self, other: &Self) -> bool {
        self.date == other.date
    }
}

impl Eq for DateTimeValue {}

impl PartialOrd for DateTimeValue {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTimeValue {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.date.cmp(&other.date)
    }
}

impl Hash for DateTimeValue {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.date.hash(state);
    }
}

impl fmt::Debug for DateTimeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTimeValue({})", self.date)
    }
}

impl fmt::Display for DateTimeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.date, f)
    }
}

impl Serialize for DateTimeValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.bare {
            return self.date.serialize(serializer);
        }
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("date", &self.date)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for DateTimeValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateTimeValueVisitor;

        impl<'de> Visitor<'de> for DateTimeValueVisitor {
            type Value = DateTimeValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time, or an object with one in `date`")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTimeValue, E> {
                DateTime::parse(v).map(|date| DateTimeValue { date, bare: true }).map_err(E::custom)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DateTimeValue, A::Error> {
                let mut date = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "date" {
                        date = Some(map.next_value::<DateTime>()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                let date = date.ok_or_else(|| de::Error::missing_field("date"))?;
                Ok(DateTimeValue { date, bare: false })
            }
        }

        deserializer.deserialize_any(DateTimeValueVisitor)
    }
}

string_enum! {
    /// What a charge pays for (`Charge.category`, shared by the Cart and Ordering APIs).
    pub enum ChargeCategory {
        /// The items themselves.
        Subtotal = "SUBTOTAL",
        /// Delivery.
        Shipping = "SHIPPING",
        /// Gift wrapping.
        GiftWrap = "GIFT_WRAP",
        /// A fee for the payment method.
        PaymentMethodFee = "PAYMENT_METHOD_FEE",
        /// An export fee.
        ExportFee = "EXPORT_FEE",
        /// Anything else.
        Other = "OTHER",
    }
}

string_enum! {
    /// Whether a charge is a price, a tax or a discount (`Charge.type`).
    pub enum ChargeType {
        /// The price before tax and discounts.
        Principal = "PRINCIPAL",
        /// Tax.
        Tax = "TAX",
        /// A discount.
        Discount = "DISCOUNT",
    }
}

/// One part of a cost: an amount, what it pays for and whether it is a price, tax or discount
/// (model `Charge` of the Cart API, and of the Ordering API where it is an acceptance artifact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Charge {
    /// How much.
    pub amount: Money,
    /// What it pays for.
    pub category: ChargeCategory,
    /// Price, tax or discount.
    #[serde(rename = "type")]
    pub charge_type: ChargeType,
}
