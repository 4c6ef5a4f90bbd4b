//! The store's side of identity (DOMAIN.md §3.1; migration 000012): the links between old and
//! new fiscal codes (`links`), and what the re-keying of base-coded rows reads and writes
//! (`rekey`: moving a citizen's rows, its state, the audit map; `review`: held documents).
//! Every statement on `fiscal_code_link`, `identity_review`, `identity_rekey` and
//! `audit_identity_map` lives here, and so does the one statement per document table that
//! moves a citizen's rows from one code to another.

mod links;
mod rekey;
mod review;

pub use links::*;
pub use rekey::*;
pub use review::*;
