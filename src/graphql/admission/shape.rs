//! The shape of a document's operations, measured in one walk over it, each fragment measured
//! once however often it is spread: what admission compares with the limits.

use async_graphql::Positioned;
use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
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
    /// Arguments of fields and of directives.
    pub(super) arguments: usize,
    pub(super) directives: usize,
    /// `__schema` or `__type` somewhere.
    pub(super) introspection: bool,
}

impl Shape {
    fn max(self, other: Shape) -> Shape {
        Shape {
            depth: self.depth.max(other.depth),
            nesting: self.nesting.max(other.nesting),
            selections: self.selections.max(other.selections),
            aliases: self.aliases.max(other.aliases),
            fields: self.fields.max(other.fields),
            arguments: self.arguments.max(other.arguments),
            directives: self.directives.max(other.directives),
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
        self.arguments = self.arguments.saturating_add(inner.arguments);
        self.directives = self.directives.saturating_add(inner.directives);
        self.introspection |= inner.introspection;
    }

    /// Counts directives written here, with their arguments.
    fn add_directives(&mut self, directives: &[Positioned<Directive>]) {
        self.directives = self.directives.saturating_add(directives.len());
        for directive in directives {
            self.arguments = self
                .arguments
                .saturating_add(directive.node.arguments.len());
        }
    }
}

/// What a walk over a whole document found.
pub(super) struct Measure<'a> {
    /// The largest measures among its operations (each taken from the operation that has it).
    pub(super) worst: Shape,
    /// Most variable definitions of one operation.
    pub(super) variables: usize,
    /// Fragments that no operation spreads, by name, sorted.
    pub(super) unused_fragments: Vec<&'a str>,
}

/// Why a walk stopped before measuring everything.
pub(super) enum Stop {
    Cycle(String),
    TooNested,
}

/// Measures every operation of `document`; selection sets nested deeper than `max_nesting`
/// (fragments counting as levels) stop the walk, which bounds its recursion.
pub(super) fn measure(
    document: &ExecutableDocument,
    max_nesting: usize,
) -> Result<Measure<'_>, Stop> {
    let mut walk = Walk {
        document,
        shapes: HashMap::new(),
        open: HashSet::new(),
        max_nesting,
    };
    let mut worst = Shape::default();
    let mut variables = 0;
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        let mut shape = walk.selection_set(&operation.selection_set.node, 0)?;
        shape.add_directives(&operation.directives);
        for variable in &operation.variable_definitions {
            shape.add_directives(&variable.node.directives);
        }
        worst = worst.max(shape);
        variables = variables.max(operation.variable_definitions.len());
    }
    // every fragment is now measured where it is spread
    let mut unused_fragments: Vec<&str> = document
        .fragments
        .keys()
        .map(|name| name.as_str())
        .filter(|name| !walk.shapes.contains_key(name))
        .collect();
    unused_fragments.sort_unstable();
    Ok(Measure {
        worst,
        variables,
        unused_fragments,
    })
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
                    shape.arguments = shape
                        .arguments
                        .saturating_add(inner.arguments)
                        .saturating_add(field.arguments.len());
                    shape.directives = shape.directives.saturating_add(inner.directives);
                    shape.add_directives(&field.directives);
                    shape.introspection |=
                        inner.introspection || name == "__schema" || name == "__type";
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let inner = self.selection_set(&fragment.selection_set.node, level + 1)?;
                    shape.add_fragment(inner);
                    shape.add_directives(&fragment.directives);
                }
                Selection::FragmentSpread(spread) => {
                    let spread = &spread.node;
                    let inner = self.fragment(spread.fragment_name.node.as_str(), level + 1)?;
                    shape.add_fragment(inner);
                    shape.add_directives(&spread.directives);
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
        let mut shape = self.selection_set(&definition.node.selection_set.node, level)?;
        shape.add_directives(&definition.node.directives);
        self.open.remove(name);
        self.shapes.insert(name, shape);
        Ok(shape)
    }
}
