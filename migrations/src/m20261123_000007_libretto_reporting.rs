//! Reporting on libretti (seed 000's tables) groups by the holder's gender and age band at
//! the first issue: two columns set at consolidation, so the database can GROUP BY them
//! instead of the gateway reading each snapshot. Existing issued libretti are filled from
//! their snapshot.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Libretto {
    Table,
    Gender,
    AgeAtIssue,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // one column per ALTER: SQLite adds a single column per statement
        m.alter_table(
            Table::alter()
                .table(Libretto::Table)
                .add_column(ColumnDef::new(Libretto::Gender).string_len(1))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Libretto::Table)
                .add_column(ColumnDef::new(Libretto::AgeAtIssue).small_integer())
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        let backend = db.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, person_snapshot, issued_at FROM libretto WHERE issued_at IS NOT NULL",
            ))
            .await?;
        for row in rows {
            let id: String = row.try_get("", "id")?;
            let snapshot: String = row.try_get("", "person_snapshot")?;
            let issued: chrono::DateTime<chrono::Utc> = row.try_get("", "issued_at")?;
            let person: serde_json::Value = serde_json::from_str(&snapshot).unwrap_or_default();
            let gender = person["gender"].as_str().map(str::to_owned);
            let age = person["birth_date"]
                .as_str()
                .and_then(|b| chrono::NaiveDate::parse_from_str(b, "%Y-%m-%d").ok())
                .and_then(|b| issued.date_naive().years_since(b))
                .and_then(|a| <i16 as TryFrom<u32>>::try_from(a).ok());
            let update = Query::update()
                .table(Libretto::Table)
                .value(Libretto::Gender, gender)
                .value(Libretto::AgeAtIssue, age)
                .and_where(Expr::col(Alias::new("id")).eq(id))
                .to_owned();
            m.exec_stmt(update).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [Libretto::Gender, Libretto::AgeAtIssue] {
            m.alter_table(
                Table::alter()
                    .table(Libretto::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
