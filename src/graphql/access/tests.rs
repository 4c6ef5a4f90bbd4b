use super::*;
use crate::auth::Principal;
use serde_json::Value;
use std::collections::BTreeSet;

async fn introspect() -> Value {
    let schema = super::super::schema_builder().finish();
    let response = (schema.execute(
        "{ __schema { types { name kind fields { name args { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }",
    ))
    .await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    response.data.into_json().unwrap()
}

fn rule(on: &str) -> Option<&'static RoleGuard> {
    RULES.iter().map(|(_, g)| g).find(|g| g.on == on)
}

fn open(on: &str) -> bool {
    OPEN.iter().any(|(name, _)| *name == on)
}

/// Every object type has a rule (or is open, or a wrapper); every root field of `Query`
/// too; every rule names something that exists. A new unguarded type or root field fails
/// here.
#[tokio::test]
async fn every_type_and_root_field_has_a_rule() {
    let data = introspect().await;
    let mut missing = Vec::new();
    let mut known = BTreeSet::new();
    for ty in data["__schema"]["types"].as_array().unwrap() {
        let name = ty["name"].as_str().unwrap();
        if ty["kind"] != "OBJECT" || name.starts_with("__") {
            continue;
        }
        known.insert(name.to_owned());
        for field in ty["fields"].as_array().unwrap() {
            known.insert(format!("{name}.{}", field["name"].as_str().unwrap()));
        }
        if name == "Query" {
            for field in ty["fields"].as_array().unwrap() {
                let on = format!("Query.{}", field["name"].as_str().unwrap());
                if rule(&on).is_none() && !open(&on) {
                    missing.push(on);
                }
            }
        } else if rule(name).is_none() && !open(name) && !is_wrapper(name) {
            missing.push(name.to_owned());
        }
    }
    assert!(
        missing.is_empty(),
        "no access rule for {missing:?}: add one to RULES in src/graphql/access.rs and \
         attach it with `guard = \"access::NAME\"` (or give a reason in OPEN)"
    );
    let stale: Vec<&str> = RULES
        .iter()
        .map(|(_, g)| g.on)
        .chain(OPEN.iter().map(|(on, _)| *on))
        .filter(|on| !known.contains(*on))
        .collect();
    assert!(
        stale.is_empty(),
        "rules for nothing in the schema: {stale:?}"
    );
}

/// Every source file of the schema, concatenated (the guard tests read the attributes).
fn graphql_sources() -> String {
    fn walk(dir: &std::path::Path, out: &mut String) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("graphql/access.rs")
            {
                out.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut sources = String::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/graphql"),
        &mut sources,
    );
    sources
}

fn snake(camel: &str) -> String {
    camel
        .chars()
        .flat_map(|c| {
            if c.is_ascii_uppercase() {
                vec!['_', c.to_ascii_lowercase()]
            } else {
                vec![c]
            }
        })
        .collect()
}

/// A root field that lets a citizen in must keep them to their own data: its resolver calls
/// `access::own` or `access::is_own`. A new one that forgets fails here.
#[test]
fn root_fields_open_to_citizens_check_whose_data() {
    let sources = graphql_sources();
    let mut checked = Vec::new();
    for (name, guard) in RULES {
        if !(guard.on.starts_with("Query.") || guard.on.starts_with("Mutation."))
            || !guard.allows(Role::Citizen)
        {
            continue;
        }
        // the resolver the guard sits on, up to the next one
        let attribute = format!("guard = \"access::{name}\"");
        let after = sources
            .split(&attribute)
            .nth(1)
            .unwrap_or_else(|| panic!("{attribute} not found"));
        let body = after.split("async fn ").nth(1).unwrap();
        assert!(
            body.contains("access::own(") || body.contains("access::is_own("),
            "{} lets citizens in but never checks the data is theirs",
            guard.on
        );
        checked.push(guard.on);
    }
    assert_eq!(checked.len(), 7, "{checked:?}");
    // and the types that name other people stay the staff's
    for on in [
        "Citizen.possibleOmocodes",
        "PossibleOmocode",
        "IdentityReview",
        "AuditEntry",
    ] {
        assert!(!rule(on).unwrap().allows(Role::Citizen), "{on}");
    }
}

