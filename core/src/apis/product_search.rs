//! Product Search API, version `2020-08-26`: search Amazon Business's catalog, read a product,
//! list a product's offers, and look up several products or offers at once.
//!
//! All five operations need the *Business Product Catalog* role and the
//! `x-amz-user-email` header (per call with `.user_email(..)`, or the configured default). The
//! model states no usage plan, so [`Operation::USAGE_PLAN`] is `None` and the pacer relies on
//! the `x-amzn-RateLimit-Limit` header Amazon returns.
//!
//! Every operation also needs `productRegion` and `locale`. `productRegion` is a [`Country`]
//! that defaults to the configured marketplace's country; `locale` defaults to that country's
//! usual locale (`en_US`, `en_GB`, `de_DE`, `fr_FR`, `es_ES`, `it_IT`, `en_IN`, `en_CA`,
//! `es_MX`, `en_AU`, `ja_JP`). Both can be overridden per call.
//!
//! # Model definitions and their Rust types
//!
//! | Model definition | Rust type |
//! |---|---|
//! | `SearchProductsResult` | [`SearchProductsResult`] |
//! | `ProductsResult` | [`Product`] |
//! | `ProductsByAsinsRequest` | [`ProductsByAsinsRequest`] |
//! | `ProductsByAsinsResponse` | [`ProductsByAsinsResponse`] |
//! | `getOffersByOfferIdsRequest` | [`GetOffersByOfferIdsRequest`] |
//! | `OfferByOfferIdRequest` | [`OfferByOfferIdRequest`] |
//! | `GetOffersByOfferIdsResponse` | [`GetOffersByOfferIdsResponse`] |
//! | `OffersResult` | [`OffersResult`] |
//! | `OfferFilterGroup` | [`OfferFilterGroup`] |
//! | `OfferFilter` | [`OfferFilter`] |
//! | `AsinType` | [`AsinType`] |
//! | `SearchFacetType` | [`SearchFacetType`] (also the `facets` parameter's items) |
//! | `Region` | [`crate::place::Country`] |
//! | `RefinementResult` | [`RefinementResult`] |
//! | `Category` | [`Category`] (= [`RefinementOption`]) |
//! | `SubCategory` | [`SubCategory`] (= [`RefinementOption`]) |
//! | `Availability` | [`Availability`] (= [`RefinementOption`]) |
//! | `DeliveryDay` | [`DeliveryDay`] (= [`RefinementOption`]) |
//! | `EligibleForFreeShipping` | [`EligibleForFreeShipping`] (= [`RefinementOption`]) |
//! | `PrimeEligible` | [`PrimeEligible`] (= [`RefinementOption`]) |
//! | `SearchRefinementResult` | [`SearchRefinementResult`] |
//! | `RefinementValue` | [`RefinementValue`] |
//! | `Offer` | [`Offer`] |
//! | `Offer.buyingGuidance` (inline enum) | [`BuyingGuidance`] |
//! | `Offer.buyingGuidanceV2` (inline object) | [`BuyingGuidanceV2`] |
//! | `Offer.fulfillmentType`, `Fulfiller.fulfillmentType` (inline enums) | [`FulfillmentType`] |
//! | `Offer.productCondition` (inline enum) | [`ConditionValue`] |
//! | `ProductOffersFacet` | [`ProductOffersFacet`] (`Vec<Offer>`) |
//! | `SearchOffersFacet` | [`SearchOffersFacet`] (`Vec<Offer>`) |
//! | `BuyingRestriction` | [`BuyingRestriction`] |
//! | `Merchant` | [`Merchant`] |
//! | `Fulfiller` | [`Fulfiller`] |
//! | `Condition` | [`Condition`] |
//! | `ConditionValue` | [`ConditionValue`] |
//! | `SubCondition` | [`SubCondition`] |
//! | `ShippingOption` | [`ShippingOption`] |
//! | `ShippingDetails` | [`ShippingDetails`] |
//! | `ThresholdPrice` | [`ThresholdPrice`] |
//! | `DeliveryDateRange` | [`DeliveryDateRange`] |
//! | `OfferQuantityLimits` | [`OfferQuantityLimits`] |
//! | `QuantityPrice` | [`QuantityPrice`] |
//! | `QuantityPriceTier` | [`QuantityPriceTier`] |
//! | `Price` | [`Price`] |
//! | `TaxExclusivePrice` | [`TaxExclusivePrice`] |
//! | `Money` | [`crate::types::Money`] (amounts travel as JSON numbers here) |
//! | `Badge` | [`Badge`] |
//! | `Fragment` | [`Fragment`] |
//! | `Fragment.type` (inline enum) | [`FragmentType`] |
//! | `Link` | [`Link`] |
//! | `ImagesFacet` | [`ImagesFacet`] (`Vec<ImageItem>`) |
//! | `ImageItem` | [`ImageItem`] |
//! | `ImageData` | [`ImageData`] |
//! | `EditorialReview` | [`EditorialReview`] |
//! | `Taxonomy` | [`Taxonomy`] |
//! | `Taxonomy.type` (inline enum) | [`TaxonomyType`] |
//! | `PackageTypeName` | [`PackageTypeName`] |
//! | `ISBN` | [`Isbn`] |
//! | `BookInformation` | [`BookInformation`] |
//! | `Contributor` | [`Contributor`] |
//! | `MediaInformation` | [`MediaInformation`] |
//! | `CustomerReviewsSummary` | [`CustomerReviewsSummary`] |
//! | `ProductVariations` | [`ProductVariations`] |
//! | `Dimension` | [`Dimension`] |
//! | `DimensionValue` | [`DimensionValue`] |
//! | `Variation` | [`Variation`] |
//! | `VariationValue` | [`VariationValue`] |
//! | `ErrorResponse` | [`crate::error::ErrorList`] |
//! | `ErrorList` | [`crate::error::ErrorEntry`] in a `Vec` (the `errors` field of [`crate::error::ErrorList`]) |
//! | `Error` | [`crate::error::ErrorEntry`] (its `code` enum is [`ErrorCode`], see [`error_code`]) |
//!
//! The query parameters' enums are [`ProductInclusion`] (`inclusionsForProducts`),
//! [`OfferInclusion`] (`inclusionsForOffers`) and [`SortKey`] (`sortKey`).
//!
//! # Fields that may be missing
//!
//! `inclusionsForProducts` and `inclusionsForOffers` choose which fields of a product or an
//! offer Amazon returns, so every field they name is an `Option` even where the model marks
//! it required. Other fields the model marks required but Amazon's recorded examples leave
//! out or send as `null` are `Option` too; each says so in a comment.
//!
//! Optional fields read an explicit JSON `null` and an absent key alike as `None`, and write
//! `None` by leaving the key out.

use std::collections::BTreeMap;

use http::Method;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::error::{Error, ErrorEntry, ValidationError};
use crate::operation::{Operation, Paginated, RequestContext, Role, UsagePlan};
use crate::place::Country;
use crate::types::{Amount, DateTime, Money};
use crate::wire::{parse_json, validate, RequestBuilder};

const PRODUCTS_PATH: &str = "/products/2020-08-26/products";
const PRODUCT_PATH: &str = "/products/2020-08-26/products/{productId}";
const OFFERS_PATH: &str = "/products/2020-08-26/products/{productId}/offers";
const PRODUCTS_BY_ASINS_PATH: &str = "/products/2020-08-26/products/getProductsByAsins";
const OFFERS_BY_IDS_PATH: &str = "/products/2020-08-26/offers/getOffersByOfferIds";
/// The model: at most 13 pages of a search can be fetched.
const MAX_PAGES: i64 = 13;

// ---------------------------------------------------------------------------------------------
// Parameter enums
// ---------------------------------------------------------------------------------------------

string_enum! {
    /// Extra groups of data to return with a product (model `SearchFacetType`, and the items of
    /// the `facets` parameter).
    pub enum SearchFacetType {
        /// The product's offers.
        Offers = "OFFERS",
        /// The product's images.
        Images = "IMAGES",
    }
}

string_enum! {
    /// A product field to return (`inclusionsForProducts`). Leaving the parameter out returns
    /// every field but UPCs, EANs, model number and manufacturer.
    pub enum ProductInclusion {
        /// Every field.
        All = "ALL",
        /// `bookInformation`.
        BookInformation = "bookInformation",
        /// `byLine`.
        ByLine = "byLine",
        /// `customerReviewsSummary`.
        CustomerReviewsSummary = "customerReviewsSummary",
        /// `editorialReviews`.
        EditorialReviews = "editorialReviews",
        /// `features`.
        Features = "features",
        /// `format`.
        Format = "format",
        /// `mediaInformation`.
        MediaInformation = "mediaInformation",
        /// `productDescription`.
        ProductDescription = "productDescription",
        /// `productDetails`.
        ProductDetails = "productDetails",
        /// `productOverview`.
        ProductOverview = "productOverview",
        /// `productVariations`.
        ProductVariations = "productVariations",
        /// `taxonomies`.
        Taxonomies = "taxonomies",
        /// `packageTypeNames`.
        PackageTypeNames = "packageTypeNames",
        /// `title`.
        Title = "title",
        /// `upcValues`.
        UpcValues = "upcValues",
        /// `eanValues`.
        EanValues = "eanValues",
        /// `modelNumber`.
        ModelNumber = "modelNumber",
        /// `manufacturerName`.
        ManufacturerName = "manufacturerName",
        /// `bundleQuantity`.
        BundleQuantity = "bundleQuantity",
        /// `isCustomQuoteEligible` ([`SearchProducts`] only).
        IsCustomQuoteEligible = "isCustomQuoteEligible",
        /// `badges`.
        Badges = "badges",
        /// `isBundledAsin`.
        IsBundledAsin = "isBundledAsin",
        /// `legalInformation`.
        LegalInformation = "legalInformation",
    }
}

/// The `inclusionsForProducts` values every operation but [`SearchProducts`] accepts.
pub(crate) const PRODUCT_INCLUSIONS_SHARED: &[&str] = &[
    "ALL",
    "bookInformation",
    "byLine",
    "customerReviewsSummary",
    "editorialReviews",
    "features",
    "format",
    "mediaInformation",
    "productDescription",
    "productDetails",
    "productOverview",
    "productVariations",
    "taxonomies",
    "packageTypeNames",
    "title",
    "upcValues",
    "eanValues",
    "modelNumber",
    "manufacturerName",
    "bundleQuantity",
    "badges",
    "isBundledAsin",
    "legalInformation",
];

string_enum! {
    /// An offer field to return (`inclusionsForOffers`). Leaving the parameter out returns
    /// every field.
    pub enum OfferInclusion {
        /// Every field (not accepted by [`GetOffersByOfferIds`]).
        All = "ALL",
        /// `availability`.
        Availability = "availability",
        /// `buyingGuidance`.
        BuyingGuidance = "buyingGuidance",
        /// `buyingGuidanceV2`.
        BuyingGuidanceV2 = "buyingGuidanceV2",
        /// `buyingRestrictions`.
        BuyingRestrictions = "buyingRestrictions",
        /// `condition`.
        Condition = "condition",
        /// `fulfillmentType`.
        FulfillmentType = "fulfillmentType",
        /// `merchant`.
        Merchant = "merchant",
        /// The merchant's `certificates`.
        MerchantCertificates = "merchantCertificates",
        /// `price`.
        Price = "price",
        /// `productCondition`.
        ProductCondition = "productCondition",
        /// `productConditionNote`.
        ProductConditionNote = "productConditionNote",
        /// `quantityLimits`.
        QuantityLimits = "quantityLimits",
        /// `quantityPrice`.
        QuantityPrice = "quantityPrice",
        /// `taxExclusivePrice`.
        TaxExclusivePrice = "taxExclusivePrice",
        /// `deliveryInformation`.
        DeliveryInformation = "deliveryInformation",
        /// `listPrice`.
        ListPrice = "listPrice",
        /// `shippingOptions`.
        ShippingOptions = "shippingOptions",
        /// `quantityInStock`.
        QuantityInStock = "quantityInStock",
        /// `badges`.
        Badges = "badges",
        /// `fulfiller`.
        Fulfiller = "fulfiller",
    }
}

string_enum! {
    /// The order of search results (`sortKey`; Amazon's default is relevance).
    pub enum SortKey {
        /// Featured products first.
        Featured = "FEATURED",
        /// Newest products first.
        NewestArrivals = "NEWEST_ARRIVALS",
        /// Best sellers first.
        Popularity = "POPULARITY",
        /// Most expensive first.
        PriceHighToLow = "PRICE_HIGH_TO_LOW",
        /// Cheapest first.
        PriceLowToHigh = "PRICE_LOW_TO_HIGH",
        /// Best match first.
        Relevance = "RELEVANCE",
        /// Best rated first.
        TopRated = "TOP_RATED",
    }
}

