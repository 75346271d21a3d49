//! Cart API, version `2025-04-30`: list a buyer's carts, read a cart and its items, add,
//! change and remove items, and estimate what the cart would cost delivered to an address.
//!
//! All seven operations need the *Amazon Business Order Placement* role and share a default
//! usage plan of 2 requests per second with a burst of 2. Every operation takes the cart's
//! `region`; it is a [`Country`] that defaults to the configured marketplace's country and can
//! be overridden with `.region(..)`. Only [`ListCarts`] sends `x-amz-user-email`.
//!
//! # Model definitions and their Rust types
//!
//! | Model definition | Rust type |
//! |---|---|
//! | `CartDetailsResult` | [`CartDetailsResult`] |
//! | `CartDetails` | [`CartDetails`] |
//! | `Cart` | [`Cart`] |
//! | `CartType` | [`CartType`] |
//! | `RegionCode` | [`crate::place::CountryCode`] (codes the SDK does not know are kept) |
//! | `Attribute` | [`Attribute`] (discriminated by `attributeType`) |
//! | `Subtotal` | [`Subtotal`] |
//! | `SubtotalWithoutTax` | [`SubtotalWithoutTax`] |
//! | `CartItems` | [`CartItems`] |
//! | `CartItem` | [`CartItem`] |
//! | `DateTime` | [`crate::apis::common::DateTimeValue`] (shared by Cart, Ordering and Reporting) |
//! | `MetadataAttribute` | [`MetadataAttribute`] (discriminated by `artifactType`) |
//! | `CatalogMetadata` | [`CatalogMetadata`] |
//! | `AddItemsRequest` | [`AddItemsRequest`] |
//! | `AddItemRequest` | [`AddItemRequest`] |
//! | `AddItemsResult` | [`AddItemsResult`] |
//! | `ModifyItemsRequest` | [`ModifyItemsRequest`] |
//! | `ModifyItemRequest` | [`ModifyItemRequest`] |
//! | `ModifyItemsResult` | [`ModifyItemsResult`] |
//! | `RejectedItem` | [`RejectedItem`] |
//! | `RejectionArtifact` | [`RejectionArtifact`] (discriminated by `rejectionArtifactType`) |
//! | `RejectionMessage` | [`RejectionMessage`] |
//! | `UnavailableQuantity` | [`UnavailableQuantity`] |
//! | `UnsupportedCartItems` | [`UnsupportedCartItems`] |
//! | `TotalItemCountRestriction` | [`TotalItemCountRestriction`] |
//! | `TotalQuantityRestriction` | [`TotalQuantityRestriction`] |
//! | `EstimatedTotalPurchaseCostRequest` | [`EstimatedTotalPurchaseCostRequest`] |
//! | `EstimatedTotalPurchaseCostResult` | [`EstimatedTotalPurchaseCostResult`] |
//! | `Address` | [`Address`] (discriminated by `addressType`) |
//! | `PhysicalAddress` | [`crate::apis::common::PhysicalAddress`] (shared with Cart and Ordering) |
//! | `Charge` | [`Charge`] |
//! | `Charge.category` (inline enum) | [`ChargeCategory`] |
//! | `Charge.type` (inline enum) | [`ChargeType`] |
//! | `Money` | [`crate::types::Money`] (amounts travel as JSON numbers here) |
//! | `ErrorList` | [`crate::error::ErrorList`] |
//! | `Error` | [`crate::error::ErrorEntry`] |
//!
//! # Subtypes
//!
//! The model describes four base shapes whose subtype is named by a field (`attributeType`,
//! `artifactType`, `rejectionArtifactType`, `addressType`). Each is a Rust enum with one
//! variant per subtype and an `Unknown` variant that keeps the raw JSON of a subtype the model
//! does not list. Subtype names are matched without regard to ASCII case: Amazon's recorded
//! `getCart` example sends `"attributeType": "SubTotal"` for the model's `Subtotal`, and that
//! spelling is the one written back.
//!
//! # Dates
//!
//! The model's `DateTime` is an object `{"date": "…"}`, but Amazon's recorded examples send a
//! bare string for `addedToCartDate` and `modifiedDate`. [`DateTimeValue`] reads both and writes
//! back the form it read.
//!
//! # Nulls
//!
//! Optional fields read an explicit JSON `null` and an absent key alike as `None`, and write
//! `None` by leaving the key out.

use http::Method;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::error::{Error, ValidationError};
use crate::operation::{Operation, Paginated, RequestContext, Role, UsagePlan};
use crate::place::{Country, CountryCode};
use crate::types::Money;
use crate::wire::{parse_json, validate, RequestBuilder};

const CARTS_PATH: &str = "/cart/2025-04-30/carts";
const CART_PATH: &str = "/cart/2025-04-30/carts/{cartId}";
const ITEMS_PATH: &str = "/cart/2025-04-30/carts/{cartId}/items";
const ESTIMATE_PATH: &str = "/cart/2025-04-30/carts/{cartId}/totalPurchaseCostEstimations";
const USAGE_PLAN: UsagePlan = UsagePlan::new(2.0, 2);
/// Most items one add or modify request may carry (`maxItems`).
const MAX_ITEMS: usize = 50;

// ---------------------------------------------------------------------------------------------
// Subtype unions
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------

string_enum! {
    /// The kind of a cart (model `CartType`).
    pub enum CartType {
        /// The buyer's ordinary cart, the one shown on Amazon's website.
        Default = "DEFAULT",
    }
}

/// One page of cart summaries (model `CartDetailsResult`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartDetailsResult {
    /// The carts on this page.
    pub cart_details_list: Vec<CartDetails>,
    /// Token for the following page; absent on the last page.
    pub next_page_token: Option<String>,
}

/// A cart's identity without its contents (model `CartDetails`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartDetails {
    /// The cart's ID, used by every other Cart operation.
    pub id: String,
    /// The country the cart belongs to (any code Amazon adds later is kept).
    pub region: CountryCode,
    /// The kind of cart.
    pub cart_type: CartType,
}

/// A cart with its aggregate figures (model `Cart`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cart {
    /// The cart's ID.
    pub id: String,
    /// The country the cart belongs to (any code Amazon adds later is kept).
    pub region: CountryCode,
    /// The kind of cart.
    pub cart_type: CartType,
    /// Aggregate figures such as the subtotal.
    pub attributes: Option<Vec<Attribute>>,
}

discriminated_union! {
    /// An aggregate figure of a cart (model `Attribute`, subtype named by `attributeType`).
    pub enum Attribute tagged "attributeType" {
        /// The sum of the item prices (`Subtotal`; Amazon spells it `SubTotal`).
        Subtotal(Subtotal) = "SubTotal",
        /// The sum of the item prices before tax (`SubtotalWithoutTax`).
        SubtotalWithoutTax(SubtotalWithoutTax) = "SubtotalWithoutTax",
    }
}

/// The sum of the cart's item prices; tax included where prices include tax (model `Subtotal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subtotal {
    /// The subtotal.
    pub amount: Money,
}

/// The sum of the cart's item prices before tax, given in tax-inclusive countries only
/// (model `SubtotalWithoutTax`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubtotalWithoutTax {
    /// The subtotal before tax.
    pub amount: Money,
}

