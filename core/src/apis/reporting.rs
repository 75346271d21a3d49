//! Reporting API, version `2025-06-09` (the current one): order, order line item, shipment and
//! shipment line item reports across all the business's legal entities.
//!
//! All five operations need the *Amazon Business Analytics* role, share a default usage plan
//! of 0.5 requests per second with a burst of 10, and are paginated: the following page is
//! requested with the same parameters plus `nextPageToken` ([`Paginated::next_page`] does
//! that). The legacy version (`2021-01-08`, [`crate::apis::reporting_legacy`]) stays callable
//! beside this one.
//!
//! `region` is optional in this API: it is sent only when set with `.region(..)` (Amazon's
//! sandbox examples all send `US`). Date ranges are checked before sending: the start must not
//! be after the end, and the two at most 366 days apart.
//!
//! # Model definitions and their Rust types
//!
//! | Model definition | Rust type |
//! |---|---|
//! | `GetOrderReportsResponse` | [`GetOrderReportsResponse`] |
//! | `GetOrderReportsByPurchaseOrderNumberResponse` | [`GetOrderReportsByPurchaseOrderNumberResponse`] (the same shape as `GetOrderReportsResponse`) |
//! | `GetOrderLineItemReportsResponse` | [`GetOrderLineItemReportsResponse`] |
//! | `GetShipmentReportsResponse` | [`GetShipmentReportsResponse`] |
//! | `GetShipmentLineItemReportsResponse` | [`GetShipmentLineItemReportsResponse`] |
//! | `OrderReport` | [`OrderReport`] |
//! | `OrderReport.orderStatus` (values listed in its description; also the `orderStatuses` filter) | [`OrderStatus`] |
//! | `OrderReport.businessOrderInfo` (string map) | `BTreeMap<String, String>` |
//! | `OrderLineItemReport` | [`OrderLineItemReport`] |
//! | `ShipmentReport` | [`ShipmentReport`] |
//! | `ShipmentReport.shipmentStatus` (values listed in its description; also the `shipmentStatuses` filter) | [`ShipmentStatus`] |
//! | `ShipmentLineItemReport` | [`ShipmentLineItemReport`] |
//! | `OrderMetadata` | [`OrderMetadata`] |
//! | `ShipmentMetadata` | [`ShipmentMetadata`] |
//! | `Charge` | [`Charge`] |
//! | `Charge.type` (values listed in its description) | [`ChargeType`] |
//! | `Customer` | [`Customer`] |
//! | `BuyerGroupDetails` | [`BuyerGroupDetails`] |
//! | `ApproverDetails` | [`ApproverDetails`] |
//! | `ProductDetails` | [`ProductDetails`] |
//! | `Unspsc` | [`Unspsc`] |
//! | `TaxExemption` | [`TaxExemption`] |
//! | `PricingProgram` | [`PricingProgram`] |
//! | `Sustainability` | [`Sustainability`] |
//! | `Seller` | [`Seller`] |
//! | `Address` | [`Address`] |
//! | `SellerCredentials` | [`SellerCredentials`] |
//! | `CredentialDetail` | [`CredentialDetail`] |
//! | `CertifyingAgencyDetail` | [`CertifyingAgencyDetail`] |
//! | `ShippingAddress` | [`ShippingAddress`] |
//! | `DeliveryInfo` | [`DeliveryInfo`] |
//! | `DeliveryInfo.status` (values listed in its description) | [`DeliveryStatus`] |
//! | `Package` | [`Package`] |
//! | `ReceivingInfo` | [`ReceivingInfo`] |
//! | `ReceivingInfo.status` (values listed in its description) | [`ReceivingStatus`] |
//! | `DateTime` | [`crate::apis::common::DateTimeValue`] (shared by Cart, Ordering and Reporting) |
//! | `Money` | [`crate::types::Money`] (amounts travel as JSON numbers here) |
//! | `ErrorList` | [`crate::error::ErrorList`] |
//! | `Error` | [`crate::error::ErrorEntry`] |
//!
//! # Where the examples and the model disagree
//!
//! - The model's `DateTime` is an object `{"date": "…"}`, but every sandbox example sends a
//!   plain RFC 3339 string where it is used (`orderDate`, `shipmentDate`, …).
//!   [`DateTimeValue`] reads both and writes each back in the form it came in.
//! - The statuses, charge types and `OrderMetadata.region` are plain strings in the model with
//!   their values listed only in prose. The statuses and charge types are enums here (keeping
//!   an `Unknown(String)` variant); `region` stays a string, readable as a [`Country`] with
//!   [`OrderMetadata::country`].
//! - Optional fields read an explicit JSON `null` and an absent key alike as `None`, and write
//!   `None` by leaving the key out.

use std::collections::BTreeMap;
use std::hash::Hash;

use http::Method;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::error::{Error, ValidationError};
use crate::operation::{Operation, Paginated, RequestContext, Role, UsagePlan};
use crate::place::Country;
use crate::types::{DateTime, Money};
use crate::wire::{parse_json, validate, RequestBuilder};

const ORDER_REPORTS_PATH: &str = "/reports/2025-06-09/orderReports";
const ORDER_LINE_ITEM_REPORTS_PATH: &str = "/reports/2025-06-09/orderLineItemReports";
const BY_PURCHASE_ORDER_PATH: &str = "/reports/2025-06-09/purchaseOrders/{purchaseOrderNumber}/orderReports";
const SHIPMENT_REPORTS_PATH: &str = "/reports/2025-06-09/shipmentReports";
const SHIPMENT_LINE_ITEM_REPORTS_PATH: &str = "/reports/2025-06-09/shipmentLineItemReports";
const USAGE_PLAN: UsagePlan = UsagePlan::new(0.5, 10);

/// The widest order date range the model allows, in days.
const MAX_RANGE_DAYS: i64 = 366;
/// The most order IDs (or purchase order numbers) one filter may hold.
const MAX_FILTER_ITEMS: usize = 30;

// ---------------------------------------------------------------------------------------------
// Models: shared shapes
// ---------------------------------------------------------------------------------------------

pub use super::common::DateTimeValue;

string_enum! {
    /// An order's status (`OrderReport.orderStatus`, and the items of the `orderStatuses`
    /// filter of [`GetOrderReports`]).
    pub enum OrderStatus {
        /// Waiting for an approver.
        PendingApproval = "PENDING_APPROVAL",
        /// Payment details collected.
        PaymentConfirmed = "PAYMENT_CONFIRMED",
        /// Due to be fulfilled.
        PendingFulfillment = "PENDING_FULFILLMENT",
        /// Still being processed.
        Pending = "PENDING",
        /// Cancelled by the buyer or by Amazon.
        Cancelled = "CANCELLED",
        /// Delivered and closed.
        Closed = "CLOSED",
    }
}

string_enum! {
    /// A shipment's status (`ShipmentReport.shipmentStatus`, and the items of the
    /// `shipmentStatuses` filter of [`GetShipmentReports`]).
    pub enum ShipmentStatus {
        /// Sent out.
        Shipped = "SHIPPED",
        /// Waiting for payment.
        PendingPayment = "PENDING_PAYMENT",
        /// Being prepared.
        ShippingSoon = "SHIPPING_SOON",
        /// Planned, not dispatched yet.
        ShippedPlanned = "SHIPPED_PLANNED",
    }
}

string_enum! {
    /// Whether a shipment arrived (`DeliveryInfo.status`).
    pub enum DeliveryStatus {
        /// Delivered.
        Delivered = "DELIVERED",
        /// Not delivered yet.
        NotDelivered = "NOT_DELIVERED",
        /// No delivery information.
        NotAvailable = "NOT_AVAILABLE",
    }
}

string_enum! {
    /// Whether the buyer has received a line's items (`ReceivingInfo.status`).
    pub enum ReceivingStatus {
        /// Everything arrived.
        AllItemsReceived = "ALL_ITEMS_RECEIVED",
        /// Part of the quantity arrived.
        PartiallyReceived = "PARTIALLY_RECEIVED",
        /// Nothing received yet.
        Pending = "PENDING",
        /// Items are missing.
        ItemsMissing = "ITEMS_MISSING",
    }
}

