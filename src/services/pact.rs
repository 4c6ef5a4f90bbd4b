//! The Patto di servizio personalizzato as a use case (D.Lgs 150/2015 art. 20, seed 001 "Fase
//! 3 - Definizione del Patto"): drafted, signed (version 1 frozen), signed again (UPDATED, a
//! newer version frozen), concluded, lapsed by a sanction of conditionality, or closed; the
//! user category that sets its deadline (V16) and the breaches of conditionality (art. 21).
//! Each step is one orientation write (`store::orientation::mutate`): the record's version
//! claimed, the step's rows, the audit row, in one transaction.

use crate::domain::FiscalCode;
use crate::domain::libretto::check_optional_text;
use crate::domain::pact::{ConditionalityKind, PactConclusion, PactPlan, PactStatus, Sanction};
use crate::error::AppError;
use crate::services::orientation::not_future;
use crate::store::orientation::pact_life::{self, Breach, FrozenPact};
use crate::store::orientation::{self as store, NewMeasure, PactSigned, RecordUpdate, pact};
use crate::store::write::Actor;
use chrono::NaiveDate;
use entities::orientation;
use sea_orm::{DatabaseConnection, DatabaseTransaction};

type Record = orientation::Model;

fn status_of(record: &Record) -> Option<PactStatus> {
    record.pact_status.as_deref().and_then(PactStatus::parse)
}

fn content_json(value: &serde_json::Value) -> String {
    value.to_string()
}

/// The record's update when the pact ends in `to`: its versions and plan stay as they were.
fn ended(current: &Record, to: PactStatus) -> RecordUpdate {
    let content = current.pact_draft.clone().unwrap_or_else(|| "{}".into());
    RecordUpdate {
        pact_state: Some((to, current.pact_versions, content)),
        ..RecordUpdate::default()
    }
}

/// A pact to sign, its fields checked.
pub struct Pact {
    signed_on: NaiveDate,
    office: Option<String>,
    plan: PactPlan,
    profiling_notes: Option<String>,
    measures: Vec<NewMeasure>,
}

impl Pact {
    /// `measures` are checked by the caller (`services::orientation::checked_measure`).
    pub fn new(
        actor: &Actor,
        (signed_on, office): (NaiveDate, Option<String>),
        plan: PactPlan,
        profiling_notes: Option<String>,
        (measures, today): (Vec<NewMeasure>, NaiveDate),
    ) -> Result<Self, AppError> {
        not_future("signedOn", signed_on, today)?;
        let office = actor.office("office", office)?;
        plan.check()?;
        check_optional_text("profilingNotes", profiling_notes.as_deref(), 4000)?;
        Ok(Pact {
            signed_on,
            office,
            plan,
            profiling_notes,
            measures,
        })
    }
}

/// Everything a signed version freezes: the plan, the CPI's measures as agreed, who signed
/// where, and the category that set the deadline.
async fn frozen_content(
    txn: &DatabaseTransaction,
    current: &Record,
    pact: &Pact,
    n: i32,
    actor: &Actor,
) -> Result<String, AppError> {
    let measures = pact::measures_of(txn, std::slice::from_ref(&current.id)).await?;
    let measures: Vec<serde_json::Value> = measures
        .iter()
        .map(|m| serde_json::json!({ "code": m.code, "plannedOn": m.planned_on, "notes": m.notes }))
        .collect();
    Ok(content_json(&serde_json::json!({
        "version": n,
        "signedOn": pact.signed_on,
        "office": pact.office,
        "operator": actor.subject(),
        "plan": pact.plan,
        "cpiServices": measures,
        "profilingNotes": pact.profiling_notes,
        "userCategory": current.user_category,
        "categorySince": current.category_since,
    })))
}

/// Signs the pact: from none or a draft it becomes SIGNED (version 1, the stipula), from
/// SIGNED or UPDATED it is signed again as UPDATED (version n+1); the agreed measures are
/// added first so the version freezes them. A pact signed after its V16 deadline is accepted:
/// the record's `warnings` say by how much.
pub async fn sign_service_pact(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    pact: Pact,
) -> Result<Record, AppError> {
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        "signServicePact",
        async |txn, current| {
            let from = status_of(current);
            let to = if PactStatus::in_force(from) {
                PactStatus::Updated
            } else {
                PactStatus::Signed
            };
            PactStatus::step(from, to, fiscal_code.as_str(), "signServicePact")?;
            if pact.signed_on < current.intake_on {
                return Err(AppError::bad_input(
                    "signedOn",
                    format!(
                        "signedOn: {} is before the intake ({})",
                        pact.signed_on, current.intake_on
                    ),
                ));
            }
            if let Some(first) = current.pact_signed_on.filter(|_| to == PactStatus::Updated)
                && pact.signed_on < first
            {
                return Err(AppError::bad_input(
                    "signedOn",
                    format!(
                        "signedOn: {} is before the pact's stipula ({first})",
                        pact.signed_on
                    ),
                ));
            }
            pact::add_measures(txn, &current.id, pact.measures.clone(), actor).await?;
            let n = current.pact_versions + 1;
            let content = frozen_content(txn, current, &pact, n, actor).await?;
            let frozen = FrozenPact {
                n,
                signed_on: pact.signed_on,
                office: pact.office.clone(),
                content: &content,
            };
            pact_life::freeze_version(txn, &current.id, frozen, actor).await?;
            let step = (from.map(PactStatus::as_str), to.as_str());
            pact_life::record_step(txn, &current.id, step, pact.signed_on, None, actor).await?;
            Ok(RecordUpdate {
                pact: Some(PactSigned {
                    signed_on: current.pact_signed_on.unwrap_or(pact.signed_on),
                    office: pact.office.clone(),
                    operator: actor.subject().to_owned(),
                    search_plan: pact.plan.search_plan.clone(),
                }),
                pact_state: Some((to, n, content_json(&serde_json::json!(pact.plan)))),
                profiling_notes: pact.profiling_notes.clone(),
                ..RecordUpdate::default()
            })
        },
    )
    .await
}

