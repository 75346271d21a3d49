//! Reconciliation API, version 2021-01-08: transactions, invoice payment details.
