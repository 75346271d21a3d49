//! The Reconciliation API: list payment transactions in a date range (every page), check the
//! payment status of invoices, and find the invoices of shipped order lines. Runs against the
//! local emulator unless `AB_CLIENT_ID` is set; the parameters are those of Amazon's recorded
//! sandbox examples.
//!
//! `cargo run -p amazon-business-blocking --example reconciliation`

use amazon_business_blocking::reconciliation::{InvoicePaymentDetailResult, OrderLineItem};
use amazon_business_blocking::DateTime;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = example_support::client()?;
    let reconciliation = client.reconciliation();

    let start = DateTime::parse("2020-07-09T00:00:00Z")?;
    let end = DateTime::parse("2020-08-01T00:00:00Z")?;
    // `.all(Some(n))` fetches up to n pages and returns them together.
    let pages = reconciliation.get_transactions(start, end).all(Some(10))?;
    for transaction in pages.iter().flat_map(|p| &p.transactions) {
        let amount = transaction.amount.as_ref().map_or("no amount".to_owned(), ToString::to_string);
        let kind = transaction.transaction_type.as_ref().map_or("transaction", |t| t.as_str());
        println!(
            "{kind} {} on {}: {amount}, invoice {}",
            transaction.transaction_id.as_deref().unwrap_or("?"),
            transaction
                .transaction_date
                .map_or("?".to_owned(), |d| d.as_offset_date_time().date().to_string()),
            transaction.invoice_number.as_deref().unwrap_or("none")
        );
        for line in transaction.transaction_line_items.iter().flatten() {
            println!(
                "  {} x {} ({})",
                line.item_quantity.unwrap_or_default(),
                line.product_title.as_deref().unwrap_or("?"),
                line.principal_amount.as_ref().map_or("?".to_owned(), ToString::to_string)
            );
        }
    }

    let payments =
        reconciliation.get_batch_invoice_payment_details(["JP218PV8HMOI", "1XQX-T4VG-9939"]).send()?;
    for result in &payments.invoice_payment_details_results {
        match result {
            InvoicePaymentDetailResult::Success(s) => match &s.payment_details {
                Some(p) => println!("invoice {}: {}, due {}", s.invoice_id, p.status, p.due_date),
                None => println!("invoice {}: found, no payment details", s.invoice_id),
            },
            InvoicePaymentDetailResult::Error(f) => println!(
                "invoice {}: error {}",
                f.invoice_id,
                f.error.as_ref().map_or("(not given)", |e| e.message.as_str())
            ),
            other => println!("invoice {}: {}", other.invoice_id().unwrap_or("?"), other.result_type()),
        }
    }

    let invoices = reconciliation
        .get_invoice_details_by_order_line_items([
            OrderLineItem::new("503-0807783-5846230", "6172301145805", "Dps13nXXc"),
            OrderLineItem::new("250-9059274-9386231", "6172160940605", "DZms0yvhc"),
        ])
        .send()?;
    for entry in &invoices.invoice_details_by_order_line_items {
        let line = &entry.order_line_item;
        for invoice in &entry.invoice_details {
            // Invoice totals are text in this API, with their currency beside them.
            println!(
                "order {} line {}: invoice {} of {} for {} {}",
                line.order_id,
                line.order_line_item_id,
                invoice.invoice_number,
                invoice.invoice_date.as_offset_date_time().date(),
                invoice.invoice_total.as_deref().unwrap_or("?"),
                invoice.currency_code.as_deref().unwrap_or("")
            );
        }
    }
    Ok(())
}

#[path = "support/mod.rs"]
mod example_support;
