//! Every paginated operation pages end to end against the bare emulator, through the typed
//! `pages()` and `all()` of both clients: the recorded first page's token leads to generated
//! follow-up pages, the last without a token; page numbers run up to the recorded
//! `numberOfPages`.

use std::collections::BTreeSet;

use amazon_business_conformance::fixtures::{load_examples, load_operations, Example};
use amazon_business_conformance::replay::{build, TypedOp};
use amazon_business_conformance::sandbox::{paginated_operations, CONTINUATION_PAGES};
use amazon_business_conformance::Sandbox;
use amazon_business_core::Paginated;
use futures_util::StreamExt;
use serde::Serialize;
use serde_json::Value;

/// The request parameters that select a page, in the models.
const PAGE_PARAMETERS: &[&str] = &["pageToken", "nextToken", "nextPageToken", "pageNumber"];

/// At most this many pages are fetched, so that a paging loop fails instead of hanging.
const CAP: usize = 10;

struct Clients {
    rt: tokio::runtime::Runtime,
    blocking: amazon_business_blocking::Client,
    asynch: amazon_business_async::Client,
}

fn values<T: Serialize>(pages: Vec<T>) -> Vec<Value> {
    pages.into_iter().map(|p| serde_json::to_value(p).expect("an output serialises")).collect()
}

/// The pages of `first` through all four paging APIs; they must agree.
fn every_way<O>(c: &Clients, first: &O) -> Result<Vec<Value>, String>
where
    O: Paginated + Clone + Send + Sync + 'static,
    O::Output: Serialize + Send,
{
    let text = |e: amazon_business_core::Error| e.to_string();
    let blocking_pages: Vec<_> =
        c.blocking.pages(first.clone()).take(CAP).collect::<Result<_, _>>().map_err(text)?;
    let blocking_all = c.blocking.all(first.clone(), Some(CAP)).map_err(text)?;
    let (async_pages, async_all) = c.rt.block_on(async {
        let pages: Vec<_> = c.asynch.pages(first.clone()).take(CAP).collect().await;
        let pages: Result<Vec<_>, _> = pages.into_iter().collect();
        (pages, c.asynch.all(first.clone(), Some(CAP)).await)
    });
    let ways = [
        ("blocking pages()", values(blocking_pages)),
        ("blocking all()", values(blocking_all)),
        ("async pages()", values(async_pages.map_err(text)?)),
        ("async all()", values(async_all.map_err(text)?)),
    ];
    for (name, pages) in &ways[1..] {
        assert_eq!(pages, &ways[0].1, "{name} disagrees with blocking pages()");
    }
    let [(_, pages), ..] = ways;
    Ok(pages)
}

/// Pages the typed operation, if it is a paginated one.
fn pages_of(c: &Clients, op: &TypedOp) -> Option<Result<Vec<Value>, String>> {
    macro_rules! paginated {
        ($($variant:ident),* $(,)?) => {
            match op {
                $(TypedOp::$variant(op) => Some(every_way(c, op)),)*
                _ => None,
            }
        };
    }
    paginated!(
        ListCarts,
        GetReports,
        SearchProducts,
        SearchOffers,
        GetTransactions,
        GetOrderReports,
        GetOrderLineItemReports,
        GetOrderReportsByPurchaseOrderNumber,
        GetShipmentReports,
        GetShipmentLineItemReports,
        GetOrdersByOrderDate,
    )
}

/// The page field of a token-paginated answer.
fn token_field(operation: &str) -> &'static str {
    if operation == "getReports" {
        "nextToken"
    } else {
        "nextPageToken"
    }
}

fn token(page: &Value, field: &str) -> Option<String> {
    page.get(field).and_then(Value::as_str).filter(|t| !t.is_empty()).map(str::to_owned)
}

