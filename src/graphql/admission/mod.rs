//! What the gateway agrees to run, decided before async-graphql validates anything: the text
//! behind a persisted hash (or the allow-list of trusted documents), the document's length and
//! how deep its brackets nest, introspection when it is off, mutations asked with GET, and the
//! limits on a document's shape (depth, complexity, aliases, root fields, arguments,
//! directives, variables, operations).
//!
//! The shape is measured here, in time linear in the document, because async-graphql's
//! validators expand fragments where they are spread without remembering them: a few hundred
//! bytes that spread fragments exponentially, or in a cycle, would keep them busy for hours
//! or overflow the stack before any limit of theirs applies. They also report an error per
//! repeated argument, directive or unused variable, in every operation of the document: a
//! 900 KB document of one argument repeated made a 45 MB answer in seconds of CPU.

use crate::config::{Config, LimitsConfig};
use crate::error::AppError;
use crate::graphql::persisted::{PersistedDocuments, TrustedDocumentsError};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Selection,
};
use async_graphql::{ErrorExtensionValues, ServerError};
use parsed::ParsedDocuments;
use shape::Stop;

mod nesting;
mod parsed;
mod shape;
#[cfg(test)]
mod tests;

pub struct Admission {
    limits: LimitsConfig,
    introspection: bool,
    persisted: PersistedDocuments,
    parsed: ParsedDocuments,
}

/// Why a request is not run.
pub enum Refusal {
    /// Errors of the whole request (answered without `data`).
    Errors(Vec<ServerError>),
    /// A mutation asked with GET, which GraphQL over HTTP answers with 405.
    MutationOverGet,
}

impl Admission {
    pub fn from_config(config: &Config) -> Result<Self, TrustedDocumentsError> {
        let persisted = match &config.server.trusted_documents {
            Some(path) => PersistedDocuments::trusted(path)?,
            None => PersistedDocuments::apq(config.server.apq_cache_entries),
        };
        Ok(Admission {
            limits: config.limits.clone(),
            introspection: config.server.introspection(),
            persisted,
            parsed: ParsedDocuments::new(config.server.document_cache_entries),
        })
    }

    /// How deep selection sets may nest counting fragments as levels too: generous beside
    /// `max_depth`, and the bound async-graphql's own recursion check is given, so that one
    /// never answers first.
    pub fn max_nesting(&self) -> usize {
        (2 * self.limits.max_depth).max(32)
    }

    /// The request ready to execute, or why it is refused. `over_get`: it came as an HTTP GET.
    pub fn admit(
        &self,
        mut request: async_graphql::Request,
        over_get: bool,
    ) -> Result<async_graphql::Request, Refusal> {
        let registration = self
            .persisted
            .resolve(&mut request)
            .map_err(|e| Refusal::Errors(vec![e]))?;
        // parsing costs in proportion to the text, whatever it says: a long one is not parsed
        let max_bytes = self.limits.max_document_bytes;
        if request.query.len() > max_bytes {
            return Err(Refusal::Errors(vec![
                AppError::LimitExceeded {
                    limit: "limits.max_document_bytes",
                    max: max_bytes,
                    message: format!("the document is {} bytes long", request.query.len()),
                }
                .into_request_error(),
            ]));
        }
        if nesting::deeper_than(&request.query, nesting::MAX_BRACKET_NESTING) {
            return Err(Refusal::Errors(vec![
                AppError::bad_input(
                    "query",
                    format!(
                        "brackets ({{, [, () nest more than {} levels deep",
                        nesting::MAX_BRACKET_NESTING
                    ),
                )
                .into_request_error(),
            ]));
        }
        let operation_name = request.operation_name.clone();
        // the text of a document not seen yet, to remember it by once it passes
        let unseen = (!self.parsed.reuse(&mut request)).then(|| request.query.clone());
        let document = request
            .parsed_query()
            .map_err(|e| Refusal::Errors(vec![syntax_error(e)]))?;
        if over_get
            && selected_operation(document, operation_name.as_deref())
                .is_some_and(|op| op.ty == OperationType::Mutation)
        {
            return Err(Refusal::MutationOverGet);
        }
        let errors = self.check(document);
        if !errors.is_empty() {
            return Err(Refusal::Errors(errors));
        }
        if let Some(text) = unseen {
            self.parsed.keep(text, document);
        }
        if let Some(registration) = registration {
            self.persisted.register(registration);
        }
        Ok(if self.introspection {
            request
        } else {
            // besides the check above: async-graphql itself answers no introspection
            request.disable_introspection()
        })
    }

