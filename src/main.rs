//! The `fascicolo` command: parses the CLI, loads the configuration, sets up logging and
//! calls the library. Run with no arguments for the demo.

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use fascicolo::app::{Application, redact};
use fascicolo::auth::{Authenticator, Role};
use fascicolo::config::Config;
use fascicolo::store::Store;
use fascicolo::{demo, graphql};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    name = "fascicolo",
    version,
    about = "GraphQL gateway for the Centri per l'Impiego: one citizen profile from several regional databases"
)]
struct Cli {
    /// TOML configuration file; without one the embedded demo runs.
    #[arg(long, global = true, env = "FASCICOLO_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve GraphQL (the default).
    Serve,
    /// Apply the store migrations and exit.
    Migrate,
    /// (Re)create the demo regional databases with synthetic citizens; or, with --libretti
    /// and --ivc, generate legacy documents shaped like the seeds' tables and import them.
    SeedDemo {
        /// Number of citizens (default: demo.citizens of the configuration).
        #[arg(long)]
        citizens: Option<usize>,
        /// Generate this many legacy libretti (seed 000's areas, gender and age bands) and
        /// import them into the configured store.
        #[arg(long, conflicts_with_all = ["citizens", "url"])]
        libretti: Option<u64>,
        /// Generate this many legacy IVC dossiers (seed 003's years, outcomes, origins).
        #[arg(long, conflicts_with_all = ["citizens", "url"])]
        ivc: Option<u64>,
        /// With --libretti/--ivc: write DIR/libretti.jsonl and DIR/ivc.jsonl (the import
        /// format) instead of importing.
        #[arg(long)]
        jsonl: Option<PathBuf>,
        /// Fill this SQL database (postgres://, mysql:// or sqlite://) with one demo source
        /// instead of the demo directory: base tables plus the gw_* contract views.
        #[arg(long, requires = "part")]
        url: Option<String>,
        /// Which demo source to write with --url.
        #[arg(long, value_parser = ["lavoro", "formazione"])]
        part: Option<String>,
    },
    /// Write the GraphQL SDL.
    ExportSchema {
        #[arg(long, default_value = "schema/schema.graphql")]
        out: PathBuf,
    },
    /// Check every configured source against the contract views; exit 1 on any problem.
    CheckSources,
    /// Load legacy libretti or IVC dossiers from a JSON Lines file (README "Import");
    /// idempotent.
    Import {
        #[arg(value_enum)]
        kind: ImportKind,
        file: PathBuf,
        /// Where to write the rejected lines (line number, reason); default FILE.rejected.tsv.
        #[arg(long)]
        rejects: Option<PathBuf>,
    },
    /// The audit log: check its hash chain, or delete what is past its retention.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Mint a JWT signed with the configured HS256 secret (development and scripts).
    Token {
        #[arg(long, value_enum)]
        role: Role,
        /// CPI code of the office.
        #[arg(long)]
        office: Option<String>,
        /// Lifetime, e.g. 30m, 8h, 7d.
        #[arg(long, default_value = "8h", value_parser = humantime::parse_duration)]
        ttl: Duration,
        #[arg(long, default_value = "dev")]
        subject: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain (anchor to head) against audit.checkpoint_file; read only. Prints
    /// what holds, or the first problem and exits with 1.
    Verify {
        /// Other checkpoint files to check as well (other replicas' own files).
        #[arg(long = "checkpoints")]
        more_files: Vec<PathBuf>,
    },
    /// Delete the rows older than audit.retention_days (run it daily, e.g. from cron); the
    /// hash of the last one deleted becomes the chain's new anchor, checkpointed.
    Prune {
        /// Delete only rows older than this many days (at least audit.retention_days).
        #[arg(long)]
        older_than_days: Option<u32>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ImportKind {
    Libretti,
    Ivc,
}

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref())?;
    let telemetry = fascicolo::telemetry::init(&config.log)?;
    let outcome = run(cli.command.unwrap_or(Command::Serve), config).await;
    // spans still buffered for the OTLP collector go out before the process ends
    telemetry.shutdown();
    outcome
}

async fn run(command: Command, mut config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            demo::prepare(&mut config).await?;
            let store = Store::connect(config.store_url()).await?;
            store.migrate().await?;
            println!("store {} is up to date", redact(config.store_url()));
            Ok(())
        }
        Command::SeedDemo {
            libretti,
            ivc,
            jsonl,
            ..
        } if libretti.is_some() || ivc.is_some() => {
            seed_documents(&mut config, libretti.unwrap_or(0), ivc.unwrap_or(0), jsonl).await
        }
        Command::SeedDemo {
            citizens,
            url,
            part,
            ..
        } => seed_demo(&config, citizens, url, part).await,
        Command::ExportSchema { out } => {
            if let Some(dir) = out.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&out, graphql::sdl())?;
            println!("wrote {}", out.display());
            Ok(())
        }
        Command::CheckSources => check_sources(&config).await,
        Command::Import {
            kind,
            file,
            rejects,
        } => {
            demo::prepare(&mut config).await?;
            import(&config, kind, &file, rejects).await
        }
        Command::Audit { command } => audit(&config, command).await,
        Command::Token {
            role,
            office,
            ttl,
            subject,
        } => {
            demo::prepare(&mut config).await?;
            let auth = Authenticator::from_config(&config.auth)?;
            println!("{}", auth.mint(&subject, role, office.as_deref(), ttl)?);
            Ok(())
        }
    }
}

