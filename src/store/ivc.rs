//! IVC dossiers in the store: the request that creates one, and the one-transaction shape
//! every other change takes (version claimed first, state history, audit row last). The
//! lifecycle steps and their rules are `services::ivc`'s; what a step writes on the row is in
//! `update`, the sessions and competences in `parts`, the batched reads in `read`.

pub mod frozen;
pub mod parts;
pub mod read;
pub mod update;

pub use parts::NewSession;
pub use update::DossierUpdate;

use super::write::{self, Actor};
use crate::domain::ivc::{IvcStatus, OperatorRole, SessionFacts, SessionKind};
use crate::error::AppError;
use chrono::{NaiveDate, Utc};
use entities::{ivc_dossier, ivc_session, ivc_transition};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set, SqlErr,
};

pub const TABLE: &str = "ivc_dossier";
const WHAT: &str = "IVC dossier";

/// A dossier to open, with the region's rules in force on the request date.
pub struct NewDossier {
    /// Exact fiscal code.
    pub fiscal_code: String,
    pub region: String,
    pub requested_on: NaiveDate,
    pub provider: String,
    pub office: Option<String>,
    pub program: Option<String>,
    pub domicile_province: Option<String>,
    pub max_minutes: i32,
    pub hourly_cost_cents: i64,
    /// seed 003: "che non abbiano già fruito del servizio di IVC".
    pub one_path: bool,
}

/// Opens a dossier in REQUESTED. One open dossier per citizen (a unique index decides between
/// concurrent requests); with the one-path rule, none that already released a Documento di
/// trasparenza either — a withdrawal before that first output gave the citizen nothing, so
/// it does not use up the service.
pub async fn request(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewDossier,
) -> Result<ivc_dossier::Model, AppError> {
    let txn = write::begin(db).await?;
    if new.one_path
        && let Some(used) = ivc_dossier::Entity::find()
            .filter(ivc_dossier::Column::FiscalCode.eq(&new.fiscal_code))
            .filter(ivc_dossier::Column::TransparencyReleasedOn.is_not_null())
            .one(&txn)
            .await?
    {
        return Err(AppError::bad_input(
            "fiscalCode",
            format!(
                "fiscalCode: citizen {} already used the IVC service (dossier {}, its \
                 Documento di trasparenza released); seed 003 admits one path per citizen \
                 (ivc.one_path_per_citizen)",
                new.fiscal_code, used.id,
            ),
        ));
    }
    let now = Utc::now();
    let id = uuid::Uuid::new_v4().to_string();
    let row = ivc_dossier::ActiveModel {
        id: Set(id.clone()),
        fiscal_code: Set(new.fiscal_code.clone()),
        region: Set(new.region),
        status: Set(IvcStatus::Requested.as_str().to_owned()),
        outcome: Set(None),
        requested_on: Set(new.requested_on),
        state_since: Set(new.requested_on),
        provider: Set(new.provider),
        office: Set(new.office),
        program: Set(new.program),
        domicile_province: Set(new.domicile_province),
        adhesion_signed_on: Set(None),
        max_minutes: Set(new.max_minutes),
        hourly_cost_cents: Set(new.hourly_cost_cents),
        minutes_used: Set(0),
        transparency_released_on: Set(None),
        transparency_person: Set(None),
        libretto_id: Set(None),
        libretto_number: Set(None),
        libretto_version: Set(None),
        experiences: Set(None),
        validation_result: Set(None),
        validation_decided_on: Set(None),
        attestato_number: Set(None),
        attestato_issued_on: Set(None),
        attestato: Set(None),
        attestato_person: Set(None),
        exam_session_on: Set(None),
        certification_passed: Set(None),
        certificate_number: Set(None),
        certification_decided_on: Set(None),
        certificate_qualification_code: Set(None),
        certificate_qualification_name: Set(None),
        certificate_eqf_level: Set(None),
        exam_commission: Set(None),
        closed_on: Set(None),
        close_reason: Set(None),
        created_at: Set(now),
        created_by: Set(actor.subject().to_owned()),
        updated_at: Set(now),
        updated_by: Set(actor.subject().to_owned()),
        version: Set(1),
    };
    if let Err(err) = ivc_dossier::Entity::insert(row).exec(&txn).await {
        if let Some(SqlErr::UniqueConstraintViolation(_)) = err.sql_err() {
            let open = ivc_dossier::Entity::find()
                .filter(ivc_dossier::Column::FiscalCode.eq(&new.fiscal_code))
                .filter(ivc_dossier::Column::Status.ne(IvcStatus::Closed.as_str()))
                .one(&txn)
                .await?;
            return Err(AppError::Conflict {
                message: format!(
                    "citizen {} already has the open IVC dossier {} ({}): continue it, or \
                     withdraw it first",
                    new.fiscal_code,
                    open.as_ref().map_or("?", |d| d.id.as_str()),
                    open.as_ref().map_or("?", |d| d.status.as_str()),
                ),
                current_version: open.map_or(0, |d| d.version),
            });
        }
        return Err(err.into());
    }
    let step = Step {
        to: IvcStatus::Requested,
        on: new.requested_on,
        note: None,
    };
    record_transition(&txn, &id, None, &step, actor).await?;
    write::audit(
        &txn,
        actor,
        &new.fiscal_code,
        format!("ivc.requestIvc dossier={id}"),
    )
    .await?;
    let model = read::find(&txn, &id).await?;
    write::commit(txn).await?;
    Ok(model)
}

