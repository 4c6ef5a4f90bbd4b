//! V4, V5, V7, V8, V9 on experiences: refusals of typed values, warnings of stored ones.

use super::rules::{ExperienceFields, experience};
use super::*;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn today() -> NaiveDate {
    d("2026-11-23")
}

/// A work experience as typed: employer, start, nothing else.
fn typed(start: &str) -> ExperienceFields {
    ExperienceFields {
        kind: ExperienceKind::Work,
        organisation: Some("Gamma Spa".into()),
        title: None,
        start_date: Some(d(start)),
        end_date: None,
        contract_type: None,
        training_period_end: None,
        occupation_code: None,
        sector_code: None,
        weekly_hours: None,
        training_kind: None,
        hours: None,
        outcome: None,
        qualification_code: None,
        eqf_level: None,
        description: None,
    }
}

/// The refusal of a typed experience (V4 always passes here), or the experience.
fn check(fields: ExperienceFields) -> Result<ExperienceData, DomainError> {
    experience(
        "e".into(),
        fields,
        ExperienceOrigin::SelfDeclared,
        today(),
        |_, _| Ok::<_, DomainError>(()),
    )
}

fn refused(fields: ExperienceFields) -> (String, &'static str, String) {
    match check(fields).unwrap_err() {
        DomainError::Invalid {
            field,
            rule,
            message,
        } => (field, rule, message),
        other => panic!("{other:?}"),
    }
}

/// A stored work experience from a regional source.
fn row(
    id: &str,
    start: &str,
    end: Option<&str>,
    contract: &str,
    hours: Option<f64>,
) -> ExperienceData {
    let mut fields = typed(start);
    fields.end_date = end.map(d);
    fields.contract_type = Some(contract.into());
    fields.weekly_hours = hours;
    let mut e = check(fields).unwrap_or_else(|e| panic!("{e}"));
    e.id = id.into();
    e.origin = ExperienceOrigin::RegionalDb;
    e
}

#[test]
fn apprenticeships_are_the_a03_types_the_table_names_so() {
    let found: Vec<&str> = crate::codes::CONTRACT_TYPES
        .iter()
        .filter_map(|c| apprenticeship(c.code))
        .map(|a| a.code)
        .collect();
    let expected = [
        "A.03.00", "A.03.01", "A.03.02", "A.03.03", "A.03.08", "A.03.09", "A.03.10", "A.03.11",
        "A.03.12", "A.03.13", "A.03.14",
    ];
    assert_eq!(found, expected);
    let seasonal: Vec<&str> = expected
        .iter()
        .filter(|c| apprenticeship(c).unwrap().seasonal)
        .copied()
        .collect();
    assert_eq!(seasonal, ["A.03.14"]);
    assert!(apprenticeship("A.03.04").is_none(), "formazione e lavoro");
    assert!(apprenticeship("A.03.07").is_none(), "inserimento");
    assert!(apprenticeship("A.99.99").is_none());
}

#[test]
fn v5_an_apprenticeship_needs_its_training_period_end() {
    let mut f = typed("2015-03-02");
    f.contract_type = Some("A.03.09".into());
    let (field, rule, message) = refused(f.clone());
    assert_eq!(
        (field.as_str(), rule),
        ("trainingPeriodEnd", "training_period_end")
    );
    assert_eq!(
        message,
        "trainingPeriodEnd: an apprenticeship (A.03.09) needs the end of its training period (V5)"
    );
    f.training_period_end = Some(d("2015-03-01"));
    let (field, rule, message) = refused(f.clone());
    assert_eq!(
        (field.as_str(), rule),
        ("trainingPeriodEnd", "end_after_start")
    );
    assert!(message.ends_with("(V5)"), "{message}");
    // the training period may end after the relationship (it ended early) or in the future
    f.training_period_end = Some(d("2028-03-01"));
    f.end_date = Some(d("2016-01-31"));
    assert_eq!(check(f).unwrap().training_period_end, Some(d("2028-03-01")));
}

