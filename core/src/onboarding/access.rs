//! The access check: which Amazon Business roles a customer's token can use. Every role is
//! granted separately and a call without it answers 403, so one harmless read per role tells.
//! The transports run the probes (`Client::check_access`); this module names them and reads
//! their outcomes.

use std::fmt;

use crate::apis::cart::ListCarts;
use crate::apis::product_search::{SearchFacetType, SearchProducts};
use crate::apis::reconciliation::GetTransactions;
use crate::apis::reporting::{GetOrderReports, OrderStatus};
use crate::error::{Error, ErrorKind};
use crate::operation::Role;
use crate::place::Country;
use crate::types::DateTime;

/// The harmless read that probes one role.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ProbeCall {
    /// `searchProductsRequest` (Business Product Catalog).
    SearchProducts(Box<SearchProducts>),
    /// `getOrderReports` (Amazon Business Analytics).
    GetOrderReports(GetOrderReports),
    /// `getTransactions` (Business Purchase Reconciliation).
    GetTransactions(GetTransactions),
    /// `listCarts` (Amazon Business Order Placement).
    ListCarts(ListCarts),
}

impl ProbeCall {
    /// The operation id of the read.
    pub fn operation(&self) -> &'static str {
        use crate::operation::Operation;
        match self {
            ProbeCall::SearchProducts(_) => SearchProducts::ID,
            ProbeCall::GetOrderReports(_) => GetOrderReports::ID,
            ProbeCall::GetTransactions(_) => GetTransactions::ID,
            ProbeCall::ListCarts(_) => ListCarts::ID,
        }
    }
}

/// One row of the check: a role, the read that probes it (none when the role has no read
/// operation), and what to do when it is missing.
#[derive(Debug, Clone)]
pub struct AccessProbe {
    /// The role.
    pub role: Role,
    /// The read, if the role has one.
    pub call: Option<ProbeCall>,
    /// How to get the role granted.
    pub fix: String,
}

fn fix(role: &str) -> String {
    format!(
        "add the \"{role}\" role to the application in the Solution Provider Portal (Roles), \
         then have the customer's admin consent again so the new token carries it"
    )
}

fn instant(s: &str) -> DateTime {
    DateTime::parse(s).expect("a fixed RFC 3339 date-time")
}

/// The probes, one per role. The reads use the parameters of Amazon's recorded sandbox
/// examples (fixed past dates, `keywords=keyword`), so they match the static sandbox and read
/// nothing of consequence in production. `country` is the customer's (the marketplace's).
/// Product Search and listCarts need a user email: configure the client's default one.
pub fn access_probes(country: Country) -> Vec<AccessProbe> {
    let role = |r: Role| r.name().unwrap_or("none");
    vec![
        AccessProbe {
            role: Role::BusinessProductCatalog,
            call: Some(ProbeCall::SearchProducts(Box::new(
                SearchProducts::new()
                    .keywords("keyword")
                    .product_region(country)
                    .locale("en_US")
                    .facets([SearchFacetType::Offers]),
            ))),
            fix: fix(role(Role::BusinessProductCatalog)),
        },
        AccessProbe {
            role: Role::AmazonBusinessAnalytics,
            call: Some(ProbeCall::GetOrderReports(
                GetOrderReports::new(instant("2025-01-15T10:30:00Z"), instant("2025-02-15T10:30:00Z"))
                    .order_statuses([OrderStatus::Closed])
                    .region(country),
            )),
            fix: fix(role(Role::AmazonBusinessAnalytics)),
        },
        AccessProbe {
            role: Role::BusinessPurchaseReconciliation,
            call: Some(ProbeCall::GetTransactions(GetTransactions::new(
                instant("2020-07-09T00:00:00Z"),
                instant("2020-08-01T00:00:00Z"),
            ))),
            fix: fix(role(Role::BusinessPurchaseReconciliation)),
        },
        AccessProbe {
            role: Role::AmazonBusinessOrderPlacement,
            call: Some(ProbeCall::ListCarts(ListCarts::new().region(country))),
            fix: fix(role(Role::AmazonBusinessOrderPlacement)),
        },
        AccessProbe {
            role: Role::UserManagement,
            call: None,
            fix: "User Management is approved offline by Amazon: ask your Amazon Business contact; \
                  it has no read operation to probe"
                .into(),
        },
    ]
}