async fn serve(mut config: Config) -> anyhow::Result<()> {
    let started = Instant::now();
    demo::prepare(&mut config).await?;
    let demo_token = if config.is_demo() {
        let auth = Authenticator::from_config(&config.auth)?;
        Some(auth.mint(
            "demo-operator",
            Role::Operator,
            Some("CPI-FI-01"),
            Duration::from_secs(12 * 3600),
        )?)
    } else {
        None
    };
    let is_demo = config.is_demo();
    let app = Application::build(config, demo_token.clone()).await?;
    if is_demo {
        // first start only; a failure leaves the demo usable without its sample documents
        match demo::documents::seed_once(app.http_state()).await {
            Ok(Some(written)) => tracing::info!(
                libretti = written.libretti,
                ivc_dossiers = written.dossiers,
                orientations = written.orientations,
                "demo documents written"
            ),
            Ok(None) => {}
            Err(err) => tracing::warn!(error = %err, "demo documents not written"),
        }
    }
    let addr = app.local_addr();
    println!("fascicolo ready in {} ms", started.elapsed().as_millis());
    println!("GraphiQL:  http://{addr}/");
    println!("GraphQL:   http://{addr}/graphql");
    if let Some(token) = demo_token {
        println!("Demo operator token (GraphiQL already sends it; valid 12 h):\n{token}");
    }
    app.run_until(shutdown_signal()).await?;
    Ok(())
}

/// A progress bar that follows bytes of a file (`{bytes}/{total_bytes}`), or lines of a known
/// count (`{pos}/{len}`).
fn progress_bar(total: u64, counts: &str) -> indicatif::ProgressBar {
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
async fn import_lines(
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

async fn import(
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

/// `seed-demo --libretti N --ivc N`: generated legacy documents, imported (or written as
/// JSON Lines with `--jsonl DIR`).
async fn seed_documents(
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
        let progress = |p: fascicolo::import::Progress| bar.set_position(p.lines);
        let lines = generate(kind, n).map(|v| Ok(v.to_string()));
        let rejects = std::env::temp_dir().join(format!("fascicolo-seed-{name}.rejected.tsv"));
        let result = import_lines(config, &store, kind, lines, progress, &rejects).await;
        bar.finish_and_clear();
        result?;
    }
    Ok(())
}

async fn seed_demo(
    config: &Config,
    citizens: Option<usize>,
    url: Option<String>,
    part: Option<String>,
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

async fn audit(config: &Config, command: AuditCommand) -> anyhow::Result<()> {
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

async fn check_sources(config: &Config) -> anyhow::Result<()> {
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

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