/// The items of a cart (model `CartItems`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartItems {
    /// The items.
    pub items: Vec<CartItem>,
}

/// One line of a cart (model `CartItem`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartItem {
    /// The product's ASIN.
    pub product_identifier: String,
    /// The line's ID within the cart, used by [`ModifyItems`].
    pub item_id: String,
    /// The signed buying option (offer) the line was added with.
    pub buying_option_identifier: String,
    /// Number of units (at least 1).
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub quantity: i64,
    /// Whether the item can currently be bought.
    pub is_item_available: bool,
    /// Price of one unit; includes tax where prices include tax.
    pub price: Option<Money>,
    /// Price of one unit before tax.
    pub tax_exclusive_price: Option<Money>,
    /// When the line was added.
    pub added_to_cart_date: DateTimeValue,
    /// When the line last changed.
    pub modified_date: DateTimeValue,
    /// Extra information attached to the line, such as the catalog it came from.
    pub metadata: Option<Vec<MetadataAttribute>>,
}

pub use super::common::DateTimeValue;

discriminated_union! {
    /// Extra information attached to a cart line (model `MetadataAttribute`, subtype named by
    /// `artifactType`).
    pub enum MetadataAttribute tagged "artifactType" {
        /// The catalog the item comes from (`CatalogMetadata`).
        CatalogMetadata(CatalogMetadata) = "CatalogMetadata",
    }
}

/// The catalog a cart line comes from (model `CatalogMetadata`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogMetadata {
    /// The catalog's ID.
    pub catalog_id: String,
    /// The catalog's version.
    pub catalog_version: Option<String>,
}

impl CatalogMetadata {
    /// Catalog `catalog_id`, any version.
    pub fn new(catalog_id: impl Into<String>) -> Self {
        CatalogMetadata { catalog_id: catalog_id.into(), catalog_version: None }
    }
}

/// The body of [`AddItems`] (model `AddItemsRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddItemsRequest {
    /// The items to add (1 to 50).
    pub items: Vec<AddItemRequest>,
}

/// One item to add to a cart (model `AddItemRequest`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddItemRequest {
    /// The product's ASIN.
    pub product_identifier: String,
    /// The buying option (offer) to add it with, e.g. an offer ID from Product Search.
    pub buying_option_identifier: String,
    /// Number of units (at least 1).
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub quantity: i64,
    /// Your own reference for this line; Amazon echoes it in rejected items.
    pub external_id: String,
    /// Extra information to attach to the line.
    pub metadata: Option<Vec<MetadataAttribute>>,
}

impl AddItemRequest {
    /// `quantity` units of product `product_identifier` bought through `buying_option_identifier`,
    /// referenced by you as `external_id`.
    pub fn new(
        product_identifier: impl Into<String>,
        buying_option_identifier: impl Into<String>,
        quantity: i64,
        external_id: impl Into<String>,
    ) -> Self {
        AddItemRequest {
            product_identifier: product_identifier.into(),
            buying_option_identifier: buying_option_identifier.into(),
            quantity,
            external_id: external_id.into(),
            metadata: None,
        }
    }

    /// Attaches one piece of metadata (`metadata`).
    pub fn metadata(mut self, attribute: impl Into<MetadataAttribute>) -> Self {
        self.metadata.get_or_insert_with(Vec::new).push(attribute.into());
        self
    }

    fn check(&self, op: &'static str, i: usize) -> Result<(), ValidationError> {
        validate::non_empty(op, &format!("items[{i}].productIdentifier"), &self.product_identifier)?;
        validate::non_empty(
            op,
            &format!("items[{i}].buyingOptionIdentifier"),
            &self.buying_option_identifier,
        )?;
        check_quantity(op, &format!("items[{i}].quantity"), self.quantity)?;
        validate::non_empty(op, &format!("items[{i}].externalId"), &self.external_id)?;
        for (j, m) in self.metadata.iter().flatten().enumerate() {
            if let MetadataAttribute::CatalogMetadata(c) = m {
                validate::non_empty(op, &format!("items[{i}].metadata[{j}].catalogId"), &c.catalog_id)?;
            }
        }
        Ok(())
    }
}

/// The answer to [`AddItems`] (model `AddItemsResult`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddItemsResult {
    /// Every item now in the cart, the added ones included.
    pub items: Vec<CartItem>,
    /// The items that could not be added, and why.
    pub rejected_items: Vec<RejectedItem>,
}

/// The body of [`ModifyItems`] (model `ModifyItemsRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyItemsRequest {
    /// The changes (1 to 50).
    pub items: Vec<ModifyItemRequest>,
}

/// A new quantity for one cart line (model `ModifyItemRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyItemRequest {
    /// The line's ID ([`CartItem::item_id`]).
    pub item_id: String,
    /// The new number of units (at least 1).
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub quantity: i64,
}

impl ModifyItemRequest {
    /// Sets line `item_id` to `quantity` units.
    pub fn new(item_id: impl Into<String>, quantity: i64) -> Self {
        ModifyItemRequest { item_id: item_id.into(), quantity }
    }

    fn check(&self, op: &'static str, i: usize) -> Result<(), ValidationError> {
        validate::non_empty(op, &format!("items[{i}].itemId"), &self.item_id)?;
        check_quantity(op, &format!("items[{i}].quantity"), self.quantity)
    }
}

/// The answer to [`ModifyItems`] (model `ModifyItemsResult`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyItemsResult {
    /// Every item in the cart after the change.
    pub items: Vec<CartItem>,
    /// The changes that were refused, and why.
    pub rejected_items: Vec<RejectedItem>,
}

/// An item Amazon refused to add or change (model `RejectedItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectedItem {
    /// The item's reference: your `externalId` when adding, the `itemId` when modifying.
    pub id: String,
    /// Why it was refused.
    pub rejection_artifacts: Vec<RejectionArtifact>,
}

discriminated_union! {
    /// Why an item or a request was refused (model `RejectionArtifact`, subtype named by
    /// `rejectionArtifactType`).
    pub enum RejectionArtifact tagged "rejectionArtifactType" {
        /// A reason in words (`RejectionMessage`).
        RejectionMessage(RejectionMessage) = "RejectionMessage",
        /// Not enough stock for the quantity asked (`UnavailableQuantity`).
        UnavailableQuantity(UnavailableQuantity) = "UnavailableQuantity",
        /// Cart lines that could not be handled (`UnsupportedCartItems`).
        UnsupportedCartItems(UnsupportedCartItems) = "UnsupportedCartItems",
        /// Too many lines in the cart (`TotalItemCountRestriction`).
        TotalItemCountRestriction(TotalItemCountRestriction) = "TotalItemCountRestriction",
        /// Too many units in the cart altogether (`TotalQuantityRestriction`).
        TotalQuantityRestriction(TotalQuantityRestriction) = "TotalQuantityRestriction",
    }
}

/// A refusal explained in words (model `RejectionMessage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectionMessage {
    /// The explanation.
    pub message: String,
}

/// The quantity asked for is not in stock (model `UnavailableQuantity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnavailableQuantity {
    /// How many of the units asked for are not available.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub quantity: i64,
}

