//! `identity_review`: documents held until an administrator says whose they are.

use chrono::Utc;
use entities::identity_review;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

/// Holds a document for review under `held` (a key no citizen has).
pub async fn insert_review(
    txn: &impl ConnectionTrait,
    review: identity_review::Model,
) -> Result<(), DbErr> {
    identity_review::ActiveModel::from(review)
        .reset_all()
        .insert(txn)
        .await?;
    Ok(())
}

pub async fn open_reviews(db: &impl ConnectionTrait) -> Result<Vec<identity_review::Model>, DbErr> {
    identity_review::Entity::find()
        .filter(identity_review::Column::ResolvedAt.is_null())
        .order_by_asc(identity_review::Column::CreatedAt)
        .order_by_asc(identity_review::Column::Id)
        .all(db)
        .await
}

pub async fn review(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<identity_review::Model>, DbErr> {
    identity_review::Entity::find_by_id(id.to_owned())
        .one(db)
        .await
}

pub async fn close_review(
    txn: &impl ConnectionTrait,
    id: &str,
    by: &str,
    code: &str,
) -> Result<bool, DbErr> {
    let update = Query::update()
        .table(Alias::new("identity_review"))
        .value(Alias::new("resolved_at"), Utc::now())
        .value(Alias::new("resolved_by"), by)
        .value(Alias::new("resolved_code"), code)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .and_where(Expr::col(Alias::new("resolved_at")).is_null())
        .to_owned();
    Ok(txn.execute(&update).await?.rows_affected() == 1)
}
