//! Document API, version `2021-09-30`: request reports (such as invoice reports), follow their
//! processing, cancel them, and get the short-lived link to a finished report's document.
//!
//! All five operations need the *Business Purchase Reconciliation* role. The model states no
//! usage plan for them, so [`Operation::USAGE_PLAN`] is `None` and the pacer relies on the
//! `x-amzn-RateLimit-Limit` header Amazon returns.
//!
//! A typical flow: [`CreateReport`] → poll [`GetReport`] until its
//! [`processing_status`](Report::processing_status) is [`ProcessingStatus::Done`] →
//! [`GetReportDocument`] with the report's `report_document_id` → download
//! [`ReportDocument::url`] within about five minutes, gunzipping it when
//! [`ReportDocument::compression_algorithm`] says [`CompressionAlgorithm::Gzip`].
//!
//! # Model definitions and their Rust types
//!
//! | Model definition | Rust type |
//! |---|---|
//! | `Report` | [`Report`] |
//! | `Report.processingStatus` (inline enum, also the `processingStatuses` query items) | [`ProcessingStatus`] |
//! | `ReportList` | [`ReportList`] (`Vec<Report>`) |
//! | `GetReportsResponse` | [`GetReportsResponse`] |
//! | `CreateReportSpecification` | [`CreateReportSpecification`] |
//! | `ReportOptions` | [`ReportOptions`] (`BTreeMap<String, String>`) |
//! | `CreateReportResponse` | [`CreateReportResponse`] |
//! | `ReportDocument` | [`ReportDocument`] |
//! | `ReportDocument.compressionAlgorithm` (inline enum) | [`CompressionAlgorithm`] |
//! | `ErrorList` | [`crate::error::ErrorList`] |
//! | `Error` | [`crate::error::ErrorEntry`] |
//!
//! Optional fields read an explicit JSON `null` and an absent key alike as `None`, and write
//! `None` by leaving the key out. (None of this model's examples contains an explicit null.)

use std::collections::BTreeMap;

use http::Method;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::error::{Error, ValidationError};
use crate::operation::{Operation, Paginated, RequestContext, Role, UsagePlan};
use crate::types::DateTime;
use crate::wire::{parse_json, validate, RequestBuilder};

const REPORTS_PATH: &str = "/reports/2021-09-30/reports";
const REPORT_PATH: &str = "/reports/2021-09-30/reports/{reportId}";
const DOCUMENT_PATH: &str = "/reports/2021-09-30/documents/{reportDocumentId}";

// ---------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------

string_enum! {
    /// Where a report is in its processing (`Report.processingStatus`, and the items of the
    /// `processingStatuses` filter of [`GetReports`]).
    pub enum ProcessingStatus {
        /// Cancelled on request before processing began, or automatically for lack of data.
        Cancelled = "CANCELLED",
        /// Finished; the report has a document.
        Done = "DONE",
        /// Aborted by an error.
        Fatal = "FATAL",
        /// Being processed.
        InProgress = "IN_PROGRESS",
        /// Waiting to be processed; only reports in this state can be cancelled.
        InQueue = "IN_QUEUE",
    }
}

string_enum! {
    /// How a report document is compressed (`ReportDocument.compressionAlgorithm`).
    pub enum CompressionAlgorithm {
        /// gzip.
        Gzip = "GZIP",
    }
}

/// A report and its processing state (model `Report`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The marketplaces the report covers.
    pub marketplace_ids: Option<Vec<String>>,
    /// The report's ID.
    pub report_id: String,
    /// The report type, e.g. `FEE_DISCOUNTS_REPORT`.
    pub report_type: String,
    /// Start of the period the report's data covers.
    pub data_start_time: Option<DateTime>,
    /// End of the period the report's data covers.
    pub data_end_time: Option<DateTime>,
    /// When the report was requested.
    pub created_time: DateTime,
    /// Where the report is in its processing.
    pub processing_status: ProcessingStatus,
    /// When processing began.
    pub processing_start_time: Option<DateTime>,
    /// When processing ended.
    pub processing_end_time: Option<DateTime>,
    /// The document to fetch with [`GetReportDocument`], once the report is done.
    pub report_document_id: Option<String>,
}

/// A list of reports (model `ReportList`).
pub type ReportList = Vec<Report>;

/// Report-type specific options, by name (model `ReportOptions`).
pub type ReportOptions = BTreeMap<String, String>;

