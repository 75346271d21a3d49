//! The API surfaces, one module each.
