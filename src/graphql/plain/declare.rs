//! The two ways to declare a type the plain pass serves, each field written once.
//!
//! `plain_object!` takes resolver-like functions (`fn name(this) -> Type { body }`) and emits
//! the `#[Object]` impl plus the pass's `PlainFields`; `plain_struct!` takes a struct, derives
//! `SimpleObject` and emits `PlainFields` from its fields. Attributes (doc comments) go to the
//! derived field, so the schema shows them. Bodies must not need the context: a field that does
//! is not a plain one.

/// `#[Object]` and `PlainFields` for `$ty` from one list of field functions. With
/// `as sourced row "table"` the type wraps a `Sourced<row>` and gets its provenance fields first
/// (source, linkedFrom, stale, ageSeconds, sourceRowId).
macro_rules! plain_object {
    (
        #[guard($rule:path)]
        impl $ty:ident as sourced row $table:literal { $($fields:tt)* }
    ) => {
        $crate::graphql::plain::plain_object! {
            #[guard($rule)]
            impl $ty {
                /// Regional source the row comes from.
                fn source(row) -> &str { &row.0.source }
                /// Set when the row is stored under an older code an administrator linked to the
                /// citizen's (`linkFiscalCodes`): the link it is shown through.
                fn linked_from(row) -> Option<$crate::graphql::identity::FiscalCodeLink> {
                    row.0.link.as_deref().map($crate::graphql::identity::FiscalCodeLink::from)
                }
                /// The source failed and this row is from its last good answer (`stale_ttl_ms`).
                fn stale(row) -> bool { row.0.freshness.stale }
                /// Seconds since the source gave this row, when it came from the cache; null when the
                /// source was asked for this request.
                fn age_seconds(row) -> Option<i64> {
                    $crate::graphql::person::age_seconds(row.0.freshness)
                }
                #[doc = concat!("Row id in that source (`", $table, ".id`).")]
                fn source_row_id(row) -> String { row.0.row.id.to_string() }
                $($fields)*
            }
        }
    };
    (
        #[guard($rule:path)]
        impl $ty:ident {
            $(
                $(#[$attr:meta])*
                fn $name:ident($this:ident) -> $ret:ty $body:block
            )*
        }
    ) => {
        #[async_graphql::Object(guard = $rule)]
        impl $ty {
            $(
                $(#[$attr])*
                async fn $name(&self) -> $ret {
                    let $this = self;
                    $body
                }
            )*
        }

        impl $crate::graphql::plain::PlainFields for $ty {
            const RULE: $crate::graphql::access::RoleGuard = $rule;

            fn plain_field(
                &self,
                field: &async_graphql::Positioned<async_graphql::parser::types::Field>,
                walk: &$crate::graphql::plain::Walk<'_>,
            ) -> Option<async_graphql::Value> {
                use $crate::graphql::plain::IntoPlain;
                let asked = field.node.name.node.as_str();
                $(
                    if $crate::graphql::plain::is_field(asked, stringify!($name)) {
                        let $this = self;
                        let value: $ret = $body;
                        return value.plain(field, walk);
                    }
                )*
                None
            }
        }

        $crate::graphql::plain::plain_struct!(@object $ty);
    };
}

/// A `SimpleObject` struct and its `PlainFields`, from the struct's definition. A field that
/// would shadow a method its derive generates (`from`) takes its GraphQL name with
/// `field as "name": Type`.
macro_rules! plain_struct {
    (
        #[guard($rule:path)]
        $(#[$attr:meta])*
        $vis:vis struct $ty:ident {
            $(
                $(#[$field_attr:meta])*
                $field_vis:vis $field:ident $(as $rename:tt)?: $field_ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        #[derive(async_graphql::SimpleObject)]
        #[graphql(guard = $rule)]
        $vis struct $ty {
            $(
                $(#[$field_attr])*
                $(#[graphql(name = $rename)])?
                $field_vis $field: $field_ty,
            )*
        }

        impl $crate::graphql::plain::PlainFields for $ty {
            const RULE: $crate::graphql::access::RoleGuard = $rule;

            fn plain_field(
                &self,
                field: &async_graphql::Positioned<async_graphql::parser::types::Field>,
                walk: &$crate::graphql::plain::Walk<'_>,
            ) -> Option<async_graphql::Value> {
                use $crate::graphql::plain::IntoPlain;
                let asked = field.node.name.node.as_str();
                $(
                    if $crate::graphql::plain::plain_struct!(@is asked, $field $(as $rename)?) {
                        return self.$field.plain(field, walk);
                    }
                )*
                None
            }
        }

        $crate::graphql::plain::plain_struct!(@object $ty);
    };
    (@is $asked:ident, $field:ident) => {
        $crate::graphql::plain::is_field($asked, stringify!($field))
    };
    (@is $asked:ident, $field:ident as $rename:tt) => {
        $asked == $rename
    };
    // an object-valued field of another plain type goes through the pass with its selection
    (@object $ty:ident) => {
        impl $crate::graphql::plain::IntoPlain for $ty {
            fn plain(
                &self,
                field: &async_graphql::Positioned<async_graphql::parser::types::Field>,
                walk: &$crate::graphql::plain::Walk<'_>,
            ) -> Option<async_graphql::Value> {
                walk.object(self, &field.node.selection_set.node)
            }
        }
    };
}

pub(crate) use {plain_object, plain_struct};