/// Cart lines that could not be handled (model `UnsupportedCartItems`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnsupportedCartItems {
    /// The explanation.
    pub message: String,
    /// The IDs of the lines concerned.
    pub cart_item_identifiers: Vec<String>,
}

/// The cart would hold more lines than allowed (model `TotalItemCountRestriction`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TotalItemCountRestriction {
    /// Most lines a cart may hold.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub max_quantity: i64,
}

/// The cart would hold more units altogether than allowed (model `TotalQuantityRestriction`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TotalQuantityRestriction {
    /// Most units a cart may hold across its lines.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub max_quantity: i64,
}

/// The body of [`GetEstimatedTotalPurchaseCost`] (model `EstimatedTotalPurchaseCostRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EstimatedTotalPurchaseCostRequest {
    /// Where the cart would be delivered.
    pub address: Address,
}

discriminated_union! {
    /// A delivery address (model `Address`, subtype named by `addressType`).
    // Built once per request; boxing the address would only make it clumsier to write.
    #[allow(clippy::large_enum_variant)]
    pub enum Address tagged "addressType" {
        /// A postal address (`PhysicalAddress`).
        Physical(PhysicalAddress) = "PhysicalAddress",
    }
}

pub use super::common::PhysicalAddress;

pub use super::common::{Charge, ChargeCategory, ChargeType};

/// What delivering the cart to an address would cost (model `EstimatedTotalPurchaseCostResult`).
///
/// Either `charges` or `rejection_artifacts` has entries, never both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EstimatedTotalPurchaseCostResult {
    /// The cost, broken down by category and type.
    pub charges: Vec<Charge>,
    /// Why no estimate could be made.
    pub rejection_artifacts: Vec<RejectionArtifact>,
}

fn check_quantity(op: &'static str, field: &str, quantity: i64) -> Result<(), ValidationError> {
    if quantity < 1 {
        return Err(ValidationError::new(op, field, format!("is {quantity}, must be at least 1")));
    }
    Ok(())
}

fn check_cart_id(op: &'static str, cart_id: &str) -> Result<(), ValidationError> {
    validate::non_empty(op, "cartId", cart_id)
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/// Starts a request to a cart path with the `region` every Cart operation takes.
fn cart_request(
    op: &'static str,
    method: Method,
    cx: &RequestContext<'_>,
    path: &str,
    cart_id: Option<&str>,
    region: Option<Country>,
) -> RequestBuilder {
    let mut b = RequestBuilder::new(op, method, cx, path);
    if let Some(id) = cart_id {
        b = b.check(check_cart_id(op, id)).path_param("cartId", id);
    }
    b.query("region", region.unwrap_or_else(|| cx.marketplace.country()))
}

/// Lists the buyer's carts in a country (`listCarts`), a page at a time.
///
/// The buyer is named by `x-amz-user-email` (per call with [`ListCarts::user_email`], or the
/// configured default). Following pages are fetched with [`Paginated::next_page`], which
/// repeats the request with `pageToken`.
///
/// - Role: Amazon Business Order Placement.
/// - Usage plan: 2 requests per second, burst 2.
/// - Sandbox: mocked by Amazon's static sandbox (`region=US`; a request without `region`
///   answers 400).
///
/// ```
/// use amazon_business_blocking::cart::ListCarts;
/// use amazon_business_blocking::Country;
/// let op = ListCarts::new().region(Country::US).page_size(10).user_email("buyer@example.com");
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListCarts {
    region: Option<Country>,
    page_token: Option<String>,
    page_size: Option<u32>,
    user_email: Option<String>,
}

impl ListCarts {
    /// The carts in the configured marketplace's country.
    pub fn new() -> Self {
        ListCarts::default()
    }

    /// Lists the carts of this country instead (`region`).
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }

    /// Continues from a `nextPageToken` of an earlier page (`pageToken`).
    pub fn page_token(mut self, token: impl Into<String>) -> Self {
        self.page_token = Some(token.into());
        self
    }

    /// At most this many carts per page (`pageSize`, 1 to 10; Amazon's default is 5).
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Acts for this business user instead of the configured default (`x-amz-user-email`).
    pub fn user_email(mut self, email: impl Into<String>) -> Self {
        self.user_email = Some(email.into());
        self
    }

    /// The page token this operation continues from, if it is not the first page.
    pub fn current_page_token(&self) -> Option<&str> {
        self.page_token.as_deref()
    }
}

impl Operation for ListCarts {
    type Output = CartDetailsResult;
    const ID: &'static str = "listCarts";
    const ROLE: Role = Role::AmazonBusinessOrderPlacement;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let mut b = cart_request(Self::ID, Method::GET, cx, CARTS_PATH, None, self.region).user_email(
            self.user_email.as_deref(),
            cx,
            true,
        );
        if let Some(token) = &self.page_token {
            b = b.check(validate::non_empty(Self::ID, "pageToken", token)).query("pageToken", token);
        }
        if let Some(size) = self.page_size {
            // The model's description states the bounds: default 5, maximum 10.
            b = b.check(validate::range(Self::ID, "pageSize", size, 1, 10)).query("pageSize", size);
        }
        b.build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<CartDetailsResult, Error> {
        parse_json(Self::ID, response.body())
    }
}

impl Paginated for ListCarts {
    fn next_page(&self, output: &CartDetailsResult) -> Option<Self> {
        let token = output.next_page_token.as_deref().filter(|t| !t.is_empty())?;
        Some(ListCarts { page_token: Some(token.to_owned()), ..self.clone() })
    }
}

/// Fetches a cart's identity and aggregate figures such as its subtotal (`getCart`); the
/// items come from [`GetItems`].
///
/// - Role: Amazon Business Order Placement.
/// - Usage plan: 2 requests per second, burst 2.
/// - Sandbox: mocked by Amazon's static sandbox (cart `cart-123`, `region=US`; a request
///   without a cart ID answers 400).
///
/// ```
/// use amazon_business_blocking::cart::GetCart;
/// let op = GetCart::new("cart-123");
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetCart {
    cart_id: String,
    region: Option<Country>,
}

impl GetCart {
    /// The cart with ID `cart_id`.
    pub fn new(cart_id: impl Into<String>) -> Self {
        GetCart { cart_id: cart_id.into(), region: None }
    }

    /// The cart's country, when it is not the configured marketplace's (`region`).
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }
}

impl Operation for GetCart {
    type Output = Cart;
    const ID: &'static str = "getCart";
    const ROLE: Role = Role::AmazonBusinessOrderPlacement;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        cart_request(Self::ID, Method::GET, cx, CART_PATH, Some(&self.cart_id), self.region).build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<Cart, Error> {
        parse_json(Self::ID, response.body())
    }
}

/// Fetches the items in a cart (`getItems`).
///
/// - Role: Amazon Business Order Placement.
/// - Usage plan: 2 requests per second, burst 2.
/// - Sandbox: mocked by Amazon's static sandbox (cart `cart-123`, `region=US`; a request
///   without a cart ID answers 400).
///
/// ```
/// use amazon_business_blocking::cart::GetItems;
/// use amazon_business_blocking::Country;
/// let op = GetItems::new("cart-123").region(Country::US);
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetItems {
    cart_id: String,
    region: Option<Country>,
}

