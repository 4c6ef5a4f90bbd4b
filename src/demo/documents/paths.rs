//! The demo's orientation records (seed 001) and IVC dossiers (seed 003), each taken to its
//! stage through the API.

use super::*;

impl<'a> Operator<'a> {
    /// An orientation record (seed 001): intake with or without consent, education title,
    /// propensities, a CV, a service pact whose measures are at different stages; the 4th
    /// citizen withdraws the consent later.
    pub(super) async fn orientation(
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
    pub(super) async fn dossier(
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
        let input = json!({ "passed": passed, "certificateNumber": number, "decidedOn": on(62),
            "commission": "Commissione d'esame regionale, sessione OSS" });
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
