//! Reconciliation API, version `2021-01-08`: payment transactions, invoice payment status, and
//! invoice details of order line items.
//!
//! All three operations need the *Business Purchase Reconciliation* role and share a default
//! usage plan of 2 requests per second with a burst of 10. Amounts travel as JSON strings in
//! this API; [`Money`] keeps them exact and writes them back as strings.
//!
//! # Model definitions and their Rust types
//!
//! | Model definition | Rust type |
//! |---|---|
//! | `TransactionsResponse` | [`TransactionsResponse`] |
//! | `Transaction` | [`Transaction`] |
//! | `Transaction.transactionType` (inline enum) | [`TransactionType`] |
//! | `Customer` | [`Customer`] |
//! | `AssociatedTransactionDetail` | [`AssociatedTransactionDetail`] |
//! | `TransactionLineItem` | [`TransactionLineItem`] |
//! | `TransactionLineItem.businessOrderInfo` (string map) | `BTreeMap<String, String>` |
//! | `GetBatchInvoicePaymentDetailsRequest` | [`GetBatchInvoicePaymentDetailsRequest`] |
//! | `GetBatchInvoicePaymentDetailsResponse` | [`GetBatchInvoicePaymentDetailsResponse`] |
//! | `InvoicePaymentDetailResult` | [`InvoicePaymentDetailResult`] (a union on `resultType`) |
//! | `InvoicePaymentDetailResult.resultType` (inline enum) | [`InvoicePaymentResultType`] |
//! | `SuccessInvoicePaymentDetailResult` | [`SuccessInvoicePaymentDetailResult`] |
//! | `FailedInvoicePaymentDetailResult` | [`FailedInvoicePaymentDetailResult`] |
//! | `PaymentDetails` | [`PaymentDetails`] |
//! | `InvoiceDetailsByOrderLineItemsRequest` | [`InvoiceDetailsByOrderLineItemsRequest`] |
//! | `OrderLineItem` | [`OrderLineItem`] |
//! | `InvoiceDetailsByOrderLineItemsResponse` | [`InvoiceDetailsByOrderLineItemsResponse`] |
//! | `InvoiceDetailsOfOrderLineItem` | [`InvoiceDetailsOfOrderLineItem`] |
//! | `InvoiceDetail` | [`InvoiceDetail`] |
//! | `InvoiceType` | [`InvoiceType`] |
//! | `ConsolidatedInvoiceDetails` | [`ConsolidatedInvoiceDetails`] |
//! | `InvoiceIssuerDetail` | [`InvoiceIssuerDetail`] (the same shape as `MerchantDetail`) |
//! | `MerchantDetail` | [`MerchantDetail`] |
//! | `Address` | [`PhysicalAddress`] (its one field, `addressType`, is part of `PhysicalAddress`) |
//! | `PhysicalAddress` | [`PhysicalAddress`] |
//! | `TaxDetail` | [`TaxDetail`] |
//! | `TransactionDataItem` | [`TransactionDataItem`] |
//! | `LineItemApportionmentDetail` | [`LineItemApportionmentDetail`] |
//! | `LineItemLevelFeeDetail` | [`LineItemLevelFeeDetail`] |
//! | `LineItemLevelFeeApportionmentDetail` | [`LineItemLevelFeeApportionmentDetail`] |
//! | `InvoiceLevelFeeDetail` | [`InvoiceLevelFeeDetail`] |
//! | `InvoiceLevelFeeApportionmentDetail` | [`InvoiceLevelFeeApportionmentDetail`] |
//! | `FeeType` | [`FeeType`] |
//! | `Money` | [`crate::types::Money`] (amounts travel as JSON strings here) |
//! | `ErrorList` | [`crate::error::ErrorList`] |
//! | `Error` | [`crate::error::ErrorEntry`] |
//!
//! # Where the examples and the model disagree
//!
//! Optional fields read an explicit JSON `null` and an absent key alike as `None`, and write
//! `None` by leaving the key out. A few fields the model marks required are missing from
//! Amazon's recorded examples, so they are `Option` here (each is commented):
//! `SuccessInvoicePaymentDetailResult.paymentDetails`, `FailedInvoicePaymentDetailResult.error`,
//! `InvoiceIssuerDetail`/`MerchantDetail.registrationNumber`, `PhysicalAddress.addressType`
//! and `.city`, `TransactionDataItem.discount` and `InvoiceLevelFeeDetail.discount` (and, by
//! the same token, `LineItemLevelFeeDetail.discount`).
//!
//! `InvoicePaymentDetailResult` names `resultType` as its discriminator in prose only (the
//! model has no `discriminator` keyword); it is still read as a union of its two `allOf`
//! subtypes, and a `resultType` the model does not list is kept as raw JSON.

use std::collections::BTreeMap;

use http::Method;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_with::skip_serializing_none;

use crate::error::{Error, ErrorEntry, ValidationError};
use crate::operation::{Operation, Paginated, RequestContext, Role, UsagePlan};
use crate::types::{DateTime, Money};
use crate::wire::{parse_json, validate, RequestBuilder};

const TRANSACTIONS_PATH: &str = "/reconciliation/2021-01-08/transactions";
const PAYMENT_DETAILS_PATH: &str = "/reconciliation/2021-01-08/invoices/batch/paymentDetails";
const INVOICES_PATH: &str = "/reconciliation/2021-01-08/invoices";
const USAGE_PLAN: UsagePlan = UsagePlan::new(2.0, 10);

// ---------------------------------------------------------------------------------------------
// Models: transactions
// ---------------------------------------------------------------------------------------------

/// One page of transactions (model `TransactionsResponse`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionsResponse {
    /// The transactions on this page.
    pub transactions: Vec<Transaction>,
    /// Token for the following page; absent on the last page.
    pub next_page_token: Option<String>,
}

string_enum! {
    /// What a transaction did (`Transaction.transactionType`).
    pub enum TransactionType {
        /// Money was charged.
        Charge = "CHARGE",
        /// Money was refunded.
        Refund = "REFUND",
        /// More was refunded than was charged.
        Overrefund = "OVERREFUND",
    }
}