string_enum! {
    /// The code of a Product Search error (`Error.code`). [`ErrorEntry::code`] keeps the text;
    /// [`error_code`] reads it as this enum.
    pub enum ErrorCode {
        /// No such product.
        ProductNotFound = "PRODUCT_NOT_FOUND",
        /// No such offer.
        OfferNotFound = "OFFER_NOT_FOUND",
        /// The page number is past the last page.
        PageNotFound = "PAGE_NOT_FOUND",
        /// A parameter is missing or wrong.
        InvalidRequestParameter = "INVALID_REQUEST_PARAMETER",
        /// Amazon failed.
        ServiceError = "SERVICE_ERROR",
        /// The `x-amz-user-email` is not a user of the business.
        EmailIdNotFound = "EMAIL_ID_NOT_FOUND",
        /// Not allowed.
        Unauthorized = "UNAUTHORIZED",
        /// Throttled.
        RequestRateLimitExceeded = "REQUEST_RATE_LIMIT_EXCEEDED",
    }
}

/// Reads a Product Search error entry's code as an [`ErrorCode`].
pub fn error_code(entry: &ErrorEntry) -> ErrorCode {
    ErrorCode::from_wire(&entry.code)
}

// ---------------------------------------------------------------------------------------------
// Models: results
// ---------------------------------------------------------------------------------------------

/// One page of search results (model `SearchProductsResult`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchProductsResult {
    /// How many products match in all.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub matching_product_count: i64,
    /// Refinements to narrow the search with (`searchRefinements` of a next request).
    pub search_refinements: Vec<SearchRefinementResult>,
    /// Categories and filters to narrow the search with.
    pub refinements: RefinementResult,
    /// How many pages the results fill.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub number_of_pages: i64,
    /// Legal notices about the results.
    // Required in the model, but the recorded example leaves it out.
    pub legal_information: Option<Vec<Fragment>>,
    /// The products on this page.
    pub products: Vec<Product>,
    /// The sort order applied.
    pub sort_key: Option<String>,
    /// The minimum price applied, in whole units of the marketplace currency.
    pub min_price: Option<i64>,
    /// The maximum price applied, in whole units of the marketplace currency.
    pub max_price: Option<i64>,
}

/// A product (model `ProductsResult`).
///
/// Fields named by [`ProductInclusion`] are `Option`: `inclusionsForProducts` decides whether
/// Amazon sends them.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// The product's ASIN.
    pub asin: String,
    /// Whether it is a standalone product or a variation parent or child.
    pub asin_type: AsinType,
    /// The product ID signed for this request.
    pub signed_product_id: String,
    /// Legal notices about the product.
    // Required in the model; left out by the recorded `getProductsByAsins` example and
    // selectable with `inclusionsForProducts`.
    pub legal_information: Option<Vec<Fragment>>,
    /// The extra data groups asked for with `facets`, by facet name (`OFFERS`, `IMAGES`). The
    /// model leaves the entries' shape open; see [`Product::included_offers`] and
    /// [`Product::included_images`].
    pub included_data_types: BTreeMap<String, Vec<serde_json::Map<String, serde_json::Value>>>,
    /// Bullet-point features.
    pub features: Option<Vec<String>>,
    /// Editorial reviews.
    pub editorial_reviews: Option<Vec<EditorialReview>>,
    /// Classifications such as UNSPSC codes.
    pub taxonomies: Option<Vec<Taxonomy>>,
    /// Package types.
    // Required in the model; left out by the recorded examples.
    pub package_type_names: Option<Vec<PackageTypeName>>,
    /// The product's title.
    pub title: Option<String>,
    /// The product's page on the Amazon Business website.
    pub url: String,
    /// The kind of product (a book's binding, for example).
    // Required in the model; the recorded examples send `null`.
    pub format: Option<String>,
    /// Book details.
    pub book_information: Option<BookInformation>,
    /// Brand, authors, editors…
    pub by_line: Option<Vec<Contributor>>,
    /// Media details.
    pub media_information: Option<MediaInformation>,
    /// General descriptive fields, by label.
    pub product_overview: Option<BTreeMap<String, String>>,
    /// Further details, grouped by section then label.
    pub product_details: Option<BTreeMap<String, BTreeMap<String, String>>>,
    /// The product's variations and their dimensions.
    pub product_variations: Option<ProductVariations>,
    /// Rating count and stars.
    pub customer_reviews_summary: Option<CustomerReviewsSummary>,
    /// The product's description.
    // Required in the model; the recorded search example sends `null` for some products.
    pub product_description: Option<String>,
    /// 12-digit UPCs.
    pub upc_values: Option<Vec<String>>,
    /// 13-digit EANs.
    pub ean_values: Option<Vec<String>>,
    /// The manufacturer's model number.
    // Required in the model; left out by the recorded examples.
    pub model_number: Option<String>,
    /// The manufacturer.
    // Required in the model; left out by the recorded examples.
    pub manufacturer_name: Option<String>,
    /// Items per bundled unit.
    // Required in the model; left out by the recorded examples.
    pub bundle_quantity: Option<i64>,
    /// Whether a quote can be asked for before buying ([`SearchProducts`] only).
    // Required in the model; left out by the recorded examples.
    pub is_custom_quote_eligible: Option<bool>,
    /// Badges such as best seller or sustainability.
    pub badges: Option<Vec<Badge>>,
    /// Whether the ASIN is a bundle.
    // Required in the model; left out by the recorded examples.
    pub is_bundled_asin: Option<bool>,
}

impl Product {
    /// The `OFFERS` entries of [`Product::included_data_types`] read as offers, if present
    /// (empty entries are skipped).
    pub fn included_offers(&self) -> Option<Result<Vec<Offer>, serde_json::Error>> {
        self.included("OFFERS")
    }

    /// The `IMAGES` entries of [`Product::included_data_types`] read as images, if present.
    pub fn included_images(&self) -> Option<Result<Vec<ImageItem>, serde_json::Error>> {
        self.included("IMAGES")
    }

    fn included<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Option<Result<Vec<T>, serde_json::Error>> {
        let entries = self.included_data_types.get(key)?;
        // Amazon's own example lists an empty object (`"OFFERS": [{}]`): nothing to read there.
        Some(
            entries
                .iter()
                .filter(|e| !e.is_empty())
                .map(|e| serde_json::from_value(serde_json::Value::Object(e.clone())))
                .collect(),
        )
    }
}

string_enum! {
    /// Whether a product stands alone or is part of a variation family (model `AsinType`).
    pub enum AsinType {
        /// A product without variations.
        Standard = "STANDARD",
        /// The parent of a variation family (not buyable itself).
        VariationParent = "VARIATION_PARENT",
        /// One variation of a family.
        VariationChild = "VARIATION_CHILD",
    }
}

/// The answer to [`GetProductsByAsins`] (model `ProductsByAsinsResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductsByAsinsResponse {
    /// How many products were found.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub matching_product_count: i64,
    /// The products found.
    pub products: Vec<Product>,
    /// The ASINs asked for that were not found.
    pub not_found_asins: Vec<String>,
}

/// The answer to [`GetOffersByOfferIds`] (model `GetOffersByOfferIdsResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetOffersByOfferIdsResponse {
    /// The offers found.
    pub offers: Vec<Offer>,
    /// The offer IDs asked for that were not found.
    pub not_found_offer_ids: Vec<String>,
}

/// One page of a product's offers (model `OffersResult`).
///
/// Amazon's recorded example also sends a `legalInformation` list here, which the model does
/// not define; it is not kept.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OffersResult {
    /// How many offers match the filters.
    pub offer_count: Option<i64>,
    /// How many pages the offers fill.
    pub number_of_pages: Option<i64>,
    /// The offer Amazon features for this product.
    pub featured_offer: Option<Offer>,
    /// The offers on this page.
    pub offers: Option<Vec<Offer>>,
    /// Filters to narrow the offers with (`filterIds` of a next request).
    pub filter_groups: Option<Vec<OfferFilterGroup>>,
}

/// A group of offer filters (model `OfferFilterGroup`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferFilterGroup {
    /// The group's label.
    pub display_name: Option<String>,
    /// The filters.
    pub filters: Option<Vec<OfferFilter>>,
}

/// An offer filter (model `OfferFilter`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferFilter {
    /// The ID to pass in `filterIds`.
    pub id: Option<String>,
    /// The filter's label.
    pub display_name: Option<String>,
}

/// The refinements a search offers (model `RefinementResult`); the same on every page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefinementResult {
    /// Matching categories (`category` of a next request).
    pub categories: Vec<Category>,
    /// Sub-categories of the chosen category (`subCategory` of a next request).
    pub sub_categories: Vec<SubCategory>,
    /// Stock options (`availability` of a next request).
    pub availability_options: Vec<Availability>,
    /// Delivery-day options (`deliveryDay` of a next request).
    pub delivery_day_options: Vec<DeliveryDay>,
    /// Free-shipping option (`eligibleForFreeShipping` of a next request).
    pub eligible_for_free_shipping_options: Vec<EligibleForFreeShipping>,
    /// Prime option (`primeEligible` of a next request).
    pub prime_eligible: Vec<PrimeEligible>,
}

/// A refinement choice: an ID and its label (models `Category`, `SubCategory`,
/// `Availability`, `DeliveryDay`, `EligibleForFreeShipping` and `PrimeEligible`, which are
/// identical).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefinementOption {
    /// The label.
    pub display_name: String,
    /// The ID to pass back.
    pub id: String,
}

/// A search category (model `Category`).
pub type Category = RefinementOption;
/// A search sub-category (model `SubCategory`).
pub type SubCategory = RefinementOption;
/// A stock option (model `Availability`).
pub type Availability = RefinementOption;
/// A delivery-day option (model `DeliveryDay`).
pub type DeliveryDay = RefinementOption;
/// A free-shipping option (model `EligibleForFreeShipping`).
pub type EligibleForFreeShipping = RefinementOption;
/// A Prime option (model `PrimeEligible`).
pub type PrimeEligible = RefinementOption;

/// A kind of search refinement and its values (model `SearchRefinementResult`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchRefinementResult {
    /// How values may be combined (e.g. `MultiSelectOR`).
    // Required in the model; the recorded example sends `null`.
    pub selection_type: Option<String>,
    /// The refinement's label (e.g. `Brand`).
    pub display_value: String,
    /// The values to choose from.
    pub refinement_values: Vec<RefinementValue>,
}

/// One value of a search refinement (model `RefinementValue`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefinementValue {
    /// The label.
    pub display_name: String,
    /// The value to pass in `searchRefinements` (e.g. `brandtextbin#Sony`).
    pub search_refinement_value: String,
}

// ---------------------------------------------------------------------------------------------
// Models: offers
// ---------------------------------------------------------------------------------------------

/// An offer of a product by a merchant (model `Offer`).
///
/// Fields named by [`OfferInclusion`] are `Option`: `inclusionsForOffers` decides whether
/// Amazon sends them.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    /// Availability in words (e.g. `In Stock.`).
    pub availability: Option<String>,
    /// The business's buying policy for this offer.
    pub buying_guidance: Option<BuyingGuidance>,
    /// The business's buying policy, with details.
    #[serde(rename = "buyingGuidanceV2")]
    pub buying_guidance_v2: Option<BuyingGuidanceV2>,
    /// Why the buyer may not buy it, if they may not.
    pub buying_restrictions: Option<Vec<BuyingRestriction>>,
    /// Who fulfils the order.
    pub fulfillment_type: Option<FulfillmentType>,
    /// The seller.
    pub merchant: Option<Merchant>,
    /// The fulfiller.
    pub fulfiller: Option<Fulfiller>,
    /// The offer's ID, used to buy it.
    pub offer_id: String,
    /// The price the buyer pays.
    pub price: Option<Price>,
    /// Shipping choices.
    // Required in the model; left out by the recorded examples.
    pub shipping_options: Option<Vec<ShippingOption>>,
    /// Badges such as Invoice by Amazon or JCT.
    pub badges: Option<Vec<Badge>>,
    /// Units in stock.
    // Required in the model; the recorded examples send `null`.
    pub quantity_in_stock: Option<i64>,
    /// The list price.
    pub list_price: Option<Price>,
    /// The product's condition.
    pub product_condition: Option<ConditionValue>,
    /// More about the condition.
    pub product_condition_note: Option<String>,
    /// The condition in detail.
    pub condition: Option<Condition>,
    /// How many units one order may hold.
    pub quantity_limits: Option<OfferQuantityLimits>,
    /// Quantity discount tiers.
    pub quantity_price: Option<QuantityPrice>,
    /// The price before tax.
    pub tax_exclusive_price: Option<TaxExclusivePrice>,
    /// Delivery time and price in words.
    pub delivery_information: Option<String>,
}

/// Offers of a product returned as a facet (model `ProductOffersFacet`).
pub type ProductOffersFacet = Vec<Offer>;
/// Offers returned by an offer search (model `SearchOffersFacet`).
pub type SearchOffersFacet = Vec<Offer>;

