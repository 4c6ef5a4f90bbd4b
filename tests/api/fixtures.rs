//! Named citizens spread over two regional sources, with the overlaps the tests look at.

use crate::helpers::{SourceSpec, employment, person, training};
use fascicolo::domain::FiscalCode;
use fascicolo::sources::demo::SourceData;
use fascicolo::testing::Engine;

/// Mario Rossi: in both sources; `formazione` updated last (new email, moved to Prato),
/// `lavoro` alone has his phone.
pub const MARIO: &str = "RSSMRA85T10A562S";

pub fn code(family: &str, given: &str, born: &str, female: bool, place: &str) -> FiscalCode {
    FiscalCode::encode(family, given, crate::helpers::date(born), female, place)
}

/// Anna Bianchi: only in `formazione`.
pub fn anna() -> FiscalCode {
    code("Bianchi", "Anna", "1990-03-05", true, "D612")
}

/// Luca Verdi, born in Pisa: another Luca Verdi born there the same day holds the computed
/// code, so Agenzia delle Entrate gave this one its first omocodia variant. Only `lavoro`
/// knows him.
pub fn luca() -> FiscalCode {
    luca_homonym().omocode_variant(1)
}

/// The other Luca Verdi (same birth data, so the base code): a different person, living in
/// Lucca, whom only `formazione` knows (DOMAIN.md §3.1: never merged with `luca()`).
pub fn luca_homonym() -> FiscalCode {
    code("Verdi", "Luca", "1978-07-21", false, "G702")
}

/// Valid code that no source knows.
pub fn nobody() -> FiscalCode {
    code("Neri", "Paolo", "1970-01-01", false, "H501")
}

pub fn giulia() -> FiscalCode {
    code("Rossi", "Giulia", "1995-11-30", true, "E625")
}

pub fn andrea() -> FiscalCode {
    code("Rossi", "Andrea", "2001-04-12", false, "G999")
}

pub fn piero() -> FiscalCode {
    code("Rossini", "Piero", "1966-02-02", false, "E715")
}

pub fn lavoro() -> SourceData {
    let luca_variant = luca();
    let mut mario = person(MARIO, "ROSSI", "MARIO", "2024-01-15 10:00:00");
    mario.email = Some("mario.rossi@old.example.it".into());
    mario.phone = Some("055 123456".into());
    SourceData {
        persons: vec![
            mario,
            person(
                luca_variant.as_str(),
                "VERDI",
                "LUCA",
                "2023-03-01 08:00:00",
            ),
            person(giulia().as_str(), "ROSSI", "GIULIA", "2022-05-05 12:00:00"),
        ],
        employments: vec![
            employment(
                11,
                MARIO,
                "Cooperativa Alfa",
                "2010-03-01",
                Some("2012-02-28"),
                "A.02.00",
            ),
            employment(12, MARIO, "Beta Srl", "2016-05-02", None, "A.01.00"),
            employment(
                13,
                luca_variant.as_str(),
                "Gamma Spa",
                "2012-06-01",
                None,
                "A.03.09",
            ),
            // apprenticeship code withdrawn on 2012-04-25 but used later: flagged, not hidden
            employment(
                14,
                MARIO,
                "Delta Snc",
                "2013-01-07",
                Some("2014-01-06"),
                "A.03.02",
            ),
        ],
        trainings: vec![training(
            21,
            MARIO,
            "internship",
            "Tirocinio magazzino",
            "2009-09-01",
        )],
    }
}

pub fn formazione() -> SourceData {
    let mut mario = person(MARIO, "ROSSI", "MARIO", "2025-06-01 09:00:00");
    mario.email = Some("mario.rossi@new.example.it".into());
    mario.residence_municipality = Some("100005".into());
    mario.residence_province = Some("PO".into());
    let mut anna_row = person(anna().as_str(), "BIANCHI", "ANNA", "2021-01-01 00:00:00");
    anna_row.gender = Some("F".into());
    let mut homonym = person(
        luca_homonym().as_str(),
        "VERDI",
        "LUCA",
        "2024-02-02 08:00:00",
    );
    homonym.email = Some("luca.verdi@lucca.example.it".into());
    homonym.residence_municipality = Some("046017".into());
    homonym.residence_province = Some("LU".into());
    SourceData {
        persons: vec![
            mario,
            anna_row,
            homonym,
            person(andrea().as_str(), "ROSSI", "ANDREA", "2020-02-02 00:00:00"),
            person(piero().as_str(), "ROSSINI", "PIERO", "2019-09-09 00:00:00"),
        ],
        employments: vec![],
        trainings: vec![
            training(7, MARIO, "vocational", "Corso HACCP", "2019-02-01"),
            training(8, MARIO, "education", "Diploma di ragioneria", "2004-09-15"),
            training(
                9,
                anna().as_str(),
                "education",
                "Laurea in Economia",
                "2009-10-01",
            ),
            training(
                10,
                luca_homonym().as_str(),
                "vocational",
                "Corso di saldatura",
                "2015-03-02",
            ),
        ],
    }
}

pub fn sources(lavoro_engine: Engine, formazione_engine: Engine) -> Vec<SourceSpec> {
    vec![
        SourceSpec {
            name: "lavoro",
            engine: lavoro_engine,
            data: lavoro(),
        },
        SourceSpec {
            name: "formazione",
            engine: formazione_engine,
            data: formazione(),
        },
    ]
}

/// The `lavoro` fixture source alone, on SQLite.
pub fn lavoro_sqlite() -> Vec<SourceSpec> {
    vec![SourceSpec {
        name: "lavoro",
        engine: Engine::Sqlite,
        data: lavoro(),
    }]
}