    /// The limits on what async-graphql's validators will go through: every operation of the
    /// document and every fragment, each rule once per argument, directive and variable,
    /// fragments expanded where they are spread.
    fn check(&self, document: &ExecutableDocument) -> Vec<ServerError> {
        let limits = &self.limits;
        // counted before anything is walked: a document of many small operations is refused
        // whole, without measuring any
        let operations = document.operations.iter().count();
        if operations > limits.max_operations {
            return vec![
                AppError::LimitExceeded {
                    limit: "limits.max_operations",
                    max: limits.max_operations,
                    message: format!("the document holds {operations} operations"),
                }
                .into_request_error(),
            ];
        }
        let measure = match shape::measure(document, self.max_nesting()) {
            Ok(measure) => measure,
            Err(stop) => return vec![self.stopped(stop)],
        };
        // a fragment never spread would still be expanded by async-graphql's validators
        if !measure.unused_fragments.is_empty() {
            return vec![
                AppError::bad_input(
                    "query",
                    format!(
                        "fragments never used: {}",
                        some_names(&measure.unused_fragments)
                    ),
                )
                .into_request_error(),
            ];
        }
        let worst = measure.worst;
        if worst.nesting > self.max_nesting() {
            return vec![self.stopped(Stop::TooNested)];
        }

        let mut errors = Vec::new();
        if worst.introspection && !self.introspection {
            errors.push(
                AppError::Forbidden(
                    "introspection (__schema, __type) is disabled on this server \
                     (server.introspection = false)"
                        .into(),
                )
                .into_request_error(),
            );
        }
        let measured = [
            (
                "limits.max_depth",
                limits.max_depth,
                worst.depth,
                "fields are nested",
                "deep",
            ),
            (
                "limits.max_complexity",
                limits.max_complexity,
                worst.selections,
                "the operation makes",
                "selections once its fragments are expanded",
            ),
            (
                "limits.max_aliases",
                limits.max_aliases,
                worst.aliases,
                "the operation has",
                "aliased fields",
            ),
            (
                "limits.max_root_fields",
                limits.max_root_fields,
                worst.fields,
                "the operation asks",
                "root fields",
            ),
            (
                "limits.max_arguments",
                limits.max_arguments,
                worst.arguments,
                "the operation passes",
                "arguments once its fragments are expanded",
            ),
            (
                "limits.max_directives",
                limits.max_directives,
                worst.directives,
                "the operation carries",
                "directives once its fragments are expanded",
            ),
            (
                "limits.max_variables",
                limits.max_variables,
                measure.variables,
                "an operation defines",
                "variables",
            ),
        ];
        for (limit, max, value, before, after) in measured {
            if value > max {
                errors.push(
                    AppError::LimitExceeded {
                        limit,
                        max,
                        message: format!("{before} {value} {after}"),
                    }
                    .into_request_error(),
                );
            }
        }
        errors
    }

    fn stopped(&self, stop: Stop) -> ServerError {
        match stop {
            Stop::Cycle(name) => AppError::bad_input(
                "query",
                format!("fragment {name} spreads itself, directly or through other fragments"),
            )
            .into_request_error(),
            Stop::TooNested => AppError::LimitExceeded {
                limit: "limits.max_depth",
                max: self.limits.max_depth,
                message: format!(
                    "selections are nested more than {} levels deep counting fragments",
                    self.max_nesting()
                ),
            }
            .into_request_error(),
        }
    }
}

/// A document that does not parse, said in one line: the parser's message quotes the line
/// where it stopped, which for a hostile document is as long as the document.
fn syntax_error(mut error: ServerError) -> ServerError {
    // the parser (pest) writes ` --> line:column`, the quoted line, a caret, then `= why`
    let why: Vec<&str> = error
        .message
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("= "))
        .collect();
    if !why.is_empty() {
        error.message = format!("the document does not parse: {}", why.join("; "));
    }
    error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default)
        .set("code", crate::error::ErrorCode::BadUserInput);
    error
}

/// Names to quote in a message: the first few, and how many more.
fn some_names(names: &[&str]) -> String {
    const SHOWN: usize = 10;
    match names.len().checked_sub(SHOWN) {
        Some(more) if more > 0 => format!("{} and {more} more", names[..SHOWN].join(", ")),
        _ => names.join(", "),
    }
}

/// Root fields whose resolvers load every relation of their citizens with one `load_many`
/// per loader (`loaders::prime`), so no batch of theirs waits for keys from other fields.
const PRIMING_ROOTS: &[&str] = &["citizen", "citizens", "searchCitizens"];

/// Whether the operation that will run is a single root field of [`PRIMING_ROOTS`]: then the
/// loaders need not wait for other fields' keys (`loaders::batch_delay`).
pub fn primes_alone(document: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    let Some(operation) = selected_operation(document, operation_name) else {
        return false;
    };
    match operation.selection_set.node.items.as_slice() {
        [only] => match &only.node {
            Selection::Field(field) => PRIMING_ROOTS.contains(&field.node.name.node.as_str()),
            _ => false,
        },
        _ => false,
    }
}

/// The operation a request runs: the named one, or the only one.
fn selected_operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), None) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        _ => None,
    }
}