string_enum! {
    /// The business's buying policy for an offer (`Offer.buyingGuidance`).
    pub enum BuyingGuidance {
        /// Preferred by the business.
        Preferred = "PREFERRED",
        /// Allowed with restrictions.
        Restricted = "RESTRICTED",
        /// Not allowed.
        Blocked = "BLOCKED",
        /// No policy applies.
        None = "NONE",
        /// Negotiated pricing applies.
        Negotiated = "NEGOTIATED",
        /// Amazon's own `UNKNOWN` (not to be confused with [`BuyingGuidance::Unknown`]).
        Unspecified = "UNKNOWN",
    }
}

/// The business's buying policy with details (`Offer.buyingGuidanceV2`, an inline object).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyingGuidanceV2 {
    /// The policy's parts.
    pub buying_guidance: Option<Vec<Fragment>>,
}

string_enum! {
    /// Who fulfils an order (`Offer.fulfillmentType`, `Fulfiller.fulfillmentType`).
    pub enum FulfillmentType {
        /// Amazon.
        AmazonFulfillment = "AMAZON_FULFILLMENT",
        /// The merchant.
        MerchantFulfillment = "MERCHANT_FULFILLMENT",
        /// Someone else.
        Other = "OTHER",
    }
}

/// Why a buyer may not buy an offer (model `BuyingRestriction`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyingRestriction {
    /// The reason in words.
    pub title: String,
    /// The kind of restriction.
    #[serde(rename = "type")]
    pub restriction_type: String,
}

/// The merchant selling an offer (model `Merchant`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Merchant {
    /// The merchant's ID.
    // Required in the model; the recorded examples send `null`.
    pub merchant_id: Option<String>,
    /// The merchant's name.
    pub name: String,
    /// The merchant's average rating, kept exact.
    // Required in the model; the recorded examples send `null`.
    pub mean_feedback_rating: Option<Amount>,
    /// How many ratings the merchant has (`type: number` in the model, kept exact).
    // Required in the model; the recorded examples send `null`.
    pub total_feedback_count: Option<Amount>,
    /// The merchant's certifications (e.g. small business).
    pub certificates: Option<Vec<String>>,
}

/// Who fulfils an offer (model `Fulfiller`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fulfiller {
    /// The fulfiller's name.
    pub name: String,
    /// The kind of fulfilment.
    pub fulfillment_type: FulfillmentType,
}

/// A product's condition (model `Condition`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// The main condition.
    pub condition_value: ConditionValue,
    /// The merchant's note on it.
    pub condition_note: String,
    /// The finer condition.
    pub sub_condition: SubCondition,
}

string_enum! {
    /// A product's main condition (model `ConditionValue`, also `Offer.productCondition`).
    pub enum ConditionValue {
        /// New.
        New = "NEW",
        /// Used.
        Used = "USED",
        /// Collectible.
        Collectible = "COLLECTIBLE",
        /// Refurbished.
        Refurbished = "REFURBISHED",
        /// Something else.
        Other = "OTHER",
        /// Amazon's own `UNKNOWN` (not to be confused with [`ConditionValue::Unknown`]).
        Unspecified = "UNKNOWN",
    }
}

string_enum! {
    /// A product's finer condition (model `SubCondition`).
    pub enum SubCondition {
        /// Acceptable.
        Acceptable = "ACCEPTABLE",
        /// Club.
        Club = "CLUB",
        /// Good.
        Good = "GOOD",
        /// Like new.
        LikeNew = "LIKE_NEW",
        /// New.
        New = "NEW",
        /// Original equipment.
        Oem = "OEM",
        /// Open box.
        OpenBox = "OPEN_BOX",
        /// Refurbished.
        Refurbished = "REFURBISHED",
        /// Amazon's own `UNKNOWN` (not to be confused with [`SubCondition::Unknown`]).
        Unspecified = "UNKNOWN",
        /// Very good.
        VeryGood = "VERY_GOOD",
    }
}

/// A way to ship an offer (model `ShippingOption`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingOption {
    /// What shipping costs.
    pub shipping_cost: ShippingDetails,
    /// When it would arrive.
    pub delivery_range: DeliveryDateRange,
    /// Delivery time and price in words.
    pub delivery_information: String,
    /// Order value above which shipping is free.
    pub threshold_cost: ThresholdPrice,
}

/// The cost of shipping (model `ShippingDetails`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingDetails {
    /// The cost.
    pub value: Money,
}

/// The order value above which shipping is free (model `ThresholdPrice`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThresholdPrice {
    /// The threshold.
    pub value: Money,
}

/// A delivery window (model `DeliveryDateRange`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryDateRange {
    /// The latest delivery.
    pub max: DateTime,
    /// The earliest delivery.
    pub min: DateTime,
}

/// How many units one order of an offer may hold (model `OfferQuantityLimits`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferQuantityLimits {
    /// At most.
    pub max_quantity: i64,
    /// At least.
    pub min_quantity: i64,
}

/// Quantity discounts of an offer (model `QuantityPrice`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuantityPrice {
    /// The tiers.
    pub quantity_price_tiers: Option<Vec<QuantityPriceTier>>,
}

/// The unit price for a range of quantities (model `QuantityPriceTier`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuantityPriceTier {
    /// The quantity range in words.
    pub quantity_display: String,
    /// The price of one unit in this tier.
    pub unit_price: Money,
    /// Deprecated by Amazon: the least quantity of the tier.
    pub min_quantity: Option<i64>,
    /// Deprecated by Amazon: the tier's price.
    pub price: Option<Price>,
    /// Deprecated by Amazon: the saving in words.
    pub saving_message: Option<String>,
    /// Deprecated by Amazon: the tier's price before tax.
    pub tax_exclusive_price: Option<TaxExclusivePrice>,
}

/// A price (model `Price`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Price {
    /// The amount.
    // Required in the model; the recorded examples send `null` (for list prices).
    pub value: Option<Money>,
    /// The price formatted for display.
    // Required in the model; the recorded examples send `null`.
    pub formatted_price: Option<String>,
    /// The kind of price (e.g. business pricing).
    // Required in the model; the recorded examples send `null` (for list prices).
    pub price_type: Option<String>,
}

/// A price before tax (model `TaxExclusivePrice`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxExclusivePrice {
    /// The amount.
    // Required in the model; the recorded examples send `null`.
    pub tax_exclusive_amount: Option<Money>,
    /// A note on the tax exclusion.
    pub display_string: String,
    /// The price formatted for display.
    pub formatted_price: String,
    /// The kind of tax exclusion.
    pub label: String,
}

/// A badge of a product or an offer (model `Badge`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Badge {
    /// The badge's name.
    // Required in the model; the recorded examples send `null`.
    pub name: Option<String>,
    /// What the badge shows.
    pub fragment: Option<Fragment>,
}

/// A piece of displayable information: a badge, a policy, a legal notice (model `Fragment`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fragment {
    /// The heading.
    pub title: Option<String>,
    /// The text.
    pub message: Option<String>,
    /// A link to more.
    pub link: Option<Link>,
    /// What the fragment is, whatever the language.
    #[serde(rename = "type")]
    pub fragment_type: FragmentType,
    /// Nested fragments.
    pub fragments: Option<Vec<Fragment>>,
}

string_enum! {
    /// What a fragment is (`Fragment.type`).
    pub enum FragmentType {
        /// A sustainability badge.
        SustainabilityBadge = "SUSTAINABILITY_BADGE",
        /// A sustainability attribute.
        SustainabilityAttribute = "SUSTAINABILITY_ATTRIBUTE",
        /// The business-invoice badge.
        BusinessInvoiceBadge = "BUSINESS_INVOICE_BADGE",
        /// The Japan Consumption Tax badge.
        JctBadge = "JCT_BADGE",
        /// A preferred-purchase policy.
        Preferred = "PREFERRED",
        /// A restricting policy.
        Restricted = "RESTRICTED",
        /// A blocking policy.
        Blocked = "BLOCKED",
        /// No policy.
        None = "NONE",
        /// Negotiated pricing.
        Negotiated = "NEGOTIATED",
        /// Amazon's own `UNKNOWN` (not to be confused with [`FragmentType::Unknown`]).
        Unspecified = "UNKNOWN",
        /// The best-seller badge.
        BestsellerBadge = "BESTSELLER_BADGE",
    }
}

/// A link (model `Link`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    /// The link text.
    pub text: Option<String>,
    /// The target.
    pub url: String,
}

// ---------------------------------------------------------------------------------------------
// Models: product details
// ---------------------------------------------------------------------------------------------

/// Images of a product returned as a facet (model `ImagesFacet`).
pub type ImagesFacet = Vec<ImageItem>;

/// A product image in several sizes (model `ImageItem`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageItem {
    /// The image's alt text.
    pub alt_text: String,
    /// Full size (about 2560 px).
    pub original: Option<ImageData>,
    /// Large (about 500 px).
    pub large: Option<ImageData>,
    /// Medium (about 250 px).
    pub medium: Option<ImageData>,
    /// Small (about 160 px).
    pub small: Option<ImageData>,
    /// Thumbnail (about 40 px).
    pub thumbnail: Option<ImageData>,
}

/// One rendering of an image (model `ImageData`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageData {
    /// Height in pixels.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub height: i64,
    /// Where to fetch it.
    pub url: String,
    /// Width in pixels.
    // The model gives no integer format; i64 holds any value Amazon could send.
    pub width: i64,
}

/// An editorial review (model `EditorialReview`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditorialReview {
    /// The review.
    pub content: String,
    /// Who wrote it.
    pub source: String,
}

/// A classification of a product (model `Taxonomy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Taxonomy {
    /// The code (e.g. `53131600`).
    pub taxonomy_code: String,
    /// The code's title.
    pub title: String,
    /// The classification system.
    #[serde(rename = "type")]
    pub taxonomy_type: TaxonomyType,
}

string_enum! {
    /// A classification system (`Taxonomy.type`).
    pub enum TaxonomyType {
        /// UN Standard Products and Services Code.
        Unspsc = "UNSPSC",
        /// ECLASS.
        Eclass = "ECLASS",
    }
}

/// A package type (model `PackageTypeName`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageTypeName {
    /// The package type in words.
    pub display_string: String,
}

/// A book's ISBNs (model `ISBN`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Isbn {
    /// The 10-digit ISBN.
    pub isbn10: Option<String>,
    /// The 13-digit ISBN.
    pub isbn13: Option<String>,
}

/// Book details (model `BookInformation`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookInformation {
    /// The ISBNs.
    pub isbn: Option<Isbn>,
    /// When it was published.
    pub publication_date: Option<DateTime>,
    /// Its language.
    pub published_language: Option<String>,
}

/// A contributor to a product: brand, author, editor… (model `Contributor`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contributor {
    /// The name.
    pub name: Option<String>,
    /// The roles.
    pub roles: Option<Vec<String>>,
}

/// Media details (model `MediaInformation`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaInformation {
    /// Editions.
    pub editions: Option<Vec<String>>,
    /// Formats.
    pub media_formats: Option<Vec<String>>,
}

/// Ratings of a product (model `CustomerReviewsSummary`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerReviewsSummary {
    /// How many ratings.
    pub number_of_ratings: Option<i64>,
    /// The average stars, kept exact.
    // Required in the model; the recorded examples send `null`.
    pub star_rating: Option<Amount>,
}

/// A product's variations (model `ProductVariations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductVariations {
    /// The dimensions the variations differ in (colour, size…).
    pub dimensions: Vec<Dimension>,
    /// The variations.
    pub variations: Vec<Variation>,
}

/// A dimension variations differ in (model `Dimension`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dimension {
    /// Its index.
    pub index: Option<i64>,
    /// Its name.
    pub display_string: Option<String>,
    /// Its values.
    pub dimension_values: Option<Vec<DimensionValue>>,
}

/// A value of a dimension (model `DimensionValue`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DimensionValue {
    /// Its index.
    pub index: Option<i64>,
    /// Its name.
    pub display_string: Option<String>,
}

/// One variation (model `Variation`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Variation {
    /// The variation's ASIN.
    pub asin: Option<String>,
    /// Its value in each dimension.
    pub variation_values: Option<Vec<VariationValue>>,
}

/// A variation's value in one dimension, both by index (model `VariationValue`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariationValue {
    /// The dimension's index.
    pub index: Option<i64>,
    /// The value's index within the dimension.
    pub value: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// Models: request bodies
// ---------------------------------------------------------------------------------------------

/// The body of [`GetProductsByAsins`] (model `ProductsByAsinsRequest`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductsByAsinsRequest {
    /// The ASINs to look up.
    pub product_ids: Vec<String>,
    /// Where the buyer buys.
    pub product_region: Country,
    /// Where the products would be shipped.
    pub shipping_region: Option<Country>,
    /// The language of the answer (e.g. `en_US`).
    pub locale: String,
    /// The postal code the products would be shipped to.
    pub shipping_postal_code: Option<String>,
    /// The quantity the buyer means to buy, for quantity discounts.
    pub quantity: Option<u32>,
    /// Extra data groups to return.
    pub facets: Option<Vec<SearchFacetType>>,
}

