//! The shape of an operation measured in one walk over its document, each fragment measured
//! once however often it is spread.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use std::collections::{HashMap, HashSet};

/// The measures of a selection set, its fragments expanded; counts saturate, since a small
/// document can describe an astronomically large expansion.
#[derive(Clone, Copy, Default)]
pub(super) struct Shape {
    /// Deepest nesting of fields (a leaf field is 1).
    pub(super) depth: usize,
    /// Deepest nesting of selection sets, fragments counting as levels.
    pub(super) nesting: usize,
    /// Fields, fragment spreads and inline fragments.
    pub(super) selections: usize,
    pub(super) aliases: usize,
    /// Fields at this level, through fragments spread here.
    pub(super) fields: usize,
    /// `__schema` or `__type` somewhere.
    pub(super) introspection: bool,
}

impl Shape {
    pub(super) fn max(self, other: Shape) -> Shape {
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

pub(super) enum Stop {
    Cycle(String),
    TooNested,
}

/// A walk over a document that measures each fragment once.
pub(super) struct Walk<'a> {
    pub(super) document: &'a ExecutableDocument,
    pub(super) shapes: HashMap<&'a str, Shape>,
    /// Fragments being measured: meeting one again is a cycle.
    pub(super) open: HashSet<&'a str>,
    pub(super) max_nesting: usize,
}

impl<'a> Walk<'a> {
    pub(super) fn selection_set(
        &mut self,
        set: &'a SelectionSet,
        level: usize,
    ) -> Result<Shape, Stop> {
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
