//! Builds each recorded sandbox example's request through the SDK's public typed API, as a user
//! would, and sends or parses it through any transport. The conformance tests, the HTTP replay
//! and the tour (`amazon-business-tour`) share this one table.
//!
//! # From an example to a typed request
//!
//! Each operation has one builder that reads the example's path, query, header and body values
//! and calls the operation's public constructors and setters with them, exactly as a user would.
//! It sets nothing the example does not have. Where the example lacks a value the typed API
//! requires, the builder passes the empty value, so that the typed API's own validation refuses
//! the request:
//!
//! * a required string (a path parameter, `locale`, a body field) reads as `""`;
//! * a required number (a quantity) reads as `0`;
//! * a required date-time reads as `""`, which [`DateTime::parse`] refuses, and so does any
//!   text that is not a date-time (`incorrectFormatDate`);
//! * a required country (`region`, `productRegion`) reads as `""`, which
//!   [`Country`]'s `FromStr` refuses — unless the typed API refuses the request for a reason of
//!   its own (a missing cart ID, say), which then speaks. (The typed API cannot leave a
//!   required country out: left unset it sends the configured marketplace's country.)
//! * an enum value reads through the enum's `from_wire`, so an unknown value becomes `Unknown`
//!   and the typed API's own value check refuses it.
//!
//! Bodies are built with the body types' constructors and setters. `placeOrder` is the one
//! exception: its body has dozens of polymorphic subtypes, and the module offers
//! [`PlaceOrder::from_request`](ordering::PlaceOrder::from_request), so the example body is
//! deserialised into [`ordering::PlaceOrderRequest`].
//!
//! Examples the typed API can neither build exactly nor refuse are listed, with the reason, in
//! [`NOT_EXPRESSIBLE`].

use std::collections::BTreeMap;
use std::str::FromStr;

use amazon_business_core::apis::{
    applications, cart, documents, ordering, package_tracking, product_search, reconciliation, reporting,
    reporting_legacy, users,
};
use amazon_business_core::error::{DecodeError, Error, ValidationError};
use amazon_business_core::{Country, DateTime, Marketplace, Operation, RequestContext};
use serde_json::Value;

use crate::fixtures::Example;

/// The header that names the business user.
const USER_EMAIL: &str = "x-amz-user-email";

/// Recorded examples whose request the typed API can express neither exactly nor as a
/// client-side refusal, each with the reason. The offline replay counts them as "not
/// expressible", prints the reason, and fails if one of them becomes expressible (so that the
/// list cannot go stale).
pub const NOT_EXPRESSIBLE: &[(&str, &str)] = &[];

/// Why `example_id` is not expressible through the typed API, if it is listed in
/// [`NOT_EXPRESSIBLE`].
pub fn not_expressible(example_id: &str) -> Option<&'static str> {
    NOT_EXPRESSIBLE.iter().find(|(id, _)| *id == example_id).map(|(_, why)| *why)
}

/// An example value that the typed API cannot take (not a date, not a country…).
fn bad(op: &'static str, field: &str, message: impl Into<String>) -> Error {
    ValidationError::new(op, field, message).into()
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn parse_date(op: &'static str, field: &str, s: &str) -> Result<DateTime, Error> {
    DateTime::parse(s).map_err(|e| bad(op, field, e.to_string()))
}

/// Reads a country as a user would, with `Country`'s `FromStr`.
fn parse_country(op: &'static str, field: &str, s: &str) -> Result<Country, Error> {
    Country::from_str(s).map_err(|e| bad(op, field, e.message))
}

/// Whether the typed API refuses `op` client-side whatever its country.
fn refused_anyway<O: Operation>(op: &O) -> bool {
    let base = url::Url::parse("https://sandbox.na.business-api.amazon.com").expect("a valid URL");
    let cx = RequestContext {
        base_url: &base,
        marketplace: Marketplace::UnitedStates,
        user_email: Some("buyer@example.com"),
    };
    matches!(op.request(&cx), Err(Error::Validation(_)))
}

/// A country the model requires (`region`, `productRegion`): set when the example has it;
/// otherwise the empty value, which `Country::from_str` refuses, unless the typed API already
/// refuses the request for another reason (see the module docs).
fn required_country<O: Operation>(
    op_id: &'static str,
    field: &str,
    value: Option<String>,
    op: O,
    set: impl FnOnce(O, Country) -> O,
) -> Result<O, Error> {
    match value {
        Some(s) => Ok(set(op, parse_country(op_id, field, &s)?)),
        None if refused_anyway(&op) => Ok(op),
        None => parse_country(op_id, field, "").map(|c| set(op, c)),
    }
}

/// Reads an example's parameters.
struct Params<'a> {
    op: &'static str,
    ex: &'a Example,
}

