//! Reporting API, legacy version `2021-01-08`: order history by order date or by order ID.
//!
//! Both operations need the *Amazon Business Analytics* role and share a default usage plan
//! of 0.5 requests per second with a burst of 10. The current Reporting version
//! (`2025-06-09`) lives beside this one; both stay callable.
//!
//! # Model definitions and their Rust types
//!
//! | Model definition | Rust type |
//! |---|---|
//! | `OrdersOutput` | [`OrdersOutput`] |
//! | `Order` | [`Order`] |
//! | `Order.orderStatus` (inline enum) | [`OrderStatus`] |
//! | `Order.businessOrderInfo` (string map) | `BTreeMap<String, String>` |
//! | `LineItem` | [`LineItem`] |
//! | `Seller` | [`Seller`] |
//! | `SellerAddress` | [`SellerAddress`] |
//! | `SellerCredentialDetails` | [`SellerCredentialDetails`] |
//! | `SellerCertifyingAgenciesDetails` | [`SellerCertifyingAgenciesDetails`] |
//! | `Shipment` | [`Shipment`] |
//! | `Shipment.shipmentStatus` (inline enum) | [`ShipmentStatus`] |
//! | `DeliveryInformation` | [`DeliveryInformation`] |
//! | `DeliveryInformation.deliveryStatus` (inline enum) | [`DeliveryStatus`] |
//! | `Address` | [`Address`] |
//! | `Charge` | [`Charge`] |
//! | `Customer` | [`Customer`] |
//! | `Money` | [`crate::types::Money`] (amounts travel as JSON strings here) |
//! | `ErrorList` | [`crate::error::ErrorList`] |
//! | `Error` | [`crate::error::ErrorEntry`] |
//!
//! # Nulls
//!
//! Optional fields read an explicit JSON `null` and an absent key alike as `None`, and write
//! `None` by leaving the key out. Amazon's recorded example sends `"addressLine2": null` in a
//! seller's address; re-serialising it drops that key.
//!
//! # Enums
//!
//! Enums keep an `Unknown(String)` variant holding any spelling the model does not list. The
//! sandbox answers `"CANCELLED"` and `"SHIPPED"` where the model lists `Cancelled` and
//! `Shipped`; those arrive as `Unknown` and are written back exactly as received.

use std::collections::BTreeMap;

use http::Method;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::error::Error;
use crate::operation::{Operation, Paginated, RequestContext, Role, UsagePlan};
use crate::types::{Amount, DateTime, Money};
use crate::wire::{parse_json, validate, RequestBuilder};

const BASE_PATH: &str = "/reports/2021-01-08/orders";
const ORDER_PATH: &str = "/reports/2021-01-08/orders/{orderId}";
const USAGE_PLAN: UsagePlan = UsagePlan::new(0.5, 10);

// ---------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------

/// One page of orders (model `OrdersOutput`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrdersOutput {
    /// The orders on this page.
    pub orders: Vec<Order>,
    /// Token for the following page; absent on the last page.
    pub next_page_token: Option<String>,
    /// How many orders this page holds.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub size: i64,
}

string_enum! {
    /// An order's status (`Order.orderStatus`).
    pub enum OrderStatus {
        /// Waiting for an approver.
        PendingApproval = "Pending Approval",
        /// Payment details collected.
        PaymentConfirmed = "Payment Confirmed",
        /// Due to be fulfilled.
        PendingFulfillment = "Pending Fulfillment",
        /// Still being processed.
        Pending = "Pending",
        /// Cancelled by the buyer or by Amazon.
        Cancelled = "Cancelled",
        /// Delivered and closed.
        Closed = "Closed",
    }
}

