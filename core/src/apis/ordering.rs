//! Ordering API, version `2022-10-30`: place an Amazon Business order ([`PlaceOrder`]) and read
//! the outcome of an order placed earlier, by the caller's own order ID ([`OrderDetails`]).
//!
//! Both operations need the *Amazon Business Order Placement* role and share a default usage
//! plan of 0.5 requests per second with a burst of 10. Amazon's static sandbox mocks neither.
//!
//! # Placing an order safely
//!
//! [`PlaceOrder`] is not retry-safe: sending it twice could buy twice. Every order carries a
//! caller-chosen `externalId` ([`PlaceOrder::external_id`]); when the outcome of a placement is
//! unknown (a timeout, a reset connection, a 5xx), ask [`OrderDetails`] for that ID
//! ([`PlaceOrder::order_details`]) before doing anything else.
//!
//! # Polymorphic shapes
//!
//! The model describes an order as lists of *attributes* and *expectations*, and its result as
//! lists of *artifacts*, each a discriminated union: a JSON object whose type field (such as
//! `attributeType`) names the subtype. Each union is a Rust enum with one variant per subtype
//! the model defines, plus `Unknown(serde_json::Value)` that keeps any other subtype as the raw
//! JSON object (type field included), so it decodes, and is written back, unchanged.
//!
//! Five unions — [`ProductReference`], [`BuyingOptionReference`], [`PaymentMethodReference`],
//! [`GroupReference`], [`UserReference`] — have no subtypes in the model at all, so their only
//! variant is `Unknown`. Their constructors ([`ProductReference::asin`],
//! [`BuyingOptionReference::offer_id`], [`PaymentMethodReference::stored_payment_method`],
//! [`GroupReference::identity`], [`UserReference::email`]) build the JSON shapes shown in
//! Amazon's placeOrder documentation, which the model leaves out.
//!
//! # Model definitions and their Rust types
//!
//! | Model definition | Rust type |
//! |---|---|
//! | `PlaceOrderRequest` | [`PlaceOrderRequest`] |
//! | `RequestLineItem` | [`RequestLineItem`] |
//! | `Attribute` | [`Attribute`] (union on `attributeType`) |
//! | `Expectation` | [`Expectation`] (union on `expectationType`) |
//! | `PlaceOrderResult` | [`PlaceOrderResult`] (= [`OrderResult`]) |
//! | `OrderDetailsResult` | [`OrderDetailsResult`] (= [`OrderResult`]) |
//! | `OrderResult` | [`OrderResult`] |
//! | `ResultLineItem` | [`ResultLineItem`] |
//! | `AcceptedItem` | [`AcceptedItem`] (union on `acceptedItemType`) |
//! | `SingleAcceptedItem` | [`SingleAcceptedItem`] |
//! | `AcceptedItemGroup` | [`AcceptedItemGroup`] |
//! | `RejectedItem` | [`RejectedItem`] |
//! | `AcceptanceArtifact` | [`AcceptanceArtifact`] (union on `acceptanceArtifactType`) |
//! | `RejectionArtifact` | [`RejectionArtifact`] (union on `rejectionArtifactType`) |
//! | `ErrorList` | [`crate::error::ErrorList`] |
//! | `Error` | [`crate::error::ErrorEntry`] |
//! | `Region` | [`RegionAttribute`] (its `region` is [`crate::place::Country`]) |
//! | `DeliveryPreference` | [`DeliveryPreference`] |
//! | `DeliveryPreference.shipPreference` (inline enum) | [`ShipPreference`] |
//! | `SelectedProductReference` | [`SelectedProductReference`] |
//! | `SelectedBuyingOptionReference` | [`SelectedBuyingOptionReference`] |
//! | `ShippingAddress` | [`ShippingAddress`] |
//! | `BillingAddress` | [`BillingAddress`] |
//! | `SelectedPaymentMethodReference` | [`SelectedPaymentMethodReference`] |
//! | `BuyingGroupReference` | [`BuyingGroupReference`] |
//! | `BuyerReference` | [`BuyerReference`] |
//! | `PurchaseOrderNumber` | [`PurchaseOrderNumber`] |
//! | `BlanketPurchaseOrderNumber` | [`BlanketPurchaseOrderNumber`] |
//! | `TrialMode` | [`TrialMode`] |
//! | `ExpectedUnitPrice` | [`ExpectedUnitPrice`] |
//! | `ExpectedCharge` | [`ExpectedCharge`] |
//! | `OrderIdentifier` | [`OrderIdentifier`] |
//! | `DeliveryTimeRange` | [`DeliveryTimeRange`] |
//! | `UnitPrice` | [`UnitPrice`] |
//! | `Charge` | [`Charge`] |
//! | `Charge.category` (inline enum) | [`ChargeCategory`] |
//! | `Charge.type` (inline enum) | [`ChargeType`] |
//! | `PriceSuppressionDirective` | [`PriceSuppressionDirective`] |
//! | `UnavailableQuantity` | [`UnavailableQuantity`] |
//! | `AvailableQuantity` | [`AvailableQuantity`] |
//! | `RejectionMessage` | [`RejectionMessage`] |
//! | `RejectionCode` | [`RejectionCode`] |
//! | `AgeRestriction` | [`AgeRestriction`] |
//! | `DeliveryTimeRangeIncongruity` | [`DeliveryTimeRangeIncongruity`] |
//! | `BrokenUnitPriceExpectation` | [`BrokenUnitPriceExpectation`] |
//! | `BrokenChargeExpectation` | [`BrokenChargeExpectation`] |
//! | `ChargeSource` | [`ChargeSource`] |
//! | `Signed` | [`Signed`] |
//! | `Shipment` | [`Shipment`] |
//! | `Package` | [`Package`] |
//! | `ShipmentGroup` | [`ShipmentGroup`] |
//! | `PackageReference` | [`PackageReference`] (union on `packageReferenceType`) |
//! | `CarrierTrackingNumber` | [`CarrierTrackingNumber`] |
//! | `PackageAttribute` | [`PackageAttribute`] (union on `packageAttributeType`) |
//! | `PackageTrackingAttribute` | [`PackageTrackingAttribute`] |
//! | `PackageTrackingAttribute.deliveryDateRange` (inline object) | [`DeliveryDateRange`] |
//! | `ProductReference` | [`ProductReference`] (union on `productReferenceType`) |
//! | `BuyingOptionReference` | [`BuyingOptionReference`] (union on `buyingOptionReferenceType`) |
//! | `Address` | [`Address`] (union on `addressType`) |
//! | `PaymentMethodReference` | [`PaymentMethodReference`] (union on `paymentMethodReferenceType`) |
//! | `GroupReference` | [`GroupReference`] (union on `groupReferenceType`) |
//! | `UserReference` | [`UserReference`] (union on `userReferenceType`) |
//! | `Money` | [`crate::types::Money`] (amounts travel as JSON numbers here) |
//! | `DateTime` | [`crate::apis::common::DateTimeValue`] (shared by Cart, Ordering and Reporting) |
//! | `Accounting` | [`Accounting`] |
//! | `Segment` | [`Segment`] |
//! | `Charge_2` | [`DistributionCharge`] |
//! | `ExternalAddress` | [`ExternalAddress`] |
//! | `Auxiliary` | [`Auxiliary`] |
//! | `AuxiliaryValues` | [`AuxiliaryValues`] (`BTreeMap<String, AuxiliaryValue>`) |
//! | `AuxiliaryValue` | [`AuxiliaryValue`] |
//! | `Distribution` | [`Distribution`] |
//! | `PhysicalAddress` | [`crate::apis::common::PhysicalAddress`] (shared with Cart and Ordering) |
//!
//! # Where the model is loose
//!
//! - `Auxiliary` declares a property `values` but lists `auxiliaryValues` as required; the
//!   property it declares is the one modelled ([`Auxiliary::values`]), optional.
//! - Integers without a format (quantities) are `i64`; `AgeRestriction.minimumAge` is a number,
//!   so an exact [`Amount`].
//!
//! Optional fields read an explicit JSON `null` and an absent key alike as `None`, and write
//! `None` by leaving the key out.

use std::collections::BTreeMap;

use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::skip_serializing_none;

use crate::error::{ApiError, Error, ValidationError};
use crate::operation::{Operation, Probed, RequestContext, Role, UsagePlan};
use crate::place::Country;
use crate::types::{Amount, Money};
use crate::wire::{parse_json, validate, RequestBuilder};

const ORDERS_PATH: &str = "/ordering/2022-10-30/orders";
const ORDER_PATH: &str = "/ordering/2022-10-30/orders/{externalId}";
const USAGE_PLAN: UsagePlan = UsagePlan::new(0.5, 10);

// ---------------------------------------------------------------------------------------------
// Discriminated unions
// ---------------------------------------------------------------------------------------------

/// A raw union value: `{tag: type_name, ..fields}`.
fn raw_value(tag: &str, type_name: &str, fields: &[(&str, &str)]) -> Value {
    let mut map = Map::new();
    map.insert(tag.to_owned(), Value::String(type_name.to_owned()));
    for (k, v) in fields {
        map.insert((*k).to_owned(), Value::String((*v).to_owned()));
    }
    Value::Object(map)
}

discriminated_union! {
    /// An aspect of the order the buyer decides (model `Attribute`), at order level
    /// ([`PlaceOrderRequest::attributes`]) or line-item level ([`RequestLineItem::attributes`]).
    pub enum Attribute tagged "attributeType" {
        /// The country whose marketplace the order is placed in.
        Region(RegionAttribute) = "Region",
        /// How fast or consolidated shipping should be.
        DeliveryPreference(DeliveryPreference) = "DeliveryPreference",
        /// The product to buy.
        SelectedProductReference(SelectedProductReference) = "SelectedProductReference",
        /// The offer (buying option) to buy it from.
        SelectedBuyingOptionReference(SelectedBuyingOptionReference) = "SelectedBuyingOptionReference",
        /// Where to deliver.
        ShippingAddress(ShippingAddress) = "ShippingAddress",
        /// Where to bill.
        BillingAddress(BillingAddress) = "BillingAddress",
        /// How to pay (order level only).
        SelectedPaymentMethodReference(SelectedPaymentMethodReference) = "SelectedPaymentMethodReference",
        /// The buying group that places the order (order level only).
        BuyingGroupReference(BuyingGroupReference) = "BuyingGroupReference",
        /// The buyer who places the order (order level only).
        BuyerReference(BuyerReference) = "BuyerReference",
        /// The buyer's purchase order number.
        PurchaseOrderNumber(PurchaseOrderNumber) = "PurchaseOrderNumber",
        /// A purchase order number of a blanket purchase order.
        BlanketPurchaseOrderNumber(BlanketPurchaseOrderNumber) = "BlanketPurchaseOrderNumber",
        /// Run every step but create no order (order level only).
        TrialMode(TrialMode) = "TrialMode",
        /// Leave prices off packing slips (order level only).
        PriceSuppressionDirective(PriceSuppressionDirective) = "PriceSuppressionDirective",
        /// Free-form values for the buyer's own processing.
        Auxiliary(Auxiliary) = "Auxiliary",
        /// A share of the cost charged to an accounting entity.
        Distribution(Distribution) = "Distribution",
    }
}

discriminated_union! {
    /// A condition the order must meet that the buyer does not control (model `Expectation`).
    pub enum Expectation tagged "expectationType" {
        /// The most the buyer accepts to pay per unit.
        ExpectedUnitPrice(ExpectedUnitPrice) = "ExpectedUnitPrice",
        /// The most the buyer accepts to pay for some charges.
        ExpectedCharge(ExpectedCharge) = "ExpectedCharge",
    }
}

