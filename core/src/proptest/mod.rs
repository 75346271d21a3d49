//! Property-testing support (feature `proptest`): strategies that generate the values Amazon's
//! models allow, for every model type and for every operation's inputs.
//!
//! Enable it by adding this crate, with the feature, as a dev-dependency next to your client
//! crate (same version): `amazon-business-core = { version = "0.1", features = ["proptest"] }`;
//! the types are the ones your client crate re-exports.
//!
//! Use it to property-test your own code: code that consumes outputs (feed it arbitrary pages,
//! including enum values and union subtypes no model lists yet, as Amazon may add them), and
//! code that builds requests (check that what you send is what you meant).
//!
//! - [`arbitrary::<T>()`](arbitrary) yields any value of a model type `T` (every type of the
//!   SDK that holds one of the models' definitions: `OrderReport`, `Product`, `Money`, …; see
//!   [`Model`]). [`arbitrary_json::<T>()`](arbitrary_json) yields the JSON itself, as Amazon
//!   would send it.
//! - [`operation::<O>()`](operation) yields any valid operation `O` (every one of the 32;
//!   see [`ArbitraryOperation`]); [`operation_with_inputs::<O>()`](operation_with_inputs)
//!   also gives the [`Inputs`] it was built from, as path, query, header and body values.
//!
//! # What is generated
//!
//! Values come from a compact copy of the models' schemas embedded in this crate
//! (`src/proptest/schema.json`, generated from Amazon's models by the conformance crate's
//! `extract-fixtures`, whose tests fail when it is stale). They honour the models':
//!
//! - types and formats: date-times are RFC 3339 in UTC with `Z`, from year 0000 to 9999, with
//!   and without fractions of a second; numbers (money amounts among them) have up to 10
//!   decimal places, as JSON numbers or as strings where a model types an amount as a string;
//! - `pattern`, `minLength`/`maxLength`, `minimum`/`maximum`, `minItems`/`maxItems`, `required`;
//! - enums and discriminated unions: every listed value and subtype, and — for definitions only
//!   responses reach — values and subtypes no model lists, which the SDK keeps as `Unknown`
//!   (see [`UnknownValues`]).
//!
//! Free text is any Unicode (control characters, `/`, `%`, `,`, emoji…), a few characters
//! long; arrays and maps hold up to a few entries; a recursive definition nests at most twice.
//! Where the SDK's types are narrower than the models, values follow the SDK: a country the
//! Product Search and User Management models type as free text (`productRegion`,
//! `shippingRegion`, `region`) is one of [`Country::ALL`](crate::Country::ALL); a header value
//! is visible ASCII without leading or trailing spaces; a parameter string is never empty.
//!
//! # Example: property-testing your own code
//!
//! ```
//! use amazon_business_core::apis::reporting::GetOrderReportsResponse;
//! use amazon_business_core::apis::reporting_legacy::GetOrdersByOrderDate;
//! use amazon_business_core::proptest::{arbitrary, operation};
//! use amazon_business_core::{Marketplace, Operation, RequestContext};
//! use proptest::test_runner::TestRunner;
//!
//! // Your code: the order IDs of a page of the order report, without duplicates.
//! fn order_ids(page: &GetOrderReportsResponse) -> Vec<String> {
//!     let mut ids: Vec<String> =
//!         page.orders_report.iter().map(|o| o.order_metadata.order_id.clone()).collect();
//!     ids.sort();
//!     ids.dedup();
//!     ids
//! }
//!
//! let mut runner = TestRunner::default();
//! // Any page Amazon's model allows, unknown order statuses included.
//! runner
//!     .run(&arbitrary::<GetOrderReportsResponse>(), |page| {
//!         let ids = order_ids(&page);
//!         assert!(ids.len() <= page.orders_report.len());
//!         assert!(ids.windows(2).all(|w| w[0] < w[1]));
//!         Ok(())
//!     })
//!     .unwrap();
//!
//! // Any valid request: it builds, and always says which dates it asks for.
//! let base = url::Url::parse("https://na.business-api.amazon.com").unwrap();
//! let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
//! runner
//!     .run(&operation::<GetOrdersByOrderDate>(), |op| {
//!         let request = op.request(&cx).expect("a valid operation builds");
//!         let query = request.uri().query().unwrap_or_default();
//!         assert!(query.contains("startDate=") || query.contains("nextPageToken="));
//!         Ok(())
//!     })
//!     .unwrap();
//! ```
//!
//! Case counts follow proptest's configuration (`PROPTEST_CASES`, or a
//! [`TestRunner`](proptest::test_runner::TestRunner) config).

mod models;
mod ops;
pub(crate) mod schema;

use std::any::TypeId;
use std::fmt::Debug;

use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

pub use models::Model;
pub use ops::{ArbitraryOperation, Inputs};

/// When a generated value may hold enum values and union subtypes that no model lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnknownValues {
    /// Never: only what the models list (what a request may carry).
    Never,
    /// In definitions only responses reach (the default): what Amazon may send as it adds values.
    InResponses,
    /// In every definition, requests' included.
    Always,
}

/// How values are generated; [`Options::default`] is what [`arbitrary`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Where values no model lists may appear.
    pub unknown_values: UnknownValues,
    /// Most entries of an array beyond its `minItems`.
    pub max_items: usize,
    /// How many times a recursive definition may nest in itself.
    pub max_depth: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { unknown_values: UnknownValues::InResponses, max_items: 3, max_depth: 2 }
    }
}

impl Options {
    /// These options with `unknown_values` set.
    pub fn unknown_values(mut self, unknown_values: UnknownValues) -> Self {
        self.unknown_values = unknown_values;
        self
    }

    /// These options with `max_items` set.
    pub fn max_items(mut self, max_items: usize) -> Self {
        self.max_items = max_items;
        self
    }
}