impl GetItems {
    /// The items of the cart with ID `cart_id`.
    pub fn new(cart_id: impl Into<String>) -> Self {
        GetItems { cart_id: cart_id.into(), region: None }
    }

    /// The cart's country, when it is not the configured marketplace's (`region`).
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }
}

impl Operation for GetItems {
    type Output = CartItems;
    const ID: &'static str = "getItems";
    const ROLE: Role = Role::AmazonBusinessOrderPlacement;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        cart_request(Self::ID, Method::GET, cx, ITEMS_PATH, Some(&self.cart_id), self.region).build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<CartItems, Error> {
        parse_json(Self::ID, response.body())
    }
}

/// Adds items to a cart (`addItems`); the answer lists the whole cart and any item refused.
///
/// Not retry-safe: sending it twice may add the items twice.
///
/// Checked before sending: 1 to 50 items, each with a non-empty product, buying option and
/// external ID and a quantity of at least 1.
///
/// - Role: Amazon Business Order Placement.
/// - Usage plan: 2 requests per second, burst 2.
/// - Sandbox: mocked by Amazon's static sandbox (cart `cart-123`, `region=US`, one item
///   `ProductIdentifier1`; an item without a product answers 400).
///
/// ```
/// use amazon_business_blocking::cart::{AddItemRequest, AddItems, CatalogMetadata};
/// let op = AddItems::new(
///     "cart-123",
///     [AddItemRequest::new("B07VDJ5RVF", "offer-id", 2, "my-line-1")
///         .metadata(CatalogMetadata::new("catalog-7"))],
/// );
/// assert_eq!(op.body().items.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddItems {
    cart_id: String,
    region: Option<Country>,
    body: AddItemsRequest,
}

impl AddItems {
    /// Adds `items` to the cart with ID `cart_id`.
    pub fn new(cart_id: impl Into<String>, items: impl IntoIterator<Item = AddItemRequest>) -> Self {
        AddItems {
            cart_id: cart_id.into(),
            region: None,
            body: AddItemsRequest { items: items.into_iter().collect() },
        }
    }

    /// The cart's country, when it is not the configured marketplace's (`region`).
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }

    /// The body that will be sent.
    pub fn body(&self) -> &AddItemsRequest {
        &self.body
    }

    fn check(&self) -> Result<(), ValidationError> {
        validate::items(Self::ID, "items", self.body.items.len(), 1, MAX_ITEMS)?;
        self.body.items.iter().enumerate().try_for_each(|(i, item)| item.check(Self::ID, i))
    }
}

impl Operation for AddItems {
    type Output = AddItemsResult;
    const ID: &'static str = "addItems";
    const ROLE: Role = Role::AmazonBusinessOrderPlacement;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = false;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        cart_request(Self::ID, Method::POST, cx, ITEMS_PATH, Some(&self.cart_id), self.region)
            .check(self.check())
            .json(&self.body)
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<AddItemsResult, Error> {
        parse_json(Self::ID, response.body())
    }
}

/// Changes the quantities of cart lines (`modifyItems`); the answer lists the whole cart and
/// any change refused.
///
/// Not retry-safe (the model counts it among the writes).
///
/// Checked before sending: 1 to 50 changes, each with a non-empty item ID and a quantity of
/// at least 1.
///
/// - Role: Amazon Business Order Placement.
/// - Usage plan: 2 requests per second, burst 2.
/// - Sandbox: mocked by Amazon's static sandbox (cart `cart-123`, `region=US`, item `cId1` to
///   3 units; a change without a quantity answers 400).
///
/// ```
/// use amazon_business_blocking::cart::{ModifyItemRequest, ModifyItems};
/// let op = ModifyItems::new("cart-123", [ModifyItemRequest::new("cId1", 3)]);
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModifyItems {
    cart_id: String,
    region: Option<Country>,
    body: ModifyItemsRequest,
}

impl ModifyItems {
    /// Applies `items` to the cart with ID `cart_id`.
    pub fn new(cart_id: impl Into<String>, items: impl IntoIterator<Item = ModifyItemRequest>) -> Self {
        ModifyItems {
            cart_id: cart_id.into(),
            region: None,
            body: ModifyItemsRequest { items: items.into_iter().collect() },
        }
    }

    /// The cart's country, when it is not the configured marketplace's (`region`).
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }

    /// The body that will be sent.
    pub fn body(&self) -> &ModifyItemsRequest {
        &self.body
    }

    fn check(&self) -> Result<(), ValidationError> {
        validate::items(Self::ID, "items", self.body.items.len(), 1, MAX_ITEMS)?;
        self.body.items.iter().enumerate().try_for_each(|(i, item)| item.check(Self::ID, i))
    }
}

impl Operation for ModifyItems {
    type Output = ModifyItemsResult;
    const ID: &'static str = "modifyItems";
    const ROLE: Role = Role::AmazonBusinessOrderPlacement;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = false;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        cart_request(Self::ID, Method::PATCH, cx, ITEMS_PATH, Some(&self.cart_id), self.region)
            .check(self.check())
            .json(&self.body)
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<ModifyItemsResult, Error> {
        parse_json(Self::ID, response.body())
    }
}

/// Empties a cart: removes every item (`deleteItems`). Amazon answers 204 with no body.
///
/// Not retry-safe (the model counts it among the writes).
///
/// - Role: Amazon Business Order Placement.
/// - Usage plan: 2 requests per second, burst 2.
/// - Sandbox: mocked by Amazon's static sandbox (cart `cart-123`, `region=US`; a request
///   without a cart ID answers 400).
///
/// ```
/// use amazon_business_blocking::cart::DeleteItems;
/// let op = DeleteItems::new("cart-123");
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteItems {
    cart_id: String,
    region: Option<Country>,
}

impl DeleteItems {
    /// Empties the cart with ID `cart_id`.
    pub fn new(cart_id: impl Into<String>) -> Self {
        DeleteItems { cart_id: cart_id.into(), region: None }
    }

    /// The cart's country, when it is not the configured marketplace's (`region`).
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }
}

impl Operation for DeleteItems {
    type Output = ();
    const ID: &'static str = "deleteItems";
    const ROLE: Role = Role::AmazonBusinessOrderPlacement;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = false;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        cart_request(Self::ID, Method::DELETE, cx, ITEMS_PATH, Some(&self.cart_id), self.region).build()
    }

    fn parse(&self, _response: &http::Response<Vec<u8>>) -> Result<(), Error> {
        Ok(())
    }
}

/// Estimates what the cart would cost delivered to an address (`getEstimatedTotalPurchaseCost`):
/// subtotal, shipping and taxes, or the reasons no estimate could be made.
///
/// Retry-safe: it changes nothing.
///
/// Checked before sending: a physical address's name, first line, city and postal code are
/// not empty, lines 2 and 3 have at most 60 characters, and the country code is two capital
/// letters.
///
/// - Role: Amazon Business Order Placement.
/// - Usage plan: 2 requests per second, burst 2.
/// - Sandbox: mocked by Amazon's static sandbox (cart `cart-123`, `region=US`, an address in
///   Seattle; an address without a name answers 400).
///
/// ```
/// use amazon_business_blocking::cart::{GetEstimatedTotalPurchaseCost, PhysicalAddress};
/// let address = PhysicalAddress::new("cart user", "307 Boren Ave", "Seattle", "98101", "US")
///     .state_or_region("WA");
/// let op = GetEstimatedTotalPurchaseCost::new("cart-123", address);
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetEstimatedTotalPurchaseCost {
    cart_id: String,
    region: Option<Country>,
    body: EstimatedTotalPurchaseCostRequest,
}

