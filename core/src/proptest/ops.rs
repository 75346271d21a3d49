//! Operations from their inputs: one builder per operation, calling the operation's public
//! constructor and setters exactly as a user would.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::str::FromStr;

use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::schema::{self, Gen};
use super::{Options, UnknownValues};
use crate::apis::{
    applications, cart, documents, ordering, package_tracking, product_search, reconciliation, reporting,
    reporting_legacy, users,
};
use crate::{Country, DateTime, Operation};

/// The inputs an operation was built from, by where the model puts them. Values are as the
/// models type them: text, numbers and booleans as JSON scalars, date-times as RFC 3339 text,
/// csv arrays as JSON arrays of text; the body (if the operation has one) as the JSON the
/// model allows for it.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Inputs {
    /// The model's `operationId`.
    pub operation: &'static str,
    /// Path parameters, by name.
    pub path: BTreeMap<String, String>,
    /// Query parameters, by name.
    pub query: BTreeMap<String, Value>,
    /// Header parameters, by lower-case name.
    pub headers: BTreeMap<String, String>,
    /// The JSON body, when the operation takes one.
    pub body: Option<Value>,
}

impl Inputs {
    fn find(&self, name: &str) -> Option<Value> {
        self.path
            .get(name)
            .map(|s| Value::String(s.clone()))
            .or_else(|| self.query.get(name).cloned())
            .or_else(|| self.headers.get(name).map(|s| Value::String(s.clone())))
    }

    fn opt_string(&self, name: &str) -> Option<String> {
        self.find(name).map(|v| text(&v))
    }

    fn string(&self, name: &str) -> String {
        self.opt_string(name).unwrap_or_default()
    }

    fn opt_list(&self, name: &str) -> Option<Vec<String>> {
        match self.find(name)? {
            Value::Array(items) => Some(items.iter().map(text).collect()),
            other => Some(vec![text(&other)]),
        }
    }

    fn opt_date(&self, name: &str) -> Option<DateTime> {
        self.opt_string(name).map(|s| date(&s))
    }

    fn date(&self, name: &str) -> DateTime {
        date(&self.string(name))
    }

    fn opt_u32(&self, name: &str) -> Option<u32> {
        self.find(name).and_then(|v| v.as_u64()).map(|n| u32::try_from(n).unwrap_or(u32::MAX))
    }

    fn opt_i64(&self, name: &str) -> Option<i64> {
        self.find(name).and_then(|v| v.as_i64())
    }

    fn opt_bool(&self, name: &str) -> Option<bool> {
        self.find(name).and_then(|v| v.as_bool())
    }

    fn opt_country(&self, name: &str) -> Option<Country> {
        self.opt_string(name).map(|s| country(&s))
    }

    fn body(&self) -> &Value {
        static NULL: Value = Value::Null;
        self.body.as_ref().unwrap_or(&NULL)
    }

    fn body_field<T: DeserializeOwned>(&self, key: &str) -> T {
        from_json(self.body().get(key).cloned().unwrap_or(Value::Null))
    }

    fn body_opt<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.body().get(key).filter(|v| !v.is_null()).map(|v| from_json(v.clone()))
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn date(s: &str) -> DateTime {
    DateTime::parse(s).unwrap_or_else(|e| panic!("generated date-time {s:?} does not parse: {e}"))
}

fn country(s: &str) -> Country {
    Country::from_str(s).unwrap_or_else(|e| panic!("generated country {s:?} is refused: {}", e.message))
}

fn from_json<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| {
        panic!(
            "JSON the models allow does not decode into {}: {e}\n{v}\n(an SDK bug: please report it)",
            std::any::type_name::<T>()
        )
    })
}

/// An operation that [`operation`](super::operation) can generate: every operation of the SDK.
pub trait ArbitraryOperation: Operation + Debug + Sized + 'static {
    /// The operation built from `inputs` through its public constructor and setters.
    /// `inputs` must be of this operation, as [`operation_with_inputs`](super::operation_with_inputs)
    /// generates them.
    fn from_inputs(inputs: &Inputs) -> Self;
}

