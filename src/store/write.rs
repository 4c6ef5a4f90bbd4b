//! What every write to the store shares (DESIGN.md "Mutations"): one transaction, the
//! optimistic `version` claimed first, and an audit row in the same transaction.

use super::audit::chain;
use crate::auth::{Principal, Role};
use crate::domain::FiscalCode;
use crate::domain::identity::LinkMap;
use crate::error::AppError;
use crate::sources::SourceRegistry;
use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
use std::sync::Arc;

/// Who writes, for audit rows and `created_by`/`updated_by` columns.
#[derive(Clone)]
pub struct Actor {
    pub principal: Principal,
    pub request_id: String,
    /// Set when `auth.operators_write_own_territory_only` is on: the sources that tell a
    /// citizen's province (with the fiscal code links in force), checked before every write's
    /// audit row.
    pub territory: Option<(Arc<SourceRegistry>, Arc<LinkMap>)>,
}

impl std::fmt::Debug for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Actor")
            .field("principal", &self.principal)
            .field("request_id", &self.request_id)
            .field("territory", &self.territory.is_some())
            .finish()
    }
}

const TERRITORY_RULE: &str = "auth.operators_write_own_territory_only";

/// The province of a CPI office code: `CPI-XX-…` → `XX` (DESIGN.md "Roles and privacy").
pub fn office_province(office: &str) -> Option<&str> {
    let rest = office.strip_prefix("CPI-")?;
    let (province, tail) = rest.split_once('-')?;
    (province.len() == 2 && province.bytes().all(|b| b.is_ascii_uppercase()) && !tail.is_empty())
        .then_some(province)
}

/// With the territory rule on, an operator writes only for a citizen whose CPI (`cpi_code`)
/// or residence province, in the merged person record, is their office's province. A
/// citizen the sources cannot place is refused too: the rule must be proven, not assumed.
/// A write whose refusals could tell about the citizen's documents checks it first.
pub async fn check_territory(actor: &Actor, fiscal_code: &str) -> Result<(), AppError> {
    let Some((registry, links)) = &actor.territory else {
        return Ok(());
    };
    if actor.principal.role != Role::Operator {
        return Ok(());
    }
    let Some(province) = actor.principal.office.as_deref().and_then(office_province) else {
        return Err(AppError::Forbidden(format!(
            "{TERRITORY_RULE}: the token's office is not a CPI code of the form CPI-XX-… \
             (XX the province), so the operator's territory is unknown"
        )));
    };
    let key = FiscalCode::parse(fiscal_code).map_err(AppError::internal)?;
    let gathered = registry.persons(std::slice::from_ref(&key), links).await;
    let inside = gathered.value.get(&key).is_some_and(|person| {
        let cpi = person
            .cpi_code
            .as_ref()
            .and_then(|c| office_province(&c.value).map(str::to_owned));
        let residence = person.residence_province.as_ref().map(|p| p.value.clone());
        [cpi, residence]
            .into_iter()
            .flatten()
            .any(|p| p.eq_ignore_ascii_case(province))
    });
    if inside {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "{TERRITORY_RULE}: operators of an office in province {province} write only for \
             citizens resident in {province} or in charge of a CPI there; the regional \
             sources do not place this citizen there"
        )))
    }
}

impl Actor {
    pub fn subject(&self) -> &str {
        &self.principal.subject
    }

    /// The office a write records (input field `field`): an operator's is its token's, and
    /// an input naming another is refused; an administrator may name any office, its own
    /// when it names none.
    pub fn office(&self, field: &str, given: Option<String>) -> Result<Option<String>, AppError> {
        let own = self.principal.office.clone();
        let Some(given) = given.map(|g| g.trim().to_owned()) else {
            return Ok(own);
        };
        crate::domain::libretto::check_text(field, &given, 32)?;
        match own {
            _ if self.principal.role == Role::Admin => Ok(Some(given)),
            Some(own) if own.eq_ignore_ascii_case(&given) => Ok(Some(own)),
            own => Err(AppError::Forbidden(format!(
                "{field}: an operator writes for the office of its token ({}), not for \
                 {given}; only an administrator may name another office",
                own.as_deref().unwrap_or("none")
            ))),
        }
    }
}

pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, AppError> {
    Ok(db.begin().await?)
}

