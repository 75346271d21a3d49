//! The table of API surfaces and their operations, from which each transport generates its
//! per-surface accessors (`client.documents().get_report(id)`), so that the list lives here,
//! once.

/// Generates, in a transport crate, one accessor struct per surface and the `Client` methods
/// that return them. It expects `Client` and `Request<'c, O>` (with `Request::new(&Client, O)`)
/// in scope where it is invoked.
#[doc(hidden)]
#[macro_export]
macro_rules! accessors {
    () => {
        $crate::__accessors_impl! {
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

#[doc(hidden)]
#[macro_export]
macro_rules! __accessors_impl {
    ($($accessor:ident => $ty:ident ($doc:literal) {
        $($method:ident($($arg:ident: $argty:ty),* $(,)?) -> $op:ty;)*
    })*) => {
        $(
            #[doc = $doc]
            #[derive(Debug, Clone, Copy)]
            pub struct $ty<'c> {
                client: &'c Client,
            }

            impl<'c> $ty<'c> {
                $(
                    #[doc = concat!(
                        "Prepares `", stringify!($method),
                        "` with its required arguments; set optional ones with `Request::map`, then send."
                    )]
                    pub fn $method(&self, $($arg: $argty),*) -> Request<'c, $op> {
                        Request::new(self.client, <$op>::new($($arg),*))
                    }
                )*
            }
        )*

        impl Client {
            $(
                #[doc = $doc]
                pub fn $accessor(&self) -> $ty<'_> {
                    $ty { client: self }
                }
            )*
        }
    };
}