/// Operations where one parameter stands alone: with it (a page token continuing a listing),
/// the typed API sends nothing else, as the model asks.
const ALONE: &[(&str, &str)] = &[
    ("getReports", "nextToken"),
    ("getTransactions", "nextPageToken"),
    ("getOrdersByOrderDate", "nextPageToken"),
];

/// Parameters the model leaves optional but the typed API requires (as its docs say): a listing
/// of reports names its report types unless it continues from a token.
const REQUIRED: &[(&str, &str)] = &[("getReports", "reportTypes")];

/// Date ranges the typed API checks: the start not after the end, at most 366 days before it.
const RANGES: &[(&str, &str, &str)] = &[
    ("getOrderReports", "orderStartDate", "orderEndDate"),
    ("getOrderLineItemReports", "orderStartDate", "orderEndDate"),
    ("getShipmentReports", "orderStartDate", "orderEndDate"),
    ("getShipmentLineItemReports", "orderStartDate", "orderEndDate"),
];

fn name_of(p: &Value) -> &str {
    p["name"].as_str().unwrap_or_default()
}

/// A range: a start, and an end from the same instant to 366 days later.
fn range() -> BoxedStrategy<(DateTime, DateTime)> {
    (schema::date_time(), 0i64..=366 * 86_400)
        .prop_map(|(start, secs)| {
            let start = if start.as_offset_date_time().year() >= 9999 { schema::epoch() } else { start };
            let end = DateTime::from(start.as_offset_date_time() + time::Duration::seconds(secs));
            (start, end)
        })
        .boxed()
}

/// Any inputs the model allows for operation `id`.
pub(crate) fn inputs(id: &'static str) -> BoxedStrategy<Inputs> {
    let spec =
        schema::operation(id).unwrap_or_else(|| panic!("operation {id} is not in the embedded schema"));
    let gen = Gen { options: Options::default().unknown_values(UnknownValues::Never) };
    let alone = ALONE.iter().find(|(op, _)| *op == id).map(|(_, p)| *p);
    let mut params: Vec<BoxedStrategy<Option<(String, String, Value)>>> = Vec::new();
    for p in spec["parameters"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap_or_default().to_owned();
        if Some(name.as_str()) == alone {
            continue;
        }
        let location = p["in"].as_str().unwrap_or_default().to_owned();
        let value = gen.parameter(id, p).prop_map(move |v| Some((location.clone(), name.clone(), v)));
        if p["required"].as_bool() == Some(true) || REQUIRED.contains(&(id, name_of(p))) {
            params.push(value.boxed());
        } else {
            params.push(prop_oneof![Just(None), value].boxed());
        }
    }
    let body: BoxedStrategy<Option<Value>> = match spec["body"].as_str() {
        Some(def) => gen
            .top(spec["spec"].as_str().unwrap_or_default(), def)
            .unwrap_or_else(|| panic!("{id}: body {def} does not generate"))
            .prop_map(Some)
            .boxed(),
        None => Just(None).boxed(),
    };
    let all = (params, body).prop_map(move |(params, body)| {
        let mut inputs = Inputs { operation: id, body, ..Inputs::default() };
        for (location, name, value) in params.into_iter().flatten() {
            match location.as_str() {
                "path" => {
                    inputs.path.insert(name, text(&value));
                }
                "header" => {
                    inputs.headers.insert(name.to_ascii_lowercase(), text(&value));
                }
                _ => {
                    inputs.query.insert(name, value);
                }
            }
        }
        inputs
    });
    let all = match RANGES.iter().find(|(op, _, _)| *op == id) {
        None => all.boxed(),
        Some((_, start, end)) => (all, range())
            .prop_map(move |(mut inputs, (s, e))| {
                inputs.query.insert((*start).to_owned(), Value::String(s.to_rfc3339()));
                inputs.query.insert((*end).to_owned(), Value::String(e.to_rfc3339()));
                inputs
            })
            .boxed(),
    };
    match alone {
        None => all,
        Some(token) => prop_oneof![
            3 => all,
            1 => schema::non_blank(1, 12).prop_map(move |t| {
                let mut inputs = Inputs { operation: id, ..Inputs::default() };
                inputs.query.insert(token.to_owned(), Value::String(t));
                inputs
            }),
        ]
        .boxed(),
    }
}

