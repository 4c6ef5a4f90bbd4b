//! The demo's tokens, one per role, minted when asked (the start-up banner, each load of the
//! GraphiQL page) so none is older than the page that uses it.

use super::{AuthError, Authenticator, Role};
use std::time::Duration;

/// How long a demo token lives: a working day, renewed by reloading GraphiQL.
pub const DEMO_TOKEN_TTL: Duration = Duration::from_secs(12 * 3600);

/// A ready token and what it stands for.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoToken {
    pub role: &'static str,
    pub subject: &'static str,
    pub office: Option<&'static str>,
    pub token: String,
}

/// Who each demo token is: an operator of the Florence CPI, an administrator, a reporting
/// tool, the job portal's service account, and Paola Bianchi, the demo's citizen whom every
/// source knows, signed in as herself.
const DEMO_PRINCIPALS: [(Role, &str, Option<&str>); 5] = [
    (Role::Operator, "demo-operator", Some("CPI-FI-01")),
    (Role::Admin, "demo-admin", None),
    (Role::Reporting, "demo-reporting", None),
    (Role::Portal, "demo-portal", None),
    (Role::Citizen, DEMO_CITIZEN, None),
];

/// The demo citizen's codice fiscale (Paola Bianchi).
pub const DEMO_CITIZEN: &str = "BNCPLA60A62I726C";

/// A fresh token for every role (HS256: the demo signs with its own secret).
pub fn demo_tokens(auth: &Authenticator) -> Result<Vec<DemoToken>, AuthError> {
    DEMO_PRINCIPALS
        .iter()
        .map(|&(role, subject, office)| {
            Ok(DemoToken {
                role: role.as_str(),
                subject,
                office,
                token: auth.mint(subject, role, office, DEMO_TOKEN_TTL)?,
            })
        })
        .collect()
}
