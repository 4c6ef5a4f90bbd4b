//! Column shapes and the reference-code loader that several migrations use.

use sea_orm_migration::prelude::*;

/// A UUID (or base fiscal code) key as text.
pub fn id36<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).string_len(36).not_null().to_owned()
}

pub fn stamp<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

pub fn index<T: IntoIden>(name: &str, table: T, col: T) -> IndexCreateStatement {
    Index::create().name(name).table(table).col(col).to_owned()
}

#[derive(DeriveIden)]
enum ReferenceCode {
    Table,
    List,
    Region,
    Version,
    Code,
    Label,
    ValidFrom,
    ValidTo,
    Attribute,
}

/// The insert of a reference-code CSV (`list;region;version;code;label;valid_from;valid_to;
/// attribute`, `#` comments); `file` names it in errors.
pub fn reference_codes_insert(file: &str, data: &str) -> Result<InsertStatement, DbErr> {
    let mut insert = Query::insert();
    insert.into_table(ReferenceCode::Table).columns([
        ReferenceCode::List,
        ReferenceCode::Region,
        ReferenceCode::Version,
        ReferenceCode::Code,
        ReferenceCode::Label,
        ReferenceCode::ValidFrom,
        ReferenceCode::ValidTo,
        ReferenceCode::Attribute,
    ]);
    for (number, line) in data.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(';').collect();
        let [list, region, version, code, label, from, to, attribute] = fields[..] else {
            return Err(DbErr::Migration(format!(
                "{file} line {}: expected 8 fields",
                number + 1
            )));
        };
        let optional = |s: &str| -> SimpleExpr {
            if s.is_empty() {
                Option::<String>::None.into()
            } else {
                s.into()
            }
        };
        let date = |s: &str| -> Result<SimpleExpr, DbErr> {
            if s.is_empty() {
                return Ok(Option::<chrono::NaiveDate>::None.into());
            }
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Into::into)
                .map_err(|e| DbErr::Migration(format!("{file} line {}: {e}", number + 1)))
        };
        insert.values_panic([
            list.into(),
            region.into(),
            version.into(),
            code.into(),
            label.into(),
            date(from)?,
            date(to)?,
            optional(attribute),
        ]);
    }
    Ok(insert)
}