macro_rules! arbitrary_ops {
    ($($accessor:ident => $surface:ident ($doc:literal) {
        $($method:ident($($arg:ident: $argty:ty),* $(,)?) -> $op:ty as $variant:ident, sample($($sample:expr),* $(,)?);)*
    })*) => {$($(
        impl ArbitraryOperation for $op {
            fn from_inputs(inputs: &Inputs) -> Self {
                assert_eq!(inputs.operation, <$op as Operation>::ID, "inputs of another operation");
                $method(inputs)
            }
        }
    )*)*};
}

crate::for_each_operation!(arbitrary_ops);

// Application Management

fn rotate_application_client_secret(_: &Inputs) -> applications::RotateApplicationClientSecret {
    applications::RotateApplicationClientSecret::new()
}

// Cart

fn list_carts(i: &Inputs) -> cart::ListCarts {
    let mut op = cart::ListCarts::new().region(country(&i.string("region")));
    if let Some(t) = i.opt_string("pageToken") {
        op = op.page_token(t);
    }
    if let Some(n) = i.opt_u32("pageSize") {
        op = op.page_size(n);
    }
    if let Some(e) = i.opt_string("x-amz-user-email") {
        op = op.user_email(e);
    }
    op
}

fn get_cart(i: &Inputs) -> cart::GetCart {
    cart::GetCart::new(i.string("cartId")).region(country(&i.string("region")))
}

fn get_items(i: &Inputs) -> cart::GetItems {
    cart::GetItems::new(i.string("cartId")).region(country(&i.string("region")))
}

fn delete_items(i: &Inputs) -> cart::DeleteItems {
    cart::DeleteItems::new(i.string("cartId")).region(country(&i.string("region")))
}

fn add_items(i: &Inputs) -> cart::AddItems {
    let items: Vec<cart::AddItemRequest> = i.body_field("items");
    cart::AddItems::new(i.string("cartId"), items).region(country(&i.string("region")))
}

fn modify_items(i: &Inputs) -> cart::ModifyItems {
    let items: Vec<cart::ModifyItemRequest> = i.body_field("items");
    cart::ModifyItems::new(i.string("cartId"), items).region(country(&i.string("region")))
}

fn get_estimated_total_purchase_cost(i: &Inputs) -> cart::GetEstimatedTotalPurchaseCost {
    let address: cart::Address = i.body_field("address");
    cart::GetEstimatedTotalPurchaseCost::new(i.string("cartId"), address).region(country(&i.string("region")))
}

// Document

fn get_reports(i: &Inputs) -> documents::GetReports {
    if let Some(token) = i.opt_string("nextToken") {
        return documents::GetReports::resume(token);
    }
    let mut op = documents::GetReports::new(i.opt_list("reportTypes").unwrap_or_default());
    if let Some(v) = i.opt_list("processingStatuses") {
        op = op.processing_statuses(v.iter().map(|s| documents::ProcessingStatus::from_wire(s)));
    }
    if let Some(v) = i.opt_list("marketplaceIds") {
        op = op.marketplace_ids(v);
    }
    if let Some(n) = i.opt_u32("pageSize") {
        op = op.page_size(n);
    }
    if let Some(t) = i.opt_date("createdSince") {
        op = op.created_since(t);
    }
    if let Some(t) = i.opt_date("createdUntil") {
        op = op.created_until(t);
    }
    op
}

fn create_report(i: &Inputs) -> documents::CreateReport {
    let mut op = documents::CreateReport::new(
        i.body_field::<String>("reportType"),
        i.body_field::<Vec<String>>("marketplaceIds"),
    );
    if let Some(t) = i.body_opt::<DateTime>("dataStartTime") {
        op = op.data_start_time(t);
    }
    if let Some(t) = i.body_opt::<DateTime>("dataEndTime") {
        op = op.data_end_time(t);
    }
    if let Some(o) = i.body_opt::<documents::ReportOptions>("reportOptions") {
        op = op.report_options(o);
    }
    op
}

fn get_report(i: &Inputs) -> documents::GetReport {
    documents::GetReport::new(i.string("reportId"))
}

fn cancel_report(i: &Inputs) -> documents::CancelReport {
    documents::CancelReport::new(i.string("reportId"))
}