/// An order with its totals and, on request, its line items, shipments and charges
/// (model `Order`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// When the order was placed.
    pub order_date: DateTime,
    /// Amazon's order ID, e.g. `112-1248174-0174665`.
    pub order_id: String,
    /// The buyer's purchase order number.
    pub purchase_order_number: String,
    /// Number of items in the order.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub order_quantity: i64,
    /// Where the order stands.
    pub order_status: OrderStatus,
    /// Who approved the order last.
    pub last_order_approver_name: String,
    /// The person who placed the order.
    pub buying_customer: Customer,
    /// The buying group the order came from.
    pub buyer_group_name: String,
    /// Checkout fields such as GL code or cost centre, by name.
    pub business_order_info: BTreeMap<String, String>,
    /// Item prices only.
    pub order_sub_total: Money,
    /// Shipping and handling, before tax and discounts.
    pub order_shipping_and_handling: Money,
    /// Discounts and promotions.
    pub order_promotion: Money,
    /// Tax.
    pub order_tax: Money,
    /// What was charged in total.
    pub order_net_total: Money,
    /// The line items, when asked for with `includeLineItems`.
    pub line_items: Option<Vec<LineItem>>,
    /// The shipments, when asked for with `includeShipments`.
    pub shipments: Option<Vec<Shipment>>,
    /// The charges, when asked for with `includeCharges`.
    pub charges: Option<Vec<Charge>>,
}

/// A payment taken for an order (model `Charge`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Charge {
    /// When the payment was processed.
    pub transaction_date: DateTime,
    /// The transaction's reference.
    pub transaction_id: String,
    /// The amount charged or authorised.
    pub amount: Money,
    /// The kind of payment instrument (card, invoice, bank account…).
    pub payment_instrument_type: String,
    /// Last four digits of the card used.
    // Required in the model, but the model also says it is null for Pay by Invoice.
    pub payment_instrument_last4_digits: Option<String>,
}

/// A person involved in a purchase (model `Customer`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// Deprecated by Amazon; always an empty string (the sandbox sends a placeholder).
    pub id: String,
    /// The person's name.
    pub name: Option<String>,
    /// The person's email address.
    pub email: Option<String>,
}

/// One product line of an order (model `LineItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineItem {
    /// Amazon Business product category.
    pub product_category: String,
    /// The product's ASIN.
    pub asin: String,
    /// The product's title.
    pub title: String,
    /// UN Standard Products and Services Code.
    pub unspsc: String,
    /// Condition of the product bought (e.g. `New`).
    pub product_condition: String,
    /// Listed price of one unit.
    pub listed_price_per_unit: Money,
    /// Price paid for one unit.
    pub purchased_price_per_unit: Money,
    /// Number of units bought.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub item_quantity: i64,
    /// Item price before shipping, tax, promotions and discounts.
    pub item_sub_total: Money,
    /// Shipping and handling for the item, before tax and discounts.
    pub item_shipping_and_handling: Money,
    /// Discounts and promotions on the item, before tax.
    pub item_promotion: Money,
    /// Tax on the item.
    pub item_tax: Money,
    /// What was charged for the item in total.
    pub item_net_total: Money,
    /// Punchout purchase order line reference.
    pub purchase_order_line_item: String,
    /// Whether a tax exemption applied.
    pub tax_exemption_applied: bool,
    /// Which tax exemption applied.
    pub tax_exemption_type: String,
    /// Whether the buyer opted out of tax exemption.
    pub tax_exempt_opt_out: bool,
    /// Discount programme (negotiated pricing, quantity discounts).
    pub discount_program: String,
    /// Kind of discount.
    pub discount_type: String,
    /// Discount as money.
    pub discount_amount: Money,
    /// Discount as a ratio, e.g. `"0.1"`; kept exact and written back as a string.
    pub discount_ratio: Amount,
    /// The merchant that sold the item.
    pub seller: Seller,
    /// The seller's credentials (e.g. minority-owned business).
    pub seller_credentials: Vec<String>,
    /// The seller's certificates with issuer and expiry.
    pub seller_credential_details: Vec<SellerCredentialDetails>,
    /// Brand code from the seller.
    pub brand_code: String,
    /// Brand name from the seller.
    pub brand_name: String,
    /// Manufacturer name from the seller.
    pub manufacturer_name: String,
    /// References of the transactions that paid for the item.
    pub transaction_ids: Vec<String>,
    /// Carrier tracking numbers of the item's shipments.
    pub carrier_tracking_numbers: Vec<String>,
}

