//! Builds each recorded sandbox example's request through the SDK's public typed API, as a user
//! would, and sends or parses it through any transport. The conformance tests, the HTTP replay
//! and the tour (`amazon-business-tour`) share this one table.

use std::collections::BTreeMap;

use amazon_business_core::apis::{documents, reporting_legacy};
use amazon_business_core::error::{DecodeError, Error, ValidationError};
use amazon_business_core::{DateTime, Operation, RequestContext};
use serde_json::Value;

use crate::fixtures::Example;

/// An example parameter that the typed API cannot take (not a date, not a list…).
fn bad(op: &'static str, field: &str, message: impl Into<String>) -> Error {
    ValidationError::new(op, field, message).into()
}

/// Reads an example's parameters.
struct Params<'a> {
    op: &'static str,
    ex: &'a Example,
}

impl<'a> Params<'a> {
    fn find(&self, name: &str) -> Option<&'a Value> {
        self.ex.path.get(name).or_else(|| self.ex.query.get(name)).or_else(|| self.ex.headers.get(name))
    }

    /// A required string; absent reads as empty so that the typed API's own validation speaks.
    fn string(&self, name: &str) -> String {
        self.opt_string(name).unwrap_or_default()
    }

    fn opt_string(&self, name: &str) -> Option<String> {
        self.find(name).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    fn date(&self, name: &str) -> Result<DateTime, Error> {
        let s = self.string(name);
        DateTime::parse(&s).map_err(|e| bad(self.op, name, e.to_string()))
    }

    fn opt_date(&self, name: &str) -> Result<Option<DateTime>, Error> {
        self.opt_string(name)
            .map(|s| DateTime::parse(&s).map_err(|e| bad(self.op, name, e.to_string())))
            .transpose()
    }

    fn list(&self, name: &str) -> Vec<String> {
        match self.find(name) {
            Some(Value::Array(items)) => {
                items.iter().map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string())).collect()
            }
            Some(Value::String(s)) => s.split(',').map(str::to_owned).collect(),
            Some(other) => vec![other.to_string()],
            None => Vec::new(),
        }
    }

    fn opt_bool(&self, name: &str) -> Result<Option<bool>, Error> {
        match self.find(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
            Some(v) => Err(bad(self.op, "value", format!("{v} is not a boolean"))),
        }
    }

    fn opt_u32(&self, name: &str) -> Result<Option<u32>, Error> {
        self.opt_string(name)
            .map(|s| s.parse::<u32>().map_err(|_| bad(self.op, name, format!("{s:?} is not a whole number"))))
            .transpose()
    }

    fn body(&self) -> &'a Value {
        static NULL: Value = Value::Null;
        self.ex.body.as_ref().unwrap_or(&NULL)
    }
}

fn to_value<T: serde::Serialize>(op: &'static str, output: T) -> Result<Value, Error> {
    serde_json::to_value(output).map_err(|e| {
        Error::Decode(DecodeError {
            operation: op,
            path: ".".into(),
            message: e.to_string(),
            body: String::new(),
        })
    })
}

macro_rules! typed_ops {
    ($($variant:ident($ty:ty) = $build:path;)*) => {
        /// One operation of any kind, built from an example.
        #[derive(Debug)]
        #[allow(clippy::large_enum_variant)]
        pub enum TypedOp {
            $(
                #[doc = concat!("`", stringify!($variant), "`")]
                $variant($ty),
            )*
        }

        /// The operation ids this table can build.
        pub const SUPPORTED: &[&str] = &[$(<$ty as Operation>::ID),*];

        impl TypedOp {
            /// The operation's `operationId`.
            pub fn id(&self) -> &'static str {
                match self { $(TypedOp::$variant(_) => <$ty as Operation>::ID,)* }
            }

            /// Whether the operation may be sent twice.
            pub fn retry_safe(&self) -> bool {
                match self { $(TypedOp::$variant(_) => <$ty as Operation>::RETRY_SAFE,)* }
            }

            /// The HTTP request the typed API builds (or its validation error).
            pub fn request(&self, cx: &RequestContext<'_>) -> Result<http::Request<Vec<u8>>, Error> {
                match self { $(TypedOp::$variant(op) => op.request(cx),)* }
            }

            /// Parses a 2xx response into the typed output, then renders it as JSON.
            pub fn parse(&self, response: &http::Response<Vec<u8>>) -> Result<Value, Error> {
                match self { $(TypedOp::$variant(op) => to_value(self.id(), op.parse(response)?),)* }
            }

            /// Sends it through the blocking client; the output rendered as JSON.
            pub fn send_blocking(&self, client: &amazon_business_blocking::Client) -> Result<Value, Error> {
                match self { $(TypedOp::$variant(op) => to_value(self.id(), client.send(op)?),)* }
            }

            /// Sends it through the async client; the output rendered as JSON.
            pub async fn send_async(&self, client: &amazon_business_async::Client) -> Result<Value, Error> {
                match self { $(TypedOp::$variant(op) => to_value(self.id(), client.send(op).await?),)* }
            }
        }

        /// Builds `example`'s request through the typed API. `Ok(None)` when the table has no
        /// builder for the operation yet.
        pub fn build(example: &Example) -> Result<Option<TypedOp>, Error> {
            match example.operation.as_str() {
                $(id if id == <$ty as Operation>::ID => {
                    let p = Params { op: <$ty as Operation>::ID, ex: example };
                    $build(&p).map(|op| Some(TypedOp::$variant(op)))
                })*
                _ => Ok(None),
            }
        }
    };
}

