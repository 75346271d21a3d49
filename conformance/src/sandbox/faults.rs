//! Scripted misbehaviour: which requests a fault applies to, what it does, the queue they are
//! consumed from, and the command-line syntax for them.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use super::lwa::lwa_error;
use super::state::{Answer, Shared};

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// Requests routed to the operation with this `operationId`.
    Operation(&'static str),
    /// Requests to the LWA token endpoint.
    Lwa,
    /// Every API request (anything but the LWA endpoint), routed or not.
    Api,
    /// Every request, the LWA endpoint included.
    Any,
}

/// How a `Retry-After` header is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// Delta seconds: `Retry-After: 2`.
    Seconds(u64),
    /// An HTTP date: `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`.
    HttpDate(SystemTime),
}

impl RetryAfter {
    /// The header value.
    pub fn header_value(&self) -> String {
        match self {
            RetryAfter::Seconds(s) => s.to_string(),
            RetryAfter::HttpDate(t) => httpdate::fmt_http_date(*t),
        }
    }
}

/// A scripted misbehaviour.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer this status instead of handling the request. Without a `body`, an API route
    /// answers Amazon's `{"errors":[…]}` shape (code `QuotaExceeded` for 429) and the LWA
    /// endpoint answers `{"error":…,"error_description":…}`.
    Status {
        /// The HTTP status.
        status: u16,
        /// An optional `Retry-After` header.
        retry_after: Option<RetryAfter>,
        /// An optional raw body (sent as JSON).
        body: Option<String>,
    },
    /// Close the connection without answering; the request is not processed or counted.
    DropBeforeProcessing,
    /// Process the request (counters, tokens, state), then close without answering.
    DropAfterProcessing,
    /// Process normally, declare the full `content-length`, send part of the body, then close.
    TruncatedBody,
    /// Process normally; send the headers at once and the body after the delay.
    SlowBody(Duration),
    /// Revoke every issued access token, then handle the request normally.
    ExpireTokens,
    /// Answer 503 with an LWA-style error body.
    LwaOutage,
}

impl Fault {
    /// A plain status fault with the default body and no `Retry-After`.
    pub fn status(status: u16) -> Fault {
        Fault::Status { status, retry_after: None, body: None }
    }

    /// A 429 with Amazon's `QuotaExceeded` body.
    pub fn throttled(retry_after: Option<RetryAfter>) -> Fault {
        Fault::Status { status: 429, retry_after, body: None }
    }

    /// The answer this fault gives in place of normal handling, if it replaces it. `lwa` says
    /// whether the request went to the LWA endpoint; `rate` is the operation's
    /// `x-amzn-RateLimit-Limit`.
    pub(crate) fn replacement(&self, shared: &Shared, lwa: bool, rate: Option<&str>) -> Option<Answer> {
        match self {
            Fault::Status { status, retry_after, body } => {
                Some(status_answer(shared, lwa, rate, *status, *retry_after, body.as_deref()))
            }
            Fault::LwaOutage => Some(lwa_error(
                503,
                "temporarily_unavailable",
                "The token service is unavailable (injected outage)",
            )),
            _ => None,
        }
    }
}

fn status_answer(
    shared: &Shared,
    lwa: bool,
    rate: Option<&str>,
    status: u16,
    retry_after: Option<RetryAfter>,
    body: Option<&str>,
) -> Answer {
    let mut answer = if lwa {
        let (error, description) = match status {
            400 => ("invalid_grant", "Injected failure"),
            401 => ("invalid_client", "Injected failure"),
            429 => ("slow_down", "Too many requests (injected)"),
            _ => ("server_error", "Injected failure"),
        };
        lwa_error(status, error, description)
    } else {
        let (code, message) = match status {
            400 => ("InvalidInput", "Injected invalid input"),
            401 => ("Unauthorized", "Access to requested resource is denied."),
            403 => ("Unauthorized", "Access to requested resource is denied."),
            404 => ("NotFound", "The resource specified does not exist."),
            429 => ("QuotaExceeded", "You exceeded your quota for the requested resource."),
            503 => ("ServiceUnavailable", "Service temporarily unavailable."),
            504 => ("GatewayTimeout", "Gateway timed out."),
            _ => ("InternalFailure", "We encountered an internal error."),
        };
        shared.api_error(status, code, message, rate)
    };
    if let Some(body) = body {
        answer.body = Some(body.as_bytes().to_vec());
    }
    if let Some(retry_after) = retry_after {
        answer.headers.push(("retry-after".to_owned(), retry_after.header_value()));
    }
    answer
}

