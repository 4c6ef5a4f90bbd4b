use super::*;
use std::collections::HashSet;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn valid(code: &str, date: NaiveDate) -> bool {
    contract_type(code).unwrap().valid_at(date)
}

#[test]
fn apprenticeship_codes_switch_on_the_fornero_reform() {
    assert!(!valid("A.03.08", d(2012, 4, 25)));
    assert!(valid("A.03.08", d(2012, 4, 26)));
    assert!(valid("A.03.02", d(2012, 4, 25)));
    assert!(!valid("A.03.02", d(2012, 4, 26)));
    assert!(valid("A.03.09", d(2026, 1, 1)));
}

#[test]
fn open_ended_codes_stay_valid_and_expired_ones_end_inclusive() {
    assert!(valid("C.01.00", d(2020, 6, 1)));
    assert!(valid("A.01.00", d(2007, 6, 21)));
    assert!(!valid("A.01.00", d(2007, 6, 20)));
    // both the old and the new domestic-work codes are valid on the switch day
    assert!(valid("A.04.01", d(2013, 1, 10)));
    assert!(valid("A.04.02", d(2013, 1, 10)));
    assert!(!valid("A.04.01", d(2013, 1, 11)));
    assert!(valid("A.07.01", d(2008, 2, 25)));
    assert!(!valid("A.07.01", d(2008, 2, 24)));
    assert!(contract_type("A.99.99").is_none());
}

#[test]
fn contract_codes_are_well_formed_and_unique() {
    let mut seen = HashSet::new();
    for c in CONTRACT_TYPES.iter() {
        let b = c.code.as_bytes();
        assert!(
            b.len() == 7
                && b[0].is_ascii_uppercase()
                && b[1] == b'.'
                && b[4] == b'.'
                && [2, 3, 5, 6].iter().all(|&i| b[i].is_ascii_digit()),
            "{}",
            c.code
        );
        assert!(!c.description.is_empty());
        assert!(c.valid_to.is_none_or(|to| c.valid_from <= to), "{}", c.code);
        assert!(seen.insert(c.code), "duplicate {}", c.code);
    }
}

fn is_belfiore(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

#[test]
fn municipality_codes_match_their_province() {
    let mut istat = HashSet::new();
    let mut belfiore = HashSet::new();
    for m in MUNICIPALITIES.iter() {
        let p = province(m.province).unwrap_or_else(|| panic!("{}: province", m.name));
        assert!(
            m.istat_code.len() == 6 && m.istat_code.bytes().all(|b| b.is_ascii_digit()),
            "{}",
            m.name
        );
        assert_eq!(&m.istat_code[..3], p.istat_code, "{}", m.name);
        assert!(
            is_belfiore(m.belfiore) && !m.belfiore.starts_with('Z'),
            "{}",
            m.name
        );
        assert!(istat.insert(m.istat_code), "duplicate {}", m.istat_code);
        assert!(belfiore.insert(m.belfiore), "duplicate {}", m.belfiore);
    }
    let expected = [
        ("FI", "048"),
        ("PO", "100"),
        ("PI", "050"),
        ("AR", "051"),
        ("SI", "052"),
        ("LI", "049"),
        ("LU", "046"),
        ("GR", "053"),
        ("MS", "045"),
        ("PT", "047"),
    ];
    for (sigla, code) in expected {
        assert_eq!(province(sigla).unwrap().istat_code, code);
    }
}

#[test]
fn capoluoghi_have_their_known_codes() {
    for (istat, belfiore, name) in [
        ("048017", "D612", "Firenze"),
        ("100005", "G999", "Prato"),
        ("050026", "G702", "Pisa"),
        ("051002", "A390", "Arezzo"),
        ("052032", "I726", "Siena"),
        ("049009", "E625", "Livorno"),
        ("046017", "E715", "Lucca"),
        ("053011", "E202", "Grosseto"),
        ("045010", "F023", "Massa"),
        ("047014", "G713", "Pistoia"),
        ("048014", "D403", "Empoli"),
    ] {
        let m = municipality_by_istat(istat).unwrap();
        assert_eq!((m.belfiore, m.name), (belfiore, name));
    }
}

#[test]
fn every_comune_has_one_of_the_eleven_cpi_areas() {
    for m in MUNICIPALITIES.iter() {
        assert!(CPI_AREAS.contains(&m.cpi_area()), "{}", m.name);
    }
    assert_eq!(
        municipality_by_istat("048014").unwrap().cpi_area(),
        "Empoli"
    );
    assert_eq!(
        municipality_by_istat("048050").unwrap().cpi_area(),
        "Empoli"
    );
    assert_eq!(
        municipality_by_istat("048017").unwrap().cpi_area(),
        "Firenze"
    );
    assert_eq!(municipality_by_istat("100005").unwrap().cpi_area(), "Prato");
    // every Empolese Valdelsa comune is in the table, and every area is used
    for code in EMPOLESE_VALDELSA.iter() {
        assert!(municipality_by_istat(code).is_some(), "{code}");
    }
    let used: HashSet<_> = MUNICIPALITIES.iter().map(Municipality::cpi_area).collect();
    assert_eq!(used.len(), CPI_AREAS.len());
}

#[test]
fn merged_comuni_only_fit_later_births() {
    let figline = municipality_by_istat("048052").unwrap();
    assert!(!figline.existed_at(d(1980, 5, 1)));
    assert!(figline.existed_at(d(2014, 1, 1)));
    assert!(
        municipality_by_istat("048017")
            .unwrap()
            .existed_at(d(1958, 1, 1))
    );
}

#[test]
fn foreign_states_are_z_codes_with_iso_citizenship() {
    let mut seen = HashSet::new();
    for s in FOREIGN_STATES.iter() {
        assert!(
            is_belfiore(s.belfiore) && s.belfiore.starts_with('Z'),
            "{}",
            s.name
        );
        assert!(
            s.iso_alpha2.len() == 2 && s.iso_alpha2.bytes().all(|b| b.is_ascii_uppercase()),
            "{}",
            s.name
        );
        assert_ne!(s.iso_alpha2, "IT");
        assert!(seen.insert(s.belfiore));
    }
    assert_eq!(foreign_state("Z129").unwrap().iso_alpha2, "RO");
    assert!(!foreign_state("Z138").unwrap().existed_at(d(1985, 1, 1)));
}

#[test]
fn occupation_activity_and_title_codes_are_well_formed() {
    for o in OCCUPATIONS.iter() {
        let parts: Vec<&str> = o.code.split('.').collect();
        assert_eq!(parts.len(), 5, "{}", o.code);
        assert!(
            parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit())),
            "{}",
            o.code
        );
        assert!(("1"..="9").contains(&parts[0]), "{}", o.code);
    }
    for a in ACTIVITIES.iter() {
        let b = a.code.as_bytes();
        assert!(
            b.len() == 8
                && b[2] == b'.'
                && b[5] == b'.'
                && [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit()),
            "{}",
            a.code
        );
    }
    for t in EDUCATION_TITLES.iter() {
        assert!(t.sap_code.len() == 8 && t.sap_code.bytes().all(|b| b.is_ascii_digit()));
        assert!((1..=8).contains(&t.eqf_level));
    }
    for c in VOCATIONAL_COURSES.iter() {
        assert!(c.hours > 0);
        assert!(
            c.eqf_level.is_none_or(|l| (2..=5).contains(&l)),
            "{}",
            c.title
        );
    }
    let unique = |codes: Vec<&str>| codes.iter().collect::<HashSet<_>>().len() == codes.len();
    assert!(unique(OCCUPATIONS.iter().map(|o| o.code).collect()));
    assert!(unique(ACTIVITIES.iter().map(|a| a.code).collect()));
}

