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
    let template = format!("{{bar:40}} {counts} {{eta}} {{msg}}");
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
    allow_rejects: bool,
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
        "{}: {} imported, {} already present, {} rejected ({:.1} s, {:.0} lines/s)",
        lines_count(report.lines as u64),
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
        if !allow_rejects {
            anyhow::bail!(
                "{} rejected (the others are imported; a re-run skips them): fix and import \
                 again, or pass --allow-rejects to accept a partial import",
                lines_count(report.rejected.len() as u64)
            );
        }
    }
    Ok(())
}

/// "1 line", "2 lines".
fn lines_count(n: u64) -> String {
    if n == 1 {
        "1 line".into()
    } else {
        format!("{n} lines")
    }
}

/// The bar follows the bytes (or lines) written, then says when the indexes are rebuilt.
pub fn follow(
    bar: &indicatif::ProgressBar,
    by_bytes: bool,
) -> impl FnMut(fascicolo::import::Progress) {
    move |p: fascicolo::import::Progress| {
        if p.rebuilding_indexes {
            bar.set_message("all lines written; rebuilding the indexes…");
        } else {
            bar.set_position(if by_bytes { p.bytes } else { p.lines });
        }
    }
}

pub async fn import(
    config: &Config,
    kind: ImportKind,
    file: &std::path::Path,
    rejects: Option<PathBuf>,
    allow_rejects: bool,
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
    let lines = std::io::BufRead::lines(input);
    let progress = follow(&bar, true);
    let result = import_lines(
        config,
        &store,
        kind,
        lines,
        progress,
        &rejects,
        allow_rejects,
    )
    .await;
    bar.finish_and_clear();
    result
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_line_is_one_line() {
        assert_eq!(super::lines_count(1), "1 line");
        assert_eq!(super::lines_count(0), "0 lines");
        assert_eq!(super::lines_count(12), "12 lines");
    }
}
