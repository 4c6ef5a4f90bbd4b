//! `fascicolo import`: legacy libretti or IVC dossiers from a JSON Lines file.

use crate::ImportKind;
use fascicolo::config::Config;
use fascicolo::store::Store;
use std::path::PathBuf;
use std::time::Instant;

/// A progress bar that follows bytes of a file (`{bytes}/{total_bytes}`), or lines of a known
/// count (`{pos}/{len}`).
pub fn progress_bar(total: u64, counts: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    let template = format!("{{bar:40}} {counts} {{eta}}");
    bar.set_style(
        indicatif::ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Imports `lines` into the store; prints the summary and writes rejected lines to
/// `rejects`.
pub async fn import_lines(
    config: &Config,
    store: &Store,
    kind: ImportKind,
    lines: impl IntoIterator<Item = std::io::Result<String>>,
    progress: impl FnMut(fascicolo::import::Progress),
    rejects: &std::path::Path,
) -> anyhow::Result<()> {
    let started = Instant::now();
    if store.db().get_database_backend() == sea_orm::DbBackend::Sqlite {
        // a bulk load touches every page of the UUID indexes: keep them in memory (1 GiB, for
        // this command's one connection only)
        use sea_orm::ConnectionTrait;
        store
            .db()
            .execute_unprepared("PRAGMA cache_size = -1048576")
            .await?;
    }
    let reference = fascicolo::store::reference::ReferenceData::load(store.db()).await?;
    let report = match kind {
        ImportKind::Libretti => {
            let region = &config.documents.region;
            fascicolo::import::libretti(store.db(), &reference, region, lines, progress).await?
        }
        ImportKind::Ivc => {
            fascicolo::import::ivc::dossiers(
                store.db(),
                &reference,
                config.ivc_region(),
                config.ivc.max_hours,
                lines,
                progress,
            )
            .await?
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} lines: {} imported, {} already present, {} rejected ({:.1} s, {:.0} lines/s)",
        report.lines,
        report.imported,
        report.already_present,
        report.rejected.len(),
        seconds,
        report.lines as f64 / seconds.max(0.001)
    );
    if !report.rejected.is_empty() {
        let mut text = String::from("line\treason\n");
        for (line, reason) in &report.rejected {
            text.push_str(&format!("{line}\t{}\n", reason.replace(['\t', '\n'], " ")));
        }
        std::fs::write(rejects, text)?;
        println!("rejected lines written to {}", rejects.display());
    }
    Ok(())
}

pub async fn import(
    config: &Config,
    kind: ImportKind,
    file: &std::path::Path,
    rejects: Option<PathBuf>,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let store = Store::connect(config.store_url()).await?;
    store.migrate().await?;
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    let input = std::io::BufReader::new(std::fs::File::open(file)?);
    let bar = progress_bar(size, "{bytes}/{total_bytes}");
    let rejects = rejects.unwrap_or_else(|| {
        let mut name = file.as_os_str().to_owned();
        name.push(".rejected.tsv");
        PathBuf::from(name)
    });
    let progress = |p: fascicolo::import::Progress| bar.set_position(p.bytes);
    let lines = std::io::BufRead::lines(input);
    let result = import_lines(config, &store, kind, lines, progress, &rejects).await;
    bar.finish_and_clear();
    result
}
