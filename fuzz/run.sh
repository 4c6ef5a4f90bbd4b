#!/usr/bin/env bash
# Fuzzes the GraphQL API with schemathesis (issue 7): starts fascicolo on a free port over a
# throwaway SQLite store and one demo regional source, then lets schemathesis generate
# queries and mutations from schema/schema.graphql for each role, with a time budget.
# Fails on any 5xx, any answer slower than MAX_RESPONSE seconds, a panic in the server log,
# or a server that stopped answering.
#
#   fuzz/run.sh                      # 60 s per role, debug build
#   BUDGET=600 fuzz/run.sh           # a longer run
#   FASCICOLO_BIN=target/release/fascicolo fuzz/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
BUDGET=${BUDGET:-60}
MAX_RESPONSE=${MAX_RESPONSE:-5}
ROLES=${ROLES:-"operator admin reporting"}

bin="${FASCICOLO_BIN:-}"
if [ -z "$bin" ]; then
  (cd "$root" && cargo build -q --bin fascicolo)
  bin="$root/target/debug/fascicolo"
fi
if [ ! -x "$here/.venv/bin/schemathesis" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q -r "$here/requirements.txt"
fi

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" seed-demo --url "sqlite://$work/lavoro.db?mode=rwc" --part lavoro --citizens 200 >/dev/null
cat >"$work/fascicolo.toml" <<TOML
[server]
listen = "127.0.0.1:0"
[store]
url = "sqlite://$work/store.db?mode=rwc"
[auth]
hs256_secret = "fuzz-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
[[sources]]
name = "lavoro"
kind = "sql"
url = "sqlite://$work/lavoro.db?mode=ro"
timeout_ms = 2000
TOML

unset FASCICOLO_CONFIG
# created before the server starts, so the wait below never reads a missing file
: >"$work/server.log"
RUST_LOG="${RUST_LOG:-warn}" "$bin" --config "$work/fascicolo.toml" serve >"$work/server.log" 2>&1 &
server=$!
url=""
for _ in $(seq 1 300); do
  url="$(sed -n 's/^GraphQL: *\(http:[^ ]*\)$/\1/p' "$work/server.log" | head -n 1)"
  [ -n "$url" ] && break
  if ! kill -0 "$server" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "fascicolo did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

status=0
for role in $ROLES; do
  token="$("$bin" --config "$work/fascicolo.toml" token --role "$role" --office CPI-FI-01 --ttl 2h)"
  echo "== $role: $BUDGET s against $url"
  PYTHONPATH="$here" SCHEMATHESIS_HOOKS=hooks "$here/.venv/bin/schemathesis" run "$root/schema/schema.graphql" --url "$url" \
    -H "Authorization: Bearer $token" \
    --checks no_server_failure --max-response-time "$MAX_RESPONSE" \
    --max-time "$BUDGET" --workers 2 --continue-on-failure || status=1
done

if ! kill -0 "$server" 2>/dev/null; then
  echo "the server stopped during the run:" >&2
  tail -n 50 "$work/server.log" >&2
  exit 1
fi
if grep -q "panicked" "$work/server.log"; then
  echo "the server log shows a panic:" >&2
  grep -B2 -A8 "panicked" "$work/server.log" >&2
  exit 1
fi
exit "$status"