fn get_report_document(i: &Inputs) -> documents::GetReportDocument {
    documents::GetReportDocument::new(i.string("reportDocumentId"))
}

// Ordering

fn place_order(i: &Inputs) -> ordering::PlaceOrder {
    ordering::PlaceOrder::from_request(from_json(i.body().clone()))
}

fn order_details(i: &Inputs) -> ordering::OrderDetails {
    let mut op = ordering::OrderDetails::new(i.string("externalId"));
    if let Some(e) = i.opt_string("x-amz-user-email") {
        op = op.user_email(e);
    }
    op
}

// Package Tracking

fn get_package_tracking_details(i: &Inputs) -> package_tracking::GetPackageTrackingDetails {
    let mut op = package_tracking::GetPackageTrackingDetails::new(
        i.string("orderId"),
        i.string("shipmentId"),
        i.string("packageId"),
    )
    .region(country(&i.string("region")));
    if let Some(l) = i.opt_string("locale") {
        op = op.locale(l);
    }
    op
}

// Product Search

/// Sets the parameters every Product Search operation shares, read through `$get` (the query
/// or the body), and the user's email header.
macro_rules! with_place {
    ($i:expr, $get:expr, $op:expr) => {{
        let i: &Inputs = $i;
        let get = $get;
        let mut op = $op;
        if let Some(s) = get("productRegion") {
            op = op.product_region(country(&s));
        }
        if let Some(s) = get("shippingRegion") {
            op = op.shipping_region(country(&s));
        }
        if let Some(s) = get("locale") {
            op = op.locale(s);
        }
        if let Some(s) = get("shippingPostalCode") {
            op = op.shipping_postal_code(s);
        }
        if let Some(e) = i.opt_string("x-amz-user-email") {
            op = op.user_email(e);
        }
        op
    }};
}

fn facets(v: Vec<String>) -> Vec<product_search::SearchFacetType> {
    v.iter().map(|s| product_search::SearchFacetType::from_wire(s)).collect()
}

fn product_inclusions(v: Vec<String>) -> Vec<product_search::ProductInclusion> {
    v.iter().map(|s| product_search::ProductInclusion::from_wire(s)).collect()
}

fn offer_inclusions(v: Vec<String>) -> Vec<product_search::OfferInclusion> {
    v.iter().map(|s| product_search::OfferInclusion::from_wire(s)).collect()
}

fn search_products(i: &Inputs) -> product_search::SearchProducts {
    use product_search::SearchProducts as Op;
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
    let mut op = Op::new();
    for (name, set) in strings {
        if let Some(s) = i.opt_string(name) {
            op = set(op, s);
        }
    }
    if let Some(v) = i.opt_list("facets") {
        op = op.facets(facets(v));
    }
    if let Some(n) = i.opt_u32("pageNumber") {
        op = op.page_number(n);
    }
    if let Some(n) = i.opt_u32("pageSize") {
        op = op.page_size(n);
    }
    if let Some(v) = i.opt_list("searchRefinements") {
        op = op.search_refinements(v);
    }
    if let Some(v) = i.opt_list("productFilters") {
        op = op.product_filters(v);
    }
    if let Some(v) = i.opt_list("inclusionsForProducts") {
        op = op.inclusions_for_products(product_inclusions(v));
    }
    if let Some(v) = i.opt_list("inclusionsForOffers") {
        op = op.inclusions_for_offers(offer_inclusions(v));
    }
    if let Some(n) = i.opt_i64("minPrice") {
        op = op.min_price(n);
    }
    if let Some(n) = i.opt_i64("maxPrice") {
        op = op.max_price(n);
    }
    with_place!(i, |k: &str| i.opt_string(k), op)
}

fn get_product(i: &Inputs) -> product_search::GetProduct {
    let mut op = product_search::GetProduct::new(i.string("productId"));
    if let Some(n) = i.opt_u32("quantity") {
        op = op.quantity(n);
    }
    if let Some(v) = i.opt_list("facets") {
        op = op.facets(facets(v));
    }
    if let Some(v) = i.opt_list("inclusionsForProducts") {
        op = op.inclusions_for_products(product_inclusions(v));
    }
    if let Some(v) = i.opt_list("inclusionsForOffers") {
        op = op.inclusions_for_offers(offer_inclusions(v));
    }
    if let Some(s) = i.opt_string("groupTag") {
        op = op.group_tag(s);
    }
    with_place!(i, |k: &str| i.opt_string(k), op)
}

