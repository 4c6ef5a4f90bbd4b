//! `fascicolo serve`: the demo preparation, the server, and its stop on a signal.

use fascicolo::app::Application;
use fascicolo::auth::Authenticator;
use fascicolo::auth::demo::demo_tokens;
use fascicolo::config::Config;
use fascicolo::demo;
use std::time::Instant;

pub async fn serve(mut config: Config) -> anyhow::Result<()> {
    let started = Instant::now();
    demo::prepare(&mut config).await?;
    let demo_tokens = if config.is_demo() {
        demo_tokens(&Authenticator::from_config(&config.auth)?)?
    } else {
        Vec::new()
    };
    let is_demo = config.is_demo();
    let graphiql = config.server.graphiql();
    let app = Application::build(config).await?;
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
    if graphiql {
        println!("GraphiQL:  http://{addr}/");
    }
    println!("GraphQL:   http://{addr}/graphql");
    if !demo_tokens.is_empty() {
        println!(
            "Demo tokens, valid 12 h (GraphiQL mints fresh ones at each load; pick the role there):"
        );
    }
    for demo in demo_tokens {
        let office = demo
            .office
            .map(|o| format!(", office {o}"))
            .unwrap_or_default();
        println!(
            "Demo {} token ({}{office}):\n{}",
            demo.role, demo.subject, demo.token
        );
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
