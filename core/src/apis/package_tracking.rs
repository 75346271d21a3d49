//! Package Tracking API, version `2025-07-02`: where a package of an order's shipment is.
//!
//! The one operation, [`GetPackageTrackingDetails`], needs the *Amazon Business Order
//! Placement* role and has a default usage plan of 0.5 requests per second with a burst of 10.
//!
//! # Model definitions and their Rust types
//!
//! | Model definition | Rust type |
//! |---|---|
//! | `GetPackageTrackingDetailsResponse` | [`GetPackageTrackingDetailsResponse`] |
//! | `PackageTrackingDetails` | [`PackageTrackingDetails`] |
//! | `TimeWindow` | [`TimeWindow`] |
//! | `CarrierDetails` | [`CarrierDetails`] |
//! | `PackageTrackingEvent` | [`PackageTrackingEvent`] |
//! | `EventLocation` | [`EventLocation`] |
//! | `PackageMilestone` | [`PackageMilestone`] |
//! | `PackageMilestone.milestoneType` (inline enum) | [`MilestoneType`] |
//! | `ErrorList` | [`crate::error::ErrorList`] |
//! | `Error` | [`crate::error::ErrorEntry`] |
//!
//! Optional fields read an explicit JSON `null` and an absent key alike as `None`, and write
//! `None` by leaving the key out. Date-times are read with any offset (the sandbox example
//! uses `-07:00`) and written in UTC with `Z`.

use http::Method;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::error::Error;
use crate::operation::{Operation, RequestContext, Role, UsagePlan};
use crate::place::Country;
use crate::types::DateTime;
use crate::wire::{parse_json, validate, RequestBuilder};

const PACKAGE_PATH: &str =
    "/ab-tracking/2025-07-02/orders/{orderId}/shipments/{shipmentId}/packages/{packageId}";

// ---------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------

/// The answer of [`GetPackageTrackingDetails`] (model `GetPackageTrackingDetailsResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetPackageTrackingDetailsResponse {
    /// The package's tracking details.
    pub package_tracking_details: PackageTrackingDetails,
}

/// Status, promise, carrier and history of a package (model `PackageTrackingDetails`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageTrackingDetails {
    /// The package's current status, e.g. `DELIVERED`.
    pub tracking_status: String,
    /// The delivery promise as shown to the buyer, in the requested locale.
    pub localized_delivery_promise: String,
    /// When delivery is (or was) expected.
    pub delivery_window: Option<TimeWindow>,
    /// Who carries the package.
    pub carrier_details: Option<CarrierDetails>,
    /// Scan events, most recent first as Amazon sends them.
    pub package_tracking_events: Option<Vec<PackageTrackingEvent>>,
    /// Milestones reached (ordered, shipped, out for delivery, delivered).
    pub package_milestones: Option<Vec<PackageMilestone>>,
}

/// A span of time whose start may be unknown (model `TimeWindow`).
#[skip_serializing_none]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeWindow {
    /// Start of the window.
    pub start_date: Option<DateTime>,
    /// End of the window.
    pub end_date: DateTime,
}

/// The carrier of a package (model `CarrierDetails`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CarrierDetails {
    /// The carrier's name in the requested locale.
    pub localized_carrier_name: Option<String>,
    /// The carrier's tracking number.
    pub carrier_tracking_id: Option<String>,
}

/// One scan event of a package (model `PackageTrackingEvent`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageTrackingEvent {
    /// What happened, in the requested locale.
    pub localized_description: Option<String>,
    /// The day it happened, as display text (e.g. `Tuesday, April 29`).
    pub localized_event_date: Option<String>,
    /// The time it happened, as display text (e.g. `12:15 PM`).
    pub localized_event_time: Option<String>,
    /// Where it happened.
    pub location: Option<EventLocation>,
}

/// Where a scan event happened (model `EventLocation`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventLocation {
    /// City.
    pub city: Option<String>,
    /// State or province.
    pub state: Option<String>,
    /// Country code.
    pub country: Option<String>,
}

string_enum! {
    /// A stage of a package's journey (`PackageMilestone.milestoneType`).
    pub enum MilestoneType {
        /// Handed to the recipient.
        Delivered = "DELIVERED",
        /// On the delivery vehicle.
        OutForDelivery = "OUT_FOR_DELIVERY",
        /// Left the seller.
        Shipped = "SHIPPED",
        /// Ordered.
        Ordered = "ORDERED",
    }
}

