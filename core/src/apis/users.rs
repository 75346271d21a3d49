//! User Management API, version `2021-08-30`: creating Amazon Business user accounts.
//!
//! The one operation, [`CreateBusinessUserAccount`], needs the *User Management* role (which
//! Amazon approves offline) and has a default usage plan of 1 request per second with a burst
//! of 5.
//!
//! # Model definitions and their Rust types
//!
//! | Model definition | Rust type |
//! |---|---|
//! | `CreateBusinessUserAccountRequest` | [`CreateBusinessUserAccountRequest`] |
//! | `CreateBusinessUserAccountResponse` | [`CreateBusinessUserAccountResponse`] |
//! | `AccountHolder` | [`AccountHolder`] |
//! | `BusinessGroupIdentifier` | [`BusinessGroupIdentifier`] |
//! | `BusinessGroupIdentifier.idType` (inline enum) | [`GroupIdType`] |
//! | `BusinessRole` | [`BusinessRole`] |
//! | `Region` | [`crate::place::Country`] (limited to the eight countries the model lists) |
//! | `NotificationType` | [`NotificationType`] |
//! | `ErrorList` | [`crate::error::ErrorList`] |
//! | `Error` | [`crate::error::ErrorEntry`] |
//!
//! `Region` is the SDK's one [`Country`] type rather than a per-API copy; the model lists only
//! `DE`, `FR`, `UK`, `IT`, `ES`, `US`, `CA` and `JP`, and any other country is refused before
//! sending.

use http::Method;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::error::{Error, ValidationError};
use crate::operation::{Operation, RequestContext, Role, UsagePlan};
use crate::place::Country;
use crate::wire::{parse_json, validate, RequestBuilder};

const ACCOUNT_PATH: &str = "/businessAccounts/2021-08-30/businessUserAccount";

/// The countries the model's `Region` enum lists, in model order.
const REGIONS: [Country; 8] =
    [Country::DE, Country::FR, Country::GB, Country::IT, Country::ES, Country::US, Country::CA, Country::JP];

// ---------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------

string_enum! {
    /// How a business group is identified (`BusinessGroupIdentifier.idType`).
    pub enum GroupIdType {
        /// By the group's ID.
        GroupId = "GroupId",
        /// By a tag set on the group.
        GroupTag = "GroupTag",
    }
}

string_enum! {
    /// The role a new user gets in the group (model `BusinessRole`).
    pub enum BusinessRole {
        /// Can buy, subject to the group's approval rules.
        Requisitioner = "Requisitioner",
        /// Buys through a punchout (procurement system) session.
        PunchoutUser = "PunchoutUser",
        /// Manages the business account.
        Administrator = "Administrator",
        /// Sees invoices, payments and reconciliation data.
        Finance = "Finance",
        /// Manages integrations.
        Tech = "Tech",
    }
}

string_enum! {
    /// A kind of notification Amazon can be asked not to send (model `NotificationType`).
    pub enum NotificationType {
        /// The welcome email.
        Email = "EMAIL",
    }
}

/// The person the account is for (model `AccountHolder`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountHolder {
    /// The person's email address; it becomes the account's login.
    pub email: String,
    /// First name.
    pub given_name: String,
    /// Last name.
    pub family_name: String,
}

impl AccountHolder {
    /// An account holder with the given email and names.
    pub fn new(
        email: impl Into<String>,
        given_name: impl Into<String>,
        family_name: impl Into<String>,
    ) -> Self {
        AccountHolder { email: email.into(), given_name: given_name.into(), family_name: family_name.into() }
    }
}

/// The group the new user joins (model `BusinessGroupIdentifier`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessGroupIdentifier {
    /// Whether `id` is a group ID or a group tag.
    pub id_type: GroupIdType,
    /// The group ID or tag.
    pub id: String,
}

impl BusinessGroupIdentifier {
    /// The group with ID `id`.
    pub fn group_id(id: impl Into<String>) -> Self {
        BusinessGroupIdentifier { id_type: GroupIdType::GroupId, id: id.into() }
    }

    /// The group tagged `tag`.
    pub fn group_tag(tag: impl Into<String>) -> Self {
        BusinessGroupIdentifier { id_type: GroupIdType::GroupTag, id: tag.into() }
    }
}