/// The merchant that sold a line item (model `Seller`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seller {
    /// The merchant's name.
    pub seller_name: String,
    /// The merchant's main address.
    pub seller_primary_address: Option<SellerAddress>,
    /// Deprecated by Amazon: use `seller_primary_address.city`.
    pub seller_city: Option<String>,
    /// Deprecated by Amazon: use `seller_primary_address.state`.
    pub seller_state: Option<String>,
    /// Deprecated by Amazon: use `seller_primary_address.postal_code`.
    pub seller_postal_code: Option<String>,
}

/// A seller's postal address (model `SellerAddress`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SellerAddress {
    /// First address line.
    pub address_line1: String,
    /// Second address line (suite, floor…).
    // Required in the model, but the sandbox example sends `null`.
    pub address_line2: Option<String>,
    /// City.
    pub city: String,
    /// State or province.
    pub state: String,
    /// Postal code.
    pub postal_code: String,
    /// Country code.
    pub country_code: String,
}

/// One of a seller's certificates (model `SellerCredentialDetails`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SellerCredentialDetails {
    /// The certificate's name.
    pub certificate_type: String,
    /// Who issued it and until when it holds.
    pub certifying_agencies_details: Option<Vec<SellerCertifyingAgenciesDetails>>,
}

/// An agency that issued a seller's certificate (model `SellerCertifyingAgenciesDetails`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SellerCertifyingAgenciesDetails {
    /// The issuing agency.
    pub certifying_agency_name: Option<String>,
    /// When the certificate expires.
    pub certificate_expiration_date: Option<DateTime>,
}

string_enum! {
    /// A shipment's status (`Shipment.shipmentStatus`).
    pub enum ShipmentStatus {
        /// The package left.
        Shipped = "Shipped",
    }
}

/// A shipment of an order (model `Shipment`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shipment {
    /// When it shipped.
    pub shipment_date: DateTime,
    /// Its status.
    pub shipment_status: ShipmentStatus,
    /// The carrier's tracking number.
    pub carrier_tracking: String,
    /// Delivery status and expected date.
    pub delivery_information: DeliveryInformation,
    /// Number of items in the shipment.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub shipment_quantity: i64,
    /// Item prices in the shipment, before shipping, tax and discounts.
    pub shipment_sub_total: Money,
    /// Shipping and handling for the shipment.
    pub shipment_shipping_and_handling: Money,
    /// Discounts on the shipment.
    pub shipment_promotion: Money,
    /// Tax on the shipment.
    pub shipment_tax: Money,
    /// What was charged for the shipment in total.
    pub shipment_net_total: Money,
    /// The carrier's name.
    pub carrier_name: String,
    /// Where it was sent.
    pub shipping_address: Option<Address>,
}

string_enum! {
    /// Whether a shipment arrived (`DeliveryInformation.deliveryStatus`).
    pub enum DeliveryStatus {
        /// Delivered.
        Delivered = "DELIVERED",
        /// Not delivered yet.
        NotDelivered = "NOT DELIVERED",
        /// No delivery information.
        NotAvailable = "NOT AVAILABLE",
    }
}

/// Delivery status and expected date of a shipment (model `DeliveryInformation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryInformation {
    /// When delivery is expected.
    pub expected_delivery_date: DateTime,
    /// Whether it was delivered.
    pub delivery_status: DeliveryStatus,
}

/// A shipping address (model `Address`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// First address line.
    pub address_line1: String,
    /// Second address line (suite, floor…).
    // Required in the model, but the identical `SellerAddress.addressLine2` comes as `null` in
    // the sandbox example; a missing second line must not fail a whole page of orders.
    pub address_line2: Option<String>,
    /// City.
    pub city: String,
    /// State or province.
    pub state: String,
    /// Postal code.
    pub postal_code: String,
    /// Country code.
    pub country_code: String,
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/// The optional `include*` switches both operations share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Includes {
    line_items: Option<bool>,
    shipments: Option<bool>,
    charges: Option<bool>,
}

impl Includes {
    fn apply(&self, b: RequestBuilder) -> RequestBuilder {
        b.query_opt("includeLineItems", self.line_items)
            .query_opt("includeShipments", self.shipments)
            .query_opt("includeCharges", self.charges)
    }
}

