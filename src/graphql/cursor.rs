//! The cursor key lives with the shared state (`crate::state::cursor`); this path stays for
//! the resolvers that seal and open cursors.

pub use crate::state::cursor::*;