fn search_offers(i: &Inputs) -> product_search::SearchOffers {
    let mut op = product_search::SearchOffers::new(i.string("productId"));
    if let Some(n) = i.opt_u32("pageNumber") {
        op = op.page_number(n);
    }
    if let Some(n) = i.opt_u32("pageSize") {
        op = op.page_size(n);
    }
    if let Some(s) = i.opt_string("groupTag") {
        op = op.group_tag(s);
    }
    if let Some(v) = i.opt_list("filterIds") {
        op = op.filter_ids(v);
    }
    if let Some(n) = i.opt_u32("quantity") {
        op = op.quantity(n);
    }
    if let Some(v) = i.opt_list("inclusionsForOffers") {
        op = op.inclusions_for_offers(offer_inclusions(v));
    }
    with_place!(i, |k: &str| i.opt_string(k), op)
}

fn body_string(i: &Inputs, key: &str) -> Option<String> {
    i.body_opt::<String>(key)
}

fn get_products_by_asins(i: &Inputs) -> product_search::GetProductsByAsins {
    let mut op = product_search::GetProductsByAsins::new(i.body_field::<Vec<String>>("productIds"));
    if let Some(n) = i.body_opt::<u32>("quantity") {
        op = op.quantity(n);
    }
    if let Some(v) = i.body_opt::<Vec<String>>("facets") {
        op = op.facets(facets(v));
    }
    if let Some(v) = i.opt_list("inclusionsForProducts") {
        op = op.inclusions_for_products(product_inclusions(v));
    }
    if let Some(v) = i.opt_list("inclusionsForOffers") {
        op = op.inclusions_for_offers(offer_inclusions(v));
    }
    if let Some(s) = i.opt_string("groupTag") {
        op = op.group_tag(s);
    }
    with_place!(i, |k: &str| body_string(i, k), op)
}

fn get_offers_by_offer_ids(i: &Inputs) -> product_search::GetOffersByOfferIds {
    let requests: Vec<Value> = i.body_field("offersByOfferIdsRequest");
    let ids: Vec<String> = requests.iter().map(|r| from_json(r["offerId"].clone())).collect();
    let mut op = product_search::GetOffersByOfferIds::new(ids);
    if let Some(v) = i.opt_list("inclusionsForOffers") {
        op = op.inclusions_for_offers(offer_inclusions(v));
    }
    if let Some(s) = i.opt_string("groupTag") {
        op = op.group_tag(s);
    }
    with_place!(i, |k: &str| body_string(i, k), op)
}

// Reconciliation

fn get_transactions(i: &Inputs) -> reconciliation::GetTransactions {
    if let Some(token) = i.opt_string("nextPageToken") {
        return reconciliation::GetTransactions::resume(token);
    }
    reconciliation::GetTransactions::new(i.date("feedStartDate"), i.date("feedEndDate"))
}

fn get_batch_invoice_payment_details(i: &Inputs) -> reconciliation::GetBatchInvoicePaymentDetails {
    reconciliation::GetBatchInvoicePaymentDetails::new(i.body_field::<Vec<String>>("invoiceIds"))
}

fn get_invoice_details_by_order_line_items(i: &Inputs) -> reconciliation::GetInvoiceDetailsByOrderLineItems {
    let items: Vec<reconciliation::OrderLineItem> = i.body_field("orderLineItems");
    reconciliation::GetInvoiceDetailsByOrderLineItems::new(items)
}

// Reporting 2025-06-09

fn get_order_reports(i: &Inputs) -> reporting::GetOrderReports {
    let mut op = reporting::GetOrderReports::new(i.date("orderStartDate"), i.date("orderEndDate"));
    if let Some(v) = i.opt_list("orderStatuses") {
        op = op.order_statuses(v.iter().map(|s| reporting::OrderStatus::from_wire(s)));
    }
    if let Some(c) = i.opt_country("region") {
        op = op.region(c);
    }
    if let Some(t) = i.opt_string("nextPageToken") {
        op = op.next_page_token(t);
    }
    op
}

