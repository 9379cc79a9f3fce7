//! The runner of the table-driven live tests: every row of a table checked on a thread of
//! its own, side by side (each row makes its own namespaces), and one failure that names
//! every row that failed with its panic message.
//!
//! ```
//! use errq_tests::table::run_rows;
//!
//! #[derive(Debug)]
//! struct Row {
//!     a: u32,
//!     b: u32,
//!     sum: u32,
//! }
//! const ROWS: &[Row] = &[Row { a: 1, b: 2, sum: 3 }, Row { a: 2, b: 2, sum: 4 }];
//! run_rows(ROWS, |row| assert_eq!(row.a + row.b, row.sum));
//! ```

use std::any::Any;
use std::fmt::Debug;

/// Run `check` on every row of `rows`, side by side on scoped threads; a row fails by
/// panicking, as a test does.
///
/// # Panics
/// If any row failed: the message lists each failed row (its `Debug`) with its panic
/// message, after every row has run.
pub fn run_rows<R: Debug + Sync>(rows: &[R], check: impl Fn(&R) + Sync) {
    let check = &check;
    let failed: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = rows
            .iter()
            .map(|row| (row, s.spawn(move || check(row))))
            .collect();
        handles
            .into_iter()
            .filter_map(|(row, h)| {
                let panic = h.join().err()?;
                Some(format!("{row:?}: {}", message(panic.as_ref())))
            })
            .collect()
    });
    assert!(
        failed.is_empty(),
        "{} of {} rows failed:\n{}",
        failed.len(),
        rows.len(),
        failed.join("\n")
    );
}

/// The message of a panic payload (`panic!` makes a `&str` or a `String`).
fn message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(a panic without a message)")
}
