"""schemathesis extensions for fuzz/run.sh: values for fascicolo's custom scalars (so the
fuzzer reaches past input coercion) and the one check that matters here: no answer is a
server failure (HTTP 5xx, or an error coded INTERNAL). GraphQL errors for the client's
mistakes (BAD_USER_INPUT, NOT_FOUND, FORBIDDEN, ...) are the expected answers to random
input, so schemathesis's own `not_a_server_error`, which fails on any GraphQL error, is off."""

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# valid codes (one known to the demo source's generator is not needed: any valid code is
# asked of the sources), and strings that only look like codes
FISCAL_CODES = st.one_of(
    st.sampled_from(["RSSMRA85T10A562S", "BNCPLA60A62I726C", "RSSMRA85T10A56NS"]),
    st.from_regex(r"\A[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\Z"),
    st.text(max_size=20),
)
schemathesis.graphql.scalar("FiscalCode", FISCAL_CODES.map(nodes.String))
schemathesis.graphql.scalar(
    "Date", st.one_of(st.dates().map(str), st.text(max_size=12)).map(nodes.String)
)
schemathesis.graphql.scalar(
    "DateTime",
    st.one_of(
        st.datetimes().map(lambda d: d.isoformat() + "Z"), st.text(max_size=25)
    ).map(nodes.String),
)
schemathesis.graphql.scalar(
    "NaiveDateTime",
    st.one_of(st.datetimes().map(lambda d: d.isoformat()), st.text(max_size=25)).map(nodes.String),
)
# uploads go by multipart, which the fuzzer does not send: a null stands in
schemathesis.graphql.scalar("Upload", st.just(nodes.Null))


@schemathesis.check
def no_server_failure(ctx, response, case):
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:500]}")
    try:
        body = response.json()
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors or []:
        code = (error.get("extensions") or {}).get("code")
        if code == "INTERNAL" or code is None:
            raise AssertionError(f"error without a client code: {error}")
    return None