typed_ops! {
    GetOrdersByOrderDate(reporting_legacy::GetOrdersByOrderDate) = get_orders_by_order_date;
    GetOrdersByOrderId(reporting_legacy::GetOrdersByOrderId) = get_orders_by_order_id;
    GetReports(documents::GetReports) = get_reports;
    CreateReport(documents::CreateReport) = create_report;
    GetReport(documents::GetReport) = get_report;
    CancelReport(documents::CancelReport) = cancel_report;
    GetReportDocument(documents::GetReportDocument) = get_report_document;
}

fn get_orders_by_order_date(p: &Params<'_>) -> Result<reporting_legacy::GetOrdersByOrderDate, Error> {
    if let Some(token) = p.opt_string("nextPageToken") {
        return Ok(reporting_legacy::GetOrdersByOrderDate::resume(token));
    }
    let mut op = reporting_legacy::GetOrdersByOrderDate::new(p.date("startDate")?, p.date("endDate")?);
    if let Some(b) = p.opt_bool("includeLineItems")? {
        op = op.include_line_items(b);
    }
    if let Some(b) = p.opt_bool("includeShipments")? {
        op = op.include_shipments(b);
    }
    if let Some(b) = p.opt_bool("includeCharges")? {
        op = op.include_charges(b);
    }
    Ok(op)
}

fn get_orders_by_order_id(p: &Params<'_>) -> Result<reporting_legacy::GetOrdersByOrderId, Error> {
    let mut op = reporting_legacy::GetOrdersByOrderId::new(p.string("orderId"));
    if let Some(b) = p.opt_bool("includeLineItems")? {
        op = op.include_line_items(b);
    }
    if let Some(b) = p.opt_bool("includeShipments")? {
        op = op.include_shipments(b);
    }
    if let Some(b) = p.opt_bool("includeCharges")? {
        op = op.include_charges(b);
    }
    Ok(op)
}

fn get_reports(p: &Params<'_>) -> Result<documents::GetReports, Error> {
    if let Some(token) = p.opt_string("nextToken") {
        return Ok(documents::GetReports::resume(token));
    }
    let mut op = documents::GetReports::new(p.list("reportTypes"));
    if p.find("processingStatuses").is_some() {
        op = op.processing_statuses(
            p.list("processingStatuses").iter().map(|s| documents::ProcessingStatus::from_wire(s)),
        );
    }
    if p.find("marketplaceIds").is_some() {
        op = op.marketplace_ids(p.list("marketplaceIds"));
    }
    if let Some(n) = p.opt_u32("pageSize")? {
        op = op.page_size(n);
    }
    if let Some(t) = p.opt_date("createdSince")? {
        op = op.created_since(t);
    }
    if let Some(t) = p.opt_date("createdUntil")? {
        op = op.created_until(t);
    }
    Ok(op)
}

fn create_report(p: &Params<'_>) -> Result<documents::CreateReport, Error> {
    let body = p.body();
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    let ids: Vec<String> = body
        .get("marketplaceIds")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let mut op = documents::CreateReport::new(text("reportType").unwrap_or_default(), ids);
    let date = |k: &str| -> Result<Option<DateTime>, Error> {
        text(k).map(|s| DateTime::parse(&s).map_err(|e| bad(p.op, k, e.to_string()))).transpose()
    };
    if let Some(t) = date("dataStartTime")? {
        op = op.data_start_time(t);
    }
    if let Some(t) = date("dataEndTime")? {
        op = op.data_end_time(t);
    }
    if let Some(options) = body.get("reportOptions").and_then(Value::as_object) {
        let options: BTreeMap<String, String> = options
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().map(str::to_owned).unwrap_or_default()))
            .collect();
        op = op.report_options(options);
    }
    Ok(op)
}

fn get_report(p: &Params<'_>) -> Result<documents::GetReport, Error> {
    Ok(documents::GetReport::new(p.string("reportId")))
}

fn cancel_report(p: &Params<'_>) -> Result<documents::CancelReport, Error> {
    Ok(documents::CancelReport::new(p.string("reportId")))
}

fn get_report_document(p: &Params<'_>) -> Result<documents::GetReportDocument, Error> {
    Ok(documents::GetReportDocument::new(p.string("reportDocumentId")))
}