impl<'a> Params<'a> {
    fn find(&self, name: &str) -> Option<&'a Value> {
        self.ex.path.get(name).or_else(|| self.ex.query.get(name)).or_else(|| self.ex.headers.get(name))
    }

    /// A required string; absent reads as empty so that the typed API's own validation speaks.
    fn string(&self, name: &str) -> String {
        self.opt_string(name).unwrap_or_default()
    }

    fn opt_string(&self, name: &str) -> Option<String> {
        self.find(name).map(text)
    }

    fn date(&self, name: &str) -> Result<DateTime, Error> {
        parse_date(self.op, name, &self.string(name))
    }

    fn opt_date(&self, name: &str) -> Result<Option<DateTime>, Error> {
        self.opt_string(name).map(|s| parse_date(self.op, name, &s)).transpose()
    }

    fn opt_country(&self, name: &str) -> Result<Option<Country>, Error> {
        self.opt_string(name).map(|s| parse_country(self.op, name, &s)).transpose()
    }

    fn list(&self, name: &str) -> Vec<String> {
        match self.find(name) {
            Some(Value::Array(items)) => items.iter().map(text).collect(),
            Some(Value::String(s)) => s.split(',').map(str::to_owned).collect(),
            Some(other) => vec![other.to_string()],
            None => Vec::new(),
        }
    }

    /// A list parameter, when the example has it.
    fn opt_list(&self, name: &str) -> Option<Vec<String>> {
        self.find(name).map(|_| self.list(name))
    }

    fn opt_bool(&self, name: &str) -> Result<Option<bool>, Error> {
        match self.find(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
            Some(v) => Err(bad(self.op, name, format!("{v} is not a boolean"))),
        }
    }

    fn opt_u32(&self, name: &str) -> Result<Option<u32>, Error> {
        self.opt_string(name)
            .map(|s| s.parse::<u32>().map_err(|_| bad(self.op, name, format!("{s:?} is not a whole number"))))
            .transpose()
    }

    fn opt_i64(&self, name: &str) -> Result<Option<i64>, Error> {
        self.opt_string(name)
            .map(|s| s.parse::<i64>().map_err(|_| bad(self.op, name, format!("{s:?} is not a whole number"))))
            .transpose()
    }

    fn body(&self) -> &'a Value {
        static NULL: Value = Value::Null;
        self.ex.body.as_ref().unwrap_or(&NULL)
    }

    /// The JSON body, read as an object.
    fn body_obj(&self) -> Obj<'a> {
        Obj { op: self.op, at: String::new(), v: self.body() }
    }
}

/// Reads a JSON object of an example body, naming fields by their path for diagnostics.
/// Absent required strings read as empty and absent required numbers as 0, so that the typed
/// API's own validation speaks.
struct Obj<'a> {
    op: &'static str,
    at: String,
    v: &'a Value,
}

impl<'a> Obj<'a> {
    fn field(&self, key: &str) -> String {
        if self.at.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.at)
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.v.get(key).filter(|v| !v.is_null())
    }

    fn string(&self, key: &str) -> String {
        self.opt_string(key).unwrap_or_default()
    }

    fn opt_string(&self, key: &str) -> Option<String> {
        self.get(key).map(text)
    }

    fn int(&self, key: &str) -> Result<i64, Error> {
        Ok(self.opt_int(key)?.unwrap_or(0))
    }

    fn opt_int(&self, key: &str) -> Result<Option<i64>, Error> {
        self.get(key)
            .map(|v| {
                v.as_i64().ok_or_else(|| bad(self.op, &self.field(key), format!("{v} is not a whole number")))
            })
            .transpose()
    }

    fn opt_u32(&self, key: &str) -> Result<Option<u32>, Error> {
        self.opt_int(key)?
            .map(|n| {
                u32::try_from(n).map_err(|_| bad(self.op, &self.field(key), format!("{n} is out of range")))
            })
            .transpose()
    }

    fn strings(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            Some(Value::Array(items)) => items.iter().map(text).collect(),
            Some(other) => vec![text(other)],
            None => Vec::new(),
        }
    }

    /// The object under `key` (absent reads as an empty object).
    fn obj(&self, key: &str) -> Obj<'a> {
        static NULL: Value = Value::Null;
        Obj { op: self.op, at: self.field(key), v: self.get(key).unwrap_or(&NULL) }
    }

    /// The objects of the array under `key`.
    fn objects(&self, key: &str) -> Vec<Obj<'a>> {
        match self.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| Obj { op: self.op, at: format!("{}[{i}]", self.field(key)), v })
                .collect(),
            _ => Vec::new(),
        }
    }
}