string_enum! {
    /// What a charge is (`Charge.type`).
    pub enum ChargeType {
        /// Item prices before anything else.
        Subtotal = "SUBTOTAL",
        /// Shipping and handling.
        ShippingAndHandling = "SHIPPING_AND_HANDLING",
        /// Promotional discount (negative).
        Promotion = "PROMOTION",
        /// Tax.
        Tax = "TAX",
        /// The final total.
        NetTotal = "NET_TOTAL",
    }
}

/// One amount of an order, line, or shipment by kind (model `Charge`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// What the amount is.
    #[serde(rename = "type")]
    pub charge_type: ChargeType,
    /// The amount.
    pub amount: Money,
}

/// Where and when an order was placed (model `OrderMetadata`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderMetadata {
    /// When the order was placed.
    pub order_date: DateTimeValue,
    /// Amazon's order ID.
    pub order_id: String,
    /// The country the order was placed in, as Amazon spells it (`US`, `UK`, …).
    pub region: Option<String>,
}

impl OrderMetadata {
    /// [`region`](OrderMetadata::region) as a [`Country`], when it is one the SDK knows.
    pub fn country(&self) -> Option<Country> {
        self.region.as_deref().and_then(|r| r.parse().ok())
    }
}

/// Which shipment and when it left (model `ShipmentMetadata`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentMetadata {
    /// The shipment's ID.
    pub shipment_id: String,
    /// When it shipped.
    pub shipment_date: DateTimeValue,
}

/// A person in a report (model `Customer`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// The person's name.
    pub name: String,
    /// The person's email address.
    pub email: Option<String>,
}

/// The product bought on a line (model `ProductDetails`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductDetails {
    /// Amazon Business product category.
    pub product_category: String,
    /// The product's ASIN.
    pub asin: String,
    /// The product's title.
    pub title: String,
    /// UN Standard Products and Services Code.
    pub unspsc: Unspsc,
    /// Condition (e.g. `New`).
    pub product_condition: String,
    /// Brand code from the seller.
    pub brand_code: String,
    /// Brand name from the seller.
    pub brand_name: String,
    /// Manufacturer name from the seller.
    pub manufacturer_name: String,
    /// Serial numbers of the units.
    pub serial_numbers: Option<Vec<String>>,
}

/// A UN Standard Products and Services Code (model `Unspsc`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unspsc {
    /// The eight-digit code.
    pub code: String,
}

// ---------------------------------------------------------------------------------------------
// Models: order reports
// ---------------------------------------------------------------------------------------------

/// One page of order reports (model `GetOrderReportsResponse`; model
/// `GetOrderReportsByPurchaseOrderNumberResponse` has the same shape).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetOrderReportsResponse {
    /// The orders on this page.
    pub orders_report: Vec<OrderReport>,
    /// Token for the following page; absent on the last page.
    pub next_page_token: Option<String>,
    /// How many orders this page holds.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub size: Option<i64>,
}

/// One page of the orders of a purchase order (model
/// `GetOrderReportsByPurchaseOrderNumberResponse`), the same shape as
/// [`GetOrderReportsResponse`].
pub type GetOrderReportsByPurchaseOrderNumberResponse = GetOrderReportsResponse;

/// An order with its totals (model `OrderReport`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderReport {
    /// Order ID, date and country.
    pub order_metadata: OrderMetadata,
    /// The buyer's purchase order number.
    pub purchase_order_number: Option<String>,
    /// The order's amounts by kind.
    pub charges: Vec<Charge>,
    /// Where the order stands.
    pub order_status: OrderStatus,
    /// Who placed the order.
    pub buying_customer: Option<Customer>,
    /// The buying group it came from.
    pub buyer_group: Option<BuyerGroupDetails>,
    /// Checkout fields such as GL code or cost centre, by name.
    pub business_order_info: Option<BTreeMap<String, String>>,
    /// Who approved it.
    pub approver_details: Option<ApproverDetails>,
}

/// A buying group (model `BuyerGroupDetails`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerGroupDetails {
    /// The group's name.
    pub name: String,
}

/// Who approved an order (model `ApproverDetails`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApproverDetails {
    /// The last approver.
    pub last_order_approver_customer: Option<Customer>,
}

// ---------------------------------------------------------------------------------------------
// Models: order line item reports
// ---------------------------------------------------------------------------------------------

/// One page of order line item reports (model `GetOrderLineItemReportsResponse`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetOrderLineItemReportsResponse {
    /// The order lines on this page.
    pub order_line_items_report: Vec<OrderLineItemReport>,
    /// Token for the following page; absent on the last page.
    pub next_page_token: Option<String>,
    /// How many order lines this page holds.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub size: Option<i64>,
}

/// One line of an order (model `OrderLineItemReport`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderLineItemReport {
    /// Order ID, date and country.
    pub order_metadata: OrderMetadata,
    /// The line's ID.
    pub order_line_item_id: String,
    /// The buyer's purchase order number.
    pub purchase_order_number: Option<String>,
    /// The buyer's purchase order line number.
    pub purchase_order_line_item_number: Option<String>,
    /// The product.
    pub product_details: ProductDetails,
    /// Price of one unit.
    pub unit_price: Option<Money>,
    /// Number of units.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub quantity: Option<i64>,
    /// The line's amounts by kind.
    pub charges: Vec<Charge>,
    /// Tax exemption applied to the line.
    pub tax_exemption: Option<TaxExemption>,
    /// Discount programme applied to the line.
    pub pricing_program: Option<PricingProgram>,
    /// Sustainability certifications of the product.
    pub sustainability: Option<Sustainability>,
    /// The merchant that sold it.
    pub seller: Option<Seller>,
}

/// Tax exemption on a line (model `TaxExemption`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxExemption {
    /// Whether an exemption applied.
    pub applied: bool,
    /// Which exemption.
    #[serde(rename = "type")]
    pub exemption_type: String,
    /// Whether the buyer opted out of it.
    pub opt_out: bool,
}

/// A discount programme (model `PricingProgram`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PricingProgram {
    /// The programme's name.
    pub name: String,
    /// The discount it gave.
    pub discount_amount: Money,
}

/// Sustainability certifications (model `Sustainability`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sustainability {
    /// The certification category, e.g. `Climate Pledge Friendly`.
    pub certification_category: Option<String>,
    /// The certifications held.
    pub certification_types: Option<Vec<String>>,
}

/// The merchant that sold a line (model `Seller`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seller {
    /// The merchant's name.
    pub name: String,
    /// The merchant's main address.
    pub primary_address: Address,
    /// The merchant's credentials (e.g. small business).
    pub credentials: Option<SellerCredentials>,
}

/// A postal address (model `Address`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// First address line.
    pub address_line1: String,
    /// Second address line.
    pub address_line2: Option<String>,
    /// City.
    pub city: String,
    /// State or region.
    pub state_or_region: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// Two-letter country code.
    pub country_code: String,
}

/// A seller's credentials (model `SellerCredentials`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SellerCredentials {
    /// The credentials' names.
    pub types: Option<Vec<String>>,
    /// Their certificates.
    pub details: Option<Vec<CredentialDetail>>,
}

/// One of a seller's certificates (model `CredentialDetail`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialDetail {
    /// The certificate's name.
    pub certificate_type: String,
    /// Who issued it and until when it holds.
    pub certifying_agencies_details: Option<Vec<CertifyingAgencyDetail>>,
}

/// An agency that issued a certificate (model `CertifyingAgencyDetail`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertifyingAgencyDetail {
    /// The agency's name.
    pub agency_name: Option<String>,
    /// When the certificate expires.
    pub certificate_expiration_date: Option<DateTimeValue>,
}

// ---------------------------------------------------------------------------------------------
// Models: shipment reports
// ---------------------------------------------------------------------------------------------

/// One page of shipment reports (model `GetShipmentReportsResponse`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetShipmentReportsResponse {
    /// The shipments on this page.
    pub shipments_report: Vec<ShipmentReport>,
    /// Token for the following page; absent on the last page.
    pub next_page_token: Option<String>,
    /// How many shipments this page holds.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub size: Option<i64>,
}

