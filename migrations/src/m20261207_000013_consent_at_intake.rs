//! Seed 001 (V15): the CV goes to the portal only with the consent to job matching given at
//! the presa in carico. The record says whether the consent in force was given at the intake
//! (`consent_at_intake`), each consent event whether an intake recorded it (`at_intake`), and
//! a transfer that a withdrawn consent stopped keeps when and why (`cancelled_at`,
//! `cancel_reason`).
//!
//! Existing data: until now the intake wrote each citizen's first consent event and nothing
//! else could take the citizen in charge again, so the first event is the intake's, and the
//! consent in force was given at the intake exactly when it is the only event.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Orientation {
    Table,
    ConsentAtIntake,
}

#[derive(DeriveIden)]
enum ConsentEvent {
    Table,
    AtIntake,
}

#[derive(DeriveIden)]
enum PortalTransfer {
    Table,
    CancelledAt,
    CancelReason,
}

fn flag<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // one column per ALTER: SQLite adds a single column per statement
        let columns: [(DynIden, ColumnDef); 4] = [
            (
                Orientation::Table.into_iden(),
                flag(Orientation::ConsentAtIntake),
            ),
            (
                ConsentEvent::Table.into_iden(),
                flag(ConsentEvent::AtIntake),
            ),
            (
                PortalTransfer::Table.into_iden(),
                ColumnDef::new(PortalTransfer::CancelledAt)
                    .timestamp_with_time_zone()
                    .to_owned(),
            ),
            (
                PortalTransfer::Table.into_iden(),
                ColumnDef::new(PortalTransfer::CancelReason)
                    .text()
                    .to_owned(),
            ),
        ];
        for (table, column) in columns {
            m.alter_table(Table::alter().table(table).add_column(column).to_owned())
                .await?;
        }
        let db = m.get_connection();
        // the derived table lets MySQL update the table the subquery reads
        db.execute_unprepared(
            "UPDATE consent_event SET at_intake = TRUE WHERE id IN (SELECT id FROM \
             (SELECT MIN(id) AS id FROM consent_event GROUP BY fiscal_code) AS first_events)",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE orientation SET consent_at_intake = TRUE WHERE consent_matching = TRUE \
             AND (SELECT COUNT(*) FROM consent_event e WHERE e.fiscal_code = orientation.id) = 1",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let columns: [(DynIden, DynIden); 4] = [
            (
                Orientation::Table.into_iden(),
                Orientation::ConsentAtIntake.into_iden(),
            ),
            (
                ConsentEvent::Table.into_iden(),
                ConsentEvent::AtIntake.into_iden(),
            ),
            (
                PortalTransfer::Table.into_iden(),
                PortalTransfer::CancelledAt.into_iden(),
            ),
            (
                PortalTransfer::Table.into_iden(),
                PortalTransfer::CancelReason.into_iden(),
            ),
        ];
        for (table, column) in columns {
            m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