/// One page of reports (model `GetReportsResponse`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetReportsResponse {
    /// The reports on this page.
    pub reports: ReportList,
    /// Token for the following page; absent on the last page.
    pub next_token: Option<String>,
}

/// What report to create (model `CreateReportSpecification`), the body of [`CreateReport`].
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateReportSpecification {
    /// Report-type specific options.
    pub report_options: Option<ReportOptions>,
    /// The report type.
    pub report_type: String,
    /// Start of the period to report on (Amazon's default: now).
    pub data_start_time: Option<DateTime>,
    /// End of the period to report on (Amazon's default: now).
    pub data_end_time: Option<DateTime>,
    /// The marketplaces to report on (1 to 25).
    pub marketplace_ids: Vec<String>,
}

/// The ID of a newly requested report (model `CreateReportResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateReportResponse {
    /// The new report's ID, for [`GetReport`] and [`CancelReport`].
    pub report_id: String,
}

/// Where to download a report's document (model `ReportDocument`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportDocument {
    /// The document's ID.
    pub report_document_id: String,
    /// A presigned download URL, valid for about five minutes.
    pub url: String,
    /// Set when the document's bytes are compressed.
    pub compression_algorithm: Option<CompressionAlgorithm>,
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/// Lists reports of the given types, optionally filtered (`getReports`).
///
/// The following pages are fetched with [`Paginated::next_page`], which sends `nextToken` as
/// the only parameter, as the model requires; [`GetReports::resume`] continues from a saved
/// token.
///
/// Checked before sending: 1 to 10 report types, at least one processing status and only
/// statuses the model lists, 1 to 10 marketplace IDs, a page size from 1 to 100.
///
/// - Role: Business Purchase Reconciliation.
/// - Usage plan: not stated in the model.
/// - Sandbox: mocked by Amazon's static sandbox (report types `FEE_DISCOUNTS_REPORT` and
///   `GET_AFN_INVENTORY_DATA` with statuses `IN_QUEUE`, `IN_PROGRESS`).
///
/// ```
/// use amazon_business_blocking::documents::{GetReports, ProcessingStatus};
/// use amazon_business_blocking::DateTime;
/// let op = GetReports::new(["FEE_DISCOUNTS_REPORT", "GET_AFN_INVENTORY_DATA"])
///     .processing_statuses([ProcessingStatus::InQueue, ProcessingStatus::InProgress])
///     .page_size(50)
///     .created_since(DateTime::parse("2024-01-01T00:00:00Z")?);
/// # let _ = op;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetReports {
    report_types: Vec<String>,
    processing_statuses: Option<Vec<ProcessingStatus>>,
    marketplace_ids: Option<Vec<String>>,
    page_size: Option<u32>,
    created_since: Option<DateTime>,
    created_until: Option<DateTime>,
    next_token: Option<String>,
}

impl GetReports {
    /// Reports of the given types (`reportTypes`, 1 to 10).
    pub fn new<I>(report_types: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        GetReports {
            report_types: report_types.into_iter().map(Into::into).collect(),
            processing_statuses: None,
            marketplace_ids: None,
            page_size: None,
            created_since: None,
            created_until: None,
            next_token: None,
        }
    }

    /// Continues a listing from a `nextToken` saved from an earlier page. Only the token is
    /// sent.
    pub fn resume(next_token: impl Into<String>) -> Self {
        GetReports { next_token: Some(next_token.into()), ..GetReports::new(Vec::<String>::new()) }
    }

    /// Only reports in these processing states (`processingStatuses`, at least one).
    pub fn processing_statuses(mut self, statuses: impl IntoIterator<Item = ProcessingStatus>) -> Self {
        self.processing_statuses = Some(statuses.into_iter().collect());
        self
    }

