//! The `fascicolo` command: parses the CLI, loads the configuration, sets up logging and
//! calls the library (each subcommand in `cli/`). Run with no arguments for the demo.

use clap::{Parser, Subcommand};
use fascicolo::auth::{Authenticator, Role};
use fascicolo::config::Config;
use fascicolo::config::redact;
use fascicolo::store::Store;
use fascicolo::telemetry::LogTarget;
use fascicolo::{demo, graphql};
use std::path::PathBuf;
use std::time::Duration;

mod cli;

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
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8081 or 0.0.0.0:8080 (default: server.listen,
        /// 127.0.0.1:8080).
        #[arg(long, value_name = "ADDR")]
        listen: Option<std::net::SocketAddr>,
    },
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
        /// With --url: drop the demo tables and views an earlier run wrote, then write them
        /// again (without it, a database that already holds the same source is left as is).
        #[arg(long, requires = "url")]
        reset: bool,
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
        /// Exit 0 even when lines were rejected (by default a rejected line makes the exit
        /// status 1, the other lines staying imported).
        #[arg(long)]
        allow_rejects: bool,
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
    let mut config = Config::load(cli.config.as_deref())?;
    // a command other than serve answers on stdout and logs only warnings, on stderr, unless
    // RUST_LOG asks for more
    let serving = matches!(cli.command, None | Some(Command::Serve { .. }));
    let target = if serving {
        LogTarget::Stdout
    } else {
        config.log.level = "warn".into();
        LogTarget::Stderr
    };
    let telemetry = fascicolo::telemetry::init(&config.log, target)?;
    let outcome = run(
        cli.command.unwrap_or(Command::Serve { listen: None }),
        config,
    )
    .await;
    // spans still buffered for the OTLP collector go out before the process ends
    telemetry.shutdown();
    outcome
}

async fn run(command: Command, mut config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { listen } => {
            if let Some(addr) = listen {
                config.server.listen = addr;
            }
            cli::serve::serve(config).await
        }
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
            cli::demo::seed_documents(&mut config, libretti.unwrap_or(0), ivc.unwrap_or(0), jsonl)
                .await
        }
        Command::SeedDemo {
            citizens,
            url,
            part,
            reset,
            ..
        } => cli::demo::seed_demo(&config, citizens, url, part, reset).await,
        Command::ExportSchema { out } => {
            if let Some(dir) = out.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&out, graphql::sdl())?;
            println!("wrote {}", out.display());
            Ok(())
        }
        Command::CheckSources => cli::sources::check_sources(&config).await,
        Command::Import {
            kind,
            file,
            rejects,
            allow_rejects,
        } => {
            demo::prepare(&mut config).await?;
            cli::import::import(&config, kind, &file, rejects, allow_rejects).await
        }
        Command::Audit { command } => cli::audit::audit(&config, command).await,
        Command::Token {
            role,
            office,
            ttl,
            subject,
        } => {
            let demo_dir = config.demo.as_ref().map(|d| d.data_dir.clone());
            let existed = demo_dir.as_ref().is_some_and(|dir| dir.exists());
            demo::prepare(&mut config).await?;
            if let Some(dir) = demo_dir {
                // stdout stays the token alone; say on stderr whose secret signed it
                let created = if existed { "" } else { ", created just now" };
                eprintln!(
                    "no --config: signed with the demo's secret ({}{created}); a token for a \
                     real deployment needs --config with its auth.hs256_secret",
                    dir.display()
                );
            }
            let auth = Authenticator::from_config(&config.auth)?;
            println!("{}", auth.mint(&subject, role, office.as_deref(), ttl)?);
            Ok(())
        }
    }
}
