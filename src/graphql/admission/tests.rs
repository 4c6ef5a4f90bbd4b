use super::parsed::MAX_CACHED_DOCUMENT;
use super::*;

fn admission(toml: &str) -> Admission {
    let config = Config::from_toml(&format!(
        "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n{toml}"
    ))
    .expect("config");
    Admission::from_config(&config).expect("admission")
}

fn refusal(admission: &Admission, query: &str) -> Vec<(String, String)> {
    match admission.admit(async_graphql::Request::new(query), false) {
        Ok(_) => Vec::new(),
        Err(Refusal::MutationOverGet) => vec![("405".into(), String::new())],
        Err(Refusal::Errors(errors)) => errors
            .iter()
            .map(|e| {
                let ext = e.extensions.as_ref().expect("extensions");
                let code = ext.get("code").expect("code").to_string();
                let limit = ext.get("limit").map(|l| l.to_string()).unwrap_or_default();
                (code.trim_matches('"').to_owned(), limit)
            })
            .collect(),
    }
}

fn cached(admission: &Admission) -> usize {
    admission.parsed.lock().map_or(0, |c| c.len())
}

#[test]
fn parsed_documents_are_reused_only_when_admitted_and_short() {
    let admission = admission("[limits]\nmax_depth = 3\n");
    let query = "{ sources { name } }";
    assert!(refusal(&admission, query).is_empty());
    assert_eq!(cached(&admission), 1);
    // the second time the tree comes from the cache, and the limits are checked again
    let mut request = async_graphql::Request::new(query);
    assert!(admission.parsed.reuse(&mut request));
    assert!(refusal(&admission, query).is_empty());
    assert_eq!(cached(&admission), 1);
    // refused documents are not kept, nor long ones
    let deep = "{ a { b { c { d { e } } } } }";
    assert_eq!(refusal(&admission, deep)[0].1, "\"limits.max_depth\"");
    assert_eq!(refusal(&admission, deep)[0].1, "\"limits.max_depth\"");
    let long = format!(
        "{{ sources {{ name }} }}{}",
        " ".repeat(MAX_CACHED_DOCUMENT)
    );
    assert!(refusal(&admission, &long).is_empty());
    assert_eq!(cached(&admission), 1);
    // off
    let off = admission_with_cache_off();
    assert!(refusal(&off, query).is_empty());
    assert_eq!(cached(&off), 0);
}

fn admission_with_cache_off() -> Admission {
    admission("[server]\ndocument_cache_entries = 0\n")
}

/// `levels` fragments, each spreading the next twice: 2^levels leaves in 50 bytes a level.
fn fragment_bomb(levels: usize) -> String {
    let mut query = String::from("{ ...F0 }\n");
    for i in 0..levels {
        query.push_str(&format!(
            "fragment F{i} on Query {{ ...F{n} ...F{n} }}\n",
            n = i + 1
        ));
    }
    query.push_str(&format!("fragment F{levels} on Query {{ __typename }}\n"));
    query
}

#[test]
fn an_exponential_fragment_expansion_is_measured_not_walked() {
    let admission = admission("");
    let started = std::time::Instant::now();
    // 2^30 selections, nested 31 levels: within max_nesting, far over max_complexity
    let refused = refusal(&admission, &fragment_bomb(30));
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert!(
        refused.contains(&("LIMIT_EXCEEDED".into(), "\"limits.max_complexity\"".into())),
        "{refused:?}"
    );
}

#[test]
fn fragment_cycles_and_unused_fragments_are_refused_before_validation() {
    let admission = admission("");
    let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
    assert_eq!(
        refusal(&admission, cycle),
        [("BAD_USER_INPUT".to_owned(), String::new())]
    );
    let unused = "{ __typename } fragment A on Query { __typename }";
    assert_eq!(
        refusal(&admission, unused),
        [("BAD_USER_INPUT".to_owned(), String::new())]
    );
}

#[test]
fn fragments_count_where_they_are_spread() {
    let admission = admission("[limits]\nmax_aliases = 3\nmax_root_fields = 4\n");
    // three aliases, one of them in a fragment: at the limit
    let query = "{ a: citizen(fiscalCode: \"x\") { ...P } b: sources { name } }
        fragment P on Citizen { x: fiscalCode }";
    assert_eq!(refusal(&admission, query), []);
    let query = "{ ...R ...R2 } fragment R on Query { a: __typename b: __typename }
        fragment R2 on Query { c: __typename d: __typename e: __typename }";
    assert_eq!(
        refusal(&admission, query),
        [
            (
                "LIMIT_EXCEEDED".to_owned(),
                "\"limits.max_aliases\"".to_owned()
            ),
            (
                "LIMIT_EXCEEDED".to_owned(),
                "\"limits.max_root_fields\"".to_owned()
            )
        ]
    );
}

