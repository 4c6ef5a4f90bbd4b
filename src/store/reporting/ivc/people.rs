//! IVC users by where they come from (seed 003: "Piemonte 50%, altri Paesi esteri 39%, altre
//! Regioni 11%"; "Principali Stati: ROMANIA, MAROCCO, PERU', ALBANIA, NIGERIA, MOLDAVIA,
//! BRASILE, COSTA D'AVORIO, SENEGAL, ARGENTINA"). A citizen counts once per (region,
//! programme), so that the figures add up over what a filter slices by.

use super::{IvcScope, measured};
use sea_orm::sea_query::{Alias, Expr, Func};
use sea_orm::{ConnectionTrait, DbBackend};

/// One user per (region, programme, fiscal code), counted distinct.
fn users(backend: DbBackend) -> sea_orm::sea_query::SimpleExpr {
    let user = match backend {
        DbBackend::MySql => {
            "CONCAT(ivc_dossier.region, '|', COALESCE(ivc_dossier.program, ''), '|', \
             ivc_dossier.fiscal_code)"
        }
        _ => {
            "ivc_dossier.region || '|' || COALESCE(ivc_dossier.program, '') || '|' || \
             ivc_dossier.fiscal_code"
        }
    };
    Func::count_distinct(Expr::cust(user)).into()
}

/// Citizens by where they were born, as the fiscal code says: SAME_REGION as the dossier,
/// OTHER_REGION, ABROAD (a `Z` state code), UNKNOWN (a code no table knows).
pub fn users_by_origin(db: &impl ConnectionTrait, scope: &IvcScope) -> super::Measured {
    let backend = db.get_database_backend();
    let select = scope
        .select()
        .left_join(
            Alias::new("birth_place"),
            Expr::cust(format!(
                "birth_place.code = {}",
                belfiore_of("ivc_dossier.fiscal_code", backend)
            )),
        )
        .to_owned();
    let origin = Expr::cust(
        "CASE WHEN substr(ivc_dossier.fiscal_code, 12, 1) = 'Z' THEN 'ABROAD' \
         WHEN birth_place.region = ivc_dossier.region THEN 'SAME_REGION' \
         WHEN birth_place.code IS NOT NULL THEN 'OTHER_REGION' ELSE 'UNKNOWN' END",
    );
    measured(select, vec![origin], users(backend))
}

/// Users with a released Dossier del Cittadino by citizenship (ISO 3166 alpha-2, as the
/// regional sources give it), read from the anagrafica the dossier froze at its release
/// (`transparency_person`, a `PersonSnapshot` as JSON): the citizenship is not in the fiscal
/// code, which tells only where one was born. UNKNOWN where nothing was frozen (dossiers
/// imported from earlier applications) or the sources had no citizenship.
pub fn users_by_citizenship(db: &impl ConnectionTrait, scope: &IvcScope) -> super::Measured {
    let backend = db.get_database_backend();
    let citizenship = match backend {
        DbBackend::Postgres => {
            "CAST(ivc_dossier.transparency_person AS JSON) ->> 'citizenship'".to_owned()
        }
        // JSON_UNQUOTE would turn a JSON null into the text 'null'
        DbBackend::MySql => {
            let value = "JSON_EXTRACT(ivc_dossier.transparency_person, '$.citizenship')";
            format!("CASE WHEN JSON_TYPE({value}) = 'STRING' THEN JSON_UNQUOTE({value}) END")
        }
        _ => "json_extract(ivc_dossier.transparency_person, '$.citizenship')".to_owned(),
    };
    let key = Expr::cust(format!(
        "COALESCE(NULLIF(UPPER(TRIM({citizenship})), ''), 'UNKNOWN')"
    ));
    measured(scope.released(), vec![key], users(backend))
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
