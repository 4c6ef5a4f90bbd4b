use super::*;
use std::collections::{BTreeMap, HashSet};

fn tally<'a>(lines: impl Iterator<Item = &'a Value>, key: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for line in lines {
        *out.entry(line[key].as_str().unwrap_or_default().to_owned())
            .or_default() += 1;
    }
    out
}

#[test]
fn apportioned_draws_exact_shares_evenly() {
    let mut a = Apportioned::new(10, [1, 1]);
    let draws: Vec<usize> = (0..10).map(|_| a.next()).collect();
    assert_eq!(draws, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    let mut b = Apportioned::new(7, [50, 39, 11]);
    let mut seen = [0; 3];
    for _ in 0..7 {
        seen[b.next()] += 1;
    }
    assert_eq!(
        seen,
        [3, 3, 1],
        "3.5, 2.73, 0.77: the two largest remainders round up"
    );
}

#[test]
fn seed_000_size_gives_its_table_exactly() {
    let lines: Vec<Value> = libretti(SEED_000_TOTAL, 1).collect();
    let areas = tally(lines.iter(), "area");
    for (area, count, _, _) in SEED_000_AREAS {
        assert_eq!(areas[area], count, "{area}");
    }
    assert_eq!(tally(lines.iter(), "gender")["M"], SEED_000_MEN);
    let codes: HashSet<&str> = lines
        .iter()
        .map(|l| l["fiscalCode"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), lines.len(), "one holder per libretto");
    for line in lines.iter().step_by(997) {
        let code = line["fiscalCode"].as_str().unwrap();
        assert!(FiscalCode::parse(code).is_ok(), "{code}");
    }
}

#[test]
fn seed_003_size_gives_its_years_and_origins() {
    let lines: Vec<Value> = dossiers(1_391, 1).collect();
    let mut dossiers_of = BTreeMap::<i64, u64>::new();
    let mut attestati_of = BTreeMap::<i64, u64>::new();
    let mut abroad = 0;
    for line in &lines {
        let year: i64 = line["requestedOn"].as_str().unwrap()[..4].parse().unwrap();
        *dossiers_of.entry(year).or_default() += 1;
        if let Some(on) = line["attestatoIssuedOn"].as_str() {
            assert_eq!(on[..4].parse::<i64>().unwrap(), year, "same year");
            *attestati_of.entry(year).or_default() += 1;
        }
        abroad += u64::from(&line["fiscalCode"].as_str().unwrap()[11..12] == "Z");
    }
    for (year, d, a) in SEED_003_YEARS {
        assert_eq!(dossiers_of[&i64::from(year)], d, "{year}");
        assert_eq!(attestati_of[&i64::from(year)], a, "{year}");
    }
    assert_eq!(abroad, 542, "39 % of 1,391");
    let outcomes = tally(lines.iter(), "outcome");
    let qualified = outcomes["QUALIFICATION"] as f64 / 1_391.0;
    assert!((0.12..0.18).contains(&qualified), "{outcomes:?}");
}