#[test]
fn only_a_lone_priming_root_field_primes_alone() {
    let alone = |query: &str, name: Option<&str>| {
        let document = async_graphql::parser::parse_query(query).expect("parses");
        primes_alone(&document, name)
    };
    assert!(alone("{ citizen(fiscalCode: \"X\") { fiscalCode } }", None));
    assert!(alone(
        "query Q($c: [FiscalCode!]!) { citizens(fiscalCodes: $c) { fiscalCode } }",
        None
    ));
    assert!(alone(
        "{ searchCitizens(familyName: \"R\") { totalCount } }",
        None
    ));
    // two root fields share their batches through the loaders' delay
    assert!(!alone(
        "{ a: citizen(fiscalCode: \"X\") { fiscalCode } b: citizen(fiscalCode: \"Y\") { fiscalCode } }",
        None
    ));
    // a fragment at the root may hold several fields
    assert!(!alone(
        "{ ...F } fragment F on Query { citizen(fiscalCode: \"X\") { fiscalCode } }",
        None
    ));
    // roots that do not prime their relations
    assert!(!alone("{ librettos { totalCount } }", None));
    // the operation that runs is the one named
    let two = "query A { citizen(fiscalCode: \"X\") { fiscalCode } } query B { librettos { totalCount } }";
    assert!(alone(two, Some("A")));
    assert!(!alone(two, Some("B")));
    assert!(!alone(two, None));
}

#[test]
fn arguments_directives_variables_and_operations_are_counted_before_validation() {
    let admission = admission(
        "[limits]\nmax_arguments = 3\nmax_directives = 2\nmax_variables = 2\nmax_operations = 2\n",
    );
    let limit = |query: &str| -> Vec<String> {
        refusal(&admission, query)
            .into_iter()
            .map(|(_, limit)| limit.trim_matches('"').to_owned())
            .collect()
    };
    // arguments of fields and directives, fragments expanded where they are spread
    assert!(limit("{ a(x: 1, y: 2) @skip(if: false) }").is_empty());
    assert_eq!(
        limit("{ a(x: 1, x: 1, x: 1, x: 1) }"),
        ["limits.max_arguments"]
    );
    assert_eq!(
        limit("{ ...F ...F } fragment F on Query { a(x: 1, y: 2) }"),
        ["limits.max_arguments"]
    );
    // directives on fields, fragments, their spreads, the operation and its variables
    assert!(limit("query Q @a { b @c }").is_empty());
    assert_eq!(
        limit("{ a(x: 1) @skip(if: true) @skip(if: true) @skip(if: true) }"),
        ["limits.max_arguments", "limits.max_directives"]
    );
    assert_eq!(
        limit("query Q($v: Int @d) @a { ...F @b } fragment F on Query @c { x }"),
        ["limits.max_directives"]
    );
    assert_eq!(
        limit("query Q($a: Int, $b: Int, $c: Int) { x }"),
        ["limits.max_variables"]
    );
    // operations: refused alone, before anything in them is measured
    assert_eq!(
        limit("query A { x } query B { x } query C { a(x: 1, x: 1, x: 1, x: 1) }"),
        ["limits.max_operations"]
    );
}

#[test]
fn long_documents_are_not_parsed_and_syntax_errors_do_not_quote_them() {
    let admission = admission("[limits]\nmax_document_bytes = 100\n");
    let at_limit = format!("{{ x }}{}", " ".repeat(95));
    assert!(refusal(&admission, &at_limit).is_empty());
    let over = format!("{at_limit} ");
    assert_eq!(
        refusal(&admission, &over),
        [(
            "LIMIT_EXCEEDED".to_owned(),
            "\"limits.max_document_bytes\"".to_owned()
        )]
    );
    let long = format!("{{ a{} }}", "(".repeat(80));
    let Err(Refusal::Errors(errors)) = admission.admit(async_graphql::Request::new(long), false)
    else {
        panic!("a syntax error is refused");
    };
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .message
            .starts_with("the document does not parse: expected"),
        "{}",
        errors[0].message
    );
    assert!(!errors[0].message.contains("(("), "{}", errors[0].message);
    assert_eq!(errors[0].locations.len(), 1);
}

#[test]
fn unused_fragments_are_named_ten_at_most() {
    let admission = admission("");
    let mut query = String::from("{ x }");
    for i in 0..25 {
        query.push_str(&format!(" fragment F{i:02} on Query {{ x }}"));
    }
    let Err(Refusal::Errors(errors)) = admission.admit(async_graphql::Request::new(query), false)
    else {
        panic!("unused fragments are refused");
    };
    assert_eq!(
        errors[0].message,
        "fragments never used: F00, F01, F02, F03, F04, F05, F06, F07, F08, F09 and 15 more"
    );
}
