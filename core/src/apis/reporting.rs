//! Reporting API, version 2025-06-09 (the current one): order, line-item and shipment reports.