/// A payment transaction: a charge or a refund (model `Transaction`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    /// The marketplace the transaction belongs to.
    pub marketplace_id: Option<String>,
    /// When the transaction happened.
    pub transaction_date: Option<DateTime>,
    /// When the transaction entered the feed (what the date range filters on).
    pub feed_date: Option<DateTime>,
    /// Charge, refund or over-refund.
    pub transaction_type: Option<TransactionType>,
    /// The transaction's ID.
    pub transaction_id: Option<String>,
    /// The reference shown on the payment instrument's statement.
    pub charge_identifier: Option<String>,
    /// Tax rate applied to shipping, as text (e.g. `"0.00"`).
    pub ship_tax_rate: Option<String>,
    /// Tax rate applied to gift wrapping, as text.
    pub gift_wrap_tax_rate: Option<String>,
    /// The legal entity that made the purchase.
    pub legal_entity_name: Option<String>,
    /// The buying group that made the purchase.
    pub purchasing_customer_group_name: Option<String>,
    /// The invoice the transaction pays.
    pub invoice_number: Option<String>,
    /// The amount charged (or authorised, when not settled yet) or refunded.
    pub amount: Option<Money>,
    /// The kind of payment instrument.
    pub payment_instrument_type: Option<String>,
    /// Last four digits of the payment instrument.
    pub payment_instrument_last4_digits: Option<String>,
    /// Who bought.
    pub buyer: Option<Customer>,
    /// Who paid.
    pub payer: Option<Customer>,
    /// Related transactions (e.g. the charge a refund reverses).
    pub associated_transaction_details: Option<Vec<AssociatedTransactionDetail>>,
    /// The order lines the transaction covers.
    pub transaction_line_items: Option<Vec<TransactionLineItem>>,
}

/// A person in a transaction (model `Customer`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// Amazon's account ID for the person.
    pub id: String,
    /// The person's name.
    pub name: Option<String>,
    /// The person's email address.
    pub email: Option<String>,
}

/// A reference to a related transaction (model `AssociatedTransactionDetail`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociatedTransactionDetail {
    /// The related transaction's ID.
    pub associated_transaction_id: String,
}

/// The part of a transaction that belongs to one order line (model `TransactionLineItem`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionLineItem {
    /// Why the line was refunded.
    pub refund_reason: Option<String>,
    /// The line's total.
    pub total_amount: Option<Money>,
    /// The item price part.
    pub principal_amount: Option<Money>,
    /// Shipping charged.
    pub shipping_charge: Option<Money>,
    /// Regulatory fees charged.
    pub regulatory_fee: Option<Money>,
    /// Gift wrapping charged.
    pub gift_wrapping_charge: Option<Money>,
    /// Discounts (negative).
    pub discount: Option<Money>,
    /// Tax.
    pub tax: Option<Money>,
    /// Price of one unit.
    pub unit_price: Option<Money>,
    /// Tax rate, as text (e.g. `"0.00"`).
    pub tax_rate: Option<String>,
    /// Amazon's order ID.
    pub order_id: Option<String>,
    /// UN Standard Products and Services Code.
    pub unspsc: Option<String>,
    /// The order line's ID.
    pub order_line_item_id: Option<String>,
    /// The buyer's purchase order number.
    pub purchase_order_number: Option<String>,
    /// The buyer's purchase order line reference.
    pub purchase_order_line_item_id: Option<String>,
    /// The product's ASIN.
    pub asin: Option<String>,
    /// The product's title.
    pub product_title: Option<String>,
    /// Number of units.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub item_quantity: Option<i64>,
    /// The shipment the line went out in.
    pub shipment_id: Option<String>,
    /// When that shipment left.
    pub shipment_date: Option<DateTime>,
    /// The seller's legal name.
    pub merchant_legal_name: Option<String>,
    /// The budget the purchase was charged to.
    pub budget_id: Option<String>,
    /// Checkout fields such as GL code or cost centre, by name.
    pub business_order_info: Option<BTreeMap<String, String>>,
}

// ---------------------------------------------------------------------------------------------
// Models: invoice payment details
// ---------------------------------------------------------------------------------------------

/// The body of [`GetBatchInvoicePaymentDetails`] (model `GetBatchInvoicePaymentDetailsRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetBatchInvoicePaymentDetailsRequest {
    /// The invoices to look up (1 to 25 IDs of 1 to 255 characters).
    pub invoice_ids: Vec<String>,
}

/// One result per requested invoice (model `GetBatchInvoicePaymentDetailsResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetBatchInvoicePaymentDetailsResponse {
    /// The results, one per invoice.
    pub invoice_payment_details_results: Vec<InvoicePaymentDetailResult>,
}

string_enum! {
    /// Which kind of result an invoice got (`InvoicePaymentDetailResult.resultType`).
    pub enum InvoicePaymentResultType {
        /// Payment details were found.
        Success = "SUCCESS",
        /// They could not be retrieved.
        Error = "ERROR",
    }
}

/// The payment status of one invoice, or why it could not be retrieved (model
/// `InvoicePaymentDetailResult`, a union on `resultType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoicePaymentDetailResult {
    /// `resultType: SUCCESS`.
    Success(SuccessInvoicePaymentDetailResult),
    /// `resultType: ERROR`.
    Error(FailedInvoicePaymentDetailResult),
    /// A `resultType` the model does not list (or none), kept as the raw JSON object.
    Unknown(serde_json::Value),
}

impl InvoicePaymentDetailResult {
    /// The invoice this result is about (for an unknown result, when it has an `invoiceId`).
    pub fn invoice_id(&self) -> Option<&str> {
        match self {
            InvoicePaymentDetailResult::Success(s) => Some(&s.invoice_id),
            InvoicePaymentDetailResult::Error(f) => Some(&f.invoice_id),
            InvoicePaymentDetailResult::Unknown(v) => v.get("invoiceId").and_then(|v| v.as_str()),
        }
    }

    /// The `resultType` this result travels with.
    pub fn result_type(&self) -> InvoicePaymentResultType {
        match self {
            InvoicePaymentDetailResult::Success(_) => InvoicePaymentResultType::Success,
            InvoicePaymentDetailResult::Error(_) => InvoicePaymentResultType::Error,
            InvoicePaymentDetailResult::Unknown(v) => InvoicePaymentResultType::Unknown(
                v.get(RESULT_TYPE).and_then(|v| v.as_str()).unwrap_or_default().to_owned(),
            ),
        }
    }
}

const RESULT_TYPE: &str = "resultType";

