//! User Management API, version 2021-08-30.
