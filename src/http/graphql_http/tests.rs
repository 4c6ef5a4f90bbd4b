use super::*;

fn accept(value: &str) -> Option<Media> {
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
    Media::negotiate(&headers)
}

#[test]
fn accept_picks_the_preferred_supported_type() {
    assert_eq!(Media::negotiate(&HeaderMap::new()), Some(Media::Json));
    assert_eq!(accept("*/*"), Some(Media::Json));
    assert_eq!(accept("application/*"), Some(Media::Json));
    assert_eq!(
        accept("application/graphql-response+json"),
        Some(Media::GraphqlResponse)
    );
    assert_eq!(
        accept("application/graphql-response+json; charset=utf-8, application/json; charset=utf-8"),
        Some(Media::GraphqlResponse)
    );
    assert_eq!(
        accept("application/json, application/graphql-response+json"),
        Some(Media::Json)
    );
    assert_eq!(
        accept("application/json;q=0.9, application/graphql-response+json"),
        Some(Media::GraphqlResponse)
    );
    assert_eq!(
        accept("application/graphql-response+json, */*;q=0.1"),
        Some(Media::GraphqlResponse)
    );
    assert_eq!(
        accept("*/*, application/json;q=0"),
        Some(Media::GraphqlResponse)
    );
    assert_eq!(accept("text/html"), None);
    assert_eq!(accept("application/json;q=0"), None);
}