#[test]
fn v5_a_seasonal_apprenticeship_ends_with_its_training_period() {
    let mut f = typed("2012-06-01");
    f.contract_type = Some("A.03.14".into());
    f.training_period_end = Some(d("2012-09-30"));
    let (field, rule, message) = refused(f.clone());
    assert_eq!(
        (field.as_str(), rule),
        ("endDate", "seasonal_apprenticeship_end")
    );
    assert!(
        message.contains("2012-09-30; endDate is missing (V5)"),
        "{message}"
    );
    f.end_date = Some(d("2012-10-31"));
    let (field, _, message) = refused(f.clone());
    assert_eq!(field, "endDate");
    assert!(message.contains("endDate is 2012-10-31 (V5)"), "{message}");
    f.end_date = Some(d("2012-09-30"));
    assert!(check(f).is_ok());
}

#[test]
fn v5_only_an_apprenticeship_has_a_training_period() {
    for contract in [Some("A.01.00"), Some("A.03.04"), None] {
        let mut f = typed("2015-03-02");
        f.contract_type = contract.map(Into::into);
        f.training_period_end = Some(d("2016-03-01"));
        let (field, rule, _) = refused(f);
        assert_eq!(
            (field.as_str(), rule),
            ("trainingPeriodEnd", "training_period_apprenticeship_only")
        );
    }
}

#[test]
fn v8_the_occupation_is_a_cp2011_leaf_and_the_shipped_table_warns() {
    for (code, rule, says) in [
        ("99.1", "cp2011_code", "is not an ISTAT CP2011 code"),
        (
            "5.2.2",
            "cp2011_leaf",
            "is a CP2011 group, not an unità professionale",
        ),
    ] {
        let mut f = typed("2015-03-02");
        f.occupation_code = Some(code.into());
        let (field, r, message) = refused(f);
        assert_eq!((field.as_str(), r), ("occupationCode", rule), "{code}");
        assert!(
            message.starts_with(&format!("occupationCode: \"{code}\" {says}")),
            "{message}"
        );
        assert!(message.ends_with("(V8)"), "{message}");
    }
    let mut f = typed("2015-03-02");
    f.occupation_code = Some("5.2.2.3.2".into());
    let known = check(f.clone()).unwrap();
    assert_eq!(value_warnings(&known), Vec::<String>::new());
    // a well-formed unit outside the shipped table (28 of ~800) goes in, with a warning
    f.occupation_code = Some("8.1.3.1.0".into());
    let e = check(f).unwrap();
    let warned = value_warnings(&e);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].starts_with("occupationCode: \"8.1.3.1.0\" is not in the CP2011 table"),
        "{warned:?}"
    );
}

#[test]
fn v9_a_typed_sector_is_refused_for_its_format_only() {
    let mut f = typed("2015-03-02");
    f.sector_code = Some("5.10".into());
    let (field, rule, message) = refused(f.clone());
    assert_eq!((field.as_str(), rule), ("sectorCode", "ateco_code"));
    assert!(message.ends_with("(V9)"), "{message}");
    // a well-formed code outside the table goes in, with a warning
    f.sector_code = Some("47.11.10".into());
    let e = check(f).unwrap();
    assert_eq!(
        value_warnings(&e),
        [
            "sectorCode: \"47.11.10\" is not in the ATECO 2007 table of sottocategorie \
          (domain/data/activities.csv) (V9)"
        ]
    );
}

#[test]
fn v7_periods_are_tagged_when_typed() {
    let mut f = typed("2015-03-02");
    f.end_date = Some(d("2015-03-01"));
    let (field, _, message) = refused(f);
    assert_eq!(field, "endDate");
    assert_eq!(
        message,
        "endDate: 2015-03-01 is before startDate 2015-03-02 (V7)"
    );
}

