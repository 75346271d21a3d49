//! Product Search API, version 2020-08-26.