/// Any value of model type `T` that Amazon's models allow.
///
/// ```
/// use amazon_business_core::proptest::arbitrary;
/// use amazon_business_core::Money;
/// use proptest::strategy::{Strategy, ValueTree};
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let money: Money = arbitrary::<Money>().new_tree(&mut runner).unwrap().current();
/// assert_eq!(money.currency_code.len(), 3);
/// ```
pub fn arbitrary<T: Model>() -> BoxedStrategy<T> {
    arbitrary_with(Options::default())
}

/// Any value of model type `T`, generated with `options`.
pub fn arbitrary_with<T: Model>(options: Options) -> BoxedStrategy<T> {
    arbitrary_json_with::<T>(options).prop_map(|v| decode::<T>(&v)).boxed()
}

/// Any JSON the models allow for model type `T`, as Amazon would send it (or accept it).
pub fn arbitrary_json<T: Model>() -> BoxedStrategy<Value> {
    arbitrary_json_with::<T>(Options::default())
}

/// Any JSON for model type `T`, generated with `options`. A type several models share (the
/// error list, `Money`) takes the shape of any of them.
pub fn arbitrary_json_with<T: Model>(options: Options) -> BoxedStrategy<Value> {
    let gen = schema::Gen { options };
    let arms: Vec<BoxedStrategy<Value>> =
        definitions_of::<T>().into_iter().filter_map(|(spec, name)| gen.top(spec, name)).collect();
    assert!(
        !arms.is_empty(),
        "amazon_business_core::proptest: {} has no definition in the embedded schema (an SDK bug)",
        std::any::type_name::<T>()
    );
    Union::new(arms).boxed()
}

/// Any JSON definition `name` of model `spec` (a model file name without `.json`, such as
/// `Ordering_API`) allows, or `None` when the schema has no such definition.
pub fn definition_json(spec: &str, name: &str, options: Options) -> Option<BoxedStrategy<Value>> {
    schema::Gen { options }.top(spec, name)
}

/// Decodes JSON the models allow into `T`; a failure is a defect of the SDK's types.
fn decode<T: DeserializeOwned>(v: &Value) -> T {
    let text = serde_json::to_vec(v).expect("JSON values serialise");
    crate::wire::parse_json("proptest", &text).unwrap_or_else(|e| {
        panic!(
            "amazon_business_core::proptest: JSON the models allow does not decode into {}: {e}\n{v}\n(an SDK bug: please report it)",
            std::any::type_name::<T>()
        )
    })
}

/// Any valid operation `O`: its required inputs and any of its optional ones, as the models
/// allow them.
pub fn operation<O: ArbitraryOperation>() -> BoxedStrategy<O> {
    operation_with_inputs::<O>().prop_map(|(_, op)| op).boxed()
}

/// Any valid operation `O` with the [`Inputs`] it was built from through its public
/// constructor and setters.
pub fn operation_with_inputs<O: ArbitraryOperation>() -> BoxedStrategy<(Inputs, O)> {
    ops::inputs(O::ID)
        .prop_map(|inputs| {
            let op = O::from_inputs(&inputs);
            (inputs, op)
        })
        .boxed()
}

/// The embedded schema, for the conformance crate's check that it matches the models.
#[doc(hidden)]
pub const SCHEMA_JSON: &str = schema::SCHEMA_JSON;

/// Every `(model, definition)` of the table whose Rust type is `T`.
fn definitions_of<T: 'static>() -> Vec<(&'static str, &'static str)> {
    macro_rules! rows {
        ($($spec:literal { $($def:literal => $ty:ty,)* })*) => {
            &[$($(($spec, $def, TypeId::of::<$ty> as fn() -> TypeId),)*)*]
        };
    }
    /// `(model, definition, the Rust type's id)`.
    type Row = (&'static str, &'static str, fn() -> TypeId);
    static ROWS: &[Row] = crate::for_each_definition!(rows);
    ROWS.iter().filter(|(_, _, id)| id() == TypeId::of::<T>()).map(|(s, n, _)| (*s, *n)).collect()
}

/// What every model type is.
#[doc(hidden)]
pub trait ModelBounds: Serialize + DeserializeOwned + Debug + Clone + 'static {}
impl<T: Serialize + DeserializeOwned + Debug + Clone + 'static> ModelBounds for T {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_table_is_a_model_and_every_model_has_a_row() {
        macro_rules! check {
            ($($spec:literal { $($def:literal => $ty:ty,)* })*) => {{
                fn is_model<T: Model>() {}
                $($(is_model::<$ty>();)*)*
            }};
        }
        crate::for_each_definition!(check);
        for (name, id) in models::ALL {
            let rows = ROWS_BY_ID(*id);
            assert!(rows > 0, "{name} implements Model but has no row in for_each_definition!");
        }
    }

    #[allow(non_snake_case)]
    fn ROWS_BY_ID(id: fn() -> TypeId) -> usize {
        macro_rules! rows {
            ($($spec:literal { $($def:literal => $ty:ty,)* })*) => {
                &[$($(TypeId::of::<$ty> as fn() -> TypeId,)*)*]
            };
        }
        static ROWS: &[fn() -> TypeId] = crate::for_each_definition!(rows);
        ROWS.iter().filter(|r| r() == id()).count()
    }

    #[test]
    fn every_definition_of_the_schema_generates() {
        let defs = schema::schema()["definitions"].as_object().unwrap();
        let mut n = 0;
        for (spec, names) in defs {
            for name in names.as_object().unwrap().keys() {
                assert!(definition_json(spec, name, Options::default()).is_some(), "{spec} {name}");
                n += 1;
            }
        }
        assert_eq!(n, 256);
    }
}
