//! The contract every API operation implements.

use url::Url;

use crate::error::Error;
use crate::place::Marketplace;

/// What a request builder may know about the client that will send it.
#[derive(Debug, Clone, Copy)]
pub struct RequestContext<'a> {
    /// The API base URL (`https://na.business-api.amazon.com`, the sandbox, or a custom one).
    pub base_url: &'a Url,
    /// The configured marketplace; parameters such as `region` default from it.
    pub marketplace: Marketplace,
    /// The configured default `x-amz-user-email`, if any.
    pub user_email: Option<&'a str>,
}

/// The role an application must be granted to call an API. A call without it answers 403.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// Product Search.
    BusinessProductCatalog,
    /// Reporting (both versions).
    AmazonBusinessAnalytics,
    /// Reconciliation and Document.
    BusinessPurchaseReconciliation,
    /// Ordering, Cart and Package Tracking.
    AmazonBusinessOrderPlacement,
    /// User Management (approved offline by Amazon).
    UserManagement,
    /// Application Management needs no role.
    None,
}

impl Role {
    /// The role's name as Amazon's Solution Provider Portal shows it.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Role::BusinessProductCatalog => Some("Business Product Catalog"),
            Role::AmazonBusinessAnalytics => Some("Amazon Business Analytics"),
            Role::BusinessPurchaseReconciliation => Some("Business Purchase Reconciliation"),
            Role::AmazonBusinessOrderPlacement => Some("Amazon Business Order Placement"),
            Role::UserManagement => Some("User Management"),
            Role::None => None,
        }
    }
}

/// An operation's default usage plan: a sustained rate and a burst.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UsagePlan {
    /// Requests per second.
    pub rate: f64,
    /// How many requests may go at once after a quiet period.
    pub burst: u32,
}

impl UsagePlan {
    /// A plan of `rate` requests per second with `burst`.
    pub const fn new(rate: f64, burst: u32) -> Self {
        UsagePlan { rate, burst }
    }
}

/// One API operation: how to build its HTTP request and how to read its successful response.
///
/// Each of the API's operations is a type implementing this trait; required arguments are
/// constructor parameters, optional ones are chained setters. The clients in the transport
/// crates send any `Operation`; error statuses, tokens, retries and pacing are handled around
/// it, so an implementation only describes its own request and response.
pub trait Operation {
    /// What a successful call returns.
    type Output;
    /// The model's `operationId`, e.g. `getOrdersByOrderDate`.
    const ID: &'static str;
    /// The role the application needs.
    const ROLE: Role;
    /// The default usage plan, when Amazon's model states one.
    const USAGE_PLAN: Option<UsagePlan>;
    /// Whether sending the request twice is harmless (reads, and read-only POSTs).
    const RETRY_SAFE: bool;

    /// Builds the HTTP request, validating the arguments first. Authentication and user-agent
    /// headers are added by the caller.
    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error>;

    /// Reads a 2xx response into the output.
    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<Self::Output, Error>;

    /// For an operation that must not be sent twice blindly (placing an order): a read-only
    /// request that finds out whether an attempt whose outcome is unknown — a timeout, a
    /// dropped connection or a 5xx after the request may have reached Amazon — took effect.
    /// The default, `None`, means there is no such request and an ambiguous failure is
    /// returned as it is.
    fn probe(&self, cx: &RequestContext<'_>) -> Option<Result<http::Request<Vec<u8>>, Error>> {
        let _ = cx;
        None
    }

    /// Reads the probe's answer (any status but 401, 429 and 5xx, which the call handles).
    fn read_probe(&self, response: &http::Response<Vec<u8>>) -> Result<Probed<Self::Output>, Error> {
        let _ = response;
        Ok(Probed::NotApplied)
    }
}

/// What a probe found out about an attempt whose outcome was unknown.
#[derive(Debug, Clone, PartialEq)]
pub enum Probed<T> {
    /// The attempt took effect; this is its result.
    Applied(T),
    /// The attempt provably did not take effect, so sending again is safe.
    NotApplied,
}

/// An operation whose output may continue on another page.
pub trait Paginated: Operation + Sized {
    /// The operation that fetches the page after `output`, or `None` on the last page.
    fn next_page(&self, output: &Self::Output) -> Option<Self>;
}
