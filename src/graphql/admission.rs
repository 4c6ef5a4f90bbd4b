//! What the gateway agrees to run, decided before async-graphql validates anything: the text
//! behind a persisted hash (or the allow-list of trusted documents), introspection when it is
//! off, mutations asked with GET, and the limits on a document's shape (depth, complexity,
//! aliases, root fields).
//!
//! The shape is measured here, in time linear in the document, because async-graphql's
//! validators expand fragments where they are spread without remembering them: a few hundred
//! bytes that spread fragments exponentially, or in a cycle, would keep them busy for hours
//! or overflow the stack before any limit of theirs applies.

use crate::config::{Config, LimitsConfig};
use crate::error::AppError;
use crate::graphql::persisted::{PersistedDocuments, TrustedDocumentsError};
use async_graphql::ServerError;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Selection,
    SelectionSet,
};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

pub struct Admission {
    limits: LimitsConfig,
    introspection: bool,
    persisted: PersistedDocuments,
    parsed: ParsedDocuments,
}

/// Documents already parsed, by their text: front ends send the same few documents over and
/// over, and parsing one was a twelfth of a profile request's time (docs/benchmarks.md).
/// Only documents that passed the checks are kept, and only short ones.
struct ParsedDocuments(Option<Mutex<lru::LruCache<String, ExecutableDocument>>>);

/// Longer documents are parsed every time: a cache entry holds the text and its tree.
const MAX_CACHED_DOCUMENT: usize = 16 * 1024;

impl ParsedDocuments {
    fn new(entries: usize) -> Self {
        ParsedDocuments(
            std::num::NonZeroUsize::new(entries).map(|n| Mutex::new(lru::LruCache::new(n))),
        )
    }

    fn lock(&self) -> Option<std::sync::MutexGuard<'_, lru::LruCache<String, ExecutableDocument>>> {
        self.0
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Gives `request` its parsed document when this text was seen; whether it was.
    fn reuse(&self, request: &mut async_graphql::Request) -> bool {
        let Some(mut cache) = self.lock() else {
            return false;
        };
        match cache.get(&request.query) {
            Some(document) => {
                request.set_parsed_query(document.clone());
                true
            }
            None => false,
        }
    }

