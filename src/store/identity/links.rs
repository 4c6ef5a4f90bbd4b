//! `fiscal_code_link`: the active links every lookup expands with, and their history.

use crate::domain::FiscalCode;
use crate::domain::identity::CodeLink;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use entities::fiscal_code_link;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, Set,
};

fn to_link(row: fiscal_code_link::Model) -> Option<CodeLink> {
    Some(CodeLink {
        from: FiscalCode::parse(&row.from_code).ok()?,
        to: FiscalCode::parse(&row.to_code).ok()?,
        id: row.id,
        reason: row.reason,
        linked_at: row.linked_at,
        linked_by: row.linked_by,
    })
}

/// Every active link (the table is small: one row per code that really changed).
pub async fn active_links(db: &impl ConnectionTrait) -> Result<Vec<CodeLink>, DbErr> {
    Ok(fiscal_code_link::Entity::find()
        .filter(fiscal_code_link::Column::UnlinkedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(to_link)
        .collect())
}

/// A link, active or undone, as the history shows it.
#[derive(Debug, Clone)]
pub struct LinkRecord {
    pub link: CodeLink,
    pub unlinked_at: Option<DateTime<Utc>>,
    pub unlinked_by: Option<String>,
    pub unlink_reason: Option<String>,
}

/// Every link into or out of `code`, newest first.
pub async fn history(db: &impl ConnectionTrait, code: &str) -> Result<Vec<LinkRecord>, DbErr> {
    Ok(fiscal_code_link::Entity::find()
        .filter(
            fiscal_code_link::Column::FromCode
                .eq(code)
                .or(fiscal_code_link::Column::ToCode.eq(code)),
        )
        .order_by_desc(fiscal_code_link::Column::LinkedAt)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| {
            let (unlinked_at, unlinked_by, unlink_reason) = (
                row.unlinked_at,
                row.unlinked_by.clone(),
                row.unlink_reason.clone(),
            );
            Some(LinkRecord {
                link: to_link(row)?,
                unlinked_at,
                unlinked_by,
                unlink_reason,
            })
        })
        .collect())
}

/// Records a link (the caller checked it against the current links in the same transaction).
pub async fn insert_link(txn: &impl ConnectionTrait, link: &CodeLink) -> Result<(), AppError> {
    let row = fiscal_code_link::ActiveModel {
        id: Set(link.id.clone()),
        from_code: Set(link.from.as_str().to_owned()),
        to_code: Set(link.to.as_str().to_owned()),
        reason: Set(link.reason.clone()),
        linked_at: Set(link.linked_at),
        linked_by: Set(link.linked_by.clone()),
        unlinked_at: Set(None),
        unlinked_by: Set(None),
        unlink_reason: Set(None),
    };
    match row.insert(txn).await {
        Ok(_) => Ok(()),
        // the partial unique index decides between two administrators linking at once
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Err(AppError::Conflict {
                message: format!(
                    "{} was linked to another code a moment ago: read its links again",
                    link.from
                ),
                current_version: 0,
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// Undoes the active link out of `from`; `None` when there is none.
pub async fn end_link(
    txn: &impl ConnectionTrait,
    from: &FiscalCode,
    by: &str,
    reason: &str,
) -> Result<Option<CodeLink>, DbErr> {
    let Some(row) = fiscal_code_link::Entity::find()
        .filter(fiscal_code_link::Column::FromCode.eq(from.as_str()))
        .filter(fiscal_code_link::Column::UnlinkedAt.is_null())
        .one(txn)
        .await?
    else {
        return Ok(None);
    };
    let mut active: fiscal_code_link::ActiveModel = row.clone().into();
    active.unlinked_at = Set(Some(Utc::now()));
    active.unlinked_by = Set(Some(by.to_owned()));
    active.unlink_reason = Set(Some(reason.to_owned()));
    active.update(txn).await?;
    Ok(to_link(row))
}
