//! Belfiore codes of every Italian comune (suppressed ones too) with their province and
//! region, so reports can place a citizen's birthplace, read from the fiscal code, in the
//! service's region, another region or abroad (seed 003: "Piemonte 50%, altri Paesi esteri
//! 39%, altre Regioni 11%"). Data: `data/birth_places.csv`, made by scripts/birth_places.py.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BirthPlace {
    Table,
    Code,
    Province,
    Region,
}

const DATA: &str = include_str!("../data/birth_places.csv");
/// Rows per insert: three values each stays far below SQLite's bound-parameter limit.
const ROWS_PER_INSERT: usize = 2_000;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(BirthPlace::Table)
                .col(
                    ColumnDef::new(BirthPlace::Code)
                        .string_len(4)
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(BirthPlace::Province)
                        .string_len(2)
                        .not_null(),
                )
                // empty for the comuni of the territories ceded in 1947
                .col(ColumnDef::new(BirthPlace::Region).string_len(8).not_null())
                .to_owned(),
        )
        .await?;
        let rows: Vec<(usize, &str)> = DATA
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
            .collect();
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let mut insert = Query::insert();
            insert.into_table(BirthPlace::Table).columns([
                BirthPlace::Code,
                BirthPlace::Province,
                BirthPlace::Region,
            ]);
            for (number, line) in chunk {
                let [code, province, region] = line.split(';').collect::<Vec<_>>()[..] else {
                    return Err(DbErr::Migration(format!(
                        "birth_places.csv line {}: expected 3 fields",
                        number + 1
                    )));
                };
                insert.values_panic([code.into(), province.into(), region.into()]);
            }
            m.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BirthPlace::Table).to_owned())
            .await
    }
}