    fn keep(&self, text: String, document: &ExecutableDocument) {
        if text.len() > MAX_CACHED_DOCUMENT {
            return;
        }
        if let Some(mut cache) = self.lock() {
            cache.put(text, document.clone());
        }
    }
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
        let operation_name = request.operation_name.clone();
        // the text of a document not seen yet, to remember it by once it passes
        let unseen = (!self.parsed.reuse(&mut request)).then(|| request.query.clone());
        // a document that does not parse is left to async-graphql, which says where
        if let Ok(document) = request.parsed_query() {
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

    fn check(&self, document: &ExecutableDocument) -> Vec<ServerError> {
        let mut walk = Walk {
            document,
            shapes: HashMap::new(),
            open: HashSet::new(),
            max_nesting: self.max_nesting(),
        };
        let mut worst = Shape::default();
        for (_, operation) in document.operations.iter() {
            match walk.selection_set(&operation.node.selection_set.node, 0) {
                Ok(shape) => worst = worst.max(shape),
                Err(stop) => return vec![self.stopped(stop)],
            }
        }
        // every fragment is now measured where it is spread; one never spread would still be
        // expanded by async-graphql's validators, so it is refused before them
        let mut unused: Vec<&str> = document
            .fragments
            .keys()
            .map(|name| name.as_str())
            .filter(|name| !walk.shapes.contains_key(name))
            .collect();
        if !unused.is_empty() {
            unused.sort_unstable();
            return vec![
                AppError::bad_input(
                    "query",
                    format!("fragments never used: {}", unused.join(", ")),
                )
                .into_request_error(),
            ];
        }
        if worst.nesting > walk.max_nesting {
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
        let limits = &self.limits;
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

/// The measures of a selection set, its fragments expanded; counts saturate, since a small
/// document can describe an astronomically large expansion.
#[derive(Clone, Copy, Default)]
struct Shape {
    /// Deepest nesting of fields (a leaf field is 1).
    depth: usize,
    /// Deepest nesting of selection sets, fragments counting as levels.
    nesting: usize,
    /// Fields, fragment spreads and inline fragments.
    selections: usize,
    aliases: usize,
    /// Fields at this level, through fragments spread here.
    fields: usize,
    /// `__schema` or `__type` somewhere.
    introspection: bool,
}

impl Shape {
    fn max(self, other: Shape) -> Shape {
        Shape {
            depth: self.depth.max(other.depth),
            nesting: self.nesting.max(other.nesting),
            selections: self.selections.max(other.selections),
            aliases: self.aliases.max(other.aliases),
            fields: self.fields.max(other.fields),
            introspection: self.introspection || other.introspection,
        }
    }

    /// Adds a fragment (inline or spread) selected at this level.
    fn add_fragment(&mut self, inner: Shape) {
        self.depth = self.depth.max(inner.depth);
        self.nesting = self.nesting.max(inner.nesting.saturating_add(1));
        self.selections = self
            .selections
            .saturating_add(1)
            .saturating_add(inner.selections);
        self.aliases = self.aliases.saturating_add(inner.aliases);
        self.fields = self.fields.saturating_add(inner.fields);
        self.introspection |= inner.introspection;
    }
}

enum Stop {
    Cycle(String),
    TooNested,
}

/// A walk over a document that measures each fragment once.
struct Walk<'a> {
    document: &'a ExecutableDocument,
    shapes: HashMap<&'a str, Shape>,
    /// Fragments being measured: meeting one again is a cycle.
    open: HashSet<&'a str>,
    max_nesting: usize,
}

impl<'a> Walk<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet, level: usize) -> Result<Shape, Stop> {
        // bounds this walk's own recursion; the measured nesting is checked by the caller
        if level > self.max_nesting {
            return Err(Stop::TooNested);
        }
        let mut shape = Shape::default();
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    let mut inner = Shape::default();
                    if !field.selection_set.node.items.is_empty() {
                        inner = self.selection_set(&field.selection_set.node, level + 1)?;
                        shape.nesting = shape.nesting.max(inner.nesting.saturating_add(1));
                    }
                    shape.depth = shape.depth.max(inner.depth.saturating_add(1));
                    shape.selections = shape
                        .selections
                        .saturating_add(1)
                        .saturating_add(inner.selections);
                    shape.aliases = shape
                        .aliases
                        .saturating_add(inner.aliases)
                        .saturating_add(usize::from(field.alias.is_some()));
                    shape.fields = shape.fields.saturating_add(1);
                    shape.introspection |=
                        inner.introspection || name == "__schema" || name == "__type";
                }
                Selection::InlineFragment(fragment) => {
                    let inner = self.selection_set(&fragment.node.selection_set.node, level + 1)?;
                    shape.add_fragment(inner);
                }
                Selection::FragmentSpread(spread) => {
                    let inner =
                        self.fragment(spread.node.fragment_name.node.as_str(), level + 1)?;
                    shape.add_fragment(inner);
                }
            }
        }
        Ok(shape)
    }

    fn fragment(&mut self, name: &'a str, level: usize) -> Result<Shape, Stop> {
        if let Some(shape) = self.shapes.get(name) {
            return Ok(*shape);
        }
        // an unknown fragment is a validation error async-graphql reports by name
        let Some(definition) = self.document.fragments.get(name) else {
            return Ok(Shape::default());
        };
        if !self.open.insert(name) {
            return Err(Stop::Cycle(name.to_owned()));
        }
        let shape = self.selection_set(&definition.node.selection_set.node, level)?;
        self.open.remove(name);
        self.shapes.insert(name, shape);
        Ok(shape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(toml: &str) -> Admission {
        let config = Config::from_toml(&format!(
            "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n{toml}"
        ))
        .expect("config");
        Admission::from_config(&config).expect("admission")
    }

    fn refusal(admission: &Admission, query: &str) -> Vec<(String, String)> {
        match admission.admit(async_graphql::Request::new(query), false) {
            Ok(_) => Vec::new(),
            Err(Refusal::MutationOverGet) => vec![("405".into(), String::new())],
            Err(Refusal::Errors(errors)) => errors
                .iter()
                .map(|e| {
                    let ext = e.extensions.as_ref().expect("extensions");
                    let code = ext.get("code").expect("code").to_string();
                    let limit = ext.get("limit").map(|l| l.to_string()).unwrap_or_default();
                    (code.trim_matches('"').to_owned(), limit)
                })
                .collect(),
        }
    }

    fn cached(admission: &Admission) -> usize {
        admission.parsed.lock().map_or(0, |c| c.len())
    }

    #[test]
    fn parsed_documents_are_reused_only_when_admitted_and_short() {
        let admission = admission("[limits]\nmax_depth = 3\n");
        let query = "{ sources { name } }";
        assert!(refusal(&admission, query).is_empty());
        assert_eq!(cached(&admission), 1);
        // the second time the tree comes from the cache, and the limits are checked again
        let mut request = async_graphql::Request::new(query);
        assert!(admission.parsed.reuse(&mut request));
        assert!(refusal(&admission, query).is_empty());
        assert_eq!(cached(&admission), 1);
        // refused documents are not kept, nor long ones
        let deep = "{ a { b { c { d { e } } } } }";
        assert_eq!(refusal(&admission, deep)[0].1, "\"limits.max_depth\"");
        assert_eq!(refusal(&admission, deep)[0].1, "\"limits.max_depth\"");
        let long = format!(
            "{{ sources {{ name }} }}{}",
            " ".repeat(MAX_CACHED_DOCUMENT)
        );
        assert!(refusal(&admission, &long).is_empty());
        assert_eq!(cached(&admission), 1);
        // off
        let off = admission_with_cache_off();
        assert!(refusal(&off, query).is_empty());
        assert_eq!(cached(&off), 0);
    }

    fn admission_with_cache_off() -> Admission {
        admission("[server]\ndocument_cache_entries = 0\n")
    }

    /// `levels` fragments, each spreading the next twice: 2^levels leaves in 50 bytes a level.
    fn fragment_bomb(levels: usize) -> String {
        let mut query = String::from("{ ...F0 }\n");
        for i in 0..levels {
            query.push_str(&format!(
                "fragment F{i} on Query {{ ...F{n} ...F{n} }}\n",
                n = i + 1
            ));
        }
        query.push_str(&format!("fragment F{levels} on Query {{ __typename }}\n"));
        query
    }

    #[test]
    fn an_exponential_fragment_expansion_is_measured_not_walked() {
        let admission = admission("");
        let started = std::time::Instant::now();
        // 2^30 selections, nested 31 levels: within max_nesting, far over max_complexity
        let refused = refusal(&admission, &fragment_bomb(30));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert!(
            refused.contains(&("LIMIT_EXCEEDED".into(), "\"limits.max_complexity\"".into())),
            "{refused:?}"
        );
    }

    #[test]
    fn fragment_cycles_and_unused_fragments_are_refused_before_validation() {
        let admission = admission("");
        let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
        assert_eq!(
            refusal(&admission, cycle),
            [("BAD_USER_INPUT".to_owned(), String::new())]
        );
        let unused = "{ __typename } fragment A on Query { __typename }";
        assert_eq!(
            refusal(&admission, unused),
            [("BAD_USER_INPUT".to_owned(), String::new())]
        );
    }

    #[test]
    fn fragments_count_where_they_are_spread() {
        let admission = admission("[limits]\nmax_aliases = 3\nmax_root_fields = 4\n");
        // three aliases, one of them in a fragment: at the limit
        let query = "{ a: citizen(fiscalCode: \"x\") { ...P } b: sources { name } }
            fragment P on Citizen { x: fiscalCode }";
        assert_eq!(refusal(&admission, query), []);
        let query = "{ ...R ...R2 } fragment R on Query { a: __typename b: __typename }
            fragment R2 on Query { c: __typename d: __typename e: __typename }";
        assert_eq!(
            refusal(&admission, query),
            [
                (
                    "LIMIT_EXCEEDED".to_owned(),
                    "\"limits.max_aliases\"".to_owned()
                ),
                (
                    "LIMIT_EXCEEDED".to_owned(),
                    "\"limits.max_root_fields\"".to_owned()
                )
            ]
        );
    }

    #[test]
    fn only_a_lone_priming_root_field_primes_alone() {
        let alone = |query: &str, name: Option<&str>| {
            let document = async_graphql::parser::parse_query(query).expect("parses");
            primes_alone(&document, name)
        };
        assert!(alone("{ citizen(fiscalCode: \"X\") { fiscalCode } }", None));
        assert!(alone(
            "query Q($c: [FiscalCode!]!) { citizens(fiscalCodes: $c) { fiscalCode } }",
            None
        ));
        assert!(alone(
            "{ searchCitizens(familyName: \"R\") { totalCount } }",
            None
        ));
        // two root fields share their batches through the loaders' delay
        assert!(!alone(
            "{ a: citizen(fiscalCode: \"X\") { fiscalCode } b: citizen(fiscalCode: \"Y\") { fiscalCode } }",
            None
        ));
        // a fragment at the root may hold several fields
        assert!(!alone(
            "{ ...F } fragment F on Query { citizen(fiscalCode: \"X\") { fiscalCode } }",
            None
        ));
        // roots that do not prime their relations
        assert!(!alone("{ librettos { totalCount } }", None));
        // the operation that runs is the one named
        let two = "query A { citizen(fiscalCode: \"X\") { fiscalCode } } query B { librettos { totalCount } }";
        assert!(alone(two, Some("A")));
        assert!(!alone(two, Some("B")));
        assert!(!alone(two, None));
    }
}