impl Serialize for InvoicePaymentDetailResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let (kind, mut value) = match self {
            InvoicePaymentDetailResult::Success(s) => {
                ("SUCCESS", serde_json::to_value(s).map_err(S::Error::custom)?)
            }
            InvoicePaymentDetailResult::Error(f) => {
                ("ERROR", serde_json::to_value(f).map_err(S::Error::custom)?)
            }
            InvoicePaymentDetailResult::Unknown(v) => return v.serialize(serializer),
        };
        if let serde_json::Value::Object(map) = &mut value {
            map.insert(RESULT_TYPE.to_owned(), serde_json::Value::String(kind.to_owned()));
        }
        value.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for InvoicePaymentDetailResult {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let kind = value.get(RESULT_TYPE).and_then(|v| v.as_str()).map(str::to_owned);
        match kind.as_deref() {
            Some("SUCCESS") => serde_json::from_value(value)
                .map(InvoicePaymentDetailResult::Success)
                .map_err(|e| D::Error::custom(format!("a SUCCESS result: {e}"))),
            Some("ERROR") => serde_json::from_value(value)
                .map(InvoicePaymentDetailResult::Error)
                .map_err(|e| D::Error::custom(format!("an ERROR result: {e}"))),
            _ => Ok(InvoicePaymentDetailResult::Unknown(value)),
        }
    }
}

/// The payment details of one invoice (model `SuccessInvoicePaymentDetailResult`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuccessInvoicePaymentDetailResult {
    /// The invoice's ID.
    pub invoice_id: String,
    /// Its payment status and due date.
    // Required in the model, but the sandbox example's SUCCESS result has none.
    pub payment_details: Option<PaymentDetails>,
}

/// Why one invoice's payment details could not be retrieved (model
/// `FailedInvoicePaymentDetailResult`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedInvoicePaymentDetailResult {
    /// The invoice's ID.
    pub invoice_id: String,
    /// What went wrong.
    // Required in the model, but the sandbox example's ERROR result has none.
    pub error: Option<ErrorEntry>,
}

/// An invoice's payment status and due date (model `PaymentDetails`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentDetails {
    /// The payment status, e.g. `Issued`.
    pub status: String,
    /// When payment is due.
    pub due_date: DateTime,
}

// ---------------------------------------------------------------------------------------------
// Models: invoice details
// ---------------------------------------------------------------------------------------------

/// The body of [`GetInvoiceDetailsByOrderLineItems`] (model
/// `InvoiceDetailsByOrderLineItemsRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDetailsByOrderLineItemsRequest {
    /// The order lines to look up.
    pub order_line_items: Vec<OrderLineItem>,
}

/// One shipped order line (model `OrderLineItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderLineItem {
    /// Amazon's order ID.
    pub order_id: String,
    /// The order line's ID.
    pub order_line_item_id: String,
    /// The shipment the line went out in.
    pub shipment_id: String,
}

impl OrderLineItem {
    /// Line `order_line_item_id` of order `order_id`, shipped in `shipment_id`.
    pub fn new(
        order_id: impl Into<String>,
        order_line_item_id: impl Into<String>,
        shipment_id: impl Into<String>,
    ) -> Self {
        OrderLineItem {
            order_id: order_id.into(),
            order_line_item_id: order_line_item_id.into(),
            shipment_id: shipment_id.into(),
        }
    }
}

/// The invoices of each requested order line (model `InvoiceDetailsByOrderLineItemsResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDetailsByOrderLineItemsResponse {
    /// One entry per order line.
    pub invoice_details_by_order_line_items: Vec<InvoiceDetailsOfOrderLineItem>,
}

/// An order line and its invoices and credit memos (model `InvoiceDetailsOfOrderLineItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDetailsOfOrderLineItem {
    /// The order line.
    pub order_line_item: OrderLineItem,
    /// Its invoices and credit memos.
    pub invoice_details: Vec<InvoiceDetail>,
}

string_enum! {
    /// Whether a document bills or credits (model `InvoiceType`).
    pub enum InvoiceType {
        /// An invoice.
        Standard = "STANDARD",
        /// A credit memo (refund document).
        CreditMemo = "CREDIT_MEMO",
    }
}

/// An invoice or credit memo (model `InvoiceDetail`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDetail {
    /// The invoice number.
    pub invoice_number: String,
    /// When it was issued.
    pub invoice_date: DateTime,
    /// The consolidated invoice it is part of.
    pub consolidated_invoice_details: Option<ConsolidatedInvoiceDetails>,
    /// Invoice or credit memo.
    pub invoice_type: Option<InvoiceType>,
    /// For a credit memo, the invoice it credits.
    pub associated_invoice_number: Option<String>,
    /// For a credit memo, when the credited invoice was issued.
    pub associated_invoice_date: Option<DateTime>,
    /// Who issued the document.
    pub invoice_issuer: Option<InvoiceIssuerDetail>,
    /// The billing address.
    pub bill_to_address: Option<PhysicalAddress>,
    /// The seller.
    pub seller_information: Option<MerchantDetail>,
    /// When the order was placed.
    pub order_date: Option<DateTime>,
    /// ISO 4217 currency of the totals.
    pub currency_code: Option<String>,
    /// The document's total, as text (e.g. `"1751.00"`).
    pub invoice_total: Option<String>,
    /// Tax by rate.
    pub tax: Option<Vec<TaxDetail>>,
    /// The items billed.
    pub transaction_data_items: Option<Vec<TransactionDataItem>>,
    /// Fees billed on the whole document.
    pub fees: Option<Vec<InvoiceLevelFeeDetail>>,
}

/// The consolidated invoice a document belongs to (model `ConsolidatedInvoiceDetails`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsolidatedInvoiceDetails {
    /// The consolidated invoice's number.
    pub invoice_number: String,
}

/// A business named on an invoice, as seller (model `MerchantDetail`) or issuer (model
/// `InvoiceIssuerDetail`, the same shape).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MerchantDetail {
    /// The business's name.
    pub name: String,
    /// Its tax or company registration number.
    // Required in the model, but every sandbox example omits it.
    pub registration_number: Option<String>,
}

/// Who issued an invoice (model `InvoiceIssuerDetail`); the same shape as [`MerchantDetail`].
pub type InvoiceIssuerDetail = MerchantDetail;

