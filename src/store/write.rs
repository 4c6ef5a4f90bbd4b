//! What every write to the store shares (DESIGN.md "Mutations"): one transaction, the
//! optimistic `version` claimed first, and an audit row in the same transaction.

use super::audit::chain;
use crate::auth::{Principal, Role};
use crate::error::AppError;
use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};

/// Who writes, for audit rows and `created_by`/`updated_by` columns. The territory rule is
/// checked before a write begins (`services::territory`), never in here.
#[derive(Clone, Debug)]
pub struct Actor {
    pub principal: Principal,
    pub request_id: String,
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

/// The audit row of a write, appended to the audit chain inside the write's transaction
/// (DOMAIN.md V25): the write and its row commit together or not at all.
pub async fn audit(
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
}