/// Every table parses from its data file, with the expected number of rows and a known row.
#[test]
fn every_table_loads_with_its_known_rows() {
    assert_eq!(CONTRACT_TYPES.len(), 55);
    let fornero = contract_type("A.03.08").unwrap();
    assert_eq!(
        (fornero.valid_from, fornero.valid_to),
        (d(2012, 4, 26), None)
    );
    assert_eq!(PROVINCES.len(), 10);
    assert_eq!(province("PO").unwrap().name, "Prato");
    assert_eq!(CPI_AREAS.len(), 11);
    assert_eq!(EMPOLESE_VALDELSA.len(), 11);
    assert!(EMPOLESE_VALDELSA.contains(&"048050"));
    assert_eq!(MUNICIPALITIES.len(), 90);
    let figline = municipality_by_istat("048052").unwrap();
    assert_eq!(
        (figline.belfiore, figline.population, figline.established),
        ("M321", 23_344, Some(d(2014, 1, 1)))
    );
    assert_eq!(FOREIGN_STATES.len(), 15);
    assert_eq!(foreign_state("Z611").unwrap().name, "Perù");
    assert_eq!(OCCUPATIONS.len(), 28);
    assert_eq!(
        occupation_by_code("5.4.3.1.0").unwrap().label,
        "Acconciatori"
    );
    assert_eq!(ACTIVITIES.len(), 28);
    assert_eq!(activity_by_code("55.10.00").unwrap().label, "Alberghi");
    assert_eq!(EDUCATION_TITLES.len(), 29);
    let maestro = EDUCATION_TITLES
        .iter()
        .find(|t| t.sap_code == "30601000")
        .unwrap();
    assert_eq!(maestro.institution, Some("Istituto statale d'arte"));
    assert_eq!(maestro.stage, EducationStage::VocationalQualification);
    let media = &EDUCATION_TITLES[0];
    assert_eq!(media.institution, Some("Scuola secondaria di primo grado"));
    assert!(
        EDUCATION_TITLES
            .iter()
            .any(|t| t.stage == EducationStage::Master
                && t.institution.is_none()
                && t.eqf_level == 7)
    );
    assert_eq!(VOCATIONAL_COURSES.len(), 16);
    let oss = &VOCATIONAL_COURSES[0];
    assert_eq!(
        (oss.hours, oss.eqf_level, oss.qualifying),
        (1000, Some(3), true)
    );
    assert_eq!(VOCATIONAL_COURSES[15].eqf_level, None);
    assert_eq!(UNIVERSITIES.len(), 3);
    assert_eq!(TRAINING_AGENCIES.len(), 10);
}