/// A postal address (model `PhysicalAddress`, which extends model `Address`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalAddress {
    /// The kind of address (from model `Address`).
    // Required in the model, but the sandbox examples omit it.
    pub address_type: Option<String>,
    /// The addressee's full name.
    pub full_name: String,
    /// A phone number.
    pub phone_number: Option<String>,
    /// A company name.
    pub company_name: Option<String>,
    /// First address line.
    pub address_line1: String,
    /// Second address line.
    pub address_line2: Option<String>,
    /// Third address line.
    pub address_line3: Option<String>,
    /// City.
    // Required in the model, but the sandbox examples omit it.
    pub city: Option<String>,
    /// State, prefecture or region.
    pub state_or_region: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// Two-letter country code.
    pub country_code: String,
}

/// Tax at one rate (model `TaxDetail`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxDetail {
    /// The rate, as text (e.g. `"0.1"`).
    pub rate: String,
    /// Total including tax.
    pub inclusive_total: Money,
    /// Total excluding tax.
    pub exclusive_total: Money,
    /// The tax.
    pub amount: Money,
}

/// One item billed on an invoice (model `TransactionDataItem`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionDataItem {
    /// The tax rate, as text (e.g. `"0.1"`).
    pub tax_rate: String,
    /// Number of units.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub unit: i64,
    /// The product's ASIN.
    pub asin: String,
    /// The product's title.
    pub title: String,
    /// Price of one unit including tax.
    pub unit_tax_inclusive_price: Money,
    /// Price of one unit excluding tax.
    pub unit_tax_exclusive_price: Money,
    /// Tax on one unit.
    pub unit_tax_amount: Money,
    /// The item's total.
    pub total_amount: Money,
    /// Discount on the item.
    // Required in the model, but every sandbox example omits it.
    pub discount: Option<Money>,
    /// How the item splits over order lines.
    pub apportionment: Vec<LineItemApportionmentDetail>,
    /// Fees on the item.
    pub fees: Vec<LineItemLevelFeeDetail>,
}

/// The share of an invoice item that belongs to one order line (model
/// `LineItemApportionmentDetail`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineItemApportionmentDetail {
    /// The order line's ID.
    pub order_line_item_id: String,
    /// The line's number on the invoice.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub line_number: i64,
    /// Number of units.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub units: i64,
    /// Price of one unit.
    pub unit_price: Money,
    /// Tax on the share.
    pub tax_amount: Money,
}

string_enum! {
    /// What a fee is for (model `FeeType`).
    pub enum FeeType {
        /// Shipping.
        Shipping = "SHIPPING",
        /// Gift wrapping.
        Giftwrapping = "GIFTWRAPPING",
        /// Anything else.
        Other = "OTHER",
    }
}

/// A fee on one invoice item (model `LineItemLevelFeeDetail`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineItemLevelFeeDetail {
    /// What the fee is for.
    pub fee_type: FeeType,
    /// Tax on the fee.
    pub tax: TaxDetail,
    /// Discount on the fee.
    // Required in the model; the invoice-level twin of this field is missing from a sandbox
    // example, so a missing discount must not fail the whole response here either.
    pub discount: Option<Money>,
    /// How the fee splits over order lines.
    pub apportionment: Vec<LineItemLevelFeeApportionmentDetail>,
}

/// The share of an item fee that belongs to one order line (model
/// `LineItemLevelFeeApportionmentDetail`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineItemLevelFeeApportionmentDetail {
    /// The order line's ID.
    pub associated_order_line_item_id: String,
    /// Number of units.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub units: i64,
    /// Fee per unit excluding tax.
    pub unit_tax_exclusive_fee: Money,
    /// Tax per unit.
    pub unit_tax_amount: Money,
}

/// A fee on a whole invoice (model `InvoiceLevelFeeDetail`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLevelFeeDetail {
    /// What the fee is for.
    pub fee_type: FeeType,
    /// Tax on the fee.
    pub tax: TaxDetail,
    /// Discount on the fee.
    // Required in the model, but the sandbox example omits it on invoice `JP25EF9G0FUI`.
    pub discount: Option<Money>,
    /// How the fee splits.
    pub apportionment: Vec<InvoiceLevelFeeApportionmentDetail>,
}

/// One share of an invoice fee (model `InvoiceLevelFeeApportionmentDetail`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLevelFeeApportionmentDetail {
    /// The fee excluding tax.
    pub tax_exclusive_fee: Money,
    /// The tax.
    pub tax_amount: Money,
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/// Lists the payment transactions whose feed date falls in a range (`getTransactions`).
///
/// The following pages are fetched with [`Paginated::next_page`], which sends `nextPageToken`
/// as the only parameter, as the model's description of the token requires (although it also
/// marks the dates required); [`GetTransactions::resume`] continues from a saved token.
///
/// - Role: Business Purchase Reconciliation.
/// - Usage plan: 2 requests per second, burst 10.
/// - Sandbox: mocked by Amazon's static sandbox (feed dates 2020-07-09 to 2020-08-01; a
///   malformed date answers 400).
///
/// ```
/// use amazon_business_blocking::reconciliation::GetTransactions;
/// use amazon_business_blocking::operation::{Operation, RequestContext};
/// use amazon_business_blocking::{DateTime, Marketplace};
/// let op = GetTransactions::new(
///     DateTime::parse("2020-07-09T00:00:00Z")?,
///     DateTime::parse("2020-08-01T00:00:00Z")?,
/// );
/// let base = url::Url::parse("https://sandbox.na.business-api.amazon.com")?;
/// let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
/// assert_eq!(
///     op.request(&cx)?.uri().query(),
///     Some("feedStartDate=2020-07-09T00%3A00%3A00Z&feedEndDate=2020-08-01T00%3A00%3A00Z")
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetTransactions {
    range: Option<(DateTime, DateTime)>,
    next_page_token: Option<String>,
}

impl GetTransactions {
    /// Transactions whose feed date lies between `feed_start_date` and `feed_end_date`.
    pub fn new(feed_start_date: impl Into<DateTime>, feed_end_date: impl Into<DateTime>) -> Self {
        GetTransactions { range: Some((feed_start_date.into(), feed_end_date.into())), next_page_token: None }
    }

    /// Continues a listing from a `nextPageToken` saved from an earlier page. Only the token is
    /// sent.
    pub fn resume(next_page_token: impl Into<String>) -> Self {
        GetTransactions { range: None, next_page_token: Some(next_page_token.into()) }
    }

    /// The page token this operation continues from, if it is not the first page.
    pub fn next_page_token(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }
}