/// A stage reached by a package, with when (model `PackageMilestone`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageMilestone {
    /// Which stage.
    pub milestone_type: MilestoneType,
    /// When it was reached.
    pub milestone_window: TimeWindow,
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/// Fetches the tracking details of one package of an order's shipment
/// (`getPackageTrackingDetails`).
///
/// `region` is required by the model; it defaults to the configured marketplace's country and
/// can be overridden with [`region`](GetPackageTrackingDetails::region). `locale` (an IETF tag
/// such as `en-US`, Amazon's default) is sent only when set.
///
/// - Role: Amazon Business Order Placement.
/// - Usage plan: 0.5 requests per second, burst 10.
/// - Sandbox: mocked by Amazon's static sandbox (order `114-2589187-9801025`, shipment
///   `401971789238301`, package `1`, locale `en-US`, region `US`).
///
/// ```
/// use amazon_business_blocking::package_tracking::GetPackageTrackingDetails;
/// use amazon_business_blocking::operation::{Operation, RequestContext};
/// use amazon_business_blocking::{Country, Marketplace};
/// let op = GetPackageTrackingDetails::new("114-2589187-9801025", "401971789238301", "1")
///     .locale("en-US")
///     .region(Country::US);
/// let base = url::Url::parse("https://sandbox.na.business-api.amazon.com")?;
/// let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
/// assert_eq!(op.request(&cx)?.uri().query(), Some("locale=en-US&region=US"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetPackageTrackingDetails {
    order_id: String,
    shipment_id: String,
    package_id: String,
    locale: Option<String>,
    region: Option<Country>,
}

impl GetPackageTrackingDetails {
    /// Package `package_id` of shipment `shipment_id` of order `order_id`.
    pub fn new(
        order_id: impl Into<String>,
        shipment_id: impl Into<String>,
        package_id: impl Into<String>,
    ) -> Self {
        GetPackageTrackingDetails {
            order_id: order_id.into(),
            shipment_id: shipment_id.into(),
            package_id: package_id.into(),
            locale: None,
            region: None,
        }
    }

    /// The language of the localized texts (`locale`, e.g. `en-US`, `de-DE`).
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// The country to track in (`region`); defaults to the marketplace's country.
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }
}