    /// Only reports for at least one of these marketplaces (`marketplaceIds`, 1 to 10).
    pub fn marketplace_ids<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.marketplace_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// At most this many reports per page (`pageSize`, 1 to 100; Amazon's default is 10).
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Only reports created at or after this instant (`createdSince`; Amazon's default is 90
    /// days ago).
    pub fn created_since(mut self, t: impl Into<DateTime>) -> Self {
        self.created_since = Some(t.into());
        self
    }

    /// Only reports created at or before this instant (`createdUntil`; Amazon's default is
    /// now).
    pub fn created_until(mut self, t: impl Into<DateTime>) -> Self {
        self.created_until = Some(t.into());
        self
    }

    /// The page token this operation continues from, if it is not the first page.
    pub fn next_token(&self) -> Option<&str> {
        self.next_token.as_deref()
    }

    fn check_filters(&self) -> Result<(), ValidationError> {
        let id = Self::ID;
        validate::items(id, "reportTypes", self.report_types.len(), 1, 10)?;
        if let Some(statuses) = &self.processing_statuses {
            if statuses.is_empty() {
                return Err(ValidationError::new(
                    id,
                    "processingStatuses",
                    "has 0 items, must have at least 1",
                ));
            }
            if let Some(bad) = statuses.iter().find(|s| !s.is_known()) {
                return Err(ValidationError::new(
                    id,
                    "processingStatuses",
                    format!("{:?} is not one of {}", bad.as_str(), ProcessingStatus::KNOWN_VALUES.join(", ")),
                ));
            }
        }
        if let Some(ids) = &self.marketplace_ids {
            validate::items(id, "marketplaceIds", ids.len(), 1, 10)?;
        }
        if let Some(size) = self.page_size {
            validate::range(id, "pageSize", size, 1, 100)?;
        }
        Ok(())
    }
}

impl Operation for GetReports {
    type Output = GetReportsResponse;
    const ID: &'static str = "getReports";
    const ROLE: Role = Role::BusinessPurchaseReconciliation;
    const USAGE_PLAN: Option<UsagePlan> = None;
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let b = RequestBuilder::new(Self::ID, Method::GET, cx, REPORTS_PATH);
        match &self.next_token {
            // The model: with nextToken, any other parameter makes the request fail.
            Some(token) => {
                b.check(validate::non_empty(Self::ID, "nextToken", token)).query("nextToken", token)
            }
            None => b
                .check(self.check_filters())
                .query_csv("reportTypes", &self.report_types)
                .query_csv("processingStatuses", self.processing_statuses.iter().flatten())
                .query_csv("marketplaceIds", self.marketplace_ids.iter().flatten())
                .query_opt("pageSize", self.page_size)
                .query_opt("createdSince", self.created_since)
                .query_opt("createdUntil", self.created_until),
        }
        .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<GetReportsResponse, Error> {
        parse_json(Self::ID, response.body())
    }
}

impl Paginated for GetReports {
    fn next_page(&self, output: &GetReportsResponse) -> Option<Self> {
        let token = output.next_token.as_deref().filter(|t| !t.is_empty())?;
        Some(GetReports { next_token: Some(token.to_owned()), ..self.clone() })
    }
}

/// Requests a new report (`createReport`); Amazon answers 202 with the report's ID and
/// processes it in the background.
///
/// Not retry-safe: sending it twice may create two reports.
///
/// Checked before sending: a non-empty report type and 1 to 25 marketplace IDs.
///
/// - Role: Business Purchase Reconciliation.
/// - Usage plan: not stated in the model.
/// - Sandbox: mocked by Amazon's static sandbox (`GET_MERCHANT_LISTINGS_ALL_DATA` for
///   `A1PA6795UKMFR9` and `ATVPDKIKX0DER`).
///
/// ```
/// use amazon_business_blocking::documents::CreateReport;
/// use amazon_business_blocking::{DateTime, Marketplace};
/// let op = CreateReport::new(
///     "GET_MERCHANT_LISTINGS_ALL_DATA",
///     [Marketplace::Germany.id(), Marketplace::UnitedStates.id()],
/// )
/// .data_start_time(DateTime::parse("2019-12-10T20:11:24Z")?)
/// .report_option("key", "value");
/// assert_eq!(op.specification().marketplace_ids.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateReport {
    specification: CreateReportSpecification,
}

impl CreateReport {
    /// A report of `report_type` over the given marketplaces (1 to 25 IDs).
    pub fn new<I>(report_type: impl Into<String>, marketplace_ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        CreateReport {
            specification: CreateReportSpecification {
                report_options: None,
                report_type: report_type.into(),
                data_start_time: None,
                data_end_time: None,
                marketplace_ids: marketplace_ids.into_iter().map(Into::into).collect(),
            },
        }
    }

    /// A report described by a complete specification.
    pub fn from_specification(specification: CreateReportSpecification) -> Self {
        CreateReport { specification }
    }