/// A shipment of an order (model `ShipmentReport`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentReport {
    /// Order ID, date and country.
    pub order_metadata: OrderMetadata,
    /// Shipment ID and date.
    pub shipment_metadata: ShipmentMetadata,
    /// The buyer's purchase order number.
    pub purchase_order_number: Option<String>,
    /// Where the shipment stands.
    pub shipment_status: ShipmentStatus,
    /// Where it goes.
    pub shipping_address: ShippingAddress,
    /// The shipment's amounts by kind.
    pub charges: Vec<Charge>,
    /// Delivery status and expected date.
    pub delivery_info: Option<DeliveryInfo>,
}

/// A shipping address (model `ShippingAddress`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingAddress {
    /// The recipient's full name.
    pub full_name: String,
    /// First address line.
    pub address_line1: String,
    /// Second address line.
    pub address_line2: Option<String>,
    /// City.
    pub city: String,
    /// State or region.
    pub state_or_region: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// Two-letter country code.
    pub country_code: String,
}

/// Delivery status and expected date of a shipment (model `DeliveryInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryInfo {
    /// When delivery is expected.
    pub expected_delivery_date: DateTimeValue,
    /// Whether it was delivered.
    pub status: DeliveryStatus,
}

// ---------------------------------------------------------------------------------------------
// Models: shipment line item reports
// ---------------------------------------------------------------------------------------------

/// One page of shipment line item reports (model `GetShipmentLineItemReportsResponse`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetShipmentLineItemReportsResponse {
    /// The shipment lines on this page.
    pub shipment_line_items_report: Vec<ShipmentLineItemReport>,
    /// Token for the following page; absent on the last page.
    pub next_page_token: Option<String>,
    /// How many shipment lines this page holds.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub size: Option<i64>,
}

/// One order line within a shipment (model `ShipmentLineItemReport`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentLineItemReport {
    /// Order ID, date and country.
    pub order_metadata: OrderMetadata,
    /// Shipment ID and date.
    pub shipment_metadata: ShipmentMetadata,
    /// The buyer's purchase order number.
    pub purchase_order_number: Option<String>,
    /// The order line's ID.
    pub order_line_item_id: String,
    /// The buyer's purchase order line number.
    pub purchase_order_line_item_number: Option<String>,
    /// The product.
    pub product_details: ProductDetails,
    /// The line's amounts by kind.
    pub charges: Vec<Charge>,
    /// Number of units shipped.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub quantity: Option<i64>,
    /// The carrier's name.
    pub carrier_name: Option<String>,
    /// The packages the line travels in.
    pub packages: Option<Vec<Package>>,
    /// Whether the buyer has received the items.
    pub receiving_info: Option<ReceivingInfo>,
}

/// A package of a shipment (model `Package`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    /// The carrier's tracking number.
    pub tracking_id: String,
    /// The package's ID (for the Package Tracking API).
    pub package_id: String,
}

/// The buyer's receipt of a line's items (model `ReceivingInfo`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceivingInfo {
    /// Who received them.
    pub customer: Customer,
    /// When they were received.
    pub date: Option<DateTimeValue>,
    /// Whether all, some or none arrived.
    pub status: ReceivingStatus,
    /// Number of units received.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub quantity: i64,
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/// The order date range the four listing operations require, checked before sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OrderDateRange {
    start: DateTime,
    end: DateTime,
}

impl OrderDateRange {
    fn check(&self, op: &'static str) -> Result<(), ValidationError> {
        let span = self.end.unix_seconds() - self.start.unix_seconds();
        if span < 0 {
            return Err(ValidationError::new(
                op,
                "orderStartDate",
                format!(
                    "{} is after orderEndDate {}; it must be before or equal to it",
                    self.start, self.end
                ),
            ));
        }
        if span > MAX_RANGE_DAYS * 86_400 {
            return Err(ValidationError::new(
                op,
                "orderStartDate",
                format!(
                    "{} is more than {MAX_RANGE_DAYS} days before orderEndDate {}; split the range",
                    self.start, self.end
                ),
            ));
        }
        Ok(())
    }

    fn apply(&self, op: &'static str, b: RequestBuilder) -> RequestBuilder {
        b.check(self.check(op)).query("orderStartDate", self.start).query("orderEndDate", self.end)
    }
}

/// Refuses an empty filter list (`minItems: 1`) or, with `max`, a longer one.
fn check_filter(
    op: &'static str,
    field: &str,
    len: Option<usize>,
    max: Option<usize>,
) -> Result<(), ValidationError> {
    match (len, max) {
        (Some(n), Some(max)) => validate::items(op, field, n, 1, max),
        (Some(0), None) => Err(ValidationError::new(op, field, "has 0 items, must have at least 1")),
        _ => Ok(()),
    }
}

fn check_token(op: &'static str, token: Option<&str>) -> Result<(), ValidationError> {
    match token {
        Some(t) => validate::non_empty(op, "nextPageToken", t),
        None => Ok(()),
    }
}

fn strings<I>(values: I) -> Vec<String>
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    values.into_iter().map(Into::into).collect()
}

fn next_token(token: Option<&str>) -> Option<String> {
    token.filter(|t| !t.is_empty()).map(str::to_owned)
}

/// Lists the orders placed within a date range (`getOrderReports`).
///
/// The following pages are fetched with [`Paginated::next_page`], which repeats every
/// parameter and adds `nextPageToken`, as the model requires; to continue from a saved token,
/// build the same request and add [`next_page_token`](GetOrderReports::next_page_token).
///
/// Checked before sending: the start is not after the end and at most 366 days before it; a
/// status filter holds at least one status.
///
/// - Role: Amazon Business Analytics.
/// - Usage plan: 0.5 requests per second, burst 10.
/// - Sandbox: mocked by Amazon's static sandbox (2025-01-15T10:30:00Z to
///   2025-02-15T10:30:00Z, region `US`, status `CLOSED`).
///
/// ```
/// use amazon_business_blocking::reporting::{GetOrderReports, OrderStatus};
/// use amazon_business_blocking::operation::{Operation, RequestContext};
/// use amazon_business_blocking::{Country, DateTime, Marketplace};
/// let op = GetOrderReports::new(
///     DateTime::parse("2025-01-15T10:30:00Z")?,
///     DateTime::parse("2025-02-15T10:30:00Z")?,
/// )
/// .order_statuses([OrderStatus::Closed])
/// .region(Country::US);
/// let base = url::Url::parse("https://sandbox.na.business-api.amazon.com")?;
/// let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
/// assert_eq!(
///     op.request(&cx)?.uri().query(),
///     Some("orderStartDate=2025-01-15T10%3A30%3A00Z&orderEndDate=2025-02-15T10%3A30%3A00Z&orderStatuses=CLOSED&region=US")
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetOrderReports {
    range: OrderDateRange,
    order_statuses: Option<Vec<OrderStatus>>,
    region: Option<Country>,
    next_page_token: Option<String>,
}

impl GetOrderReports {
    /// Orders placed between `order_start_date` and `order_end_date` (at most 366 days apart).
    pub fn new(order_start_date: impl Into<DateTime>, order_end_date: impl Into<DateTime>) -> Self {
        GetOrderReports {
            range: OrderDateRange { start: order_start_date.into(), end: order_end_date.into() },
            order_statuses: None,
            region: None,
            next_page_token: None,
        }
    }

    /// Only orders in these states (`orderStatuses`, at least one).
    pub fn order_statuses(mut self, statuses: impl IntoIterator<Item = OrderStatus>) -> Self {
        self.order_statuses = Some(statuses.into_iter().collect());
        self
    }

    /// Only orders placed in this country (`region`).
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }

    /// Continues from a page token returned by an earlier page of the same request
    /// (`nextPageToken`).
    pub fn next_page_token(mut self, token: impl Into<String>) -> Self {
        self.next_page_token = Some(token.into());
        self
    }
}

impl Operation for GetOrderReports {
    type Output = GetOrderReportsResponse;
    const ID: &'static str = "getOrderReports";
    const ROLE: Role = Role::AmazonBusinessAnalytics;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let id = Self::ID;
        let b = RequestBuilder::new(id, Method::GET, cx, ORDER_REPORTS_PATH);
        self.range
            .apply(id, b)
            .check(check_filter(id, "orderStatuses", self.order_statuses.as_ref().map(Vec::len), None))
            .check(check_token(id, self.next_page_token.as_deref()))
            .query_csv("orderStatuses", self.order_statuses.iter().flatten())
            .query_opt("region", self.region)
            .query_opt("nextPageToken", self.next_page_token.as_deref())
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<GetOrderReportsResponse, Error> {
        parse_json(Self::ID, response.body())
    }
}

