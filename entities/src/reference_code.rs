use sea_orm::entity::prelude::*;

/// One code of a reference table (contract types, education titles, evidence categories,
/// SEP sectors, competence types), valid between two dates, per region and version.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reference_code")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub list: String,
    /// Empty = every region.
    pub region: String,
    pub version: String,
    pub code: String,
    pub label: String,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub attribute: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