fn to_value<T: serde::Serialize>(op: &'static str, output: T) -> Result<Value, Error> {
    serde_json::to_value(output).map_err(|e| {
        Error::Decode(DecodeError {
            operation: op,
            path: ".".into(),
            message: e.to_string(),
            body: String::new(),
        })
    })
}

/// Generates [`TypedOp`] from the core's operation table: one variant per operation, built by
/// the function of this module named like the operation's accessor method.
macro_rules! typed_ops {
    ($($accessor:ident => $surface:ident ($doc:literal) {
        $($build:ident($($arg:ident: $argty:ty),* $(,)?) -> $ty:ty as $variant:ident, sample($($sample:expr),* $(,)?);)*
    })*) => { typed_ops_impl! { $($($variant($ty) = $build;)*)* } };
}

macro_rules! typed_ops_impl {
    ($($variant:ident($ty:ty) = $build:path;)*) => {
        /// One operation of any kind, built from an example.
        #[derive(Debug)]
        #[allow(clippy::large_enum_variant)]
        pub enum TypedOp {
            $(
                #[doc = concat!("`", stringify!($variant), "`")]
                $variant($ty),
            )*
        }

        /// The operation ids this table can build.
        pub const SUPPORTED: &[&str] = &[$(<$ty as Operation>::ID),*];

        impl TypedOp {
            /// The operation's `operationId`.
            pub fn id(&self) -> &'static str {
                match self { $(TypedOp::$variant(_) => <$ty as Operation>::ID,)* }
            }

            /// Whether the operation may be sent twice.
            pub fn retry_safe(&self) -> bool {
                match self { $(TypedOp::$variant(_) => <$ty as Operation>::RETRY_SAFE,)* }
            }

            /// The HTTP request the typed API builds (or its validation error).
            pub fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
                match self { $(TypedOp::$variant(op) => op.request(cx),)* }
            }

            /// Parses a 2xx response into the typed output and drops it (what a caller of the
            /// typed API pays, without [`TypedOp::parse`]'s rendering back to JSON).
            pub fn decode(&self, response: &http::Response<Vec<u8>>) -> Result<(), Error> {
                match self { $(TypedOp::$variant(op) => op.parse(response).map(|out| { std::hint::black_box(&out); }),)* }
            }

            /// Parses a 2xx response into the typed output, then renders it as JSON.
            pub fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<Value, Error> {
                match self { $(TypedOp::$variant(op) => to_value(self.id(), op.parse(response)?),)* }
            }

            /// Sends it through the blocking client; the output rendered as JSON.
            pub fn send_blocking(&self, client: &amazon_business_blocking::Client) -> Result<Value, Error> {
                match self { $(TypedOp::$variant(op) => to_value(self.id(), client.send(op)?),)* }
            }

            /// Sends it through the async client; the output rendered as JSON.
            pub async fn send_async(&self, client: &amazon_business_async::Client) -> Result<Value, Error> {
                match self { $(TypedOp::$variant(op) => to_value(self.id(), client.send(op).await?),)* }
            }
        }

        /// Builds `example`'s request through the typed API. `Ok(None)` when the table has no
        /// builder for the operation yet.
        pub fn build(example: &Example) -> Result<Option<TypedOp>, Error> {
            match example.operation.as_str() {
                $(id if id == <$ty as Operation>::ID => {
                    let p = Params { op: <$ty as Operation>::ID, ex: example };
                    $build(&p).map(|op| Some(TypedOp::$variant(op)))
                })*
                _ => Ok(None),
            }
        }
    };
}

amazon_business_core::for_each_operation!(typed_ops);

// ---------------------------------------------------------------------------------------------
// Application Management
// ---------------------------------------------------------------------------------------------

fn rotate_application_client_secret(
    _p: &Params<'_>,
) -> Result<applications::RotateApplicationClientSecret, Error> {
    Ok(applications::RotateApplicationClientSecret::new())
}

// ---------------------------------------------------------------------------------------------
// Cart
// ---------------------------------------------------------------------------------------------

/// Every Cart operation requires `region`.
fn cart_region<O: Operation>(p: &Params<'_>, op: O, set: impl FnOnce(O, Country) -> O) -> Result<O, Error> {
    required_country(p.op, "region", p.opt_string("region"), op, set)
}

fn list_carts(p: &Params<'_>) -> Result<cart::ListCarts, Error> {
    let mut op = cart::ListCarts::new();
    if let Some(token) = p.opt_string("pageToken") {
        op = op.page_token(token);
    }
    if let Some(n) = p.opt_u32("pageSize")? {
        op = op.page_size(n);
    }
    if let Some(email) = p.opt_string(USER_EMAIL) {
        op = op.user_email(email);
    }
    cart_region(p, op, cart::ListCarts::region)
}

fn get_cart(p: &Params<'_>) -> Result<cart::GetCart, Error> {
    cart_region(p, cart::GetCart::new(p.string("cartId")), cart::GetCart::region)
}