impl Paginated for GetOrderReports {
    fn next_page(&self, output: &GetOrderReportsResponse) -> Option<Self> {
        let token = next_token(output.next_page_token.as_deref())?;
        Some(GetOrderReports { next_page_token: Some(token), ..self.clone() })
    }
}

/// Lists the order lines of orders placed within a date range (`getOrderLineItemReports`).
///
/// The following pages are fetched with [`Paginated::next_page`], which repeats every
/// parameter and adds `nextPageToken`, as the model requires.
///
/// Checked before sending: the start is not after the end and at most 366 days before it; an
/// order ID filter holds 1 to 30 IDs.
///
/// - Role: Amazon Business Analytics.
/// - Usage plan: 0.5 requests per second, burst 10.
/// - Sandbox: mocked by Amazon's static sandbox (April 2025, region `US`, order
///   `112-3456789-0123456`).
///
/// ```
/// use amazon_business_blocking::reporting::GetOrderLineItemReports;
/// use amazon_business_blocking::{Country, DateTime};
/// let op = GetOrderLineItemReports::new(
///     DateTime::parse("2025-04-01T00:00:00Z")?,
///     DateTime::parse("2025-04-30T00:00:00Z")?,
/// )
/// .region(Country::US)
/// .order_ids(["112-3456789-0123456"]);
/// # let _ = op;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetOrderLineItemReports {
    range: OrderDateRange,
    region: Option<Country>,
    order_ids: Option<Vec<String>>,
    next_page_token: Option<String>,
}

impl GetOrderLineItemReports {
    /// Lines of orders placed between `order_start_date` and `order_end_date` (at most 366
    /// days apart).
    pub fn new(order_start_date: impl Into<DateTime>, order_end_date: impl Into<DateTime>) -> Self {
        GetOrderLineItemReports {
            range: OrderDateRange { start: order_start_date.into(), end: order_end_date.into() },
            region: None,
            order_ids: None,
            next_page_token: None,
        }
    }

    /// Only orders placed in this country (`region`).
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }

    /// Only these orders (`orderIds`, 1 to 30); an order outside the date range yields
    /// nothing.
    pub fn order_ids<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.order_ids = Some(strings(ids));
        self
    }

    /// Continues from a page token returned by an earlier page of the same request
    /// (`nextPageToken`).
    pub fn next_page_token(mut self, token: impl Into<String>) -> Self {
        self.next_page_token = Some(token.into());
        self
    }
}

impl Operation for GetOrderLineItemReports {
    type Output = GetOrderLineItemReportsResponse;
    const ID: &'static str = "getOrderLineItemReports";
    const ROLE: Role = Role::AmazonBusinessAnalytics;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let id = Self::ID;
        let b = RequestBuilder::new(id, Method::GET, cx, ORDER_LINE_ITEM_REPORTS_PATH);
        self.range
            .apply(id, b)
            .check(check_filter(
                id,
                "orderIds",
                self.order_ids.as_ref().map(Vec::len),
                Some(MAX_FILTER_ITEMS),
            ))
            .check(check_token(id, self.next_page_token.as_deref()))
            .query_opt("region", self.region)
            .query_csv("orderIds", self.order_ids.iter().flatten())
            .query_opt("nextPageToken", self.next_page_token.as_deref())
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<GetOrderLineItemReportsResponse, Error> {
        parse_json(Self::ID, response.body())
    }
}

impl Paginated for GetOrderLineItemReports {
    fn next_page(&self, output: &GetOrderLineItemReportsResponse) -> Option<Self> {
        let token = next_token(output.next_page_token.as_deref())?;
        Some(GetOrderLineItemReports { next_page_token: Some(token), ..self.clone() })
    }
}

/// Lists the orders of one purchase order number (`getOrderReportsByPurchaseOrderNumber`);
/// Amazon searches the past two years only.
///
/// The following pages are fetched with [`Paginated::next_page`], which repeats every
/// parameter and adds `nextPageToken`, as the model requires.
///
/// - Role: Amazon Business Analytics.
/// - Usage plan: 0.5 requests per second, burst 10.
/// - Sandbox: mocked by Amazon's static sandbox (purchase order `PO-12345`, region `US`; an
///   empty number answers 400).
///
/// ```
/// use amazon_business_blocking::reporting::GetOrderReportsByPurchaseOrderNumber;
/// use amazon_business_blocking::Country;
/// let op = GetOrderReportsByPurchaseOrderNumber::new("PO-12345").region(Country::US);
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetOrderReportsByPurchaseOrderNumber {
    purchase_order_number: String,
    region: Option<Country>,
    next_page_token: Option<String>,
}

impl GetOrderReportsByPurchaseOrderNumber {
    /// The orders of purchase order `purchase_order_number`.
    pub fn new(purchase_order_number: impl Into<String>) -> Self {
        GetOrderReportsByPurchaseOrderNumber {
            purchase_order_number: purchase_order_number.into(),
            region: None,
            next_page_token: None,
        }
    }

    /// Only orders placed in this country (`region`).
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }

    /// Continues from a page token returned by an earlier page of the same request
    /// (`nextPageToken`).
    pub fn next_page_token(mut self, token: impl Into<String>) -> Self {
        self.next_page_token = Some(token.into());
        self
    }
}

impl Operation for GetOrderReportsByPurchaseOrderNumber {
    type Output = GetOrderReportsByPurchaseOrderNumberResponse;
    const ID: &'static str = "getOrderReportsByPurchaseOrderNumber";
    const ROLE: Role = Role::AmazonBusinessAnalytics;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let id = Self::ID;
        RequestBuilder::new(id, Method::GET, cx, BY_PURCHASE_ORDER_PATH)
            .check(validate::non_empty(id, "purchaseOrderNumber", &self.purchase_order_number))
            .check(check_token(id, self.next_page_token.as_deref()))
            .path_param("purchaseOrderNumber", self.purchase_order_number.as_str())
            .query_opt("region", self.region)
            .query_opt("nextPageToken", self.next_page_token.as_deref())
            .build()
    }

    fn parse(
        &self,
        response: &http::Response<Vec<u8>>,
    ) -> Result<GetOrderReportsByPurchaseOrderNumberResponse, Error> {
        parse_json(Self::ID, response.body())
    }
}

impl Paginated for GetOrderReportsByPurchaseOrderNumber {
    fn next_page(&self, output: &GetOrderReportsByPurchaseOrderNumberResponse) -> Option<Self> {
        let token = next_token(output.next_page_token.as_deref())?;
        Some(GetOrderReportsByPurchaseOrderNumber { next_page_token: Some(token), ..self.clone() })
    }
}

/// Lists the shipments of orders placed within a date range (`getShipmentReports`).
///
/// The following pages are fetched with [`Paginated::next_page`], which repeats every
/// parameter and adds `nextPageToken`, as the model requires.
///
/// Checked before sending: the start is not after the end and at most 366 days before it; a
/// status filter holds at least one status; an order ID filter holds 1 to 30 IDs.
///
/// - Role: Amazon Business Analytics.
/// - Usage plan: 0.5 requests per second, burst 10.
/// - Sandbox: mocked by Amazon's static sandbox (April 2025, status `SHIPPED`, order
///   `112-3456789-0123456`, region `US`; a reversed range answers 400).
///
/// ```
/// use amazon_business_blocking::reporting::{GetShipmentReports, ShipmentStatus};
/// use amazon_business_blocking::{Country, DateTime};
/// let op = GetShipmentReports::new(
///     DateTime::parse("2025-04-01T00:00:00Z")?,
///     DateTime::parse("2025-04-30T00:00:00Z")?,
/// )
/// .shipment_statuses([ShipmentStatus::Shipped])
/// .order_ids(["112-3456789-0123456"])
/// .region(Country::US);
/// # let _ = op;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetShipmentReports {
    range: OrderDateRange,
    shipment_statuses: Option<Vec<ShipmentStatus>>,
    order_ids: Option<Vec<String>>,
    region: Option<Country>,
    next_page_token: Option<String>,
}