#[test]
fn every_paginated_operation_pages_to_the_end_through_both_clients() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let config = sandbox.client_config().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let asynch = rt.block_on(async { amazon_business_async::Client::new(config.clone()) }).unwrap();
    let clients = Clients { blocking: amazon_business_blocking::Client::new(config).unwrap(), asynch, rt };

    // The models' paginated operations are the emulator's, and the tests below cover each.
    let in_models: BTreeSet<String> = load_operations()
        .into_iter()
        .filter(|o| {
            o.parameters.iter().any(|p| p.location == "query" && PAGE_PARAMETERS.contains(&p.name.as_str()))
        })
        .map(|o| o.operation)
        .collect();
    let in_emulator: BTreeSet<String> = paginated_operations().map(|(op, _)| op.to_owned()).collect();
    assert_eq!(in_emulator, in_models);

    let mut paged = BTreeSet::new();
    let mut generated = 0;
    for example in load_examples().into_iter().filter(|e| (200..300).contains(&e.status)) {
        let Some((_, param)) = paginated_operations().find(|(op, _)| *op == example.operation) else {
            continue;
        };
        let recorded = example.response.clone().unwrap_or(Value::Null);
        let (first, expected): (Example, usize) = if param == "pageNumber" {
            // From page 0 (the default), up to the recorded number of pages.
            let mut from_zero = example.clone();
            from_zero.query.remove(param);
            (from_zero, recorded["numberOfPages"].as_u64().unwrap_or(1) as usize)
        } else {
            let pages = if token(&recorded, token_field(&example.operation)).is_some() {
                1 + CONTINUATION_PAGES
            } else {
                1
            };
            (example.clone(), pages)
        };
        let op = build(&first).unwrap().unwrap_or_else(|| panic!("no builder for {}", example.id));
        let pages = pages_of(&clients, &op)
            .unwrap_or_else(|| panic!("{} is not paginated in the typed API", example.operation))
            .unwrap_or_else(|e| panic!("{}: {e}", example.id));
        assert_eq!(pages.len(), expected, "{}: {pages:#?}", example.id);
        if param != "pageNumber" {
            let field = token_field(&example.operation);
            let tokens: Vec<Option<String>> = pages.iter().map(|p| token(p, field)).collect();
            let (last, before) = tokens.split_last().unwrap();
            assert_eq!(*last, None, "{}: the last page has no token", example.id);
            assert!(before.iter().all(Option::is_some), "{}: {tokens:?}", example.id);
            let distinct: BTreeSet<_> = before.iter().collect();
            assert_eq!(distinct.len(), before.len(), "{}: each page leads to a new one", example.id);
        }
        generated += expected.saturating_sub(1);
        paged.insert(example.operation.clone());
    }
    assert_eq!(paged, in_models, "every paginated operation has a recorded first page");
    assert!(generated >= 7 * CONTINUATION_PAGES, "{generated} generated pages");
}

/// Sends `example`'s request built through the typed API; the answer's page token.
fn next_token(
    client: &amazon_business_blocking::Client,
    example: &Example,
) -> Result<Option<String>, String> {
    let text = |e: amazon_business_core::Error| format!("{:?}: {e}", e.kind());
    match build(example).unwrap().unwrap() {
        TypedOp::GetReports(op) => client.send(&op).map(|page| page.next_token).map_err(text),
        TypedOp::GetOrderReports(op) => client.send(&op).map(|page| page.next_page_token).map_err(text),
        other => panic!("unexpected {}", other.id()),
    }
}

#[test]
fn a_continuation_is_sent_as_the_model_says_or_matches_nothing() {
    let sandbox = Sandbox::builder().spawn().unwrap();
    let client = amazon_business_blocking::Client::new(sandbox.client_config().unwrap()).unwrap();
    let example = |id: &str| load_examples().into_iter().find(|e| e.id == id).unwrap();
    let with = |mut e: Example, param: &str, token: &Value| {
        e.query.insert(param.into(), token.clone());
        e
    };

    // getOrderReports: every parameter repeated, plus the token.
    let first = example("getOrderReports-200-0");
    let token = first.response.as_ref().unwrap()["nextPageToken"].clone();
    let repeated = with(first.clone(), "nextPageToken", &token);
    assert!(next_token(&client, &repeated).unwrap().is_some(), "page 2 of 3 leads on");
    let mut partial = repeated.clone();
    partial.query.remove("orderStatuses");
    assert!(next_token(&client, &partial).unwrap_err().starts_with("InvalidInput"));
    let unknown = with(first, "nextPageToken", &Value::String("not-a-token-it-issued".into()));
    assert!(next_token(&client, &unknown).unwrap_err().starts_with("InvalidInput"));

    // getReports: the token as the only parameter.
    let first = example("getReports-200-0");
    let token = first.response.as_ref().unwrap()["nextToken"].clone();
    let mut alone = Example::for_operation("getReports");
    alone.query.insert("nextToken".into(), token.clone());
    assert!(next_token(&client, &alone).unwrap().is_some());
}