fn get_order_line_item_reports(i: &Inputs) -> reporting::GetOrderLineItemReports {
    let mut op = reporting::GetOrderLineItemReports::new(i.date("orderStartDate"), i.date("orderEndDate"));
    if let Some(c) = i.opt_country("region") {
        op = op.region(c);
    }
    if let Some(v) = i.opt_list("orderIds") {
        op = op.order_ids(v);
    }
    if let Some(t) = i.opt_string("nextPageToken") {
        op = op.next_page_token(t);
    }
    op
}

fn get_order_reports_by_purchase_order_number(i: &Inputs) -> reporting::GetOrderReportsByPurchaseOrderNumber {
    let mut op = reporting::GetOrderReportsByPurchaseOrderNumber::new(i.string("purchaseOrderNumber"));
    if let Some(c) = i.opt_country("region") {
        op = op.region(c);
    }
    if let Some(t) = i.opt_string("nextPageToken") {
        op = op.next_page_token(t);
    }
    op
}

fn get_shipment_reports(i: &Inputs) -> reporting::GetShipmentReports {
    let mut op = reporting::GetShipmentReports::new(i.date("orderStartDate"), i.date("orderEndDate"));
    if let Some(v) = i.opt_list("shipmentStatuses") {
        op = op.shipment_statuses(v.iter().map(|s| reporting::ShipmentStatus::from_wire(s)));
    }
    if let Some(v) = i.opt_list("orderIds") {
        op = op.order_ids(v);
    }
    if let Some(c) = i.opt_country("region") {
        op = op.region(c);
    }
    if let Some(t) = i.opt_string("nextPageToken") {
        op = op.next_page_token(t);
    }
    op
}

fn get_shipment_line_item_reports(i: &Inputs) -> reporting::GetShipmentLineItemReports {
    let mut op = reporting::GetShipmentLineItemReports::new(i.date("orderStartDate"), i.date("orderEndDate"));
    if let Some(v) = i.opt_list("orderIds") {
        op = op.order_ids(v);
    }
    if let Some(v) = i.opt_list("purchaseOrderNumbers") {
        op = op.purchase_order_numbers(v);
    }
    if let Some(c) = i.opt_country("region") {
        op = op.region(c);
    }
    if let Some(t) = i.opt_string("nextPageToken") {
        op = op.next_page_token(t);
    }
    op
}

// Reporting 2021-01-08

fn get_orders_by_order_date(i: &Inputs) -> reporting_legacy::GetOrdersByOrderDate {
    if let Some(token) = i.opt_string("nextPageToken") {
        return reporting_legacy::GetOrdersByOrderDate::resume(token);
    }
    let mut op = reporting_legacy::GetOrdersByOrderDate::new(i.date("startDate"), i.date("endDate"));
    if let Some(b) = i.opt_bool("includeLineItems") {
        op = op.include_line_items(b);
    }
    if let Some(b) = i.opt_bool("includeShipments") {
        op = op.include_shipments(b);
    }
    if let Some(b) = i.opt_bool("includeCharges") {
        op = op.include_charges(b);
    }
    op
}

fn get_orders_by_order_id(i: &Inputs) -> reporting_legacy::GetOrdersByOrderId {
    let mut op = reporting_legacy::GetOrdersByOrderId::new(i.string("orderId"));
    if let Some(b) = i.opt_bool("includeLineItems") {
        op = op.include_line_items(b);
    }
    if let Some(b) = i.opt_bool("includeShipments") {
        op = op.include_shipments(b);
    }
    if let Some(b) = i.opt_bool("includeCharges") {
        op = op.include_charges(b);
    }
    op
}

// User Management

fn create_business_user_account(i: &Inputs) -> users::CreateBusinessUserAccount {
    let mut op = users::CreateBusinessUserAccount::new(
        i.body_field("accountHolder"),
        i.body_field("groupId"),
        i.body_field("role"),
    );
    if let Some(v) = i.body_opt::<Vec<users::NotificationType>>("notificationTypesToSuppress") {
        op = op.notification_types_to_suppress(v);
    }
    if let Some(s) = body_string(i, "region") {
        op = op.region(country(&s));
    }
    op
}
