//! Package Tracking API, version 2025-07-02.
