//! The table of API surfaces and their operations, listed once. Everything that enumerates
//! operations is derived from it: each transport's per-surface accessors
//! (`client.documents().get_report(id)`), [`OPERATION_IDS`](crate::apis::OPERATION_IDS), the
//! fuzz dispatch and the conformance replay table. Adding an operation is its module plus one
//! row here.

/// Calls `$callback! { ... }` with the whole operation table: per surface, its accessor
/// method, accessor type and doc, then per operation
/// `method(args) -> OperationType as Variant, sample(args for a throwaway instance);`.
///
/// The rows are in the order of [`OPERATION_IDS`](crate::apis::OPERATION_IDS) (by module,
/// then as the modules define them); the fuzz targets' byte-to-operation choice follows it.
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_operation {
    ($($callback:tt)+) => {
        $($callback)+! {
            applications => Applications ("Application Management API, version 2023-11-30: client-secret rotation.") {
                rotate_application_client_secret()
                    -> $crate::apis::applications::RotateApplicationClientSecret as RotateApplicationClientSecret,
                    sample();
            }
            cart => Cart ("Cart API, version 2025-04-30: carts and their items.") {
                list_carts() -> $crate::apis::cart::ListCarts as ListCarts, sample();
                get_cart(cart_id: impl Into<String>) -> $crate::apis::cart::GetCart as GetCart, sample("c");
                get_items(cart_id: impl Into<String>) -> $crate::apis::cart::GetItems as GetItems, sample("c");
                add_items(cart_id: impl Into<String>, items: impl IntoIterator<Item = $crate::apis::cart::AddItemRequest>)
                    -> $crate::apis::cart::AddItems as AddItems, sample("c", []);
                modify_items(cart_id: impl Into<String>, items: impl IntoIterator<Item = $crate::apis::cart::ModifyItemRequest>)
                    -> $crate::apis::cart::ModifyItems as ModifyItems, sample("c", []);
                delete_items(cart_id: impl Into<String>) -> $crate::apis::cart::DeleteItems as DeleteItems, sample("c");
                get_estimated_total_purchase_cost(cart_id: impl Into<String>, address: impl Into<$crate::apis::cart::Address>)
                    -> $crate::apis::cart::GetEstimatedTotalPurchaseCost as GetEstimatedTotalPurchaseCost,
                    sample("c", $crate::apis::cart::PhysicalAddress::new("n", "l", "c", "p", "US"));
            }
            documents => Documents ("Document API, version 2021-09-30 (invoice reports).") {
                get_reports(report_types: impl IntoIterator<Item = impl Into<String>>)
                    -> $crate::apis::documents::GetReports as GetReports, sample(["x"]);
                create_report(report_type: impl Into<String>, marketplace_ids: impl IntoIterator<Item = impl Into<String>>)
                    -> $crate::apis::documents::CreateReport as CreateReport, sample("x", ["x"]);
                get_report(report_id: impl Into<String>) -> $crate::apis::documents::GetReport as GetReport, sample("x");
                cancel_report(report_id: impl Into<String>)
                    -> $crate::apis::documents::CancelReport as CancelReport, sample("x");
                get_report_document(report_document_id: impl Into<String>)
                    -> $crate::apis::documents::GetReportDocument as GetReportDocument, sample("x");
            }
            ordering => Ordering ("Ordering API, version 2022-10-30: placing orders and reading their outcome.") {
                place_order(external_id: impl Into<String>, line_items: impl IntoIterator<Item = $crate::apis::ordering::RequestLineItem>)
                    -> $crate::apis::ordering::PlaceOrder as PlaceOrder, sample("x", []);
                order_details(external_id: impl Into<String>)
                    -> $crate::apis::ordering::OrderDetails as OrderDetails, sample("x");
            }
            package_tracking => PackageTracking ("Package Tracking API, version 2025-07-02.") {
                get_package_tracking_details(order_id: impl Into<String>, shipment_id: impl Into<String>, package_id: impl Into<String>)
                    -> $crate::apis::package_tracking::GetPackageTrackingDetails as GetPackageTrackingDetails,
                    sample("o", "s", "p");
            }
            product_search => ProductSearch ("Product Search API, version 2020-08-26: products and offers.") {
                search_products() -> $crate::apis::product_search::SearchProducts as SearchProducts, sample();
                get_product(product_id: impl Into<String>)
                    -> $crate::apis::product_search::GetProduct as GetProduct, sample("x");
                search_offers(product_id: impl Into<String>)
                    -> $crate::apis::product_search::SearchOffers as SearchOffers, sample("x");
                get_products_by_asins(product_ids: impl IntoIterator<Item = impl Into<String>>)
                    -> $crate::apis::product_search::GetProductsByAsins as GetProductsByAsins, sample(["x"]);
                get_offers_by_offer_ids(offer_ids: impl IntoIterator<Item = impl Into<String>>)
                    -> $crate::apis::product_search::GetOffersByOfferIds as GetOffersByOfferIds, sample(["x"]);
            }
            reconciliation => Reconciliation ("Reconciliation API, version 2021-01-08: transactions and invoice payment details.") {
                get_transactions(feed_start_date: impl Into<$crate::DateTime>, feed_end_date: impl Into<$crate::DateTime>)
                    -> $crate::apis::reconciliation::GetTransactions as GetTransactions,
                    sample($crate::surfaces::epoch(0), $crate::surfaces::epoch(1));
                get_batch_invoice_payment_details(invoice_ids: impl IntoIterator<Item = impl Into<String>>)
                    -> $crate::apis::reconciliation::GetBatchInvoicePaymentDetails as GetBatchInvoicePaymentDetails,
                    sample(["x"]);
                get_invoice_details_by_order_line_items(
                    order_line_items: impl IntoIterator<Item = $crate::apis::reconciliation::OrderLineItem>
                ) -> $crate::apis::reconciliation::GetInvoiceDetailsByOrderLineItems as GetInvoiceDetailsByOrderLineItems,
                    sample([]);
            }
            reporting => Reporting ("Reporting API, version 2025-06-09 (the current one): order, line-item and shipment reports.") {
                get_order_reports(order_start_date: impl Into<$crate::DateTime>, order_end_date: impl Into<$crate::DateTime>)
                    -> $crate::apis::reporting::GetOrderReports as GetOrderReports,
                    sample($crate::surfaces::epoch(0), $crate::surfaces::epoch(1));
                get_order_line_item_reports(order_start_date: impl Into<$crate::DateTime>, order_end_date: impl Into<$crate::DateTime>)
                    -> $crate::apis::reporting::GetOrderLineItemReports as GetOrderLineItemReports,
                    sample($crate::surfaces::epoch(0), $crate::surfaces::epoch(1));
                get_order_reports_by_purchase_order_number(purchase_order_number: impl Into<String>)
                    -> $crate::apis::reporting::GetOrderReportsByPurchaseOrderNumber as GetOrderReportsByPurchaseOrderNumber,
                    sample("x");
                get_shipment_reports(order_start_date: impl Into<$crate::DateTime>, order_end_date: impl Into<$crate::DateTime>)
                    -> $crate::apis::reporting::GetShipmentReports as GetShipmentReports,
                    sample($crate::surfaces::epoch(0), $crate::surfaces::epoch(1));
                get_shipment_line_item_reports(order_start_date: impl Into<$crate::DateTime>, order_end_date: impl Into<$crate::DateTime>)
                    -> $crate::apis::reporting::GetShipmentLineItemReports as GetShipmentLineItemReports,
                    sample($crate::surfaces::epoch(0), $crate::surfaces::epoch(1));
            }
            reporting_legacy => ReportingLegacy ("Reporting API, version 2021-01-08 (orders by date or id).") {
                get_orders_by_order_date(start_date: impl Into<$crate::DateTime>, end_date: impl Into<$crate::DateTime>)
                    -> $crate::apis::reporting_legacy::GetOrdersByOrderDate as GetOrdersByOrderDate,
                    sample($crate::surfaces::epoch(0), $crate::surfaces::epoch(1));
                get_orders_by_order_id(order_id: impl Into<String>)
                    -> $crate::apis::reporting_legacy::GetOrdersByOrderId as GetOrdersByOrderId, sample("x");
            }
            users => Users ("User Management API, version 2021-08-30.") {
                create_business_user_account(
                    account_holder: $crate::apis::users::AccountHolder,
                    group_id: $crate::apis::users::BusinessGroupIdentifier,
                    role: $crate::apis::users::BusinessRole
                ) -> $crate::apis::users::CreateBusinessUserAccount as CreateBusinessUserAccount,
                    sample(
                        $crate::apis::users::AccountHolder::new("a@example.com", "g", "f"),
                        $crate::apis::users::BusinessGroupIdentifier::group_id("g"),
                        $crate::apis::users::BusinessRole::Requisitioner
                    );
            }
        }
    };
}

/// Generates, in a transport crate, one accessor struct per surface and the `Client` methods
/// that return them, from [`for_each_operation!`]. It expects `Client` and `Request<'c, O>`
/// (with `Request::new(&Client, O)`) in scope where it is invoked.
#[doc(hidden)]
#[macro_export]
macro_rules! accessors {
    () => {
        $crate::for_each_operation!($crate::__accessors_impl);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __accessors_impl {
    ($($accessor:ident => $ty:ident ($doc:literal) {
        $($method:ident($($arg:ident: $argty:ty),* $(,)?) -> $op:ty as $variant:ident, sample($($sample:expr),* $(,)?);)*
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

/// The instant `secs` seconds after the Unix epoch, for the table's sample arguments.
#[doc(hidden)]
pub fn epoch(secs: i64) -> crate::DateTime {
    crate::DateTime::from_unix_seconds(secs).expect("small offsets from the epoch are in range")
}