/// The body of [`CreateBusinessUserAccount`] (model `CreateBusinessUserAccountRequest`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBusinessUserAccountRequest {
    /// Who the account is for.
    pub account_holder: AccountHolder,
    /// The group the user joins.
    pub group_id: BusinessGroupIdentifier,
    /// The user's role in that group.
    pub role: BusinessRole,
    /// The country of the business account (`UK` on the wire for [`Country::GB`]).
    pub region: Country,
    /// Notifications Amazon should not send to the new user.
    pub notification_types_to_suppress: Option<Vec<NotificationType>>,
}

/// The (empty) body of a successful creation (model `CreateBusinessUserAccountResponse`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateBusinessUserAccountResponse {}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/// Creates an Amazon Business user account and adds it to a group with a role
/// (`createBusinessUserAccount`). Amazon answers 201 with an empty object; the new user gets
/// an email inviting them to set a password.
///
/// `region` defaults to the configured marketplace's country; override it with
/// [`region`](CreateBusinessUserAccount::region). Only the eight countries the model lists are
/// accepted.
///
/// Not retry-safe: a second request may try to create the account again.
///
/// - Role: User Management (approved offline by Amazon).
/// - Usage plan: 1 request per second, burst 5.
/// - Sandbox: not mocked by Amazon's sandbox (it would create a real user); the model still
///   records examples, which this module's tests replay offline.
///
/// ```
/// use amazon_business_blocking::users::{
///     AccountHolder, BusinessGroupIdentifier, BusinessRole, CreateBusinessUserAccount, NotificationType,
/// };
/// use amazon_business_blocking::Country;
/// let op = CreateBusinessUserAccount::new(
///     AccountHolder::new("jane@example.com", "Jane", "Doe"),
///     BusinessGroupIdentifier::group_id("G-123"),
///     BusinessRole::Requisitioner,
/// )
/// .region(Country::US)
/// .notification_types_to_suppress([NotificationType::Email]);
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateBusinessUserAccount {
    account_holder: AccountHolder,
    group_id: BusinessGroupIdentifier,
    role: BusinessRole,
    region: Option<Country>,
    notification_types_to_suppress: Option<Vec<NotificationType>>,
}

impl CreateBusinessUserAccount {
    /// An account for `account_holder` in group `group_id` with `role`.
    pub fn new(account_holder: AccountHolder, group_id: BusinessGroupIdentifier, role: BusinessRole) -> Self {
        CreateBusinessUserAccount {
            account_holder,
            group_id,
            role,
            region: None,
            notification_types_to_suppress: None,
        }
    }

    /// The business account's country (`region`); defaults to the marketplace's country.
    pub fn region(mut self, region: Country) -> Self {
        self.region = Some(region);
        self
    }

    /// Notifications not to send to the new user (`notificationTypesToSuppress`).
    pub fn notification_types_to_suppress(
        mut self,
        types: impl IntoIterator<Item = NotificationType>,
    ) -> Self {
        self.notification_types_to_suppress = Some(types.into_iter().collect());
        self
    }

    /// The body this operation sends in `cx`.
    pub fn body(&self, cx: &RequestContext<'_>) -> CreateBusinessUserAccountRequest {
        CreateBusinessUserAccountRequest {
            account_holder: self.account_holder.clone(),
            group_id: self.group_id.clone(),
            role: self.role.clone(),
            region: self.region.unwrap_or_else(|| cx.marketplace.country()),
            notification_types_to_suppress: self.notification_types_to_suppress.clone(),
        }
    }
}

fn check_body(body: &CreateBusinessUserAccountRequest) -> Result<(), ValidationError> {
    let id = CreateBusinessUserAccount::ID;
    let holder = &body.account_holder;
    validate::non_empty(id, "accountHolder.email", &holder.email)?;
    validate::non_empty(id, "accountHolder.givenName", &holder.given_name)?;
    validate::non_empty(id, "accountHolder.familyName", &holder.family_name)?;
    if !REGIONS.contains(&body.region) {
        return Err(ValidationError::new(
            id,
            "region",
            format!(
                "{} is not one of {}",
                body.region.as_api_str(),
                REGIONS.map(|c| c.as_api_str()).join(", ")
            ),
        ));
    }
    if !body.role.is_known() {
        return Err(ValidationError::new(
            id,
            "role",
            format!("{:?} is not one of {}", body.role.as_str(), BusinessRole::KNOWN_VALUES.join(", ")),
        ));
    }
    if !body.group_id.id_type.is_known() {
        return Err(ValidationError::new(
            id,
            "groupId.idType",
            format!(
                "{:?} is not one of {}",
                body.group_id.id_type.as_str(),
                GroupIdType::KNOWN_VALUES.join(", ")
            ),
        ));
    }
    if let Some(bad) = body.notification_types_to_suppress.iter().flatten().find(|t| !t.is_known()) {
        return Err(ValidationError::new(
            id,
            "notificationTypesToSuppress",
            format!("{:?} is not one of {}", bad.as_str(), NotificationType::KNOWN_VALUES.join(", ")),
        ));
    }
    Ok(())
}