#[derive(Debug)]
struct FaultEntry {
    route: Route,
    fault: Fault,
    remaining: usize,
}

/// Injected faults, consumed first-in first-out by the requests their route matches.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue(VecDeque<FaultEntry>);

impl FaultQueue {
    pub(crate) fn push(&mut self, route: Route, fault: Fault, times: usize) {
        if times > 0 {
            self.0.push_back(FaultEntry { route, fault, remaining: times });
        }
    }

    /// Takes one application of the first queued fault whose route `applies` says matches.
    pub(crate) fn take(&mut self, applies: impl Fn(Route) -> bool) -> Option<Fault> {
        let pos = self.0.iter().position(|f| applies(f.route))?;
        let entry = &mut self.0[pos];
        let fault = entry.fault.clone();
        entry.remaining -= 1;
        if entry.remaining == 0 {
            self.0.remove(pos);
        }
        Some(fault)
    }

    pub(crate) fn pending(&self) -> usize {
        self.0.iter().map(|f| f.remaining).sum()
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

/// Parses a command-line fault, `ROUTE=KIND[*TIMES]`.
///
/// `ROUTE` is `lwa`, `api`, `any` or an operation id. `KIND` is a status (`503`), a status with
/// `Retry-After` in seconds (`429/2`) or as an HTTP date that many seconds ahead (`429/@2`),
/// `drop-before`, `drop-after`, `truncate`, `slow:MILLIS`, `expire-tokens` or `lwa-outage`.
/// `TIMES` defaults to 1. An operation id is leaked to get a `'static` name, which is fine for
/// the handful a command line holds.
pub fn parse_fault_arg(arg: &str) -> Result<(Route, Fault, usize), String> {
    let (route, spec) = arg.split_once('=').ok_or_else(|| format!("fault {arg:?}: expected ROUTE=KIND"))?;
    let route = match route {
        "lwa" => Route::Lwa,
        "api" => Route::Api,
        "any" => Route::Any,
        "" => return Err(format!("fault {arg:?}: empty route")),
        op => Route::Operation(Box::leak(op.to_owned().into_boxed_str())),
    };
    let (kind, times) = match spec.split_once('*') {
        Some((k, n)) => (k, n.parse::<usize>().map_err(|_| format!("fault {arg:?}: bad count {n:?}"))?),
        None => (spec, 1),
    };
    let fault = match kind {
        "drop-before" => Fault::DropBeforeProcessing,
        "drop-after" => Fault::DropAfterProcessing,
        "truncate" => Fault::TruncatedBody,
        "expire-tokens" => Fault::ExpireTokens,
        "lwa-outage" => Fault::LwaOutage,
        k if k.starts_with("slow:") => {
            let ms = k["slow:".len()..].parse::<u64>().map_err(|_| format!("fault {arg:?}: bad delay"))?;
            Fault::SlowBody(Duration::from_millis(ms))
        }
        k => {
            let (status, retry) = match k.split_once('/') {
                Some((s, r)) => (s, Some(r)),
                None => (k, None),
            };
            let status = status
                .parse::<u16>()
                .ok()
                .filter(|s| (100..=599).contains(s))
                .ok_or_else(|| format!("fault {arg:?}: unknown kind {k:?}"))?;
            let bad_retry = || format!("fault {arg:?}: bad Retry-After");
            let retry_after = match retry {
                None => None,
                Some(r) => Some(match r.strip_prefix('@') {
                    Some(ahead) => RetryAfter::HttpDate(
                        SystemTime::now() + Duration::from_secs(ahead.parse().map_err(|_| bad_retry())?),
                    ),
                    None => RetryAfter::Seconds(r.parse().map_err(|_| bad_retry())?),
                }),
            };
            Fault::Status { status, retry_after, body: None }
        }
    };
    Ok((route, fault, times))
}