impl GetEstimatedTotalPurchaseCost {
    /// The cost of the cart with ID `cart_id` delivered to `address`.
    pub fn new(cart_id: impl Into<String>, address: impl Into<Address>) -> Self {
        GetEstimatedTotalPurchaseCost {
            cart_id: cart_id.into(),
            region: None,
            body: EstimatedTotalPurchaseCostRequest { address: address.into() },
        }
    }

    /// The cart's country, when it is not the configured marketplace's (`region`).
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }

    /// The body that will be sent.
    pub fn body(&self) -> &EstimatedTotalPurchaseCostRequest {
        &self.body
    }
}

impl Operation for GetEstimatedTotalPurchaseCost {
    type Output = EstimatedTotalPurchaseCostResult;
    const ID: &'static str = "getEstimatedTotalPurchaseCost";
    const ROLE: Role = Role::AmazonBusinessOrderPlacement;
    const USAGE_PLAN: Option<UsagePlan> = Some(USAGE_PLAN);
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let check = match &self.body.address {
            Address::Physical(a) => a.check(Self::ID, "address"),
            Address::Unknown(_) => Ok(()),
        };
        cart_request(Self::ID, Method::POST, cx, ESTIMATE_PATH, Some(&self.cart_id), self.region)
            .check(check)
            .json(&self.body)
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<EstimatedTotalPurchaseCostResult, Error> {
        parse_json(Self::ID, response.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apis::test_support::{
        assert_round_trip, dec, example, example_response, t, validation, SANDBOX,
    };
    use crate::error::ErrorList;
    use crate::place::Marketplace;

    use crate::types::AmountForm;
    use crate::wire::USER_EMAIL_HEADER;
    use serde_json::{json, Value};
    use url::Url;

    fn build_with<O: Operation>(op: &O, marketplace: Marketplace) -> Result<http::Request<Vec<u8>>, Error> {
        let base = Url::parse(SANDBOX).unwrap();
        let cx = RequestContext { base_url: &base, marketplace, user_email: Some("buyer@example.com") };
        op.request(&cx)
    }

    fn build<O: Operation>(op: &O) -> Result<http::Request<Vec<u8>>, Error> {
        build_with(op, Marketplace::UnitedStates)
    }

    fn uri<O: Operation>(op: &O) -> String {
        build(op).unwrap().uri().to_string()
    }

    fn body_json(req: &http::Request<Vec<u8>>) -> Value {
        assert_eq!(req.headers()[http::header::CONTENT_TYPE], "application/json");
        serde_json::from_slice(req.body()).unwrap()
    }

    fn response(status: u16, body: &str) -> http::Response<Vec<u8>> {
        http::Response::builder().status(status).body(body.as_bytes().to_vec()).unwrap()
    }

    /// Checks the recorded 400 example `id`: its error list decodes and is written back unchanged.
    fn check_error_example(id: &str, details: &str) {
        let ex = example(id);
        assert_eq!(ex["status"], 400);
        let text = example_response(id);
        let errors: ErrorList = parse_json(ex["operation"].as_str().unwrap(), text.as_bytes()).unwrap();
        assert_eq!(errors.errors[0].code, "INVALID_REQUEST_PARAMETER");
        assert_eq!(errors.errors[0].details.as_deref(), Some(details));
        assert_round_trip(&errors, &text);
    }

    const ITEMS_PREFIX: &str =
        "https://sandbox.na.business-api.amazon.com/cart/2025-04-30/carts/cart-123/items";

    // --- listCarts ---------------------------------------------------------------------------

    #[test]
    fn list_carts_sandbox_200() {
        let op = ListCarts::new();
        let req = build(&op).unwrap();
        assert_eq!(req.method(), Method::GET);
        assert_eq!(req.uri(), "https://sandbox.na.business-api.amazon.com/cart/2025-04-30/carts?region=US");
        assert_eq!(req.headers()[USER_EMAIL_HEADER], "buyer@example.com");
        assert!(req.body().is_empty());
        let recorded = example_response("listCarts-200-0");
        let out = op.parse(&response(200, &recorded)).unwrap();
        assert_eq!(out.cart_details_list[0].id, "cart-123");
        assert_eq!(out.cart_details_list[0].region, Country::US);
        assert_eq!(out.cart_details_list[0].cart_type, CartType::Default);
        assert_eq!(out.next_page_token, None);
        assert!(op.next_page(&out).is_none());
        assert_round_trip(&out, &recorded);
    }

    #[test]
    fn list_carts_sandbox_400_cannot_omit_the_region() {
        // The example leaves `region` out. The typed API always sends it (from the marketplace
        // by default), so the closest request it builds is the valid one.
        let req = build(&ListCarts::new()).unwrap();
        assert_eq!(req.uri().query(), Some("region=US"));
        let req = build_with(&ListCarts::new(), Marketplace::UnitedKingdom).unwrap();
        assert_eq!(req.uri().query(), Some("region=UK"));
        check_error_example(
            "listCarts-400-0",
            "Please provide the required parameter (region) in the request.",
        );
    }

    #[test]
    fn list_carts_parameters_and_validation() {
        let op = ListCarts::new().region(Country::DE).page_size(10).page_token("a+b/c").user_email("x@y.z");
        let req = build(&op).unwrap();
        assert_eq!(
            req.uri(),
            "https://sandbox.na.business-api.amazon.com/cart/2025-04-30/carts?region=DE&pageToken=a%2Bb%2Fc&pageSize=10"
        );
        assert_eq!(req.headers()[USER_EMAIL_HEADER], "x@y.z");

        for bad in [0, 11] {
            let v = validation(&build(&ListCarts::new().page_size(bad)).unwrap_err());
            assert_eq!(v.field, "pageSize");
            assert!(v.message.contains("between 1 and 10"), "{v}");
        }
        assert_eq!(validation(&build(&ListCarts::new().page_token("")).unwrap_err()).field, "pageToken");

        let base = Url::parse(SANDBOX).unwrap();
        let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
        let v = validation(&ListCarts::new().request(&cx).unwrap_err());
        assert_eq!(v.field, USER_EMAIL_HEADER);
    }

    #[test]
    fn list_carts_next_page_repeats_the_request_with_the_token() {
        let op = ListCarts::new().page_size(2);
        let mut out = op.parse(&response(200, &example_response("listCarts-200-0"))).unwrap();
        out.next_page_token = Some("tok=1".into());
        let next = op.next_page(&out).expect("a token means another page");
        assert_eq!(next.current_page_token(), Some("tok=1"));
        assert_eq!(
            uri(&next),
            "https://sandbox.na.business-api.amazon.com/cart/2025-04-30/carts?region=US&pageToken=tok%3D1&pageSize=2"
        );
        out.next_page_token = Some(String::new());
        assert!(op.next_page(&out).is_none());
    }

    // --- getCart -----------------------------------------------------------------------------

    #[test]
    fn get_cart_sandbox_200() {
        let op = GetCart::new("cart-123");
        let req = build(&op).unwrap();
        assert_eq!(req.method(), Method::GET);
        assert_eq!(
            req.uri(),
            "https://sandbox.na.business-api.amazon.com/cart/2025-04-30/carts/cart-123?region=US"
        );
        assert!(req.headers().get(USER_EMAIL_HEADER).is_none());
        let recorded = example_response("getCart-200-0");
        let cart = op.parse(&response(200, &recorded)).unwrap();
        assert_eq!(cart.id, "cart-123");
        assert_eq!(cart.cart_type, CartType::Default);
        let attributes = cart.attributes.as_ref().unwrap();
        match &attributes[0] {
            Attribute::Subtotal(s) => {
                assert_eq!(s.amount.amount.value(), dec("70"));
                assert_eq!(s.amount.amount.form(), AmountForm::Number);
                assert_eq!(s.amount.currency_code, "USD");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(attributes[0].type_name(), Some("SubTotal"));
        assert_round_trip(&cart, &recorded);
    }

    #[test]
    fn get_cart_sandbox_400_is_refused_client_side() {
        let v = validation(&build(&GetCart::new("")).unwrap_err());
        assert_eq!(v.field, "cartId");
        assert_eq!(v.operation, "getCart");
        check_error_example(
            "getCart-400-0",
            "Please provide the required parameter (cartId) in the request.",
        );
    }

    // --- getItems ----------------------------------------------------------------------------

    #[test]
    fn get_items_sandbox_200() {
        let op = GetItems::new("cart-123");
        assert_eq!(uri(&op), format!("{ITEMS_PREFIX}?region=US"));
        assert_eq!(build(&op).unwrap().method(), Method::GET);
        let recorded = example_response("getItems-200-0");
        let out = op.parse(&response(200, &recorded)).unwrap();
        let second = &out.items[1];
        assert_eq!(second.item_id, "Id2");
        assert_eq!(second.quantity, 2);
        assert!(second.is_item_available);
        assert_eq!(second.modified_date.date, t("2024-07-15T20:00:00Z"));
        assert!(second.modified_date.is_bare_string());
        assert_eq!(second.price.as_ref().unwrap().amount.value(), dec("40"));
        assert_eq!(second.tax_exclusive_price, None);
        // Re-serialised, the date comes back in UTC with `Z` and no empty fraction.
        let mut expected: Value = serde_json::from_str(&recorded).unwrap();
        for item in expected["items"].as_array_mut().unwrap() {
            for key in ["addedToCartDate", "modifiedDate"] {
                let s = item[key].as_str().unwrap().replace(".000Z", "Z");
                item[key] = Value::String(s);
            }
        }
        assert_eq!(serde_json::to_value(&out).unwrap(), expected);
    }

    #[test]
    fn get_items_sandbox_400_is_refused_client_side() {
        assert_eq!(validation(&build(&GetItems::new(" ")).unwrap_err()).field, "cartId");
        check_error_example(
            "getItems-400-0",
            "Please provide the required parameter (cartId) in the request.",
        );
    }

    // --- addItems ----------------------------------------------------------------------------

    #[test]
    fn add_items_sandbox_200() {
        let op = AddItems::new(
            "cart-123",
            [AddItemRequest::new("ProductIdentifier1", "BuyingOptionIdentifier1", 1, "client-item-001")],
        );
        let req = build(&op).unwrap();
        assert_eq!(req.method(), Method::POST);
        assert_eq!(req.uri(), &format!("{ITEMS_PREFIX}?region=US")[..]);
        let ex = example("addItems-200-0");
        assert_eq!(body_json(&req), ex["body"]);
        let recorded = example_response("addItems-200-0");
        let out = op.parse(&response(200, &recorded)).unwrap();
        assert_eq!(out.items[0].added_to_cart_date.date, t("2024-07-10T15:00:00Z"));
        assert_eq!(out.items[0].price.as_ref().unwrap().amount.value(), dec("30"));
        assert!(out.rejected_items.is_empty());
        // The recorded dates carry `.000`; they are written back in `Z` form without it.
        assert_round_trip(&out, &recorded.replace(".000Z", "Z"));
    }

    #[test]
    fn add_items_sandbox_400_is_refused_client_side() {
        // The example's item has neither productIdentifier nor externalId.
        let op = AddItems::new("cart-123", [AddItemRequest::new("", "BuyingOptionIdentifier1", 1, "")]);
        let v = validation(&build(&op).unwrap_err());
        assert_eq!(v.field, "items[0].productIdentifier");
        let op = AddItems::new("cart-123", [AddItemRequest::new("P", "B", 1, "")]);
        assert_eq!(validation(&build(&op).unwrap_err()).field, "items[0].externalId");
        check_error_example(
            "addItems-400-0",
            "Please provide the required parameter (productIdentifier) in the add items request.",
        );
    }

    #[test]
    fn add_items_validation() {
        let item = || AddItemRequest::new("P", "B", 1, "E");
        let v = validation(&build(&AddItems::new("cart-123", [])).unwrap_err());
        assert_eq!(v.field, "items");
        let v = validation(&build(&AddItems::new("cart-123", vec![item(); 51])).unwrap_err());
        assert!(v.message.contains("between 1 and 50"), "{v}");
        assert!(build(&AddItems::new("cart-123", vec![item(); 50])).is_ok());
        let v = validation(
            &build(&AddItems::new("cart-123", [item(), AddItemRequest::new("P", "B", 0, "E")])).unwrap_err(),
        );
        assert_eq!(v.field, "items[1].quantity");
        let v = validation(
            &build(&AddItems::new("cart-123", [AddItemRequest::new("P", "", 1, "E")])).unwrap_err(),
        );
        assert_eq!(v.field, "items[0].buyingOptionIdentifier");
        let v = validation(&build(&AddItems::new("", [item()])).unwrap_err());
        assert_eq!(v.field, "cartId");
        let with_metadata = AddItems::new("cart-123", [item().metadata(CatalogMetadata::new(""))]);
        assert_eq!(validation(&build(&with_metadata).unwrap_err()).field, "items[0].metadata[0].catalogId");
    }

    #[test]
    fn add_items_metadata_travels_with_its_subtype() {
        let mut catalog = CatalogMetadata::new("cat-1");
        catalog.catalog_version = Some("v2".into());
        let op = AddItems::new("cart-123", [AddItemRequest::new("P", "B", 2, "E").metadata(catalog)])
            .region(Country::GB);
        let req = build(&op).unwrap();
        assert_eq!(req.uri().query(), Some("region=UK"));
        assert_eq!(
            body_json(&req)["items"][0]["metadata"],
            json!([{"artifactType": "CatalogMetadata", "catalogId": "cat-1", "catalogVersion": "v2"}])
        );
    }

    // --- modifyItems -------------------------------------------------------------------------

    #[test]
    fn modify_items_sandbox_200() {
        let op = ModifyItems::new("cart-123", [ModifyItemRequest::new("cId1", 3)]);
        let req = build(&op).unwrap();
        assert_eq!(req.method(), Method::PATCH);
        assert_eq!(req.uri(), &format!("{ITEMS_PREFIX}?region=US")[..]);
        assert_eq!(body_json(&req), example("modifyItems-200-0")["body"]);
        let recorded = example_response("modifyItems-200-0");
        let out = op.parse(&response(200, &recorded)).unwrap();
        assert_eq!(out.items[0].quantity, 3);
        assert_eq!(out.items[0].modified_date.date, t("2024-07-10T15:00:00Z"));
        assert_eq!(out.items[0].price.as_ref().unwrap().amount.value(), dec("30"));
        assert_round_trip(&out, &recorded.replace(".000Z", "Z"));
    }

    #[test]
    fn modify_items_sandbox_400_is_refused_client_side() {
        // The example's change has no quantity; 0 is the typed stand-in and breaks `minimum: 1`.
        let v = validation(
            &build(&ModifyItems::new("cart-123", [ModifyItemRequest::new("cId1", 0)])).unwrap_err(),
        );
        assert_eq!(v.field, "items[0].quantity");
        assert!(v.message.contains("at least 1"), "{v}");
        check_error_example(
            "modifyItems-400-0",
            "Please provide the required parameter (quantity) in the modify items request.",
        );
    }

    #[test]
    fn modify_items_validation() {
        let v = validation(&build(&ModifyItems::new("cart-123", [])).unwrap_err());
        assert_eq!(v.field, "items");
        let many = vec![ModifyItemRequest::new("i", 1); 51];
        assert_eq!(validation(&build(&ModifyItems::new("cart-123", many)).unwrap_err()).field, "items");
        let v =
            validation(&build(&ModifyItems::new("cart-123", [ModifyItemRequest::new("", 1)])).unwrap_err());
        assert_eq!(v.field, "items[0].itemId");
    }

    // --- deleteItems -------------------------------------------------------------------------

    #[test]
    fn delete_items_sandbox_204() {
        let op = DeleteItems::new("cart-123");
        let req = build(&op).unwrap();
        assert_eq!(req.method(), Method::DELETE);
        assert_eq!(req.uri(), &format!("{ITEMS_PREFIX}?region=US")[..]);
        assert!(req.body().is_empty());
        op.parse(&response(204, "")).unwrap();
    }

    #[test]
    fn delete_items_sandbox_400_is_refused_client_side() {
        assert_eq!(validation(&build(&DeleteItems::new("")).unwrap_err()).field, "cartId");
        check_error_example(
            "deleteItems-400-0",
            "Please provide the required parameter (cartId) in the request.",
        );
    }

    // --- getEstimatedTotalPurchaseCost -------------------------------------------------------

    fn seattle() -> PhysicalAddress {
        PhysicalAddress::new("cart user", "307 Boren Ave", "Seattle", "98101", "US").state_or_region("WA")
    }

    #[test]
    fn estimate_sandbox_200() {
        let op = GetEstimatedTotalPurchaseCost::new("cart-123", seattle());
        let req = build(&op).unwrap();
        assert_eq!(req.method(), Method::POST);
        assert_eq!(
            req.uri(),
            "https://sandbox.na.business-api.amazon.com/cart/2025-04-30/carts/cart-123/totalPurchaseCostEstimations?region=US"
        );
        assert_eq!(body_json(&req), example("getEstimatedTotalPurchaseCost-200-0")["body"]);
        let recorded = example_response("getEstimatedTotalPurchaseCost-200-0");
        let out = op.parse(&response(200, &recorded)).unwrap();
        assert_eq!(out.charges.len(), 4);
        assert_eq!(out.charges[2].amount.amount.value(), dec("12.3"));
        assert_eq!(out.charges[2].category, ChargeCategory::Subtotal);
        assert_eq!(out.charges[2].charge_type, ChargeType::Tax);
        assert_eq!(out.charges[1].category, ChargeCategory::Shipping);
        assert_eq!(out.charges[1].charge_type, ChargeType::Principal);
        assert!(out.rejection_artifacts.is_empty());
        assert_round_trip(&out, &recorded);
    }

    #[test]
    fn estimate_sandbox_400_is_refused_client_side() {
        // The example's address has no fullName.
        let mut address = seattle();
        address.full_name = String::new();
        let v = validation(&build(&GetEstimatedTotalPurchaseCost::new("cart-123", address)).unwrap_err());
        assert_eq!(v.field, "address.fullName");
        check_error_example(
            "getEstimatedTotalPurchaseCost-400-0",
            "Please provide the required parameter (address) in the request.",
        );
    }

    #[test]
    fn physical_address_validation() {
        let field = |a: PhysicalAddress| {
            validation(&build(&GetEstimatedTotalPurchaseCost::new("c", a)).unwrap_err()).field
        };
        assert_eq!(field(seattle().phone_number("")), "address.phoneNumber");
        assert_eq!(field(PhysicalAddress::new("n", "", "c", "p", "US")), "address.addressLine1");
        assert_eq!(field(PhysicalAddress::new("n", "l", "", "p", "US")), "address.city");
        assert_eq!(field(PhysicalAddress::new("n", "l", "c", "", "US")), "address.postalCode");
        assert_eq!(field(PhysicalAddress::new("n", "l", "c", "p", "us")), "address.countryCode");
        assert_eq!(field(PhysicalAddress::new("n", "l", "c", "p", "USA")), "address.countryCode");
        assert_eq!(field(seattle().address_line2("x".repeat(61))), "address.addressLine2");
        assert_eq!(field(seattle().address_line3("x".repeat(61))), "address.addressLine3");
        let ok = seattle().address_line2("x".repeat(60)).company_name("ACME").phone_number("+1 206");
        assert!(build(&GetEstimatedTotalPurchaseCost::new("c", ok)).is_ok());
        // An address subtype the model does not list is sent as given, unchecked.
        let raw = Address::Unknown(json!({"addressType": "PoBox", "box": 12}));
        let req = build(&GetEstimatedTotalPurchaseCost::new("c", raw)).unwrap();
        assert_eq!(body_json(&req), json!({"address": {"addressType": "PoBox", "box": 12}}));
    }

    // --- models ------------------------------------------------------------------------------

    #[test]
    fn rejection_artifacts_decode_into_their_subtypes() {
        let example = r#"{"items":[],"rejectedItems":[{"id":"client-item-001","rejectionArtifacts":[
          {"rejectionArtifactType":"RejectionMessage","message":"no"},
          {"rejectionArtifactType":"UnavailableQuantity","quantity":3},
          {"rejectionArtifactType":"UnsupportedCartItems","message":"odd","cartItemIdentifiers":["a","b"]},
          {"rejectionArtifactType":"TotalItemCountRestriction","maxQuantity":100},
          {"rejectionArtifactType":"TotalQuantityRestriction","maxQuantity":999},
          {"rejectionArtifactType":"SomethingNew","weight":1.50}
        ]}]}"#;
        let out: AddItemsResult = parse_json("addItems", example.as_bytes()).unwrap();
        let a = &out.rejected_items[0].rejection_artifacts;
        assert_eq!(a[0], RejectionArtifact::RejectionMessage(RejectionMessage { message: "no".into() }));
        assert_eq!(a[1], RejectionArtifact::UnavailableQuantity(UnavailableQuantity { quantity: 3 }));
        assert_eq!(
            a[2],
            RejectionArtifact::UnsupportedCartItems(UnsupportedCartItems {
                message: "odd".into(),
                cart_item_identifiers: vec!["a".into(), "b".into()]
            })
        );
        assert_eq!(a[3], TotalItemCountRestriction { max_quantity: 100 }.into());
        assert_eq!(a[4], TotalQuantityRestriction { max_quantity: 999 }.into());
        assert!(matches!(&a[5], RejectionArtifact::Unknown(_)));
        assert_eq!(a[5].type_name(), Some("SomethingNew"));
        assert_eq!(RejectionArtifact::DISCRIMINATOR, "rejectionArtifactType");
        // The unknown subtype keeps its exact number (`1.50`).
        assert_eq!(
            serde_json::to_string(&a[5]).unwrap(),
            r#"{"rejectionArtifactType":"SomethingNew","weight":1.50}"#
        );
        assert_round_trip(&out, example);
    }

