//! `fascicolo check-sources`: every configured source against the contract views.

use anyhow::bail;
use fascicolo::config::Config;

pub async fn check_sources(config: &Config) -> anyhow::Result<()> {
    if config.sources.is_empty() {
        bail!("no [[sources]] configured");
    }
    let mut failed = false;
    for source in &config.sources {
        let report = fascicolo::sources::check::check_source(source).await;
        print!("{report}");
        failed |= !report.passed();
    }
    if failed {
        std::process::exit(1);
    }
    Ok(())
}