/// What a probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// The read succeeded: the role is granted.
    Granted,
    /// The read answered 403: the role is missing. Carries the fix.
    Missing(String),
    /// The read failed otherwise (network, token, user email, server); carries the error.
    Other(String),
    /// The role has no read to probe it; carries why and what to do.
    NotCheckable(String),
}

impl Access {
    /// Reads a probe's outcome.
    pub fn classify(probe: &AccessProbe, outcome: Result<(), Error>) -> Access {
        match outcome {
            Ok(()) => Access::Granted,
            Err(e) if e.kind() == ErrorKind::Forbidden && e.api().is_some_and(|a| a.status == 403) => {
                Access::Missing(probe.fix.clone())
            }
            Err(e) => Access::Other(e.to_string()),
        }
    }

    /// A one-word label: `granted`, `missing`, `other` or `unchecked`.
    pub fn label(&self) -> &'static str {
        match self {
            Access::Granted => "granted",
            Access::Missing(_) => "missing",
            Access::Other(_) => "other",
            Access::NotCheckable(_) => "unchecked",
        }
    }
}

/// The outcome of an access check: role → access.
#[derive(Debug, Clone, Default)]
pub struct AccessReport {
    /// One row per role, in probe order: the role, the operation probed, the access found.
    pub rows: Vec<(Role, Option<&'static str>, Access)>,
}

impl AccessReport {
    /// Adds a probe's outcome (`None` for a probe without a read).
    pub fn record(&mut self, probe: &AccessProbe, outcome: Option<Result<(), Error>>) {
        let op = probe.call.as_ref().map(ProbeCall::operation);
        let access = match outcome {
            Some(outcome) => Access::classify(probe, outcome),
            None => Access::NotCheckable(probe.fix.clone()),
        };
        self.rows.push((probe.role, op, access));
    }

    /// The access found for `role`.
    pub fn get(&self, role: Role) -> Option<&Access> {
        self.rows.iter().find(|(r, _, _)| *r == role).map(|(_, _, a)| a)
    }
}

impl fmt::Display for AccessReport {
    /// A plain-text table: role, operation, access, and the detail (fix or error).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<34} {:<22} {:<9} detail", "role", "probe", "access")?;
        for (role, op, access) in &self.rows {
            let detail = match access {
                Access::Granted => "",
                Access::Missing(s) | Access::Other(s) | Access::NotCheckable(s) => s,
            };
            let line = format!(
                "{:<34} {:<22} {:<9} {detail}",
                role.name().unwrap_or("none"),
                op.unwrap_or("-"),
                access.label()
            );
            writeln!(f, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_error(status: u16) -> Error {
        let response = http::Response::builder()
            .status(status)
            .body(br#"{"errors":[{"code":"Forbidden","message":"no"}]}"#.to_vec())
            .unwrap();
        Error::from(crate::call::api_error(
            "getOrderReports",
            Role::AmazonBusinessAnalytics.name(),
            &response,
            std::time::SystemTime::UNIX_EPOCH,
        ))
    }

    #[test]
    fn probes_cover_each_role_and_classify() {
        let probes = access_probes(Country::US);
        let roles: Vec<Role> = probes.iter().map(|p| p.role).collect();
        assert_eq!(
            roles,
            [
                Role::BusinessProductCatalog,
                Role::AmazonBusinessAnalytics,
                Role::BusinessPurchaseReconciliation,
                Role::AmazonBusinessOrderPlacement,
                Role::UserManagement
            ]
        );
        let mut report = AccessReport::default();
        report.record(&probes[0], Some(Ok(())));
        report.record(&probes[1], Some(Err(api_error(403))));
        report.record(&probes[2], Some(Err(api_error(500))));
        report.record(&probes[4], None);
        assert_eq!(report.get(Role::BusinessProductCatalog), Some(&Access::Granted));
        match report.get(Role::AmazonBusinessAnalytics) {
            Some(Access::Missing(fix)) => assert!(fix.contains("\"Amazon Business Analytics\" role")),
            other => panic!("{other:?}"),
        }
        assert_eq!(report.get(Role::BusinessPurchaseReconciliation).map(Access::label), Some("other"));
        assert_eq!(report.get(Role::UserManagement).map(Access::label), Some("unchecked"));
        let table = report.to_string();
        assert!(
            table.contains("Amazon Business Analytics          getOrderReports        missing"),
            "{table}"
        );
    }
}
