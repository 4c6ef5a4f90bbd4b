//! Issue 21: the domain knows no transport and no storage. Its manifest may not name them, so
//! adding one fails here before review.

const FORBIDDEN: [&str; 7] = [
    "async-graphql",
    "axum",
    "sea-orm",
    "sqlx",
    "tokio",
    "reqwest",
    "entities",
];

#[test]
fn the_domain_depends_on_no_transport_or_storage() {
    let manifest = include_str!("../Cargo.toml");
    for line in manifest.lines().map(str::trim) {
        let name = line.split(['=', ' ', '.']).next().unwrap_or("");
        assert!(
            !FORBIDDEN.contains(&name),
            "domain/Cargo.toml names {name}: the domain crate stays free of transport and storage"
        );
    }
}
