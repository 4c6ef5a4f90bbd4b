//! `fascicolo audit`: the audit log's chain, checkpoints and retention.

use crate::AuditCommand;
use anyhow::Context;
use fascicolo::config::Config;
use fascicolo::config::redact;
use fascicolo::store::Store;

pub async fn audit(config: &Config, command: AuditCommand) -> anyhow::Result<()> {
    use fascicolo::store::audit::{checkpoint::CheckpointLog, prune, verify};
    let url = config.store_url();
    let connecting = || format!("connecting to the store {}", redact(url));
    match command {
        AuditCommand::Verify { more_files } => {
            let store = Store::connect_read_only(url)
                .await
                .with_context(connecting)?;
            let report = verify::verify_store(&store, &config.audit, more_files).await?;
            print!("{report}");
            if !report.ok() {
                std::process::exit(1);
            }
        }
        AuditCommand::Prune { older_than_days } => {
            let store = Store::connect(url).await.with_context(connecting)?;
            store.migrate().await?;
            let days = older_than_days.unwrap_or(config.audit.retention_days);
            let cutoff = chrono::Utc::now() - chrono::Duration::days(i64::from(days));
            let log = CheckpointLog::from_config(&config.audit);
            let retention = config.audit.retention_days;
            let pruned = prune::prune(store.db(), cutoff, retention, log.as_ref()).await?;
            match pruned.through_id {
                Some(through) => println!(
                    "pruned {} audit rows older than {days} days (before {}); the chain now starts after row {through}",
                    pruned.rows,
                    cutoff.format("%Y-%m-%d %H:%M:%S UTC")
                ),
                None => println!("no audit rows older than {days} days"),
            }
        }
    }
    Ok(())
}