impl Operation for CreateBusinessUserAccount {
    type Output = CreateBusinessUserAccountResponse;
    const ID: &'static str = "createBusinessUserAccount";
    const ROLE: Role = Role::UserManagement;
    const USAGE_PLAN: Option<UsagePlan> = Some(UsagePlan::new(1.0, 5));
    const RETRY_SAFE: bool = false;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let body = self.body(cx);
        RequestBuilder::new(Self::ID, Method::POST, cx, ACCOUNT_PATH)
            .check(check_body(&body))
            .json(&body)
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<CreateBusinessUserAccountResponse, Error> {
        parse_json(Self::ID, response.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apis::test_support::{assert_round_trip, example, example_response, validation, SANDBOX};
    use crate::error::ErrorList;
    use crate::place::Marketplace;
    use url::Url;

    fn request_in(
        op: &CreateBusinessUserAccount,
        marketplace: Marketplace,
    ) -> Result<http::Request<Vec<u8>>, Box<Error>> {
        let base = Url::parse(SANDBOX).unwrap();
        let cx = RequestContext { base_url: &base, marketplace, user_email: Some("buyer@example.com") };
        op.request(&cx).map_err(Box::new)
    }

    fn request(op: &CreateBusinessUserAccount) -> Result<http::Request<Vec<u8>>, Box<Error>> {
        request_in(op, Marketplace::UnitedStates)
    }

    fn body(req: &http::Request<Vec<u8>>) -> serde_json::Value {
        serde_json::from_slice(req.body()).unwrap()
    }

    fn example_op() -> CreateBusinessUserAccount {
        CreateBusinessUserAccount::new(
            AccountHolder::new("[Email]", "[Given_name]", "[Family_name]"),
            BusinessGroupIdentifier::group_id("[Id]"),
            BusinessRole::Requisitioner,
        )
        .region(Country::US)
        .notification_types_to_suppress([NotificationType::Email])
    }

    #[test]
    fn sandbox_201() {
        let req = request(&example_op()).unwrap();
        assert_eq!(req.method(), Method::POST);
        assert_eq!(
            req.uri().to_string(),
            "https://sandbox.na.business-api.amazon.com/businessAccounts/2021-08-30/businessUserAccount"
        );
        assert_eq!(req.headers()["content-type"], "application/json");
        assert!(req.headers().get(crate::wire::USER_EMAIL_HEADER).is_none());
        let ex = example("createBusinessUserAccount-201-0");
        assert_eq!(body(&req), ex["body"]);

        // The example records an empty object.
        let recorded = example_response("createBusinessUserAccount-201-0");
        assert_eq!(recorded, "{}");
        let resp = http::Response::builder().status(201).body(recorded.clone().into_bytes()).unwrap();
        let out = example_op().parse(&resp).unwrap();
        assert_eq!(out, CreateBusinessUserAccountResponse {});
        assert_round_trip(&out, &recorded);
        // The request body reads back into its model type, too.
        let parsed: CreateBusinessUserAccountRequest = serde_json::from_slice(req.body()).unwrap();
        assert_eq!(parsed.region, Country::US);
        assert_eq!(parsed.role, BusinessRole::Requisitioner);
        assert_eq!(parsed.group_id.id_type, GroupIdType::GroupId);
        assert_round_trip(&parsed, std::str::from_utf8(req.body()).unwrap());
    }

    #[test]
    fn sandbox_400_cannot_be_expressed() {
        // The example sends only `role` and `region`; the typed API takes the account holder
        // and the group as constructor arguments, so that body cannot be built. The closest
        // typed request is complete and valid.
        let op = CreateBusinessUserAccount::new(
            AccountHolder::new("a@example.com", "A", "B"),
            BusinessGroupIdentifier::group_tag("T"),
            BusinessRole::PunchoutUser,
        )
        .region(Country::US);
        let b = body(&request(&op).unwrap());
        assert_eq!(b["role"], "PunchoutUser");
        assert_eq!(b["region"], "US");
        assert_eq!(b["groupId"]["idType"], "GroupTag");
        assert!(b.get("notificationTypesToSuppress").is_none());

        let example = example_response("createBusinessUserAccount-400-0");
        let errors: ErrorList = parse_json(CreateBusinessUserAccount::ID, example.as_bytes()).unwrap();
        assert_eq!(errors.errors[0].code, "INVALID_REQUEST_PARAMETER");
        assert_eq!(errors.errors[0].details.as_deref(), Some(""));
        assert_round_trip(&errors, &example);
    }

    #[test]
    fn region_defaults_from_the_marketplace_and_uk_travels_as_uk() {
        let op = CreateBusinessUserAccount::new(
            AccountHolder::new("a@example.com", "A", "B"),
            BusinessGroupIdentifier::group_id("G"),
            BusinessRole::Finance,
        );
        assert_eq!(body(&request_in(&op, Marketplace::UnitedKingdom).unwrap())["region"], "UK");
        assert_eq!(body(&request_in(&op, Marketplace::Japan).unwrap())["region"], "JP");
        let overridden = op.clone().region(Country::DE);
        assert_eq!(body(&request_in(&overridden, Marketplace::Japan).unwrap())["region"], "DE");
    }

    #[test]
    fn constraints_are_checked_before_sending() {
        let base = CreateBusinessUserAccount::new(
            AccountHolder::new("a@example.com", "A", "B"),
            BusinessGroupIdentifier::group_id("G"),
            BusinessRole::Tech,
        );
        // India, Mexico and Australia are not in the model's Region enum.
        let e = validation(&request_in(&base, Marketplace::India).unwrap_err());
        assert_eq!(e.field, "region");
        assert!(e.message.contains("IN is not one of DE, FR, UK, IT, ES, US, CA, JP"), "{e}");
        let e = validation(&request(&base.clone().region(Country::AU)).unwrap_err());
        assert_eq!(e.field, "region");
        let e = validation(&request(&base.clone().region(Country::MX)).unwrap_err());
        assert_eq!(e.field, "region");

        let mut op = base.clone();
        op.role = BusinessRole::from_wire("Owner");
        let e = validation(&request(&op).unwrap_err());
        assert_eq!(e.field, "role");
        assert!(e.message.contains("\"Owner\""), "{e}");

        let mut op = base.clone();
        op.group_id.id_type = GroupIdType::from_wire("Name");
        assert_eq!(validation(&request(&op).unwrap_err()).field, "groupId.idType");

        let op = base.notification_types_to_suppress([NotificationType::from_wire("SMS")]);
        assert_eq!(validation(&request(&op).unwrap_err()).field, "notificationTypesToSuppress");
    }

    #[test]
    fn enums_keep_unknown_values_and_exact_spellings() {
        for (text, role) in [
            ("Requisitioner", BusinessRole::Requisitioner),
            ("PunchoutUser", BusinessRole::PunchoutUser),
            ("Administrator", BusinessRole::Administrator),
            ("Finance", BusinessRole::Finance),
            ("Tech", BusinessRole::Tech),
        ] {
            let json = format!("\"{text}\"");
            assert_eq!(serde_json::from_str::<BusinessRole>(&json).unwrap(), role);
            assert_eq!(serde_json::to_string(&role).unwrap(), json);
        }
        let odd: NotificationType = serde_json::from_str("\"SMS\"").unwrap();
        assert_eq!(odd, NotificationType::Unknown("SMS".into()));
        assert_eq!(serde_json::to_string(&odd).unwrap(), "\"SMS\"");
        assert_eq!(serde_json::to_string(&GroupIdType::GroupTag).unwrap(), "\"GroupTag\"");
    }

    #[test]
    fn operation_constants() {
        assert_eq!(CreateBusinessUserAccount::ID, "createBusinessUserAccount");
        assert_eq!(CreateBusinessUserAccount::ROLE, Role::UserManagement);
        assert_eq!(CreateBusinessUserAccount::USAGE_PLAN, Some(UsagePlan::new(1.0, 5)));
        const { assert!(!CreateBusinessUserAccount::RETRY_SAFE) };
    }
}
