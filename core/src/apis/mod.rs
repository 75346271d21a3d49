//! The API surfaces, one module each.

/// Defines a string enum of a model with an `Unknown(String)` fallback, so values Amazon adds
/// later still decode (and re-encode unchanged).
#[macro_use]
mod macros {

    /// Defines a string enum that keeps unknown values, with exact-spelling serde.
    macro_rules! string_enum {
        (
            $(#[$meta:meta])*
            pub enum $name:ident {
                $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )*
            }
        ) => {
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            pub enum $name {
                $( $(#[$vmeta])* $variant, )*
                /// A value the model does not list, kept exactly as Amazon sent it.
                Unknown(String),
            }

            impl $name {
                /// The spellings the model lists, in model order.
                pub const KNOWN_VALUES: &'static [&'static str] = &[$($text),*];

                /// The exact wire spelling.
                pub fn as_str(&self) -> &str {
                    match self {
                        $( $name::$variant => $text, )*
                        $name::Unknown(s) => s,
                    }
                }

                /// Reads a wire spelling; anything unlisted becomes `Unknown`.
                pub fn from_wire(s: &str) -> Self {
                    match s {
                        $( $text => $name::$variant, )*
                        other => $name::Unknown(other.to_owned()),
                    }
                }

                /// True unless this is an `Unknown` value.
                pub fn is_known(&self) -> bool {
                    !matches!(self, $name::Unknown(_))
                }
            }

            impl std::str::FromStr for $name {
                type Err = std::convert::Infallible;
                fn from_str(s: &str) -> Result<Self, Self::Err> {
                    Ok($name::from_wire(s))
                }
            }

            impl std::fmt::Display for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl Serialize for $name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                    Ok($name::from_wire(&s))
                }
            }

            impl crate::wire::WireValue for $name {
                fn to_wire(&self) -> String {
                    self.as_str().to_owned()
                }
            }
        };
    }
}

pub mod applications;
pub mod cart;
pub mod common;
pub mod documents;
pub mod ordering;
pub mod package_tracking;
pub mod product_search;
pub mod reconciliation;
pub mod reporting;
pub mod reporting_legacy;
pub mod users;

macro_rules! operation_ids {
    ($($ty:ty),* $(,)?) => {
        /// The `operationId` of every operation the SDK implements. Listing a type here checks
        /// at compile time that it implements [`Operation`](crate::Operation); the coverage
        /// test checks the list against Amazon's models.
        pub const OPERATION_IDS: &[&str] = &[$(<$ty as crate::Operation>::ID),*];
    };
}

operation_ids![
    applications::RotateApplicationClientSecret,
    cart::ListCarts,
    cart::GetCart,
    cart::GetItems,
    cart::AddItems,
    cart::ModifyItems,
    cart::DeleteItems,
    cart::GetEstimatedTotalPurchaseCost,
    documents::GetReports,
    documents::CreateReport,
    documents::GetReport,
    documents::CancelReport,
    documents::GetReportDocument,
    ordering::PlaceOrder,
    ordering::OrderDetails,
    package_tracking::GetPackageTrackingDetails,
    product_search::SearchProducts,
    product_search::GetProduct,
    product_search::SearchOffers,
    product_search::GetProductsByAsins,
    product_search::GetOffersByOfferIds,
    reconciliation::GetTransactions,
    reconciliation::GetBatchInvoicePaymentDetails,
    reconciliation::GetInvoiceDetailsByOrderLineItems,
    reporting::GetOrderReports,
    reporting::GetOrderLineItemReports,
    reporting::GetOrderReportsByPurchaseOrderNumber,
    reporting::GetShipmentReports,
    reporting::GetShipmentLineItemReports,
    reporting_legacy::GetOrdersByOrderDate,
    reporting_legacy::GetOrdersByOrderId,
    users::CreateBusinessUserAccount,
];