/// Lists the orders placed within a date range (`getOrdersByOrderDate`), 100 per page.
///
/// Line items, shipments and charges are left out unless asked for. The following pages are
/// fetched with [`Paginated::next_page`], which sends `nextPageToken` as the only parameter,
/// as the model requires; [`GetOrdersByOrderDate::resume`] continues from a saved token.
///
/// - Role: Amazon Business Analytics.
/// - Usage plan: 0.5 requests per second, burst 10.
/// - Sandbox: mocked by Amazon's static sandbox (a 2020-12-01 range, and a reversed range that
///   answers 400).
///
/// ```
/// use amazon_business_blocking::reporting_legacy::GetOrdersByOrderDate;
/// use amazon_business_blocking::operation::{Operation, RequestContext};
/// use amazon_business_blocking::{DateTime, Marketplace};
/// let op = GetOrdersByOrderDate::new(
///     DateTime::parse("2020-12-01T00:00:00Z")?,
///     DateTime::parse("2020-12-01T23:00:00Z")?,
/// )
/// .include_line_items(true);
/// let base = url::Url::parse("https://sandbox.na.business-api.amazon.com")?;
/// let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
/// let request = op.request(&cx)?;
/// assert_eq!(
///     request.uri().query(),
///     Some("startDate=2020-12-01T00%3A00%3A00Z&endDate=2020-12-01T23%3A00%3A00Z&includeLineItems=true")
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetOrdersByOrderDate {
    range: Option<(DateTime, DateTime)>,
    includes: Includes,
    next_page_token: Option<String>,
}

impl GetOrdersByOrderDate {
    /// Orders placed between `start_date` and `end_date`.
    pub fn new(start_date: impl Into<DateTime>, end_date: impl Into<DateTime>) -> Self {
        GetOrdersByOrderDate {
            range: Some((start_date.into(), end_date.into())),
            includes: Includes::default(),
            next_page_token: None,
        }
    }

    /// Continues a listing from a `nextPageToken` saved from an earlier page. Only the token is
    /// sent.
    pub fn resume(next_page_token: impl Into<String>) -> Self {
        GetOrdersByOrderDate {
            range: None,
            includes: Includes::default(),
            next_page_token: Some(next_page_token.into()),
        }
    }

    /// Asks for each order's line items (`includeLineItems`).
    pub fn include_line_items(mut self, include: bool) -> Self {
        self.includes.line_items = Some(include);
        self
    }

    /// Asks for each order's shipments (`includeShipments`).
    pub fn include_shipments(mut self, include: bool) -> Self {
        self.includes.shipments = Some(include);
        self
    }

    /// Asks for each order's charges (`includeCharges`).
    pub fn include_charges(mut self, include: bool) -> Self {
        self.includes.charges = Some(include);
        self
    }

    /// The page token this operation continues from, if it is not the first page.
    pub fn next_page_token(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }
}

impl Operation for GetOrdersByOrderDate {
    type Output = OrdersOutput;
    const ID: &'static str = "getOrdersByOrderDate";
    const ROLE: Role = Role::AmazonBusinessAnalytics;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let b = RequestBuilder::new(Self::ID, Method::GET, cx, BASE_PATH);
        match (&self.next_page_token, &self.range) {
            // The model: when continuing, the token is the only parameter.
            (Some(token), _) => {
                b.check(validate::non_empty(Self::ID, "nextPageToken", token)).query("nextPageToken", token)
            }
            (None, Some((start, end))) => {
                self.includes.apply(b.query("startDate", start).query("endDate", end))
            }
            (None, None) => b.check(Err(crate::error::ValidationError::new(
                Self::ID,
                "startDate",
                "is required (or continue with a nextPageToken)",
            ))),
        }
        .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<OrdersOutput, Error> {
        parse_json(Self::ID, response.body())
    }
}

impl Paginated for GetOrdersByOrderDate {
    fn next_page(&self, output: &OrdersOutput) -> Option<Self> {
        let token = output.next_page_token.as_deref().filter(|t| !t.is_empty())?;
        Some(GetOrdersByOrderDate { next_page_token: Some(token.to_owned()), ..self.clone() })
    }
}

