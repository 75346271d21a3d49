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
            reporting => Reporting ("Reporting API, version 2025-06-09 (the current one): order, line-item and shipment reports.") {
                get_order_reports(order_start_date: impl Into<$crate::DateTime>, order_end_date: impl Into<$crate::DateTime>)
                    -> $crate::apis::reporting::GetOrderReports;
                get_order_line_item_reports(order_start_date: impl Into<$crate::DateTime>, order_end_date: impl Into<$crate::DateTime>)
                    -> $crate::apis::reporting::GetOrderLineItemReports;
                get_order_reports_by_purchase_order_number(purchase_order_number: impl Into<String>)
                    -> $crate::apis::reporting::GetOrderReportsByPurchaseOrderNumber;
                get_shipment_reports(order_start_date: impl Into<$crate::DateTime>, order_end_date: impl Into<$crate::DateTime>)
                    -> $crate::apis::reporting::GetShipmentReports;
                get_shipment_line_item_reports(order_start_date: impl Into<$crate::DateTime>, order_end_date: impl Into<$crate::DateTime>)
                    -> $crate::apis::reporting::GetShipmentLineItemReports;
            }
            ordering => Ordering ("Ordering API, version 2022-10-30: placing orders and reading their outcome.") {
                place_order(external_id: impl Into<String>, line_items: impl IntoIterator<Item = $crate::apis::ordering::RequestLineItem>)
                    -> $crate::apis::ordering::PlaceOrder;
                order_details(external_id: impl Into<String>) -> $crate::apis::ordering::OrderDetails;
            }
            reconciliation => Reconciliation ("Reconciliation API, version 2021-01-08: transactions and invoice payment details.") {
                get_transactions(feed_start_date: impl Into<$crate::DateTime>, feed_end_date: impl Into<$crate::DateTime>)
                    -> $crate::apis::reconciliation::GetTransactions;
                get_batch_invoice_payment_details(invoice_ids: impl IntoIterator<Item = impl Into<String>>)
                    -> $crate::apis::reconciliation::GetBatchInvoicePaymentDetails;
                get_invoice_details_by_order_line_items(
                    order_line_items: impl IntoIterator<Item = $crate::apis::reconciliation::OrderLineItem>
                ) -> $crate::apis::reconciliation::GetInvoiceDetailsByOrderLineItems;
            }
            package_tracking => PackageTracking ("Package Tracking API, version 2025-07-02.") {
                get_package_tracking_details(order_id: impl Into<String>, shipment_id: impl Into<String>, package_id: impl Into<String>)
                    -> $crate::apis::package_tracking::GetPackageTrackingDetails;
            }
            users => Users ("User Management API, version 2021-08-30.") {
                create_business_user_account(
                    account_holder: $crate::apis::users::AccountHolder,
                    group_id: $crate::apis::users::BusinessGroupIdentifier,
                    role: $crate::apis::users::BusinessRole
                ) -> $crate::apis::users::CreateBusinessUserAccount;
            }
            applications => Applications ("Application Management API, version 2023-11-30: client-secret rotation.") {
                rotate_application_client_secret() -> $crate::apis::applications::RotateApplicationClientSecret;
            }
            cart => Cart ("Cart API, version 2025-04-30: carts and their items.") {
                list_carts() -> $crate::apis::cart::ListCarts;
                get_cart(cart_id: impl Into<String>) -> $crate::apis::cart::GetCart;
                get_items(cart_id: impl Into<String>) -> $crate::apis::cart::GetItems;
                add_items(cart_id: impl Into<String>, items: impl IntoIterator<Item = $crate::apis::cart::AddItemRequest>)
                    -> $crate::apis::cart::AddItems;
                modify_items(cart_id: impl Into<String>, items: impl IntoIterator<Item = $crate::apis::cart::ModifyItemRequest>)
                    -> $crate::apis::cart::ModifyItems;
                delete_items(cart_id: impl Into<String>) -> $crate::apis::cart::DeleteItems;
                get_estimated_total_purchase_cost(cart_id: impl Into<String>, address: impl Into<$crate::apis::cart::Address>)
                    -> $crate::apis::cart::GetEstimatedTotalPurchaseCost;
            }
            product_search => ProductSearch ("Product Search API, version 2020-08-26: products and offers.") {
                search_products() -> $crate::apis::product_search::SearchProducts;
                get_product(product_id: impl Into<String>) -> $crate::apis::product_search::GetProduct;
                search_offers(product_id: impl Into<String>) -> $crate::apis::product_search::SearchOffers;
                get_products_by_asins(product_ids: impl IntoIterator<Item = impl Into<String>>)
                    -> $crate::apis::product_search::GetProductsByAsins;
                get_offers_by_offer_ids(offer_ids: impl IntoIterator<Item = impl Into<String>>)
                    -> $crate::apis::product_search::GetOffersByOfferIds;
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