    /// Start of the period to report on (`dataStartTime`).
    pub fn data_start_time(mut self, t: impl Into<DateTime>) -> Self {
        self.specification.data_start_time = Some(t.into());
        self
    }

    /// End of the period to report on (`dataEndTime`).
    pub fn data_end_time(mut self, t: impl Into<DateTime>) -> Self {
        self.specification.data_end_time = Some(t.into());
        self
    }

    /// Adds one report option (`reportOptions`).
    pub fn report_option(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.specification.report_options.get_or_insert_with(BTreeMap::new).insert(name.into(), value.into());
        self
    }

    /// Replaces all report options (`reportOptions`).
    pub fn report_options(mut self, options: ReportOptions) -> Self {
        self.specification.report_options = Some(options);
        self
    }

    /// The body that will be sent.
    pub fn specification(&self) -> &CreateReportSpecification {
        &self.specification
    }
}

impl Operation for CreateReport {
    type Output = CreateReportResponse;
    const ID: &'static str = "createReport";
    const ROLE: Role = Role::BusinessPurchaseReconciliation;
    const USAGE_PLAN: Option<UsagePlan> = None;
    const RETRY_SAFE: bool = false;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let spec = &self.specification;
        RequestBuilder::new(Self::ID, Method::POST, cx, REPORTS_PATH)
            .check(validate::non_empty(Self::ID, "reportType", &spec.report_type))
            .check(validate::items(Self::ID, "marketplaceIds", spec.marketplace_ids.len(), 1, 25))
            .json(spec)
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<CreateReportResponse, Error> {
        parse_json(Self::ID, response.body())
    }
}

/// Fetches one report's details, including its document ID once it is done (`getReport`).
///
/// - Role: Business Purchase Reconciliation.
/// - Usage plan: not stated in the model.
/// - Sandbox: mocked by Amazon's static sandbox (report `ID323`; `badReportId1` answers 400).
///
/// ```
/// use amazon_business_blocking::documents::GetReport;
/// let op = GetReport::new("ID323");
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetReport {
    report_id: String,
}

impl GetReport {
    /// The report with ID `report_id`.
    pub fn new(report_id: impl Into<String>) -> Self {
        GetReport { report_id: report_id.into() }
    }
}

impl Operation for GetReport {
    type Output = Report;
    const ID: &'static str = "getReport";
    const ROLE: Role = Role::BusinessPurchaseReconciliation;
    const USAGE_PLAN: Option<UsagePlan> = None;
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        RequestBuilder::new(Self::ID, Method::GET, cx, REPORT_PATH)
            .check(validate::non_empty(Self::ID, "reportId", &self.report_id))
            .path_param("reportId", self.report_id.as_str())
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<Report, Error> {
        parse_json(Self::ID, response.body())
    }
}

/// Cancels a report that has not started processing (`cancelReport`); Amazon answers 200 with
/// no body.
///
/// Retry-safe: cancelling the same report twice leaves it cancelled either way.
///
/// - Role: Business Purchase Reconciliation.
/// - Usage plan: not stated in the model.
/// - Sandbox: mocked by Amazon's static sandbox (report `ID`).
///
/// ```
/// use amazon_business_blocking::documents::CancelReport;
/// let op = CancelReport::new("ID");
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelReport {
    report_id: String,
}

impl CancelReport {
    /// The report with ID `report_id`.
    pub fn new(report_id: impl Into<String>) -> Self {
        CancelReport { report_id: report_id.into() }
    }
}

impl Operation for CancelReport {
    type Output = ();
    const ID: &'static str = "cancelReport";
    const ROLE: Role = Role::BusinessPurchaseReconciliation;
    const USAGE_PLAN: Option<UsagePlan> = None;
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        RequestBuilder::new(Self::ID, Method::DELETE, cx, REPORT_PATH)
            .check(validate::non_empty(Self::ID, "reportId", &self.report_id))
            .path_param("reportId", self.report_id.as_str())
            .build()
    }

    fn parse(&self, _response: &http::Response<Vec<u8>>) -> Result<(), Error> {
        Ok(())
    }
}

