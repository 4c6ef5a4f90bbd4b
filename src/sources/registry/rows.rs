//! The rows the sources answered: what each view was asked for, each source's rows tagged
//! with it, and the grouping under the asked citizens (with their linked older codes).

use super::*;

/// The citizens (exact codes) asked of each view.
pub type ViewKeys = ViewLists<FiscalCode>;

impl ViewKeys {
    /// Every view for these citizens.
    pub fn all(keys: &[FiscalCode]) -> Self {
        ViewKeys {
            person: keys.to_vec(),
            employment: keys.to_vec(),
            training: keys.to_vec(),
        }
    }

    /// Distinct citizens asked of any view.
    pub fn citizens(&self) -> usize {
        let mut all: Vec<&FiscalCode> = self
            .person
            .iter()
            .chain(&self.employment)
            .chain(&self.training)
            .collect();
        all.sort();
        all.dedup();
        all.len()
    }

    /// These keys plus, in each view, the older codes linked to them.
    pub(super) fn with_older_codes(&self, links: &LinkMap) -> ViewKeys {
        if links.is_empty() {
            return self.clone();
        }
        let expand = |keys: &[FiscalCode]| -> Vec<FiscalCode> {
            keys.iter().flat_map(|k| links.family(k)).collect()
        };
        ViewKeys {
            person: expand(&self.person),
            employment: expand(&self.employment),
            training: expand(&self.training),
        }
    }

    /// Each view's codes as text, sorted and without repeats (one list shared by views asked
    /// for the same citizens).
    pub(super) fn codes(&self) -> ViewCodes {
        let person = codes_of(&self.person);
        let same_or = |keys: &[FiscalCode]| {
            if keys == self.person.as_slice() {
                person.clone()
            } else {
                codes_of(keys)
            }
        };
        ViewCodes {
            employment: same_or(&self.employment),
            training: same_or(&self.training),
            person,
        }
    }
}

/// What the sources answered for a `ViewKeys`, merged and ordered.
#[derive(Debug, Default)]
pub struct Profiles {
    pub persons: HashMap<FiscalCode, MergedPerson>,
    /// Newest first.
    pub employments: HashMap<FiscalCode, Vec<Sourced<EmploymentRow>>>,
    /// Newest first, undated last.
    pub trainings: HashMap<FiscalCode, Vec<Sourced<TrainingRow>>>,
}

/// One source's rows, view by view, each tagged with the source.
#[derive(Default)]
pub(super) struct SourcedRows {
    pub(super) persons: Vec<Sourced<PersonRow>>,
    pub(super) employments: Vec<Sourced<EmploymentRow>>,
    pub(super) trainings: Vec<Sourced<TrainingRow>>,
}

impl SourcedRows {
    pub(super) fn len(&self) -> usize {
        self.persons.len() + self.employments.len() + self.trainings.len()
    }
}

/// A view's place in `ViewRows` and `SourcedRows`.
pub(super) trait ViewOf: ViewRow {
    fn answered(rows: &mut ViewRows) -> &mut Vec<Self>;
    fn sourced(rows: &mut SourcedRows) -> &mut Vec<Sourced<Self>>;
}

macro_rules! view_of {
    ($row:ty, $rows:ident) => {
        impl ViewOf for $row {
            fn answered(rows: &mut ViewRows) -> &mut Vec<Self> {
                &mut rows.$rows
            }
            fn sourced(rows: &mut SourcedRows) -> &mut Vec<Sourced<Self>> {
                &mut rows.$rows
            }
        }
    };
}

view_of!(PersonRow, persons);
view_of!(EmploymentRow, employments);
view_of!(TrainingRow, trainings);

pub(super) fn codes_of(keys: &[FiscalCode]) -> Vec<String> {
    let mut all: Vec<String> = keys.iter().map(|k| k.as_str().to_owned()).collect();
    all.sort();
    all.dedup();
    all
}

/// The code a stored row belongs to: exactly the one the source holds (normalised); rows with
/// malformed codes cannot match a request.
pub(super) fn code_of(stored: &str) -> Option<FiscalCode> {
    FiscalCode::parse(stored).ok()
}

/// Rows grouped under the asked citizens: each citizen's own rows, and the rows of the older
/// codes linked to it, marked with their link. A code asked as a citizen and also linked into
/// another asked citizen shows under both.
pub(super) fn group<T: ViewRow>(
    rows: Vec<Sourced<T>>,
    citizens: &[FiscalCode],
    links: &LinkMap,
) -> HashMap<FiscalCode, Vec<Sourced<T>>> {
    let mut by_code: HashMap<FiscalCode, Vec<Sourced<T>>> = HashMap::new();
    for sourced in rows {
        if let Some(code) = code_of(sourced.row.fiscal_code()) {
            by_code.entry(code).or_default().push(sourced);
        }
    }
    if links.is_empty() {
        by_code.retain(|code, _| citizens.contains(code));
        return by_code;
    }
    let mut grouped = HashMap::new();
    for citizen in citizens {
        if grouped.contains_key(citizen) {
            continue;
        }
        let mut rows: Vec<Sourced<T>> = by_code.get(citizen).cloned().unwrap_or_default();
        for link in links.older_codes(citizen) {
            rows.extend(
                by_code
                    .get(&link.from)
                    .into_iter()
                    .flatten()
                    .map(|r| Sourced {
                        link: Some(link.clone()),
                        ..r.clone()
                    }),
            );
        }
        if !rows.is_empty() {
            grouped.insert(citizen.clone(), rows);
        }
    }
    grouped
}