impl Operation for GetTransactions {
    type Output = TransactionsResponse;
    const ID: &'static str = "getTransactions";
    const ROLE: Role = Role::BusinessPurchaseReconciliation;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let b = RequestBuilder::new(Self::ID, Method::GET, cx, TRANSACTIONS_PATH);
        match (&self.next_page_token, &self.range) {
            (Some(token), _) => {
                b.check(validate::non_empty(Self::ID, "nextPageToken", token)).query("nextPageToken", token)
            }
            (None, Some((start, end))) => b.query("feedStartDate", start).query("feedEndDate", end),
            (None, None) => b.check(Err(ValidationError::new(
                Self::ID,
                "feedStartDate",
                "is required (or continue with a nextPageToken)",
            ))),
        }
        .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<TransactionsResponse, Error> {
        parse_json(Self::ID, response.body())
    }
}

impl Paginated for GetTransactions {
    fn next_page(&self, output: &TransactionsResponse) -> Option<Self> {
        let token = output.next_page_token.as_deref().filter(|t| !t.is_empty())?;
        Some(GetTransactions { next_page_token: Some(token.to_owned()), ..self.clone() })
    }
}

/// Fetches the payment status and due date of up to 25 invoices
/// (`getBatchInvoicePaymentDetails`). Each invoice gets its own result, a success or an error.
///
/// A read-only POST, so it is retry-safe.
///
/// Checked before sending: 1 to 25 invoice IDs, each of 1 to 255 characters.
///
/// - Role: Business Purchase Reconciliation.
/// - Usage plan: 2 requests per second, burst 10.
/// - Sandbox: mocked by Amazon's static sandbox (invoices `JP218PV8HMOI` and `1XQX-T4VG-9939`;
///   `INVALID_INVOICE_ID` answers 400).
///
/// ```
/// use amazon_business_blocking::reconciliation::GetBatchInvoicePaymentDetails;
/// let op = GetBatchInvoicePaymentDetails::new(["JP218PV8HMOI", "1XQX-T4VG-9939"]);
/// assert_eq!(op.body().invoice_ids.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetBatchInvoicePaymentDetails {
    body: GetBatchInvoicePaymentDetailsRequest,
}

impl GetBatchInvoicePaymentDetails {
    /// The payment details of these invoices (1 to 25 IDs).
    pub fn new<I>(invoice_ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        GetBatchInvoicePaymentDetails {
            body: GetBatchInvoicePaymentDetailsRequest {
                invoice_ids: invoice_ids.into_iter().map(Into::into).collect(),
            },
        }
    }

    /// The body that will be sent.
    pub fn body(&self) -> &GetBatchInvoicePaymentDetailsRequest {
        &self.body
    }

    fn check(&self) -> Result<(), ValidationError> {
        let ids = &self.body.invoice_ids;
        validate::items(Self::ID, "invoiceIds", ids.len(), 1, 25)?;
        for (i, id) in ids.iter().enumerate() {
            validate::length(Self::ID, &format!("invoiceIds[{i}]"), id, 1, 255)?;
        }
        Ok(())
    }
}

impl Operation for GetBatchInvoicePaymentDetails {
    type Output = GetBatchInvoicePaymentDetailsResponse;
    const ID: &'static str = "getBatchInvoicePaymentDetails";
    const ROLE: Role = Role::BusinessPurchaseReconciliation;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        RequestBuilder::new(Self::ID, Method::POST, cx, PAYMENT_DETAILS_PATH)
            .check(self.check())
            .json(&self.body)
            .build()
    }

    fn parse(
        &self,
        response: &http::Response<Vec<u8>>,
    ) -> Result<GetBatchInvoicePaymentDetailsResponse, Error> {
        parse_json(Self::ID, response.body())
    }
}

/// Fetches the invoices and credit memos of shipped order lines
/// (`getInvoiceDetailsByOrderLineItems`).
///
/// A read-only POST, so it is retry-safe.
///
/// - Role: Business Purchase Reconciliation.
/// - Usage plan: 2 requests per second, burst 10.
/// - Sandbox: mocked by Amazon's static sandbox (lines of orders `503-0807783-5846230` and
///   `250-9059274-9386231`; a request without a body answers 400).
///
/// ```
/// use amazon_business_blocking::reconciliation::{GetInvoiceDetailsByOrderLineItems, OrderLineItem};
/// let op = GetInvoiceDetailsByOrderLineItems::new([
///     OrderLineItem::new("503-0807783-5846230", "6172301145805", "Dps13nXXc"),
///     OrderLineItem::new("250-9059274-9386231", "6172160940605", "DZms0yvhc"),
/// ]);
/// assert_eq!(op.body().order_line_items.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetInvoiceDetailsByOrderLineItems {
    body: InvoiceDetailsByOrderLineItemsRequest,
}

impl GetInvoiceDetailsByOrderLineItems {
    /// The invoice details of these order lines.
    pub fn new(order_line_items: impl IntoIterator<Item = OrderLineItem>) -> Self {
        GetInvoiceDetailsByOrderLineItems {
            body: InvoiceDetailsByOrderLineItemsRequest {
                order_line_items: order_line_items.into_iter().collect(),
            },
        }
    }

    /// The body that will be sent.
    pub fn body(&self) -> &InvoiceDetailsByOrderLineItemsRequest {
        &self.body
    }
}

impl GetInvoiceDetailsByOrderLineItems {
    /// 1 to 25 line items (the model's limit per call; an empty request asks for nothing),
    /// each with its three identifiers.
    fn check(&self) -> Result<(), ValidationError> {
        let items = &self.body.order_line_items;
        validate::items(Self::ID, "orderLineItems", items.len(), 1, 25)?;
        for (i, item) in items.iter().enumerate() {
            validate::non_empty(Self::ID, &format!("orderLineItems[{i}].orderId"), &item.order_id)?;
            validate::non_empty(
                Self::ID,
                &format!("orderLineItems[{i}].orderLineItemId"),
                &item.order_line_item_id,
            )?;
            validate::non_empty(Self::ID, &format!("orderLineItems[{i}].shipmentId"), &item.shipment_id)?;
        }
        Ok(())
    }
}

