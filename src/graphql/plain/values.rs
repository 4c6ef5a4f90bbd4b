//! Field values as the plain pass writes them: each scalar as its GraphQL scalar writes it,
//! objects and lists of them through the pass again.

use super::{PlainFields, Walk};
use crate::domain::FiscalCode;
use crate::graphql::scalars::{Date, FiscalCodeScalar, iso_date, iso_datetime};
use async_graphql::parser::types::Field;
use async_graphql::{ID, Positioned, Value};
use chrono::{DateTime, NaiveDateTime, Utc};

/// A field value the pass can write; `None` hands the object back to the derived resolvers.
pub trait IntoPlain {
    fn plain(&self, field: &Positioned<Field>, walk: &Walk<'_>) -> Option<Value>;
}

/// Scalars: the selection and the walk play no part.
macro_rules! scalar {
    ($($ty:ty => |$v:ident| $value:expr;)*) => {$(
        impl IntoPlain for $ty {
            fn plain(&self, _: &Positioned<Field>, _: &Walk<'_>) -> Option<Value> {
                let $v = self;
                Some($value)
            }
        }
    )*};
}

scalar! {
    str => |s| Value::String(s.to_owned());
    String => |s| Value::String(s.clone());
    ID => |id| Value::String(id.0.clone());
    FiscalCode => |code| Value::String(code.as_str().to_owned());
    FiscalCodeScalar => |code| Value::String(code.as_str().to_owned());
    bool => |b| Value::Boolean(*b);
    i64 => |n| Value::Number((*n).into());
    f64 => |x| async_graphql::ScalarType::to_value(x);
    Date => |d| Value::String(iso_date(d.0));
    NaiveDateTime => |at| Value::String(iso_datetime(*at));
    DateTime<Utc> => |at| async_graphql::ScalarType::to_value(at);
}

impl<T: IntoPlain + ?Sized> IntoPlain for &T {
    fn plain(&self, field: &Positioned<Field>, walk: &Walk<'_>) -> Option<Value> {
        (**self).plain(field, walk)
    }
}

impl<T: IntoPlain> IntoPlain for Option<T> {
    fn plain(&self, field: &Positioned<Field>, walk: &Walk<'_>) -> Option<Value> {
        match self {
            Some(value) => value.plain(field, walk),
            None => Some(Value::Null),
        }
    }
}

/// A list of texts (warnings).
impl IntoPlain for Vec<String> {
    fn plain(&self, _: &Positioned<Field>, _: &Walk<'_>) -> Option<Value> {
        Some(Value::List(
            self.iter().map(|s| Value::String(s.clone())).collect(),
        ))
    }
}

impl<T: PlainFields> IntoPlain for Vec<T> {
    fn plain(&self, field: &Positioned<Field>, walk: &Walk<'_>) -> Option<Value> {
        walk.list(self, field)
    }
}

/// Whether the field `asked` is the one the Rust name `snake_name` declares: async-graphql
/// names a field by its Rust name in camelCase (`age_seconds` is `ageSeconds`).
pub fn is_field(asked: &str, snake_name: &str) -> bool {
    let mut asked = asked.bytes();
    let mut upper_next = false;
    for b in snake_name.bytes() {
        if b == b'_' {
            upper_next = true;
            continue;
        }
        let expected = if upper_next {
            b.to_ascii_uppercase()
        } else {
            b
        };
        upper_next = false;
        if asked.next() != Some(expected) {
            return false;
        }
    }
    asked.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::is_field;

    #[test]
    fn a_field_is_its_rust_name_in_camel_case() {
        assert!(is_field("ageSeconds", "age_seconds"));
        assert!(is_field(
            "contractTypeValidAtStart",
            "contract_type_valid_at_start"
        ));
        assert!(is_field("source", "source"));
        assert!(!is_field("age_seconds", "age_seconds"));
        assert!(!is_field("ageSecond", "age_seconds"));
        assert!(!is_field("ageSecondsX", "age_seconds"));
        assert!(!is_field("", "source"));
    }
}
