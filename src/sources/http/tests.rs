use super::decode::wire_name;
use super::*;
use serde_json::json;

fn rows(value: &Value) -> Vec<Map<String, Value>> {
    serde_json::from_value::<Answer>(json!({ "rows": value }))
        .unwrap()
        .rows
}

#[test]
fn wire_names_are_camel_case() {
    assert_eq!(wire_name("fiscal_code"), "fiscalCode");
    assert_eq!(wire_name("residence_municipality"), "residenceMunicipality");
    assert_eq!(wire_name("id"), "id");
    assert_eq!(wire_name("eqf_level"), "eqfLevel");
}

#[test]
fn a_person_row_decodes_with_absent_nullable_fields() {
    let decoded = decode_all(
        PERSONS,
        &PERSON_VIEW,
        &rows(&json!([{
            "fiscalCode": " RSSMRA85T10A562S ",
            "familyName": "ROSSI",
            "givenName": null,
            "birthDate": "1985-12-10",
            "updatedAt": "2024-01-15T10:00:00+01:00",
        }])),
        decode_person,
    )
    .unwrap();
    assert_eq!(decoded[0].fiscal_code, "RSSMRA85T10A562S");
    assert_eq!(decoded[0].given_name, None);
    assert_eq!(decoded[0].email, None);
    assert_eq!(
        decoded[0].updated_at.to_string(),
        "2024-01-15 09:00:00",
        "an offset is converted to UTC"
    );
}

#[test]
fn rows_that_break_the_contract_name_the_row_and_field() {
    let problem = |value: Value, view: &ContractView| -> String {
        let result = match view.name {
            "gw_employment" => {
                decode_all(EMPLOYMENTS, view, &rows(&value), decode_employment).map(|_| ())
            }
            _ => decode_all(PERSONS, view, &rows(&value), decode_person).map(|_| ()),
        };
        result.unwrap_err().detail
    };
    let ok = json!({"fiscalCode": "RSSMRA85T10A562S", "updatedAt": "2024-01-15T10:00:00"});
    let mut unknown = ok.clone();
    unknown["familyname"] = json!("ROSSI");
    let message = problem(json!([&ok, unknown]), &PERSON_VIEW);
    assert!(
        message.starts_with("/persons row 2: unknown field `familyname`"),
        "{message}"
    );
    let mut bad_date = ok;
    bad_date["birthDate"] = json!("10/12/1985");
    assert_eq!(
        problem(json!([bad_date]), &PERSON_VIEW),
        "/persons row 1: field `birthDate` is not a date (YYYY-MM-DD)"
    );
    assert_eq!(
        problem(json!([{"fiscalCode": "RSSMRA85T10A562S"}]), &PERSON_VIEW),
        "/persons row 1: field `updatedAt` is missing or null but the contract requires it"
    );
    assert_eq!(
        problem(
            json!([{"id": "11", "fiscalCode": "X", "startDate": "2020-01-01"}]),
            &EMPLOYMENT_VIEW
        ),
        "/employments row 1: field `id` must be an integer, found a string"
    );
}