/// Fetches one order by its ID (`getOrdersByOrderId`).
///
/// Line items, shipments and charges are left out unless asked for.
///
/// - Role: Amazon Business Analytics.
/// - Usage plan: 0.5 requests per second, burst 10.
/// - Sandbox: mocked by Amazon's static sandbox (order `114-7470804-5505847`).
///
/// ```
/// use amazon_business_blocking::reporting_legacy::GetOrdersByOrderId;
/// let op = GetOrdersByOrderId::new("114-7470804-5505847")
///     .include_shipments(true)
///     .include_charges(true);
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetOrdersByOrderId {
    order_id: String,
    includes: Includes,
}

impl GetOrdersByOrderId {
    /// The order with Amazon order ID `order_id`.
    pub fn new(order_id: impl Into<String>) -> Self {
        GetOrdersByOrderId { order_id: order_id.into(), includes: Includes::default() }
    }

    /// Asks for the order's line items (`includeLineItems`).
    pub fn include_line_items(mut self, include: bool) -> Self {
        self.includes.line_items = Some(include);
        self
    }

    /// Asks for the order's shipments (`includeShipments`).
    pub fn include_shipments(mut self, include: bool) -> Self {
        self.includes.shipments = Some(include);
        self
    }

    /// Asks for the order's charges (`includeCharges`).
    pub fn include_charges(mut self, include: bool) -> Self {
        self.includes.charges = Some(include);
        self
    }
}