/// Fetches the download link of a report's document (`getReportDocument`).
///
/// The link expires after about five minutes; fetch the document right away.
///
/// - Role: Business Purchase Reconciliation.
/// - Usage plan: not stated in the model.
/// - Sandbox: mocked by Amazon's static sandbox (document
///   `0356cf79-b8b0-4226-b4b9-0ee058ea5760`; `badDocumentId1` answers 400).
///
/// ```
/// use amazon_business_blocking::documents::GetReportDocument;
/// let op = GetReportDocument::new("0356cf79-b8b0-4226-b4b9-0ee058ea5760");
/// # let _ = op;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetReportDocument {
    report_document_id: String,
}

impl GetReportDocument {
    /// The document with ID `report_document_id` (from [`Report::report_document_id`]).
    pub fn new(report_document_id: impl Into<String>) -> Self {
        GetReportDocument { report_document_id: report_document_id.into() }
    }
}

impl Operation for GetReportDocument {
    type Output = ReportDocument;
    const ID: &'static str = "getReportDocument";
    const ROLE: Role = Role::BusinessPurchaseReconciliation;
    const USAGE_PLAN: Option<UsagePlan> = None;
    const RETRY_SAFE: bool = true;

    fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        RequestBuilder::new(Self::ID, Method::GET, cx, DOCUMENT_PATH)
            .check(validate::non_empty(Self::ID, "reportDocumentId", &self.report_document_id))
            .path_param("reportDocumentId", self.report_document_id.as_str())
            .build()
    }

    fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<ReportDocument, Error> {
        parse_json(Self::ID, response.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apis::test_support::{assert_round_trip, example, example_response, t, validation, SANDBOX};
    use crate::error::ErrorList;
    use crate::place::Marketplace;
    use url::Url;

    fn request<O: Operation>(op: &O) -> Result<http::Request<Vec<u8>>, Box<Error>> {
        let base = Url::parse(SANDBOX).unwrap();
        let cx = RequestContext { base_url: &base, marketplace: Marketplace::UnitedStates, user_email: None };
        op.request(&cx).map_err(Box::new)
    }

    /// The URI of a bodiless request with `method`.
    fn uri<O: Operation>(op: &O, method: Method) -> Result<String, Box<Error>> {
        request(op).map(|r| {
            assert_eq!(r.method(), method);
            assert!(r.body().is_empty());
            r.uri().to_string()
        })
    }

    fn response(status: u16, body: &str) -> http::Response<Vec<u8>> {
        http::Response::builder().status(status).body(body.as_bytes().to_vec()).unwrap()
    }

    /// Checks the recorded 400 example `id`: its error list decodes and is written back unchanged.
    fn check_error_example(id: &str, details: &str) {
        assert_eq!(example(id)["status"], 400);
        let example = example_response(id);
        let errors: ErrorList = parse_json("test", example.as_bytes()).unwrap();
        assert_eq!(errors.errors[0].code, "400");
        assert_eq!(errors.errors[0].message, "Invalid input");
        assert_eq!(errors.errors[0].details.as_deref(), Some(details));
        assert_round_trip(&errors, &example);
    }

    fn check_report_example(r: &Report) {
        assert_eq!(r.report_id, "ReportId1");
        assert_eq!(r.report_type, "FEE_DISCOUNTS_REPORT");
        assert_eq!(r.processing_status, ProcessingStatus::InProgress);
        assert_eq!(r.created_time, t("2019-12-10T13:47:20.677Z"));
        assert_eq!(r.created_time.as_offset_date_time().millisecond(), 677, "fractional seconds are kept");
        assert_eq!(r.data_end_time, Some(t("2019-12-12T13:47:20.677Z")));
        assert_eq!(r.marketplace_ids, None);
        assert_eq!(r.report_document_id, None);
    }

    #[test]
    fn get_reports_sandbox_200() {
        let op = GetReports::new(["FEE_DISCOUNTS_REPORT", "GET_AFN_INVENTORY_DATA"])
            .processing_statuses([ProcessingStatus::InQueue, ProcessingStatus::InProgress]);
        assert_eq!(
            uri(&op, Method::GET).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-09-30/reports?reportTypes=FEE_DISCOUNTS_REPORT,GET_AFN_INVENTORY_DATA&processingStatuses=IN_QUEUE,IN_PROGRESS"
        );
        let example = example_response("getReports-200-0");
        let out = op.parse(&response(200, &example)).unwrap();
        assert_eq!(
            out.next_token.as_deref(),
            Some("VGhpcyB0b2tlbiBpcyBvcGFxdWUgYW5kIGludGVudGlvbmFsbHkgb2JmdXNjYXRlZA==")
        );
        assert_eq!(out.reports.len(), 1);
        check_report_example(&out.reports[0]);
        assert_round_trip(&out, &example);
    }

    #[test]
    fn get_reports_sandbox_400_is_refused_client_side() {
        // The example filters on a processing status the model does not list.
        let op = GetReports::new(["FEE_DISCOUNTS_REPORT", "GET_AFN_INVENTORY_DATA"])
            .processing_statuses([ProcessingStatus::from_wire("BAD_VALUE"), ProcessingStatus::InProgress]);
        let err = validation(&request(&op).unwrap_err());
        assert_eq!(err.field, "processingStatuses");
        assert!(err.message.contains("\"BAD_VALUE\""), "{err}");
        assert!(err.message.contains("IN_QUEUE"), "{err}");
        check_error_example("getReports-400-0", "Invalid input in processing status");
    }

    #[test]
    fn get_reports_sends_every_filter_in_model_order() {
        let op = GetReports::new(["A"])
            .processing_statuses([ProcessingStatus::Done])
            .marketplace_ids([Marketplace::UnitedKingdom.id(), Marketplace::Japan.id()])
            .page_size(100)
            .created_since(t("2024-01-01T00:00:00+01:00"))
            .created_until(t("2024-02-01T00:00:00Z"));
        assert_eq!(
            uri(&op, Method::GET).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-09-30/reports?reportTypes=A&processingStatuses=DONE&marketplaceIds=A1F83G8C2ARO7P,A1VC38T7YXB528&pageSize=100&createdSince=2023-12-31T23%3A00%3A00Z&createdUntil=2024-02-01T00%3A00%3A00Z"
        );
    }

    #[test]
    fn get_reports_validation() {
        let field = |op: GetReports| validation(&request(&op).unwrap_err());

        let e = field(GetReports::new(Vec::<String>::new()));
        assert_eq!(e.field, "reportTypes");
        assert!(e.message.contains("between 1 and 10"), "{e}");
        let e = field(GetReports::new((0..11).map(|i| format!("T{i}"))));
        assert_eq!(e.field, "reportTypes");
        assert!(e.message.contains("has 11 items"), "{e}");
        assert!(request(&GetReports::new((0..10).map(|i| format!("T{i}")))).is_ok());

        let e = field(GetReports::new(["A"]).processing_statuses([]));
        assert_eq!(e.field, "processingStatuses");
        assert!(e.message.contains("at least 1"), "{e}");

        let e = field(GetReports::new(["A"]).marketplace_ids(Vec::<String>::new()));
        assert_eq!(e.field, "marketplaceIds");
        let e = field(GetReports::new(["A"]).marketplace_ids((0..11).map(|i| format!("M{i}"))));
        assert_eq!(e.field, "marketplaceIds");
        assert!(e.message.contains("between 1 and 10"), "{e}");

        let e = field(GetReports::new(["A"]).page_size(0));
        assert_eq!(e.field, "pageSize");
        assert!(e.message.contains("is 0, must be between 1 and 100"), "{e}");
        let e = field(GetReports::new(["A"]).page_size(101));
        assert!(e.message.contains("is 101, must be between 1 and 100"), "{e}");
        assert!(request(&GetReports::new(["A"]).page_size(1)).is_ok());

        let e = field(GetReports::resume(""));
        assert_eq!(e.field, "nextToken");
    }

    #[test]
    fn get_reports_next_page_sends_only_the_token() {
        let op = GetReports::new(["A"]).page_size(5);
        let mut out = GetReportsResponse { reports: vec![], next_token: Some("VGhp+cw==".into()) };
        let next = op.next_page(&out).expect("a token means another page");
        assert_eq!(next.next_token(), Some("VGhp+cw=="));
        assert_eq!(
            uri(&next, Method::GET).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-09-30/reports?nextToken=VGhp%2Bcw%3D%3D"
        );
        assert_eq!(
            uri(&GetReports::resume("VGhp+cw=="), Method::GET).unwrap(),
            uri(&next, Method::GET).unwrap()
        );
        out.next_token = None;
        assert!(op.next_page(&out).is_none());
        out.next_token = Some(String::new());
        assert!(op.next_page(&out).is_none());
    }

    #[test]
    fn create_report_sandbox_202() {
        let op = CreateReport::new("GET_MERCHANT_LISTINGS_ALL_DATA", ["A1PA6795UKMFR9", "ATVPDKIKX0DER"])
            .data_start_time(t("2019-12-10T20:11:24.000Z"));
        let req = request(&op).unwrap();
        assert_eq!(req.method(), Method::POST);
        assert_eq!(
            req.uri().to_string(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-09-30/reports"
        );
        assert_eq!(req.headers()["content-type"], "application/json");
        let mut body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
        let mut recorded = example("createReport-202-0")["body"].clone();
        // Date-times go out as RFC 3339 UTC; the example's `.000` is the same instant.
        let start = body["dataStartTime"].take();
        let recorded_start = recorded["dataStartTime"].take();
        assert_eq!(t(start.as_str().unwrap()), t(recorded_start.as_str().unwrap()));
        assert_eq!(body, recorded);

        let example = example_response("createReport-202-0");
        let out = op.parse(&response(202, &example)).unwrap();
        assert_eq!(out.report_id, "ID323");
        assert_round_trip(&out, &example);
    }

    #[test]
    fn create_report_sandbox_400_is_built() {
        // An unknown report type: the model does not constrain reportType, so it is sent and
        // Amazon refuses it.
        let op = CreateReport::new("BAD_FEE_DISCOUNTS_REPORT", ["A1PA6795UKMFR9", "ATVPDKIKX0DER"])
            .data_start_time(t("2019-12-10T20:11:24.000Z"));
        let req = request(&op).unwrap();
        assert_eq!(
            req.uri().to_string(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-09-30/reports"
        );
        let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
        assert_eq!(body["reportType"], "BAD_FEE_DISCOUNTS_REPORT");
        assert_eq!(body["dataStartTime"], "2019-12-10T20:11:24Z");
        check_error_example("createReport-400-0", "Invalid input");
    }

    #[test]
    fn create_report_options_and_validation() {
        let op = CreateReport::new("T", ["M"])
            .data_end_time(t("2024-01-02T00:00:00Z"))
            .report_option("b", "2")
            .report_option("a", "1");
        let body: serde_json::Value = serde_json::from_slice(request(&op).unwrap().body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "reportOptions": {"a": "1", "b": "2"},
                "reportType": "T",
                "dataEndTime": "2024-01-02T00:00:00Z",
                "marketplaceIds": ["M"]
            })
        );
        assert_eq!(CreateReport::from_specification(op.specification().clone()), op);

        let e = validation(&request(&CreateReport::new("T", Vec::<String>::new())).unwrap_err());
        assert_eq!(e.field, "marketplaceIds");
        assert!(e.message.contains("between 1 and 25"), "{e}");
        let e = validation(&request(&CreateReport::new("T", (0..26).map(|i| format!("M{i}")))).unwrap_err());
        assert_eq!(e.field, "marketplaceIds");
        assert!(e.message.contains("has 26 items"), "{e}");
        assert!(request(&CreateReport::new("T", (0..25).map(|i| format!("M{i}")))).is_ok());
        let e = validation(&request(&CreateReport::new("", ["M"])).unwrap_err());
        assert_eq!(e.field, "reportType");
    }

    #[test]
    fn get_report_sandbox_200() {
        let op = GetReport::new("ID323");
        assert_eq!(
            uri(&op, Method::GET).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-09-30/reports/ID323"
        );
        let example = example_response("getReport-200-0");
        let out = op.parse(&response(200, &example)).unwrap();
        check_report_example(&out);
        assert_round_trip(&out, &example);
    }

    #[test]
    fn get_report_sandbox_400_is_built() {
        // An unknown ID is only invalid server-side.
        assert_eq!(
            uri(&GetReport::new("badReportId1"), Method::GET).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-09-30/reports/badReportId1"
        );
        check_error_example("getReport-400-0", "Invalid input");
        let e = validation(&request(&GetReport::new("")).unwrap_err());
        assert_eq!(e.field, "reportId");
    }

    #[test]
    fn cancel_report_sandbox_200() {
        let op = CancelReport::new("ID");
        assert_eq!(
            uri(&op, Method::DELETE).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-09-30/reports/ID"
        );
        // The example records no response body.
        op.parse(&response(200, "")).unwrap();
    }

    #[test]
    fn cancel_report_sandbox_400_is_refused_client_side() {
        // The example sends no reportId at all; the typed API cannot build that request.
        let e = validation(&request(&CancelReport::new("")).unwrap_err());
        assert_eq!(e.field, "reportId");
        assert_eq!(e.operation, "cancelReport");
        check_error_example("cancelReport-400-0", "Invalid input");
    }

    #[test]
    fn get_report_document_sandbox_200() {
        let op = GetReportDocument::new("0356cf79-b8b0-4226-b4b9-0ee058ea5760");
        assert_eq!(
            uri(&op, Method::GET).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-09-30/documents/0356cf79-b8b0-4226-b4b9-0ee058ea5760"
        );
        let example = example_response("getReportDocument-200-0");
        let out = op.parse(&response(200, &example)).unwrap();
        assert_eq!(out.report_document_id, "0356cf79-b8b0-4226-b4b9-0ee058ea5760");
        assert_eq!(
            out.url,
            "https://d34o8swod1owfl.cloudfront.net/Report_47700__GET_MERCHANT_LISTINGS_ALL_DATA_.txt"
        );
        assert_eq!(out.compression_algorithm, None);
        assert_round_trip(&out, &example);

        let gz: ReportDocument = serde_json::from_str(
            r#"{"reportDocumentId":"d","url":"https://x","compressionAlgorithm":"GZIP"}"#,
        )
        .unwrap();
        assert_eq!(gz.compression_algorithm, Some(CompressionAlgorithm::Gzip));
    }

    #[test]
    fn get_report_document_sandbox_400_is_built() {
        assert_eq!(
            uri(&GetReportDocument::new("badDocumentId1"), Method::GET).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-09-30/documents/badDocumentId1"
        );
        check_error_example("getReportDocument-400-0", "Invalid input");
        let e = validation(&request(&GetReportDocument::new(" ")).unwrap_err());
        assert_eq!(e.field, "reportDocumentId");
    }

    #[test]
    fn path_ids_are_encoded() {
        assert_eq!(
            uri(&GetReport::new("a/b c"), Method::GET).unwrap(),
            "https://sandbox.na.business-api.amazon.com/reports/2021-09-30/reports/a%2Fb%20c"
        );
    }

    #[test]
    fn enums_keep_unknown_values_and_exact_spellings() {
        for (text, status) in [
            ("CANCELLED", ProcessingStatus::Cancelled),
            ("DONE", ProcessingStatus::Done),
            ("FATAL", ProcessingStatus::Fatal),
            ("IN_PROGRESS", ProcessingStatus::InProgress),
            ("IN_QUEUE", ProcessingStatus::InQueue),
        ] {
            let json = format!("\"{text}\"");
            assert_eq!(serde_json::from_str::<ProcessingStatus>(&json).unwrap(), status);
            assert_eq!(serde_json::to_string(&status).unwrap(), json);
            assert_eq!(text.parse::<ProcessingStatus>().unwrap(), status);
        }
        let odd: CompressionAlgorithm = serde_json::from_str("\"ZSTD\"").unwrap();
        assert_eq!(odd, CompressionAlgorithm::Unknown("ZSTD".into()));
        assert_eq!(serde_json::to_string(&odd).unwrap(), "\"ZSTD\"");
        assert!(serde_json::from_str::<ProcessingStatus>("1").is_err());
    }

    #[test]
    fn operation_constants() {
        assert_eq!(GetReports::ROLE, Role::BusinessPurchaseReconciliation);
        assert_eq!(CreateReport::ROLE, Role::BusinessPurchaseReconciliation);
        assert_eq!(GetReport::ROLE, Role::BusinessPurchaseReconciliation);
        assert_eq!(CancelReport::ROLE, Role::BusinessPurchaseReconciliation);
        assert_eq!(GetReportDocument::ROLE, Role::BusinessPurchaseReconciliation);
        assert_eq!(GetReports::USAGE_PLAN, None);
        assert_eq!(CreateReport::USAGE_PLAN, None);
        assert_eq!(GetReport::USAGE_PLAN, None);
        assert_eq!(CancelReport::USAGE_PLAN, None);
        assert_eq!(GetReportDocument::USAGE_PLAN, None);
        const { assert!(GetReports::RETRY_SAFE) };
        const { assert!(!CreateReport::RETRY_SAFE) };
        const { assert!(GetReport::RETRY_SAFE) };
        const { assert!(CancelReport::RETRY_SAFE) };
        const { assert!(GetReportDocument::RETRY_SAFE) };
    }
}
