//! What the connection pools of the regional sources and of the store share. It lives below
//! both so that neither imports the other.

use sea_orm::ConnectOptions;
use std::time::Duration;

/// A pooled connection idle this long is pinged before use; fresher ones are used as they are.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

/// The pool's liveness checks, for the sources and the store alike (docs/benchmarks.md): a
/// ping before use only for connections idle long enough to have been dropped on the way,
/// and on PostgreSQL none when a clean connection goes back to the pool. sqlx pings there to
/// drain what a cancelled statement left on the wire, but its PostgreSQL driver drains that
/// before every statement anyway (`wait_until_ready`), so the ping was a round trip per
/// statement for nothing; a connection with bytes queued (a dropped transaction's ROLLBACK)
/// is still flushed at once (patched option, vendor/README.md).
pub fn pool_checks(options: &mut ConnectOptions) -> &mut ConnectOptions {
    options
        .test_before_acquire_if_idle_for(IDLE_BEFORE_PING)
        .map_sqlx_postgres_pool_opts(|pool| pool.test_after_release(false))
}