impl Operation for GetOrdersByOrderId {
    type Output = OrdersOutput;
    const ID: &'static str = "getOrdersByOrderId";
    const ROLE: Role = Role::AmazonBusinessAnalytics;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let b = RequestBuilder::new(Self::ID, Method::GET, cx, ORDER_PATH)
            .check(validate::non_empty(Self::ID, "orderId", &self.order_id))
            .path_param("orderId", self.order_id.as_str());
        self.includes.apply(b).build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<OrdersOutput, Error> {
        parse_json(Self::ID, response.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apis::test_support::{assert_round_trip, dec, example, example_response, SANDBOX};
    use crate::error::ErrorList;
    use crate::place::Marketplace;
    use crate::types::AmountForm;
    use url::Url;

    fn uri<O: Operation>(op: &O) -> Result<String, Box<Error>> {
        let base = Url::parse(SANDBOX).unwrap();
        let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
        op.request(&cx).map_err(Box::new).map(|r| {
            assert_eq!(r.method(), Method::GET);
            assert!(r.body().is_empty());
            r.uri().to_string()
        })
    }

    fn response(body: &str) -> http::Response<Vec<u8>> {
        http::Response::builder().status(200).body(body.as_bytes().to_vec()).unwrap()
    }

    fn validation_field(err: &Error) -> String {
        match err {
            Error::Validation(v) => v.field.clone(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    fn check_orders_example(out: &OrdersOutput) {
        assert_eq!(out.size, 1);
        assert_eq!(out.next_page_token.as_deref(), Some("[nextPageToken]"));
        let order = &out.orders[0];
        assert_eq!(order.order_id, "112-1248174-0174665");
        assert_eq!(order.order_date, DateTime::parse("2020-12-01T01:55:00Z").unwrap());
        assert_eq!(order.order_status, OrderStatus::Unknown("CANCELLED".into()));
        assert_eq!(order.order_net_total.currency_code, "USD");
        assert_eq!(order.order_net_total.amount.value(), dec("0"));
        assert_eq!(order.order_net_total.amount.form(), AmountForm::String);
        assert_eq!(order.business_order_info["costCenter"], "[costCenter]");
        assert_eq!(order.buying_customer.email.as_deref(), Some("[buyingCustomer@example.com]"));
        let item = &order.line_items.as_ref().unwrap()[0];
        assert_eq!(item.item_quantity, 3);
        assert_eq!(item.discount_ratio.value(), dec("0.1"));
        assert_eq!(item.discount_ratio.form(), AmountForm::String);
        assert!(item.tax_exemption_applied);
        let address = item.seller.seller_primary_address.as_ref().unwrap();
        assert_eq!(address.address_line1, "11501 Alterra Pkwy, Austin, TX 78758");
        assert_eq!(address.address_line2, None);
        let agency = &item.seller_credential_details[0].certifying_agencies_details.as_ref().unwrap()[0];
        assert_eq!(
            agency.certificate_expiration_date,
            Some(DateTime::parse("2025-12-15T15:14:02Z").unwrap())
        );
        let shipment = &order.shipments.as_ref().unwrap()[0];
        assert_eq!(shipment.shipment_status, ShipmentStatus::Unknown("SHIPPED".into()));
        assert_eq!(shipment.delivery_information.delivery_status, DeliveryStatus::Delivered);
        assert_eq!(
            shipment.shipping_address.as_ref().unwrap().address_line2.as_deref(),
            Some("[addressLine2]")
        );
        let charge = &order.charges.as_ref().unwrap()[0];
        assert_eq!(charge.amount.amount.value(), dec("0"));
        assert_eq!(charge.transaction_date, DateTime::parse("2020-12-15T15:14:02Z").unwrap());
        assert_eq!(charge.payment_instrument_last4_digits.as_deref(), Some("[paymentInstrumentLast4Digits]"));
    }

    #[test]
    fn by_order_date_sandbox_200() {
        let op = GetOrdersByOrderDate::new(
            DateTime::parse("2020-12-01T00:00:00").unwrap(),
            DateTime::parse("2020-12-01T23:00:00").unwrap(),
        );
        assert_eq!(
            uri(&op).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-01-08/orders?startDate=2020-12-01T00%3A00%3A00Z&endDate=2020-12-01T23%3A00%3A00Z"
        );
        let out = op.parse(&response(&example_response("getOrdersByOrderDate-200-0"))).unwrap();
        check_orders_example(&out);
        assert_round_trip(&out, &example_response("getOrdersByOrderDate-200-0"));
    }

    #[test]
    fn by_order_date_sandbox_400_is_built_and_error_parses() {
        // A reversed range: nothing in the model forbids it, so it is built and Amazon refuses it.
        let op = GetOrdersByOrderDate::new(
            DateTime::parse("2020-12-01T00:00:00").unwrap(),
            DateTime::parse("2020-08-01T00:00:00").unwrap(),
        );
        assert_eq!(
            uri(&op).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-01-08/orders?startDate=2020-12-01T00%3A00%3A00Z&endDate=2020-08-01T00%3A00%3A00Z"
        );
        assert_eq!(example("getOrdersByOrderDate-400-0")["status"], 400);
        let example = example_response("getOrdersByOrderDate-400-0");
        let errors: ErrorList = parse_json("getOrdersByOrderDate", example.as_bytes()).unwrap();
        assert_eq!(errors.errors[0].code, "INVALID_REQUEST_PARAMETER");
        assert_round_trip(&errors, &example);
    }

    #[test]
    fn by_order_id_sandbox_200() {
        let op = GetOrdersByOrderId::new("114-7470804-5505847");
        assert_eq!(
            uri(&op).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-01-08/orders/114-7470804-5505847"
        );
        let out = op.parse(&response(&example_response("getOrdersByOrderId-200-0"))).unwrap();
        check_orders_example(&out);
        assert_round_trip(&out, &example_response("getOrdersByOrderId-200-0"));
    }

    #[test]
    fn by_order_id_sandbox_400_is_refused_client_side() {
        // The example sends no orderId at all; the typed API cannot build that request.
        let err = uri(&GetOrdersByOrderId::new("")).unwrap_err();
        assert!(err.to_string().contains("orderId"), "{err}");
        assert_eq!(validation_field(&err), "orderId");
        let err = uri(&GetOrdersByOrderId::new("  ")).unwrap_err();
        assert_eq!(validation_field(&err), "orderId");
        assert_eq!(example("getOrdersByOrderId-400-0")["status"], 400);
        let example = example_response("getOrdersByOrderId-400-0");
        let errors: ErrorList = parse_json("getOrdersByOrderId", example.as_bytes()).unwrap();
        assert_round_trip(&errors, &example);
    }

    #[test]
    fn include_switches_are_sent_only_when_set() {
        let op = GetOrdersByOrderId::new("112-1 2")
            .include_line_items(true)
            .include_shipments(false)
            .include_charges(true);
        assert_eq!(
            uri(&op).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-01-08/orders/112-1%202?includeLineItems=true&includeShipments=false&includeCharges=true"
        );
        let t = DateTime::parse("2020-12-01T00:00:00+02:00").unwrap();
        let op = GetOrdersByOrderDate::new(t, t).include_charges(false);
        assert_eq!(
            uri(&op).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-01-08/orders?startDate=2020-11-30T22%3A00%3A00Z&endDate=2020-11-30T22%3A00%3A00Z&includeCharges=false"
        );
    }

    #[test]
    fn next_page_sends_only_the_token() {
        let t = DateTime::parse("2020-12-01T00:00:00Z").unwrap();
        let op = GetOrdersByOrderDate::new(t, t).include_line_items(true).include_shipments(true);
        let mut out = op.parse(&response(&example_response("getOrdersByOrderDate-200-0"))).unwrap();
        out.next_page_token = Some("a+b/c=".into());
        let next = op.next_page(&out).expect("a token means another page");
        assert_eq!(next.next_page_token(), Some("a+b/c="));
        assert_eq!(
            uri(&next).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-01-08/orders?nextPageToken=a%2Bb%2Fc%3D"
        );
        assert_eq!(uri(&GetOrdersByOrderDate::resume("a+b/c=")).unwrap(), uri(&next).unwrap());

        out.next_page_token = None;
        assert!(op.next_page(&out).is_none());
        out.next_page_token = Some(String::new());
        assert!(op.next_page(&out).is_none());
    }

    #[test]
    fn an_empty_resume_token_is_refused() {
        let err = uri(&GetOrdersByOrderDate::resume("")).unwrap_err();
        assert_eq!(validation_field(&err), "nextPageToken");
    }

    #[test]
    fn enums_keep_unknown_values_and_exact_spellings() {
        for (text, status) in [
            ("Pending Approval", OrderStatus::PendingApproval),
            ("Payment Confirmed", OrderStatus::PaymentConfirmed),
            ("Pending Fulfillment", OrderStatus::PendingFulfillment),
            ("Pending", OrderStatus::Pending),
            ("Cancelled", OrderStatus::Cancelled),
            ("Closed", OrderStatus::Closed),
        ] {
            let json = format!("\"{text}\"");
            assert_eq!(serde_json::from_str::<OrderStatus>(&json).unwrap(), status);
            assert_eq!(serde_json::to_string(&status).unwrap(), json);
        }
        assert_eq!(OrderStatus::KNOWN_VALUES.len(), 6);
        let odd: DeliveryStatus = serde_json::from_str("\"LOST\"").unwrap();
        assert!(!odd.is_known());
        assert_eq!(serde_json::to_string(&odd).unwrap(), "\"LOST\"");
        assert_eq!(serde_json::to_string(&DeliveryStatus::NotDelivered).unwrap(), "\"NOT DELIVERED\"");
        assert!(serde_json::from_str::<ShipmentStatus>("3").is_err());
    }

    #[test]
    fn operation_constants() {
        assert_eq!(GetOrdersByOrderDate::ROLE, Role::AmazonBusinessAnalytics);
        assert_eq!(GetOrdersByOrderId::ROLE, Role::AmazonBusinessAnalytics);
        assert_eq!(GetOrdersByOrderDate::USAGE_PLAN, Some(UsagePlan::new(0.5, 10)));
        assert_eq!(GetOrdersByOrderId::USAGE_PLAN, Some(UsagePlan::new(0.5, 10)));
        const { assert!(GetOrdersByOrderDate::RETRY_SAFE) };
        const { assert!(GetOrdersByOrderId::RETRY_SAFE) };
    }

    #[test]
    fn decode_errors_name_the_path() {
        let mut bad = example("getOrdersByOrderId-200-0")["response"].clone();
        let date = &mut bad["orders"][0]["charges"][0]["transactionDate"];
        assert!(date.is_string(), "the example's first charge has a transaction date");
        *date = serde_json::Value::String("soon".into());
        let bad = bad.to_string();
        let err = GetOrdersByOrderId::new("x").parse(&response(&bad)).unwrap_err();
        match err {
            Error::Decode(d) => assert_eq!(d.path, "orders[0].charges[0].transactionDate"),
            other => panic!("{other:?}"),
        }
    }
}