/// Every rule is attached as a guard exactly where it says, and nothing else guards:
/// the derive macros keep guards out of the registry, so the sources are read.
#[test]
fn every_rule_is_attached_as_a_guard() {
    let sources = graphql_sources();
    let mut attached = BTreeSet::new();
    // the derives' guard strings, and the guard paths given to `plain_object!`/`plain_struct!`
    // (the macros' own `$rule` is not a rule)
    let derived = sources
        .split("guard = \"")
        .skip(1)
        .map(|rest| (rest.split('"').next().unwrap(), rest));
    let declared = sources
        .split("#[guard(")
        .skip(1)
        .map(|rest| (rest.split(')').next().unwrap(), rest))
        .filter(|(name, _)| name.starts_with("access::"));
    for (name, rest) in derived.chain(declared) {
        attached.insert(name);
        let Some(guard) = RULES
            .iter()
            .find(|(n, _)| format!("access::{n}") == name)
            .map(|(_, g)| g)
        else {
            continue;
        };
        // what the attribute sits on: the next line that is not an attribute or a comment
        let target = rest
            .lines()
            .skip(1)
            .map(str::trim)
            .find(|l| !l.starts_with('#') && !l.starts_with("//"))
            .unwrap();
        let on = match guard.on.split_once('.') {
            Some((_, field)) => format!("async fn {}(", snake(field)),
            // the access report's own fields are a connection's additional fields
            None if guard.on == "AccessReport" => "pub struct AccessReportSummary ".into(),
            None if guard.on == "Mutation" => "Mutation {".into(),
            None => format!("{} {{", guard.on),
        };
        // `impl Employment as sourced row "gw_employment" {` declares the type too
        let declared_as = format!("impl {} as ", guard.on);
        assert!(
            target.contains(&on) || target.starts_with(&declared_as),
            "{name} ({}) sits on `{target}`",
            guard.on
        );
    }
    let expected: BTreeSet<String> = RULES
        .iter()
        .map(|(name, _)| format!("access::{name}"))
        .collect();
    let attached: BTreeSet<String> = attached.into_iter().map(str::to_owned).collect();
    assert_eq!(
        expected.difference(&attached).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "rules never attached"
    );
    assert_eq!(
        attached.difference(&expected).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "guards outside the table"
    );
}

/// A value for a required argument of the given (introspected) type.
fn argument(ty: &Value) -> String {
    match ty["kind"].as_str().unwrap() {
        "NON_NULL" => argument(&ty["ofType"]),
        "LIST" => format!("[{}]", argument(&ty["ofType"])),
        _ => match ty["name"].as_str().unwrap() {
            "FiscalCode" => "\"RSSMRA85T10A562S\"".into(),
            "Int" => "1".into(),
            "ID" | "String" => "\"x\"".into(),
            other => panic!("no test value for an argument of type {other}"),
        },
    }
}

fn returns_object(mut ty: &Value) -> bool {
    while ty["kind"] == "NON_NULL" || ty["kind"] == "LIST" {
        ty = &ty["ofType"];
    }
    ty["kind"] == "OBJECT"
}

/// Each guarded root field refuses every role its rule leaves out, with FORBIDDEN, before
/// its resolver runs (the schema here has no store or sources to answer with).
#[tokio::test]
async fn root_guards_refuse_the_roles_they_leave_out() {
    let data = introspect().await;
    let query = data["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Query")
        .unwrap();
    let schema = super::super::schema_builder().finish();
    let mut checked = 0;
    for field in query["fields"].as_array().unwrap() {
        let name = field["name"].as_str().unwrap();
        let Some(guard) = rule(&format!("Query.{name}")) else {
            continue;
        };
        let args: Vec<String> = field["args"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["type"]["kind"] == "NON_NULL")
            .map(|a| format!("{}: {}", a["name"].as_str().unwrap(), argument(&a["type"])))
            .collect();
        let args = if args.is_empty() {
            String::new()
        } else {
            format!("({})", args.join(", "))
        };
        let selection = if returns_object(&field["type"]) {
            " { __typename }"
        } else {
            ""
        };
        let document = format!("{{ {name}{args}{selection} }}");
        for role in [
            Role::Operator,
            Role::Reporting,
            Role::Portal,
            Role::Admin,
            Role::Citizen,
        ] {
            if guard.roles.contains(&role) {
                continue;
            }
            let scope = Arc::new(RequestScope::new(
                Principal {
                    subject: "t".into(),
                    role,
                    office: None,
                },
                "r".into(),
            ));
            let response = schema
                .execute(async_graphql::Request::new(&document).data(scope))
                .await;
            let codes: Vec<String> = response
                .errors
                .iter()
                .map(|e| {
                    e.extensions
                        .as_ref()
                        .and_then(|x| x.get("code"))
                        .map(|c| c.to_string())
                        .unwrap_or_default()
                })
                .collect();
            assert_eq!(
                codes,
                ["\"FORBIDDEN\""],
                "{document} as {role:?}: {:?}",
                response.errors
            );
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked}");
}
