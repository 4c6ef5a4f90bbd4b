use super::*;

/// The README's configuration example is a valid configuration, every section included.
#[test]
fn the_readme_example_parses() {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("```toml\n[server]")
        .expect("README has the example")
        + 8;
    let example = &readme[start..];
    let example = &example[..example.find("```").expect("closed block")];
    let config = Config::from_toml(example).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.ivc.max_hours, 26);
    assert_eq!(config.ivc.public_body, "Regione Toscana");
    assert_eq!(config.sources.len(), 3);
    assert_eq!(config.sources[2].kind, SourceKind::Http);
    assert!(config.sources[2].token.is_some());
    assert_eq!(config.sources[0].failure_threshold, 5);
    assert_eq!(config.sources[0].cool_down_ms, 30_000);
}

#[test]
fn demo_defaults_fill_store_and_two_sources() {
    let config = Config::from_toml(DEMO_TOML).unwrap();
    assert!(config.is_demo());
    assert_eq!(
        config.store_url(),
        "sqlite://fascicolo-data/store.db?mode=rwc"
    );
    let names: Vec<_> = config.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, DEMO_SOURCES);
}

#[test]
fn unknown_key_is_named() {
    let err = Config::from_toml("[server]\nlisten = \"127.0.0.1:1\"\nport = 3\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("port"), "{err}");
}

#[test]
fn bad_value_names_the_key() {
    let err = Config::from_toml("[server]\nlisten = \"nowhere\"\n[demo]\ndata_dir = \"d\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("server.listen"), "{err}");
}

#[test]
fn graphiql_and_introspection_default_to_the_demo_only() {
    let demo = Config::from_toml(DEMO_TOML).unwrap();
    assert!(demo.server.graphiql() && demo.server.introspection());
    let production = "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n";
    let config = Config::from_toml(production).unwrap();
    assert!(!config.server.graphiql() && !config.server.introspection());
    let err = Config::from_toml(&format!("[server]\ngraphiql = true\n{production}"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("server.introspection"), "{err}");
    let config = Config::from_toml(&format!(
        "[server]\ngraphiql = true\nintrospection = true\n{production}"
    ))
    .unwrap();
    assert!(config.server.graphiql());
    // in the demo, turning introspection off turns GraphiQL's default off with it
    let config =
        Config::from_toml("[server]\nintrospection = false\n[demo]\ndata_dir = \"d\"\n").unwrap();
    assert!(config.is_demo() && !config.server.introspection() && !config.server.graphiql());
}

#[test]
fn document_limits_are_checked() {
    let production = "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n";
    let config = Config::from_toml(production).unwrap();
    assert_eq!(
        (
            config.limits.max_depth,
            config.limits.max_complexity,
            config.limits.max_aliases,
            config.limits.max_root_fields
        ),
        (16, 500, 30, 20)
    );
    for bad in [
        "max_depth = 0",
        "max_depth = 65",
        "max_complexity = 0",
        "max_aliases = 0",
    ] {
        let err = Config::from_toml(&format!("{production}[limits]\n{bad}\n"))
            .unwrap_err()
            .to_string();
        let key = bad.split(' ').next().unwrap();
        assert!(err.contains(key), "{bad}: {err}");
    }
}

#[test]
fn production_config_needs_store_and_auth() {
    let err = Config::from_toml("[auth]\nhs256_secret = \"x\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("store.url"), "{err}");
    let err = Config::from_toml("[store]\nurl = \"sqlite::memory:\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("auth"), "{err}");
}

#[test]
fn auth_leeway_is_bounded_and_a_jwks_file_is_a_key_source() {
    let base = "[store]\nurl = \"sqlite::memory:\"\n[auth]\n";
    let config = Config::from_toml(&format!("{base}jwks_file = \"/etc/idp.json\"\n")).unwrap();
    assert_eq!(config.auth.leeway_secs, 30);
    assert_eq!(config.auth.jwks_refresh_secs, 300);
    assert!(!config.auth.operators_write_own_territory_only);
    let err = Config::from_toml(&format!("{base}hs256_secret = \"s\"\nleeway_secs = 301\n"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("auth.leeway_secs"), "{err}");
    assert_eq!(config.auth.citizen_fiscal_code_claim, "sub");
    for bad in ["", "role", "fiscal number", "exp"] {
        let err = Config::from_toml(&format!(
            "{base}hs256_secret = \"s\"\ncitizen_fiscal_code_claim = \"{bad}\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("auth.citizen_fiscal_code_claim"),
            "{bad}: {err}"
        );
    }
    let ok = Config::from_toml(&format!(
        "{base}hs256_secret = \"s\"\ncitizen_fiscal_code_claim = \"fiscalNumber\"\n"
    ))
    .unwrap();
    assert_eq!(ok.auth.citizen_fiscal_code_claim, "fiscalNumber");
}

#[test]
fn source_names_unique_and_urls_known() {
    let text = r#"
        [store]
        url = "sqlite::memory:"
        [auth]
        hs256_secret = "s"
        [[sources]]
        name = "a"
        kind = "sql"
        url = "sqlite::memory:"
        [[sources]]
        name = "a"
        kind = "sql"
        url = "oracle://x"
    "#;
    let err = Config::from_toml(text).unwrap_err().to_string();
    assert!(err.contains("sources[1].name"), "{err}");
    let err = Config::from_toml(&text.replacen("name = \"a\"", "name = \"b\"", 1))
        .unwrap_err()
        .to_string();
    assert!(err.contains("sources[1].url"), "{err}");
}

#[test]
fn http_sources_need_an_http_url_and_only_they_take_a_token() {
    let base = "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n";
    let source = |kind: &str, url: &str, extra: &str| {
        Config::from_toml(&format!(
            "{base}[[sources]]\nname = \"r\"\nkind = \"{kind}\"\nurl = \"{url}\"\n{extra}"
        ))
    };
    let config = source("http", "https://sil.example/api", "token = \"t\"\n").unwrap();
    assert_eq!(config.sources[0].kind, SourceKind::Http);
    assert_eq!(config.sources[0].failure_threshold, 5);
    let err = source("http", "postgres://x/y", "")
        .unwrap_err()
        .to_string();
    assert!(err.contains("http:// or https://"), "{err}");
    let err = source("sql", "https://sil.example/api", "")
        .unwrap_err()
        .to_string();
    assert!(err.contains("postgres://"), "{err}");
    let err = source("sql", "sqlite::memory:", "token = \"t\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("sources[0].token"), "{err}");
    let err = source("http", "http://x", "failure_threshold = 0\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("failure_threshold"), "{err}");
    let err = source("soap", "http://x", "").unwrap_err().to_string();
    assert!(err.contains("soap"), "{err}");
}

#[test]
fn ivc_defaults_follow_the_seeds_and_bad_values_are_named() {
    let base = "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n";
    let config = Config::from_toml(base).unwrap();
    assert_eq!(config.ivc.max_hours, 26);
    assert_eq!(config.ivc.hourly_cost_cents(), 4000);
    assert_eq!((config.ivc.min_age, config.ivc.max_age), (15, 64));
    assert!(config.ivc.one_path_per_citizen);
    assert_eq!(config.ivc_region(), config.documents.region);
    let piemonte = format!("{base}[ivc]\nregion = \"PIE\"\npublic_body = \"Regione Piemonte\"\n");
    assert_eq!(Config::from_toml(&piemonte).unwrap().ivc_region(), "PIE");
    // seed 003 "residenti o domiciliati": on by default, with the region's provinces
    let policy = Config::from_toml(&piemonte).unwrap().ivc.policy("PIE");
    assert_eq!(policy.residence_provinces.map(<[_]>::len), Some(8));
    let umbria = format!("{base}[ivc]\nregion = \"UMB\"\n");
    let err = Config::from_toml(&umbria).unwrap_err().to_string();
    assert!(err.contains("ivc.residence_required"), "{err}");
    let off = format!("{base}[ivc]\nregion = \"UMB\"\nresidence_required = false\n");
    assert_eq!(
        Config::from_toml(&off)
            .unwrap()
            .ivc
            .policy("UMB")
            .residence_provinces,
        None
    );
    let err = Config::from_toml(&format!("{base}[ivc]\nmin_age = 70\n"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("ivc: min_age"), "{err}");
    let err = Config::from_toml(&format!("{base}[ivc]\nmax_hour = 30\n"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("max_hour"), "{err}");
}

#[test]
fn cors_origins_must_be_plain_origins() {
    let with = |origins: &str| {
        Config::from_toml(&format!(
            "[server]\ncors_origins = {origins}\n[store]\nurl = \"sqlite::memory:\"\n\
             [auth]\nhs256_secret = \"0123456789abcdef0123456789abcdef\"\n"
        ))
    };
    let config = with(r#"["https://operatori.example", "http://localhost:5173"]"#).unwrap();
    assert_eq!(config.server.cors_origins.len(), 2);
    for bad in [
        "*",
        "https://operatori.example/",
        "operatori.example",
        "https://a.example/x",
    ] {
        let err = with(&format!("[{bad:?}]")).unwrap_err().to_string();
        assert!(
            err.contains("server.cors_origins[0]") && err.contains(bad),
            "{bad}: {err}"
        );
    }
}

#[test]
fn one_ivc_session_has_a_bounded_length() {
    let with = |minutes: &str| {
        Config::from_toml(&format!(
            "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \
             \"0123456789abcdef0123456789abcdef\"\n[ivc]\nmax_session_minutes = {minutes}\n"
        ))
    };
    assert_eq!(
        with("240").unwrap().ivc.policy("TOS").max_session_minutes,
        240
    );
    for bad in ["0", "1561"] {
        let err = with(bad).unwrap_err().to_string();
        assert!(err.contains("max_session_minutes"), "{bad}: {err}");
    }
}

#[test]
fn a_refused_url_is_echoed_without_its_password_and_a_secret_not_at_all() {
    let err = Config::from_toml(
        "[store]\nurl = 7\n[auth]\nhs256_secret = \"0123456789abcdef0123456789abcdef\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("store.url = 7"), "{err}");
    let err = Config::from_toml(
        "[store]\nurl = \"postgres://u:pw@h/db\"\n[auth]\nhs256_secret = 12\n\
         [[sources]]\nname = \"x\"\nkind = \"sql\"\nurl = \"postgres://u:s3cr3t@h/db\"\n\
         timeout_ms = \"soon\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("auth.hs256_secret = (value not shown)"),
        "{err}"
    );
    assert!(!err.contains("s3cr3t") && !err.contains("12"), "{err}");
}