fn get_items(p: &Params<'_>) -> Result<cart::GetItems, Error> {
    cart_region(p, cart::GetItems::new(p.string("cartId")), cart::GetItems::region)
}

fn delete_items(p: &Params<'_>) -> Result<cart::DeleteItems, Error> {
    cart_region(p, cart::DeleteItems::new(p.string("cartId")), cart::DeleteItems::region)
}

fn cart_metadata(m: &Obj<'_>) -> cart::MetadataAttribute {
    match m.opt_string("artifactType") {
        Some(t) if t.eq_ignore_ascii_case("CatalogMetadata") => {
            let mut catalog = cart::CatalogMetadata::new(m.string("catalogId"));
            catalog.catalog_version = m.opt_string("catalogVersion");
            catalog.into()
        }
        _ => cart::MetadataAttribute::Unknown(m.v.clone()),
    }
}

fn add_items(p: &Params<'_>) -> Result<cart::AddItems, Error> {
    let items = p
        .body_obj()
        .objects("items")
        .iter()
        .map(|o| {
            let mut item = cart::AddItemRequest::new(
                o.string("productIdentifier"),
                o.string("buyingOptionIdentifier"),
                o.int("quantity")?,
                o.string("externalId"),
            );
            for m in o.objects("metadata") {
                item = item.metadata(cart_metadata(&m));
            }
            Ok(item)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    cart_region(p, cart::AddItems::new(p.string("cartId"), items), cart::AddItems::region)
}

fn modify_items(p: &Params<'_>) -> Result<cart::ModifyItems, Error> {
    let items = p
        .body_obj()
        .objects("items")
        .iter()
        .map(|o| Ok(cart::ModifyItemRequest::new(o.string("itemId"), o.int("quantity")?)))
        .collect::<Result<Vec<_>, Error>>()?;
    cart_region(p, cart::ModifyItems::new(p.string("cartId"), items), cart::ModifyItems::region)
}

fn cart_address(a: &Obj<'_>) -> cart::Address {
    match a.opt_string("addressType") {
        Some(t) if !t.eq_ignore_ascii_case("PhysicalAddress") => cart::Address::Unknown(a.v.clone()),
        _ => {
            let mut address = cart::PhysicalAddress::new(
                a.string("fullName"),
                a.string("addressLine1"),
                a.string("city"),
                a.string("postalCode"),
                a.string("countryCode"),
            );
            if let Some(s) = a.opt_string("phoneNumber") {
                address = address.phone_number(s);
            }
            if let Some(s) = a.opt_string("companyName") {
                address = address.company_name(s);
            }
            if let Some(s) = a.opt_string("addressLine2") {
                address = address.address_line2(s);
            }
            if let Some(s) = a.opt_string("addressLine3") {
                address = address.address_line3(s);
            }
            if let Some(s) = a.opt_string("stateOrRegion") {
                address = address.state_or_region(s);
            }
            address.into()
        }
    }
}

fn get_estimated_total_purchase_cost(p: &Params<'_>) -> Result<cart::GetEstimatedTotalPurchaseCost, Error> {
    let address = cart_address(&p.body_obj().obj("address"));
    cart_region(
        p,
        cart::GetEstimatedTotalPurchaseCost::new(p.string("cartId"), address),
        cart::GetEstimatedTotalPurchaseCost::region,
    )
}

// ---------------------------------------------------------------------------------------------
// Document (reports)
// ---------------------------------------------------------------------------------------------

fn get_reports(p: &Params<'_>) -> Result<documents::GetReports, Error> {
    if let Some(token) = p.opt_string("nextToken") {
        return Ok(documents::GetReports::resume(token));
    }
    let mut op = documents::GetReports::new(p.list("reportTypes"));
    if let Some(statuses) = p.opt_list("processingStatuses") {
        op = op.processing_statuses(statuses.iter().map(|s| documents::ProcessingStatus::from_wire(s)));
    }
    if let Some(ids) = p.opt_list("marketplaceIds") {
        op = op.marketplace_ids(ids);
    }
    if let Some(n) = p.opt_u32("pageSize")? {
        op = op.page_size(n);
    }
    if let Some(t) = p.opt_date("createdSince")? {
        op = op.created_since(t);
    }
    if let Some(t) = p.opt_date("createdUntil")? {
        op = op.created_until(t);
    }
    Ok(op)
}

fn create_report(p: &Params<'_>) -> Result<documents::CreateReport, Error> {
    let body = p.body_obj();
    let mut op = documents::CreateReport::new(body.string("reportType"), body.strings("marketplaceIds"));
    if let Some(s) = body.opt_string("dataStartTime") {
        op = op.data_start_time(parse_date(p.op, "dataStartTime", &s)?);
    }
    if let Some(s) = body.opt_string("dataEndTime") {
        op = op.data_end_time(parse_date(p.op, "dataEndTime", &s)?);
    }
    if let Some(options) = body.get("reportOptions").and_then(Value::as_object) {
        let options: BTreeMap<String, String> = options.iter().map(|(k, v)| (k.clone(), text(v))).collect();
        op = op.report_options(options);
    }
    Ok(op)
}

fn get_report(p: &Params<'_>) -> Result<documents::GetReport, Error> {
    Ok(documents::GetReport::new(p.string("reportId")))
}

fn cancel_report(p: &Params<'_>) -> Result<documents::CancelReport, Error> {
    Ok(documents::CancelReport::new(p.string("reportId")))
}

fn get_report_document(p: &Params<'_>) -> Result<documents::GetReportDocument, Error> {
    Ok(documents::GetReportDocument::new(p.string("reportDocumentId")))
}

// ---------------------------------------------------------------------------------------------
// Ordering
// ---------------------------------------------------------------------------------------------

/// The one body deserialised into its model type: the module offers
/// [`ordering::PlaceOrder::from_request`] for exactly this (dozens of attribute, expectation and
/// reference subtypes, each reachable through it).
fn place_order(p: &Params<'_>) -> Result<ordering::PlaceOrder, Error> {
    let request: ordering::PlaceOrderRequest =
        serde_json::from_value(p.body().clone()).map_err(|e| bad(p.op, "body", e.to_string()))?;
    Ok(ordering::PlaceOrder::from_request(request))
}

fn order_details(p: &Params<'_>) -> Result<ordering::OrderDetails, Error> {
    let mut op = ordering::OrderDetails::new(p.string("externalId"));
    if let Some(email) = p.opt_string(USER_EMAIL) {
        op = op.user_email(email);
    }
    Ok(op)
}

// ---------------------------------------------------------------------------------------------
// Package Tracking
// ---------------------------------------------------------------------------------------------

fn get_package_tracking_details(
    p: &Params<'_>,
) -> Result<package_tracking::GetPackageTrackingDetails, Error> {
    let mut op = package_tracking::GetPackageTrackingDetails::new(
        p.string("orderId"),
        p.string("shipmentId"),
        p.string("packageId"),
    );
    if let Some(locale) = p.opt_string("locale") {
        op = op.locale(locale);
    }
    required_country(
        p.op,
        "region",
        p.opt_string("region"),
        op,
        package_tracking::GetPackageTrackingDetails::region,
    )
}

// ---------------------------------------------------------------------------------------------
// Product Search
// ---------------------------------------------------------------------------------------------

/// Sets the parameters every Product Search operation shares, read through `$get` (the query
/// or the body): `productRegion` and `locale` are required, the others optional; the
/// `x-amz-user-email` header, when the example names one.
macro_rules! with_place {
    ($p:expr, $get:expr, $op:expr) => {{
        let p: &Params<'_> = $p;
        let get = $get;
        let mut op = $op;
        if let Some(s) = get("shippingRegion") {
            op = op.shipping_region(parse_country(p.op, "shippingRegion", &s)?);
        }
        op = op.locale(get("locale").unwrap_or_default());
        if let Some(s) = get("shippingPostalCode") {
            op = op.shipping_postal_code(s);
        }
        if let Some(email) = p.opt_string(USER_EMAIL) {
            op = op.user_email(email);
        }
        required_country(p.op, "productRegion", get("productRegion"), op, |op, c| op.product_region(c))
    }};
}

fn facets(values: Vec<String>) -> Vec<product_search::SearchFacetType> {
    values.iter().map(|s| product_search::SearchFacetType::from_wire(s)).collect()
}

fn product_inclusions(values: Vec<String>) -> Vec<product_search::ProductInclusion> {
    values.iter().map(|s| product_search::ProductInclusion::from_wire(s)).collect()
}

fn offer_inclusions(values: Vec<String>) -> Vec<product_search::OfferInclusion> {
    values.iter().map(|s| product_search::OfferInclusion::from_wire(s)).collect()
}

fn search_products(p: &Params<'_>) -> Result<product_search::SearchProducts, Error> {
    use product_search::SearchProducts as Op;
    let mut op = Op::new();
    type Setter = fn(Op, String) -> Op;
    let strings: [(&str, Setter); 15] = [
        ("keywords", Op::keywords),
        ("groupTag", Op::group_tag),
        ("category", Op::category),
        ("subCategory", Op::sub_category),
        ("availability", Op::availability),
        ("deliveryDay", Op::delivery_day),
        ("eligibleForFreeShipping", Op::eligible_for_free_shipping),
        ("primeEligible", Op::prime_eligible),
        ("upc", Op::upc),
        ("isbn", Op::isbn),
        ("sku", Op::sku),
        ("ean", Op::ean),
        ("partNumber", Op::part_number),
        ("oemPartNumber", Op::oem_part_number),
        ("sortKey", |op, s| op.sort_key(product_search::SortKey::from_wire(&s))),
    ];
    for (name, set) in strings {
        if let Some(s) = p.opt_string(name) {
            op = set(op, s);
        }
    }
    if let Some(v) = p.opt_list("facets") {
        op = op.facets(facets(v));
    }
    if let Some(n) = p.opt_u32("pageNumber")? {
        op = op.page_number(n);
    }
    if let Some(n) = p.opt_u32("pageSize")? {
        op = op.page_size(n);
    }
    if let Some(v) = p.opt_list("searchRefinements") {
        op = op.search_refinements(v);
    }
    if let Some(v) = p.opt_list("productFilters") {
        op = op.product_filters(v);
    }
    if let Some(v) = p.opt_list("inclusionsForProducts") {
        op = op.inclusions_for_products(product_inclusions(v));
    }
    if let Some(v) = p.opt_list("inclusionsForOffers") {
        op = op.inclusions_for_offers(offer_inclusions(v));
    }
    if let Some(n) = p.opt_i64("minPrice")? {
        op = op.min_price(n);
    }
    if let Some(n) = p.opt_i64("maxPrice")? {
        op = op.max_price(n);
    }
    with_place!(p, |k: &str| p.opt_string(k), op)
}

fn get_product(p: &Params<'_>) -> Result<product_search::GetProduct, Error> {
    let mut op = product_search::GetProduct::new(p.string("productId"));
    if let Some(n) = p.opt_u32("quantity")? {
        op = op.quantity(n);
    }
    if let Some(v) = p.opt_list("facets") {
        op = op.facets(facets(v));
    }
    if let Some(v) = p.opt_list("inclusionsForProducts") {
        op = op.inclusions_for_products(product_inclusions(v));
    }
    if let Some(v) = p.opt_list("inclusionsForOffers") {
        op = op.inclusions_for_offers(offer_inclusions(v));
    }
    if let Some(s) = p.opt_string("groupTag") {
        op = op.group_tag(s);
    }
    with_place!(p, |k: &str| p.opt_string(k), op)
}

fn search_offers(p: &Params<'_>) -> Result<product_search::SearchOffers, Error> {
    let mut op = product_search::SearchOffers::new(p.string("productId"));
    if let Some(n) = p.opt_u32("pageNumber")? {
        op = op.page_number(n);
    }
    if let Some(n) = p.opt_u32("pageSize")? {
        op = op.page_size(n);
    }
    if let Some(s) = p.opt_string("groupTag") {
        op = op.group_tag(s);
    }
    if let Some(v) = p.opt_list("filterIds") {
        op = op.filter_ids(v);
    }
    if let Some(n) = p.opt_u32("quantity")? {
        op = op.quantity(n);
    }
    if let Some(v) = p.opt_list("inclusionsForOffers") {
        op = op.inclusions_for_offers(offer_inclusions(v));
    }
    with_place!(p, |k: &str| p.opt_string(k), op)
}

fn get_products_by_asins(p: &Params<'_>) -> Result<product_search::GetProductsByAsins, Error> {
    let body = p.body_obj();
    let mut op = product_search::GetProductsByAsins::new(body.strings("productIds"));
    if let Some(n) = body.opt_u32("quantity")? {
        op = op.quantity(n);
    }
    if body.get("facets").is_some() {
        op = op.facets(facets(body.strings("facets")));
    }
    if let Some(v) = p.opt_list("inclusionsForProducts") {
        op = op.inclusions_for_products(product_inclusions(v));
    }
    if let Some(v) = p.opt_list("inclusionsForOffers") {
        op = op.inclusions_for_offers(offer_inclusions(v));
    }
    if let Some(s) = p.opt_string("groupTag") {
        op = op.group_tag(s);
    }
    with_place!(p, |k: &str| body.opt_string(k), op)
}

fn get_offers_by_offer_ids(p: &Params<'_>) -> Result<product_search::GetOffersByOfferIds, Error> {
    let body = p.body_obj();
    let ids: Vec<String> =
        body.objects("offersByOfferIdsRequest").iter().map(|o| o.string("offerId")).collect();
    let mut op = product_search::GetOffersByOfferIds::new(ids);
    if let Some(v) = p.opt_list("inclusionsForOffers") {
        op = op.inclusions_for_offers(offer_inclusions(v));
    }
    if let Some(s) = p.opt_string("groupTag") {
        op = op.group_tag(s);
    }
    with_place!(p, |k: &str| body.opt_string(k), op)
}

// ---------------------------------------------------------------------------------------------
// Reconciliation
// ---------------------------------------------------------------------------------------------

fn get_transactions(p: &Params<'_>) -> Result<reconciliation::GetTransactions, Error> {
    if let Some(token) = p.opt_string("nextPageToken") {
        return Ok(reconciliation::GetTransactions::resume(token));
    }
    Ok(reconciliation::GetTransactions::new(p.date("feedStartDate")?, p.date("feedEndDate")?))
}

fn get_batch_invoice_payment_details(
    p: &Params<'_>,
) -> Result<reconciliation::GetBatchInvoicePaymentDetails, Error> {
    Ok(reconciliation::GetBatchInvoicePaymentDetails::new(p.body_obj().strings("invoiceIds")))
}

fn get_invoice_details_by_order_line_items(
    p: &Params<'_>,
) -> Result<reconciliation::GetInvoiceDetailsByOrderLineItems, Error> {
    let items: Vec<_> = p
        .body_obj()
        .objects("orderLineItems")
        .iter()
        .map(|o| {
            reconciliation::OrderLineItem::new(
                o.string("orderId"),
                o.string("orderLineItemId"),
                o.string("shipmentId"),
            )
        })
        .collect();
    Ok(reconciliation::GetInvoiceDetailsByOrderLineItems::new(items))
}

// ---------------------------------------------------------------------------------------------
// Reporting 2025-06-09
// ---------------------------------------------------------------------------------------------

fn get_order_reports(p: &Params<'_>) -> Result<reporting::GetOrderReports, Error> {
    let mut op = reporting::GetOrderReports::new(p.date("orderStartDate")?, p.date("orderEndDate")?);
    if let Some(v) = p.opt_list("orderStatuses") {
        op = op.order_statuses(v.iter().map(|s| reporting::OrderStatus::from_wire(s)));
    }
    if let Some(c) = p.opt_country("region")? {
        op = op.region(c);
    }
    if let Some(t) = p.opt_string("nextPageToken") {
        op = op.next_page_token(t);
    }
    Ok(op)
}

fn get_order_line_item_reports(p: &Params<'_>) -> Result<reporting::GetOrderLineItemReports, Error> {
    let mut op = reporting::GetOrderLineItemReports::new(p.date("orderStartDate")?, p.date("orderEndDate")?);
    if let Some(c) = p.opt_country("region")? {
        op = op.region(c);
    }
    if let Some(v) = p.opt_list("orderIds") {
        op = op.order_ids(v);
    }
    if let Some(t) = p.opt_string("nextPageToken") {
        op = op.next_page_token(t);
    }
    Ok(op)
}

fn get_order_reports_by_purchase_order_number(
    p: &Params<'_>,
) -> Result<reporting::GetOrderReportsByPurchaseOrderNumber, Error> {
    let mut op = reporting::GetOrderReportsByPurchaseOrderNumber::new(p.string("purchaseOrderNumber"));
    if let Some(c) = p.opt_country("region")? {
        op = op.region(c);
    }
    if let Some(t) = p.opt_string("nextPageToken") {
        op = op.next_page_token(t);
    }
    Ok(op)
}

fn get_shipment_reports(p: &Params<'_>) -> Result<reporting::GetShipmentReports, Error> {
    let mut op = reporting::GetShipmentReports::new(p.date("orderStartDate")?, p.date("orderEndDate")?);
    if let Some(v) = p.opt_list("shipmentStatuses") {
        op = op.shipment_statuses(v.iter().map(|s| reporting::ShipmentStatus::from_wire(s)));
    }
    if let Some(v) = p.opt_list("orderIds") {
        op = op.order_ids(v);
    }
    if let Some(c) = p.opt_country("region")? {
        op = op.region(c);
    }
    if let Some(t) = p.opt_string("nextPageToken") {
        op = op.next_page_token(t);
    }
    Ok(op)
}

fn get_shipment_line_item_reports(p: &Params<'_>) -> Result<reporting::GetShipmentLineItemReports, Error> {
    let mut op =
        reporting::GetShipmentLineItemReports::new(p.date("orderStartDate")?, p.date("orderEndDate")?);
    if let Some(v) = p.opt_list("orderIds") {
        op = op.order_ids(v);
    }
    if let Some(v) = p.opt_list("purchaseOrderNumbers") {
        op = op.purchase_order_numbers(v);
    }
    if let Some(c) = p.opt_country("region")? {
        op = op.region(c);
    }
    if let Some(t) = p.opt_string("nextPageToken") {
        op = op.next_page_token(t);
    }
    Ok(op)
}

// ---------------------------------------------------------------------------------------------
// Reporting 2021-01-08
// ---------------------------------------------------------------------------------------------

fn get_orders_by_order_date(p: &Params<'_>) -> Result<reporting_legacy::GetOrdersByOrderDate, Error> {
    if let Some(token) = p.opt_string("nextPageToken") {
        return Ok(reporting_legacy::GetOrdersByOrderDate::resume(token));
    }
    let mut op = reporting_legacy::GetOrdersByOrderDate::new(p.date("startDate")?, p.date("endDate")?);
    if let Some(b) = p.opt_bool("includeLineItems")? {
        op = op.include_line_items(b);
    }
    if let Some(b) = p.opt_bool("includeShipments")? {
        op = op.include_shipments(b);
    }
    if let Some(b) = p.opt_bool("includeCharges")? {
        op = op.include_charges(b);
    }
    Ok(op)
}

fn get_orders_by_order_id(p: &Params<'_>) -> Result<reporting_legacy::GetOrdersByOrderId, Error> {
    let mut op = reporting_legacy::GetOrdersByOrderId::new(p.string("orderId"));
    if let Some(b) = p.opt_bool("includeLineItems")? {
        op = op.include_line_items(b);
    }
    if let Some(b) = p.opt_bool("includeShipments")? {
        op = op.include_shipments(b);
    }
    if let Some(b) = p.opt_bool("includeCharges")? {
        op = op.include_charges(b);
    }
    Ok(op)
}

// ---------------------------------------------------------------------------------------------
// User Management
// ---------------------------------------------------------------------------------------------

fn create_business_user_account(p: &Params<'_>) -> Result<users::CreateBusinessUserAccount, Error> {
    let body = p.body_obj();
    let holder = body.obj("accountHolder");
    let account_holder = users::AccountHolder::new(
        holder.string("email"),
        holder.string("givenName"),
        holder.string("familyName"),
    );
    let group = body.obj("groupId");
    let group_id = match users::GroupIdType::from_wire(&group.string("idType")) {
        users::GroupIdType::GroupId => users::BusinessGroupIdentifier::group_id(group.string("id")),
        users::GroupIdType::GroupTag => users::BusinessGroupIdentifier::group_tag(group.string("id")),
        // No constructor takes an unknown kind; the fields are public, and the typed API's
        // own check refuses the value.
        other => users::BusinessGroupIdentifier { id_type: other, id: group.string("id") },
    };
    let role = users::BusinessRole::from_wire(&body.string("role"));
    let mut op = users::CreateBusinessUserAccount::new(account_holder, group_id, role);
    if body.get("notificationTypesToSuppress").is_some() {
        op = op.notification_types_to_suppress(
            body.strings("notificationTypesToSuppress").iter().map(|s| users::NotificationType::from_wire(s)),
        );
    }
    required_country(p.op, "region", body.opt_string("region"), op, users::CreateBusinessUserAccount::region)
}

/// The operations Amazon's static sandbox does not mock, because they act on real data: they
/// run against the emulator's simulation, and against anything else only when asked.
pub const UNMOCKED: &[&str] =
    &["placeOrder", "orderDetails", "createBusinessUserAccount", "rotateApplicationClientSecret"];

/// Hand-made examples for the operations that have no recorded one: a trial-mode order, its
/// details, and a client-secret rotation.
pub fn hand_made_examples() -> Vec<Example> {
    vec![
    Example::for_operation("placeOrder").body(serde_json::json!({
        "externalId": "po-4711",
        "lineItems": [{
            "externalId": "line-1",
            "quantity": 2,
            "attributes": [
                {"attributeType": "SelectedProductReference",
                 "productReference": {"productReferenceType": "ProductIdentifier", "id": "B07XYZ1234"}},
                {"attributeType": "SelectedBuyingOptionReference",
                 "buyingOptionReference": {"buyingOptionReferenceType": "BuyingOptionIdentifier", "id": "offer-1"}}
            ],
            "expectations": [
                {"expectationType": "ExpectedUnitPrice", "amount": {"currencyCode": "USD", "amount": 21.17}}
            ]
        }],
        "attributes": [
            {"attributeType": "Region", "region": "US"},
            {"attributeType": "ShippingAddress",
             "address": {"addressType": "PhysicalAddress", "fullName": "Jane Buyer",
                         "addressLine1": "410 Terry Ave N", "city": "Seattle", "stateOrRegion": "WA",
                         "postalCode": "98109", "countryCode": "US"}},
            {"attributeType": "SelectedPaymentMethodReference",
             "paymentMethodReference": {"paymentMethodReferenceType": "StoredPaymentMethod"}},
            {"attributeType": "TrialMode"}
        ],
        "expectations": []
    })),
    Example::for_operation("orderDetails")
        .path_param("externalId", "po-4711")
        .header("x-amz-user-email", "buyer@example.com"),
    Example::for_operation("rotateApplicationClientSecret").status(204),
    ]
}
