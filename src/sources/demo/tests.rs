use super::*;
use crate::domain::FiscalCode;
use crate::domain::codes::{OUTCOME_ONGOING, OUTCOME_QUALIFIED, TRAINING_KINDS, TRAINING_OUTCOMES};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use std::collections::HashMap;

fn codes_of(source: &SourceData) -> Vec<&str> {
    source
        .persons
        .iter()
        .map(|p| p.fiscal_code.as_str())
        .collect()
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let a = generate(42, 400);
    assert_eq!(a, generate(42, 400));
    let b = generate(43, 400);
    assert_ne!(codes_of(&a.lavoro), codes_of(&b.lavoro));
}

#[test]
fn fiscal_codes_parse_and_are_distinct_per_source() {
    let data = generate(1, 2_000);
    for source in [&data.lavoro, &data.formazione] {
        let codes = codes_of(source);
        let distinct: HashSet<&str> = codes.iter().copied().collect();
        assert_eq!(distinct.len(), codes.len());
        for code in codes {
            let parsed = FiscalCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(parsed.as_str(), code);
        }
    }
    // the universe has one code per citizen: a code is the same person in both sources
    let lavoro: HashMap<&str, &PersonRow> = data
        .lavoro
        .persons
        .iter()
        .map(|p| (p.fiscal_code.as_str(), p))
        .collect();
    for p in &data.formazione.persons {
        if let Some(l) = lavoro.get(p.fiscal_code.as_str()) {
            assert_eq!(
                (
                    &l.given_name,
                    &l.family_name,
                    l.birth_date,
                    &l.birth_place_code
                ),
                (
                    &p.given_name,
                    &p.family_name,
                    p.birth_date,
                    &p.birth_place_code
                )
            );
        }
    }
}

#[test]
fn omocodes_and_foreign_births_appear() {
    let data = generate(7, 2_000);
    let persons = &data.lavoro.persons;
    let omocodes = persons
        .iter()
        .filter(|p| FiscalCode::parse(&p.fiscal_code).unwrap().is_omocode())
        .count();
    assert!(omocodes >= 2, "{omocodes} omocodes");
    let foreign: Vec<&PersonRow> = persons
        .iter()
        .filter(|p| {
            p.birth_place_code
                .as_deref()
                .is_some_and(|c| c.starts_with('Z'))
        })
        .collect();
    assert!(
        foreign.len() > persons.len() / 25,
        "{} foreign-born",
        foreign.len()
    );
    for p in &foreign {
        let state = codes::foreign_state(p.birth_place_code.as_deref().unwrap()).unwrap();
        assert_eq!(p.citizenship.as_deref(), Some(state.iso_alpha2));
        assert!(state.existed_at(p.birth_date.unwrap()));
    }
    for p in persons
        .iter()
        .filter(|p| p.citizenship.as_deref() == Some("IT"))
    {
        let born = codes::MUNICIPALITIES
            .iter()
            .find(|m| Some(m.belfiore) == p.birth_place_code.as_deref())
            .expect("Italian births are in listed comuni");
        assert!(born.existed_at(p.birth_date.unwrap()));
    }
}

#[test]
fn person_rows_are_complete_and_coherent() {
    let data = generate(3, 1_000);
    let n = 1_000.0;
    let lavoro = data.lavoro.persons.len() as f64 / n;
    let formazione = data.formazione.persons.len() as f64 / n;
    assert!((0.80..0.90).contains(&lavoro), "{lavoro}");
    assert!((0.59..0.71).contains(&formazione), "{formazione}");
    for p in data.lavoro.persons.iter().chain(&data.formazione.persons) {
        let birth = p.birth_date.unwrap();
        assert!((FIRST_BIRTH..=LAST_BIRTH).contains(&birth));
        assert!(matches!(p.gender.as_deref(), Some("M" | "F")));
        let m = codes::municipality_by_istat(p.residence_municipality.as_deref().unwrap()).unwrap();
        assert_eq!(p.residence_province.as_deref(), Some(m.province));
        assert!(p.cpi_code.as_deref().unwrap().starts_with("CPI-"));
        assert!(p.updated_at.date() <= REFERENCE_DATE && p.updated_at.date() >= FIRST_UPDATE);
        if let Some(email) = &p.email {
            assert!(
                email.ends_with("@example.it") || email.ends_with("@example.com"),
                "{email}"
            );
            assert!(email.is_ascii() && !email.contains(' '), "{email}");
        }
    }
    assert!(data.lavoro.persons.iter().any(|p| p.email.is_none()));
    assert!(data.lavoro.persons.iter().any(|p| p.did_date.is_some()));
}

