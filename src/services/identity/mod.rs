//! Identity as a use case (DOMAIN.md §3.1): the links between old and new fiscal codes, held in
//! memory for every request's lookups, and the administrator's acts that change them. The
//! re-keying of rows stored under base codes before identity became the exact code is in
//! `rekey`.

pub mod rekey;
pub mod review;

use crate::domain::FiscalCode;
use crate::domain::identity::{CodeLink, LinkMap};
use crate::error::AppError;
use crate::store::Store;
use crate::store::identity as links;
use crate::store::write::{self, Actor};
use chrono::Utc;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// The active links every lookup expands citizens with, read from the store at start, after
/// each link or unlink made by this replica, and every `identity.link_refresh_ms` for those
/// made by other replicas. Reading them on every request would cost each profile a store
/// round trip for a table that changes a few times a year.
pub struct LinkDirectory {
    current: RwLock<Arc<LinkMap>>,
}

impl LinkDirectory {
    pub async fn load(store: &Store) -> Result<Self, sea_orm::DbErr> {
        let map = LinkMap::new(links::active_links(store.maintenance_db()).await?);
        Ok(LinkDirectory {
            current: RwLock::new(Arc::new(map)),
        })
    }

    /// An empty directory (in-process tools that never link).
    pub fn empty() -> Self {
        LinkDirectory {
            current: RwLock::new(Arc::new(LinkMap::default())),
        }
    }

    pub fn current(&self) -> Arc<LinkMap> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub async fn refresh(&self, store: &Store) -> Result<(), sea_orm::DbErr> {
        let map = LinkMap::new(links::active_links(store.maintenance_db()).await?);
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(map);
        Ok(())
    }

    /// Refreshes every `every` until the task is aborted (server shutdown).
    pub fn spawn_refresh(
        self: &Arc<Self>,
        store: Store,
        every: Duration,
    ) -> tokio::task::JoinHandle<()> {
        let directory = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                tick.tick().await;
                if let Err(e) = directory.refresh(&store).await {
                    tracing::warn!(error = %e, "reading the fiscal code links");
                }
            }
        })
    }
}

/// Joins `from` (an old code) to `to` (the code the person holds now): from then on the
/// sources' and the store's rows of `from` appear under `to`, marked with the link. One
/// transaction with its audit rows, one for each code.
pub async fn link(
    store: &Store,
    directory: &LinkDirectory,
    actor: &Actor,
    from: FiscalCode,
    to: FiscalCode,
    reason: &str,
) -> Result<CodeLink, AppError> {
    let reason = checked_reason(reason)?;
    let txn = write::begin(store.db()).await?;
    // checked against the links as stored now, not as this replica last read them
    let current = LinkMap::new(links::active_links(&txn).await?);
    current
        .check_new(&from, &to)
        .map_err(|e| AppError::bad_input("from", e.to_string()))?;
    let link = CodeLink {
        id: uuid::Uuid::new_v4().to_string(),
        from,
        to,
        reason,
        linked_at: Utc::now(),
        linked_by: actor.subject().to_owned(),
    };
    links::insert_link(&txn, &link).await?;
    let what = format!("linkFiscalCodes {} -> {} ({})", link.from, link.to, link.id);
    write::audit(&txn, actor, link.from.as_str(), what.clone()).await?;
    write::audit(&txn, actor, link.to.as_str(), what).await?;
    write::commit(txn).await?;
    refresh_after_change(store, directory).await;
    Ok(link)
}

/// Undoes the active link out of `from`: its rows show under their own code again.
pub async fn unlink(
    store: &Store,
    directory: &LinkDirectory,
    actor: &Actor,
    from: FiscalCode,
    reason: &str,
) -> Result<CodeLink, AppError> {
    let reason = checked_reason(reason)?;
    let txn = write::begin(store.db()).await?;
    let Some(link) = links::end_link(&txn, &from, actor.subject(), &reason).await? else {
        return Err(AppError::NotFound(format!(
            "{from} is not linked to another code"
        )));
    };
    let what = format!(
        "unlinkFiscalCodes {} -> {} ({})",
        link.from, link.to, link.id
    );
    write::audit(&txn, actor, link.from.as_str(), what.clone()).await?;
    write::audit(&txn, actor, link.to.as_str(), what).await?;
    write::commit(txn).await?;
    refresh_after_change(store, directory).await;
    Ok(link)
}

/// The history of links into and out of `code`.
pub async fn history(store: &Store, code: &FiscalCode) -> Result<Vec<links::LinkRecord>, AppError> {
    Ok(links::history(store.db(), code.as_str()).await?)
}

async fn refresh_after_change(store: &Store, directory: &LinkDirectory) {
    // the change is committed; a failed re-read is caught up by the periodic refresh
    if let Err(e) = directory.refresh(store).await {
        tracing::warn!(error = %e, "re-reading the fiscal code links after a change");
    }
}

/// A link, an unlink or a review's resolution is an act an auditor reads later: its reason
/// must say something.
const REASON_MAX: usize = 500;

pub(crate) fn checked_reason(reason: &str) -> Result<String, AppError> {
    let reason = reason.trim();
    if reason.chars().count() < 10 {
        return Err(AppError::bad_input(
            "reason",
            "reason must say why the codes are (un)linked, in at least 10 characters",
        ));
    }
    if reason.chars().count() > REASON_MAX {
        return Err(AppError::bad_input(
            "reason",
            format!("reason must be at most {REASON_MAX} characters"),
        ));
    }
    Ok(reason.to_owned())
}
