//! The demo's libretti: each taken to its stop in the lifecycle, with experiences,
//! competences and evidences that vary with its place in the list.

use super::*;

impl<'a> Operator<'a> {
    /// A libretto taken to `stop`; the `i`-th of the demo (varies its content).
    pub(super) async fn libretto(
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
    pub(super) async fn fill_libretto(&self, d: Doc, i: usize) -> Result<Doc, DemoDocumentsError> {
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
    pub(super) async fn competence(
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
}
