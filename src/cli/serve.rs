//! `fascicolo serve`: the demo preparation, the server, and its stop on a signal.

use fascicolo::app::Application;
use fascicolo::auth::{Authenticator, Role};
use fascicolo::config::Config;
use fascicolo::demo;
use std::time::{Duration, Instant};

pub async fn serve(mut config: Config) -> anyhow::Result<()> {
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
