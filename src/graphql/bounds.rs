//! The longest string each argument and input field takes, checked over the whole document
//! and its variables before anything runs (issue 20): a 60,000-character name never reaches a
//! regional database (where SQLite refuses the LIKE pattern), a store column, or an error
//! message that would echo it back. One table by field name, since a name means the same thing
//! in every input that has it (`notes`, `office`, `title`); each bound is the largest any rule
//! of DOMAIN.md §8 allows for that name, and those rules still apply within it. A test walks
//! the schema so that every `String` and `ID` input has its line here.

use crate::error::AppError;
use crate::graphql::admission::Refusal;
use async_graphql::parser::types::{Directive, ExecutableDocument, Field, Selection, SelectionSet};
use async_graphql::{Name, Positioned, ServerError, Variables};
use async_graphql_value::{ConstValue, Value};
use std::collections::HashMap;

/// `searchCitizens` name prefixes: longer than any real name, far from an engine's limits.
const NAME: usize = crate::sources::search::NAME_PREFIX_MAX;
/// Codes of every kind: fiscal codes, code tables, offices, numbers of documents.
const CODE: usize = 64;
/// The gateway's own ids.
const ID: usize = 64;
/// Names of things: titles, organisations, labels.
const LABEL: usize = 300;
/// Free text: notes, descriptions, reasons.
const TEXT: usize = 4000;
/// Opaque page cursors (`searchCitizens`' holds two names and a code).
const CURSOR: usize = 1024;
/// Any other value sent as a string: dates, enum names given as variables.
const OTHER: usize = 256;

/// The bound of the argument or input field `name`, when it has its own.
fn listed(name: &str) -> Option<usize> {
    Some(match name {
        "familyName" | "givenName" => NAME,
        "after" => CURSOR,
        "id" | "librettoId" | "experienceId" | "competenceId" | "evidenceIds" | "measureId"
        | "propensityId" => ID,
        "fiscalCode" | "fiscalCodes" | "code" | "adaCode" | "adaCodes" | "contractType"
        | "occupationCode" | "sectorCode" | "qualificationCode" | "sepSector" | "sector"
        | "trainingKind" | "outcome" | "category" | "type" | "province" | "region" | "area"
        | "office" | "specialCategories" | "certificateNumber" | "number" | "domicileProvince" => {
            CODE
        }
        "occupationLabel" | "qualificationName" | "publicBody" | "authorisedProvider"
        | "issuer" | "organisation" | "title" | "provider" | "program" | "operator" => LABEL,
        "reason" | "description" | "notes" | "note" | "experiences" | "profilingNotes"
        | "searchPlan" | "ownActions" | "commission" => TEXT,
        _ => return None,
    })
}

pub fn bound(name: &str) -> usize {
    listed(name).unwrap_or(OTHER)
}

/// The request if its strings are within their bounds. Run after `Admission::admit`, so the
/// walk is over a document whose shape is already bounded. A document that does not parse is
/// left to async-graphql, which says where.
pub fn admit(mut request: async_graphql::Request) -> Result<async_graphql::Request, Refusal> {
    // the variables are taken out and put back to be read beside the parsed document
    let variables = std::mem::take(&mut request.variables);
    let checked = match request.parsed_query() {
        Ok(document) => check(document, &variables),
        Err(_) => Ok(()),
    };
    request.variables = variables;
    checked
        .map(|()| request)
        .map_err(|e| Refusal::Errors(vec![e]))
}

