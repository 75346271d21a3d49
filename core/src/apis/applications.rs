//! Application Management API, version 2023-11-30: client-secret rotation.