discriminated_union! {
    /// A part of a line item that was ordered (model `AcceptedItem`).
    pub enum AcceptedItem tagged "acceptedItemType" {
        /// An ordinary item.
        SingleAcceptedItem(SingleAcceptedItem) = "SingleAcceptedItem",
        /// Items sold together as one unit.
        AcceptedItemGroup(AcceptedItemGroup) = "AcceptedItemGroup",
    }
}

discriminated_union! {
    /// A fact about what was ordered (model `AcceptanceArtifact`).
    pub enum AcceptanceArtifact tagged "acceptanceArtifactType" {
        /// An Amazon order ID.
        OrderIdentifier(OrderIdentifier) = "OrderIdentifier",
        /// When delivery is expected.
        DeliveryTimeRange(DeliveryTimeRange) = "DeliveryTimeRange",
        /// The price per unit.
        UnitPrice(UnitPrice) = "UnitPrice",
        /// One charge of the order.
        Charge(Charge) = "Charge",
        /// Every accepted item was placed as an order.
        Signed(Signed) = "Signed",
        /// A shipment and its packages.
        Shipment(Shipment) = "Shipment",
        /// A shipment group and its packages.
        ShipmentGroup(ShipmentGroup) = "ShipmentGroup",
    }
}

discriminated_union! {
    /// Why part of a line item was not ordered (model `RejectionArtifact`).
    pub enum RejectionArtifact tagged "rejectionArtifactType" {
        /// How many units could not be ordered.
        UnavailableQuantity(UnavailableQuantity) = "UnavailableQuantity",
        /// How many units could have been ordered.
        AvailableQuantity(AvailableQuantity) = "AvailableQuantity",
        /// A human readable reason.
        RejectionMessage(RejectionMessage) = "RejectionMessage",
        /// A machine readable reason.
        RejectionCode(RejectionCode) = "RejectionCode",
        /// The buyer is below the item's minimum age.
        AgeRestriction(AgeRestriction) = "AgeRestriction",
        /// Delivery would come later than the buyer accepts.
        DeliveryTimeRangeIncongruity(DeliveryTimeRangeIncongruity) = "DeliveryTimeRangeIncongruity",
        /// The unit price is above the buyer's expectation.
        BrokenUnitPriceExpectation(BrokenUnitPriceExpectation) = "BrokenUnitPriceExpectation",
        /// Charges are above the buyer's expectation.
        BrokenChargeExpectation(BrokenChargeExpectation) = "BrokenChargeExpectation",
    }
}

discriminated_union! {
    /// A way to identify a package (model `PackageReference`).
    pub enum PackageReference tagged "packageReferenceType" {
        /// The carrier's tracking number.
        CarrierTrackingNumber(CarrierTrackingNumber) = "CarrierTrackingNumber",
    }
}

discriminated_union! {
    /// A fact about a package (model `PackageAttribute`).
    pub enum PackageAttribute tagged "packageAttributeType" {
        /// Carrier and delivery window.
        PackageTrackingAttribute(PackageTrackingAttribute) = "PackageTrackingAttribute",
    }
}

discriminated_union! {
    /// An address (model `Address`).
    // Addresses are few per order; keeping `PhysicalAddress` unboxed keeps them easy to build
    // and match.
    #[allow(clippy::large_enum_variant)]
    pub enum Address tagged "addressType" {
        /// A detailed address under the buyer's own address ID.
        ExternalAddress(ExternalAddress) = "ExternalAddress",
        /// A detailed postal address.
        PhysicalAddress(PhysicalAddress) = "PhysicalAddress",
    }
}

discriminated_union! {
    /// Identifies the product to order (model `ProductReference`). The model defines no
    /// subtype; build the documented one with [`ProductReference::asin`].
    pub enum ProductReference tagged "productReferenceType" {}
}

discriminated_union! {
    /// Identifies the offer to buy from (model `BuyingOptionReference`). The model defines no
    /// subtype; build the documented one with [`BuyingOptionReference::offer_id`].
    pub enum BuyingOptionReference tagged "buyingOptionReferenceType" {}
}

discriminated_union! {
    /// Identifies the payment method (model `PaymentMethodReference`). The model defines no
    /// subtype; see [`PaymentMethodReference::stored_payment_method`].
    pub enum PaymentMethodReference tagged "paymentMethodReferenceType" {}
}

discriminated_union! {
    /// Identifies a buying group (model `GroupReference`). The model defines no subtype; see
    /// [`GroupReference::identity`].
    pub enum GroupReference tagged "groupReferenceType" {}
}

discriminated_union! {
    /// Identifies a user (model `UserReference`). The model defines no subtype; see
    /// [`UserReference::email`].
    pub enum UserReference tagged "userReferenceType" {}
}

impl ProductReference {
    /// A product by its ASIN: `{"productReferenceType": "ProductIdentifier", "id": asin}`, the
    /// shape Amazon's placeOrder documentation shows.
    pub fn asin(asin: impl Into<String>) -> Self {
        ProductReference::Unknown(raw_value(
            Self::DISCRIMINATOR,
            "ProductIdentifier",
            &[("id", &asin.into())],
        ))
    }
}

impl BuyingOptionReference {
    /// An offer by its offer ID (from Product Search):
    /// `{"buyingOptionReferenceType": "BuyingOptionIdentifier", "id": offer_id}`, the shape
    /// Amazon's placeOrder documentation shows.
    pub fn offer_id(offer_id: impl Into<String>) -> Self {
        BuyingOptionReference::Unknown(raw_value(
            Self::DISCRIMINATOR,
            "BuyingOptionIdentifier",
            &[("id", &offer_id.into())],
        ))
    }
}

impl PaymentMethodReference {
    /// The payment method stored on the buyer's account:
    /// `{"paymentMethodReferenceType": "StoredPaymentMethod"}`.
    pub fn stored_payment_method() -> Self {
        PaymentMethodReference::Unknown(raw_value(Self::DISCRIMINATOR, "StoredPaymentMethod", &[]))
    }
}

impl GroupReference {
    /// A buying group by its identifier:
    /// `{"groupReferenceType": "GroupIdentity", "identifier": identifier}`.
    pub fn identity(identifier: impl Into<String>) -> Self {
        GroupReference::Unknown(raw_value(
            Self::DISCRIMINATOR,
            "GroupIdentity",
            &[("identifier", &identifier.into())],
        ))
    }
}

impl UserReference {
    /// A user by email: `{"userReferenceType": "UserEmail", "emailAddress": email}`.
    pub fn email(email: impl Into<String>) -> Self {
        UserReference::Unknown(raw_value(
            Self::DISCRIMINATOR,
            "UserEmail",
            &[("emailAddress", &email.into())],
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Models: the request
// ---------------------------------------------------------------------------------------------

/// The body of [`PlaceOrder`] (model `PlaceOrderRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaceOrderRequest {
    /// The caller's unique ID for this order (1 to 255 characters); [`OrderDetails`] takes it.
    pub external_id: String,
    /// What to buy (1 to 50 line items).
    pub line_items: Vec<RequestLineItem>,
    /// Order-level attributes (may be empty).
    pub attributes: Vec<Attribute>,
    /// Order-level expectations (may be empty).
    pub expectations: Vec<Expectation>,
}

/// One line of an order (model `RequestLineItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestLineItem {
    /// The caller's ID for this line, unique in the order (1 to 127 characters).
    pub external_id: String,
    /// How many units (at least 1).
    pub quantity: i64,
    /// Line-level attributes, such as the product and offer.
    pub attributes: Vec<Attribute>,
    /// Line-level expectations, such as the highest acceptable unit price.
    pub expectations: Vec<Expectation>,
}

impl RequestLineItem {
    /// A line of `quantity` units with no attributes or expectations yet.
    pub fn new(external_id: impl Into<String>, quantity: i64) -> Self {
        RequestLineItem {
            external_id: external_id.into(),
            quantity,
            attributes: vec![],
            expectations: vec![],
        }
    }

    /// The common line: `quantity` units of the product `asin` from the offer `offer_id`.
    pub fn offer(
        external_id: impl Into<String>,
        asin: impl Into<String>,
        offer_id: impl Into<String>,
        quantity: i64,
    ) -> Self {
        RequestLineItem::new(external_id, quantity)
            .attribute(SelectedProductReference { product_reference: ProductReference::asin(asin) })
            .attribute(SelectedBuyingOptionReference {
                buying_option_reference: BuyingOptionReference::offer_id(offer_id),
            })
    }

    /// Adds a line-level attribute.
    pub fn attribute(mut self, attribute: impl Into<Attribute>) -> Self {
        self.attributes.push(attribute.into());
        self
    }

    /// Adds a line-level expectation.
    pub fn expectation(mut self, expectation: impl Into<Expectation>) -> Self {
        self.expectations.push(expectation.into());
        self
    }

    /// Refuses the line if any unit costs more than `amount`.
    pub fn expected_unit_price(self, amount: Money) -> Self {
        self.expectation(ExpectedUnitPrice { amount })
    }
}

/// The marketplace country of the order (model `Region`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionAttribute {
    /// The country (`UK` on the wire for the United Kingdom).
    pub region: Country,
}

string_enum! {
    /// A shipping speed preference (`DeliveryPreference.shipPreference`).
    pub enum ShipPreference {
        /// The fastest free option.
        FastFree = "FAST_FREE",
        /// As few shipments as possible.
        Consolidated = "CONSOLIDATED",
        /// Paid expedited shipping.
        ExpeditedPaid = "EXPEDITED_PAID",
    }
}

/// How to ship (model `DeliveryPreference`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryPreference {
    /// The preferred shipping speed.
    pub ship_preference: ShipPreference,
}

/// The product to order (model `SelectedProductReference`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectedProductReference {
    /// Which product.
    pub product_reference: ProductReference,
}

/// The offer to buy from (model `SelectedBuyingOptionReference`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectedBuyingOptionReference {
    /// Which offer.
    pub buying_option_reference: BuyingOptionReference,
}

/// The delivery address (model `ShippingAddress`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingAddress {
    /// The address.
    pub address: Address,
}

/// The billing address (model `BillingAddress`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingAddress {
    /// The address.
    pub address: Address,
}

/// The payment method to charge (model `SelectedPaymentMethodReference`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectedPaymentMethodReference {
    /// Which payment method.
    pub payment_method_reference: PaymentMethodReference,
}

/// The buying group placing the order (model `BuyingGroupReference`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyingGroupReference {
    /// Which group.
    pub group_reference: GroupReference,
}

/// The buyer placing the order (model `BuyerReference`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyerReference {
    /// Which user.
    pub user_reference: UserReference,
}

/// The buyer's purchase order number (model `PurchaseOrderNumber`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseOrderNumber {
    /// The number (1 to 255 characters).
    pub purchase_order_number: String,
}

/// A blanket purchase order's number (model `BlanketPurchaseOrderNumber`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlanketPurchaseOrderNumber {
    /// The number (1 to 255 characters).
    pub purchase_order_number: String,
}

/// Marks a trial order: validated and priced, never created (model `TrialMode`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialMode {}

/// Asks for packing slips without prices (model `PriceSuppressionDirective`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceSuppressionDirective {}