/// A value found under an argument or input field: in the document, or in a variable.
enum Found<'a> {
    Written(&'a Value),
    Given(&'a ConstValue),
}

/// The first string over its bound, as `BAD_USER_INPUT` naming the field and the bound.
/// Iterative, so no nesting of lists or objects can exhaust the stack.
pub fn check(document: &ExecutableDocument, variables: &Variables) -> Result<(), ServerError> {
    let mut defaults: HashMap<&Name, &ConstValue> = HashMap::new();
    let mut sets: Vec<&SelectionSet> = Vec::new();
    for (_, operation) in document.operations.iter() {
        for definition in &operation.node.variable_definitions {
            if let Some(value) = &definition.node.default_value {
                defaults.insert(&definition.node.name.node, &value.node);
            }
        }
        sets.push(&operation.node.selection_set.node);
    }
    sets.extend(
        document
            .fragments
            .values()
            .map(|f| &f.node.selection_set.node),
    );

    let mut values: Vec<(&str, Found<'_>)> = Vec::new();
    while let Some(set) = sets.pop() {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    arguments(&mut values, &field.directives, Some(field));
                    sets.push(&field.selection_set.node);
                }
                Selection::FragmentSpread(spread) => {
                    arguments(&mut values, &spread.node.directives, None);
                }
                Selection::InlineFragment(inline) => {
                    arguments(&mut values, &inline.node.directives, None);
                    sets.push(&inline.node.selection_set.node);
                }
            }
        }
    }

    while let Some((name, found)) = values.pop() {
        match found {
            Found::Written(Value::String(s)) | Found::Given(ConstValue::String(s)) => {
                within(name, s)?;
            }
            Found::Written(Value::List(items)) => {
                values.extend(items.iter().map(|v| (name, Found::Written(v))));
            }
            Found::Given(ConstValue::List(items)) => {
                values.extend(items.iter().map(|v| (name, Found::Given(v))));
            }
            Found::Written(Value::Object(fields)) => {
                values.extend(fields.iter().map(|(k, v)| (k.as_str(), Found::Written(v))));
            }
            Found::Given(ConstValue::Object(fields)) => {
                values.extend(fields.iter().map(|(k, v)| (k.as_str(), Found::Given(v))));
            }
            Found::Written(Value::Variable(variable)) => {
                let given = variables
                    .get(variable)
                    .or_else(|| defaults.get(variable).copied());
                values.extend(given.map(|v| (name, Found::Given(v))));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The arguments of a field and of the directives beside it.
fn arguments<'a>(
    values: &mut Vec<(&'a str, Found<'a>)>,
    directives: &'a [Positioned<Directive>],
    field: Option<&'a Field>,
) {
    let of_field = field.into_iter().flat_map(|f| &f.arguments);
    let of_directives = directives.iter().flat_map(|d| &d.node.arguments);
    for (name, value) in of_field.chain(of_directives) {
        values.push((name.node.as_str(), Found::Written(&value.node)));
    }
}

fn within(field: &str, text: &str) -> Result<(), ServerError> {
    let max = bound(field);
    // bytes bound characters from above: most strings are counted for free
    if text.len() <= max {
        return Ok(());
    }
    let len = text.chars().count();
    if len <= max {
        return Ok(());
    }
    Err(AppError::bad_input(
        field,
        format!("{field}: {len} characters, at most {max} allowed"),
    )
    .into_request_error())
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;
    use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};

    fn refused(query: &str, variables: serde_json::Value) -> Option<String> {
        let document = parse_query(query).unwrap();
        let variables = Variables::from_json(variables);
        check(&document, &variables).err().map(|e| e.message)
    }

    #[test]
    fn every_string_and_id_input_of_the_schema_has_a_bound() {
        let schema = async_graphql::parser::parse_schema(crate::graphql::sdl()).unwrap();
        let base = |ty: &Type| -> String {
            let mut ty = ty;
            loop {
                match &ty.base {
                    BaseType::Named(name) => return name.to_string(),
                    BaseType::List(inner) => ty = inner,
                }
            }
        };
        let mut unlisted = Vec::new();
        let mut seen = 0;
        for definition in &schema.definitions {
            let TypeSystemDefinition::Type(ty) = definition else {
                continue;
            };
            let inputs: Vec<_> = match &ty.node.kind {
                TypeKind::InputObject(input) => input.fields.iter().collect(),
                TypeKind::Object(object) => object
                    .fields
                    .iter()
                    .flat_map(|f| &f.node.arguments)
                    .collect(),
                _ => continue,
            };
            for input in inputs {
                let name = input.node.name.node.as_str();
                if matches!(base(&input.node.ty.node).as_str(), "String" | "ID") {
                    seen += 1;
                    if listed(name).is_none() {
                        unlisted.push(format!("{}.{name}", ty.node.name.node));
                    }
                }
            }
        }
        assert!(seen > 50, "the walk found the schema's inputs: {seen}");
        assert_eq!(unlisted, Vec::<String>::new(), "add them to `listed`");
    }

    #[test]
    fn names_are_bounded_in_the_document_and_in_variables() {
        let long = "A".repeat(60_000);
        let written = format!("{{ searchCitizens(familyName: \"{long}\") {{ totalCount }} }}");
        assert_eq!(
            refused(&written, serde_json::json!({})).as_deref(),
            Some("familyName: 60000 characters, at most 80 allowed")
        );
        let query = "query($f: String) { searchCitizens(givenName: $f) { totalCount } }";
        assert_eq!(
            refused(query, serde_json::json!({ "f": long })).as_deref(),
            Some("givenName: 60000 characters, at most 80 allowed")
        );
        // 80 characters of two bytes each are within the bound
        assert_eq!(
            refused(query, serde_json::json!({ "f": "È".repeat(80) })),
            None
        );
    }

    #[test]
    fn input_objects_lists_defaults_and_fragments_are_walked() {
        let notes = "x".repeat(4001);
        let nested = "mutation($m: [PactMeasureInput!]!) { signServicePact(input: \
                      { fiscalCode: \"X\", measures: $m }) { id } }";
        let message = refused(
            nested,
            serde_json::json!({ "m": [{ "code": "A05" }, { "notes": notes }] }),
        );
        assert_eq!(
            message.as_deref(),
            Some("notes: 4001 characters, at most 4000 allowed")
        );
        let defaulted = format!(
            "query($o: String = \"{}\") {{ ...F }} fragment F on Query {{ librettos(filter: {{ office: $o }}) {{ totalCount }} }}",
            "9".repeat(65)
        );
        assert_eq!(
            refused(&defaulted, serde_json::json!({})).as_deref(),
            Some("office: 65 characters, at most 64 allowed")
        );
        // nesting is walked, not recursed: a list inside lists is still a `familyName`
        let deep = format!(
            "{{ searchCitizens(familyName: {}\"{}\"{}) {{ totalCount }} }}",
            "[".repeat(40),
            "y".repeat(81),
            "]".repeat(40)
        );
        assert_eq!(
            refused(&deep, serde_json::json!({})).as_deref(),
            Some("familyName: 81 characters, at most 80 allowed")
        );
    }
}