impl GetShipmentReports {
    /// Shipments of orders placed between `order_start_date` and `order_end_date` (at most
    /// 366 days apart).
    pub fn new(order_start_date: impl Into<DateTime>, order_end_date: impl Into<DateTime>) -> Self {
        GetShipmentReports {
            range: OrderDateRange { start: order_start_date.into(), end: order_end_date.into() },
            shipment_statuses: None,
            order_ids: None,
            region: None,
            next_page_token: None,
        }
    }

    /// Only shipments in these states (`shipmentStatuses`, at least one).
    pub fn shipment_statuses(mut self, statuses: impl IntoIterator<Item = ShipmentStatus>) -> Self {
        self.shipment_statuses = Some(statuses.into_iter().collect());
        self
    }

    /// Only shipments of these orders (`orderIds`, 1 to 30).
    pub fn order_ids<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.order_ids = Some(strings(ids));
        self
    }

    /// Only orders placed in this country (`region`).
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }

    /// Continues from a page token returned by an earlier page of the same request
    /// (`nextPageToken`).
    pub fn next_page_token(mut self, token: impl Into<String>) -> Self {
        self.next_page_token = Some(token.into());
        self
    }
}

impl Operation for GetShipmentReports {
    type Output = GetShipmentReportsResponse;
    const ID: &'static str = "getShipmentReports";
    const ROLE: Role = Role::AmazonBusinessAnalytics;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let id = Self::ID;
        let b = RequestBuilder::new(id, Method::GET, cx, SHIPMENT_REPORTS_PATH);
        self.range
            .apply(id, b)
            .check(check_filter(id, "shipmentStatuses", self.shipment_statuses.as_ref().map(Vec::len), None))
            .check(check_filter(
                id,
                "orderIds",
                self.order_ids.as_ref().map(Vec::len),
                Some(MAX_FILTER_ITEMS),
            ))
            .check(check_token(id, self.next_page_token.as_deref()))
            .query_csv("shipmentStatuses", self.shipment_statuses.iter().flatten())
            .query_csv("orderIds", self.order_ids.iter().flatten())
            .query_opt("region", self.region)
            .query_opt("nextPageToken", self.next_page_token.as_deref())
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<GetShipmentReportsResponse, Error> {
        parse_json(Self::ID, response.body())
    }
}

impl Paginated for GetShipmentReports {
    fn next_page(&self, output: &GetShipmentReportsResponse) -> Option<Self> {
        let token = next_token(output.next_page_token.as_deref())?;
        Some(GetShipmentReports { next_page_token: Some(token), ..self.clone() })
    }
}

/// Lists the shipped order lines of orders placed within a date range
/// (`getShipmentLineItemReports`).
///
/// The following pages are fetched with [`Paginated::next_page`], which repeats every
/// parameter and adds `nextPageToken`.
///
/// Checked before sending: the start is not after the end and at most 366 days before it;
/// order ID and purchase order number filters hold 1 to 30 values each.
///
/// - Role: Amazon Business Analytics.
/// - Usage plan: 0.5 requests per second, burst 10.
/// - Sandbox: mocked by Amazon's static sandbox (April 2025, order `112-3456789-0123456`,
///   region `US`; a reversed range answers 400).
///
/// ```
/// use amazon_business_blocking::reporting::GetShipmentLineItemReports;
/// use amazon_business_blocking::{Country, DateTime};
/// let op = GetShipmentLineItemReports::new(
///     DateTime::parse("2025-04-01T00:00:00Z")?,
///     DateTime::parse("2025-04-30T00:00:00Z")?,
/// )
/// .order_ids(["112-3456789-0123456"])
/// .purchase_order_numbers(["PO-12345"])
/// .region(Country::US);
/// # let _ = op;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetShipmentLineItemReports {
    range: OrderDateRange,
    order_ids: Option<Vec<String>>,
    purchase_order_numbers: Option<Vec<String>>,
    region: Option<Country>,
    next_page_token: Option<String>,
}

impl GetShipmentLineItemReports {
    /// Shipped lines of orders placed between `order_start_date` and `order_end_date` (at
    /// most 366 days apart).
    pub fn new(order_start_date: impl Into<DateTime>, order_end_date: impl Into<DateTime>) -> Self {
        GetShipmentLineItemReports {
            range: OrderDateRange { start: order_start_date.into(), end: order_end_date.into() },
            order_ids: None,
            purchase_order_numbers: None,
            region: None,
            next_page_token: None,
        }
    }

    /// Only lines of these orders (`orderIds`, 1 to 30).
    pub fn order_ids<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.order_ids = Some(strings(ids));
        self
    }

    /// Only lines of these purchase orders (`purchaseOrderNumbers`, 1 to 30).
    pub fn purchase_order_numbers<I>(mut self, numbers: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.purchase_order_numbers = Some(strings(numbers));
        self
    }

    /// Only orders placed in this country (`region`).
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }

    /// Continues from a page token returned by an earlier page of the same request
    /// (`nextPageToken`).
    pub fn next_page_token(mut self, token: impl Into<String>) -> Self {
        self.next_page_token = Some(token.into());
        self
    }
}

impl Operation for GetShipmentLineItemReports {
    type Output = GetShipmentLineItemReportsResponse;
    const ID: &'static str = "getShipmentLineItemReports";
    const ROLE: Role = Role::AmazonBusinessAnalytics;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let id = Self::ID;
        let b = RequestBuilder::new(id, Method::GET, cx, SHIPMENT_LINE_ITEM_REPORTS_PATH);
        let pos = self.purchase_order_numbers.as_ref().map(Vec::len);
        self.range
            .apply(id, b)
            .check(check_filter(
                id,
                "orderIds",
                self.order_ids.as_ref().map(Vec::len),
                Some(MAX_FILTER_ITEMS),
            ))
            .check(check_filter(id, "purchaseOrderNumbers", pos, Some(MAX_FILTER_ITEMS)))
            .check(check_token(id, self.next_page_token.as_deref()))
            .query_csv("orderIds", self.order_ids.iter().flatten())
            .query_csv("purchaseOrderNumbers", self.purchase_order_numbers.iter().flatten())
            .query_opt("region", self.region)
            .query_opt("nextPageToken", self.next_page_token.as_deref())
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<GetShipmentLineItemReportsResponse, Error> {
        parse_json(Self::ID, response.body())
    }
}