/// Extra named values for the buyer's processing (model `Auxiliary`).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Auxiliary {
    /// The values by name (at most 30).
    // The model's `required` names `auxiliaryValues`, a property it does not declare; the
    // declared property `values` is therefore optional here.
    pub values: Option<AuxiliaryValues>,
}

/// Auxiliary values by name (model `AuxiliaryValues`, at most 30 entries).
pub type AuxiliaryValues = BTreeMap<String, AuxiliaryValue>;

/// One auxiliary value (model `AuxiliaryValue`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuxiliaryValue {
    /// The value (1 to 100 characters).
    pub value: String,
}

/// A share of the cost charged to an accounting entity (model `Distribution`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Distribution {
    /// Who is charged.
    pub accounting: Accounting,
    /// How much.
    pub charge: DistributionCharge,
}

/// Accounting segments that identify who is charged (model `Accounting`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Accounting {
    /// A name for this group of segments (1 to 255 characters).
    pub name: String,
    /// The segments (1 to 15).
    pub segments: Vec<Segment>,
}

/// One accounting code, such as a cost centre (model `Segment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Segment {
    /// The code (1 to 255 characters).
    pub id: String,
    /// What kind of code, e.g. `COST_CENTER` (1 to 255 characters).
    #[serde(rename = "type")]
    pub segment_type: String,
    /// A label for the code (1 to 255 characters).
    pub description: String,
}

/// The amount charged to a distribution's accounting entity (model `Charge_2`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DistributionCharge {
    /// The amount.
    pub amount: Money,
}

/// The most the buyer accepts to pay per unit (model `ExpectedUnitPrice`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpectedUnitPrice {
    /// The bound.
    pub amount: Money,
}

string_enum! {
    /// A kind of charge an expectation bounds (model `ChargeSource`).
    pub enum ChargeSource {
        /// Item prices.
        Subtotal = "SUBTOTAL",
        /// Shipping.
        Shipping = "SHIPPING",
        /// Tax.
        Tax = "TAX",
    }
}

/// The most the buyer accepts to pay for a kind of charge (model `ExpectedCharge`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpectedCharge {
    /// The bound.
    pub amount: Money,
    /// Which charge it bounds.
    pub source: ChargeSource,
}

/// A detailed address under the buyer's own ID (model `ExternalAddress`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalAddress {
    /// The buyer's ID for the address, echoed back for reconciliation (1 to 255 characters).
    pub address_id: String,
    /// The address itself.
    pub address: Box<Address>,
}

pub use super::common::PhysicalAddress;

// ---------------------------------------------------------------------------------------------
// Models: the result
// ---------------------------------------------------------------------------------------------

/// What happened to an order, line by line (model `OrderResult`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderResult {
    /// One result per requested line item.
    pub line_items: Vec<ResultLineItem>,
    /// Order-level facts, such as [`Signed`] and order IDs.
    pub acceptance_artifacts: Vec<AcceptanceArtifact>,
    /// Order-level reasons for refusal.
    pub rejection_artifacts: Vec<RejectionArtifact>,
}

/// What [`PlaceOrder`] returns (model `PlaceOrderResult`, identical to `OrderResult`).
pub type PlaceOrderResult = OrderResult;

/// What [`OrderDetails`] returns (model `OrderDetailsResult`, identical to `OrderResult`).
pub type OrderDetailsResult = OrderResult;

impl OrderResult {
    /// True when the order-level artifacts include [`Signed`]: every accepted item was placed.
    pub fn is_signed(&self) -> bool {
        self.acceptance_artifacts.iter().any(|a| matches!(a, AcceptanceArtifact::Signed(_)))
    }

    /// Every Amazon order ID ([`OrderIdentifier`]) in the result, at any level, in order of
    /// appearance and without repeats.
    pub fn order_identifiers(&self) -> Vec<&str> {
        fn from_artifacts<'a>(artifacts: &'a [AcceptanceArtifact], out: &mut Vec<&'a str>) {
            for a in artifacts {
                if let AcceptanceArtifact::OrderIdentifier(o) = a {
                    if !out.contains(&o.identifier.as_str()) {
                        out.push(&o.identifier);
                    }
                }
            }
        }
        fn from_items<'a>(items: &'a [AcceptedItem], out: &mut Vec<&'a str>) {
            for item in items {
                match item {
                    AcceptedItem::SingleAcceptedItem(i) => from_artifacts(&i.artifacts, out),
                    AcceptedItem::AcceptedItemGroup(g) => {
                        from_artifacts(&g.artifacts, out);
                        from_items(&g.items, out);
                    }
                    AcceptedItem::Unknown(_) => {}
                }
            }
        }
        let mut out = Vec::new();
        from_artifacts(&self.acceptance_artifacts, &mut out);
        for line in &self.line_items {
            from_items(&line.accepted_items, &mut out);
        }
        out
    }
}

/// What happened to one line item (model `ResultLineItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultLineItem {
    /// The line's ID from the request.
    pub external_id: String,
    /// The parts that were ordered.
    pub accepted_items: Vec<AcceptedItem>,
    /// The parts that were not.
    pub rejected_items: Vec<RejectedItem>,
}

impl ResultLineItem {
    /// How many units were ordered (groups count their items).
    pub fn accepted_quantity(&self) -> i64 {
        self.accepted_items.iter().map(AcceptedItem::units).sum()
    }

    /// How many units were refused.
    pub fn rejected_quantity(&self) -> i64 {
        self.rejected_items.iter().map(|r| r.quantity).sum()
    }
}

impl AcceptedItem {
    /// The units this accepted part stands for: its quantity, or for a group, the group's
    /// quantity times the units of one group. An unknown subtype counts its `quantity` field.
    pub fn units(&self) -> i64 {
        match self {
            AcceptedItem::SingleAcceptedItem(i) => i.quantity,
            AcceptedItem::AcceptedItemGroup(g) => {
                g.quantity.saturating_mul(g.items.iter().map(AcceptedItem::units).sum::<i64>())
            }
            AcceptedItem::Unknown(v) => v.get("quantity").and_then(Value::as_i64).unwrap_or(0),
        }
    }
}

/// An ordered part of a line item (model `SingleAcceptedItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SingleAcceptedItem {
    /// How many units.
    pub quantity: i64,
    /// Facts about them (order ID, price, delivery…).
    pub artifacts: Vec<AcceptanceArtifact>,
}

/// Items ordered together as a unit (model `AcceptedItemGroup`). The total of an inner item is
/// the group's quantity times the item's quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AcceptedItemGroup {
    /// How many groups.
    pub quantity: i64,
    /// Facts about the group.
    pub artifacts: Vec<AcceptanceArtifact>,
    /// The items of one group.
    pub items: Vec<AcceptedItem>,
}

/// A part of a line item that was not ordered (model `RejectedItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectedItem {
    /// How many units.
    pub quantity: i64,
    /// Why.
    pub artifacts: Vec<RejectionArtifact>,
}

pub use super::common::DateTimeValue;

pub use super::common::{Charge, ChargeCategory, ChargeType};

/// An Amazon order ID (model `OrderIdentifier`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderIdentifier {
    /// The order ID, e.g. `112-1234567-1234567`.
    pub identifier: String,
}

/// When delivery is expected (model `DeliveryTimeRange`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryTimeRange {
    /// Not before.
    pub lower_boundary: DateTimeValue,
    /// Not after.
    pub upper_boundary: DateTimeValue,
}

/// The price of one unit (model `UnitPrice`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitPrice {
    /// The price.
    pub amount: Money,
}

/// Every accepted item was placed as an order (model `Signed`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {}

/// A shipment and its packages (model `Shipment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shipment {
    /// The shipment's ID.
    pub identifier: String,
    /// Its packages.
    pub packages: Vec<Package>,
}

/// A package of a shipment (model `Package`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    /// How to identify it.
    pub package_reference: PackageReference,
    /// Facts about it.
    pub package_attributes: Vec<PackageAttribute>,
}

/// A line item's shipment group (model `ShipmentGroup`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentGroup {
    /// The shipment's ID.
    pub identifier: String,
    /// Its packages.
    pub package_references: Vec<PackageReference>,
    /// How many units it holds.
    pub quantity: i64,
}

/// A carrier's tracking number (model `CarrierTrackingNumber`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CarrierTrackingNumber {
    /// The tracking number.
    pub value: String,
}

/// Carrier and delivery window of a package (model `PackageTrackingAttribute`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageTrackingAttribute {
    /// The carrier, e.g. `UPS`.
    pub carrier_name: String,
    /// When delivery is expected.
    pub delivery_date_range: DeliveryDateRange,
    /// Amazon's package ID.
    pub package_id: Option<String>,
}

/// A package's delivery window (`PackageTrackingAttribute.deliveryDateRange`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryDateRange {
    /// Not before.
    pub start_date_time: DateTimeValue,
    /// Not after.
    pub end_date_time: DateTimeValue,
}

/// How many units could not be ordered (model `UnavailableQuantity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnavailableQuantity {
    /// Units.
    pub quantity: i64,
}

/// How many units could have been ordered (model `AvailableQuantity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AvailableQuantity {
    /// Units.
    pub quantity: i64,
}

/// A human readable reason for refusal (model `RejectionMessage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectionMessage {
    /// The reason.
    pub message: String,
}

/// A machine readable reason for refusal (model `RejectionCode`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectionCode {
    /// The code.
    pub code: String,
}

/// The buyer is too young for the item (model `AgeRestriction`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgeRestriction {
    /// The minimum age.
    pub minimum_age: Amount,
}

/// Delivery would miss the accepted window (model `DeliveryTimeRangeIncongruity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryTimeRangeIncongruity {
    /// The latest accepted instant.
    pub upper_boundary: DateTimeValue,
    /// When delivery would actually happen.
    pub actual_date_time: DateTimeValue,
}

/// The unit price is above the expected bound (model `BrokenUnitPriceExpectation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokenUnitPriceExpectation {
    /// The bound the buyer set.
    pub boundary: Money,
    /// The actual unit price.
    pub actual_amount: Money,
}

/// Charges are above the expected bound (model `BrokenChargeExpectation`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokenChargeExpectation {
    /// The bound the buyer set.
    pub boundary: Money,
    /// The actual amount.
    pub actual_amount: Money,
    /// Which charges were summed.
    pub sources: Option<Vec<ChargeSource>>,
}

// ---------------------------------------------------------------------------------------------
// Client-side validation of an order
// ---------------------------------------------------------------------------------------------

/// Checks a [`PlaceOrderRequest`] against the model's constraints, naming the failing field by
/// its JSON path (e.g. `lineItems[0].attributes[1].address.postalCode`).
struct OrderCheck;

type Checked = Result<(), ValidationError>;

impl OrderCheck {
    const OP: &'static str = "placeOrder";

    fn fail(field: &str, message: impl Into<String>) -> Checked {
        Err(ValidationError::new(Self::OP, field, message))
    }

    fn length(field: &str, value: &str, min: usize, max: usize) -> Checked {
        validate::length(Self::OP, field, value, min, max)
    }

    /// `^[A-Z]{len}$`.
    fn upper_code(field: &str, value: &str, len: usize) -> Checked {
        if value.len() != len || !value.bytes().all(|b| b.is_ascii_uppercase()) {
            return Self::fail(
                field,
                format!("{value:?} must be {len} upper-case letters (^[A-Z]{{{len}}}$)"),
            );
        }
        Ok(())
    }

    fn raw(field: &str, problem: Option<String>) -> Checked {
        match problem {
            Some(message) => Self::fail(field, message),
            None => Ok(()),
        }
    }

