//! Reading the code tables: `;`-separated text compiled into the binary, `#` comment lines,
//! no quoting (no value holds a `;`). A malformed row is a bug in the shipped data, so it
//! panics naming the file and line; the unit tests load every table.

use chrono::NaiveDate;

/// One row: its fields, and where it came from for the panic messages.
pub(super) struct Row {
    pub file: &'static str,
    pub line: usize,
    pub fields: Vec<&'static str>,
}

impl Row {
    pub fn text(&self, i: usize) -> &'static str {
        self.fields[i]
    }

    /// An empty field is `None`.
    pub fn optional(&self, i: usize) -> Option<&'static str> {
        Some(self.fields[i]).filter(|f| !f.is_empty())
    }

    pub fn number<T: std::str::FromStr>(&self, i: usize) -> T {
        self.fields[i]
            .parse()
            .unwrap_or_else(|_| self.bad(i, "a number"))
    }

    pub fn date(&self, i: usize) -> NaiveDate {
        NaiveDate::parse_from_str(self.fields[i], "%Y-%m-%d")
            .unwrap_or_else(|_| self.bad(i, "a date (YYYY-MM-DD)"))
    }

    pub fn optional_date(&self, i: usize) -> Option<NaiveDate> {
        self.optional(i).map(|_| self.date(i))
    }

    pub fn flag(&self, i: usize) -> bool {
        match self.fields[i] {
            "true" => true,
            "false" => false,
            _ => self.bad(i, "true or false"),
        }
    }

    pub fn bad(&self, i: usize, expected: &str) -> ! {
        panic!(
            "{}:{}: field {} is {:?}, not {expected}",
            self.file,
            self.line,
            i + 1,
            self.fields[i]
        )
    }
}

/// Every row that is not blank or a comment, each with `width` fields.
pub(super) fn rows(file: &'static str, text: &'static str, width: usize) -> Vec<Row> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(i, line)| {
            let fields: Vec<&'static str> = line.split(';').collect();
            assert_eq!(
                fields.len(),
                width,
                "{file}:{}: {} fields, expected {width}",
                i + 1,
                fields.len()
            );
            Row {
                file,
                line: i + 1,
                fields,
            }
        })
        .collect()
}

/// The rows under a header line that names the columns, checked against `columns`.
pub(super) fn with_header(file: &'static str, text: &'static str, columns: &[&str]) -> Vec<Row> {
    let mut rows = rows(file, text, columns.len());
    assert!(
        !rows.is_empty() && rows[0].fields == columns,
        "{file}: the first row must name the columns {}",
        columns.join(";")
    );
    rows.remove(0);
    rows
}

/// A one-column table as its values.
pub(super) fn list(file: &'static str, text: &'static str, column: &str) -> Vec<&'static str> {
    with_header(file, text, &[column])
        .into_iter()
        .map(|row| row.text(0))
        .collect()
}
