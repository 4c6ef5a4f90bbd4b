#!/usr/bin/env bash
# Starts fascicolo on a free port over a throwaway SQLite store and runs the GraphQL-over-HTTP
# audit (audit/graphql-http.mjs) against it with an operator token; exits with the audit's code.
#
#   audit/run.sh                       # builds the debug binary first
#   FASCICOLO_BIN=path/to/fascicolo audit/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"

bin="${FASCICOLO_BIN:-}"
if [ -z "$bin" ]; then
  (cd "$root" && cargo build -q --bin fascicolo)
  bin="$root/target/debug/fascicolo"
fi
if [ ! -d "$here/node_modules/graphql-http" ]; then
  npm ci --prefix "$here" --no-audit --no-fund --prefer-offline
fi

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# five checks ask `__type`, so this server answers introspection; no regional source is needed
cat >"$work/fascicolo.toml" <<EOF
[server]
listen = "127.0.0.1:0"
introspection = true
[store]
url = "sqlite://$work/store.db?mode=rwc"
[auth]
hs256_secret = "audit-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
EOF

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

FASCICOLO_AUDIT_TOKEN="$("$bin" --config "$work/fascicolo.toml" token --role operator --office CPI-FI-01 --ttl 10m)" \
  node "$here/graphql-http.mjs" "$url"
