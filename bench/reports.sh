#!/usr/bin/env bash
# Reporting at scale (issue 6): generates N legacy libretti and M IVC dossiers shaped like the
# seeds (`fascicolo seed-demo --jsonl`), imports them into a fresh SQLite store and a fresh
# PostgreSQL store with `fascicolo import`, then times every report over HTTP as an analyst
# gets it (GET /reports/<name>.csv with a reporting token): one warm-up, then the median and
# the worst of RUNS requests. Prints a Markdown table (docs/reporting-benchmark.md keeps the
# last one).
#
#   bench/reports.sh                      # 1,000,000 libretti, 100,000 IVC dossiers
#   N=100000 M=10000 bench/reports.sh     # a quicker run
#   STORES=sqlite bench/reports.sh        # one store only (sqlite, postgres)
#   BUILD=0 bench/reports.sh              # use target/release/fascicolo as it is
#
# Needs: cargo, curl, psql, and PostgreSQL at FASCICOLO_TEST_POSTGRES_URL (its server, any
# database: the script creates and drops fascicolo_bench).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
M=${M:-100000}
RUNS=${RUNS:-5}
STORES=${STORES:-"sqlite postgres"}
PG_URL=${FASCICOLO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
PG_SERVER=${PG_URL%/*}
WORK=${WORK:-target/bench-reports}
PORT=${PORT:-18089}
BIN=target/release/fascicolo
REPORTS=(libretti-by-area libretti-by-status libretti-by-office libretti-by-issue-year
  libretti-citizens-by-gender libretti-citizens-by-age-band libretti-evidences-by-category
  libretti-experiences-by-origin ivc-requests-by-year ivc-dossiers-by-year ivc-attestati-by-year
  ivc-outcomes ivc-outcome-shares ivc-by-province ivc-by-office ivc-by-sector ivc-users-by-origin
  ivc-users-by-citizenship)
FILTERED="libretti-by-area.csv?issuedFrom=2015-01-01&issuedTo=2015-12-31"

if [[ "${BUILD:-1}" == 1 ]]; then cargo build --release --quiet; fi
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
if [[ ! -s "$WORK/libretti-$N.jsonl" || ! -s "$WORK/ivc-$M.jsonl" ]]; then
  echo "generating $N libretti and $M IVC dossiers…" >&2
  "$BIN" seed-demo --libretti "$N" --ivc "$M" --jsonl "$WORK/gen" >&2
  mv "$WORK/gen/libretti.jsonl" "$WORK/libretti-$N.jsonl"
  mv "$WORK/gen/ivc.jsonl" "$WORK/ivc-$M.jsonl"
fi

server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

median_and_max() { sort -n | awk '{ v[NR] = $1 } END { printf "%.0f %.0f", v[int((NR + 1) / 2)], v[NR] }'; }

declare -A RESULT IMPORT
for store in $STORES; do
  case $store in
    sqlite)
      rm -f "$WORK/store.db" "$WORK/store.db-wal" "$WORK/store.db-shm"
      url="sqlite://$WORK/store.db?mode=rwc" ;;
    postgres)
      psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS fascicolo_bench" -c "CREATE DATABASE fascicolo_bench"
      url="$PG_SERVER/fascicolo_bench" ;;
    *) echo "unknown store $store" >&2; exit 2 ;;
  esac
  config="$WORK/$store.toml"
  cat > "$config" <<EOF
[server]
listen = "127.0.0.1:$PORT"
[store]
url = "$url"
[auth]
hs256_secret = "bench-secret-bench-secret-bench-secret-0123456789"
[documents]
region = "TOS"
[ivc]
region = "PIE"
EOF
  start=$(date +%s.%N)
  "$BIN" --config "$config" import libretti "$WORK/libretti-$N.jsonl" >&2
  mid=$(date +%s.%N)
  "$BIN" --config "$config" import ivc "$WORK/ivc-$M.jsonl" >&2
  end=$(date +%s.%N)
  IMPORT[$store]=$(awk -v n="$N" -v m="$M" -v a="$start" -v b="$mid" -v c="$end" \
    'BEGIN { printf "%.0f s (%.0f libretti/s), %.1f s (%.0f dossiers/s)", b - a, n / (b - a), c - b, m / (c - b) }')
  "$BIN" --config "$config" serve > "$WORK/$store.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break
    sleep 0.2
  done
  token=$("$BIN" --config "$config" token --role reporting)
  for report in "${REPORTS[@]}" "$FILTERED"; do
    if [[ "$report" == *.csv* ]]; then path="/reports/$report"; else path="/reports/$report.csv"; fi
    fetch() { curl -s -o "$WORK/last.csv" -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$path"; }
    read -r code _ < <(fetch)
    if [[ "$code" != 200 ]]; then echo "$path answered $code: $(head -c 300 "$WORK/last.csv")" >&2; exit 1; fi
    times=$(for _ in $(seq 1 "$RUNS"); do fetch | awk '{ printf "%.0f\n", $2 * 1000 }'; done)
    RESULT[$store,$report]=$(echo "$times" | median_and_max)
  done
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
done

echo "## $N libretti, $M IVC dossiers ($(nproc) cores, $(date +%F))"
echo
for store in $STORES; do echo "- import into $store: ${IMPORT[$store]}"; done
echo
printf '| report |'; for store in $STORES; do printf ' %s median ms | %s max ms |' "$store" "$store"; done; echo
printf '|---|'; for _ in $STORES; do printf -- '---:|---:|'; done; echo
for report in "${REPORTS[@]}" "$FILTERED"; do
  printf '| `%s` |' "$report"
  for store in $STORES; do read -r med max <<< "${RESULT[$store,$report]}"; printf ' %s | %s |' "$med" "$max"; done
  echo
done
