//! Demo documents: libretti and IVC dossiers in every state of their lifecycles (DOMAIN.md
//! §9), written on the demo's first start through the GraphQL API itself, as a CPI operator
//! would, so they obey every rule the API enforces and the demo shows real histories.

use crate::auth::{Principal, Role};
use crate::http::HttpState;
use crate::http::graphql::execute;
use chrono::{Datelike, Duration, NaiveDate};
use entities::{ivc_dossier, libretto};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

/// The operator the demo documents are written by (it appears in their history and audit).
pub const DEMO_AUTHOR: &str = "demo-seed";

/// Where a demo libretto's lifecycle stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LibrettoStop {
    Draft,
    InCompilation,
    Consolidated,
    InUpdate,
    /// Consolidated, updated and consolidated again: two issued versions.
    ConsolidatedTwice,
    Cancelled,
}

/// Where a demo IVC dossier's path stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IvcStop {
    Requested,
    TakenInCharge,
    Identification,
    TransparencyReleased,
    Validation,
    ValidationNegative,
    AttestatoReleased,
    Certification,
    CertificateReleased,
    NotPassed,
    ClosedDossierOnly,
    ClosedWithAttestato,
    ClosedQualified,
    Withdrawn,
}

/// Two libretti per state, so lists and filters show more than one of each.
pub const LIBRETTI: [LibrettoStop; 12] = {
    use LibrettoStop::*;
    [
        Draft,
        InCompilation,
        Consolidated,
        InUpdate,
        ConsolidatedTwice,
        Cancelled,
        Consolidated,
        ConsolidatedTwice,
        InCompilation,
        Draft,
        InUpdate,
        Cancelled,
    ]
};

pub const DOSSIERS: [IvcStop; 14] = {
    use IvcStop::*;
    [
        Requested,
        TakenInCharge,
        Identification,
        TransparencyReleased,
        Validation,
        ValidationNegative,
        AttestatoReleased,
        Certification,
        CertificateReleased,
        NotPassed,
        ClosedDossierOnly,
        ClosedWithAttestato,
        ClosedQualified,
        Withdrawn,
    ]
};

#[derive(Debug, thiserror::Error)]
pub enum DemoDocumentsError {
    #[error("demo documents: {0}")]
    Store(#[from] sea_orm::DbErr),
    #[error("demo documents: {step} was refused: {message}")]
    Refused { step: String, message: String },
    #[error("demo documents: only {found} demo citizens aged 20-60 were found, {needed} needed")]
    TooFewCitizens { found: usize, needed: usize },
}

/// How many documents were written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub libretti: usize,
    pub dossiers: usize,
    pub orientations: usize,
}

/// Orientation records written: consent given for most, refused or withdrawn for some.
pub const ORIENTATIONS: usize = 12;

/// Writes the demo documents when the store has neither libretti nor IVC dossiers; `None`
/// when it already has some (a later start, or an operator's own work).
pub async fn seed_once(state: &HttpState) -> Result<Option<Written>, DemoDocumentsError> {
    let db = state.app.store.db();
    let existing =
        libretto::Entity::find().count(db).await? + ivc_dossier::Entity::find().count(db).await?;
    if existing > 0 {
        return Ok(None);
    }
    seed(state).await.map(Some)
}

/// Writes one libretto per entry of [`LIBRETTI`] and one dossier per entry of [`DOSSIERS`],
/// each for a different demo citizen aged 20-60.
pub async fn seed(state: &HttpState) -> Result<Written, DemoDocumentsError> {
    let operator = Operator {
        state,
        principal: Principal {
            subject: DEMO_AUTHOR.to_owned(),
            role: Role::Operator,
            office: Some("CPI-FI-01".to_owned()),
        },
    };
    let needed = LIBRETTI.len() + DOSSIERS.len() + ORIENTATIONS;
    let citizens = operator.adult_citizens(needed).await?;
    if citizens.len() < needed {
        return Err(DemoDocumentsError::TooFewCitizens {
            found: citizens.len(),
            needed,
        });
    }
    let (for_libretti, rest) = citizens.split_at(LIBRETTI.len());
    let (for_dossiers, for_orientation) = rest.split_at(DOSSIERS.len());
    let mut written = Written::default();
    for (i, (stop, citizen)) in LIBRETTI.iter().zip(for_libretti).enumerate() {
        operator.of(citizen).libretto(citizen, *stop, i).await?;
        written.libretti += 1;
    }
    for (i, (stop, citizen)) in DOSSIERS.iter().zip(for_dossiers).enumerate() {
        operator.of(citizen).dossier(citizen, *stop, i).await?;
        written.dossiers += 1;
    }
    for (i, citizen) in for_orientation.iter().enumerate() {
        operator.of(citizen).orientation(citizen, i).await?;
        written.orientations += 1;
    }
    // dossiers released with a libretto as Documento di trasparenza consolidated their own
    written.libretti = usize::try_from(libretto::Entity::find().count(state.app.store.db()).await?)
        .unwrap_or(usize::MAX);
    Ok(written)
}