    fn money(field: &str, money: &Money) -> Checked {
        Self::upper_code(&format!("{field}.currencyCode"), &money.currency_code, 3)
    }

    fn request(req: &PlaceOrderRequest) -> Checked {
        Self::length("externalId", &req.external_id, 1, 255)?;
        validate::items(Self::OP, "lineItems", req.line_items.len(), 1, 50)?;
        for (i, line) in req.line_items.iter().enumerate() {
            let at = format!("lineItems[{i}]");
            Self::length(&format!("{at}.externalId"), &line.external_id, 1, 127)?;
            if line.quantity < 1 {
                Self::fail(&format!("{at}.quantity"), format!("is {}, must be at least 1", line.quantity))?;
            }
            Self::attributes(&format!("{at}.attributes"), &line.attributes)?;
            Self::expectations(&format!("{at}.expectations"), &line.expectations)?;
        }
        Self::attributes("attributes", &req.attributes)?;
        Self::expectations("expectations", &req.expectations)
    }

    fn attributes(field: &str, attributes: &[Attribute]) -> Checked {
        for (i, a) in attributes.iter().enumerate() {
            let at = format!("{field}[{i}]");
            match a {
                Attribute::Region(_) | Attribute::TrialMode(_) | Attribute::PriceSuppressionDirective(_) => {}
                Attribute::DeliveryPreference(d) => {
                    if !d.ship_preference.is_known() {
                        Self::fail(
                            &format!("{at}.shipPreference"),
                            format!(
                                "{:?} is not one of {}",
                                d.ship_preference.as_str(),
                                ShipPreference::KNOWN_VALUES.join(", ")
                            ),
                        )?;
                    }
                }
                Attribute::SelectedProductReference(s) => {
                    Self::raw(&format!("{at}.productReference"), s.product_reference.raw_problem())?
                }
                Attribute::SelectedBuyingOptionReference(s) => Self::raw(
                    &format!("{at}.buyingOptionReference"),
                    s.buying_option_reference.raw_problem(),
                )?,
                Attribute::ShippingAddress(s) => Self::address(&format!("{at}.address"), &s.address)?,
                Attribute::BillingAddress(s) => Self::address(&format!("{at}.address"), &s.address)?,
                Attribute::SelectedPaymentMethodReference(s) => Self::raw(
                    &format!("{at}.paymentMethodReference"),
                    s.payment_method_reference.raw_problem(),
                )?,
                Attribute::BuyingGroupReference(s) => {
                    Self::raw(&format!("{at}.groupReference"), s.group_reference.raw_problem())?
                }
                Attribute::BuyerReference(s) => {
                    Self::raw(&format!("{at}.userReference"), s.user_reference.raw_problem())?
                }
                Attribute::PurchaseOrderNumber(p) => {
                    Self::length(&format!("{at}.purchaseOrderNumber"), &p.purchase_order_number, 1, 255)?
                }
                Attribute::BlanketPurchaseOrderNumber(p) => {
                    Self::length(&format!("{at}.purchaseOrderNumber"), &p.purchase_order_number, 1, 255)?
                }
                Attribute::Auxiliary(aux) => {
                    if let Some(values) = &aux.values {
                        if values.len() > 30 {
                            Self::fail(
                                &format!("{at}.values"),
                                format!("has {} entries, must have at most 30", values.len()),
                            )?;
                        }
                        for (name, v) in values {
                            Self::length(&format!("{at}.values.{name}.value"), &v.value, 1, 100)?;
                        }
                    }
                }
                Attribute::Distribution(d) => {
                    let acc = &d.accounting;
                    Self::length(&format!("{at}.accounting.name"), &acc.name, 1, 255)?;
                    validate::items(
                        Self::OP,
                        &format!("{at}.accounting.segments"),
                        acc.segments.len(),
                        1,
                        15,
                    )?;
                    for (j, s) in acc.segments.iter().enumerate() {
                        let seg = format!("{at}.accounting.segments[{j}]");
                        Self::length(&format!("{seg}.id"), &s.id, 1, 255)?;
                        Self::length(&format!("{seg}.type"), &s.segment_type, 1, 255)?;
                        Self::length(&format!("{seg}.description"), &s.description, 1, 255)?;
                    }
                    Self::money(&format!("{at}.charge.amount"), &d.charge.amount)?;
                }
                Attribute::Unknown(_) => Self::raw(&at, a.raw_problem())?,
            }
        }
        Ok(())
    }

    fn expectations(field: &str, expectations: &[Expectation]) -> Checked {
        for (i, e) in expectations.iter().enumerate() {
            let at = format!("{field}[{i}]");
            match e {
                Expectation::ExpectedUnitPrice(p) => Self::money(&format!("{at}.amount"), &p.amount)?,
                Expectation::ExpectedCharge(c) => {
                    Self::money(&format!("{at}.amount"), &c.amount)?;
                    if !c.source.is_known() {
                        Self::fail(
                            &format!("{at}.source"),
                            format!(
                                "{:?} is not one of {}",
                                c.source.as_str(),
                                ChargeSource::KNOWN_VALUES.join(", ")
                            ),
                        )?;
                    }
                }
                Expectation::Unknown(_) => Self::raw(&at, e.raw_problem())?,
            }
        }
        Ok(())
    }