/// The body of [`GetOffersByOfferIds`] (model `getOffersByOfferIdsRequest`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetOffersByOfferIdsRequest {
    /// The offers to look up.
    pub offers_by_offer_ids_request: Vec<OfferByOfferIdRequest>,
    /// Where the buyer buys.
    pub product_region: Country,
    /// Where the products would be shipped.
    pub shipping_region: Option<Country>,
    /// The language of the answer (e.g. `en_US`).
    pub locale: String,
    /// The postal code the products would be shipped to.
    pub shipping_postal_code: Option<String>,
}

/// One offer to look up (model `OfferByOfferIdRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferByOfferIdRequest {
    /// The offer's ID.
    pub offer_id: String,
}

// ---------------------------------------------------------------------------------------------
// Shared parameter handling
// ---------------------------------------------------------------------------------------------

/// The usual locale of a country's marketplace.
fn default_locale(country: Country) -> &'static str {
    match country {
        Country::US => "en_US",
        Country::CA => "en_CA",
        Country::MX => "es_MX",
        Country::GB => "en_GB",
        Country::DE => "de_DE",
        Country::FR => "fr_FR",
        Country::ES => "es_ES",
        Country::IT => "it_IT",
        Country::IN => "en_IN",
        Country::AU => "en_AU",
        Country::JP => "ja_JP",
    }
}

/// Where and in which language: the parameters every operation shares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Place {
    product_region: Option<Country>,
    shipping_region: Option<Country>,
    locale: Option<String>,
    shipping_postal_code: Option<String>,
}

impl Place {
    fn product_region(&self, cx: &RequestContext<'_>) -> Country {
        self.product_region.unwrap_or_else(|| cx.marketplace.country())
    }

    fn locale(&self, cx: &RequestContext<'_>) -> String {
        self.locale.clone().unwrap_or_else(|| default_locale(self.product_region(cx)).to_owned())
    }