/// A demo citizen as the search gives it.
struct DemoCitizen {
    fiscal_code: String,
    office: Option<String>,
}

/// A document as a mutation answers: what the next step needs.
struct Doc {
    id: Value,
    version: Value,
}

struct Operator<'a> {
    state: &'a HttpState,
    principal: Principal,
}

const DOC: &str = "id version";

fn day(base: NaiveDate, plus: i64) -> String {
    (base + Duration::days(plus)).to_string()
}

fn pdf(title: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% demo evidence: {title}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
        .into_bytes()
}

impl<'a> Operator<'a> {
    /// An operator of the citizen's own CPI: an operator writes for its token's office.
    fn of(&self, citizen: &DemoCitizen) -> Operator<'a> {
        let mut principal = self.principal.clone();
        principal.office = citizen.office.clone().or(principal.office);
        Operator { principal, ..*self }
    }

    /// Runs one GraphQL operation as the demo operator; `upload` is the file for
    /// `variables.input.file`. The data, or the first error as `Refused`.
    async fn run(
        &self,
        step: &str,
        query: &str,
        variables: Value,
        upload: Option<(&str, Vec<u8>)>,
    ) -> Result<Value, DemoDocumentsError> {
        let mut request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables));
        if let Some((name, bytes)) = upload {
            request.set_upload(
                "variables.input.file",
                async_graphql::UploadValue {
                    filename: name.to_owned(),
                    content_type: Some("application/pdf".to_owned()),
                    content: bytes.into(),
                },
            );
        }
        let response = execute(
            self.state,
            self.principal.clone(),
            uuid::Uuid::new_v4().to_string(),
            request,
        )
        .await;
        if let Some(error) = response.errors.first() {
            return Err(DemoDocumentsError::Refused {
                step: step.to_owned(),
                message: error.message.clone(),
            });
        }
        response
            .data
            .into_json()
            .map_err(|e| DemoDocumentsError::Refused {
                step: step.to_owned(),
                message: e.to_string(),
            })
    }

    /// A mutation that takes `input` of type `<Name>Input`-like `input_type`; the document it
    /// answers with.
    async fn mutate(
        &self,
        name: &str,
        input_type: &str,
        input: Value,
        upload: Option<(&str, Vec<u8>)>,
    ) -> Result<Doc, DemoDocumentsError> {
        let query =
            format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {DOC} }} }}");
        let data = self
            .run(name, &query, json!({ "input": input }), upload)
            .await?;
        Ok(Doc {
            id: data[name]["id"].clone(),
            version: data[name]["version"].clone(),
        })
    }

    /// A lifecycle step on `doc` (the id field is `id_field`), with the version it carries.
    async fn step(
        &self,
        doc: &Doc,
        name: &str,
        input_type: &str,
        id_field: &str,
        mut input: Value,
    ) -> Result<Doc, DemoDocumentsError> {
        input[id_field] = doc.id.clone();
        input["version"] = doc.version.clone();
        self.mutate(name, input_type, input, None).await
    }

    /// Up to `needed` citizens aged 20-60 on 1 January 2025 (IVC admits 15-64), from the
    /// demo sources' Tuscan provinces, in the search's stable order.
    async fn adult_citizens(&self, needed: usize) -> Result<Vec<DemoCitizen>, DemoDocumentsError> {
        const QUERY: &str = "query($p: String!) { searchCitizens(province: $p, first: 50) { \
            edges { node { fiscalCode person { birthDate cpiCode } } } } }";
        let on = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
        let mut found = Vec::new();
        for province in ["FI", "PO", "PI", "AR", "LU", "SI"] {
            let data = self
                .run("searchCitizens", QUERY, json!({ "p": province }), None)
                .await?;
            let edges = data["searchCitizens"]["edges"].as_array().cloned();
            for edge in edges.unwrap_or_default() {
                let node = &edge["node"];
                let birth = node["person"]["birthDate"]
                    .as_str()
                    .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok());
                let Some(birth) = birth else { continue };
                let age = on.year() - birth.year();
                if (20..=60).contains(&age) {
                    found.push(DemoCitizen {
                        fiscal_code: node["fiscalCode"].as_str().unwrap_or_default().to_owned(),
                        office: node["person"]["cpiCode"].as_str().map(str::to_owned),
                    });
                }
                if found.len() == needed {
                    return Ok(found);
                }
            }
        }
        Ok(found)
    }

    /// A libretto taken to `stop`; the `i`-th of the demo (varies its content).
    async fn libretto(
        &self,
        citizen: &DemoCitizen,
        stop: LibrettoStop,
        i: usize,
    ) -> Result<Doc, DemoDocumentsError> {
        use LibrettoStop::*;
        let d = self
            .mutate(
                "openLibretto",
                "OpenLibrettoInput",
                json!({ "fiscalCode": citizen.fiscal_code, "office": citizen.office }),
                None,
            )
            .await?;
        if stop == Draft {
            return Ok(d);
        }
        let step = async |d: &Doc, name: &str, ty: &str, input: Value| {
            self.step(d, name, ty, "id", input).await
        };
        let d = step(
            &d,
            "startLibrettoCompilation",
            "LibrettoStepInput",
            json!({}),
        )
        .await?;
        let d = self.fill_libretto(d, i).await?;
        match stop {
            InCompilation => return Ok(d),
            Cancelled => {
                let reason = "Il cittadino ha chiesto di non proseguire";
                return step(
                    &d,
                    "cancelLibretto",
                    "LibrettoReasonInput",
                    json!({ "reason": reason }),
                )
                .await;
            }
            _ => {}
        }
        let consolidate = json!({ "citizenSigned": true });
        let d = step(
            &d,
            "consolidateLibretto",
            "ConsolidateLibrettoInput",
            consolidate.clone(),
        )
        .await?;
        if stop == Consolidated {
            return Ok(d);
        }
        let reason = json!({ "reason": "Concluso un corso di lingua inglese" });
        let d = step(&d, "updateLibretto", "LibrettoReasonInput", reason).await?;
        let d = self
            .competence(
                d,
                "LINGUISTIC",
                "NON_FORMAL",
                "Comprendere e produrre testi in lingua inglese (livello B1)",
                (
                    "Attestato corso di inglese B1",
                    "NON_FORMAL",
                    "2025-06-30",
                    i.is_multiple_of(3),
                ),
            )
            .await?;
        if stop == InUpdate {
            return Ok(d);
        }
        step(
            &d,
            "consolidateLibretto",
            "ConsolidateLibrettoInput",
            consolidate,
        )
        .await
    }

    /// Section 1 gains a self-declared experience, section 2 two competences, each with an
    /// evidence (some with a PDF attached).
    async fn fill_libretto(&self, d: Doc, i: usize) -> Result<Doc, DemoDocumentsError> {
        let volunteering = json!({ "kind": "WORK", "organisation": "Misericordia di Firenze",
            "title": "Volontario soccorritore", "startDate": "2019-03-01",
            "endDate": "2022-12-31", "description": "Trasporto sanitario e primo soccorso" });
        let d = self
            .step(
                &d,
                "addLibrettoExperience",
                "LibrettoExperienceInput",
                "librettoId",
                volunteering,
            )
            .await?;
        let d = self
            .competence(
                d,
                "TECHNICAL_PROFESSIONAL",
                "INFORMAL",
                "Prestare primo soccorso e gestire il trasporto sanitario",
                (
                    "Attestato BLSD",
                    "PROFESSIONAL",
                    "2019-05-20",
                    i.is_multiple_of(2),
                ),
            )
            .await?;
        self.competence(
            d,
            "DIGITAL",
            "NON_FORMAL",
            "Usare fogli di calcolo e posta elettronica nel lavoro d'ufficio",
            (
                "Certificazione competenze digitali",
                "OTHER",
                "2021-10-15",
                false,
            ),
        )
        .await
    }

    /// An evidence (title, category, date, with a PDF?) and a competence that cites it.
    async fn competence(
        &self,
        d: Doc,
        kind: &str,
        context: &str,
        description: &str,
        (title, category, issued_on, with_file): (&str, &str, &str, bool),
    ) -> Result<Doc, DemoDocumentsError> {
        const EVIDENCE: &str = "mutation($input: LibrettoEvidenceInput!) { \
            addLibrettoEvidence(input: $input) { id version evidences { id } } }";
        let input = json!({ "librettoId": d.id, "version": d.version, "category": category,
            "title": title, "issuer": "Regione Toscana", "issuedOn": issued_on, "file": null });
        let file = with_file.then(|| ("attestato.pdf", pdf(title)));
        let data = self
            .run(
                "addLibrettoEvidence",
                EVIDENCE,
                json!({ "input": input }),
                file,
            )
            .await?;
        let answer = &data["addLibrettoEvidence"];
        let evidence = answer["evidences"]
            .as_array()
            .and_then(|e| e.last())
            .map(|e| e["id"].clone())
            .unwrap_or(Value::Null);
        let d = Doc {
            id: answer["id"].clone(),
            version: answer["version"].clone(),
        };
        let competence = json!({ "type": kind, "context": context, "description": description,
            "evidenceIds": [evidence] });
        self.step(
            &d,
            "addLibrettoCompetence",
            "LibrettoCompetenceInput",
            "librettoId",
            competence,
        )
        .await
    }

    /// An orientation record (seed 001): intake with or without consent, education title,
    /// propensities, a CV, a service pact whose measures are at different stages; the 4th
    /// citizen withdraws the consent later.
    async fn orientation(
        &self,
        citizen: &DemoCitizen,
        i: usize,
    ) -> Result<Doc, DemoDocumentsError> {
        let base =
            NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default() + Duration::days(i as i64);
        let on = |plus: i64| day(base, plus);
        let consent = i % 4 != 2;
        let step = async |d: &Doc, name: &str, ty: &str, input: Value| {
            self.step(d, name, ty, "fiscalCode", input).await
        };
        let categories = if i % 6 == 5 {
            json!(["L68_99"])
        } else {
            json!([])
        };
        let input = json!({ "fiscalCode": citizen.fiscal_code, "takenOn": on(0),
            "office": citizen.office, "consentToJobMatching": consent,
            "specialCategories": categories });
        let d = self
            .mutate("recordIntake", "RecordIntakeInput", input, None)
            .await?;
        let title = ["30000000", "20000000"][i % 2];
        let mut d = step(
            &d,
            "addEducationTitle",
            "AddEducationTitleInput",
            json!({ "code": title, "year": 2000 + i }),
        )
        .await?;
        let occupations = [
            ("5.1.2.2.0", "Commessi delle vendite al minuto"),
            ("4.1.1.1.0", "Addetti a funzioni di segreteria"),
            ("8.1.4.2.0", "Addetti alle pulizie"),
            ("5.2.2.1.0", "Camerieri"),
        ];
        for k in 0..=(i % 3) {
            let (code, label) = occupations[(i + k) % occupations.len()];
            let input = json!({ "occupationCode": code, "occupationLabel": label,
                "fromWork": k == 0, "fromTraining": k != 0, "interviewOn": on(2),
                "notes": "Disponibile part-time; patente B" });
            d = step(&d, "addPropensity", "AddPropensityInput", input).await?;
        }
        let query =
            "mutation($input: UploadCvInput!) { uploadCv(input: $input) { fiscalCode version } }";
        let input = json!({ "fiscalCode": d.id, "version": d.version, "file": null });
        let data = self
            .run(
                "uploadCv",
                query,
                json!({ "input": input }),
                Some(("cv.pdf", pdf("Curriculum vitae"))),
            )
            .await?;
        let d = Doc {
            id: data["uploadCv"]["fiscalCode"].clone(),
            version: data["uploadCv"]["version"].clone(),
        };
        let second = ["C07", "A06", "B03"][i % 3];
        let measures = json!([{ "code": "A05", "plannedOn": on(3) },
            { "code": second, "plannedOn": on(10) }]);
        let query = "mutation($input: SignServicePactInput!) { signServicePact(input: $input) { \
            fiscalCode version servicePact { measures { id } } } }";
        let input = json!({ "fiscalCode": d.id, "version": d.version, "signedOn": on(3),
            "searchPlan": "Due candidature a settimana; aggiornare il CV sul portale",
            "measures": measures });
        let data = self
            .run("signServicePact", query, json!({ "input": input }), None)
            .await?;
        let answer = &data["signServicePact"];
        let first = answer["servicePact"]["measures"][0]["id"].clone();
        let d = Doc {
            id: answer["fiscalCode"].clone(),
            version: answer["version"].clone(),
        };
        let d = step(
            &d,
            "updatePactMeasure",
            "UpdatePactMeasureInput",
            json!({ "measureId": first, "status": "DONE", "on": on(3) }),
        )
        .await?;
        if i % 4 == 3 {
            return step(
                &d,
                "setJobMatchingConsent",
                "SetConsentInput",
                json!({ "given": false, "on": on(20) }),
            )
            .await;
        }
        Ok(d)
    }

    /// An IVC dossier taken to `stop`; the `i`-th of the demo (dates a week apart).
    async fn dossier(
        &self,
        citizen: &DemoCitizen,
        stop: IvcStop,
        i: usize,
    ) -> Result<Doc, DemoDocumentsError> {
        use IvcStop::*;
        let base =
            NaiveDate::from_ymd_opt(2025, 1, 13).unwrap_or_default() + Duration::weeks(i as i64);
        let on = |plus: i64| day(base, plus);
        let step = async |d: &Doc, name: &str, ty: &str, input: Value| {
            self.step(d, name, ty, "id", input).await
        };
        let session = |kind: &str, plus: i64, minutes: i32, operator: &str, role: &str| {
            let mut s = json!({ "kind": kind, "heldOn": on(plus), "minutes": minutes,
                "operator": operator, "operatorRole": role });
            if role == "CONTENT_EXPERT" {
                s["assessorEqfLevel"] = json!(6);
                s["noConflictOfInterest"] = json!(true);
            }
            s
        };
        let add_session = "AddIvcSessionInput";
        let d = self
            .mutate(
                "requestIvc",
                "RequestIvcInput",
                json!({ "fiscalCode": citizen.fiscal_code, "requestedOn": on(0),
                    "provider": "Agenzia formativa Demo", "office": citizen.office,
                    "program": "IVC PLUS" }),
                None,
            )
            .await?;
        if stop == Requested {
            return Ok(d);
        }
        let d = step(
            &d,
            "takeIvcInCharge",
            "TakeIvcInChargeInput",
            json!({ "adhesionSignedOn": on(3) }),
        )
        .await?;
        if stop == Withdrawn {
            let input =
                json!({ "withdrawnOn": on(10), "reason": "Trasferimento in altra regione" });
            return step(&d, "withdrawIvcDossier", "WithdrawIvcDossierInput", input).await;
        }
        if stop == TakenInCharge {
            return Ok(d);
        }
        let d = step(
            &d,
            "startIvcIdentification",
            "StartIvcPhaseInput",
            json!({ "startedOn": on(7) }),
        )
        .await?;
        let d = step(
            &d,
            "addIvcSession",
            add_session,
            session(
                "IDENTIFICATION_INTERVIEW",
                8,
                90,
                "op-ivc-1",
                "IDENTIFICATION_OPERATOR",
            ),
        )
        .await?;
        let d = step(
            &d,
            "addIvcSession",
            add_session,
            session(
                "IDENTIFICATION_INTERVIEW",
                15,
                90,
                "op-ivc-1",
                "IDENTIFICATION_OPERATOR",
            ),
        )
        .await?;
        let d = step(
            &d,
            "addIvcSession",
            add_session,
            session("BACK_OFFICE", 16, 30, "op-ivc-1", "IDENTIFICATION_OPERATOR"),
        )
        .await?;
        let (sector, qualification, name, ada) = [
            ("21", "TOS-OSS", "Operatore socio-sanitario", "ADA.22.01.07"),
            (
                "18",
                "TOS-CUC",
                "Addetto alla preparazione dei pasti",
                "ADA.19.01.04",
            ),
            (
                "07",
                "TOS-SART",
                "Addetto alla confezione di capi di abbigliamento",
                "ADA.07.02.08",
            ),
        ][i % 3];
        let competence = json!({ "description": format!("Competenze di {name}"),
            "sepSector": sector, "qualificationCode": qualification, "qualificationName": name,
            "adaCodes": [ada], "eqfLevel": 3, "learningContext": "INFORMAL" });
        let d = step(&d, "addIvcCompetence", "AddIvcCompetenceInput", competence).await?;
        let evidence = json!({ "id": d.id, "version": d.version, "category": "PROFESSIONAL",
            "title": "Dichiarazione del datore di lavoro", "issuer": "Datore di lavoro",
            "issuedOn": "2024-12-01", "file": null });
        let data = self
            .run(
                "addIvcEvidence",
                "mutation($input: AddIvcEvidenceInput!) { addIvcEvidence(input: $input) { id version } }",
                json!({ "input": evidence }),
                Some(("dichiarazione.pdf", pdf("Dichiarazione del datore di lavoro"))),
            )
            .await?;
        let d = Doc {
            id: data["addIvcEvidence"]["id"].clone(),
            version: data["addIvcEvidence"]["version"].clone(),
        };
        if stop == Identification {
            return Ok(d);
        }
        // Toscana: the consolidated libretto is the Documento di trasparenza (seed 000); the
        // other dossiers release the Dossier del cittadino with typed experiences (seed 003)
        let release = if i.is_multiple_of(2) {
            let libretto = self
                .libretto(citizen, LibrettoStop::Consolidated, i)
                .await?;
            json!({ "releasedOn": on(21), "librettoId": libretto.id })
        } else {
            json!({ "releasedOn": on(21), "experiences": [format!("{name}, 2016-2024")] })
        };
        let d = step(
            &d,
            "releaseIvcTransparencyDocument",
            "ReleaseIvcTransparencyDocumentInput",
            release,
        )
        .await?;
        match stop {
            TransparencyReleased => return Ok(d),
            ClosedDossierOnly => {
                let input =
                    json!({ "closedOn": on(25), "reason": "Percorso concluso con il Dossier" });
                return step(&d, "closeIvcDossier", "CloseIvcDossierInput", input).await;
            }
            _ => {}
        }
        let d = step(
            &d,
            "startIvcValidation",
            "StartIvcPhaseInput",
            json!({ "startedOn": on(28) }),
        )
        .await?;
        let d = step(
            &d,
            "addIvcSession",
            add_session,
            session(
                "TECHNICAL_INTERVIEW",
                30,
                120,
                "esperto-sep-1",
                "CONTENT_EXPERT",
            ),
        )
        .await?;
        let d = step(
            &d,
            "addIvcSession",
            add_session,
            session("STRUCTURED_TEST", 32, 60, "esperto-sep-1", "CONTENT_EXPERT"),
        )
        .await?;
        if stop == Validation {
            return Ok(d);
        }
        if stop == ValidationNegative {
            let input = json!({ "result": "NEGATIVE", "decidedOn": on(35) });
            return step(
                &d,
                "completeIvcValidation",
                "CompleteIvcValidationInput",
                input,
            )
            .await;
        }
        let attestato = json!({ "number": format!("TOS-IVC-2025-{:04}", i + 1),
            "issuedOn": on(35), "authorisedProvider": "Agenzia formativa Demo",
            "adaCodes": [ada], "qualificationCode": qualification, "qualificationName": name,
            "eqfLevel": 3, "learningModes": ["INFORMAL", "NON_FORMAL"] });
        let result = if i.is_multiple_of(2) {
            "POSITIVE"
        } else {
            "PARTIAL"
        };
        let input = json!({ "result": result, "decidedOn": on(35), "attestato": attestato });
        let d = step(
            &d,
            "completeIvcValidation",
            "CompleteIvcValidationInput",
            input,
        )
        .await?;
        match stop {
            AttestatoReleased => return Ok(d),
            ClosedWithAttestato => {
                let input = json!({ "closedOn": on(40) });
                return step(&d, "closeIvcDossier", "CloseIvcDossierInput", input).await;
            }
            _ => {}
        }
        let input = json!({ "enrolledOn": on(42), "examSessionOn": on(60) });
        let d = step(
            &d,
            "startIvcCertification",
            "StartIvcCertificationInput",
            input,
        )
        .await?;
        if stop == Certification {
            return Ok(d);
        }
        let d = step(
            &d,
            "addIvcSession",
            add_session,
            session(
                "EXAM_COMMISSION",
                60,
                120,
                "commissione-regionale",
                "CONTENT_EXPERT",
            ),
        )
        .await?;
        let passed = stop != NotPassed;
        let number = passed.then(|| format!("TOS-CERT-2025-{:04}", i + 1));
        let input = json!({ "passed": passed, "certificateNumber": number, "decidedOn": on(62) });
        let d = step(
            &d,
            "recordIvcCertification",
            "RecordIvcCertificationInput",
            input,
        )
        .await?;
        if stop != ClosedQualified {
            return Ok(d);
        }
        step(
            &d,
            "closeIvcDossier",
            "CloseIvcDossierInput",
            json!({ "closedOn": on(70) }),
        )
        .await
    }
}