#[test]
fn a_regional_row_breaking_every_rule_gets_warnings_not_a_refusal() {
    let mut e = row("r", "2013-01-07", Some("2014-01-06"), "A.01.00", Some(40.0));
    e.contract_type = Some("A.03.02".into());
    e.end_date = Some(d("2013-01-01"));
    e.occupation_code = Some("5.2.2".into());
    e.sector_code = Some("5.10".into());
    assert_eq!(
        value_warnings(&e),
        [
            "endDate: 2013-01-01 is before startDate 2013-01-07 (V7)",
            "contractType: code A.03.02 is valid from 2007-06-21 to 2012-04-25, not on 2013-01-07 (V4)",
            "trainingPeriodEnd: an apprenticeship (A.03.02) needs the end of its training period (V5)",
            "occupationCode: \"5.2.2\" is a CP2011 group, not an unità professionale (5 levels, \
             e.g. 5.2.2.3.0) (V8)",
            "sectorCode: \"5.10\" is not an ATECO code (e.g. 56.10.11) (V9)",
        ]
    );
    e.contract_type = Some("Z.99.99".into());
    assert_eq!(
        value_warnings(&e)[1],
        "contractType: \"Z.99.99\" is not a code of the contract type table (V4)"
    );
}

#[test]
fn v7_two_full_time_spells_that_overlap_warn_on_both() {
    let all = [
        row("a", "2016-05-02", None, "A.01.00", Some(38.5)),
        row("b", "2018-09-01", Some("2020-06-30"), "A.02.00", None),
        row("c", "2010-03-01", Some("2012-02-28"), "A.02.00", Some(40.0)),
    ];
    let warnings = experience_warnings(&all);
    assert_eq!(
        warnings[0],
        [
            "startDate: 2016-05-02 onwards overlaps experience b (Gamma Spa, 2018-09-01 to \
          2020-06-30): two full-time or unknown-hours jobs at once; work spells overlap only \
          part-time (under 36 h a week) or intermittent (A.05) (V7)"
        ]
    );
    assert_eq!(warnings[1].len(), 1);
    assert!(
        warnings[1][0].starts_with("startDate: 2018-09-01 to 2020-06-30 overlaps experience a ")
    );
    assert_eq!(warnings[2], Vec::<String>::new());
}

#[test]
fn v7_part_time_intermittent_dropped_training_and_adjacent_spells_do_not_warn() {
    let full = row(
        "full",
        "2016-01-01",
        Some("2016-12-31"),
        "A.01.00",
        Some(40.0),
    );
    let part = row("part", "2016-03-01", None, "A.01.00", Some(20.0));
    let intermittent = row("int", "2016-03-01", None, "A.05.02", Some(40.0));
    let mut dropped = row("dropped", "2016-03-01", None, "A.01.00", Some(40.0));
    dropped.dropped = true;
    let mut training = row("course", "2016-03-01", None, "A.01.00", Some(40.0));
    training.kind = ExperienceKind::Training;
    let next = row("next", "2017-01-01", None, "A.01.00", Some(40.0));
    let all = [full, part, intermittent, dropped, training, next];
    assert!(experience_warnings(&all).iter().all(Vec::is_empty));
    // the same day in both is an overlap
    let mut touching = all[5].clone();
    touching.start_date = Some(d("2016-12-31"));
    let warnings = experience_warnings(&[all[0].clone(), touching]);
    assert_eq!(warnings.iter().map(Vec::len).collect::<Vec<_>>(), [1, 1]);
}

#[test]
fn versions_frozen_before_the_training_period_still_read() {
    let mut value = serde_json::to_value(row("a", "2016-05-02", None, "A.01.00", None)).unwrap();
    value.as_object_mut().unwrap().remove("training_period_end");
    let e: ExperienceData = serde_json::from_value(value).unwrap();
    assert_eq!(e.training_period_end, None);
}
