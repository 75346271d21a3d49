//! The table of API surfaces and their operations, from which each transport generates its
//! per-surface accessors (`client.documents().get_report(id)`), so that the list lives here,
//! once.

/// Calls `$callback!` with the table of surfaces. Each entry reads
/// `accessor => Type ("doc") { method(args) -> OperationType; … }`; the transport's macro turns
/// it into an accessor struct whose methods build the operation and bind it to the client.
#[doc(hidden)]
#[macro_export]
macro_rules! surfaces {
    ($callback:ident) => {
        $callback! {
            reporting_legacy => ReportingLegacy ("Reporting API, version 2021-01-08 (orders by date or id).") {
                get_orders_by_order_date(start_date: impl Into<$crate::DateTime>, end_date: impl Into<$crate::DateTime>)
                    -> $crate::apis::reporting_legacy::GetOrdersByOrderDate;
                get_orders_by_order_id(order_id: impl Into<String>)
                    -> $crate::apis::reporting_legacy::GetOrdersByOrderId;
            }
            documents => Documents ("Document API, version 2021-09-30 (invoice reports).") {
                get_reports(report_types: impl IntoIterator<Item = impl Into<String>>)
                    -> $crate::apis::documents::GetReports;
                create_report(report_type: impl Into<String>, marketplace_ids: impl IntoIterator<Item = impl Into<String>>)
                    -> $crate::apis::documents::CreateReport;
                get_report(report_id: impl Into<String>) -> $crate::apis::documents::GetReport;
                cancel_report(report_id: impl Into<String>) -> $crate::apis::documents::CancelReport;
                get_report_document(report_document_id: impl Into<String>)
                    -> $crate::apis::documents::GetReportDocument;
            }
        }
    };
}