/// A move to another state, on a business date.
pub struct Step {
    pub to: IvcStatus,
    pub on: NaiveDate,
    pub note: Option<String>,
}

/// What a mutation changes: the fields of `update`, and the state step if any.
pub struct Change {
    pub update: DossierUpdate,
    pub step: Option<Step>,
}

impl Change {
    pub fn fields(update: DossierUpdate) -> Self {
        Change { update, step: None }
    }

    pub fn step(update: DossierUpdate, to: IvcStatus, on: NaiveDate) -> Self {
        Change {
            update,
            step: Some(Step { to, on, note: None }),
        }
    }

    pub fn with_note(mut self, note: Option<String>) -> Self {
        if let Some(step) = &mut self.step {
            step.note = note;
        }
        self
    }
}

/// Runs one change of dossier `id` as one transaction: claims `version` first (CONFLICT when
/// stale, and the row stays locked until commit), lets `change` validate against the current
/// row and write its own rows, then updates the dossier, records the state step and the audit
/// row. Any error leaves nothing written.
pub async fn mutate(
    db: &DatabaseConnection,
    actor: &Actor,
    id: &str,
    version: i64,
    action: &str,
    change: impl AsyncFnOnce(
        &DatabaseTransaction,
        &ivc_dossier::Model,
        IvcStatus,
    ) -> Result<Change, AppError>,
) -> Result<ivc_dossier::Model, AppError> {
    let txn = write::begin(db).await?;
    write::claim_version(&txn, TABLE, WHAT, id, version).await?;
    let current = read::find(&txn, id).await?;
    let status = status_of(&current)?;
    let Change { update, step } = change(&txn, &current, status).await?;
    let mut row = update.into_row()?;
    if let Some(step) = &step {
        row.status = Set(step.to.as_str().to_owned());
        row.state_since = Set(step.on);
        record_transition(&txn, id, Some(status), step, actor).await?;
    }
    row.updated_at = Set(Utc::now());
    row.updated_by = Set(actor.subject().to_owned());
    ivc_dossier::Entity::update_many()
        .set(row)
        .filter(ivc_dossier::Column::Id.eq(id))
        .exec(&txn)
        .await
        .map_err(attestato_number_taken)?;
    write::audit(
        &txn,
        actor,
        &current.fiscal_code,
        format!("ivc.{action} dossier={id}"),
    )
    .await?;
    let after = read::find(&txn, id).await?;
    write::commit(txn).await?;
    Ok(after)
}

/// The attestato number is the only unique column an update can hit.
fn attestato_number_taken(err: DbErr) -> AppError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => AppError::bad_input(
            "attestato.number",
            "attestato.number: another Attestato di validazione has this number",
        ),
        _ => err.into(),
    }
}

async fn record_transition(
    txn: &DatabaseTransaction,
    id: &str,
    from: Option<IvcStatus>,
    step: &Step,
    actor: &Actor,
) -> Result<(), AppError> {
    ivc_transition::ActiveModel {
        dossier_id: Set(id.to_owned()),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(step.to.as_str().to_owned()),
        on_date: Set(step.on),
        at: Set(Utc::now()),
        by: Set(actor.subject().to_owned()),
        note: Set(step.note.clone()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

pub fn status_of(model: &ivc_dossier::Model) -> Result<IvcStatus, AppError> {
    IvcStatus::parse(&model.status).ok_or_else(|| {
        AppError::internal(format!(
            "IVC dossier {} has status {}",
            model.id, model.status
        ))
    })
}

/// A stored session as the rules see it.
pub fn session_facts(m: &ivc_session::Model) -> Result<SessionFacts, AppError> {
    let bad = || AppError::internal(format!("IVC session {} has unknown codes", m.id));
    Ok(SessionFacts {
        phase: IvcStatus::parse(&m.phase).ok_or_else(bad)?,
        kind: SessionKind::parse(&m.kind).ok_or_else(bad)?,
        held_on: m.held_on,
        minutes: m.minutes,
        operator: m.operator.clone(),
        role: OperatorRole::parse(&m.operator_role).ok_or_else(bad)?,
    })
}
