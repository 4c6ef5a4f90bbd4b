//! Reading the configuration (file or demo default, then `FASCICOLO_*`), the demo
//! defaults and the checks that refuse an inconsistent one.

use super::sources::{
    default_cache_max_entries, default_cool_down_ms, default_failure_threshold, default_pool,
    default_timeout_ms,
};
use super::{
    Config, ConfigError, DEMO_SOURCES, DEMO_TOML, MAX_DEPTH_CEILING, MAX_LEEWAY_SECS, SECTIONS,
    SourceConfig, SourceKind,
};
use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::SecretString;
use std::path::Path;
impl Config {
    /// Loads the file if given (else the demo defaults) and applies `FASCICOLO_*` overrides.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let base = match file {
            Some(path) => {
                if !path.exists() {
                    return Err(ConfigError::MissingFile(path.to_owned()));
                }
                Figment::from(Toml::file_exact(path))
            }
            None => Figment::from(Toml::string(DEMO_TOML)),
        };
        super::report::unknown_environment_sections()?;
        Self::from_figment(&base.merge(environment()))
    }

    /// Parses a TOML text (no environment overrides): for tests and tools.
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        Self::from_figment(&Figment::from(Toml::string(text)))
    }

    fn from_figment(figment: &Figment) -> Result<Config, ConfigError> {
        let mut config: Config = figment
            .extract()
            .map_err(|error| super::report::describe(figment, error))?;
        config.fill_demo_defaults();
        config.validate()?;
        Ok(config)
    }

    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    /// In demo mode the store and the two sources live in the data directory unless set, and
    /// GraphiQL with introspection is on; outside it both are off unless set.
    fn fill_demo_defaults(&mut self) {
        let demo_mode = self.is_demo();
        let introspection = *self.server.introspection.get_or_insert(demo_mode);
        // GraphiQL reads the schema by introspection
        self.server
            .graphiql
            .get_or_insert(demo_mode && introspection);
        let Some(demo) = &self.demo else { return };
        let dir = demo.data_dir.display().to_string();
        if self.store.url.is_none() {
            self.store.url = Some(format!("sqlite://{dir}/store.db?mode=rwc"));
        }
        if self.sources.is_empty() {
            for name in DEMO_SOURCES {
                self.sources.push(SourceConfig {
                    name: name.to_owned(),
                    kind: SourceKind::Sql,
                    url: SecretString::from(format!("sqlite://{dir}/{name}.db?mode=ro")),
                    timeout_ms: default_timeout_ms(),
                    max_connections: default_pool(),
                    token: None,
                    failure_threshold: default_failure_threshold(),
                    cool_down_ms: default_cool_down_ms(),
                    cache_ttl_ms: 0,
                    cache_max_entries: default_cache_max_entries(),
                    stale_ttl_ms: 0,
                });
            }
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |msg: String| Err(ConfigError::Invalid(msg));
        if self.store.url.is_none() {
            return invalid("store.url is required (sqlite://… or postgres://…)".into());
        }
        if self.auth.hs256_secret.is_none()
            && self.auth.rs256_public_key_file.is_none()
            && self.auth.jwks_file.is_none()
            && !self.is_demo()
        {
            return invalid(
                "auth: set auth.hs256_secret, auth.rs256_public_key_file or auth.jwks_file to \
                 verify tokens"
                    .into(),
            );
        }
        self.server.validate_cors().map_err(ConfigError::Invalid)?;
        if self.auth.leeway_secs > MAX_LEEWAY_SECS {
            return invalid(format!(
                "auth.leeway_secs ({}) must be at most {MAX_LEEWAY_SECS}",
                self.auth.leeway_secs
            ));
        }
        let claim = self.auth.citizen_fiscal_code_claim.as_str();
        if claim.is_empty()
            || !claim
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-:.".contains(c))
            || ["role", "office", "exp", "nbf", "iat", "iss", "aud"].contains(&claim)
        {
            return invalid(format!(
                "auth.citizen_fiscal_code_claim ({claim:?}) must name the claim that carries \
                 the citizen's codice fiscale, e.g. \"sub\" or \"fiscalNumber\" (letters, \
                 digits, _ - : .; not a registered or role claim)"
            ));
        }
        if self.auth.rs256_public_key_file.is_some() && self.auth.jwks_file.is_some() {
            return invalid(
                "auth: set auth.rs256_public_key_file or auth.jwks_file, not both".into(),
            );
        }
        if self.server.max_body_bytes <= self.documents.max_file_bytes {
            return invalid(format!(
                "server.max_body_bytes ({}) must exceed documents.max_file_bytes ({}) so an \
                 evidence file fits in a request",
                self.server.max_body_bytes, self.documents.max_file_bytes
            ));
        }
        let mut names = std::collections::HashSet::new();
        for (i, source) in self.sources.iter().enumerate() {
            if source.name.trim().is_empty() {
                return invalid(format!("sources[{i}].name must not be empty"));
            }
            if !names.insert(source.name.as_str()) {
                return invalid(format!(
                    "sources[{i}].name \"{}\" is used twice: names must be unique",
                    source.name
                ));
            }
            let url = secrecy::ExposeSecret::expose_secret(&source.url);
            let (schemes, spelled): (&[&str], &str) = match source.kind {
                SourceKind::Sql => (
                    &[
                        "postgres://",
                        "postgresql://",
                        "mysql://",
                        "mariadb://",
                        "sqlite:",
                    ],
                    "postgres://, mysql:// or sqlite:",
                ),
                SourceKind::Http => (&["http://", "https://"], "http:// or https://"),
            };
            if !schemes.iter().any(|p| url.starts_with(p)) {
                return invalid(format!(
                    "sources[{i}].url (source \"{}\", kind {}) must start with {spelled}",
                    source.name,
                    source.kind.as_str()
                ));
            }
            if source.token.is_some() && source.kind != SourceKind::Http {
                return invalid(format!(
                    "sources[{i}].token (source \"{}\") is for kind = \"http\" only: a SQL \
                     source's credentials go in its url",
                    source.name
                ));
            }
            if source.timeout_ms == 0 {
                return invalid(format!("sources[{i}].timeout_ms must be greater than 0"));
            }
            if source.failure_threshold == 0 || source.cool_down_ms == 0 {
                return invalid(format!(
                    "sources[{i}].failure_threshold and cool_down_ms must be greater than 0"
                ));
            }
            if (source.cache_ttl_ms > 0 || source.stale_ttl_ms > 0) && source.cache_max_entries == 0
            {
                return invalid(format!(
                    "sources[{i}].cache_max_entries must be greater than 0 when cache_ttl_ms or \
                     stale_ttl_ms is set"
                ));
            }
            if source.stale_ttl_ms > 0 && source.stale_ttl_ms <= source.cache_ttl_ms {
                // rows younger than cache_ttl_ms are served without asking the source, so a
                // shorter stale window would never be used
                return invalid(format!(
                    "sources[{i}].stale_ttl_ms ({}) must be 0 or greater than cache_ttl_ms ({})",
                    source.stale_ttl_ms, source.cache_ttl_ms
                ));
            }
        }
        self.ivc.validate()?;
        if self.ivc.residence_required
            && crate::domain::ivc::rules::region_provinces(self.ivc_region()).is_none()
        {
            return invalid(format!(
                "ivc.residence_required: fascicolo knows the provinces of TOS and PIE, not of \
                 {}: set ivc.residence_required = false",
                self.ivc_region()
            ));
        }
        self.audit.validate()?;
        if let Some(url) = &self.portal.url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return invalid(format!(
                "portal.url: {url} is not an http:// or https:// URL"
            ));
        }
        if self.portal.max_attempts == 0 || self.portal.timeout_ms == 0 || self.portal.poll_ms == 0
        {
            return invalid(
                "portal: max_attempts, timeout_ms and poll_ms must be greater than 0".into(),
            );
        }
        let limits = &self.limits;
        if [
            limits.max_page_size,
            limits.max_fiscal_codes,
            limits.max_complexity,
            limits.max_aliases,
            limits.max_root_fields,
            limits.max_document_bytes,
            limits.max_operations,
        ]
        .contains(&0)
        {
            return invalid(
                "limits: max_page_size, max_fiscal_codes, max_complexity, max_aliases, \
                 max_root_fields, max_document_bytes and max_operations must be > 0"
                    .into(),
            );
        }
        if limits.max_errors < 2 {
            // one error kept beside the one that counts the others
            return invalid("limits.max_errors must be at least 2".into());
        }
        if !(1..=MAX_DEPTH_CEILING).contains(&limits.max_depth) {
            return invalid(format!(
                "limits.max_depth must be between 1 and {MAX_DEPTH_CEILING}"
            ));
        }
        if self.server.graphiql() && !self.server.introspection() {
            return invalid(
                "server.graphiql needs server.introspection = true: GraphiQL reads the schema \
                 by introspection"
                    .into(),
            );
        }
        Ok(())
    }

    /// The region whose reference codes and rules IVC dossiers follow.
    pub fn ivc_region(&self) -> &str {
        self.ivc.region.as_deref().unwrap_or(&self.documents.region)
    }

    pub fn store_url(&self) -> &str {
        self.store.url.as_deref().unwrap_or_default()
    }
}

fn environment() -> Env {
    // the key keeps the variable's case here (`SERVER.LISTEN`), so compare without it
    Env::prefixed("FASCICOLO_").split("__").filter(|key| {
        let section = key.as_str().split('.').next().unwrap_or_default();
        SECTIONS.iter().any(|s| s.eq_ignore_ascii_case(section))
    })
}
