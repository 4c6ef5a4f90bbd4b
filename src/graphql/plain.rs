//! Objects whose fields are all at hand (the merged person, the source rows): resolved in one
//! synchronous pass over their selection set. async-graphql resolves every field of an
//! object as a boxed future with its own guard check, context and path; at about 1 µs a
//! field that was most of a 50-profile answer's time (155 fields a citizen,
//! docs/benchmarks.md). The pass builds the same values without the per-field machinery.
//!
//! Each field is written once, in `plain_object!` or `plain_struct!` (`plain/declare.rs`):
//! the macros generate both the derived resolver and the pass's arm from it, so the two cannot
//! drift apart. The derived `#[Object]` of each type stays what the schema shows and what
//! answers whenever the pass does not apply: a role the type's rule refuses (so the `FORBIDDEN` errors are
//! exactly the derived ones), a response key asked twice, a fragment on another type, a
//! directive, a field the pass does not know. A test compares both on every field.

use super::access::RoleGuard;
use super::scope::RequestScope;
use crate::auth::Role;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, FragmentDefinition, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

mod declare;
mod values;

pub(crate) use declare::{plain_object, plain_struct};
pub use values::{IntoPlain, is_field};

/// A type the plain pass can resolve.
pub trait PlainFields: OutputType {
    /// The type's rule in `access`, checked once per object instead of once per field.
    const RULE: RoleGuard;

    /// The value of the field `field` names (`field` carries the sub-selection of an
    /// object-valued one); `None` when the pass cannot answer it.
    fn plain_field(&self, field: &Positioned<Field>, walk: &Walk<'_>) -> Option<Value>;
}

/// Request data for tests that compare the pass with the derived resolvers: `Off` leaves
/// everything to the derived resolvers; `Required` makes an object the pass hands over an
/// error, so a test sees that the pass answered all it was asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlainPass {
    Off,
    Required,
}

/// What the pass needs of the request: the caller's role and the document's fragments.
pub struct Walk<'a> {
    role: Role,
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
}

impl<'a> Walk<'a> {
    fn of(ctx: &ContextSelectionSet<'a>) -> Option<Self> {
        if ctx.data_opt::<PlainPass>() == Some(&PlainPass::Off) {
            return None;
        }
        let scope = ctx.data_opt::<Arc<RequestScope>>()?;
        Some(Walk {
            role: scope.principal.role,
            fragments: &ctx.query_env.fragments,
        })
    }

    /// `object` with the fields `selection` asks for.
    pub fn object<T: PlainFields>(&self, object: &T, selection: &SelectionSet) -> Option<Value> {
        if !T::RULE.allows(self.role) {
            return None;
        }
        let mut fields = IndexMap::with_capacity(selection.items.len());
        self.collect(object, selection, &mut fields)?;
        Some(Value::Object(fields))
    }

    /// Each item with the sub-selection of `field`.
    pub fn list<'i, T: PlainFields + 'i>(
        &self,
        items: impl IntoIterator<Item = &'i T>,
        field: &Positioned<Field>,
    ) -> Option<Value> {
        let selection = &field.node.selection_set.node;
        items
            .into_iter()
            .map(|item| self.object(item, selection))
            .collect::<Option<Vec<_>>>()
            .map(Value::List)
    }

    fn collect<T: PlainFields>(
        &self,
        object: &T,
        selection: &SelectionSet,
        fields: &mut IndexMap<Name, Value>,
    ) -> Option<()> {
        // `@skip` and `@include` are gone by now (async-graphql drops them before
        // execution): any directive left is one the pass does not run
        for item in &selection.items {
            match &item.node {
                Selection::Field(field) => {
                    if !field.node.directives.is_empty() {
                        return None;
                    }
                    let key = &field.node.response_key().node;
                    if fields.contains_key(key) {
                        // the same key twice merges sub-selections: the derived path does it
                        return None;
                    }
                    let value = if field.node.name.node == "__typename" {
                        Value::String(T::type_name().into_owned())
                    } else {
                        object.plain_field(field, self)?
                    };
                    fields.insert(key.clone(), value);
                }
                Selection::FragmentSpread(spread) => {
                    let fragment = self.fragments.get(&spread.node.fragment_name.node)?;
                    if !spread.node.directives.is_empty()
                        || fragment.node.type_condition.node.on.node != *T::type_name()
                    {
                        return None;
                    }
                    self.collect(object, &fragment.node.selection_set.node, fields)?;
                }
                Selection::InlineFragment(inline) => {
                    let other_type = inline
                        .node
                        .type_condition
                        .as_ref()
                        .is_some_and(|on| on.node.on.node != *T::type_name());
                    if !inline.node.directives.is_empty() || other_type {
                        return None;
                    }
                    self.collect(object, &inline.node.selection_set.node, fields)?;
                }
            }
        }
        Some(())
    }
}

/// `T`, answered by the plain pass where it applies and by its derived resolvers elsewhere.
pub struct Plain<T>(pub T);

impl<T: PlainFields> OutputType for Plain<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        match Walk::of(ctx).and_then(|walk| walk.object(&self.0, &field.node.selection_set.node)) {
            Some(value) => Ok(value),
            None => {
                handed_over::<T>(ctx, field)?;
                self.0.resolve(ctx, field).await
            }
        }
    }
}

/// A list of `T` (`[T!]!`), answered whole by the plain pass where it applies.
pub struct PlainList<T>(pub Vec<T>);

impl<T: PlainFields> OutputType for PlainList<T> {
    fn type_name() -> Cow<'static, str> {
        Vec::<T>::type_name()
    }

    fn qualified_type_name() -> String {
        Vec::<T>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Vec::<T>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        match Walk::of(ctx).and_then(|walk| walk.list(&self.0, field)) {
            Some(value) => Ok(value),
            None => {
                handed_over::<T>(ctx, field)?;
                self.0.resolve(ctx, field).await
            }
        }
    }
}

/// The pass could not answer: fine, unless a test asked for `PlainPass::Required`.
fn handed_over<T: OutputType>(
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
) -> ServerResult<()> {
    if ctx.data_opt::<PlainPass>() == Some(&PlainPass::Required) {
        return Err(async_graphql::ServerError::new(
            format!("the plain pass handed {} over", T::type_name()),
            Some(field.pos),
        ));
    }
    Ok(())
}