impl Operation for GetInvoiceDetailsByOrderLineItems {
    type Output = InvoiceDetailsByOrderLineItemsResponse;
    const ID: &'static str = "getInvoiceDetailsByOrderLineItems";
    const ROLE: Role = Role::BusinessPurchaseReconciliation;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        RequestBuilder::new(Self::ID, Method::POST, cx, INVOICES_PATH)
            .check(self.check())
            .json(&self.body)
            .build()
    }

    fn parse(
        &self,
        response: &http::Response<Vec<u8>>,
    ) -> Result<InvoiceDetailsByOrderLineItemsResponse, Error> {
        parse_json(Self::ID, response.body())
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
    use crate::types::AmountForm;
    use url::Url;

    fn request<O: Operation>(op: &O) -> Result<http::Request<Vec<u8>>, Box<Error>> {
        let base = Url::parse(SANDBOX).unwrap();
        let cx = RequestContext {
            base_url: &base,
            marketplace: Marketplace::UnitedStates,
            user_email: Some("buyer@example.com"),
        };
        op.request(&cx).map_err(Box::new)
    }

    fn get_uri<O: Operation>(op: &O) -> Result<String, Box<Error>> {
        request(op).map(|r| {
            assert_eq!(r.method(), Method::GET);
            assert!(r.body().is_empty());
            r.uri().to_string()
        })
    }

    /// The URI and JSON body of a POST.
    fn post<O: Operation>(op: &O) -> Result<(String, serde_json::Value), Box<Error>> {
        request(op).map(|r| {
            assert_eq!(r.method(), Method::POST);
            assert_eq!(r.headers()["content-type"], "application/json");
            assert!(r.headers().get(crate::wire::USER_EMAIL_HEADER).is_none());
            (r.uri().to_string(), serde_json::from_slice(r.body()).unwrap())
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
        assert_round_trip_normalized(&errors, &example);
    }

    // --- getTransactions ----------------------------------------------------------------------

    #[test]
    fn transactions_sandbox_200() {
        let op = GetTransactions::new(t("2020-07-09T00:00:00Z"), t("2020-08-01T00:00:00Z"));
        assert_eq!(
            get_uri(&op).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reconciliation/2021-01-08/transactions?feedStartDate=2020-07-09T00%3A00%3A00Z&feedEndDate=2020-08-01T00%3A00%3A00Z"
        );
        let example = example_response("getTransactions-200-0");
        let out = op.parse(&response(&example)).unwrap();
        assert_eq!(out.next_page_token, None);
        let tx = &out.transactions[0];
        assert_eq!(tx.transaction_type, Some(TransactionType::Charge));
        assert_eq!(tx.transaction_date, Some(t("2020-04-03T16:59:18.768Z")));
        assert_eq!(tx.feed_date, Some(t("2021-05-12T20:44:21.791Z")));
        let amount = tx.amount.as_ref().unwrap();
        assert_eq!(amount.currency_code, "USD");
        assert_eq!(amount.amount.value(), dec("5.99"));
        assert_eq!(amount.amount.form(), AmountForm::String);
        assert_eq!(tx.buyer.as_ref().unwrap().name.as_deref(), Some("jared"));
        assert_eq!(tx.payment_instrument_last4_digits, None);
        assert_eq!(
            tx.associated_transaction_details.as_ref().unwrap()[0].associated_transaction_id,
            "ONf39R7NmjIh9247YJ34"
        );
        let line = &tx.transaction_line_items.as_ref().unwrap()[0];
        assert_eq!(line.discount.as_ref().unwrap().amount.value(), dec("-2.99"));
        assert_eq!(line.tax.as_ref().unwrap().amount.to_string(), "0.0");
        assert_eq!(line.item_quantity, Some(1));
        assert_eq!(line.shipment_date, Some(t("2020-04-03T16:59:21Z")));
        assert_eq!(line.purchase_order_number.as_deref(), Some(""));
        assert_eq!(line.business_order_info.as_ref().unwrap()["GL code"], "535-office");
        assert_eq!(line.refund_reason, None);
        assert_round_trip_normalized(&out, &example);
    }

    #[test]
    fn transactions_sandbox_400_cannot_be_built() {
        // The example sends `feedStartDate=incorrectFormatDate`; the typed API takes a
        // DateTime, and that text is refused when it is parsed, before any request exists.
        let err = DateTime::parse("incorrectFormatDate").unwrap_err().to_string();
        assert!(err.contains("RFC 3339"), "{err}");
        // Its offset-less end date is read as UTC and would go out with a `Z`.
        assert_eq!(t("2020-08-01T00:00:00").to_rfc3339(), "2020-08-01T00:00:00Z");
        check_errors("getTransactions-400-0", "INVALID_REQUEST_PARAMETER");
    }

    #[test]
    fn transactions_next_page_sends_only_the_token() {
        let op = GetTransactions::new(t("2020-07-09T00:00:00+02:00"), t("2020-08-01T00:00:00Z"));
        let mut out = TransactionsResponse { transactions: vec![], next_page_token: Some("a+b/c=".into()) };
        let next = op.next_page(&out).expect("a token means another page");
        assert_eq!(next.next_page_token(), Some("a+b/c="));
        assert_eq!(
            get_uri(&next).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reconciliation/2021-01-08/transactions?nextPageToken=a%2Bb%2Fc%3D"
        );
        assert_eq!(get_uri(&GetTransactions::resume("a+b/c=")).unwrap(), get_uri(&next).unwrap());
        out.next_page_token = None;
        assert!(op.next_page(&out).is_none());
        out.next_page_token = Some(String::new());
        assert!(op.next_page(&out).is_none());

        let e = validation(&request(&GetTransactions::resume("")).unwrap_err());
        assert_eq!(e.field, "nextPageToken");
        assert_eq!(
            get_uri(&op).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reconciliation/2021-01-08/transactions?feedStartDate=2020-07-08T22%3A00%3A00Z&feedEndDate=2020-08-01T00%3A00%3A00Z"
        );
    }

    // --- getBatchInvoicePaymentDetails --------------------------------------------------------

    #[test]
    fn payment_details_sandbox_200() {
        let op = GetBatchInvoicePaymentDetails::new(["JP218PV8HMOI", "1XQX-T4VG-9939"]);
        let (uri, body) = post(&op).unwrap();
        assert_eq!(
            uri,
            "https://sandbox.na.business-api.amazon.com/reconciliation/2021-01-08/invoices/batch/paymentDetails"
        );
        assert_eq!(body, example("getBatchInvoicePaymentDetails-200-0")["body"]);

        let example = example_response("getBatchInvoicePaymentDetails-200-0");
        let out = op.parse(&response(&example)).unwrap();
        let results = &out.invoice_payment_details_results;
        assert_eq!(results.len(), 2);
        match &results[0] {
            InvoicePaymentDetailResult::Success(s) => {
                assert_eq!(s.invoice_id, "JP218PV8HMOI");
                assert_eq!(s.payment_details, None);
            }
            other => panic!("{other:?}"),
        }
        match &results[1] {
            InvoicePaymentDetailResult::Error(f) => {
                assert_eq!(f.invoice_id, "1XQX-T4VG-9939");
                assert_eq!(f.error, None);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(results[0].result_type(), InvoicePaymentResultType::Success);
        assert_eq!(results[1].result_type(), InvoicePaymentResultType::Error);
        assert_eq!(results[1].invoice_id(), Some("1XQX-T4VG-9939"));
        assert_round_trip_normalized(&out, &example);
    }

    #[test]
    fn payment_details_sandbox_400_is_built() {
        // One ID of 18 characters is valid per the model; only Amazon refuses it.
        let op = GetBatchInvoicePaymentDetails::new(["INVALID_INVOICE_ID"]);
        let (uri, body) = post(&op).unwrap();
        assert!(uri.ends_with("/reconciliation/2021-01-08/invoices/batch/paymentDetails"));
        assert_eq!(body, example("getBatchInvoicePaymentDetails-400-0")["body"]);
        check_errors("getBatchInvoicePaymentDetails-400-0", "INVALID_REQUEST_PARAMETER");
    }

    #[test]
    fn payment_details_validation() {
        let e = validation(&request(&GetBatchInvoicePaymentDetails::new(Vec::<String>::new())).unwrap_err());
        assert_eq!(e.field, "invoiceIds");
        assert!(e.message.contains("has 0 items, must have between 1 and 25"), "{e}");
        let e = validation(
            &request(&GetBatchInvoicePaymentDetails::new((0..26).map(|i| format!("I{i}")))).unwrap_err(),
        );
        assert_eq!(e.field, "invoiceIds");
        assert!(e.message.contains("has 26 items"), "{e}");
        assert!(request(&GetBatchInvoicePaymentDetails::new((0..25).map(|i| format!("I{i}")))).is_ok());

        let e = validation(&request(&GetBatchInvoicePaymentDetails::new(["A", ""])).unwrap_err());
        assert_eq!(e.field, "invoiceIds[1]");
        assert!(e.message.contains("between 1 and 255"), "{e}");
        let e = validation(&request(&GetBatchInvoicePaymentDetails::new(["x".repeat(256)])).unwrap_err());
        assert_eq!(e.field, "invoiceIds[0]");
        assert!(e.message.contains("has 256 characters"), "{e}");
        assert!(request(&GetBatchInvoicePaymentDetails::new(["x".repeat(255)])).is_ok());
    }

    #[test]
    fn payment_detail_results_are_a_union_on_result_type() {
        let json = r#"{"invoicePaymentDetailsResults": [
          {"invoiceId": "A", "resultType": "SUCCESS",
           "paymentDetails": {"status": "Issued", "dueDate": "2025-06-07T23:59:59Z"}},
          {"invoiceId": "B", "resultType": "ERROR",
           "error": {"code": "NOT_FOUND", "message": "No such invoice"}},
          {"invoiceId": "C", "resultType": "PENDING", "eta": 3}
        ]}"#;
        let out: GetBatchInvoicePaymentDetailsResponse = parse_json("test", json.as_bytes()).unwrap();
        let r = &out.invoice_payment_details_results;
        match &r[0] {
            InvoicePaymentDetailResult::Success(s) => {
                let details = s.payment_details.as_ref().unwrap();
                assert_eq!(details.status, "Issued");
                assert_eq!(details.due_date, t("2025-06-07T23:59:59Z"));
            }
            other => panic!("{other:?}"),
        }
        match &r[1] {
            InvoicePaymentDetailResult::Error(f) => assert_eq!(f.error.as_ref().unwrap().code, "NOT_FOUND"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(&r[2], InvoicePaymentDetailResult::Unknown(_)));
        assert_eq!(r[2].invoice_id(), Some("C"));
        assert_eq!(r[2].result_type(), InvoicePaymentResultType::Unknown("PENDING".into()));
        assert_round_trip_normalized(&out, json);

        // A known kind with a broken body is an error naming the kind, not an Unknown.
        let bad = r#"{"invoicePaymentDetailsResults": [{"resultType": "SUCCESS"}]}"#;
        let err = parse_json::<GetBatchInvoicePaymentDetailsResponse>("test", bad.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("SUCCESS"), "{err}");
        assert!(err.to_string().contains("invoiceId"), "{err}");
    }

    // --- getInvoiceDetailsByOrderLineItems ----------------------------------------------------

    #[test]
    fn invoices_sandbox_200() {
        let op = GetInvoiceDetailsByOrderLineItems::new([
            OrderLineItem::new("503-0807783-5846230", "6172301145805", "Dps13nXXc"),
            OrderLineItem::new("250-9059274-9386231", "6172160940605", "DZms0yvhc"),
        ]);
        let (uri, body) = post(&op).unwrap();
        assert_eq!(uri, "https://sandbox.na.business-api.amazon.com/reconciliation/2021-01-08/invoices");
        assert_eq!(body, example("getInvoiceDetailsByOrderLineItems-200-0")["body"]);

        let example = example_response("getInvoiceDetailsByOrderLineItems-200-0");
        let out = op.parse(&response(&example)).unwrap();
        let lines = &out.invoice_details_by_order_line_items;
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].order_line_item.order_line_item_id, "6172160940605");
        let first = &lines[0].invoice_details[0];
        assert_eq!(first.invoice_number, "JP218PV8HMOI");
        assert_eq!(first.invoice_date, t("2022-03-30T15:30:22.077Z"));
        assert_eq!(first.invoice_type, Some(InvoiceType::Standard));
        assert_eq!(first.consolidated_invoice_details.as_ref().unwrap().invoice_number, "11XS-123S-XFA1");
        assert_eq!(first.invoice_issuer.as_ref().unwrap().registration_number, None);
        let address = first.bill_to_address.as_ref().unwrap();
        assert_eq!(address.full_name, "test return");
        assert_eq!(address.city, None);
        assert_eq!(address.address_type, None);
        assert_eq!(address.country_code, "JP");
        assert_eq!(first.invoice_total.as_deref(), Some("1751.0"));
        let item = &first.transaction_data_items.as_ref().unwrap()[0];
        assert_eq!(item.unit, 1);
        assert_eq!(item.unit_tax_amount.amount.value(), dec("159"));
        assert_eq!(item.unit_tax_amount.amount.to_string(), "159.0");
        assert_eq!(item.unit_tax_inclusive_price.currency_code, "");
        assert_eq!(item.discount, None);
        let fee = &first.fees.as_ref().unwrap()[0];
        assert_eq!(fee.fee_type, FeeType::Shipping);
        assert_eq!(fee.discount.as_ref().unwrap().amount.value(), dec("-61.0"));
        assert_eq!(fee.tax.rate, "0.1");

        let memo = &lines[0].invoice_details[2];
        assert_eq!(memo.invoice_type, Some(InvoiceType::CreditMemo));
        assert_eq!(memo.associated_invoice_number.as_deref(), Some("JP218PV8HMOI"));
        assert_eq!(memo.associated_invoice_date, Some(t("2022-03-30T15:30:22.077Z")));
        let tax = &memo.tax.as_ref().unwrap()[0];
        assert_eq!(tax.exclusive_total.amount.value(), dec("1592.0"));
        let share = &memo.transaction_data_items.as_ref().unwrap()[0].apportionment[0];
        assert_eq!((share.line_number, share.units), (1, 1));
        assert_eq!(share.unit_price.amount.value(), dec("1592"));
        let fee_share = &memo.fees.as_ref().unwrap()[0].apportionment[0];
        assert_eq!(fee_share.tax_amount.amount.to_string(), "6.0");

        // Invoice JP25EF9G0FUI's shipping fee has no discount.
        let no_discount = &lines[1].invoice_details[0].fees.as_ref().unwrap()[0];
        assert_eq!(no_discount.discount, None);
        assert_round_trip_normalized(&out, &example);
    }

    #[test]
    fn invoices_sandbox_400_is_refused_client_side() {
        // The example sends no line items at all; the typed API refuses an empty request.
        let err = post(&GetInvoiceDetailsByOrderLineItems::new([])).unwrap_err();
        assert!(matches!(err.as_ref(), Error::Validation(v) if v.field == "orderLineItems"), "{err}");
        let too_many = (0..26).map(|i| OrderLineItem::new(format!("o{i}"), "l", "s"));
        let err = post(&GetInvoiceDetailsByOrderLineItems::new(too_many)).unwrap_err();
        assert!(err.to_string().contains("between 1 and 25"), "{err}");
        let err =
            post(&GetInvoiceDetailsByOrderLineItems::new([OrderLineItem::new("o", "", "s")])).unwrap_err();
        assert!(
            matches!(err.as_ref(), Error::Validation(v) if v.field == "orderLineItems[0].orderLineItemId"),
            "{err}"
        );
        check_errors("getInvoiceDetailsByOrderLineItems-400-0", "INVALID_REQUEST_PARAMETER");
    }

    #[test]
    fn fee_details_per_line_item_parse() {
        let json = r#"{
          "feeType": "GIFTWRAPPING",
          "tax": {
            "rate": "0.2",
            "inclusiveTotal": {"currencyCode": "GBP", "amount": "6.00"},
            "exclusiveTotal": {"currencyCode": "GBP", "amount": "5.00"},
            "amount": {"currencyCode": "GBP", "amount": "1.00"}
          },
          "discount": {"currencyCode": "GBP", "amount": "0"},
          "apportionment": [{
            "associatedOrderLineItemId": "L1",
            "units": 2,
            "unitTaxExclusiveFee": {"currencyCode": "GBP", "amount": "2.50"},
            "unitTaxAmount": {"currencyCode": "GBP", "amount": "0.50"}
          }]
        }"#;
        let fee: LineItemLevelFeeDetail = serde_json::from_str(json).unwrap();
        assert_eq!(fee.fee_type, FeeType::Giftwrapping);
        assert_eq!(fee.apportionment[0].units, 2);
        assert_eq!(fee.apportionment[0].unit_tax_exclusive_fee.amount.to_string(), "2.50");
        assert_round_trip_normalized(&fee, json);
    }

    #[test]
    fn enums_keep_unknown_values_and_exact_spellings() {
        for (text, kind) in [
            ("CHARGE", TransactionType::Charge),
            ("REFUND", TransactionType::Refund),
            ("OVERREFUND", TransactionType::Overrefund),
        ] {
            let json = format!("\"{text}\"");
            assert_eq!(serde_json::from_str::<TransactionType>(&json).unwrap(), kind);
            assert_eq!(serde_json::to_string(&kind).unwrap(), json);
        }
        assert_eq!(serde_json::to_string(&FeeType::Other).unwrap(), "\"OTHER\"");
        assert_eq!(serde_json::to_string(&InvoiceType::CreditMemo).unwrap(), "\"CREDIT_MEMO\"");
        let odd: InvoiceType = serde_json::from_str("\"PROFORMA\"").unwrap();
        assert_eq!(odd, InvoiceType::Unknown("PROFORMA".into()));
        assert_eq!(serde_json::to_string(&odd).unwrap(), "\"PROFORMA\"");
    }

    #[test]
    fn operation_constants() {
        assert_eq!(GetTransactions::ROLE, Role::BusinessPurchaseReconciliation);
        assert_eq!(GetBatchInvoicePaymentDetails::ROLE, Role::BusinessPurchaseReconciliation);
        assert_eq!(GetInvoiceDetailsByOrderLineItems::ROLE, Role::BusinessPurchaseReconciliation);
        for plan in [
            GetTransactions::USAGE_PLAN,
            GetBatchInvoicePaymentDetails::USAGE_PLAN,
            GetInvoiceDetailsByOrderLineItems::USAGE_PLAN,
        ] {
            assert_eq!(plan, Some(UsagePlan::new(2.0, 10)));
        }
        const { assert!(GetTransactions::RETRY_SAFE) };
        const { assert!(GetBatchInvoicePaymentDetails::RETRY_SAFE) };
        const { assert!(GetInvoiceDetailsByOrderLineItems::RETRY_SAFE) };
    }

    #[test]
    fn decode_errors_name_the_path() {
        let bad = example_response("getTransactions-200-0")
            .replace("\"2021-05-12T20:44:21.791Z\"", "\"yesterday\"");
        let err = GetTransactions::resume("x").parse(&response(&bad)).unwrap_err();
        match err {
            Error::Decode(d) => assert_eq!(d.path, "transactions[0].feedDate"),
            other => panic!("{other:?}"),
        }
    }
}
