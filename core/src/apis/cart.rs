//! Cart API, version 2025-04-30.