    /// The model: `locale` matches `^[a-zA-Z_-]+$`.
    fn check_locale(&self, op: &'static str, field: &str) -> Result<(), ValidationError> {
        match &self.locale {
            Some(l)
                if l.is_empty() || !l.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-') =>
            {
                Err(ValidationError::new(
                    op,
                    field,
                    format!(
                        "is {l:?}, must be letters, `_` and `-` only (pattern ^[a-zA-Z_-]+$), e.g. en_US"
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Adds `productRegion`, `shippingRegion`, `locale`, `shippingPostalCode` in model order.
    fn query(&self, op: &'static str, b: RequestBuilder, cx: &RequestContext<'_>) -> RequestBuilder {
        b.check(self.check_locale(op, "locale"))
            .query("productRegion", self.product_region(cx))
            .query_opt("shippingRegion", self.shipping_region)
            .query("locale", self.locale(cx))
            .query_opt("shippingPostalCode", self.shipping_postal_code.as_deref())
    }
}

/// Refuses values outside `allowed` (unknown values, or known ones this operation lacks).
fn check_values<'a>(
    op: &'static str,
    field: &str,
    values: impl IntoIterator<Item = &'a str>,
    allowed: &[&str],
) -> Result<(), ValidationError> {
    for v in values {
        if !allowed.contains(&v) {
            return Err(ValidationError::new(
                op,
                field,
                format!("{v:?} is not one of {}", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

fn check_min(op: &'static str, field: &str, value: Option<i64>, min: i64) -> Result<(), ValidationError> {
    match value {
        Some(v) if v < min => Err(ValidationError::new(op, field, format!("is {v}, must be at least {min}"))),
        _ => Ok(()),
    }
}

fn check_positive(op: &'static str, field: &str, value: Option<u32>) -> Result<(), ValidationError> {
    check_min(op, field, value.map(i64::from), 1)
}

fn non_empty_list<T>(list: Option<Vec<T>>) -> Option<Vec<T>> {
    list.filter(|l| !l.is_empty())
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/// Searches the catalog (`searchProductsRequest`) by keywords or product codes, with filters,
/// refinements and sorting, a page at a time.
///
/// Every query parameter of the model has a setter. Following pages are fetched with
/// [`Paginated::next_page`], which asks for the next `pageNumber` until the last page (or the
/// 13th, the most Amazon serves).
///
/// Checked before sending: `locale`'s pattern, `minPrice`/`maxPrice` at least 0, `pageSize`
/// at least 1, enum values, and an `x-amz-user-email`.
///
/// - Role: Business Product Catalog.
/// - Usage plan: not stated in the model.
/// - Sandbox: mocked by Amazon's static sandbox (`keywords=keyword`, `productRegion=US`,
///   `locale=en_US`, `facets=OFFERS`; a request without `locale` answers 400).
///
/// ```
/// use amazon_business_blocking::product_search::{SearchFacetType, SearchProducts, SortKey};
/// use amazon_business_blocking::Country;
/// let op = SearchProducts::new()
///     .keywords("stapler")
///     .product_region(Country::US)
///     .facets([SearchFacetType::Offers, SearchFacetType::Images])
///     .sort_key(SortKey::PriceLowToHigh)
///     .max_price(50)
///     .page_size(10);
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchProducts {
    keywords: Option<String>,
    place: Place,
    facets: Option<Vec<SearchFacetType>>,
    page_number: Option<u32>,
    page_size: Option<u32>,
    group_tag: Option<String>,
    category: Option<String>,
    sub_category: Option<String>,
    availability: Option<String>,
    delivery_day: Option<String>,
    eligible_for_free_shipping: Option<String>,
    prime_eligible: Option<String>,
    upc: Option<String>,
    isbn: Option<String>,
    sku: Option<String>,
    ean: Option<String>,
    part_number: Option<String>,
    oem_part_number: Option<String>,
    search_refinements: Option<Vec<String>>,
    product_filters: Option<Vec<String>>,
    user_email: Option<String>,
    inclusions_for_products: Option<Vec<ProductInclusion>>,
    inclusions_for_offers: Option<Vec<OfferInclusion>>,
    sort_key: Option<SortKey>,
    min_price: Option<i64>,
    max_price: Option<i64>,
}

/// Defines chained setters for optional string parameters.
macro_rules! string_setters {
    ($( $(#[$doc:meta])* $name:ident; )*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.$name = Some(value.into());
            self
        }
    )*};
}

/// Defines the setters of the [`Place`] parameters.
macro_rules! place_setters {
    () => {
        /// Where the buyer buys (`productRegion`); defaults to the configured marketplace's
        /// country.
        pub fn product_region(mut self, region: Country) -> Self {
            self.place.product_region = Some(region);
            self
        }

        /// Where the products would be shipped (`shippingRegion`).
        pub fn shipping_region(mut self, region: Country) -> Self {
            self.place.shipping_region = Some(region);
            self
        }

        /// The language of the answer (`locale`, e.g. `en_US`); defaults to the usual locale of
        /// the product region.
        pub fn locale(mut self, locale: impl Into<String>) -> Self {
            self.place.locale = Some(locale.into());
            self
        }

        /// The postal code the products would be shipped to (`shippingPostalCode`).
        pub fn shipping_postal_code(mut self, postal_code: impl Into<String>) -> Self {
            self.place.shipping_postal_code = Some(postal_code.into());
            self
        }

        /// Acts for this business user instead of the configured default (`x-amz-user-email`).
        pub fn user_email(mut self, email: impl Into<String>) -> Self {
            self.user_email = Some(email.into());
            self
        }
    };
}

impl SearchProducts {
    /// A search with no criteria yet; add them with the setters.
    pub fn new() -> Self {
        SearchProducts::default()
    }

    place_setters!();

    string_setters! {
        /// Words to search for (`keywords`).
        keywords;
        /// The buyer's group within the business, needed when they belong to several (`groupTag`).
        group_tag;
        /// Only this category, an ID from [`RefinementResult::categories`] (`category`).
        category;
        /// Only this sub-category, an ID from [`RefinementResult::sub_categories`] (`subCategory`).
        sub_category;
        /// A stock option ID from [`RefinementResult::availability_options`] (`availability`).
        availability;
        /// A delivery-day option ID from [`RefinementResult::delivery_day_options`] (`deliveryDay`).
        delivery_day;
        /// The free-shipping option ID from [`RefinementResult::eligible_for_free_shipping_options`]
        /// (`eligibleForFreeShipping`).
        eligible_for_free_shipping;
        /// The Prime option ID from [`RefinementResult::prime_eligible`] (`primeEligible`).
        prime_eligible;
        /// Only this UPC (`upc`).
        upc;
        /// Only this ISBN (`isbn`).
        isbn;
        /// Only this SKU (`sku`).
        sku;
        /// Only this EAN (`ean`).
        ean;
        /// Only this manufacturer part number (`partNumber`).
        part_number;
        /// Only this OEM part number (`oemPartNumber`).
        oem_part_number;
    }

    /// Extra data groups to return with each product (`facets`).
    pub fn facets(mut self, facets: impl IntoIterator<Item = SearchFacetType>) -> Self {
        self.facets = non_empty_list(Some(facets.into_iter().collect()));
        self
    }

    /// The zero-based page to fetch (`pageNumber`; Amazon's default is 0).
    pub fn page_number(mut self, page_number: u32) -> Self {
        self.page_number = Some(page_number);
        self
    }

    /// Products per page (`pageSize`, at least 1; Amazon's default and usual maximum is 24).
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Refinement values from [`RefinementValue::search_refinement_value`]
    /// (`searchRefinements`, e.g. `brandtextbin#Sony`).
    pub fn search_refinements<I>(mut self, refinements: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.search_refinements = non_empty_list(Some(refinements.into_iter().map(Into::into).collect()));
        self
    }

    /// Filters on response fields as `field#value` (`productFilters`, e.g.
    /// `isCustomQuoteEligible#true`).
    pub fn product_filters<I>(mut self, filters: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.product_filters = non_empty_list(Some(filters.into_iter().map(Into::into).collect()));
        self
    }

    /// The product fields to return (`inclusionsForProducts`).
    pub fn inclusions_for_products(mut self, inclusions: impl IntoIterator<Item = ProductInclusion>) -> Self {
        self.inclusions_for_products = non_empty_list(Some(inclusions.into_iter().collect()));
        self
    }

    /// The offer fields to return (`inclusionsForOffers`).
    pub fn inclusions_for_offers(mut self, inclusions: impl IntoIterator<Item = OfferInclusion>) -> Self {
        self.inclusions_for_offers = non_empty_list(Some(inclusions.into_iter().collect()));
        self
    }

    /// The order of the results (`sortKey`).
    pub fn sort_key(mut self, sort_key: SortKey) -> Self {
        self.sort_key = Some(sort_key);
        self
    }

    /// Only products at or above this price, in whole units of the marketplace currency
    /// (`minPrice`, at least 0).
    pub fn min_price(mut self, price: i64) -> Self {
        self.min_price = Some(price);
        self
    }

    /// Only products at or below this price, in whole units of the marketplace currency
    /// (`maxPrice`, at least 0).
    pub fn max_price(mut self, price: i64) -> Self {
        self.max_price = Some(price);
        self
    }

    /// The page this operation fetches (zero-based).
    pub fn current_page_number(&self) -> u32 {
        self.page_number.unwrap_or(0)
    }

    fn check(&self) -> Result<(), ValidationError> {
        let id = Self::ID;
        check_values(
            id,
            "facets",
            self.facets.iter().flatten().map(|f| f.as_str()),
            SearchFacetType::KNOWN_VALUES,
        )?;
        check_positive(id, "pageSize", self.page_size)?;
        check_values(
            id,
            "inclusionsForProducts",
            self.inclusions_for_products.iter().flatten().map(|v| v.as_str()),
            ProductInclusion::KNOWN_VALUES,
        )?;
        check_values(
            id,
            "inclusionsForOffers",
            self.inclusions_for_offers.iter().flatten().map(|v| v.as_str()),
            OfferInclusion::KNOWN_VALUES,
        )?;
        check_values(id, "sortKey", self.sort_key.iter().map(|v| v.as_str()), SortKey::KNOWN_VALUES)?;
        check_min(id, "minPrice", self.min_price, 0)?;
        check_min(id, "maxPrice", self.max_price, 0)
    }
}

impl Operation for SearchProducts {
    type Output = SearchProductsResult;
    const ID: &'static str = "searchProductsRequest";
    const ROLE: Role = Role::BusinessProductCatalog;
    const USAGE_PLAN: Option<UsagePlan> = None;
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let b = RequestBuilder::new(Self::ID, Method::GET, cx, PRODUCTS_PATH)
            .check(self.check())
            .query_opt("keywords", self.keywords.as_deref());
        self.place
            .query(Self::ID, b, cx)
            .query_csv("facets", self.facets.iter().flatten())
            .query_opt("pageNumber", self.page_number)
            .query_opt("pageSize", self.page_size)
            .query_opt("groupTag", self.group_tag.as_deref())
            .query_opt("category", self.category.as_deref())
            .query_opt("subCategory", self.sub_category.as_deref())
            .query_opt("availability", self.availability.as_deref())
            .query_opt("deliveryDay", self.delivery_day.as_deref())
            .query_opt("eligibleForFreeShipping", self.eligible_for_free_shipping.as_deref())
            .query_opt("primeEligible", self.prime_eligible.as_deref())
            .query_opt("upc", self.upc.as_deref())
            .query_opt("isbn", self.isbn.as_deref())
            .query_opt("sku", self.sku.as_deref())
            .query_opt("ean", self.ean.as_deref())
            .query_opt("partNumber", self.part_number.as_deref())
            .query_opt("oemPartNumber", self.oem_part_number.as_deref())
            .query_csv("searchRefinements", self.search_refinements.iter().flatten())
            .query_csv("productFilters", self.product_filters.iter().flatten())
            .user_email(self.user_email.as_deref(), cx, true)
            .query_csv("inclusionsForProducts", self.inclusions_for_products.iter().flatten())
            .query_csv("inclusionsForOffers", self.inclusions_for_offers.iter().flatten())
            .query_opt("sortKey", self.sort_key.as_ref())
            .query_opt("minPrice", self.min_price)
            .query_opt("maxPrice", self.max_price)
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<SearchProductsResult, Error> {
        parse_json(Self::ID, response.body())
    }
}

impl Paginated for SearchProducts {
    fn next_page(&self, output: &SearchProductsResult) -> Option<Self> {
        let next = i64::from(self.current_page_number()) + 1;
        if output.products.is_empty() || next >= output.number_of_pages.min(MAX_PAGES) {
            return None;
        }
        Some(SearchProducts { page_number: Some(u32::try_from(next).ok()?), ..self.clone() })
    }
}

/// Fetches one product by ASIN (`productsRequest`), optionally with its offers and images.
///
/// Checked before sending: a non-empty product ID, `locale`'s pattern, `quantity` at least 1,
/// enum values, and an `x-amz-user-email`.
///
/// - Role: Business Product Catalog.
/// - Usage plan: not stated in the model.
/// - Sandbox: mocked by Amazon's static sandbox (`B007VC9DKI` with `locale=es_US`,
///   `facets=OFFERS`, `shippingPostalCode=99999`; a request without `productRegion` answers
///   400).
///
/// ```
/// use amazon_business_blocking::product_search::{GetProduct, ProductInclusion, SearchFacetType};
/// let op = GetProduct::new("B007VC9DKI")
///     .facets([SearchFacetType::Offers])
///     .inclusions_for_products([ProductInclusion::Title, ProductInclusion::Features])
///     .quantity(10);
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetProduct {
    product_id: String,
    place: Place,
    quantity: Option<u32>,
    facets: Option<Vec<SearchFacetType>>,
    user_email: Option<String>,
    inclusions_for_products: Option<Vec<ProductInclusion>>,
    inclusions_for_offers: Option<Vec<OfferInclusion>>,
    group_tag: Option<String>,
}

impl GetProduct {
    /// The product with ASIN `product_id`.
    pub fn new(product_id: impl Into<String>) -> Self {
        GetProduct {
            product_id: product_id.into(),
            place: Place::default(),
            quantity: None,
            facets: None,
            user_email: None,
            inclusions_for_products: None,
            inclusions_for_offers: None,
            group_tag: None,
        }
    }

    place_setters!();

    string_setters! {
        /// The buyer's group within the business, needed when they belong to several (`groupTag`).
        group_tag;
    }

    /// The quantity the buyer means to buy, for quantity discounts (`quantity`, at least 1;
    /// Amazon's default is 1).
    pub fn quantity(mut self, quantity: u32) -> Self {
        self.quantity = Some(quantity);
        self
    }

    /// Extra data groups to return (`facets`).
    pub fn facets(mut self, facets: impl IntoIterator<Item = SearchFacetType>) -> Self {
        self.facets = non_empty_list(Some(facets.into_iter().collect()));
        self
    }

    /// The product fields to return (`inclusionsForProducts`; `isCustomQuoteEligible` is not
    /// accepted here).
    pub fn inclusions_for_products(mut self, inclusions: impl IntoIterator<Item = ProductInclusion>) -> Self {
        self.inclusions_for_products = non_empty_list(Some(inclusions.into_iter().collect()));
        self
    }

    /// The offer fields to return (`inclusionsForOffers`).
    pub fn inclusions_for_offers(mut self, inclusions: impl IntoIterator<Item = OfferInclusion>) -> Self {
        self.inclusions_for_offers = non_empty_list(Some(inclusions.into_iter().collect()));
        self
    }

    fn check(&self) -> Result<(), ValidationError> {
        let id = Self::ID;
        validate::non_empty(id, "productId", &self.product_id)?;
        check_positive(id, "quantity", self.quantity)?;
        check_values(
            id,
            "facets",
            self.facets.iter().flatten().map(|f| f.as_str()),
            SearchFacetType::KNOWN_VALUES,
        )?;
        check_values(
            id,
            "inclusionsForProducts",
            self.inclusions_for_products.iter().flatten().map(|v| v.as_str()),
            PRODUCT_INCLUSIONS_SHARED,
        )?;
        check_values(
            id,
            "inclusionsForOffers",
            self.inclusions_for_offers.iter().flatten().map(|v| v.as_str()),
            OfferInclusion::KNOWN_VALUES,
        )
    }
}

impl Operation for GetProduct {
    type Output = Product;
    const ID: &'static str = "productsRequest";
    const ROLE: Role = Role::BusinessProductCatalog;
    const USAGE_PLAN: Option<UsagePlan> = None;
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let b = RequestBuilder::new(Self::ID, Method::GET, cx, PRODUCT_PATH)
            .check(self.check())
            .path_param("productId", self.product_id.as_str());
        self.place
            .query(Self::ID, b, cx)
            .query_opt("quantity", self.quantity)
            .query_csv("facets", self.facets.iter().flatten())
            .user_email(self.user_email.as_deref(), cx, true)
            .query_csv("inclusionsForProducts", self.inclusions_for_products.iter().flatten())
            .query_csv("inclusionsForOffers", self.inclusions_for_offers.iter().flatten())
            .query_opt("groupTag", self.group_tag.as_deref())
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<Product, Error> {
        parse_json(Self::ID, response.body())
    }
}

/// Lists the offers for a product (`searchOffersRequest`), a page at a time, optionally
/// filtered with IDs from [`OffersResult::filter_groups`].
///
/// Following pages are fetched with [`Paginated::next_page`], which asks for the next
/// `pageNumber` until the last page (or the 13th, the most Amazon serves).
///
/// Checked before sending: a non-empty product ID, `locale`'s pattern, `pageSize` and
/// `quantity` at least 1, enum values, and an `x-amz-user-email`.
///
/// - Role: Business Product Catalog.
/// - Usage plan: not stated in the model.
/// - Sandbox: mocked by Amazon's static sandbox (`B07VDJ5RVF`, page 1 of 12 offers filtered
///   `NEW,PRIME`; a request without `locale` answers 400).
///
/// ```
/// use amazon_business_blocking::product_search::SearchOffers;
/// let op = SearchOffers::new("B07VDJ5RVF").filter_ids(["NEW", "PRIME"]).page_size(12);
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchOffers {
    product_id: String,
    place: Place,
    page_number: Option<u32>,
    page_size: Option<u32>,
    group_tag: Option<String>,
    filter_ids: Option<Vec<String>>,
    quantity: Option<u32>,
    user_email: Option<String>,
    inclusions_for_offers: Option<Vec<OfferInclusion>>,
}

impl SearchOffers {
    /// The offers for the product with ASIN `product_id`.
    pub fn new(product_id: impl Into<String>) -> Self {
        SearchOffers {
            product_id: product_id.into(),
            place: Place::default(),
            page_number: None,
            page_size: None,
            group_tag: None,
            filter_ids: None,
            quantity: None,
            user_email: None,
            inclusions_for_offers: None,
        }
    }

    place_setters!();

    string_setters! {
        /// The buyer's group within the business, needed when they belong to several (`groupTag`).
        group_tag;
    }

    /// The zero-based page to fetch (`pageNumber`; Amazon's default is 0).
    pub fn page_number(mut self, page_number: u32) -> Self {
        self.page_number = Some(page_number);
        self
    }

    /// Offers per page (`pageSize`, at least 1; Amazon's default and usual maximum is 24).
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Only offers passing these filters, IDs from [`OfferFilter::id`] (`filterIds`).
    pub fn filter_ids<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.filter_ids = non_empty_list(Some(ids.into_iter().map(Into::into).collect()));
        self
    }

    /// The quantity the buyer means to buy, for quantity discounts (`quantity`, at least 1;
    /// Amazon's default is 1).
    pub fn quantity(mut self, quantity: u32) -> Self {
        self.quantity = Some(quantity);
        self
    }

    /// The offer fields to return (`inclusionsForOffers`).
    pub fn inclusions_for_offers(mut self, inclusions: impl IntoIterator<Item = OfferInclusion>) -> Self {
        self.inclusions_for_offers = non_empty_list(Some(inclusions.into_iter().collect()));
        self
    }

    /// The page this operation fetches (zero-based).
    pub fn current_page_number(&self) -> u32 {
        self.page_number.unwrap_or(0)
    }

    fn check(&self) -> Result<(), ValidationError> {
        let id = Self::ID;
        validate::non_empty(id, "productId", &self.product_id)?;
        check_positive(id, "pageSize", self.page_size)?;
        check_positive(id, "quantity", self.quantity)?;
        check_values(
            id,
            "inclusionsForOffers",
            self.inclusions_for_offers.iter().flatten().map(|v| v.as_str()),
            OfferInclusion::KNOWN_VALUES,
        )
    }
}

impl Operation for SearchOffers {
    type Output = OffersResult;
    const ID: &'static str = "searchOffersRequest";
    const ROLE: Role = Role::BusinessProductCatalog;
    const USAGE_PLAN: Option<UsagePlan> = None;
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let b = RequestBuilder::new(Self::ID, Method::GET, cx, OFFERS_PATH)
            .check(self.check())
            .path_param("productId", self.product_id.as_str());
        self.place
            .query(Self::ID, b, cx)
            .query_opt("pageNumber", self.page_number)
            .query_opt("pageSize", self.page_size)
            .query_opt("groupTag", self.group_tag.as_deref())
            .query_csv("filterIds", self.filter_ids.iter().flatten())
            .query_opt("quantity", self.quantity)
            .user_email(self.user_email.as_deref(), cx, true)
            .query_csv("inclusionsForOffers", self.inclusions_for_offers.iter().flatten())
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<OffersResult, Error> {
        parse_json(Self::ID, response.body())
    }
}

impl Paginated for SearchOffers {
    fn next_page(&self, output: &OffersResult) -> Option<Self> {
        let next = i64::from(self.current_page_number()) + 1;
        let pages = output.number_of_pages?;
        if output.offers.as_ref().is_none_or(Vec::is_empty) || next >= pages.min(MAX_PAGES) {
            return None;
        }
        Some(SearchOffers { page_number: Some(u32::try_from(next).ok()?), ..self.clone() })
    }
}

/// Fetches several products by ASIN in one call (`getProductsByAsins`, a POST with a JSON
/// body). ASINs Amazon does not know come back in
/// [`ProductsByAsinsResponse::not_found_asins`].
///
/// Retry-safe: it only reads.
///
/// Checked before sending: at least one ASIN, none empty, `locale`'s pattern, `quantity` at
/// least 1, enum values, and an `x-amz-user-email`.
///
/// - Role: Business Product Catalog.
/// - Usage plan: not stated in the model.
/// - Sandbox: mocked by Amazon's static sandbox (`B007VC9DKI` three times, `US`, `en_US`).
///
/// ```
/// use amazon_business_blocking::product_search::GetProductsByAsins;
/// let op = GetProductsByAsins::new(["B007VC9DKI", "B07VDJ5RVF"]).shipping_postal_code("98101");
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetProductsByAsins {
    product_ids: Vec<String>,
    place: Place,
    quantity: Option<u32>,
    facets: Option<Vec<SearchFacetType>>,
    user_email: Option<String>,
    inclusions_for_products: Option<Vec<ProductInclusion>>,
    inclusions_for_offers: Option<Vec<OfferInclusion>>,
    group_tag: Option<String>,
}

impl GetProductsByAsins {
    /// The products with these ASINs (`productIds`).
    pub fn new<I>(product_ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        GetProductsByAsins {
            product_ids: product_ids.into_iter().map(Into::into).collect(),
            place: Place::default(),
            quantity: None,
            facets: None,
            user_email: None,
            inclusions_for_products: None,
            inclusions_for_offers: None,
            group_tag: None,
        }
    }

    place_setters!();

    string_setters! {
        /// The buyer's group within the business, needed when they belong to several (`groupTag`).
        group_tag;
    }

    /// The quantity the buyer means to buy, for quantity discounts (`quantity` in the body, at
    /// least 1).
    pub fn quantity(mut self, quantity: u32) -> Self {
        self.quantity = Some(quantity);
        self
    }

    /// Extra data groups to return (`facets` in the body).
    pub fn facets(mut self, facets: impl IntoIterator<Item = SearchFacetType>) -> Self {
        self.facets = non_empty_list(Some(facets.into_iter().collect()));
        self
    }

    /// The product fields to return (`inclusionsForProducts`; `isCustomQuoteEligible` is not
    /// accepted here).
    pub fn inclusions_for_products(mut self, inclusions: impl IntoIterator<Item = ProductInclusion>) -> Self {
        self.inclusions_for_products = non_empty_list(Some(inclusions.into_iter().collect()));
        self
    }

    /// The offer fields to return (`inclusionsForOffers`).
    pub fn inclusions_for_offers(mut self, inclusions: impl IntoIterator<Item = OfferInclusion>) -> Self {
        self.inclusions_for_offers = non_empty_list(Some(inclusions.into_iter().collect()));
        self
    }

    /// The body that will be sent, with region and locale defaulted from `cx`.
    pub fn body(&self, cx: &RequestContext<'_>) -> ProductsByAsinsRequest {
        ProductsByAsinsRequest {
            product_ids: self.product_ids.clone(),
            product_region: self.place.product_region(cx),
            shipping_region: self.place.shipping_region,
            locale: self.place.locale(cx),
            shipping_postal_code: self.place.shipping_postal_code.clone(),
            quantity: self.quantity,
            facets: self.facets.clone(),
        }
    }

    fn check(&self) -> Result<(), ValidationError> {
        let id = Self::ID;
        validate::items(id, "productIds", self.product_ids.len(), 1, usize::MAX)?;
        for (i, asin) in self.product_ids.iter().enumerate() {
            validate::non_empty(id, &format!("productIds[{i}]"), asin)?;
        }
        self.place.check_locale(id, "locale")?;
        check_positive(id, "quantity", self.quantity)?;
        check_values(
            id,
            "facets",
            self.facets.iter().flatten().map(|f| f.as_str()),
            SearchFacetType::KNOWN_VALUES,
        )?;
        check_values(
            id,
            "inclusionsForProducts",
            self.inclusions_for_products.iter().flatten().map(|v| v.as_str()),
            PRODUCT_INCLUSIONS_SHARED,
        )?;
        check_values(
            id,
            "inclusionsForOffers",
            self.inclusions_for_offers.iter().flatten().map(|v| v.as_str()),
            OfferInclusion::KNOWN_VALUES,
        )
    }
}

impl Operation for GetProductsByAsins {
    type Output = ProductsByAsinsResponse;
    const ID: &'static str = "getProductsByAsins";
    const ROLE: Role = Role::BusinessProductCatalog;
    const USAGE_PLAN: Option<UsagePlan> = None;
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        RequestBuilder::new(Self::ID, Method::POST, cx, PRODUCTS_BY_ASINS_PATH)
            .check(self.check())
            .json(&self.body(cx))
            .user_email(self.user_email.as_deref(), cx, true)
            .query_csv("inclusionsForProducts", self.inclusions_for_products.iter().flatten())
            .query_csv("inclusionsForOffers", self.inclusions_for_offers.iter().flatten())
            .query_opt("groupTag", self.group_tag.as_deref())
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<ProductsByAsinsResponse, Error> {
        parse_json(Self::ID, response.body())
    }
}

/// Fetches several offers by offer ID in one call (`getOffersByOfferIds`, a POST with a JSON
/// body). Offer IDs Amazon does not know come back in
/// [`GetOffersByOfferIdsResponse::not_found_offer_ids`].
///
/// The model marks `inclusionsForOffers` required, but Amazon's recorded example sends none,
/// so it is an optional setter here; `ALL` is not among its values for this operation.
///
/// Retry-safe: it only reads.
///
/// Checked before sending: at least one offer ID, none empty, `locale`'s pattern, enum values,
/// and an `x-amz-user-email`.
///
/// - Role: Business Product Catalog.
/// - Usage plan: not stated in the model.
/// - Sandbox: mocked by Amazon's static sandbox (offers `asid-123121`, `asid-132as`, `US`,
///   `en_US`).
///
/// ```
/// use amazon_business_blocking::product_search::{GetOffersByOfferIds, OfferInclusion};
/// let op = GetOffersByOfferIds::new(["asid-123121", "asid-132as"])
///     .inclusions_for_offers([OfferInclusion::Price, OfferInclusion::Merchant]);
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetOffersByOfferIds {
    offer_ids: Vec<String>,
    place: Place,
    user_email: Option<String>,
    inclusions_for_offers: Option<Vec<OfferInclusion>>,
    group_tag: Option<String>,
}

impl GetOffersByOfferIds {
    /// The offers with these IDs (`offersByOfferIdsRequest[].offerId`).
    pub fn new<I>(offer_ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        GetOffersByOfferIds {
            offer_ids: offer_ids.into_iter().map(Into::into).collect(),
            place: Place::default(),
            user_email: None,
            inclusions_for_offers: None,
            group_tag: None,
        }
    }

    place_setters!();

    string_setters! {
        /// The buyer's group within the business, needed when they belong to several (`groupTag`).
        group_tag;
    }

    /// The offer fields to return (`inclusionsForOffers`; `ALL` is not accepted here).
    pub fn inclusions_for_offers(mut self, inclusions: impl IntoIterator<Item = OfferInclusion>) -> Self {
        self.inclusions_for_offers = non_empty_list(Some(inclusions.into_iter().collect()));
        self
    }

    /// The body that will be sent, with region and locale defaulted from `cx`.
    pub fn body(&self, cx: &RequestContext<'_>) -> GetOffersByOfferIdsRequest {
        GetOffersByOfferIdsRequest {
            offers_by_offer_ids_request: self
                .offer_ids
                .iter()
                .map(|id| OfferByOfferIdRequest { offer_id: id.clone() })
                .collect(),
            product_region: self.place.product_region(cx),
            shipping_region: self.place.shipping_region,
            locale: self.place.locale(cx),
            shipping_postal_code: self.place.shipping_postal_code.clone(),
        }
    }

    fn check(&self) -> Result<(), ValidationError> {
        let id = Self::ID;
        validate::items(id, "offersByOfferIdsRequest", self.offer_ids.len(), 1, usize::MAX)?;
        for (i, offer) in self.offer_ids.iter().enumerate() {
            validate::non_empty(id, &format!("offersByOfferIdsRequest[{i}].offerId"), offer)?;
        }
        self.place.check_locale(id, "locale")?;
        check_values(
            id,
            "inclusionsForOffers",
            self.inclusions_for_offers.iter().flatten().map(|v| v.as_str()),
            &OfferInclusion::KNOWN_VALUES[1..],
        )
    }
}

impl Operation for GetOffersByOfferIds {
    type Output = GetOffersByOfferIdsResponse;
    const ID: &'static str = "getOffersByOfferIds";
    const ROLE: Role = Role::BusinessProductCatalog;
    const USAGE_PLAN: Option<UsagePlan> = None;
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        RequestBuilder::new(Self::ID, Method::POST, cx, OFFERS_BY_IDS_PATH)
            .check(self.check())
            .json(&self.body(cx))
            .user_email(self.user_email.as_deref(), cx, true)
            // Required in the model, but the recorded sandbox example sends none: optional here.
            .query_csv("inclusionsForOffers", self.inclusions_for_offers.iter().flatten())
            .query_opt("groupTag", self.group_tag.as_deref())
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<GetOffersByOfferIdsResponse, Error> {
        parse_json(Self::ID, response.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apis::test_support::{assert_round_trip, dec, example, validation, SANDBOX};
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

    fn get_uri<O: Operation>(op: &O) -> String {
        let req = build(op).unwrap();
        assert_eq!(req.method(), Method::GET);
        assert!(req.body().is_empty());
        assert_eq!(req.headers()[USER_EMAIL_HEADER], "buyer@example.com");
        req.uri().to_string()
    }

    fn response(value: &Value) -> http::Response<Vec<u8>> {
        http::Response::builder().status(200).body(serde_json::to_vec(value).unwrap()).unwrap()
    }

    fn check_error_example(id: &str, missing: &str) {
        let ex = example(id);
        assert_eq!(ex["status"], 400);
        let body = serde_json::to_vec(&ex["response"]).unwrap();
        let errors: ErrorList = parse_json("test", &body).unwrap();
        assert_eq!(error_code(&errors.errors[0]), ErrorCode::InvalidRequestParameter);
        assert_eq!(errors.errors[0].message, format!("Missing required request parameters: [{missing}]"));
        assert_round_trip(&errors, &ex["response"].to_string());
    }

    fn check_medical_notice(fragments: &[Fragment]) {
        assert_eq!(fragments[0].fragment_type, FragmentType::Unknown("MEDICAL".into()));
        assert_eq!(fragments[0].title.as_deref(), Some("Warning: Professional Medical Equipment"));
    }

    fn check_gold_bond(p: &Product) {
        assert_eq!(p.asin, "B007VC9DKI");
        assert_eq!(p.asin_type, AsinType::Standard);
        assert_eq!(p.url, "https://www.amazon.com/dp/B007VC9DKI?ref_=ab_psdp");
        let taxonomy = &p.taxonomies.as_ref().unwrap()[0];
        assert_eq!(taxonomy.taxonomy_type, TaxonomyType::Unspsc);
        assert_eq!(taxonomy.taxonomy_code, "53131600");
        let badge = &p.badges.as_ref().unwrap()[0];
        assert_eq!(badge.name, None);
        let fragment = badge.fragment.as_ref().unwrap();
        assert_eq!(fragment.fragment_type, FragmentType::BestsellerBadge);
        assert_eq!(fragment.link.as_ref().unwrap().text.as_deref(), Some("Office Products"));
        assert_eq!(p.product_overview.as_ref().unwrap()["ASIN"], "B007VC9DKI");
        assert_eq!(p.customer_reviews_summary.as_ref().unwrap().star_rating, None);
        assert_eq!(p.book_information.as_ref().unwrap().publication_date, None);
        assert_eq!(p.model_number, None);
        check_medical_notice(p.legal_information.as_ref().unwrap());
    }

    fn check_first_offer(o: &Offer, offer_id: &str) {
        assert_eq!(o.offer_id, offer_id);
        let price = o.price.as_ref().unwrap();
        let money = price.value.as_ref().unwrap();
        assert_eq!(money.amount.value(), dec("12.45"));
        assert_eq!(money.amount.form(), AmountForm::Number);
        assert_eq!(money.currency_code, "USD");
        assert_eq!(price.price_type.as_deref(), Some("NEW"));
        assert_eq!(price.formatted_price, None);
        assert_eq!(o.buying_guidance, Some(BuyingGuidance::Unspecified));
        let v2 = o.buying_guidance_v2.as_ref().unwrap().buying_guidance.as_ref().unwrap();
        assert_eq!(v2[0].fragment_type, FragmentType::None);
        assert_eq!(o.fulfillment_type, Some(FulfillmentType::MerchantFulfillment));
        assert_eq!(o.fulfiller.as_ref().unwrap().name, "AllThatUNeed");
        let condition = o.condition.as_ref().unwrap();
        assert_eq!(condition.condition_value, ConditionValue::New);
        assert_eq!(condition.sub_condition, SubCondition::Unspecified);
        assert_eq!(o.product_condition, Some(ConditionValue::New));
        assert_eq!(o.quantity_limits, Some(OfferQuantityLimits { max_quantity: 10, min_quantity: 1 }));
        assert_eq!(o.quantity_in_stock, None);
        let merchant = o.merchant.as_ref().unwrap();
        assert_eq!(merchant.merchant_id, None);
        assert_eq!(merchant.mean_feedback_rating, None);
        assert_eq!(o.tax_exclusive_price.as_ref().unwrap().tax_exclusive_amount, None);
        assert_eq!(o.list_price, Some(Price { value: None, formatted_price: None, price_type: None }));
        assert_eq!(o.shipping_options, None);
    }

    // --- searchProductsRequest ---------------------------------------------------------------

    #[test]
    fn search_products_sandbox_200() {
        let op = SearchProducts::new().keywords("keyword").facets([SearchFacetType::Offers]);
        assert_eq!(
            get_uri(&op),
            "https://sandbox.na.business-api.amazon.com/products/2020-08-26/products?keywords=keyword&productRegion=US&locale=en_US&facets=OFFERS"
        );
        let ex = example("searchProductsRequest-200-0");
        assert_eq!(
            ex["query"],
            json!({"facets": ["OFFERS"], "keywords": "keyword", "locale": "en_US", "productRegion": "US"})
        );
        let out = op.parse(&response(&ex["response"])).unwrap();
        assert_eq!(out.matching_product_count, 4);
        assert_eq!(out.number_of_pages, 1);
        assert_eq!(out.products.len(), 4);
        assert_eq!(out.products[0].asin, "0199393214");
        check_medical_notice(out.products[0].legal_information.as_ref().unwrap());
        assert_eq!(out.products[0].included_data_types["OFFERS"].len(), 1);
        assert_eq!(
            out.refinements.categories[0],
            Category { display_name: "Electronics".into(), id: "ELECTRONICS".into() }
        );
        assert_eq!(out.search_refinements[0].selection_type, None);
        assert_eq!(out.search_refinements[1].selection_type.as_deref(), Some("MultiSelectOR"));
        assert_eq!(
            out.search_refinements[0].refinement_values[0].search_refinement_value,
            "search-alias#electronics"
        );
        assert_eq!(out.legal_information, None);
        // One page only: nothing follows.
        assert!(op.next_page(&out).is_none());
        assert_round_trip(&out, &ex["response"].to_string());
    }

    #[test]
    fn search_products_sandbox_400_is_refused_client_side() {
        // The example sends no `locale`. The typed API fills it in from the marketplace; an
        // empty one (the typed stand-in for "none") breaks the model's pattern.
        let op =
            SearchProducts::new().keywords("pen").facets([SearchFacetType::Offers, SearchFacetType::Images]);
        assert_eq!(
            get_uri(&op),
            "https://sandbox.na.business-api.amazon.com/products/2020-08-26/products?keywords=pen&productRegion=US&locale=en_US&facets=OFFERS,IMAGES"
        );
        let v = validation(&build(&op.locale("")).unwrap_err());
        assert_eq!(v.field, "locale");
        assert_eq!(v.operation, "searchProductsRequest");
        check_error_example("searchProductsRequest-400-0", "locale");
    }

    #[test]
    fn search_products_sends_every_parameter_in_model_order() {
        let op = SearchProducts::new()
            .keywords("a b")
            .product_region(Country::GB)
            .shipping_region(Country::DE)
            .locale("en-GB")
            .shipping_postal_code("SW1A 1AA")
            .facets([SearchFacetType::Images])
            .page_number(2)
            .page_size(10)
            .group_tag("g")
            .category("OFFICE_PRODUCTS")
            .sub_category("123")
            .availability("0")
            .delivery_day("1")
            .eligible_for_free_shipping("fs")
            .prime_eligible("pe")
            .upc("u")
            .isbn("i")
            .sku("s")
            .ean("e")
            .part_number("p")
            .oem_part_number("o")
            .search_refinements(["brandtextbin#GE", "review-rating#2661618011"])
            .product_filters(["isCustomQuoteEligible#true"])
            .inclusions_for_products([ProductInclusion::Title, ProductInclusion::IsCustomQuoteEligible])
            .inclusions_for_offers([OfferInclusion::Price, OfferInclusion::All])
            .sort_key(SortKey::TopRated)
            .min_price(0)
            .max_price(100)
            .user_email("x@y.z");
        let req = build(&op).unwrap();
        assert_eq!(req.headers()[USER_EMAIL_HEADER], "x@y.z");
        assert_eq!(
            req.uri().query(),
            Some(
                "keywords=a%20b&productRegion=UK&shippingRegion=DE&locale=en-GB&shippingPostalCode=SW1A%201AA\
                 &facets=IMAGES&pageNumber=2&pageSize=10&groupTag=g&category=OFFICE_PRODUCTS&subCategory=123\
                 &availability=0&deliveryDay=1&eligibleForFreeShipping=fs&primeEligible=pe&upc=u&isbn=i&sku=s\
                 &ean=e&partNumber=p&oemPartNumber=o&searchRefinements=brandtextbin%23GE,review-rating%232661618011\
                 &productFilters=isCustomQuoteEligible%23true&inclusionsForProducts=title,isCustomQuoteEligible\
                 &inclusionsForOffers=price,ALL&sortKey=TOP_RATED&minPrice=0&maxPrice=100"
            )
        );
    }

    #[test]
    fn search_products_validation() {
        let field = |op: SearchProducts| validation(&build(&op).unwrap_err()).field;
        assert_eq!(field(SearchProducts::new().min_price(-1)), "minPrice");
        assert_eq!(field(SearchProducts::new().max_price(-5)), "maxPrice");
        assert_eq!(field(SearchProducts::new().page_size(0)), "pageSize");
        assert_eq!(field(SearchProducts::new().locale("en US")), "locale");
        assert_eq!(field(SearchProducts::new().locale("en_US;")), "locale");
        assert_eq!(field(SearchProducts::new().sort_key(SortKey::Unknown("CHEAP".into()))), "sortKey");
        assert_eq!(
            field(SearchProducts::new().facets([SearchFacetType::Unknown("VIDEOS".into())])),
            "facets"
        );
        assert_eq!(
            field(SearchProducts::new().inclusions_for_products([ProductInclusion::Unknown("x".into())])),
            "inclusionsForProducts"
        );
        assert_eq!(
            field(SearchProducts::new().inclusions_for_offers([OfferInclusion::Unknown("x".into())])),
            "inclusionsForOffers"
        );
        let v = validation(&build(&SearchProducts::new().min_price(-1)).unwrap_err());
        assert!(v.message.contains("at least 0"), "{v}");

        let base = Url::parse(SANDBOX).unwrap();
        let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
        assert_eq!(validation(&SearchProducts::new().request(&cx).unwrap_err()).field, USER_EMAIL_HEADER);
        // Empty lists are the same as not setting the parameter.
        assert_eq!(
            build(&SearchProducts::new().facets([]).search_refinements(Vec::<String>::new()))
                .unwrap()
                .uri()
                .query(),
            Some("productRegion=US&locale=en_US")
        );
    }

    #[test]
    fn region_and_locale_default_from_the_marketplace() {
        for (marketplace, query) in [
            (Marketplace::UnitedStates, "productRegion=US&locale=en_US"),
            (Marketplace::Canada, "productRegion=CA&locale=en_CA"),
            (Marketplace::Mexico, "productRegion=MX&locale=es_MX"),
            (Marketplace::UnitedKingdom, "productRegion=UK&locale=en_GB"),
            (Marketplace::Germany, "productRegion=DE&locale=de_DE"),
            (Marketplace::France, "productRegion=FR&locale=fr_FR"),
            (Marketplace::Spain, "productRegion=ES&locale=es_ES"),
            (Marketplace::Italy, "productRegion=IT&locale=it_IT"),
            (Marketplace::India, "productRegion=IN&locale=en_IN"),
            (Marketplace::Australia, "productRegion=AU&locale=en_AU"),
            (Marketplace::Japan, "productRegion=JP&locale=ja_JP"),
        ] {
            let req = build_with(&SearchProducts::new(), marketplace).unwrap();
            assert_eq!(req.uri().query(), Some(query));
        }
        // An explicit region picks its own default locale.
        let req = build(&SearchProducts::new().product_region(Country::JP)).unwrap();
        assert_eq!(req.uri().query(), Some("productRegion=JP&locale=ja_JP"));
    }

    #[test]
    fn search_products_next_page_counts_pages() {
        let op = SearchProducts::new().keywords("keyword");
        let mut out = op.parse(&response(&example("searchProductsRequest-200-0")["response"])).unwrap();
        out.number_of_pages = 3;
        let second = op.next_page(&out).unwrap();
        assert_eq!(second.current_page_number(), 1);
        assert_eq!(
            get_uri(&second),
            "https://sandbox.na.business-api.amazon.com/products/2020-08-26/products?keywords=keyword&productRegion=US&locale=en_US&pageNumber=1"
        );
        let third = second.next_page(&out).unwrap();
        assert_eq!(third.current_page_number(), 2);
        assert!(third.next_page(&out).is_none());
        // Amazon serves at most 13 pages.
        out.number_of_pages = 40;
        assert!(SearchProducts::new().page_number(12).next_page(&out).is_none());
        assert!(SearchProducts::new().page_number(11).next_page(&out).is_some());
        out.products.clear();
        assert!(op.next_page(&out).is_none());
    }

    // --- productsRequest ---------------------------------------------------------------------

    #[test]
    fn get_product_sandbox_200() {
        let op = GetProduct::new("B007VC9DKI")
            .locale("es_US")
            .facets([SearchFacetType::Offers])
            .shipping_postal_code("99999");
        assert_eq!(
            get_uri(&op),
            "https://sandbox.na.business-api.amazon.com/products/2020-08-26/products/B007VC9DKI?productRegion=US&locale=es_US&shippingPostalCode=99999&facets=OFFERS"
        );
        let ex = example("productsRequest-200-0");
        let product = op.parse(&response(&ex["response"])).unwrap();
        check_gold_bond(&product);
        assert_eq!(
            product.title.as_deref(),
            Some("Loción para defensa de fricción Gold Bond, 1.75 onzas, 775387, 1, 1")
        );
        // The sandbox's OFFERS entry is an empty object: skipped, not an error.
        assert_eq!(product.included_offers().unwrap().unwrap(), Vec::new());
        assert!(product.included_images().is_none());
        assert_round_trip(&product, &ex["response"].to_string());
    }

    #[test]
    fn get_product_sandbox_400_cannot_omit_the_region() {
        // The example sends no `productRegion`. The typed API always sends one (from the
        // marketplace by default), so it builds the valid request instead.
        let op =
            GetProduct::new("B07VDJ5RVF").facets([SearchFacetType::Offers]).shipping_postal_code("99999");
        assert_eq!(
            get_uri(&op),
            "https://sandbox.na.business-api.amazon.com/products/2020-08-26/products/B07VDJ5RVF?productRegion=US&locale=en_US&shippingPostalCode=99999&facets=OFFERS"
        );
        check_error_example("productsRequest-400-0", "productRegion");
    }

    #[test]
    fn get_product_parameters_and_validation() {
        let op = GetProduct::new("B0/1")
            .shipping_region(Country::CA)
            .quantity(5)
            .inclusions_for_products([ProductInclusion::All])
            .inclusions_for_offers([OfferInclusion::QuantityPrice, OfferInclusion::MerchantCertificates])
            .group_tag("team a");
        assert_eq!(
            get_uri(&op),
            "https://sandbox.na.business-api.amazon.com/products/2020-08-26/products/B0%2F1?productRegion=US&shippingRegion=CA&locale=en_US&quantity=5&inclusionsForProducts=ALL&inclusionsForOffers=quantityPrice,merchantCertificates&groupTag=team%20a"
        );
        let field = |op: GetProduct| validation(&build(&op).unwrap_err()).field;
        assert_eq!(field(GetProduct::new("")), "productId");
        assert_eq!(field(GetProduct::new("B").quantity(0)), "quantity");
        assert_eq!(field(GetProduct::new("B").locale("")), "locale");
        // `isCustomQuoteEligible` belongs to searchProductsRequest's list only.
        assert_eq!(
            field(GetProduct::new("B").inclusions_for_products([ProductInclusion::IsCustomQuoteEligible])),
            "inclusionsForProducts"
        );
        assert_eq!(field(GetProduct::new("B").facets([SearchFacetType::Unknown("X".into())])), "facets");
        assert_eq!(
            field(GetProduct::new("B").inclusions_for_offers([OfferInclusion::Unknown("X".into())])),
            "inclusionsForOffers"
        );
    }

    // --- searchOffersRequest -----------------------------------------------------------------

    #[test]
    fn search_offers_sandbox_200() {
        let op = SearchOffers::new("B07VDJ5RVF").page_number(1).page_size(12).filter_ids(["NEW", "PRIME"]);
        assert_eq!(
            get_uri(&op),
            "https://sandbox.na.business-api.amazon.com/products/2020-08-26/products/B07VDJ5RVF/offers?productRegion=US&locale=en_US&pageNumber=1&pageSize=12&filterIds=NEW,PRIME"
        );
        let ex = example("searchOffersRequest-200-0");
        let out = op.parse(&response(&ex["response"])).unwrap();
        assert_eq!(out.offer_count, Some(22));
        assert_eq!(out.number_of_pages, Some(2));
        assert_eq!(out.featured_offer, None);
        let offers = out.offers.as_ref().unwrap();
        assert_eq!(offers.len(), 10);
        assert!(offers[0].offer_id.starts_with("qAxlAatZj5EmsUjegBOwOAsplZfqIKsSsadQ"));
        assert_eq!(offers[1].price.as_ref().unwrap().value.as_ref().unwrap().amount.value(), dec("12.64"));
        let groups = out.filter_groups.as_ref().unwrap();
        assert_eq!(groups[0].display_name.as_deref(), Some("Delivery"));
        assert_eq!(groups[0].filters.as_ref().unwrap()[0].id.as_deref(), Some("PRIME_ELIGIBLE"));
        // Page 1 of 2 (zero-based) is the last.
        assert!(op.next_page(&out).is_none());
        // The example's `legalInformation` is not in the model's OffersResult and is not kept.
        let mut expected = ex["response"].clone();
        assert!(expected.as_object_mut().unwrap().remove("legalInformation").is_some());
        assert_round_trip(&out, &expected.to_string());
    }

    #[test]
    fn search_offers_sandbox_400_is_refused_client_side() {
        // The example sends no `locale`; an empty one is refused, the default is filled in.
        let op = SearchOffers::new("B07VDJ5RVF");
        assert_eq!(
            get_uri(&op),
            "https://sandbox.na.business-api.amazon.com/products/2020-08-26/products/B07VDJ5RVF/offers?productRegion=US&locale=en_US"
        );
        assert_eq!(validation(&build(&op.locale("")).unwrap_err()).field, "locale");
        check_error_example("searchOffersRequest-400-0", "locale");
    }

    #[test]
    fn search_offers_parameters_validation_and_next_page() {
        let op = SearchOffers::new("B07VDJ5RVF")
            .product_region(Country::FR)
            .page_size(5)
            .group_tag("g")
            .quantity(3)
            .inclusions_for_offers([OfferInclusion::Fulfiller]);
        assert_eq!(
            get_uri(&op),
            "https://sandbox.na.business-api.amazon.com/products/2020-08-26/products/B07VDJ5RVF/offers?productRegion=FR&locale=fr_FR&pageSize=5&groupTag=g&quantity=3&inclusionsForOffers=fulfiller"
        );
        let field = |op: SearchOffers| validation(&build(&op).unwrap_err()).field;
        assert_eq!(field(SearchOffers::new("")), "productId");
        assert_eq!(field(SearchOffers::new("B").page_size(0)), "pageSize");
        assert_eq!(field(SearchOffers::new("B").quantity(0)), "quantity");
        assert_eq!(
            field(SearchOffers::new("B").inclusions_for_offers([OfferInclusion::Unknown("x".into())])),
            "inclusionsForOffers"
        );

        let mut out = op.parse(&response(&example("searchOffersRequest-200-0")["response"])).unwrap();
        let next = op.next_page(&out).expect("page 0 of 2 has a successor");
        assert_eq!(next.current_page_number(), 1);
        assert!(get_uri(&next).contains("&pageNumber=1&pageSize=5&"));
        out.number_of_pages = None;
        assert!(op.next_page(&out).is_none());
        out.number_of_pages = Some(5);
        out.offers = Some(Vec::new());
        assert!(op.next_page(&out).is_none());
    }

    // --- getProductsByAsins ------------------------------------------------------------------

    #[test]
    fn products_by_asins_sandbox_200() {
        let ex = example("getProductsByAsins-200-0");
        let op = GetProductsByAsins::new(["B007VC9DKI", "B007VC9DKI", "B007VC9DKI"]);
        let req = build(&op).unwrap();
        assert_eq!(req.method(), Method::POST);
        assert_eq!(
            req.uri(),
            "https://sandbox.na.business-api.amazon.com/products/2020-08-26/products/getProductsByAsins"
        );
        assert_eq!(req.headers()[USER_EMAIL_HEADER], "buyer@example.com");
        assert_eq!(req.headers()[http::header::CONTENT_TYPE], "application/json");
        assert_eq!(serde_json::from_slice::<Value>(req.body()).unwrap(), ex["body"]);
        let out = op.parse(&response(&ex["response"])).unwrap();
        assert_eq!(out.matching_product_count, 1);
        assert_eq!(out.not_found_asins, ["ATVPDKIKX0"]);
        check_gold_bond(&out.products[0]);
        assert_eq!(out.products[0].included_data_types.len(), 0);
        assert_round_trip(&out, &ex["response"].to_string());
    }

    #[test]
    fn products_by_asins_body_query_and_validation() {
        let op = GetProductsByAsins::new(["A1"])
            .product_region(Country::GB)
            .shipping_region(Country::IT)
            .shipping_postal_code("EC1")
            .quantity(2)
            .facets([SearchFacetType::Offers, SearchFacetType::Images])
            .inclusions_for_products([ProductInclusion::Badges])
            .inclusions_for_offers([OfferInclusion::All])
            .group_tag("g");
        let req = build(&op).unwrap();
        assert_eq!(
            req.uri().query(),
            Some("inclusionsForProducts=badges&inclusionsForOffers=ALL&groupTag=g")
        );
        assert_eq!(
            serde_json::from_slice::<Value>(req.body()).unwrap(),
            json!({"productIds": ["A1"], "productRegion": "UK", "shippingRegion": "IT", "locale": "en_GB",
                   "shippingPostalCode": "EC1", "quantity": 2, "facets": ["OFFERS", "IMAGES"]})
        );
        let field = |op: GetProductsByAsins| validation(&build(&op).unwrap_err()).field;
        assert_eq!(field(GetProductsByAsins::new(Vec::<String>::new())), "productIds");
        assert_eq!(field(GetProductsByAsins::new(["A", ""])), "productIds[1]");
        assert_eq!(field(GetProductsByAsins::new(["A"]).locale("e n")), "locale");
        assert_eq!(field(GetProductsByAsins::new(["A"]).quantity(0)), "quantity");
        assert_eq!(
            field(
                GetProductsByAsins::new(["A"])
                    .inclusions_for_products([ProductInclusion::IsCustomQuoteEligible])
            ),
            "inclusionsForProducts"
        );
    }

    // --- getOffersByOfferIds -----------------------------------------------------------------

    #[test]
    fn offers_by_offer_ids_sandbox_200() {
        let ex = example("getOffersByOfferIds-200-0");
        let op = GetOffersByOfferIds::new(["asid-123121", "asid-132as"]);
        let req = build(&op).unwrap();
        assert_eq!(req.method(), Method::POST);
        assert_eq!(
            req.uri(),
            "https://sandbox.na.business-api.amazon.com/products/2020-08-26/offers/getOffersByOfferIds"
        );
        assert_eq!(req.headers()[USER_EMAIL_HEADER], "buyer@example.com");
        assert_eq!(serde_json::from_slice::<Value>(req.body()).unwrap(), ex["body"]);
        let out = op.parse(&response(&ex["response"])).unwrap();
        assert_eq!(out.not_found_offer_ids, ["fdasdadsdsas"]);
        check_first_offer(&out.offers[0], "asid-123121");
        assert_round_trip(&out, &ex["response"].to_string());
    }

    #[test]
    fn offers_by_offer_ids_query_and_validation() {
        let op = GetOffersByOfferIds::new(["o1"])
            .inclusions_for_offers([OfferInclusion::Price, OfferInclusion::Badges])
            .group_tag("g")
            .locale("en_US")
            .shipping_postal_code("98101");
        let req = build(&op).unwrap();
        assert_eq!(req.uri().query(), Some("inclusionsForOffers=price,badges&groupTag=g"));
        assert_eq!(
            serde_json::from_slice::<Value>(req.body()).unwrap(),
            json!({"offersByOfferIdsRequest": [{"offerId": "o1"}], "productRegion": "US", "locale": "en_US",
                   "shippingPostalCode": "98101"})
        );
        let field = |op: GetOffersByOfferIds| validation(&build(&op).unwrap_err()).field;
        assert_eq!(field(GetOffersByOfferIds::new(Vec::<String>::new())), "offersByOfferIdsRequest");
        assert_eq!(field(GetOffersByOfferIds::new([""])), "offersByOfferIdsRequest[0].offerId");
        assert_eq!(field(GetOffersByOfferIds::new(["o"]).locale("")), "locale");
        // `ALL` is not among this operation's values.
        assert_eq!(
            field(GetOffersByOfferIds::new(["o"]).inclusions_for_offers([OfferInclusion::All])),
            "inclusionsForOffers"
        );
    }

    // --- models ------------------------------------------------------------------------------

    #[test]
    fn shipping_options_images_and_exact_numbers() {
        let offer = json!({
            "offerId": "o",
            "shippingOptions": [{
                "shippingCost": {"value": {"currencyCode": "JPY", "amount": 500}},
                "deliveryRange": {"min": "2024-01-02T00:00:00Z", "max": "2024-01-04T09:30:00Z"},
                "deliveryInformation": "FREE delivery",
                "thresholdCost": {"value": {"currencyCode": "JPY", "amount": 3500.00}}
            }],
            "merchant": {"name": "M", "merchantId": "A1", "meanFeedbackRating": 4.70, "totalFeedbackCount": 1203,
                         "certificates": ["Small Business"]},
            "quantityPrice": {"quantityPriceTiers": [{"quantityDisplay": "10+", "unitPrice": {"currencyCode": "JPY", "amount": 90},
                                                       "minQuantity": 10}]},
            "quantityInStock": 7,
            "fulfillmentType": "DROP_SHIP"
        });
        // Read from text, as `parse` does, so numbers keep their exact spelling.
        let parsed: Offer = serde_json::from_str(&offer.to_string()).unwrap();
        let option = &parsed.shipping_options.as_ref().unwrap()[0];
        assert_eq!(option.delivery_range.max, DateTime::parse("2024-01-04T09:30:00Z").unwrap());
        assert_eq!(option.threshold_cost.value.amount.value(), dec("3500"));
        let merchant = parsed.merchant.as_ref().unwrap();
        assert_eq!(merchant.mean_feedback_rating.unwrap().value(), dec("4.70"));
        assert_eq!(merchant.total_feedback_count.unwrap().value(), dec("1203"));
        assert_eq!(parsed.fulfillment_type, Some(FulfillmentType::Unknown("DROP_SHIP".into())));
        let exact: Merchant = serde_json::from_str(r#"{"name":"M","meanFeedbackRating":4.70}"#).unwrap();
        assert_eq!(serde_json::to_string(&exact).unwrap(), r#"{"name":"M","meanFeedbackRating":4.70}"#);
        assert_round_trip(&parsed, &offer.to_string());

        let mut product: Product =
            serde_json::from_value(example("productsRequest-200-0")["response"].clone()).unwrap();
        product.included_data_types.insert(
            "IMAGES".into(),
            vec![
                json!({"altText": "front", "small": {"height": 160, "url": "https://x/y.jpg", "width": 120}})
                    .as_object()
                    .unwrap()
                    .clone(),
            ],
        );
        let images = product.included_images().unwrap().unwrap();
        assert_eq!(images[0].small.as_ref().unwrap().width, 120);
        assert_eq!(images[0].alt_text, "front");
    }

    #[test]
    fn enums_keep_unknown_values_and_exact_spellings() {
        assert_eq!(
            serde_json::from_value::<BuyingGuidance>(json!("UNKNOWN")).unwrap(),
            BuyingGuidance::Unspecified
        );
        assert_eq!(serde_json::to_value(SubCondition::LikeNew).unwrap(), json!("LIKE_NEW"));
        assert_eq!(serde_json::to_value(AsinType::VariationParent).unwrap(), json!("VARIATION_PARENT"));
        assert_eq!(serde_json::from_value::<TaxonomyType>(json!("ECLASS")).unwrap(), TaxonomyType::Eclass);
        let odd: FragmentType = serde_json::from_value(json!("MEDICAL")).unwrap();
        assert!(!odd.is_known());
        assert_eq!(serde_json::to_value(&odd).unwrap(), json!("MEDICAL"));
        assert_eq!(ProductInclusion::KNOWN_VALUES.len(), 24);
        assert_eq!(PRODUCT_INCLUSIONS_SHARED.len(), 23);
        assert!(!PRODUCT_INCLUSIONS_SHARED.contains(&"isCustomQuoteEligible"));
        assert_eq!(OfferInclusion::KNOWN_VALUES[0], "ALL");
        assert_eq!(OfferInclusion::KNOWN_VALUES.len(), 21);
        assert_eq!(SortKey::PriceHighToLow.as_str(), "PRICE_HIGH_TO_LOW");
        for code in ErrorCode::KNOWN_VALUES {
            let entry = ErrorEntry { code: (*code).into(), message: String::new(), details: None };
            assert!(error_code(&entry).is_known());
        }
        let entry = ErrorEntry { code: "NEW_CODE".into(), message: String::new(), details: None };
        assert_eq!(error_code(&entry), ErrorCode::Unknown("NEW_CODE".into()));
    }

    #[test]
    fn operation_constants() {
        assert_eq!(SearchProducts::ID, "searchProductsRequest");
        assert_eq!(GetProduct::ID, "productsRequest");
        assert_eq!(SearchOffers::ID, "searchOffersRequest");
        assert_eq!(GetProductsByAsins::ID, "getProductsByAsins");
        assert_eq!(GetOffersByOfferIds::ID, "getOffersByOfferIds");
        for role in [
            SearchProducts::ROLE,
            GetProduct::ROLE,
            SearchOffers::ROLE,
            GetProductsByAsins::ROLE,
            GetOffersByOfferIds::ROLE,
        ] {
            assert_eq!(role, Role::BusinessProductCatalog);
        }
        for plan in [
            SearchProducts::USAGE_PLAN,
            GetProduct::USAGE_PLAN,
            SearchOffers::USAGE_PLAN,
            GetProductsByAsins::USAGE_PLAN,
            GetOffersByOfferIds::USAGE_PLAN,
        ] {
            assert_eq!(plan, None);
        }
        const {
            assert!(SearchProducts::RETRY_SAFE);
            assert!(GetProduct::RETRY_SAFE);
            assert!(SearchOffers::RETRY_SAFE);
            assert!(GetProductsByAsins::RETRY_SAFE);
            assert!(GetOffersByOfferIds::RETRY_SAFE);
        }
    }
}