impl Operation for GetPackageTrackingDetails {
    type Output = GetPackageTrackingDetailsResponse;
    const ID: &'static str = "getPackageTrackingDetails";
    const ROLE: Role = Role::AmazonBusinessOrderPlacement;
    const USAGE_PLAN: Option<UsagePlan> = Some(UsagePlan::new(0.5, 10));
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let id = Self::ID;
        let region = self.region.unwrap_or_else(|| cx.marketplace.country());
        let mut b = RequestBuilder::new(id, Method::GET, cx, PACKAGE_PATH)
            .check(validate::non_empty(id, "orderId", &self.order_id))
            .check(validate::non_empty(id, "shipmentId", &self.shipment_id))
            .check(validate::non_empty(id, "packageId", &self.package_id))
            .path_param("orderId", self.order_id.as_str())
            .path_param("shipmentId", self.shipment_id.as_str())
            .path_param("packageId", self.package_id.as_str());
        if let Some(locale) = &self.locale {
            b = b.check(validate::non_empty(id, "locale", locale)).query("locale", locale);
        }
        b.query("region", region).build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<GetPackageTrackingDetailsResponse, Error> {
        parse_json(Self::ID, response.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apis::test_support::{assert_round_trip_normalized, example_response, validation, SANDBOX};
    use crate::error::ErrorList;
    use crate::place::Marketplace;
    use url::Url;

    fn uri_in(op: &GetPackageTrackingDetails, marketplace: Marketplace) -> Result<String, Box<Error>> {
        let base = Url::parse(SANDBOX).unwrap();
        let cx = RequestContext { base_url: &base, marketplace, user_email: Some("buyer@example.com") };
        op.request(&cx).map_err(Box::new).map(|r| {
            assert_eq!(r.method(), Method::GET);
            assert!(r.body().is_empty());
            assert!(r.headers().get(crate::wire::USER_EMAIL_HEADER).is_none());
            r.uri().to_string()
        })
    }

    fn uri(op: &GetPackageTrackingDetails) -> Result<String, Box<Error>> {
        uri_in(op, Marketplace::UnitedStates)
    }

    fn response(body: &str) -> http::Response<Vec<u8>> {
        http::Response::builder().status(200).body(body.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn sandbox_200() {
        let op = GetPackageTrackingDetails::new("114-2589187-9801025", "401971789238301", "1")
            .locale("en-US")
            .region(Country::US);
        assert_eq!(
            uri(&op).unwrap(),
            "https://sandbox.na.business-api.amazon.com/ab-tracking/2025-07-02/orders/114-2589187-9801025/shipments/401971789238301/packages/1?locale=en-US&region=US"
        );
        let example = example_response("getPackageTrackingDetails-200-0");
        let out = op.parse(&response(&example)).unwrap().package_tracking_details;
        assert_eq!(out.tracking_status, "DELIVERED");
        assert_eq!(out.localized_delivery_promise, "Delivered April 29");
        let window = out.delivery_window.unwrap();
        assert_eq!(window.start_date, None);
        assert_eq!(window.end_date, DateTime::parse("2025-04-29T19:15:23Z").unwrap());
        assert_eq!(
            out.carrier_details.as_ref().unwrap().carrier_tracking_id.as_deref(),
            Some("TBA321021468276")
        );
        let events = out.package_tracking_events.as_ref().unwrap();
        assert_eq!(events.len(), 5);
        assert_eq!(events[0].location.as_ref().unwrap().city.as_deref(), Some("Bellevue"));
        assert_eq!(events[0].location.as_ref().unwrap().state, None);
        assert_eq!(events[4].location, None);
        assert_eq!(events[4].localized_event_time, None);
        let milestones = out.package_milestones.as_ref().unwrap();
        assert_eq!(milestones[0].milestone_type, MilestoneType::Delivered);
        assert_eq!(milestones[1].milestone_type, MilestoneType::OutForDelivery);
        assert_eq!(milestones[3].milestone_type, MilestoneType::Ordered);
        // -07:00 is read as the same instant and written back in UTC.
        let delivered = milestones[0].milestone_window.end_date;
        assert_eq!(delivered, DateTime::parse("2025-04-29T19:15:23.101Z").unwrap());
        assert_eq!(delivered.to_rfc3339(), "2025-04-29T19:15:23.101Z");

        let parsed = op.parse(&response(&example)).unwrap();
        assert_round_trip_normalized(&parsed, &example);
    }

    #[test]
    fn sandbox_400_is_refused_client_side() {
        // The example sends none of the three path parameters.
        let e = validation(&uri(&GetPackageTrackingDetails::new("", "", "")).unwrap_err());
        assert_eq!(e.field, "orderId");
        assert_eq!(e.operation, "getPackageTrackingDetails");
        let e = validation(&uri(&GetPackageTrackingDetails::new("o", " ", "p")).unwrap_err());
        assert_eq!(e.field, "shipmentId");
        let e = validation(&uri(&GetPackageTrackingDetails::new("o", "s", "")).unwrap_err());
        assert_eq!(e.field, "packageId");
        let e = validation(&uri(&GetPackageTrackingDetails::new("o", "s", "p").locale("")).unwrap_err());
        assert_eq!(e.field, "locale");

        let example = example_response("getPackageTrackingDetails-400-0");
        let errors: ErrorList = parse_json(GetPackageTrackingDetails::ID, example.as_bytes()).unwrap();
        assert_eq!(errors.errors[0].code, "INVALID_REQUEST_PARAMETER");
        assert_round_trip_normalized(&errors, &example);
    }

    #[test]
    fn region_defaults_from_the_marketplace_and_locale_is_optional() {
        let op = GetPackageTrackingDetails::new("a/b", "s", "p");
        assert_eq!(
            uri_in(&op, Marketplace::UnitedKingdom).unwrap(),
            "https://sandbox.na.business-api.amazon.com/ab-tracking/2025-07-02/orders/a%2Fb/shipments/s/packages/p?region=UK"
        );
        assert!(uri_in(&op, Marketplace::Japan).unwrap().ends_with("?region=JP"));
        let op = op.region(Country::DE).locale("de-DE");
        assert!(uri_in(&op, Marketplace::Japan).unwrap().ends_with("?locale=de-DE&region=DE"));
    }

    #[test]
    fn enums_keep_unknown_values() {
        let odd: MilestoneType = serde_json::from_str("\"RETURNED\"").unwrap();
        assert_eq!(odd, MilestoneType::Unknown("RETURNED".into()));
        assert_eq!(serde_json::to_string(&odd).unwrap(), "\"RETURNED\"");
        assert_eq!(serde_json::to_string(&MilestoneType::Shipped).unwrap(), "\"SHIPPED\"");
    }

    #[test]
    fn operation_constants() {
        assert_eq!(GetPackageTrackingDetails::ROLE, Role::AmazonBusinessOrderPlacement);
        assert_eq!(GetPackageTrackingDetails::USAGE_PLAN, Some(UsagePlan::new(0.5, 10)));
        const { assert!(GetPackageTrackingDetails::RETRY_SAFE) };
    }
}
