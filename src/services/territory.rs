//! The territory rule (`auth.operators_write_own_territory_only`, DESIGN.md "Roles and
//! privacy"): with it on, an operator writes only for citizens of their office's province.
//! It reads the regional sources, so it runs here, before a write's transaction opens: the
//! store never calls the sources, and a refusal that comes first tells nothing of the record.

use super::Deps;
use crate::auth::Role;
use crate::domain::FiscalCode;
use crate::error::AppError;
use crate::store::write::Actor;

const TERRITORY_RULE: &str = "auth.operators_write_own_territory_only";

/// The province of a CPI office code: `CPI-XX-…` → `XX` (DESIGN.md "Roles and privacy").
pub fn office_province(office: &str) -> Option<&str> {
    let rest = office.strip_prefix("CPI-")?;
    let (province, tail) = rest.split_once('-')?;
    (province.len() == 2 && province.bytes().all(|b| b.is_ascii_uppercase()) && !tail.is_empty())
        .then_some(province)
}

/// Whether the rule constrains this writer: on in the config, and the writer an operator.
/// Callers that must read a document to learn its citizen ask this first, so that with the
/// rule off a write costs no extra statement.
pub fn applies(deps: &Deps<'_>, actor: &Actor) -> bool {
    deps.config.auth.operators_write_own_territory_only && actor.principal.role == Role::Operator
}

/// With the territory rule on, an operator writes only for a citizen whose CPI (`cpi_code`)
/// or residence province, in the merged person record, is their office's province. A
/// citizen the sources cannot place is refused too: the rule must be proven, not assumed.
pub async fn check(deps: &Deps<'_>, actor: &Actor, fiscal_code: &str) -> Result<(), AppError> {
    if !applies(deps, actor) {
        return Ok(());
    }
    let Some(province) = actor.principal.office.as_deref().and_then(office_province) else {
        return Err(AppError::Forbidden(format!(
            "{TERRITORY_RULE}: the token's office is not a CPI code of the form CPI-XX-… \
             (XX the province), so the operator's territory is unknown"
        )));
    };
    let key = FiscalCode::parse(fiscal_code).map_err(AppError::internal)?;
    let gathered = deps
        .registry
        .persons(std::slice::from_ref(&key), &deps.links.current())
        .await;
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

/// `check` for a write to libretto `id`. A libretto that does not exist is left to the
/// write, which reports it as before.
pub async fn check_libretto(deps: &Deps<'_>, actor: &Actor, id: &str) -> Result<(), AppError> {
    if !applies(deps, actor) {
        return Ok(());
    }
    match crate::store::libretto::find(deps.store.db(), id).await {
        Ok(model) => check(deps, actor, &model.fiscal_code).await,
        Err(AppError::NotFound(_)) => Ok(()),
        Err(other) => Err(other),
    }
}

/// `check` for a write to IVC dossier `id`; a missing dossier is left to the write.
pub async fn check_dossier(deps: &Deps<'_>, actor: &Actor, id: &str) -> Result<(), AppError> {
    if !applies(deps, actor) {
        return Ok(());
    }
    match crate::store::ivc::read::find(deps.store.db(), id).await {
        Ok(model) => check(deps, actor, &model.fiscal_code).await,
        Err(AppError::NotFound(_)) => Ok(()),
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_office_code_names_its_province() {
        assert_eq!(office_province("CPI-FI-01"), Some("FI"));
        for bad in ["FI-01", "CPI-FI", "CPI-F-01", "CPI-fi-01", "CPI-FI-", ""] {
            assert_eq!(office_province(bad), None, "{bad}");
        }
    }
}
