//! Mutations as the document tests send them: one `$input` object, the changed document's
//! fields selected back, as an operator; and the stored documents (libretto, IVC dossier,
//! orientation record) whose steps carry the document's key and version.

use super::TestApp;
use serde_json::{Value, json};

/// Runs `name(input: $input) { fields }`; the whole body (data or errors).
pub async fn mutate(
    app: &TestApp,
    name: &str,
    input_type: &str,
    fields: &str,
    input: Value,
) -> Value {
    let query =
        format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {fields} }} }}");
    app.query(&query, json!({ "input": input })).await
}

/// As `mutate`, as a GraphQL multipart request with `file` uploaded at
/// `variables.input.file` (the caller sets `input.file` to null).
pub async fn mutate_with_file(
    app: &TestApp,
    name: &str,
    input_type: &str,
    fields: &str,
    input: Value,
    file: Option<(&str, Vec<u8>)>,
) -> Value {
    let query =
        format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {fields} }} }}");
    app.upload(
        &query,
        json!({ "input": input }),
        "variables.input.file",
        file,
    )
    .await
}

/// The value of the field `name` in a body that must carry no error.
pub fn ok<'a>(body: &'a Value, name: &str) -> &'a Value {
    assert!(body.get("errors").is_none(), "{name}: {body}");
    &body["data"][name]
}

/// The `extensions.code` of one error.
pub fn code_of(err: &Value) -> &str {
    err["extensions"]["code"].as_str().unwrap_or("<none>")
}

/// A kind of document the gateway stores, as its mutations see it: the fields each mutation
/// selects, the input field naming one document, and each mutation's input type.
pub struct Document {
    pub fields: &'static str,
    pub key: &'static str,
    pub input_type: fn(&str) -> &'static str,
}

impl Document {
    /// Runs a mutation; the whole body (data or errors).
    pub async fn call(&self, app: &TestApp, name: &str, input: Value) -> Value {
        mutate(app, name, (self.input_type)(name), self.fields, input).await
    }

    /// A step on `document` with the version it carries; must succeed; the changed document.
    pub async fn step(&self, app: &TestApp, document: &Value, name: &str, input: Value) -> Value {
        let body = self.call(app, name, self.on(document, input)).await;
        ok(&body, name).clone()
    }

    /// The same step expected to fail: its first error.
    pub async fn refused(
        &self,
        app: &TestApp,
        document: &Value,
        name: &str,
        input: Value,
    ) -> Value {
        let body = self.call(app, name, self.on(document, input)).await;
        assert!(body["data"].is_null(), "{name} should fail: {body}");
        body["errors"][0].clone()
    }

    /// A mutation with a file, as a multipart request; the whole body.
    pub async fn upload(
        &self,
        app: &TestApp,
        name: &str,
        input: Value,
        file: Option<(&str, Vec<u8>)>,
    ) -> Value {
        mutate_with_file(app, name, (self.input_type)(name), self.fields, input, file).await
    }

    /// `input` addressed to `document` at the version it carries.
    fn on(&self, document: &Value, mut input: Value) -> Value {
        input[self.key] = document[self.key].clone();
        input["version"] = document["version"].clone();
        input
    }
}