#[test]
fn citizens_in_both_sources_differ_in_update_time_and_sometimes_in_a_field() {
    let data = generate(11, 1_000);
    let formazione: HashMap<&str, &PersonRow> = data
        .formazione
        .persons
        .iter()
        .map(|p| (p.fiscal_code.as_str(), p))
        .collect();
    let (mut both, mut drifted) = (0, 0);
    for l in &data.lavoro.persons {
        let Some(f) = formazione.get(l.fiscal_code.as_str()) else {
            continue;
        };
        both += 1;
        assert_ne!(l.updated_at, f.updated_at);
        let differs = (&l.email, &l.phone, &l.residence_municipality, l.did_date)
            != (&f.email, &f.phone, &f.residence_municipality, f.did_date);
        drifted += usize::from(differs);
    }
    assert!(both > 400, "{both} in both sources");
    let share = drifted as f64 / both as f64;
    assert!((0.12..0.28).contains(&share), "{share}");
}

#[test]
fn employments_follow_the_cob_rules() {
    let data = generate(5, 2_000);
    assert!(data.formazione.employments.is_empty());
    let employments = &data.lavoro.employments;
    assert!(employments.len() > 2_000, "{}", employments.len());
    let mut contracts = HashSet::new();
    for e in employments {
        let code = e.contract_type.as_deref().unwrap();
        let contract = codes::contract_type(code).unwrap();
        assert!(
            contract.valid_at(e.start_date),
            "{code} at {}",
            e.start_date
        );
        contracts.insert(code);
        assert!(e.start_date >= FIRST_EMPLOYMENT && e.start_date <= REFERENCE_DATE);
        assert!(e.end_date.is_none_or(|end| end > e.start_date));
        assert!(codes::occupation_by_code(e.occupation_code.as_deref().unwrap()).is_some());
        assert!(codes::activity_by_code(e.sector_code.as_deref().unwrap()).is_some());
        assert!(
            codes::municipality_by_istat(e.workplace_municipality.as_deref().unwrap()).is_some()
        );
        let tax_code = e.employer_tax_code.as_deref().unwrap();
        if tax_code.len() == 11 {
            assert!(tax_code.bytes().all(|b| b.is_ascii_digit()));
            let check = partita_iva_check_digit(&tax_code[..10]);
            assert_eq!(tax_code.chars().last(), Some(check), "{tax_code}");
        } else {
            // families employing domestic workers use their codice fiscale
            assert_eq!(e.sector_code.as_deref(), Some("97.00.00"));
            assert!(FiscalCode::parse(tax_code).is_ok(), "{tax_code}");
        }
        if let Some(hours) = e.weekly_hours {
            assert!((10.0..=54.0).contains(&hours), "{hours}");
        }
    }
    // both apprenticeship regimes and internships show up
    for code in ["A.03.02", "A.03.09", "C.01.00", "A.01.00", "A.02.00"] {
        assert!(contracts.contains(code), "no {code}");
    }
    assert!(employments.iter().any(|e| e.end_date.is_none()));
    let ids: Vec<i64> = employments.iter().map(|e| e.id).collect();
    assert_eq!(ids, (1..=employments.len() as i64).collect::<Vec<_>>());
}

