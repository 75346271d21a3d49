//! Generated continuation pages. Amazon's recorded examples hold only a first page; a client
//! that follows the page's token (or page number) would miss on page 2. The emulator answers
//! those follow-up requests with pages generated from the recorded first page, so that every
//! paginated operation pages end to end:
//!
//! * token pagination: a recorded first page that carries a token `T` leads to
//!   [`CONTINUATION_PAGES`] more pages, requested with `T`, then `T~page-3`, …; each repeats the
//!   first page's content, and the last one carries no token. A request for a follow-up page
//!   must repeat every parameter of the first page's request and add the token, as the models
//!   require (`getReports`, `getTransactions` and `getOrdersByOrderDate`: the token must be the
//!   only parameter). A first page without a token is the only page.
//! * page numbers (`pageNumber`, from 0, with `numberOfPages` in the answer): any page number
//!   below the recorded `numberOfPages` answers the recorded page's content.

use serde_json::Value;

use super::api::ApiCall;
use super::matching::differences;
use super::state::{Answer, Shared, State};
use crate::fixtures::Example;

/// How many pages follow a recorded first page that carries a token.
pub const CONTINUATION_PAGES: usize = 2;

/// How an operation pages.
#[derive(Debug, Clone, Copy)]
enum Paging {
    /// The answer's `field` holds the token the next request sends as `param`, with every
    /// parameter of the first request repeated, or (`alone`) as its only parameter.
    Token { param: &'static str, field: &'static str, alone: bool },
    /// The request's `param` numbers the page from 0; the answer's `count` says how many there
    /// are.
    Number { param: &'static str, count: &'static str },
}

/// Every paginated operation of the models and how it pages.
const PAGINATED: &[(&str, Paging)] = &[
    ("listCarts", Paging::Token { param: "pageToken", field: "nextPageToken", alone: false }),
    // The Document model: the token is then the only parameter.
    ("getReports", Paging::Token { param: "nextToken", field: "nextToken", alone: true }),
    // The Reconciliation and 2021 Reporting models: the token is then the only parameter.
    ("getTransactions", Paging::Token { param: "nextPageToken", field: "nextPageToken", alone: true }),
    ("getOrdersByOrderDate", Paging::Token { param: "nextPageToken", field: "nextPageToken", alone: true }),
    ("getOrderReports", Paging::Token { param: "nextPageToken", field: "nextPageToken", alone: false }),
    (
        "getOrderLineItemReports",
        Paging::Token { param: "nextPageToken", field: "nextPageToken", alone: false },
    ),
    (
        "getOrderReportsByPurchaseOrderNumber",
        Paging::Token { param: "nextPageToken", field: "nextPageToken", alone: false },
    ),
    ("getShipmentReports", Paging::Token { param: "nextPageToken", field: "nextPageToken", alone: false }),
    (
        "getShipmentLineItemReports",
        Paging::Token { param: "nextPageToken", field: "nextPageToken", alone: false },
    ),
    ("searchProductsRequest", Paging::Number { param: "pageNumber", count: "numberOfPages" }),
    ("searchOffersRequest", Paging::Number { param: "pageNumber", count: "numberOfPages" }),
];

/// The operations the emulator generates continuation pages for, with the request parameter
/// that selects a page.
pub fn paginated_operations() -> impl Iterator<Item = (&'static str, &'static str)> {
    PAGINATED.iter().map(|(op, paging)| match paging {
        Paging::Token { param, .. } | Paging::Number { param, .. } => (*op, *param),
    })
}

/// The token that requests page `page` (3 or more) of a first page whose token is `first`.
fn token_for(first: &str, page: usize) -> String {
    format!("{first}~page-{page}")
}

/// A generated page for a request no example matched, if it asks for one.
pub(crate) fn continuation(shared: &Shared, state: &State, call: &ApiCall<'_>) -> Option<Answer> {
    let paging = PAGINATED.iter().find(|(op, _)| *op == call.operation).map(|(_, p)| *p)?;
    let query = call.req.query_pairs();
    let header = |name: &str| call.req.header(name);
    let parts = call.parts(&header);
    let candidates = state
        .candidates(call.operation, &call.req.method, call.template)
        .filter(|e| (200..300).contains(&e.status));
    for example in candidates {
        let Some(response) = example.response.as_ref() else { continue };
        let page = match paging {
            Paging::Token { param, field, alone } => {
                let sent = query.iter().find(|(k, _)| k == param).map(|(_, v)| v.as_str())?;
                let Some(first) = response.get(field).and_then(Value::as_str).filter(|t| !t.is_empty())
                else {
                    continue;
                };
                let Some(page) = (2..=CONTINUATION_PAGES + 1).find(|&n| {
                    if n == 2 {
                        sent == first
                    } else {
                        sent == token_for(first, n)
                    }
                }) else {
                    continue;
                };
                let fits = if alone {
                    query.len() == 1 && call.req.body.is_empty()
                } else {
                    fits(call, example, param, Some(sent), &parts)
                };
                if !fits {
                    continue;
                }
                let mut body = response.clone();
                if let Value::Object(map) = &mut body {
                    if page <= CONTINUATION_PAGES {
                        map.insert(field.to_owned(), Value::String(token_for(first, page + 1)));
                    } else {
                        map.remove(field);
                    }
                }
                body
            }
            Paging::Number { param, count } => {
                let sent = query.iter().find(|(k, _)| k == param).map(|(_, v)| v.as_str());
                let number: u64 = match sent {
                    Some(s) => s.parse().ok()?,
                    None => 0,
                };
                let pages = response.get(count).and_then(Value::as_u64).unwrap_or(1);
                if number >= pages || !fits(call, example, param, sent, &parts) {
                    continue;
                }
                response.clone()
            }
        };
        return Some(shared.json_answer(example.status, &page, call.rate()));
    }
    None
}

/// Whether the request matches `example` once the page parameter is set to what was sent.
fn fits(
    call: &ApiCall<'_>,
    example: &Example,
    param: &str,
    sent: Option<&str>,
    parts: &super::matching::RequestParts<'_>,
) -> bool {
    let mut expected = example.clone();
    match sent {
        Some(value) => expected.query.insert(param.to_owned(), Value::String(value.to_owned())),
        None => expected.query.remove(param),
    };
    differences(call.spec, &expected, parts).is_empty()
}
