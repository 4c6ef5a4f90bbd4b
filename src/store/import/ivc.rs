//! The IVC import's writes: legacy dossiers and their competences' sectors, one batch per
//! transaction (see the parent module).

use super::{Written, copy, insert_new, keep_owned, sqlite, stored_ids};
use entities::{ivc_competence, ivc_dossier};
use sea_orm::{DatabaseConnection, TransactionTrait};

/// The rows one legacy dossier becomes.
pub struct DossierRows {
    pub dossier: ivc_dossier::ActiveModel,
    pub competences: Vec<ivc_competence::ActiveModel>,
}

/// One transaction per batch; dossiers already stored (same legacy id, an open dossier of the
/// same citizen, a taken attestato number) are skipped by the database with their sectors.
pub async fn write(
    db: DatabaseConnection,
    batch: Vec<DossierRows>,
) -> Result<Written, sea_orm::DbErr> {
    let attempted = batch.len();
    let mut dossiers = Vec::with_capacity(attempted);
    let mut competences = Vec::new();
    for rows in batch {
        dossiers.push(rows.dossier);
        competences.extend(rows.competences);
    }
    let owner = |c: &ivc_competence::ActiveModel| c.dossier_id.try_as_ref().cloned();
    let inserted = match sea_orm::ConnectionTrait::get_database_backend(&db) {
        sea_orm::DbBackend::Postgres => {
            let rows = (dossiers.iter().collect::<Vec<_>>(), competences);
            copy::retrying_deadlocks(&db, &rows, |txn, (dossiers, competences)| {
                Box::pin(copy_batch(txn, dossiers, competences))
            })
            .await?
        }
        sea_orm::DbBackend::Sqlite => {
            let mut txn = db
                .get_sqlite_connection_pool()
                .begin()
                .await
                .map_err(copy::db_err)?;
            let inserted = sqlite::insert_new(&mut txn, dossiers).await?;
            if inserted < attempted as u64 {
                // some were stored already: only the competences of those this batch stored
                let owners = competences.iter().filter_map(owner);
                let stored = sqlite::stored_ids(&mut txn, "ivc_dossier", owners).await?;
                keep_owned(&mut competences, &stored, owner);
            }
            sqlite::insert_new(&mut txn, competences).await?;
            txn.commit().await.map_err(copy::db_err)?;
            inserted
        }
        _ => {
            let txn = db.begin().await?;
            let inserted = insert_new(&txn, dossiers).await?;
            let owners = competences.iter().filter_map(owner);
            let stored =
                stored_ids::<ivc_dossier::Entity>(&txn, ivc_dossier::Column::Id, owners).await?;
            keep_owned(&mut competences, &stored, owner);
            insert_new(&txn, competences).await?;
            txn.commit().await?;
            inserted
        }
    };
    Ok(Written {
        attempted,
        inserted,
    })
}

/// One attempt at a batch on PostgreSQL: the dossiers, then the sectors of those stored.
async fn copy_batch(
    txn: &mut sea_orm::sqlx::PgConnection,
    dossiers: &[&ivc_dossier::ActiveModel],
    competences: &[ivc_competence::ActiveModel],
) -> Result<u64, sea_orm::DbErr> {
    let stored = copy::insert_new(txn, dossiers, ivc_dossier::Column::Id).await?;
    let competences = copy::owned_by(competences, &stored, |c| c.dossier_id.try_as_ref().cloned());
    copy::insert_new(txn, &competences, ivc_competence::Column::Id).await?;
    Ok(stored.len() as u64)
}