/// Moves document `id` of `table` from `expected` to `expected + 1`, or fails: NOT_FOUND when
/// there is no such document, CONFLICT when someone else changed it since the caller read it.
/// Claiming first also locks the row (PostgreSQL) so the rest of the transaction sees the state
/// it validates against.
pub async fn claim_version(
    txn: &DatabaseTransaction,
    table: &'static str,
    what: &str,
    id: &str,
    expected: i64,
) -> Result<(), AppError> {
    let update = Query::update()
        .table(Alias::new(table))
        .value(
            Alias::new("version"),
            Expr::col(Alias::new("version")).add(1),
        )
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .and_where(Expr::col(Alias::new("version")).eq(expected))
        .to_owned();
    let done = txn.execute(&update).await?;
    if done.rows_affected() == 1 {
        return Ok(());
    }
    let select = Query::select()
        .column(Alias::new("version"))
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    match txn.query_one(&select).await? {
        None => Err(AppError::NotFound(format!("{what} {id} does not exist"))),
        Some(row) => {
            let current: i64 = row
                .try_get::<i64>("", "version")
                .or_else(|_| row.try_get::<i32>("", "version").map(i64::from))?;
            Err(AppError::Conflict {
                message: format!(
                    "{what} {id} was changed by someone else: you read version {expected}, \
                     it is now version {current}; read it again and retry"
                ),
                current_version: current,
            })
        }
    }
}

/// The audit row of a write (after the territory rule, when on), appended to the audit chain inside the write's transaction
/// (DOMAIN.md V25): the write and its row commit together or not at all.
pub async fn audit(
    txn: &DatabaseTransaction,
    actor: &Actor,
    fiscal_code: &str,
    what: String,
) -> Result<(), AppError> {
    check_territory(actor, fiscal_code).await?;
    audit_checked(txn, actor, fiscal_code, what).await
}

/// `audit` for a write that ran `check_territory` before its changes.
pub async fn audit_checked(
    txn: &DatabaseTransaction,
    actor: &Actor,
    fiscal_code: &str,
    what: String,
) -> Result<(), AppError> {
    let row = chain::NewRow {
        at: Utc::now(),
        request_id: actor.request_id.clone(),
        subject: actor.principal.subject.clone(),
        role: actor.principal.role.as_str().to_owned(),
        office: actor.principal.office.clone(),
        fiscal_code: fiscal_code.to_owned(),
        action: super::audit::WRITE.to_owned(),
        fields: what,
    };
    chain::append(txn, vec![row]).await?;
    Ok(())
}

/// Commits, mapping a failure to INTERNAL (nothing was written).
pub async fn commit(txn: DatabaseTransaction) -> Result<(), AppError> {
    Ok(txn.commit().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, office: Option<&str>) -> Actor {
        Actor {
            principal: Principal {
                subject: "op".into(),
                role,
                office: office.map(str::to_owned),
            },
            request_id: "r".into(),
            territory: None,
        }
    }

    #[test]
    fn an_operator_writes_for_its_own_office_only() {
        let operator = actor(Role::Operator, Some("CPI-FI-01"));
        let own = Some("CPI-FI-01".to_owned());
        assert_eq!(operator.office("office", None).unwrap(), own);
        assert_eq!(
            operator
                .office("office", Some(" cpi-fi-01 ".into()))
                .unwrap(),
            own
        );
        let err = operator
            .office("office", Some("CPI-PI-01".into()))
            .unwrap_err();
        assert_eq!(err.code(), "FORBIDDEN");
        assert!(err.to_string().starts_with("office: "), "{err}");
        let without = actor(Role::Operator, None);
        assert_eq!(without.office("office", None).unwrap(), None);
        assert!(without.office("office", Some("CPI-FI-01".into())).is_err());
        let admin = actor(Role::Admin, None);
        assert_eq!(
            admin.office("office", Some("CPI-PI-01".into())).unwrap(),
            Some("CPI-PI-01".to_owned())
        );
        let long = admin.office("office", Some("X".repeat(33))).unwrap_err();
        assert_eq!(long.code(), "BAD_USER_INPUT");
    }

    #[test]
    fn an_office_code_names_its_province() {
        assert_eq!(office_province("CPI-FI-01"), Some("FI"));
        for bad in ["FI-01", "CPI-FI", "CPI-F-01", "CPI-fi-01", "CPI-FI-", ""] {
            assert_eq!(office_province(bad), None, "{bad}");
        }
    }
}