#[test]
fn trainings_use_the_contract_vocabularies() {
    let data = generate(9, 2_000);
    let mut kinds = HashSet::new();
    for (source, allowed) in [
        (
            &data.lavoro,
            &[codes::KIND_INTERNSHIP, codes::KIND_APPRENTICESHIP][..],
        ),
        (&data.formazione, &TRAINING_KINDS[..]),
    ] {
        let ids: Vec<i64> = source.trainings.iter().map(|t| t.id).collect();
        assert_eq!(ids, (1..=source.trainings.len() as i64).collect::<Vec<_>>());
        for t in &source.trainings {
            let kind = t.kind.as_deref().unwrap();
            assert!(allowed.contains(&kind), "{kind}");
            kinds.insert(kind);
            let outcome = t.outcome.as_deref().unwrap();
            assert!(TRAINING_OUTCOMES.contains(&outcome));
            let start = t.start_date.unwrap();
            assert!(start <= REFERENCE_DATE);
            assert_eq!(outcome == OUTCOME_ONGOING, t.end_date.is_none(), "{t:?}");
            assert!(
                t.end_date
                    .is_none_or(|end| end >= start && end <= REFERENCE_DATE)
            );
            if let Some(level) = t.eqf_level {
                assert!((1..=8).contains(&level));
            }
            if kind == codes::KIND_EDUCATION && outcome == OUTCOME_QUALIFIED {
                let code = t.qualification_code.as_deref().unwrap();
                assert!(codes::EDUCATION_TITLES.iter().any(|e| e.sap_code == code));
            }
        }
    }
    assert_eq!(kinds.len(), 4);
    assert!(!data.lavoro.trainings.is_empty());
    let vocational_eqf: HashSet<i64> = data
        .formazione
        .trainings
        .iter()
        .filter(|t| t.kind.as_deref() == Some(codes::KIND_VOCATIONAL))
        .filter_map(|t| t.eqf_level)
        .collect();
    assert!(vocational_eqf.iter().all(|l| (2..=5).contains(l)));
}

#[test]
fn partita_iva_check_digit_matches_the_worked_example() {
    // 1234567 (serial) 048 (Firenze office): X = 20, Y = 22, C = (10 - 2) % 10
    // (fabriziosta/PartitaIVAlastDigitCalculator README)
    assert_eq!(partita_iva_check_digit("1234567048"), '8');
    assert_eq!(partita_iva_check_digit("0000000000"), '0');
}

async fn count(db: &DatabaseConnection, view: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {view}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

#[tokio::test]
async fn sqlite_round_trip_through_the_contract_views() {
    let data = generate(21, 300);
    let source = &data.lavoro;
    let db = Database::connect("sqlite::memory:").await.unwrap();
    create_schema(&db).await.unwrap();
    insert(&db, source).await.unwrap();

    assert_eq!(count(&db, "gw_person").await, source.persons.len() as i64);
    assert_eq!(
        count(&db, "gw_employment").await,
        source.employments.len() as i64
    );
    assert_eq!(
        count(&db, "gw_training").await,
        source.trainings.len() as i64
    );

    let expected = source
        .persons
        .iter()
        .find(|p| p.email.is_some() && p.did_date.is_some())
        .unwrap();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            format!(
                "SELECT {} FROM gw_person WHERE fiscal_code = ?",
                crate::sources::contract::PERSON_VIEW.select_list()
            ),
            [expected.fiscal_code.clone().into()],
        ))
        .await
        .unwrap()
        .expect("the person is in the view");
    let text = |col: &str| row.try_get::<Option<String>>("", col).unwrap();
    let day = |col: &str| row.try_get::<Option<NaiveDate>>("", col).unwrap();
    let got = PersonRow {
        fiscal_code: row.try_get("", "fiscal_code").unwrap(),
        given_name: text("given_name"),
        family_name: text("family_name"),
        birth_date: day("birth_date"),
        birth_place_code: text("birth_place_code"),
        gender: text("gender"),
        citizenship: text("citizenship"),
        residence_municipality: text("residence_municipality"),
        residence_province: text("residence_province"),
        email: text("email"),
        phone: text("phone"),
        cpi_code: text("cpi_code"),
        did_date: day("did_date"),
        updated_at: row.try_get("", "updated_at").unwrap(),
    };
    assert_eq!(&got, expected);

    let employment = &source.employments[0];
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT contract_type, weekly_hours, start_date FROM gw_employment WHERE id = ?",
            [employment.id.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.try_get::<Option<String>>("", "contract_type").unwrap(),
        employment.contract_type
    );
    assert_eq!(
        row.try_get::<Option<f64>>("", "weekly_hours").unwrap(),
        employment.weekly_hours
    );
    assert_eq!(
        row.try_get::<NaiveDate>("", "start_date").unwrap(),
        employment.start_date
    );
}
