//! SeaORM entities of the gateway's own store (the regional databases are not ours and
//! have no entities here: they are read through the contract views).

pub mod audit_chain_anchor;
pub mod audit_chain_head;
pub mod audit_log;
pub mod competence_evidence;
pub mod conditionality_event;
pub mod consent_event;
pub mod cv;
pub mod document_counter;
pub mod education_title;
pub mod evidence;
pub mod evidence_file;
pub mod fiscal_code_link;
pub mod identity_review;
pub mod ivc_competence;
pub mod ivc_dossier;
pub mod ivc_session;
pub mod ivc_transition;
pub mod libretto;
pub mod libretto_competence;
pub mod libretto_experience;
pub mod libretto_transition;
pub mod libretto_version;
pub mod orientation;
pub mod pact_measure;
pub mod pact_transition;
pub mod pact_version;
pub mod portal_transfer;
pub mod propensity;
pub mod reference_code;