/// Drafts the plan with the person before signing (DRAFT); a draft may be changed again.
pub async fn draft_service_pact(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    (plan, on): (PactPlan, NaiveDate),
) -> Result<Record, AppError> {
    plan.check()?;
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        "draftServicePact",
        async |txn, current| {
            let from = status_of(current);
            PactStatus::step(
                from,
                PactStatus::Draft,
                fiscal_code.as_str(),
                "draftServicePact",
            )?;
            if from.is_none() {
                pact_life::record_step(txn, &current.id, (None, "DRAFT"), on, None, actor).await?;
            }
            Ok(RecordUpdate {
                pact_state: Some((
                    PactStatus::Draft,
                    current.pact_versions,
                    content_json(&serde_json::json!(plan)),
                )),
                ..RecordUpdate::default()
            })
        },
    )
    .await
}

/// How a pact ends: concluded well, or closed otherwise (a note says why).
pub enum PactEnd {
    Concluded(PactConclusion),
    Closed,
}

/// Ends the pact on `on` (not before its last step, not in the future).
pub async fn end_service_pact(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    (end, on, note): (PactEnd, NaiveDate, Option<String>),
    today: NaiveDate,
) -> Result<Record, AppError> {
    not_future("on", on, today)?;
    check_optional_text("note", note.as_deref(), 1000)?;
    let (to, step, note) = match end {
        PactEnd::Concluded(why) => (
            PactStatus::Concluded,
            "concludeServicePact",
            Some(match note {
                Some(n) => format!("{}: {n}", why.as_str()),
                None => why.as_str().to_owned(),
            }),
        ),
        PactEnd::Closed => {
            let note = note
                .filter(|n| !n.trim().is_empty())
                .ok_or_else(|| AppError::bad_input("note", "note: say why the pact is closed"))?;
            (PactStatus::Closed, "closeServicePact", Some(note))
        }
    };
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        step,
        async |txn, current| {
            let from = status_of(current);
            PactStatus::step(from, to, fiscal_code.as_str(), step)?;
            if let Some(signed) = current.pact_signed_on.filter(|s| on < *s) {
                return Err(AppError::bad_input(
                    "on",
                    format!("on: {on} is before the pact's stipula ({signed})"),
                ));
            }
            let from_text = from.map(PactStatus::as_str);
            pact_life::record_step(txn, &current.id, (from_text, to.as_str()), on, note, actor)
                .await?;
            Ok(ended(current, to))
        },
    )
    .await
}

/// A breach as the operator records it.
pub struct BreachInput {
    pub on: NaiveDate,
    pub kind: ConditionalityKind,
    pub justified: bool,
    pub sanction: Sanction,
    pub reported_to: Vec<&'static str>,
    pub note: Option<String>,
}

/// Records a breach of the pact in force (seed 002 §3.1: the CPI reports it to INPS and
/// ANPAL); a LOSS (decadenza) makes the pact LAPSED in the same transaction.
pub async fn record_breach(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    breach: BreachInput,
    today: NaiveDate,
) -> Result<Record, AppError> {
    not_future("on", breach.on, today)?;
    breach.sanction.check(breach.justified)?;
    check_optional_text("note", breach.note.as_deref(), 1000)?;
    if breach.sanction != Sanction::None && !breach.reported_to.contains(&"INPS") {
        return Err(AppError::bad_input(
            "reportedTo",
            "reportedTo: a sanction is reported to INPS, which applies it (D.Lgs 150/2015 art. 21 \
             c.7); include INPS",
        ));
    }
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        "recordConditionalityEvent",
        async |txn, current| {
            let from = status_of(current);
            if !PactStatus::in_force(from) {
                return Err(AppError::bad_input(
                    "on",
                    format!(
                        "on: conditionality applies to a pact in force; the pact of {} is {}",
                        fiscal_code.as_str(),
                        from.map_or("not signed", PactStatus::as_str)
                    ),
                ));
            }
            if let Some(signed) = current.pact_signed_on.filter(|s| breach.on < *s) {
                return Err(AppError::bad_input(
                    "on",
                    format!("on: {} is before the pact's stipula ({signed})", breach.on),
                ));
            }
            let row = Breach {
                on: breach.on,
                kind: breach.kind.as_str(),
                justified: breach.justified,
                sanction: breach.sanction.as_str(),
                reported_to: serde_json::json!(breach.reported_to).to_string(),
                note: breach.note.clone(),
            };
            pact_life::record_breach(txn, &current.id, row, actor).await?;
            if breach.sanction != Sanction::Loss {
                return Ok(RecordUpdate::default());
            }
            let step = (from.map(PactStatus::as_str), PactStatus::Lapsed.as_str());
            let note = Some(format!("decadenza: {}", breach.kind.as_str()));
            pact_life::record_step(txn, &current.id, step, breach.on, note, actor).await?;
            Ok(ended(current, PactStatus::Lapsed))
        },
    )
    .await
}