impl Paginated for GetShipmentLineItemReports {
    fn next_page(&self, output: &GetShipmentLineItemReportsResponse) -> Option<Self> {
        let token = next_token(output.next_page_token.as_deref())?;
        Some(GetShipmentLineItemReports { next_page_token: Some(token), ..self.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apis::test_support::{
        assert_round_trip_normalized, dec, example, example_response, t, validation, SANDBOX,
    };
    use crate::error::ErrorList;
    use crate::place::Marketplace;
    use crate::types::{AmountForm, Decimal};
    use url::Url;

    fn uri<O: Operation>(op: &O) -> Result<String, Box<Error>> {
        let base = Url::parse(SANDBOX).unwrap();
        let cx = RequestContext {
            base_url: &base,
            marketplace: Marketplace::UnitedStates,
            user_email: Some("buyer@example.com"),
        };
        op.request(&cx).map_err(Box::new).map(|r| {
            assert_eq!(r.method(), Method::GET);
            assert!(r.body().is_empty());
            assert!(r.headers().get(crate::wire::USER_EMAIL_HEADER).is_none());
            r.uri().to_string()
        })
    }

    fn response(body: &str) -> http::Response<Vec<u8>> {
        http::Response::builder().status(200).body(body.as_bytes().to_vec()).unwrap()
    }

    /// Checks the recorded 400 example `id`: its error list decodes and is written back unchanged.
    fn check_errors(id: &str, code: &str) {
        assert_eq!(example(id)["status"], 400);
        let example = example_response(id);
        let errors: ErrorList = parse_json("test", example.as_bytes()).unwrap();
        assert_eq!(errors.errors[0].code, code);
        assert!(errors.errors[0].details.is_some());
        assert_round_trip_normalized(&errors, &example);
    }

    fn amount(charges: &[Charge], kind: ChargeType) -> Decimal {
        charges.iter().find(|c| c.charge_type == kind).unwrap().amount.amount.value()
    }

    fn check_order_report(order: &OrderReport, po: &str) {
        assert_eq!(order.order_metadata.order_id, "112-3456789-0123456");
        assert_eq!(order.order_metadata.order_date.date, t("2025-04-11T00:00:00Z"));
        assert!(order.order_metadata.order_date.is_bare_string());
        assert_eq!(order.order_metadata.region.as_deref(), Some("US"));
        assert_eq!(order.order_metadata.country(), Some(Country::US));
        assert_eq!(order.purchase_order_number.as_deref(), Some(po));
        assert_eq!(order.order_status, OrderStatus::Closed);
        assert_eq!(order.charges.len(), 5);
        assert_eq!(order.charges[0].charge_type, ChargeType::Subtotal);
        assert_eq!(amount(&order.charges, ChargeType::NetTotal), dec("512.45"));
        assert_eq!(amount(&order.charges, ChargeType::Promotion), dec("-50.0"));
        let net = &order.charges[4].amount;
        assert_eq!(net.currency_code, "USD");
        assert_eq!(net.amount.form(), AmountForm::Number);
        assert_eq!(order.charges[1].amount.amount.to_string(), "25.0");
        assert_eq!(order.buying_customer.as_ref().unwrap().email.as_deref(), Some("[customerEmail]"));
        assert_eq!(order.buyer_group.as_ref().unwrap().name, "[buyerGroupName]");
        assert_eq!(order.business_order_info.as_ref().unwrap()["glCode"], "[glCode]");
        let approver =
            order.approver_details.as_ref().unwrap().last_order_approver_customer.as_ref().unwrap();
        assert_eq!(approver.name, "[approverName]");
    }

    // --- getOrderReports ----------------------------------------------------------------------

    #[test]
    fn order_reports_sandbox_200() {
        let op = GetOrderReports::new(t("2025-01-15T10:30:00Z"), t("2025-02-15T10:30:00Z"))
            .order_statuses([OrderStatus::Closed])
            .region(Country::US);
        assert_eq!(
            uri(&op).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2025-06-09/orderReports?orderStartDate=2025-01-15T10%3A30%3A00Z&orderEndDate=2025-02-15T10%3A30%3A00Z&orderStatuses=CLOSED&region=US"
        );
        let out = op.parse(&response(&example_response("getOrderReports-200-0"))).unwrap();
        assert_eq!(out.next_page_token.as_deref(), Some("[nextPageToken]"));
        assert_eq!(out.size, None);
        check_order_report(&out.orders_report[0], "PO-2025-0123");
        assert_round_trip_normalized(&out, &example_response("getOrderReports-200-0"));
    }

    #[test]
    fn order_reports_sandbox_400_cannot_be_expressed() {
        // The example sends only orderEndDate; the typed API takes both dates as constructor
        // arguments, so a request without orderStartDate cannot be built.
        check_errors("getOrderReports-400-0", "INVALID_REQUEST_PARAMETER");
    }

    #[test]
    fn order_reports_next_page_repeats_the_parameters() {
        let op = GetOrderReports::new(t("2025-01-15T10:30:00Z"), t("2025-02-15T10:30:00Z"))
            .order_statuses([OrderStatus::Closed, OrderStatus::PendingApproval])
            .region(Country::GB);
        let mut out = op.parse(&response(&example_response("getOrderReports-200-0"))).unwrap();
        out.next_page_token = Some("a+b/c=".into());
        let next = op.next_page(&out).expect("a token means another page");
        assert_eq!(
            uri(&next).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2025-06-09/orderReports?orderStartDate=2025-01-15T10%3A30%3A00Z&orderEndDate=2025-02-15T10%3A30%3A00Z&orderStatuses=CLOSED,PENDING_APPROVAL&region=UK&nextPageToken=a%2Bb%2Fc%3D"
        );
        assert_eq!(next, op.clone().next_page_token("a+b/c="));
        out.next_page_token = None;
        assert!(op.next_page(&out).is_none());
        out.next_page_token = Some(String::new());
        assert!(op.next_page(&out).is_none());
    }

    #[test]
    fn order_reports_validation() {
        let start = t("2025-01-01T00:00:00Z");
        let e = validation(&uri(&GetOrderReports::new(start, start).order_statuses([])).unwrap_err());
        assert_eq!(e.field, "orderStatuses");
        assert!(e.message.contains("at least 1"), "{e}");
        let e = validation(&uri(&GetOrderReports::new(start, start).next_page_token(" ")).unwrap_err());
        assert_eq!(e.field, "nextPageToken");
        // Statuses the model's prose does not list are passed through, not refused.
        let op = GetOrderReports::new(start, start).order_statuses([OrderStatus::from_wire("ON_HOLD")]);
        assert!(uri(&op).unwrap().contains("&orderStatuses=ON_HOLD"));
    }

    #[test]
    fn date_ranges_are_checked() {
        let start = t("2024-01-01T00:00:00Z");
        // Exactly 366 days is allowed; one second more is not.
        let limit = DateTime::from_unix_seconds(start.unix_seconds() + 366 * 86_400).unwrap();
        assert!(uri(&GetOrderReports::new(start, limit)).is_ok());
        let over = DateTime::from_unix_seconds(limit.unix_seconds() + 1).unwrap();
        let e = validation(&uri(&GetOrderReports::new(start, over)).unwrap_err());
        assert_eq!(e.field, "orderStartDate");
        assert!(e.message.contains("more than 366 days"), "{e}");
        for e in [
            uri(&GetOrderLineItemReports::new(start, over)).unwrap_err(),
            uri(&GetShipmentReports::new(start, over)).unwrap_err(),
            uri(&GetShipmentLineItemReports::new(start, over)).unwrap_err(),
        ] {
            assert_eq!(validation(&e).field, "orderStartDate");
        }
        // A single instant is a valid range.
        assert!(uri(&GetShipmentReports::new(start, start)).is_ok());
        let e = validation(&uri(&GetOrderReports::new(limit, start)).unwrap_err());
        assert!(e.message.contains("must be before or equal"), "{e}");
    }

    // --- getOrderLineItemReports --------------------------------------------------------------

    #[test]
    fn order_line_item_reports_sandbox_200() {
        let op = GetOrderLineItemReports::new(t("2025-04-01T00:00:00Z"), t("2025-04-30T00:00:00Z"))
            .region(Country::US)
            .order_ids(["112-3456789-0123456"]);
        assert_eq!(
            uri(&op).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2025-06-09/orderLineItemReports?orderStartDate=2025-04-01T00%3A00%3A00Z&orderEndDate=2025-04-30T00%3A00%3A00Z&region=US&orderIds=112-3456789-0123456"
        );
        let out = op.parse(&response(&example_response("getOrderLineItemReports-200-0"))).unwrap();
        assert_eq!(out.next_page_token.as_deref(), Some("[nextPageToken]"));
        let line = &out.order_line_items_report[0];
        assert_eq!(line.order_line_item_id, "1");
        assert_eq!(line.order_metadata.order_date.date, t("2025-04-11T00:00:00Z"));
        assert_eq!(line.purchase_order_line_item_number.as_deref(), Some("PO-2025-0123-1"));
        let product = &line.product_details;
        assert_eq!(product.asin, "B08N5KWB9H");
        assert_eq!(product.unspsc.code, "43211602");
        assert_eq!(product.serial_numbers.as_ref().unwrap().len(), 2);
        assert_eq!(line.quantity, Some(5));
        assert_eq!(line.unit_price.as_ref().unwrap().amount.value(), dec("99.99"));
        assert_eq!(amount(&line.charges, ChargeType::Tax), dec("37.5"));
        let exemption = line.tax_exemption.as_ref().unwrap();
        assert!(!exemption.applied);
        assert_eq!(exemption.exemption_type, "None");
        let pricing = line.pricing_program.as_ref().unwrap();
        assert_eq!(pricing.discount_amount.amount.to_string(), "50.0");
        assert_eq!(line.sustainability.as_ref().unwrap().certification_types.as_ref().unwrap()[1], "type2");
        let seller = line.seller.as_ref().unwrap();
        assert_eq!(seller.primary_address.country_code, "US");
        assert_eq!(seller.primary_address.state_or_region.as_deref(), Some("[state]"));
        let credentials = seller.credentials.as_ref().unwrap();
        assert_eq!(credentials.types.as_ref().unwrap()[0], "Small Business");
        let agency =
            &credentials.details.as_ref().unwrap()[0].certifying_agencies_details.as_ref().unwrap()[0];
        assert_eq!(agency.agency_name.as_deref(), Some("[certifyingAgencyName]"));
        assert_eq!(agency.certificate_expiration_date.unwrap().date, t("2028-04-01T00:00:00Z"));
        assert_round_trip_normalized(&out, &example_response("getOrderLineItemReports-200-0"));
    }

    #[test]
    fn order_line_item_reports_sandbox_400_is_refused_client_side() {
        // The example's start lies after its end.
        let op = GetOrderLineItemReports::new(t("2025-04-01T00:00:00Z"), t("2025-02-01T00:00:00Z"));
        let e = validation(&uri(&op).unwrap_err());
        assert_eq!(e.operation, "getOrderLineItemReports");
        assert_eq!(e.field, "orderStartDate");
        assert!(e.message.contains("after orderEndDate"), "{e}");
        check_errors("getOrderLineItemReports-400-0", "INVALID_REQUEST_PARAMETER");
    }

    #[test]
    fn order_line_item_reports_next_page_and_validation() {
        let op = GetOrderLineItemReports::new(t("2025-04-01T00:00:00Z"), t("2025-04-30T00:00:00Z"))
            .order_ids(["A", "B"]);
        let out = GetOrderLineItemReportsResponse {
            order_line_items_report: vec![],
            next_page_token: Some("T1".into()),
            size: Some(0),
        };
        let next = op.next_page(&out).unwrap();
        assert!(uri(&next).unwrap().ends_with("&orderIds=A,B&nextPageToken=T1"), "{}", uri(&next).unwrap());
        let last = GetOrderLineItemReportsResponse { next_page_token: None, ..out };
        assert!(op.next_page(&last).is_none());

        let e = validation(&uri(&op.clone().order_ids(Vec::<String>::new())).unwrap_err());
        assert_eq!(e.field, "orderIds");
        let e = validation(&uri(&op.clone().order_ids((0..31).map(|i| format!("O{i}")))).unwrap_err());
        assert_eq!(e.field, "orderIds");
        assert!(e.message.contains("has 31 items, must have between 1 and 30"), "{e}");
        assert!(uri(&op.order_ids((0..30).map(|i| format!("O{i}")))).is_ok());
    }

    // --- getOrderReportsByPurchaseOrderNumber -------------------------------------------------

    #[test]
    fn by_purchase_order_number_sandbox_200() {
        let op = GetOrderReportsByPurchaseOrderNumber::new("PO-12345").region(Country::US);
        assert_eq!(
            uri(&op).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2025-06-09/purchaseOrders/PO-12345/orderReports?region=US"
        );
        let out =
            op.parse(&response(&example_response("getOrderReportsByPurchaseOrderNumber-200-0"))).unwrap();
        check_order_report(&out.orders_report[0], "PO-12345");
        assert_round_trip_normalized(&out, &example_response("getOrderReportsByPurchaseOrderNumber-200-0"));
    }

    #[test]
    fn by_purchase_order_number_sandbox_400_is_refused_client_side() {
        let e = validation(&uri(&GetOrderReportsByPurchaseOrderNumber::new("")).unwrap_err());
        assert_eq!(e.field, "purchaseOrderNumber");
        check_errors("getOrderReportsByPurchaseOrderNumber-400-0", "INVALID_REQUEST_PARAMETER");
    }

    #[test]
    fn by_purchase_order_number_next_page() {
        let op = GetOrderReportsByPurchaseOrderNumber::new("PO 1/2");
        let out =
            op.parse(&response(&example_response("getOrderReportsByPurchaseOrderNumber-200-0"))).unwrap();
        let next = op.next_page(&out).unwrap();
        assert_eq!(
            uri(&next).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2025-06-09/purchaseOrders/PO%201%2F2/orderReports?nextPageToken=%5BnextPageToken%5D"
        );
    }

    // --- getShipmentReports -------------------------------------------------------------------

    #[test]
    fn shipment_reports_sandbox_200() {
        let op = GetShipmentReports::new(t("2025-04-01T00:00:00Z"), t("2025-04-30T00:00:00Z"))
            .shipment_statuses([ShipmentStatus::Shipped])
            .order_ids(["112-3456789-0123456"])
            .region(Country::US);
        assert_eq!(
            uri(&op).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2025-06-09/shipmentReports?orderStartDate=2025-04-01T00%3A00%3A00Z&orderEndDate=2025-04-30T00%3A00%3A00Z&shipmentStatuses=SHIPPED&orderIds=112-3456789-0123456&region=US"
        );
        let out = op.parse(&response(&example_response("getShipmentReports-200-0"))).unwrap();
        assert_eq!(out.next_page_token.as_deref(), Some("NEXT_PAGE_TOKEN"));
        let shipment = &out.shipments_report[0];
        assert_eq!(shipment.shipment_metadata.shipment_id, "SHIP-12345");
        assert_eq!(shipment.shipment_metadata.shipment_date.date, t("2025-04-21T00:00:00Z"));
        assert_eq!(shipment.shipment_status, ShipmentStatus::Shipped);
        let delivery = shipment.delivery_info.as_ref().unwrap();
        assert_eq!(delivery.status, DeliveryStatus::NotDelivered);
        assert_eq!(delivery.expected_delivery_date.date, t("2025-04-22T00:00:00Z"));
        assert_eq!(amount(&shipment.charges, ChargeType::NetTotal), dec("110.0"));
        assert_eq!(shipment.shipping_address.full_name, "[recipientFullName]");
        assert_eq!(shipment.shipping_address.address_line2.as_deref(), Some("[addressLine2]"));
        assert_round_trip_normalized(&out, &example_response("getShipmentReports-200-0"));
    }

    #[test]
    fn shipment_reports_sandbox_400_is_refused_client_side() {
        let op = GetShipmentReports::new(t("2025-04-01T00:00:00Z"), t("2025-02-01T00:00:00Z"));
        let e = validation(&uri(&op).unwrap_err());
        assert_eq!(e.field, "orderStartDate");
        check_errors("getShipmentReports-400-0", "InvalidInput");
    }

    #[test]
    fn shipment_reports_next_page_and_validation() {
        let op = GetShipmentReports::new(t("2025-04-01T00:00:00Z"), t("2025-04-30T00:00:00Z"))
            .shipment_statuses([ShipmentStatus::Shipped, ShipmentStatus::ShippingSoon]);
        let out = op.parse(&response(&example_response("getShipmentReports-200-0"))).unwrap();
        let next = op.next_page(&out).unwrap();
        assert_eq!(
            uri(&next).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2025-06-09/shipmentReports?orderStartDate=2025-04-01T00%3A00%3A00Z&orderEndDate=2025-04-30T00%3A00%3A00Z&shipmentStatuses=SHIPPED,SHIPPING_SOON&nextPageToken=NEXT_PAGE_TOKEN"
        );
        let e = validation(&uri(&op.clone().shipment_statuses([])).unwrap_err());
        assert_eq!(e.field, "shipmentStatuses");
        let e = validation(&uri(&op.order_ids((0..31).map(|i| i.to_string()))).unwrap_err());
        assert_eq!(e.field, "orderIds");
    }

    // --- getShipmentLineItemReports -----------------------------------------------------------

    #[test]
    fn shipment_line_item_reports_sandbox_200() {
        let op = GetShipmentLineItemReports::new(t("2025-04-01T00:00:00Z"), t("2025-04-30T00:00:00Z"))
            .order_ids(["112-3456789-0123456"])
            .region(Country::US);
        assert_eq!(
            uri(&op).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2025-06-09/shipmentLineItemReports?orderStartDate=2025-04-01T00%3A00%3A00Z&orderEndDate=2025-04-30T00%3A00%3A00Z&orderIds=112-3456789-0123456&region=US"
        );
        let out = op.parse(&response(&example_response("getShipmentLineItemReports-200-0"))).unwrap();
        let line = &out.shipment_line_items_report[0];
        assert_eq!(line.order_line_item_id, "LINE-12345");
        assert_eq!(line.quantity, Some(2));
        assert_eq!(line.carrier_name.as_deref(), Some("Example Carrier"));
        assert_eq!(line.packages.as_ref().unwrap()[0].package_id, "PACKAGE-12345");
        assert_eq!(amount(&line.charges, ChargeType::ShippingAndHandling), dec("10.0"));
        let receiving = line.receiving_info.as_ref().unwrap();
        assert_eq!(receiving.status, ReceivingStatus::AllItemsReceived);
        assert_eq!(receiving.quantity, 2);
        assert_eq!(receiving.date.unwrap().date, t("2025-04-23T00:00:00Z"));
        assert_eq!(receiving.customer.name, "[customerName]");
        assert_round_trip_normalized(&out, &example_response("getShipmentLineItemReports-200-0"));
    }

    #[test]
    fn shipment_line_item_reports_sandbox_400_is_refused_client_side() {
        let op = GetShipmentLineItemReports::new(t("2025-04-01T00:00:00Z"), t("2025-02-01T00:00:00Z"));
        let e = validation(&uri(&op).unwrap_err());
        assert_eq!(e.field, "orderStartDate");
        check_errors("getShipmentLineItemReports-400-0", "InvalidInput");
    }

    #[test]
    fn shipment_line_item_reports_next_page_and_validation() {
        let op = GetShipmentLineItemReports::new(t("2025-04-01T00:00:00Z"), t("2025-04-30T00:00:00Z"))
            .purchase_order_numbers(["PO-1", "PO 2"])
            .region(Country::JP);
        let out = op.parse(&response(&example_response("getShipmentLineItemReports-200-0"))).unwrap();
        let next = op.next_page(&out).unwrap();
        assert_eq!(
            uri(&next).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2025-06-09/shipmentLineItemReports?orderStartDate=2025-04-01T00%3A00%3A00Z&orderEndDate=2025-04-30T00%3A00%3A00Z&purchaseOrderNumbers=PO-1,PO%202&region=JP&nextPageToken=NEXT_PAGE_TOKEN"
        );
        let e = validation(&uri(&op.clone().purchase_order_numbers(Vec::<String>::new())).unwrap_err());
        assert_eq!(e.field, "purchaseOrderNumbers");
        let e =
            validation(&uri(&op.clone().purchase_order_numbers((0..31).map(|i| i.to_string()))).unwrap_err());
        assert_eq!(e.field, "purchaseOrderNumbers");
        assert!(e.message.contains("between 1 and 30"), "{e}");
        let e = validation(&uri(&op.order_ids(Vec::<String>::new())).unwrap_err());
        assert_eq!(e.field, "orderIds");
    }

    // --- shapes -------------------------------------------------------------------------------

    #[test]
    fn report_date_times_read_both_forms_and_keep_theirs() {
        let bare: DateTimeValue = serde_json::from_str("\"2025-01-15T10:30:00Z\"").unwrap();
        let wrapped: DateTimeValue =
            serde_json::from_str(r#"{"date": "2025-01-15T12:30:00+02:00"}"#).unwrap();
        assert_eq!(bare, wrapped, "the same instant");
        assert!(bare.is_bare_string());
        assert!(!wrapped.is_bare_string());
        assert_eq!(serde_json::to_string(&bare).unwrap(), "\"2025-01-15T10:30:00Z\"");
        assert_eq!(serde_json::to_string(&wrapped).unwrap(), r#"{"date":"2025-01-15T10:30:00Z"}"#);
        let built = DateTimeValue::from(t("2025-01-15T10:30:00Z"));
        assert_eq!(serde_json::to_string(&built).unwrap(), r#"{"date":"2025-01-15T10:30:00Z"}"#);
        assert_eq!(DateTime::from(built), t("2025-01-15T10:30:00Z"));
        assert_eq!(built.to_string(), "2025-01-15T10:30:00Z");

        let in_struct: ShipmentMetadata = serde_json::from_str(
            r#"{"shipmentId": "S", "shipmentDate": {"date": "2025-04-21T00:00:00Z", "x": [1]}}"#,
        )
        .unwrap();
        assert_eq!(in_struct.shipment_date.date, t("2025-04-21T00:00:00Z"));

        assert!(serde_json::from_str::<DateTimeValue>("{}").unwrap_err().to_string().contains("date"));
        assert!(serde_json::from_str::<DateTimeValue>("\"soon\"").is_err());
        assert!(serde_json::from_str::<DateTimeValue>("12").is_err());
    }

    #[test]
    fn unknown_region_strings_do_not_fail_decoding() {
        let m: OrderMetadata =
            serde_json::from_str(r#"{"orderDate": "2025-04-11T00:00:00Z", "orderId": "1", "region": "NL"}"#)
                .unwrap();
        assert_eq!(m.region.as_deref(), Some("NL"));
        assert_eq!(m.country(), None);
        let m: OrderMetadata =
            serde_json::from_str(r#"{"orderDate": "2025-04-11T00:00:00Z", "orderId": "1", "region": "UK"}"#)
                .unwrap();
        assert_eq!(m.country(), Some(Country::GB));
    }

    #[test]
    fn enums_keep_unknown_values_and_exact_spellings() {
        for (text, status) in [
            ("PENDING_APPROVAL", OrderStatus::PendingApproval),
            ("PAYMENT_CONFIRMED", OrderStatus::PaymentConfirmed),
            ("PENDING_FULFILLMENT", OrderStatus::PendingFulfillment),
            ("PENDING", OrderStatus::Pending),
            ("CANCELLED", OrderStatus::Cancelled),
            ("CLOSED", OrderStatus::Closed),
        ] {
            let json = format!("\"{text}\"");
            assert_eq!(serde_json::from_str::<OrderStatus>(&json).unwrap(), status);
            assert_eq!(serde_json::to_string(&status).unwrap(), json);
        }
        assert_eq!(
            ShipmentStatus::KNOWN_VALUES,
            ["SHIPPED", "PENDING_PAYMENT", "SHIPPING_SOON", "SHIPPED_PLANNED"]
        );
        assert_eq!(DeliveryStatus::KNOWN_VALUES.len(), 3);
        assert_eq!(ReceivingStatus::KNOWN_VALUES.len(), 4);
        assert_eq!(ChargeType::KNOWN_VALUES.len(), 5);
        let odd: ChargeType = serde_json::from_str("\"FEE\"").unwrap();
        assert_eq!(odd, ChargeType::Unknown("FEE".into()));
        assert_eq!(serde_json::to_string(&odd).unwrap(), "\"FEE\"");
    }

    #[test]
    fn operation_constants() {
        assert_eq!(GetOrderReports::ROLE, Role::AmazonBusinessAnalytics);
        assert_eq!(GetOrderLineItemReports::ROLE, Role::AmazonBusinessAnalytics);
        assert_eq!(GetOrderReportsByPurchaseOrderNumber::ROLE, Role::AmazonBusinessAnalytics);
        assert_eq!(GetShipmentReports::ROLE, Role::AmazonBusinessAnalytics);
        assert_eq!(GetShipmentLineItemReports::ROLE, Role::AmazonBusinessAnalytics);
        for plan in [
            GetOrderReports::USAGE_PLAN,
            GetOrderLineItemReports::USAGE_PLAN,
            GetOrderReportsByPurchaseOrderNumber::USAGE_PLAN,
            GetShipmentReports::USAGE_PLAN,
            GetShipmentLineItemReports::USAGE_PLAN,
        ] {
            assert_eq!(plan, Some(UsagePlan::new(0.5, 10)));
        }
        const { assert!(GetOrderReports::RETRY_SAFE) };
        const { assert!(GetOrderLineItemReports::RETRY_SAFE) };
        const { assert!(GetOrderReportsByPurchaseOrderNumber::RETRY_SAFE) };
        const { assert!(GetShipmentReports::RETRY_SAFE) };
        const { assert!(GetShipmentLineItemReports::RETRY_SAFE) };
    }

    #[test]
    fn decode_errors_name_the_path() {
        let bad =
            example_response("getShipmentReports-200-0").replace("\"2025-04-22T00:00:00Z\"", "\"soon\"");
        let op = GetShipmentReports::new(t("2025-04-01T00:00:00Z"), t("2025-04-30T00:00:00Z"));
        match op.parse(&response(&bad)).unwrap_err() {
            Error::Decode(d) => assert_eq!(d.path, "shipmentsReport[0].deliveryInfo.expectedDeliveryDate"),
            other => panic!("{other:?}"),
        }
    }
}
