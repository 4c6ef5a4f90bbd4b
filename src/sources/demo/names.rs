//! The demo's name lists, read once from `data/*.csv`: given and family names, the words of
//! invented company names, mobile prefixes, and names by foreign state of birth. The order
//! of each file is part of the dataset: a seed picks by position.

use std::sync::LazyLock;

/// The single column of a one-column CSV file, header skipped.
fn column(csv: &'static str) -> Vec<&'static str> {
    csv.lines()
        .skip(1)
        .filter(|line| !line.is_empty())
        .collect()
}

pub(super) static MALE_NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| column(include_str!("data/male_names.csv")));
pub(super) static FEMALE_NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| column(include_str!("data/female_names.csv")));
pub(super) static FAMILY_NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| column(include_str!("data/family_names.csv")));
/// Words for invented company names.
pub(super) static NOUNS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| column(include_str!("data/company_nouns.csv")));
pub(super) static MOBILE_PREFIXES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| column(include_str!("data/mobile_prefixes.csv")));

/// Names plausible for people born in a foreign state, with its weight among Tuscany's foreign
/// residents (order of magnitude).
/// Lists are `|`-separated.
pub(super) struct ForeignNames {
    pub state: &'static str,
    pub weight: u32,
    pub male: &'static str,
    pub female: &'static str,
    pub family: &'static str,
}

pub(super) static FOREIGN_NAMES: LazyLock<Vec<ForeignNames>> = LazyLock::new(|| {
    include_str!("data/foreign_names.csv")
        .lines()
        .skip(1)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let fields: Vec<&'static str> = line.split(',').collect();
            let [state, weight, male, female, family] = fields[..] else {
                panic!("foreign_names.csv: five fields a line, not {line}");
            };
            ForeignNames {
                state,
                weight: weight.parse().expect("foreign_names.csv: a numeric weight"),
                male,
                female,
                family,
            }
        })
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists the generator was tuned with: a changed count changes every dataset.
    #[test]
    fn the_lists_have_their_sizes() {
        assert_eq!(MALE_NAMES.len(), 40);
        assert_eq!(FEMALE_NAMES.len(), 40);
        assert_eq!(FAMILY_NAMES.len(), 60);
        assert_eq!(NOUNS.len(), 18);
        assert_eq!(MOBILE_PREFIXES.len(), 16);
        assert_eq!(FOREIGN_NAMES.len(), 15);
    }
}
