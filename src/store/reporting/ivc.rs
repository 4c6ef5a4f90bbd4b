//! IVC dossiers (seed 003): what each report counts and the citizens behind each figure. A
//! citizen may hold dossiers of several years, sectors or programmes, so citizens never add
//! up across a breakdown: every margin is counted by its own statement.

use super::{Columns, Measured, count_all, count_distinct, count_distinct_when, sum_of, year_of};
use entities::{ivc_competence, ivc_dossier};
use sea_orm::sea_query::{
    Alias, Condition, Expr, ExprTrait, Func, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IvcScope {
    pub region: Option<String>,
    pub program: Option<String>,
}

impl IvcScope {
    fn condition(&self) -> Condition {
        let col = |c: ivc_dossier::Column| Expr::col((ivc_dossier::Entity, c));
        let mut cond = Condition::all();
        if let Some(region) = &self.region {
            cond = cond.add(col(ivc_dossier::Column::Region).eq(region.clone()));
        }
        if let Some(program) = &self.program {
            cond = cond.add(col(ivc_dossier::Column::Program).eq(program.clone()));
        }
        cond
    }

    fn select(&self) -> SelectStatement {
        Query::select()
            .from(ivc_dossier::Entity)
            .cond_where(self.condition())
            .to_owned()
    }
}

fn column(c: ivc_dossier::Column) -> SimpleExpr {
    Expr::col((ivc_dossier::Entity, c))
}

fn citizens() -> SimpleExpr {
    count_distinct((ivc_dossier::Entity, ivc_dossier::Column::FiscalCode))
}

fn measured(from: SelectStatement, keys: Vec<SimpleExpr>, value: SimpleExpr) -> Measured {
    Measured {
        from,
        columns: Columns::Long {
            keys,
            value,
            also: None,
        },
        people: citizens(),
        rows_additive: false,
        cols_additive: false,
    }
}

/// The breakdown a filter slices dossiers by: the (region, programme) pair.
pub fn territory() -> Vec<SimpleExpr> {
    vec![
        column(ivc_dossier::Column::Region),
        column(ivc_dossier::Column::Program),
    ]
}

/// Dossiers by the year they were requested.
pub fn dossiers_by_year(db: &impl ConnectionTrait, scope: &IvcScope) -> Measured {
    let year = year_of(
        db.get_database_backend(),
        (ivc_dossier::Entity, ivc_dossier::Column::RequestedOn),
    );
    measured(scope.select(), vec![year], count_all())
}

/// Attestati di validazione by the year they were issued.
pub fn attestati_by_year(db: &impl ConnectionTrait, scope: &IvcScope) -> Measured {
    let mut select = scope.select();
    select.and_where(ivc_dossier::Column::AttestatoIssuedOn.is_not_null());
    let year = year_of(
        db.get_database_backend(),
        (ivc_dossier::Entity, ivc_dossier::Column::AttestatoIssuedOn),
    );
    measured(select, vec![year], count_all())
}

/// Closed dossiers by outcome class (seed 003: dossier only, dossier + attestato,
/// qualification; and withdrawals).
pub fn outcomes(scope: &IvcScope) -> Measured {
    let mut select = scope.select();
    select.and_where(ivc_dossier::Column::Status.eq("CLOSED"));
    measured(
        select,
        vec![column(ivc_dossier::Column::Outcome)],
        count_all(),
    )
}

/// Dossiers by the SEP sector of their competences (a dossier counts once per sector).
pub fn dossiers_by_sector(scope: &IvcScope) -> Measured {
    let select = scope
        .select()
        .inner_join(
            ivc_competence::Entity,
            Expr::col((ivc_competence::Entity, ivc_competence::Column::DossierId))
                .equals((ivc_dossier::Entity, ivc_dossier::Column::Id)),
        )
        .to_owned();
    let sector = Expr::col((ivc_competence::Entity, ivc_competence::Column::SepSector));
    measured(
        select,
        vec![sector],
        count_distinct((ivc_dossier::Entity, ivc_dossier::Column::Id)),
    )
}

/// Citizens by where they were born, as the fiscal code says: SAME_REGION as the dossier,
/// OTHER_REGION, ABROAD (a `Z` state code), UNKNOWN (a code no table knows) — seed 003's
/// "Piemonte 50%, altri Paesi esteri 39%, altre Regioni 11%". A citizen counts once per
/// (region, programme), so that the figures add up over what a filter slices by.
pub fn users_by_origin(db: &impl ConnectionTrait, scope: &IvcScope) -> Measured {
    let select = scope
        .select()
        .left_join(
            Alias::new("birth_place"),
            Expr::cust(format!(
                "birth_place.code = {}",
                belfiore_of("ivc_dossier.fiscal_code", db.get_database_backend())
            )),
        )
        .to_owned();
    let origin = Expr::cust(
        "CASE WHEN substr(ivc_dossier.fiscal_code, 12, 1) = 'Z' THEN 'ABROAD' \
         WHEN birth_place.region = ivc_dossier.region THEN 'SAME_REGION' \
         WHEN birth_place.code IS NOT NULL THEN 'OTHER_REGION' ELSE 'UNKNOWN' END",
    );
    let user = match db.get_database_backend() {
        DbBackend::MySql => {
            "CONCAT(ivc_dossier.region, '|', COALESCE(ivc_dossier.program, ''), '|', \
             ivc_dossier.fiscal_code)"
        }
        _ => {
            "ivc_dossier.region || '|' || COALESCE(ivc_dossier.program, '') || '|' || \
             ivc_dossier.fiscal_code"
        }
    };
    measured(
        select,
        vec![origin],
        Func::count_distinct(Expr::cust(user)).into(),
    )
}

/// Session minutes (`value`) and their cost in cent-minutes (`also`: each dossier at its own
/// unit cost), published by the citizens whose sessions they are.
pub fn minutes_and_cost(db: &impl ConnectionTrait, scope: &IvcScope) -> Measured {
    let backend = db.get_database_backend();
    let minutes = column(ivc_dossier::Column::MinutesUsed);
    let cost = minutes
        .clone()
        .mul(column(ivc_dossier::Column::HourlyCostCents));
    Measured {
        from: scope.select(),
        columns: Columns::Long {
            keys: Vec::new(),
            value: sum_of(backend, minutes.clone()),
            also: Some(sum_of(backend, cost)),
        },
        people: count_distinct_when(
            minutes.gt(0),
            (ivc_dossier::Entity, ivc_dossier::Column::FiscalCode),
        ),
        rows_additive: false,
        cols_additive: false,
    }
}

/// The Belfiore code (characters 12-15) of a stored fiscal code, in SQL. Codes are stored
/// exactly as held (DOMAIN.md §3.1), so an omocode's last three digits may be letters
/// (L=0 … V=9): they are turned back into digits, which is all de-omocoding does there.
pub fn belfiore_of(column: &str, backend: DbBackend) -> String {
    let mut digits = format!("substr({column}, 13, 3)");
    for (letter, digit) in "LMNPQRSTUV".chars().zip('0'..='9') {
        digits = format!("REPLACE({digits}, '{letter}', '{digit}')");
    }
    match backend {
        DbBackend::MySql => format!("CONCAT(substr({column}, 12, 1), {digits})"),
        _ => format!("substr({column}, 12, 1) || {digits}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FiscalCode;
    use sea_orm::{ConnectionTrait, Database, Statement};

    #[tokio::test]
    async fn an_omocode_is_born_where_its_base_is() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        let base = FiscalCode::parse("RSSMRA85T10A562S").unwrap();
        for level in 0..=7 {
            let code = base.omocode_variant(level);
            let sql = format!(
                "SELECT {} AS place",
                belfiore_of(&format!("'{code}'"), DbBackend::Sqlite)
            );
            let row = db
                .query_one_raw(Statement::from_string(DbBackend::Sqlite, sql))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                row.try_get::<String>("", "place").unwrap(),
                "A562",
                "{code}"
            );
        }
    }
}