    #[test]
    fn attributes_metadata_and_dates_in_both_forms() {
        let example = r#"{"id":"c","region":"UK","cartType":"SAVED","attributes":[
          {"attributeType":"SubtotalWithoutTax","amount":{"currencyCode":"GBP","amount":10.10}}
        ]}"#;
        let cart: Cart = parse_json("getCart", example.as_bytes()).unwrap();
        assert_eq!(cart.region, Country::GB);
        assert_eq!(cart.cart_type, CartType::Unknown("SAVED".into()));
        match &cart.attributes.as_ref().unwrap()[0] {
            Attribute::SubtotalWithoutTax(s) => assert_eq!(s.amount.amount.value(), dec("10.10")),
            other => panic!("{other:?}"),
        }
        assert_round_trip(&cart, example);
        // The model's own spelling `Subtotal` is read too.
        let a: Attribute = serde_json::from_str(
            r#"{"attributeType":"Subtotal","amount":{"currencyCode":"USD","amount":1}}"#,
        )
        .unwrap();
        assert!(matches!(a, Attribute::Subtotal(_)));

        let item = r#"{"productIdentifier":"P","itemId":"I","buyingOptionIdentifier":"B","quantity":1,
          "isItemAvailable":false,"taxExclusivePrice":{"currencyCode":"EUR","amount":9.99},
          "addedToCartDate":{"date":"2020-07-10T15:00:00Z"},"modifiedDate":"2020-07-10 15:00:00.000",
          "metadata":[{"artifactType":"CatalogMetadata","catalogId":"cat"},{"artifactType":"Other","x":1}]}"#;
        let item: CartItem = serde_json::from_str(item).unwrap();
        assert!(!item.added_to_cart_date.is_bare_string());
        assert_eq!(item.added_to_cart_date.date, t("2020-07-10T15:00:00Z"));
        assert_eq!(item.modified_date.date, t("2020-07-10T15:00:00Z"));
        let v = serde_json::to_value(&item).unwrap();
        assert_eq!(v["addedToCartDate"], json!({"date": "2020-07-10T15:00:00Z"}));
        assert_eq!(v["modifiedDate"], json!("2020-07-10T15:00:00Z"));
        let metadata = item.metadata.as_ref().unwrap();
        assert_eq!(metadata[0], MetadataAttribute::CatalogMetadata(CatalogMetadata::new("cat")));
        assert!(matches!(metadata[1], MetadataAttribute::Unknown(_)));
        assert!(serde_json::from_str::<DateTimeValue>("\"soon\"").is_err());
        assert!(serde_json::from_str::<DateTimeValue>("{}").is_err());
        assert!(serde_json::from_str::<DateTimeValue>("3").is_err());
        assert_eq!(
            serde_json::to_value(DateTimeValue::new(t("2021-01-01T00:00:00Z"))).unwrap(),
            json!({"date": "2021-01-01T00:00:00Z"})
        );
    }

    #[test]
    fn a_subtype_with_a_bad_field_is_a_decode_error() {
        let err = GetCart::new("c")
            .parse(&response(200, r#"{"id":"c","region":"US","cartType":"DEFAULT","attributes":[{"attributeType":"SubTotal"}]}"#))
            .unwrap_err();
        match err {
            Error::Decode(d) => {
                assert_eq!(d.operation, "getCart");
                assert!(d.path.starts_with("attributes[0]"), "{}", d.path);
                assert!(d.message.contains("amount"), "{}", d.message);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn enums_keep_unknown_values_and_exact_spellings() {
        for (text, value) in [
            ("SUBTOTAL", ChargeCategory::Subtotal),
            ("SHIPPING", ChargeCategory::Shipping),
            ("GIFT_WRAP", ChargeCategory::GiftWrap),
            ("PAYMENT_METHOD_FEE", ChargeCategory::PaymentMethodFee),
            ("EXPORT_FEE", ChargeCategory::ExportFee),
            ("OTHER", ChargeCategory::Other),
        ] {
            assert_eq!(serde_json::from_value::<ChargeCategory>(json!(text)).unwrap(), value);
            assert_eq!(serde_json::to_value(&value).unwrap(), json!(text));
        }
        assert_eq!(ChargeType::KNOWN_VALUES, ["PRINCIPAL", "TAX", "DISCOUNT"]);
        let odd: ChargeType = serde_json::from_value(json!("FEE")).unwrap();
        assert!(!odd.is_known());
        assert_eq!(serde_json::to_value(&odd).unwrap(), json!("FEE"));
        assert_eq!(serde_json::to_value(ChargeType::Discount).unwrap(), json!("DISCOUNT"));
    }

    #[test]
    fn path_ids_are_encoded() {
        assert_eq!(
            uri(&GetCart::new("a/b c")),
            "https://sandbox.na.business-api.amazon.com/cart/2025-04-30/carts/a%2Fb%20c?region=US"
        );
    }

    #[test]
    fn operation_constants() {
        assert_eq!(ListCarts::ID, "listCarts");
        assert_eq!(GetEstimatedTotalPurchaseCost::ID, "getEstimatedTotalPurchaseCost");
        assert_eq!(ListCarts::ROLE, Role::AmazonBusinessOrderPlacement);
        assert_eq!(DeleteItems::ROLE, Role::AmazonBusinessOrderPlacement);
        for plan in [
            ListCarts::USAGE_PLAN,
            GetCart::USAGE_PLAN,
            GetItems::USAGE_PLAN,
            AddItems::USAGE_PLAN,
            ModifyItems::USAGE_PLAN,
            DeleteItems::USAGE_PLAN,
            GetEstimatedTotalPurchaseCost::USAGE_PLAN,
        ] {
            assert_eq!(plan, Some(UsagePlan::new(2.0, 2)));
        }
        const {
            assert!(ListCarts::RETRY_SAFE);
            assert!(GetCart::RETRY_SAFE);
            assert!(GetItems::RETRY_SAFE);
            assert!(GetEstimatedTotalPurchaseCost::RETRY_SAFE);
            assert!(!AddItems::RETRY_SAFE);
            assert!(!ModifyItems::RETRY_SAFE);
            assert!(!DeleteItems::RETRY_SAFE);
        }
    }
}
