//! `fascicolo seed-demo`: the demo regional sources, or demo documents in the store.

use super::import::{follow, import_lines, progress_bar};
use crate::ImportKind;
use anyhow::Context;
use anyhow::bail;
use fascicolo::config::Config;
use fascicolo::config::redact;
use fascicolo::demo;
use fascicolo::store::Store;
use std::path::PathBuf;

/// `seed-demo --libretti N --ivc N`: generated legacy documents, imported (or written as
/// JSON Lines with `--jsonl DIR`).
pub async fn seed_documents(
    config: &mut Config,
    libretti: u64,
    ivc: u64,
    jsonl: Option<PathBuf>,
) -> anyhow::Result<()> {
    use std::io::Write as _;
    let kinds = [
        (ImportKind::Libretti, libretti, "libretti"),
        (ImportKind::Ivc, ivc, "ivc"),
    ];
    let generate = |kind: ImportKind, n: u64| -> Box<dyn Iterator<Item = serde_json::Value>> {
        match kind {
            ImportKind::Libretti => Box::new(demo::legacy::libretti(n, demo::DEMO_SEED)),
            ImportKind::Ivc => Box::new(demo::legacy::dossiers(n, demo::DEMO_SEED + 1)),
        }
    };
    if let Some(dir) = jsonl {
        std::fs::create_dir_all(&dir)?;
        for (kind, n, name) in kinds.into_iter().filter(|k| k.1 > 0) {
            let path = dir.join(format!("{name}.jsonl"));
            let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
            for line in generate(kind, n) {
                serde_json::to_writer(&mut out, &line)?;
                out.write_all(b"\n")?;
            }
            out.flush()?;
            println!("wrote {n} {name} to {}", path.display());
        }
        return Ok(());
    }
    demo::prepare(config).await?;
    let store = Store::connect(config.store_url()).await?;
    store.migrate().await?;
    for (kind, n, name) in kinds.into_iter().filter(|k| k.1 > 0) {
        println!("{name}:");
        let bar = progress_bar(n, "{pos}/{len} lines");
        let progress = follow(&bar, false);
        let lines = generate(kind, n).map(|v| Ok(v.to_string()));
        let rejects = std::env::temp_dir().join(format!("fascicolo-seed-{name}.rejected.tsv"));
        // generated lines are all valid: a rejected one is a bug worth stopping for
        let result = import_lines(config, &store, kind, lines, progress, &rejects, false).await;
        bar.finish_and_clear();
        result?;
    }
    Ok(())
}

pub async fn seed_demo(
    config: &Config,
    citizens: Option<usize>,
    url: Option<String>,
    part: Option<String>,
    reset: bool,
) -> anyhow::Result<()> {
    let citizens = citizens
        .or(config.demo.as_ref().map(|d| d.citizens))
        .unwrap_or(10_000);
    if let Some(url) = url {
        let data = fascicolo::sources::demo::generate(demo::DEMO_SEED, citizens);
        let source = if part.as_deref() == Some("formazione") {
            &data.formazione
        } else {
            &data.lavoro
        };
        let db = sea_orm::Database::connect(&url)
            .await
            .with_context(|| format!("connecting to {}", redact(&url)))?;
        let shown = redact(&url);
        match fascicolo::sources::demo::persons_written(&db).await {
            Some(n) if reset => {
                fascicolo::sources::demo::drop_schema(&db).await?;
                println!("{shown}: the demo source written before ({n} persons) dropped");
            }
            Some(n) if n == source.persons.len() as u64 => {
                println!(
                    "{shown}: already holds this demo source ({n} persons); nothing written \
                     (--reset writes it again)"
                );
                return Ok(());
            }
            Some(n) => bail!(
                "{shown} already holds a demo source of {n} persons, not {}: pass --reset to \
                 replace it",
                source.persons.len()
            ),
            None => {}
        }
        fascicolo::sources::demo::create_schema(&db).await?;
        fascicolo::sources::demo::insert(&db, source).await?;
        println!(
            "{}: {} persons, {} employments, {} trainings",
            redact(&url),
            source.persons.len(),
            source.employments.len(),
            source.trainings.len()
        );
        return Ok(());
    }
    let Some(demo_config) = &config.demo else {
        bail!("seed-demo without --url needs the demo configuration (run it without --config)");
    };
    demo::seed(&demo_config.data_dir, citizens).await?;
    println!(
        "demo sources written to {} ({citizens} citizens)",
        demo_config.data_dir.display()
    );
    Ok(())
}
