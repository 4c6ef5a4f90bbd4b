//! What the HTTP layer holds: the services, the schema built over them, and what decides
//! which documents the schema is given.

use crate::graphql::FascicoloSchema;
use crate::graphql::admission::Admission;
use crate::state::AppState;
use std::sync::Arc;

#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: FascicoloSchema,
    pub admission: Arc<Admission>,
}
