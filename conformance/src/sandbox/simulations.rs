//! What the emulator does for requests no example matches, where Amazon's sandbox has nothing
//! to record: continuation pages, the stateful ordering and user operations, and the
//! client-secret rotation.

use serde_json::{json, Value};

use super::api::ApiCall;
use super::pages;
use super::state::{Answer, PlacedOrder, Shared, State};

/// The simulated answer for a request that matched no example, if the operation has one.
pub(crate) fn simulate(shared: &Shared, state: &mut State, call: &ApiCall<'_>) -> Option<Answer> {
    if let Some(page) = pages::continuation(shared, state, call) {
        return Some(page);
    }
    Some(match call.operation {
        "placeOrder" => place_order(shared, state, call),
        "orderDetails" => order_details(shared, state, call),
        "createBusinessUserAccount" => create_user(shared, state, call),
        "rotateApplicationClientSecret" => {
            state.secret_rotations += 1;
            shared.empty_answer(204, call.rate())
        }
        _ => return None,
    })
}

/// The body as a JSON object, or Amazon's 400.
fn object_body(shared: &Shared, call: &ApiCall<'_>) -> Result<Value, Answer> {
    match serde_json::from_slice(&call.req.body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(shared.api_error(400, "InvalidInput", "Body must be a JSON object", call.rate())),
    }
}

fn create_user(shared: &Shared, state: &mut State, call: &ApiCall<'_>) -> Answer {
    let request = match object_body(shared, call) {
        Ok(v) => v,
        Err(refusal) => return refusal,
    };
    let email =
        request.pointer("/accountHolder/email").and_then(Value::as_str).unwrap_or_default().to_owned();
    if email.is_empty() {
        return shared.api_error(400, "InvalidInput", "accountHolder.email is required", call.rate());
    }
    if state.users.contains_key(&email) {
        return shared.api_error(
            400,
            "InvalidInput",
            "A business user with this email already exists",
            call.rate(),
        );
    }
    state.users.insert(email, request);
    shared.json_answer(201, &json!({}), call.rate())
}

/// Whether an order request carries the order-level `TrialMode` attribute.
fn is_trial(request: &Value) -> bool {
    request.get("attributes").and_then(Value::as_array).is_some_and(|attributes| {
        attributes.iter().any(|a| a.get("attributeType") == Some(&json!("TrialMode")))
    })
}

/// Accepts every line item and stores the order under its `externalId`; placing the same
/// `externalId` again answers the first result. A trial order (`TrialMode`) is answered the
/// same way but, as the Ordering model says, never created: nothing is stored, and
/// `orderDetails` does not find it.
fn place_order(shared: &Shared, state: &mut State, call: &ApiCall<'_>) -> Answer {
    let rate = call.rate();
    let request = match object_body(shared, call) {
        Ok(v) => v,
        Err(refusal) => return refusal,
    };
    let external_id = match request.get("externalId").and_then(Value::as_str) {
        Some(id) if !id.is_empty() => id.to_owned(),
        _ => return shared.api_error(400, "InvalidInput", "externalId is required", rate),
    };
    let Some(items) = request.get("lineItems").and_then(Value::as_array) else {
        return shared.api_error(400, "InvalidInput", "lineItems is required", rate);
    };
    if let Some(existing) = state.orders.get(&external_id) {
        return shared.json_answer(200, &existing.result, rate);
    }
    let line_items: Vec<Value> = items
        .iter()
        .map(|item| {
            json!({
                "externalId": item.get("externalId").cloned().unwrap_or(Value::Null),
                "acceptedItems": [{
                    "acceptedItemType": "SingleAcceptedItem",
                    "quantity": item.get("quantity").cloned().unwrap_or(json!(1)),
                    "artifacts": [],
                }],
                "rejectedItems": [],
            })
        })
        .collect();
    let result = json!({
        "lineItems": line_items,
        "acceptanceArtifacts": [],
        "rejectionArtifacts": [],
    });
    if !is_trial(&request) {
        state.orders.insert(external_id, PlacedOrder { request, result: result.clone() });
    }
    shared.json_answer(200, &result, rate)
}

/// The stored result of the order with this `externalId`, or 404.
fn order_details(shared: &Shared, state: &State, call: &ApiCall<'_>) -> Answer {
    let found = call.path_params.get("externalId").and_then(|id| state.orders.get(id));
    match found {
        Some(order) => shared.json_answer(200, &order.result, call.rate()),
        None => shared.api_error(404, "NotFound", "No order with this externalId", call.rate()),
    }
}