    fn address(field: &str, address: &Address) -> Checked {
        match address {
            Address::ExternalAddress(x) => {
                Self::length(&format!("{field}.addressId"), &x.address_id, 1, 255)?;
                Self::address(&format!("{field}.address"), &x.address)
            }
            Address::PhysicalAddress(p) => p.check(PlaceOrder::ID, field),
            Address::Unknown(_) => Self::raw(field, address.raw_problem()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/// Places an Amazon Business order (`placeOrder`) and returns, synchronously, which parts were
/// ordered and which were refused, and why.
///
/// Build the common order with [`PlaceOrder::new`], [`RequestLineItem::offer`] and the
/// order-level setters; every attribute and expectation subtype stays reachable through
/// [`PlaceOrder::attribute`], [`PlaceOrder::expectation`] and [`PlaceOrder::from_request`].
///
/// **Not retry-safe.** The order's [`external_id`](PlaceOrder::external_id) identifies it; when
/// the outcome is unknown, look the order up with [`PlaceOrder::order_details`] instead of
/// sending it again.
///
/// Checked before sending: an external ID of 1 to 255 characters; 1 to 50 line items, each with
/// an external ID of 1 to 127 characters and a quantity of at least 1; purchase order numbers
/// of 1 to 255 characters; address fields (required ones non-empty, lines 2 and 3 at most 60
/// characters, a two-letter upper-case country code); currency codes of three upper-case
/// letters; listed values for `shipPreference` and `source`; accounting segments (1 to 15,
/// each field 1 to 255 characters); at most 30 auxiliary values of 1 to 100 characters; and
/// that every raw (`Unknown`) union value is an object with its type field.
///
/// - Role: Amazon Business Order Placement.
/// - Usage plan: 0.5 requests per second, burst 10.
/// - Sandbox: not mocked by Amazon's static sandbox (it would place real orders).
///
/// ```
/// use amazon_business_blocking::ordering::{
///     PaymentMethodReference, PhysicalAddress, PlaceOrder, RequestLineItem,
/// };
/// use amazon_business_blocking::{Country, Money};
///
/// let order = PlaceOrder::new(
///     "order-2024-0001",
///     [RequestLineItem::offer("line-1", "B001W0QL2I", "offer-id-from-product-search", 2)
///         .expected_unit_price(Money::new("USD", "21.17".parse()?))],
/// )
/// .region(Country::US)
/// .shipping_address(
///     PhysicalAddress::new("Jane Doe", "410 Terry Ave N", "Seattle", "98109", "US")
///         .state_or_region("WA"),
/// )
/// .payment_method(PaymentMethodReference::stored_payment_method())
/// .purchase_order_number("PO-77");
/// assert_eq!(order.external_id(), "order-2024-0001");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceOrder {
    request: PlaceOrderRequest,
}

impl PlaceOrder {
    /// An order identified by `external_id` (1 to 255 characters, unique per order) of the
    /// given line items (1 to 50), with no order-level attributes or expectations yet.
    pub fn new(
        external_id: impl Into<String>,
        line_items: impl IntoIterator<Item = RequestLineItem>,
    ) -> Self {
        PlaceOrder {
            request: PlaceOrderRequest {
                external_id: external_id.into(),
                line_items: line_items.into_iter().collect(),
                attributes: vec![],
                expectations: vec![],
            },
        }
    }

    /// An order described by a complete request body.
    pub fn from_request(request: PlaceOrderRequest) -> Self {
        PlaceOrder { request }
    }

    /// The caller's ID of this order: what [`OrderDetails`] takes to find it.
    pub fn external_id(&self) -> &str {
        &self.request.external_id
    }

    /// The body that will be sent.
    pub fn body(&self) -> &PlaceOrderRequest {
        &self.request
    }

    /// The [`OrderDetails`] call that finds this order, e.g. after an ambiguous failure.
    pub fn order_details(&self) -> OrderDetails {
        OrderDetails::new(self.request.external_id.clone())
    }

    /// Adds a line item.
    pub fn line_item(mut self, line_item: RequestLineItem) -> Self {
        self.request.line_items.push(line_item);
        self
    }

    /// Adds an order-level attribute (any subtype, or a raw one).
    pub fn attribute(mut self, attribute: impl Into<Attribute>) -> Self {
        self.request.attributes.push(attribute.into());
        self
    }

    /// Adds an order-level expectation.
    pub fn expectation(mut self, expectation: impl Into<Expectation>) -> Self {
        self.request.expectations.push(expectation.into());
        self
    }

    /// The marketplace country of the order ([`Attribute::Region`]).
    pub fn region(self, region: Country) -> Self {
        self.attribute(RegionAttribute { region })
    }

    /// Where to deliver ([`Attribute::ShippingAddress`]).
    pub fn shipping_address(self, address: impl Into<Address>) -> Self {
        self.attribute(ShippingAddress { address: address.into() })
    }

    /// Where to bill ([`Attribute::BillingAddress`]).
    pub fn billing_address(self, address: impl Into<Address>) -> Self {
        self.attribute(BillingAddress { address: address.into() })
    }

    /// How to pay ([`Attribute::SelectedPaymentMethodReference`]).
    pub fn payment_method(self, payment_method_reference: PaymentMethodReference) -> Self {
        self.attribute(SelectedPaymentMethodReference { payment_method_reference })
    }

    /// The buyer's purchase order number ([`Attribute::PurchaseOrderNumber`]).
    pub fn purchase_order_number(self, number: impl Into<String>) -> Self {
        self.attribute(PurchaseOrderNumber { purchase_order_number: number.into() })
    }

    /// The buyer placing the order ([`Attribute::BuyerReference`]).
    pub fn buyer(self, user_reference: UserReference) -> Self {
        self.attribute(BuyerReference { user_reference })
    }

    /// The buying group placing the order ([`Attribute::BuyingGroupReference`]).
    pub fn buying_group(self, group_reference: GroupReference) -> Self {
        self.attribute(BuyingGroupReference { group_reference })
    }

    /// The shipping speed preference ([`Attribute::DeliveryPreference`]).
    pub fn delivery_preference(self, ship_preference: ShipPreference) -> Self {
        self.attribute(DeliveryPreference { ship_preference })
    }

    /// Makes this a trial order that is checked and priced but not created
    /// ([`Attribute::TrialMode`]).
    pub fn trial_mode(self) -> Self {
        self.attribute(TrialMode {})
    }
}

impl Operation for PlaceOrder {
    type Output = PlaceOrderResult;
    const ID: &'static str = "placeOrder";
    const ROLE: Role = Role::AmazonBusinessOrderPlacement;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = false;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        RequestBuilder::new(Self::ID, Method::POST, cx, ORDERS_PATH)
            .check(OrderCheck::request(&self.request))
            .json(&self.request)
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<PlaceOrderResult, Error> {
        parse_json(Self::ID, response.body())
    }

    /// After an ambiguous failure, asks `orderDetails` for this `externalId` instead of placing
    /// the order again.
    fn probe(&self, cx: &RequestContext<'_>) -> Option<Result<http::Request<Vec<u8>>, Error>> {
        Some(self.order_details().request(cx))
    }

    /// 2xx: the order exists, and its details are the outcome. 404: Amazon has no order with
    /// this `externalId`, so placing it again is safe.
    fn read_probe(&self, response: &http::Response<Vec<u8>>) -> Result<Probed<PlaceOrderResult>, Error> {
        match response.status().as_u16() {
            200..=299 => parse_json(OrderDetails::ID, response.body()).map(Probed::Applied),
            404 => Ok(Probed::NotApplied),
            _ => Err(ApiError::from_response(OrderDetails::ID, response).into()),
        }
    }
}

/// Reads the outcome of an order by the external ID it was placed with (`orderDetails`).
///
/// Sends `x-amz-user-email`, which the model requires: the per-call
/// [`user_email`](OrderDetails::user_email) or else the configured default.
///
/// - Role: Amazon Business Order Placement.
/// - Usage plan: 0.5 requests per second, burst 10.
/// - Sandbox: not mocked by Amazon's static sandbox (the model records no example).
///
/// ```
/// use amazon_business_blocking::ordering::OrderDetails;
/// let op = OrderDetails::new("order-2024-0001").user_email("buyer@example.com");
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderDetails {
    external_id: String,
    user_email: Option<String>,
}

impl OrderDetails {
    /// The order placed with `external_id`.
    pub fn new(external_id: impl Into<String>) -> Self {
        OrderDetails { external_id: external_id.into(), user_email: None }
    }

    /// The business user to act for (`x-amz-user-email`), instead of the configured default.
    pub fn user_email(mut self, email: impl Into<String>) -> Self {
        self.user_email = Some(email.into());
        self
    }

    /// The external ID looked up.
    pub fn external_id(&self) -> &str {
        &self.external_id
    }
}

impl Operation for OrderDetails {
    type Output = OrderDetailsResult;
    const ID: &'static str = "orderDetails";
    const ROLE: Role = Role::AmazonBusinessOrderPlacement;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        RequestBuilder::new(Self::ID, Method::GET, cx, ORDER_PATH)
            .check(validate::non_empty(Self::ID, "externalId", &self.external_id))
            .path_param("externalId", self.external_id.as_str())
            .user_email(self.user_email.as_deref(), cx, true)
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<OrderDetailsResult, Error> {
        parse_json(Self::ID, response.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apis::test_support::{assert_round_trip, dec, t, validation, SANDBOX};
    use crate::error::ErrorList;
    use crate::place::Marketplace;

    use crate::types::AmountForm;
    use url::Url;

    fn request_with<O: Operation>(op: &O, email: Option<&str>) -> Result<http::Request<Vec<u8>>, Box<Error>> {
        let base = Url::parse(SANDBOX).unwrap();
        let cx =
            RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: email };
        op.request(&cx).map_err(Box::new)
    }

    fn request<O: Operation>(op: &O) -> Result<http::Request<Vec<u8>>, Box<Error>> {
        request_with(op, Some("buyer@example.com"))
    }

    fn response(body: &str) -> http::Response<Vec<u8>> {
        http::Response::builder().status(200).body(body.as_bytes().to_vec()).unwrap()
    }

    fn json(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    /// The validation error of an order, asserting it names `field`.
    fn refused(op: &PlaceOrder, field: &str) -> ValidationError {
        let e = validation(&request(op).unwrap_err());
        assert_eq!(e.operation, "placeOrder");
        assert_eq!(e.field, field, "{e}");
        e
    }

    fn common_line() -> RequestLineItem {
        RequestLineItem::offer("line-1", "B001W0QL2I", "C8f0Wuwep%2BXe9d1", 2)
    }

    fn common_order() -> PlaceOrder {
        PlaceOrder::new("order-0001", [common_line()])
    }

    // -----------------------------------------------------------------------------------------
    // placeOrder: requests
    // -----------------------------------------------------------------------------------------

    const COMMON_ORDER_BODY: &str = r#"{
      "externalId": "TestOrder-2024-05-01-0001",
      "lineItems": [
        {
          "externalId": "line-item-1",
          "quantity": 2,
          "attributes": [
            {
              "attributeType": "SelectedProductReference",
              "productReference": {"productReferenceType": "ProductIdentifier", "id": "B001W0QL2I"}
            },
            {
              "attributeType": "SelectedBuyingOptionReference",
              "buyingOptionReference": {
                "buyingOptionReferenceType": "BuyingOptionIdentifier",
                "id": "C8f0WuwepAqdhzcODiXbBk3M5ELAg0uCpF1NhSQwG%2BXe9d1fv5O0EmoG1EuHXOkwuXdb1Rh54eA7OXQ7BR"
              }
            }
          ],
          "expectations": [
            {"expectationType": "ExpectedUnitPrice", "amount": {"currencyCode": "USD", "amount": 21.17}}
          ]
        }
      ],
      "attributes": [
        {"attributeType": "Region", "region": "US"},
        {
          "attributeType": "ShippingAddress",
          "address": {
            "addressType": "PhysicalAddress",
            "fullName": "Jane Doe",
            "phoneNumber": "+1 206 555 0100",
            "companyName": "Example Corp",
            "addressLine1": "410 Terry Ave N",
            "addressLine2": "Floor 4",
            "city": "Seattle",
            "stateOrRegion": "WA",
            "postalCode": "98109",
            "countryCode": "US"
          }
        },
        {
          "attributeType": "SelectedPaymentMethodReference",
          "paymentMethodReference": {"paymentMethodReferenceType": "StoredPaymentMethod"}
        },
        {"attributeType": "PurchaseOrderNumber", "purchaseOrderNumber": "PO-2024-77"}
      ],
      "expectations": []
    }"#;

    #[test]
    fn line_item_quantities_count_groups_and_unknowns() {
        let line: ResultLineItem = serde_json::from_value(serde_json::json!({
            "externalId": "l1",
            "acceptedItems": [
                {"acceptedItemType": "SingleAcceptedItem", "quantity": 2, "artifacts": []},
                {"acceptedItemType": "AcceptedItemGroup", "quantity": 3, "artifacts": [], "items": [
                    {"acceptedItemType": "SingleAcceptedItem", "quantity": 2, "artifacts": []}
                ]},
                {"acceptedItemType": "FutureKind", "quantity": 1}
            ],
            "rejectedItems": [{"quantity": 4, "artifacts": []}]
        }))
        .unwrap();
        assert_eq!(line.accepted_quantity(), 2 + 3 * 2 + 1);
        assert_eq!(line.rejected_quantity(), 4);
    }

    #[test]
    fn place_order_builds_the_common_order() {
        let op = PlaceOrder::new(
            "TestOrder-2024-05-01-0001",
            [RequestLineItem::offer(
                "line-item-1",
                "B001W0QL2I",
                "C8f0WuwepAqdhzcODiXbBk3M5ELAg0uCpF1NhSQwG%2BXe9d1fv5O0EmoG1EuHXOkwuXdb1Rh54eA7OXQ7BR",
                2,
            )
            .expected_unit_price(Money::new("USD", dec("21.17")))],
        )
        .region(Country::US)
        .shipping_address(
            PhysicalAddress::new("Jane Doe", "410 Terry Ave N", "Seattle", "98109", "US")
                .phone_number("+1 206 555 0100")
                .company_name("Example Corp")
                .address_line2("Floor 4")
                .state_or_region("WA"),
        )
        .payment_method(PaymentMethodReference::stored_payment_method())
        .purchase_order_number("PO-2024-77");

        assert_eq!(op.external_id(), "TestOrder-2024-05-01-0001");
        let req = request(&op).unwrap();
        assert_eq!(req.method(), Method::POST);
        assert_eq!(
            req.uri().to_string(),
            "https://sandbox.na.business-api.amazon.com/ordering/2022-10-30/orders"
        );
        assert_eq!(req.headers()["content-type"], "application/json");
        // The model declares no user-email header for placeOrder: none is sent.
        assert!(req.headers().get(crate::wire::USER_EMAIL_HEADER).is_none());
        let body: Value = serde_json::from_slice(req.body()).unwrap();
        assert_eq!(body, json(COMMON_ORDER_BODY));
        // The type field goes first, as in Amazon's documentation.
        let text = String::from_utf8(req.body().clone()).unwrap();
        assert!(text.contains(r#"{"attributeType":"Region","region":"US"}"#), "{text}");

        // The same body, read back, builds the same order.
        let parsed: PlaceOrderRequest = serde_json::from_str(COMMON_ORDER_BODY).unwrap();
        assert_eq!(&parsed, op.body());
        assert_eq!(PlaceOrder::from_request(parsed), op);
    }

    #[test]
    fn place_order_uk_region_and_order_details_link() {
        let op = common_order().region(Country::GB).trial_mode();
        let body: Value = serde_json::from_slice(request(&op).unwrap().body()).unwrap();
        assert_eq!(
            body["attributes"],
            json(r#"[{"attributeType":"Region","region":"UK"},{"attributeType":"TrialMode"}]"#)
        );
        let details = op.order_details();
        assert_eq!(details.external_id(), "order-0001");
        assert_eq!(details, OrderDetails::new("order-0001"));
    }

    /// Every attribute and expectation subtype, nested addresses, and unknown subtypes.
    const FULL_ORDER_BODY: &str = r#"{
      "externalId": "full-order-1",
      "lineItems": [
        {
          "externalId": "li-1",
          "quantity": 1,
          "attributes": [
            {"attributeType": "SelectedProductReference",
             "productReference": {"productReferenceType": "ProductIdentifier", "id": "B07PGL2ZSL"}},
            {"attributeType": "SelectedBuyingOptionReference",
             "buyingOptionReference": {"buyingOptionReferenceType": "BuyingOptionIdentifier", "id": "offer-1"}},
            {"attributeType": "Distribution",
             "accounting": {"name": "Marketing",
                            "segments": [{"id": "CC-100", "type": "COST_CENTER", "description": "Brand team"},
                                         {"id": "6100", "type": "GL_ACCOUNT", "description": "Supplies"}]},
             "charge": {"amount": {"currencyCode": "EUR", "amount": 3.015}}},
            {"attributeType": "Auxiliary",
             "values": {"costObject": {"value": "CO-9"}, "requester": {"value": "j.doe"}}}
          ],
          "expectations": [
            {"expectationType": "ExpectedUnitPrice", "amount": {"currencyCode": "EUR", "amount": 6.03}},
            {"expectationType": "ExpectedCharge", "amount": {"currencyCode": "EUR", "amount": 6.03}, "source": "SUBTOTAL"}
          ]
        }
      ],
      "attributes": [
        {"attributeType": "Region", "region": "DE"},
        {"attributeType": "DeliveryPreference", "shipPreference": "CONSOLIDATED"},
        {"attributeType": "ShippingAddress",
         "address": {"addressType": "ExternalAddress", "addressId": "dock-7",
                     "address": {"addressType": "PhysicalAddress", "fullName": "Max Mustermann",
                                 "addressLine1": "Marcel-Breuer-Str. 12", "city": "München",
                                 "postalCode": "80807", "countryCode": "DE"}}},
        {"attributeType": "BillingAddress",
         "address": {"addressType": "PhysicalAddress", "fullName": "Accounts Payable",
                     "addressLine1": "Postfach 100", "addressLine3": "c/o Finance", "city": "Berlin",
                     "postalCode": "10115", "countryCode": "DE"}},
        {"attributeType": "SelectedPaymentMethodReference",
         "paymentMethodReference": {"paymentMethodReferenceType": "StoredPaymentMethod"}},
        {"attributeType": "BuyingGroupReference",
         "groupReference": {"groupReferenceType": "GroupIdentity", "identifier": "OrderingAPI9644267000"}},
        {"attributeType": "BuyerReference",
         "userReference": {"userReferenceType": "UserEmail", "emailAddress": "buyer@example.com"}},
        {"attributeType": "PurchaseOrderNumber", "purchaseOrderNumber": "PO-1"},
        {"attributeType": "BlanketPurchaseOrderNumber", "purchaseOrderNumber": "BPO-2024"},
        {"attributeType": "TrialMode"},
        {"attributeType": "PriceSuppressionDirective"},
        {"attributeType": "GiftMessage", "message": "Thanks!", "weight": 1.000000000000000000001}
      ],
      "expectations": [
        {"expectationType": "ExpectedDeliveryBy", "by": {"date": "2024-06-01T00:00:00Z"}}
      ]
    }"#;

    #[test]
    fn every_request_subtype_round_trips() {
        let req: PlaceOrderRequest = serde_json::from_str(FULL_ORDER_BODY).unwrap();
        let line = &req.line_items[0];
        assert!(matches!(
            &line.attributes[2],
            Attribute::Distribution(d) if d.accounting.segments[1].segment_type == "GL_ACCOUNT"
                && d.charge.amount.amount.value() == dec("3.015")
        ));
        match &line.attributes[3] {
            Attribute::Auxiliary(a) => {
                assert_eq!(a.values.as_ref().unwrap()["costObject"].value, "CO-9");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            &line.expectations[1],
            Expectation::ExpectedCharge(c) if c.source == ChargeSource::Subtotal
        ));
        let types: Vec<&str> = req.attributes.iter().filter_map(Attribute::type_name).collect();
        assert_eq!(
            types,
            [
                "Region",
                "DeliveryPreference",
                "ShippingAddress",
                "BillingAddress",
                "SelectedPaymentMethodReference",
                "BuyingGroupReference",
                "BuyerReference",
                "PurchaseOrderNumber",
                "BlanketPurchaseOrderNumber",
                "TrialMode",
                "PriceSuppressionDirective",
                "GiftMessage",
            ]
        );
        assert_eq!(req.attributes[0], Attribute::Region(RegionAttribute { region: Country::DE }));
        assert_eq!(
            req.attributes[1],
            Attribute::DeliveryPreference(DeliveryPreference {
                ship_preference: ShipPreference::Consolidated
            })
        );
        match &req.attributes[2] {
            Attribute::ShippingAddress(ShippingAddress { address: Address::ExternalAddress(x) }) => {
                assert_eq!(x.address_id, "dock-7");
                assert!(matches!(&*x.address, Address::PhysicalAddress(p) if p.city == "München"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            req.attributes[6],
            PlaceOrder::new("x", []).buyer(UserReference::email("buyer@example.com")).body().attributes[0]
        );
        assert_eq!(
            req.attributes[5],
            PlaceOrder::new("x", [])
                .buying_group(GroupReference::identity("OrderingAPI9644267000"))
                .body()
                .attributes[0]
        );
        assert!(req.attributes.iter().filter(|a| a.is_known()).count() == 11);
        assert!(!req.attributes[11].is_known());
        assert!(!req.expectations[0].is_known());
        assert_eq!(req.expectations[0].type_name(), Some("ExpectedDeliveryBy"));

        // Unknown subtypes are written back unchanged, exact numbers included.
        let text = serde_json::to_string(&req.attributes[11]).unwrap();
        assert!(text.contains("1.000000000000000000001"), "{text}");
        assert_round_trip(&req, FULL_ORDER_BODY);

        // And the typed operation sends exactly that body.
        let op = PlaceOrder::from_request(req);
        let body: Value = serde_json::from_slice(request(&op).unwrap().body()).unwrap();
        assert_eq!(body, json(FULL_ORDER_BODY));
    }

    // -----------------------------------------------------------------------------------------
    // placeOrder: validation
    // -----------------------------------------------------------------------------------------

    #[test]
    fn place_order_external_id_and_line_items() {
        let e = refused(&PlaceOrder::new("", [common_line()]), "externalId");
        assert!(e.message.contains("between 1 and 255"), "{e}");
        refused(&PlaceOrder::new("x".repeat(256), [common_line()]), "externalId");
        assert!(request(&PlaceOrder::new("x".repeat(255), [common_line()])).is_ok());

        let e = refused(&PlaceOrder::new("o", []), "lineItems");
        assert!(e.message.contains("has 0 items, must have between 1 and 50"), "{e}");
        let many = (0..51).map(|i| RequestLineItem::offer(format!("l{i}"), "B001W0QL2I", "o", 1));
        let e = refused(&PlaceOrder::new("o", many), "lineItems");
        assert!(e.message.contains("has 51 items"), "{e}");
        let fifty = (0..50).map(|i| RequestLineItem::offer(format!("l{i}"), "B001W0QL2I", "o", 1));
        assert!(request(&PlaceOrder::new("o", fifty)).is_ok());

        let e = refused(&PlaceOrder::new("o", [RequestLineItem::new("", 1)]), "lineItems[0].externalId");
        assert!(e.message.contains("between 1 and 127"), "{e}");
        refused(&PlaceOrder::new("o", [RequestLineItem::new("l".repeat(128), 1)]), "lineItems[0].externalId");
        assert!(request(&PlaceOrder::new("o", [RequestLineItem::new("l".repeat(127), 1)])).is_ok());

        let e = refused(&common_order().line_item(RequestLineItem::new("l2", 0)), "lineItems[1].quantity");
        assert!(e.message.contains("is 0, must be at least 1"), "{e}");
        refused(&common_order().line_item(RequestLineItem::new("l2", -3)), "lineItems[1].quantity");
    }

    #[test]
    fn place_order_attribute_constraints() {
        let e = refused(&common_order().purchase_order_number(""), "attributes[0].purchaseOrderNumber");
        assert!(e.message.contains("between 1 and 255"), "{e}");
        refused(&common_order().purchase_order_number("p".repeat(256)), "attributes[0].purchaseOrderNumber");
        refused(
            &common_order()
                .trial_mode()
                .attribute(BlanketPurchaseOrderNumber { purchase_order_number: String::new() }),
            "attributes[1].purchaseOrderNumber",
        );

        let e = refused(
            &common_order().delivery_preference(ShipPreference::from_wire("OVERNIGHT")),
            "attributes[0].shipPreference",
        );
        assert!(e.message.contains("\"OVERNIGHT\"") && e.message.contains("FAST_FREE"), "{e}");

        let aux = |n: usize, value: &str| Auxiliary {
            values: Some(
                (0..n).map(|i| (format!("k{i:02}"), AuxiliaryValue { value: value.into() })).collect(),
            ),
        };
        let e = refused(&common_order().attribute(aux(31, "v")), "attributes[0].values");
        assert!(e.message.contains("31 entries, must have at most 30"), "{e}");
        assert!(request(&common_order().attribute(aux(30, "v"))).is_ok());
        refused(&common_order().attribute(aux(1, "")), "attributes[0].values.k00.value");
        let e =
            refused(&common_order().attribute(aux(1, &"v".repeat(101))), "attributes[0].values.k00.value");
        assert!(e.message.contains("between 1 and 100"), "{e}");

        let segment =
            |id: &str| Segment { id: id.into(), segment_type: "COST_CENTER".into(), description: "d".into() };
        let distribution = |name: &str, segments: Vec<Segment>, currency: &str| Distribution {
            accounting: Accounting { name: name.into(), segments },
            charge: DistributionCharge { amount: Money::new(currency, dec("1")) },
        };
        assert!(request(&common_order().attribute(distribution("n", vec![segment("a")], "USD"))).is_ok());
        refused(
            &common_order().attribute(distribution("", vec![segment("a")], "USD")),
            "attributes[0].accounting.name",
        );
        let e = refused(
            &common_order().attribute(distribution("n", vec![], "USD")),
            "attributes[0].accounting.segments",
        );
        assert!(e.message.contains("between 1 and 15"), "{e}");
        refused(
            &common_order().attribute(distribution("n", (0..16).map(|_| segment("a")).collect(), "USD")),
            "attributes[0].accounting.segments",
        );
        refused(
            &common_order().attribute(distribution("n", vec![segment("a"), segment("")], "USD")),
            "attributes[0].accounting.segments[1].id",
        );
        let e = refused(
            &common_order().attribute(distribution("n", vec![segment("a")], "usd")),
            "attributes[0].charge.amount.currencyCode",
        );
        assert!(e.message.contains("^[A-Z]{3}$"), "{e}");
    }

    #[test]
    fn place_order_address_constraints() {
        let good = || PhysicalAddress::new("Jane Doe", "410 Terry Ave N", "Seattle", "98109", "US");
        assert!(request(&common_order().shipping_address(good().address_line2("x".repeat(60)))).is_ok());
        let field = |address: PhysicalAddress| {
            validation(&request(&common_order().shipping_address(address)).unwrap_err()).field
        };
        assert_eq!(
            field(PhysicalAddress { full_name: " ".into(), ..good() }),
            "attributes[0].address.fullName"
        );
        assert_eq!(field(good().phone_number("")), "attributes[0].address.phoneNumber");
        assert_eq!(
            field(PhysicalAddress { address_line1: "".into(), ..good() }),
            "attributes[0].address.addressLine1"
        );
        assert_eq!(field(good().address_line2("x".repeat(61))), "attributes[0].address.addressLine2");
        assert_eq!(field(good().address_line3("x".repeat(61))), "attributes[0].address.addressLine3");
        assert_eq!(field(PhysicalAddress { city: "".into(), ..good() }), "attributes[0].address.city");
        assert_eq!(
            field(PhysicalAddress { postal_code: "".into(), ..good() }),
            "attributes[0].address.postalCode"
        );
        assert_eq!(
            field(PhysicalAddress { country_code: "USA".into(), ..good() }),
            "attributes[0].address.countryCode"
        );
        assert_eq!(
            field(PhysicalAddress { country_code: "us".into(), ..good() }),
            "attributes[0].address.countryCode"
        );

        let nested = ExternalAddress {
            address_id: "dock".into(),
            address: Box::new(PhysicalAddress { city: String::new(), ..good() }.into()),
        };
        let e =
            refused(&common_order().billing_address(nested.clone()), "attributes[0].address.address.city");
        assert!(e.message.contains("must not be empty"), "{e}");
        let no_id = ExternalAddress { address_id: String::new(), address: Box::new(good().into()) };
        refused(&common_order().billing_address(no_id), "attributes[0].address.addressId");
        // A raw address needs its type field.
        refused(
            &common_order().shipping_address(Address::Unknown(json(r#"{"street":"x"}"#))),
            "attributes[0].address",
        );
    }

    #[test]
    fn place_order_expectation_and_raw_union_constraints() {
        let line = common_line().expected_unit_price(Money::new("EURO", dec("1")));
        let e = refused(&PlaceOrder::new("o", [line]), "lineItems[0].expectations[0].amount.currencyCode");
        assert!(e.message.contains("\"EURO\""), "{e}");
        let charge =
            ExpectedCharge { amount: Money::new("EUR", dec("1")), source: ChargeSource::from_wire("FEES") };
        let e = refused(&common_order().expectation(charge), "expectations[0].source");
        assert!(e.message.contains("SUBTOTAL, SHIPPING, TAX"), "{e}");
        let e = refused(&common_order().expectation(Expectation::Unknown(json("[1]"))), "expectations[0]");
        assert!(e.message.contains("expectationType"), "{e}");
        let e = refused(
            &common_order().attribute(Attribute::Unknown(json(r#"{"attributeType":""}"#))),
            "attributes[0]",
        );
        assert!(e.message.contains("non-empty string"), "{e}");
        let bad_product =
            SelectedProductReference { product_reference: ProductReference::Unknown(json(r#"{"id":"B0"}"#)) };
        let e = refused(
            &PlaceOrder::new("o", [RequestLineItem::new("l", 1).attribute(bad_product)]),
            "lineItems[0].attributes[0].productReference",
        );
        assert!(e.message.contains("productReferenceType"), "{e}");
        refused(
            &common_order().payment_method(PaymentMethodReference::Unknown(Value::Null)),
            "attributes[0].paymentMethodReference",
        );
        refused(&common_order().buyer(UserReference::Unknown(json("{}"))), "attributes[0].userReference");
        refused(
            &common_order().buying_group(GroupReference::Unknown(json("{}"))),
            "attributes[0].groupReference",
        );
        let bad_offer = SelectedBuyingOptionReference {
            buying_option_reference: BuyingOptionReference::Unknown(json("3")),
        };
        refused(&common_order().attribute(bad_offer), "attributes[0].buyingOptionReference");
    }

    // -----------------------------------------------------------------------------------------
    // orderDetails: requests
    // -----------------------------------------------------------------------------------------

    #[test]
    fn order_details_request() {
        let req = request(&OrderDetails::new("TestOrder-2024-05-01-0001")).unwrap();
        assert_eq!(req.method(), Method::GET);
        assert!(req.body().is_empty());
        assert_eq!(
            req.uri().to_string(),
            "https://sandbox.na.business-api.amazon.com/ordering/2022-10-30/orders/TestOrder-2024-05-01-0001"
        );
        assert_eq!(req.headers()["x-amz-user-email"], "buyer@example.com");

        // A per-call email wins over the configured one; IDs are encoded as one path segment.
        let op = OrderDetails::new("order/1 2").user_email("approver@example.com");
        let req = request(&op).unwrap();
        assert_eq!(
            req.uri().to_string(),
            "https://sandbox.na.business-api.amazon.com/ordering/2022-10-30/orders/order%2F1%202"
        );
        assert_eq!(req.headers()["x-amz-user-email"], "approver@example.com");
        assert!(request_with(&op, None).is_ok());
    }

    #[test]
    fn order_details_validation() {
        let e = validation(&request_with(&OrderDetails::new("o-1"), None).unwrap_err());
        assert_eq!(e.field, "x-amz-user-email");
        assert_eq!(e.operation, "orderDetails");
        let e = validation(&request(&OrderDetails::new(" ")).unwrap_err());
        assert_eq!(e.field, "externalId");
        let e = validation(&request(&OrderDetails::new("")).unwrap_err());
        assert_eq!(e.field, "externalId");
    }

    // -----------------------------------------------------------------------------------------
    // Results
    // -----------------------------------------------------------------------------------------

    /// A hand-made `orderDetails` answer (the model records none): a placed order with a single
    /// item, an item group, a partial rejection, a shipment, and two subtypes the model does
    /// not define.
    const ORDER_DETAILS_EXAMPLE: &str = r#"{
      "lineItems": [
        {
          "externalId": "line-item-1",
          "acceptedItems": [
            {
              "acceptedItemType": "SingleAcceptedItem",
              "quantity": 2,
              "artifacts": [
                {"acceptanceArtifactType": "OrderIdentifier", "identifier": "112-4213524-6578642"},
                {"acceptanceArtifactType": "UnitPrice", "amount": {"currencyCode": "USD", "amount": 21.17}},
                {"acceptanceArtifactType": "Charge", "amount": {"currencyCode": "USD", "amount": 42.34},
                 "category": "SUBTOTAL", "type": "PRINCIPAL"},
                {"acceptanceArtifactType": "Charge", "amount": {"currencyCode": "USD", "amount": 3.49},
                 "category": "SHIPPING", "type": "TAX"},
                {"acceptanceArtifactType": "Charge", "amount": {"currencyCode": "USD", "amount": -1.00},
                 "category": "LOYALTY_POINTS", "type": "DISCOUNT"},
                {"acceptanceArtifactType": "DeliveryTimeRange",
                 "lowerBoundary": {"date": "2024-05-02T08:00:00Z"},
                 "upperBoundary": {"date": "2024-05-04T20:00:00Z"}},
                {"acceptanceArtifactType": "ShipmentGroup", "identifier": "shipment-group-1",
                 "packageReferences": [{"packageReferenceType": "CarrierTrackingNumber", "value": "1Z999AA10123456784"}],
                 "quantity": 2}
              ]
            },
            {
              "acceptedItemType": "AcceptedItemGroup",
              "quantity": 1,
              "artifacts": [{"acceptanceArtifactType": "OrderIdentifier", "identifier": "112-0000000-0000001"}],
              "items": [
                {"acceptedItemType": "SingleAcceptedItem", "quantity": 3, "artifacts": []},
                {"acceptedItemType": "SubscriptionItem", "quantity": 1, "interval": "P1M"}
              ]
            }
          ],
          "rejectedItems": [
            {
              "quantity": 1,
              "artifacts": [
                {"rejectionArtifactType": "UnavailableQuantity", "quantity": 1},
                {"rejectionArtifactType": "AvailableQuantity", "quantity": 2},
                {"rejectionArtifactType": "RejectionCode", "code": "QUANTITY_UNAVAILABLE"},
                {"rejectionArtifactType": "RejectionMessage", "message": "Only 2 units are available."}
              ]
            }
          ]
        }
      ],
      "acceptanceArtifacts": [
        {"acceptanceArtifactType": "Signed"},
        {"acceptanceArtifactType": "OrderIdentifier", "identifier": "112-4213524-6578642"},
        {"acceptanceArtifactType": "Shipment", "identifier": "shipment-1", "packages": [
          {"packageReference": {"packageReferenceType": "CarrierTrackingNumber", "value": "1Z999AA10123456784"},
           "packageAttributes": [
             {"packageAttributeType": "PackageTrackingAttribute", "carrierName": "UPS",
              "deliveryDateRange": {"startDateTime": {"date": "2024-05-02T08:00:00Z"},
                                    "endDateTime": {"date": "2024-05-04T20:00:00Z"}},
              "packageId": null},
             {"packageAttributeType": "PackageWeight", "weight": {"value": 1.250, "unit": "KG"}}
           ]}
        ]},
        {"acceptanceArtifactType": "InvoiceLink", "url": "https://example.com/invoices/1", "pages": 2,
         "total": {"currencyCode": "USD", "amount": 45.830}}
      ],
      "rejectionArtifacts": []
    }"#;

    #[test]
    fn order_details_parses_every_acceptance_shape() {
        let op = OrderDetails::new("TestOrder-2024-05-01-0001");
        let out = op.parse(&response(ORDER_DETAILS_EXAMPLE)).unwrap();
        let line = &out.line_items[0];
        assert_eq!(line.external_id, "line-item-1");

        let single = match &line.accepted_items[0] {
            AcceptedItem::SingleAcceptedItem(s) => s,
            other => panic!("{other:?}"),
        };
        assert_eq!(single.quantity, 2);
        match &single.artifacts[1] {
            AcceptanceArtifact::UnitPrice(p) => {
                assert_eq!(p.amount.currency_code, "USD");
                assert_eq!(p.amount.amount.value(), dec("21.17"));
                assert_eq!(p.amount.amount.form(), AmountForm::Number);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            single.artifacts[3],
            AcceptanceArtifact::Charge(Charge {
                amount: Money::new("USD", dec("3.49")),
                category: ChargeCategory::Shipping,
                charge_type: ChargeType::Tax,
            })
        );
        match &single.artifacts[4] {
            AcceptanceArtifact::Charge(c) => {
                assert_eq!(c.category, ChargeCategory::Unknown("LOYALTY_POINTS".into()));
                assert_eq!(c.charge_type, ChargeType::Discount);
                assert_eq!(c.amount.amount.to_string(), "-1.00");
            }
            other => panic!("{other:?}"),
        }
        match &single.artifacts[5] {
            AcceptanceArtifact::DeliveryTimeRange(r) => {
                assert_eq!(r.lower_boundary.date, t("2024-05-02T08:00:00Z"));
                assert_eq!(
                    r.upper_boundary.date.unix_seconds() - r.lower_boundary.date.unix_seconds(),
                    60 * 60 * 60
                );
            }
            other => panic!("{other:?}"),
        }
        match &single.artifacts[6] {
            AcceptanceArtifact::ShipmentGroup(g) => {
                assert_eq!(g.quantity, 2);
                assert_eq!(
                    g.package_references,
                    [PackageReference::CarrierTrackingNumber(CarrierTrackingNumber {
                        value: "1Z999AA10123456784".into()
                    })]
                );
            }
            other => panic!("{other:?}"),
        }

        match &line.accepted_items[1] {
            AcceptedItem::AcceptedItemGroup(g) => {
                assert_eq!(g.quantity, 1);
                assert!(matches!(&g.items[0], AcceptedItem::SingleAcceptedItem(i) if i.quantity == 3));
                assert_eq!(g.items[1].type_name(), Some("SubscriptionItem"));
                assert_eq!(g.items[1].raw().unwrap()["interval"], "P1M");
            }
            other => panic!("{other:?}"),
        }

        let rejected = &line.rejected_items[0];
        assert_eq!(rejected.quantity, 1);
        assert_eq!(
            rejected.artifacts,
            [
                RejectionArtifact::UnavailableQuantity(UnavailableQuantity { quantity: 1 }),
                RejectionArtifact::AvailableQuantity(AvailableQuantity { quantity: 2 }),
                RejectionArtifact::RejectionCode(RejectionCode { code: "QUANTITY_UNAVAILABLE".into() }),
                RejectionArtifact::RejectionMessage(RejectionMessage {
                    message: "Only 2 units are available.".into()
                }),
            ]
        );

        assert!(out.is_signed());
        assert_eq!(out.acceptance_artifacts[0], AcceptanceArtifact::Signed(Signed {}));
        match &out.acceptance_artifacts[2] {
            AcceptanceArtifact::Shipment(s) => {
                assert_eq!(s.identifier, "shipment-1");
                let attributes = &s.packages[0].package_attributes;
                match &attributes[0] {
                    PackageAttribute::PackageTrackingAttribute(p) => {
                        assert_eq!(p.carrier_name, "UPS");
                        assert_eq!(p.delivery_date_range.end_date_time.date, t("2024-05-04T20:00:00Z"));
                        assert_eq!(p.package_id, None, "an explicit null reads as None");
                    }
                    other => panic!("{other:?}"),
                }
                assert_eq!(attributes[1].type_name(), Some("PackageWeight"));
                // An unknown subtype keeps its exact JSON, number spelling included.
                assert_eq!(
                    serde_json::to_string(&attributes[1]).unwrap(),
                    r#"{"packageAttributeType":"PackageWeight","weight":{"unit":"KG","value":1.250}}"#
                );
            }
            other => panic!("{other:?}"),
        }
        let unknown = &out.acceptance_artifacts[3];
        assert!(!unknown.is_known());
        assert_eq!(unknown.type_name(), Some("InvoiceLink"));
        assert_eq!(
            unknown.raw().unwrap(),
            &json(
                r#"{"acceptanceArtifactType": "InvoiceLink", "url": "https://example.com/invoices/1", "pages": 2,
                    "total": {"currencyCode": "USD", "amount": 45.830}}"#
            )
        );
        assert!(out.rejection_artifacts.is_empty());
        assert_eq!(out.order_identifiers(), ["112-4213524-6578642", "112-0000000-0000001"]);

        assert_round_trip(&out, ORDER_DETAILS_EXAMPLE);
    }

    /// A hand-made `placeOrder` answer refusing the whole order.
    const PLACE_ORDER_REJECTED_EXAMPLE: &str = r#"{
      "lineItems": [
        {
          "externalId": "line-item-1",
          "acceptedItems": [],
          "rejectedItems": [
            {
              "quantity": 2,
              "artifacts": [
                {"rejectionArtifactType": "BrokenUnitPriceExpectation",
                 "boundary": {"currencyCode": "EUR", "amount": 6.03},
                 "actualAmount": {"currencyCode": "EUR", "amount": 6.49}},
                {"rejectionArtifactType": "BrokenChargeExpectation",
                 "boundary": {"currencyCode": "EUR", "amount": 12.06},
                 "actualAmount": {"currencyCode": "EUR", "amount": 12.98},
                 "sources": ["SUBTOTAL", "TAX", "DUTIES"]},
                {"rejectionArtifactType": "AgeRestriction", "minimumAge": 18},
                {"rejectionArtifactType": "DeliveryTimeRangeIncongruity",
                 "upperBoundary": {"date": "2024-05-03T00:00:00Z"},
                 "actualDateTime": {"date": "2024-05-06T17:30:00Z"}},
                {"rejectionArtifactType": "CreditLimitExceeded",
                 "limit": {"currencyCode": "EUR", "amount": 100.00}}
              ]
            }
          ]
        }
      ],
      "acceptanceArtifacts": [],
      "rejectionArtifacts": [
        {"rejectionArtifactType": "RejectionMessage", "message": "No line item could be ordered."}
      ]
    }"#;

    #[test]
    fn place_order_parses_a_rejection() {
        let out = common_order().parse(&response(PLACE_ORDER_REJECTED_EXAMPLE)).unwrap();
        assert!(!out.is_signed());
        assert!(out.order_identifiers().is_empty());
        let artifacts = &out.line_items[0].rejected_items[0].artifacts;
        assert_eq!(
            artifacts[0],
            RejectionArtifact::BrokenUnitPriceExpectation(BrokenUnitPriceExpectation {
                boundary: Money::new("EUR", dec("6.03")),
                actual_amount: Money::new("EUR", dec("6.49")),
            })
        );
        match &artifacts[1] {
            RejectionArtifact::BrokenChargeExpectation(b) => {
                assert_eq!(b.actual_amount.amount.value(), dec("12.98"));
                assert_eq!(
                    b.sources.as_deref().unwrap(),
                    [ChargeSource::Subtotal, ChargeSource::Tax, ChargeSource::Unknown("DUTIES".into())]
                );
            }
            other => panic!("{other:?}"),
        }
        match &artifacts[2] {
            RejectionArtifact::AgeRestriction(a) => assert_eq!(a.minimum_age.value(), dec("18")),
            other => panic!("{other:?}"),
        }
        match &artifacts[3] {
            RejectionArtifact::DeliveryTimeRangeIncongruity(d) => {
                assert_eq!(d.actual_date_time.date, t("2024-05-06T17:30:00Z"));
                assert_eq!(d.upper_boundary, DateTimeValue::from(t("2024-05-03T00:00:00Z")));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(artifacts[4].type_name(), Some("CreditLimitExceeded"));
        assert_eq!(
            serde_json::to_string(&artifacts[4]).unwrap(),
            r#"{"limit":{"amount":100.00,"currencyCode":"EUR"},"rejectionArtifactType":"CreditLimitExceeded"}"#
        );
        assert_eq!(
            out.rejection_artifacts,
            [RejectionArtifact::RejectionMessage(RejectionMessage {
                message: "No line item could be ordered.".into()
            })]
        );
        assert_round_trip(&out, PLACE_ORDER_REJECTED_EXAMPLE);
    }

    #[test]
    fn error_bodies_parse() {
        let example = r#"{"errors": [{"code": "InvalidInput", "message": "externalId already used", "details": "TestOrder-1"}]}"#;
        let errors: ErrorList = parse_json("placeOrder", example.as_bytes()).unwrap();
        assert_eq!(errors.errors[0].code, "InvalidInput");
        assert_eq!(errors.errors[0].details.as_deref(), Some("TestOrder-1"));
        assert_round_trip(&errors, example);
    }

    #[test]
    fn decode_errors_name_the_path() {
        let decode = |body: &str| match OrderDetails::new("o").parse(&response(body)).unwrap_err() {
            Error::Decode(d) => d,
            other => panic!("{other:?}"),
        };
        // A known subtype with a malformed field: the path reaches the union, the message
        // continues inside it.
        let bad =
            ORDER_DETAILS_EXAMPLE.replace(r#""date": "2024-05-04T20:00:00Z"}},"#, r#""date": "soon"}},"#);
        let d = decode(&bad);
        assert_eq!(d.path, "lineItems[0].acceptedItems[0]");
        assert!(d.message.contains("artifacts[5].upperBoundary.date"), "{}", d.message);
        // A missing type field.
        let d = decode(
            r#"{"lineItems": [], "acceptanceArtifacts": [{"identifier": "x"}], "rejectionArtifacts": []}"#,
        );
        assert_eq!(d.path, "acceptanceArtifacts[0]");
        assert!(d.message.contains("acceptanceArtifactType"), "{}", d.message);
        // Not an object at all.
        let d = decode(r#"{"lineItems": [], "acceptanceArtifacts": [], "rejectionArtifacts": ["x"]}"#);
        assert_eq!(d.path, "rejectionArtifacts[0]");
        // A type field that is not a string.
        let d = decode(
            r#"{"lineItems": [], "acceptanceArtifacts": [{"acceptanceArtifactType": 3}], "rejectionArtifacts": []}"#,
        );
        assert!(d.message.contains("not a string"), "{}", d.message);
    }

    #[test]
    fn unions_without_model_subtypes() {
        assert!(ProductReference::KNOWN_TYPES.is_empty());
        assert_eq!(ProductReference::DISCRIMINATOR, "productReferenceType");
        let p = ProductReference::asin("B001W0QL2I");
        assert_eq!(p.type_name(), Some("ProductIdentifier"));
        assert!(!p.is_known());
        assert_eq!(p.raw().unwrap()["id"], "B001W0QL2I");
        assert_eq!(
            serde_json::to_value(BuyingOptionReference::offer_id("o-1")).unwrap(),
            json(r#"{"buyingOptionReferenceType": "BuyingOptionIdentifier", "id": "o-1"}"#)
        );
        assert_eq!(
            serde_json::to_value(GroupReference::identity("g")).unwrap(),
            json(r#"{"groupReferenceType": "GroupIdentity", "identifier": "g"}"#)
        );
        assert_eq!(
            serde_json::to_value(UserReference::email("u@example.com")).unwrap(),
            json(r#"{"userReferenceType": "UserEmail", "emailAddress": "u@example.com"}"#)
        );
        let other = json(r#"{"paymentMethodReferenceType": "PurchaseCard", "last4": "4242"}"#);
        assert_eq!(PaymentMethodReference::from_json(other.clone()).unwrap().to_json().unwrap(), other);
        assert!(PaymentMethodReference::from_json(json("{}")).is_err());
    }

    #[test]
    fn known_subtypes_convert_both_ways() {
        assert_eq!(Attribute::KNOWN_TYPES.len(), 15);
        assert_eq!(RejectionArtifact::KNOWN_TYPES.len(), 8);
        assert_eq!(AcceptanceArtifact::KNOWN_TYPES.len(), 7);
        let a = Attribute::from_json(json(
            r#"{"attributeType": "PurchaseOrderNumber", "purchaseOrderNumber": "P"}"#,
        ))
        .unwrap();
        assert_eq!(a, Attribute::from(PurchaseOrderNumber { purchase_order_number: "P".into() }));
        assert_eq!(a.raw(), None);
        // A known type field with the wrong shape is an error, not an Unknown.
        let e = Attribute::from_json(json(r#"{"attributeType": "Region", "region": 7}"#)).unwrap_err();
        assert!(e.to_string().contains("region"), "{e}");
        let e = Attribute::from_json(json(r#"{"attributeType": "DeliveryPreference"}"#)).unwrap_err();
        assert!(e.to_string().contains("shipPreference"), "{e}");
        // A subtype field named like the type field does not override it.
        let written = crate::apis::unions::encode_subtype(
            "attributeType",
            "TrialMode",
            &json(r#"{"attributeType": "X"}"#),
        )
        .unwrap();
        assert_eq!(written, json(r#"{"attributeType": "TrialMode"}"#));
    }

    #[test]
    fn enums_keep_unknown_values_and_exact_spellings() {
        for (text, value) in [
            ("FAST_FREE", ShipPreference::FastFree),
            ("CONSOLIDATED", ShipPreference::Consolidated),
            ("EXPEDITED_PAID", ShipPreference::ExpeditedPaid),
        ] {
            let js = format!("\"{text}\"");
            assert_eq!(serde_json::from_str::<ShipPreference>(&js).unwrap(), value);
            assert_eq!(serde_json::to_string(&value).unwrap(), js);
        }
        assert_eq!(ChargeCategory::KNOWN_VALUES.len(), 6);
        assert_eq!(ChargeType::from_wire("PRINCIPAL"), ChargeType::Principal);
        assert_eq!(ChargeSource::from_wire("SHIPPING"), ChargeSource::Shipping);
        let odd: ChargeType = serde_json::from_str("\"REFUND\"").unwrap();
        assert_eq!(serde_json::to_string(&odd).unwrap(), "\"REFUND\"");
    }

    #[test]
    fn operation_constants() {
        assert_eq!(PlaceOrder::ID, "placeOrder");
        assert_eq!(OrderDetails::ID, "orderDetails");
        assert_eq!(PlaceOrder::ROLE, Role::AmazonBusinessOrderPlacement);
        assert_eq!(OrderDetails::ROLE, Role::AmazonBusinessOrderPlacement);
        assert_eq!(PlaceOrder::USAGE_PLAN, Some(UsagePlan::new(0.5, 10)));
        assert_eq!(OrderDetails::USAGE_PLAN, Some(UsagePlan::new(0.5, 10)));
        const { assert!(!PlaceOrder::RETRY_SAFE) };
        const { assert!(OrderDetails::RETRY_SAFE) };
    }
}
