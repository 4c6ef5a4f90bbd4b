//! Use cases that orchestrate the regional sources, the store and the domain: a resolver or a
//! command parses its input, calls one function here and wraps the result (STYLE.md 14).

pub mod consent;
pub mod identity;
pub mod ivc;
pub mod libretto;
pub mod orientation;
pub mod pact;
pub mod portal_contract;
pub mod prefill;
pub mod profiling;
pub mod territory;

use crate::config::Config;
use crate::sources::SourceRegistry;
use crate::store::Store;
use crate::store::reference::ReferenceData;
use identity::LinkDirectory;

/// What the use cases work with, borrowed from the application state (`crate::state`, which
/// sits above the services and hands this out with `AppState::deps`).
#[derive(Clone, Copy)]
pub struct Deps<'a> {
    pub config: &'a Config,
    pub store: &'a Store,
    pub registry: &'a SourceRegistry,
    pub reference: &'a ReferenceData,
    pub links: &'a LinkDirectory,
}
