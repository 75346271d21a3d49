//! Where a request goes, and the whole handling of one request:
//! route → count and log → injected fault → LWA / extra route / API pipeline → delivery.

use std::collections::BTreeMap;

use super::faults::{Fault, Route};
use super::lwa::{token_endpoint, LWA_PATH};
use super::matching::match_template;
use super::state::{Answer, Delivery, Shared, State, WireRequest};
use super::{api, api::ApiCall};

/// A route served by a handler of its own instead of the operation catalogue: endpoints outside
/// Amazon's API models (a consent page, an App Center endpoint, …). Extra routes are tried
/// before the catalogue; the first whose method and path template fit wins.
///
/// Requests to it are counted, logged and faulted under `name` (so
/// `Route::Operation(name)` faults apply and `Sandbox::count(name)` counts them); the handler
/// does everything else, authentication included if it wants any.
#[derive(Debug)]
pub(crate) struct ExtraRoute {
    /// The name used by counters, the log and faults.
    pub name: &'static str,
    /// The HTTP method served (compared case-insensitively).
    pub method: &'static str,
    /// The path template, with `{name}` segments as path parameters.
    pub path: &'static str,
    /// Answers a request; gets the path parameters the template captured.
    pub handle: fn(&Shared, &mut State, &WireRequest, &BTreeMap<String, String>) -> Answer,
}

/// The extension point for extra routes: add a module's table here (e.g. `consent::ROUTES`).
const EXTRA_ROUTES: &[&[ExtraRoute]] = &[];

/// Where a request goes.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Lwa,
    Extra { route: &'static ExtraRoute, path_params: BTreeMap<String, String> },
    Operation { operation: String, template: String, path_params: BTreeMap<String, String> },
    Unrouted,
}

impl Target {
    fn matches(&self, route: Route) -> bool {
        match (route, self) {
            (Route::Any, _) => true,
            (Route::Lwa, Target::Lwa) => true,
            (Route::Api, Target::Operation { .. } | Target::Extra { .. } | Target::Unrouted) => true,
            (Route::Operation(id), target) => target.operation() == Some(id),
            _ => false,
        }
    }

    /// The operation (or extra route) name that counters and the log use.
    fn operation(&self) -> Option<&str> {
        match self {
            Target::Operation { operation, .. } => Some(operation),
            Target::Extra { route, .. } => Some(route.name),
            _ => None,
        }
    }
}

impl Shared {
    pub(super) fn route(&self, state: &State, method: &str, path: &str) -> Target {
        if path == LWA_PATH {
            return Target::Lwa;
        }
        for route in EXTRA_ROUTES.iter().flat_map(|routes| routes.iter()) {
            if route.method.eq_ignore_ascii_case(method) {
                if let Some((path_params, _)) = match_template(route.path, path) {
                    return Target::Extra { route, path_params };
                }
            }
        }
        // The most specific template (most literal segments) of the catalogue or an example.
        let mut best: Option<(usize, Target)> = None;
        let catalogue =
            self.operations.iter().map(|o| (o.method.as_str(), o.path.as_str(), o.operation.as_str()));
        let examples = state
            .added
            .iter()
            .chain(state.builtin.iter())
            .map(|e| (e.method.as_str(), e.path_template.as_str(), e.operation.as_str()));
        for (m, template, operation) in catalogue.chain(examples) {
            if !m.eq_ignore_ascii_case(method) {
                continue;
            }
            if let Some((params, literals)) = match_template(template, path) {
                if best.as_ref().is_none_or(|(l, _)| literals > *l) {
                    let target = Target::Operation {
                        operation: operation.to_owned(),
                        template: template.to_owned(),
                        path_params: params,
                    };
                    best = Some((literals, target));
                }
            }
        }
        best.map(|(_, t)| t).unwrap_or(Target::Unrouted)
    }

    /// Handles one request completely (faults, counters, log) and says how to deliver.
    pub(crate) fn handle(&self, req: WireRequest) -> Delivery {
        // The consent leg (its pages and App Center) keeps its own state, outside counters,
        // log and faults.
        if let Some(answer) = self.consent.handle(&req) {
            return Delivery::Normal(answer);
        }
        let mut state = self.lock();
        let target = self.route(&state, &req.method, &req.path);
        let fault = state.faults.take(|route| target.matches(route));
        let mut log = req.logged();
        log.operation = target.operation().map(str::to_owned);
        log.lwa = matches!(target, Target::Lwa);
        log.fault = fault.clone();
        if matches!(fault, Some(Fault::DropBeforeProcessing)) {
            state.log.push(log);
            return Delivery::Drop;
        }
        match &target {
            Target::Lwa => state.lwa_exchanges += 1,
            Target::Operation { .. } | Target::Extra { .. } => {
                let name = target.operation().unwrap_or_default().to_owned();
                *state.counts.entry(name).or_default() += 1;
            }
            Target::Unrouted => {}
        }
        if matches!(fault, Some(Fault::ExpireTokens)) {
            state.tokens.clear();
        }
        let rate = target.operation().and_then(|o| self.rate_header(o));
        let replaced = fault.as_ref().and_then(|f| f.replacement(self, log.lwa, rate.as_deref()));
        let answer = match replaced {
            Some(answer) => answer,
            None => self.dispatch(&mut state, &req, &target, rate),
        };
        let delivery = match fault {
            Some(Fault::DropAfterProcessing) => Delivery::Drop,
            Some(Fault::TruncatedBody) => Delivery::Truncated(answer),
            Some(Fault::SlowBody(delay)) => Delivery::Slow(answer, delay),
            _ => Delivery::Normal(answer),
        };
        log.status = delivery.status();
        state.log.push(log);
        delivery
    }

    fn dispatch(
        &self,
        state: &mut State,
        req: &WireRequest,
        target: &Target,
        rate: Option<String>,
    ) -> Answer {
        match target {
            Target::Lwa => token_endpoint(self, state, req),
            Target::Extra { route, path_params } => (route.handle)(self, state, req, path_params),
            Target::Operation { operation, template, path_params } => {
                let call =
                    ApiCall { req, operation, spec: self.operation(operation), template, path_params, rate };
                api::api(self, state, &call)
            }
            Target::Unrouted => self.api_error(
                404,
                "NotFound",
                &format!("No operation serves {} {}", req.method, req.path),
                None,
            ),
        }
    }
}
