#!/usr/bin/env bash
# Gateway against its floor (issue 8). Seeds two PostgreSQL regional sources (`lavoro`,
# `formazione`) from N generated citizens (deterministic, `fascicolo seed-demo --url`), a
# PostgreSQL store with L imported libretti, starts the release build over them and loads it
# with wrk at each concurrency of C:
#
#   W1  one full citizen profile       citizen(fiscalCode:)            (operator token)
#   W2  50 full profiles in one query  citizens(fiscalCodes: [50])     (operator token)
#   W3  a reporting aggregate          statistics { libretti { byArea } } (reporting token)
#
# Then the floor: the same data fetched with the minimal hand-written SQL, with pgbench at the
# same concurrency (bench/floor/*.sql; W1 and W2 run one pgbench per source database at once,
# as the gateway asks both sources at once). Prints Markdown tables (docs/benchmarks.md keeps
# the last run): requests/s, p50/p99, ratios to the floor, statements per request from the
# server's /metrics counters, the server's CPU per request and peak RSS. With PROFILE=1 it
# also samples the server with perf under W1 and prints the hottest symbols.
#
#   bench/run.sh                         # N=200000 citizens, L=100000 libretti, 20 s per run
#   DURATION=5 WARMUP=1 bench/run.sh     # a quicker run
#   BUILD=0 bench/run.sh                 # use target/release/fascicolo as it is
#   BUILD=0 BIN=/path/to/fascicolo bench/run.sh   # measure another build (before/after)
#   PROFILE=0 bench/run.sh               # no perf profile
#
# Needs: cargo, curl, psql, pgbench and PostgreSQL at FASCICOLO_TEST_POSTGRES_URL (its
# server; the script creates fascicolo_bench_lavoro and fascicolo_bench_formazione, kept
# between runs and re-seeded only when they do not hold N citizens, and re-creates
# fascicolo_bench_store on every run). wrk (and perf, for PROFILE=1) are installed with
# apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-200000}
L=${L:-100000}
CODES=${CODES:-20000}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-3}
CONCURRENCY=${CONCURRENCY:-"8 32"}
WORKLOADS=${WORKLOADS:-"w1 w2 w3"}
PROFILE=${PROFILE:-1}
PROFILE_SECONDS=${PROFILE_SECONDS:-15}
PG_URL=${FASCICOLO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
PG_SERVER=${PG_URL%/*}
WORK=${WORK:-target/bench}
PORT=${PORT:-18090}
THREADS=${THREADS:-2}
BIN=${BIN:-target/release/fascicolo}
SOURCES=(lavoro formazione)
STORE_DB=fascicolo_bench_store

log() { echo "[$(date +%T)] $*" >&2; }

# --- tools -------------------------------------------------------------------------------
apt_install() {
  if ! apt-get install -y "$@" > /dev/null 2>&1; then
    apt-get update > /dev/null && apt-get install -y "$@" > /dev/null
  fi
}
command -v wrk > /dev/null || { log "installing wrk"; apt_install wrk; }
PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2> /dev/null | tail -1 || true)
if [[ -z "$PGBENCH" ]]; then
  log "installing pgbench (postgresql-contrib)"
  apt_install postgresql-contrib
  PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench | tail -1)
fi
if [[ "$PROFILE" == 1 ]] && ! command -v perf > /dev/null; then
  log "installing perf"
  apt_install linux-perf || { log "perf not available: no profile"; PROFILE=0; }
fi

if [[ "${BUILD:-1}" == 1 ]]; then cargo build --release --quiet; fi
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
RESULTS="$WORK/results.tsv"
: > "$RESULTS"

psql_db() { local db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 "$PG_SERVER/$db" "$@"; }

# --- configuration -----------------------------------------------------------------------
SECRET="bench-secret-bench-secret-bench-secret-0123456789"
CONFIG="$WORK/fascicolo.toml"
{
  cat <<EOF
[server]
listen = "127.0.0.1:$PORT"
[store]
url = "$PG_SERVER/$STORE_DB"
[auth]
hs256_secret = "$SECRET"
[documents]
region = "TOS"
[log]
level = "warn"
EOF
  for s in "${SOURCES[@]}"; do
    cat <<EOF
[[sources]]
name = "$s"
kind = "sql"
url = "$PG_SERVER/fascicolo_bench_$s"
timeout_ms = 10000
EOF
  done
} > "$CONFIG"

# --- regional sources: seeded once, kept while they hold N citizens ----------------------
SEED_NOTE=""
for s in "${SOURCES[@]}"; do
  db=fascicolo_bench_$s
  have=$(psql -X -Atq "$PG_SERVER/$db" -c "SELECT citizens FROM bench_meta" 2> /dev/null || true)
  if [[ "$have" == "$N" ]]; then
    log "$db already holds the sources of $N citizens"
    continue
  fi
  log "seeding $db from $N citizens…"
  psql_db postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  start=$(date +%s.%N)
  "$BIN" --config "$CONFIG" seed-demo --url "$PG_SERVER/$db" --part "$s" --citizens "$N" >&2
  psql_db "$db" -c "VACUUM ANALYZE"
  end=$(date +%s.%N)
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
  SEED_NOTE+="- seeded $db in $secs s (seed-demo and VACUUM ANALYZE)"$'\n'
  # the marker goes in last: an interrupted seeding is redone
  psql_db "$db" -c "CREATE TABLE bench_meta (citizens int NOT NULL)" -c "INSERT INTO bench_meta VALUES ($N)"
done

# --- the fiscal codes the load walks: CODES of them, drawn from both sources ------------
codes="$WORK/codes-$N-$CODES.txt"
if [[ ! -s "$codes" ]]; then
  for s in "${SOURCES[@]}"; do
    psql -X -Atq "$PG_SERVER/fascicolo_bench_$s" -c "SELECT fiscal_code FROM gw_person"
  done | sort -u > "$WORK/all-codes.txt"
  # a fixed random source makes the draw deterministic
  shuf -n "$CODES" --random-source=<(yes) "$WORK/all-codes.txt" > "$codes"
fi
UNION=$(wc -l < "$WORK/all-codes.txt" 2> /dev/null || echo "?")
for s in "${SOURCES[@]}"; do
  db=fascicolo_bench_$s
  have=$(psql -X -Atq "$PG_SERVER/$db" -c "SELECT count(*) FROM bench_codes" 2> /dev/null || echo 0)
  if [[ "$have" != "$CODES" ]]; then
    psql_db "$db" -c "DROP TABLE IF EXISTS bench_codes" \
      -c "CREATE TABLE bench_codes (n int PRIMARY KEY, fiscal_code char(16) NOT NULL)"
    awk '{ printf "%d\t%s\n", NR, $1 }' "$codes" | psql_db "$db" -c "COPY bench_codes FROM STDIN"
    psql_db "$db" -c "ANALYZE bench_codes"
  fi
done

# --- store: re-created on every run, with L imported libretti ----------------------------
if [[ ! -s "$WORK/libretti-$L.jsonl" ]]; then
  log "generating $L libretti…"
  rm -rf "$WORK/gen"
  "$BIN" --config "$CONFIG" seed-demo --libretti "$L" --jsonl "$WORK/gen" >&2
  mv "$WORK/gen/libretti.jsonl" "$WORK/libretti-$L.jsonl"
fi
log "importing $L libretti into a fresh $STORE_DB…"
psql_db postgres -c "DROP DATABASE IF EXISTS $STORE_DB" -c "CREATE DATABASE $STORE_DB"
"$BIN" --config "$CONFIG" import libretti "$WORK/libretti-$L.jsonl" > "$WORK/import.log" 2>&1
tail -1 "$WORK/import.log" >&2

declare -A COUNT
for s in "${SOURCES[@]}"; do
  COUNT[$s]=$(psql -X -Atq "$PG_SERVER/fascicolo_bench_$s" -c \
    "SELECT (SELECT count(*) FROM gw_person) || ' persons, ' || (SELECT count(*) FROM gw_employment) || ' employments, ' || (SELECT count(*) FROM gw_training) || ' trainings'")
done
LIBRETTI=$(psql -X -Atq "$PG_SERVER/$STORE_DB" -c "SELECT count(*) FROM libretto")

# --- the server ----------------------------------------------------------------------------
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2> /dev/null || true; }
trap cleanup EXIT
start_server() {
  "$BIN" --config "$CONFIG" serve >> "$WORK/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null && return 0
    kill -0 "$server_pid" 2> /dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.2
  done
  log "server not ready"; cat "$WORK/server.log" >&2; exit 1
}
# the server is stopped while pgbench runs: its pools (8 + 8 + 16 connections) and the
# floor's 2 x 32 clients would not fit together under PostgreSQL's default 100 connections
stop_server() { kill "$server_pid"; wait "$server_pid" 2> /dev/null || true; server_pid=""; }
: > "$WORK/server.log"
start_server
OPERATOR=$("$BIN" --config "$CONFIG" token --role operator --office CPI-FI-01 --ttl 4h --subject bench)
REPORTING=$("$BIN" --config "$CONFIG" token --role reporting --ttl 4h --subject bench)

# one request of each workload must answer data without errors before anything is measured
check_answer() {
  local body=$1 token=$2 out
  out=$(curl -s "http://127.0.0.1:$PORT/graphql" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' -d "$body")
  if [[ "$out" == *'"errors"'* || "$out" != *'"data"'* ]]; then
    log "unexpected answer: ${out:0:400}"
    exit 1
  fi
  echo "${#out}"
}
first=$(head -1 "$codes")
fifty=$(head -50 "$codes" | awk '{ printf "%s\"%s\"", (NR > 1 ? "," : ""), $1 }')
W1_BYTES=$(check_answer "{\"query\":\"{ citizen(fiscalCode: \\\"$first\\\") { person { familyName } employments { startDate } trainings { title } } }\"}" "$OPERATOR")
W2_BYTES=$(check_answer "{\"query\":\"query(\$c: [FiscalCode!]!) { citizens(fiscalCodes: \$c) { person { familyName } } }\",\"variables\":{\"c\":[$fifty]}}" "$OPERATOR")
W3_BYTES=$(check_answer '{"query":"{ statistics { libretti { byArea { total } } } }"}' "$REPORTING")

# metrics: statements to the sources and to the store, GraphQL requests answered
scrape() {
  curl -sf "http://127.0.0.1:$PORT/metrics" | awk '
    /^fascicolo_source_statements_total/ { src += $NF }
    /^fascicolo_store_statements_total/ { store += $NF }
    /^fascicolo_graphql_requests_total/ { req += $NF }
    END { printf "%d %d %d\n", src, store, req }'
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
CLK_TCK=$(getconf CLK_TCK)

token_for() { if [[ $1 == w3 ]]; then echo "$REPORTING"; else echo "$OPERATOR"; fi; }

run_wrk() { # workload concurrency seconds
  wrk -t "$THREADS" -c "$2" -d "${3}s" --timeout 30s -s bench/graphql.lua \
    "http://127.0.0.1:$PORT/graphql" -- "$1" "$(token_for "$1")" "$codes"
}

field() { sed -n "s/.*[ ^]$1=\([0-9]*\).*/\1/p" <<< " $2"; }

# Statements per request, exactly: one connection, a fixed number of requests, each answered
# before the next is sent (under load, requests cut off at the end of a run have sent
# statements without being counted as answered).
count_statements() { # workload requests; prints "source store"
  local before after
  before=$(scrape)
  wrk -t 1 -c 1 -d 10s -s bench/graphql.lua "http://127.0.0.1:$PORT/graphql" -- \
    "$1" "$(token_for "$1")" "$codes" "$2" > /dev/null
  after=$(scrape)
  awk -v b="$before" -v a="$after" 'BEGIN { split(b, x, " "); split(a, y, " ")
    printf "%.2f %.2f %d\n", (y[1] - x[1]) / (y[3] - x[3]), (y[2] - x[2]) / (y[3] - x[3]), y[3] - x[3] }'
}

# other CPU users of the machine (the gateway, PostgreSQL, wrk and pgbench excepted): a
# compiler running beside the benchmark shows here
others() { ps -eo comm= | grep -cE '^(rustc|cargo|cc|ld|cc1|cc1plus|node|python3?)$' || true; }

gateway_run() { # workload concurrency
  local w=$1 c=$2
  log "gateway $w c=$c: ${WARMUP}s warm-up, ${DURATION}s measured"
  run_wrk "$w" "$c" "$WARMUP" > /dev/null
  echo 5 2> /dev/null > "/proc/$server_pid/clear_refs" || true # resets VmHWM to the current RSS
  local busy0 busy1 src0 store0 req0 src1 store1 req1 cpu0 cpu1 out line hwm n dur bad
  busy0=$(others)
  read -r src0 store0 req0 < <(scrape)
  cpu0=$(cpu_ticks)
  out=$(run_wrk "$w" "$c" "$DURATION")
  cpu1=$(cpu_ticks)
  read -r src1 store1 req1 < <(scrape)
  busy1=$(others)
  hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$server_pid/status")
  echo "$out" > "$WORK/wrk-$w-c$c.txt"
  line=$(grep '^BENCH' <<< "$out")
  n=$(field requests "$line"); dur=$(field duration_us "$line")
  bad=$(( $(field non2xx "$line") + $(field errors "$line") + $(field socket_errors "$line") ))
  if (( bad > 0 )); then log "WARNING: $w c=$c: $bad failed answers (see $WORK/wrk-$w-c$c.txt)"; fi
  awk -v w="$w" -v c="$c" -v n="$n" -v dur="$dur" -v p50="$(field p50_us "$line")" \
    -v p99="$(field p99_us "$line")" -v req=$((req1 - req0)) -v src=$((src1 - src0)) \
    -v store=$((store1 - store0)) -v cpu=$((cpu1 - cpu0)) -v tck="$CLK_TCK" -v hwm="$hwm" -v bad="$bad" \
    -v stmts="${STMTS[$w]}" -v busy="$busy0/$busy1" \
    'BEGIN { split(stmts, st, " ")
      printf "gateway\t%s\t%d\t%.1f\t%.2f\t%.2f\t%s\t%s\t%.0f\t%.1f\t%d\t%d\t%.2f\t%.2f\t%s\n", w, c, n / (dur / 1e6),
        p50 / 1000, p99 / 1000, st[1], st[2], cpu / tck * 1e6 / req, hwm / 1024, req, bad,
        src / req, store / req, busy }' >> "$RESULTS"
}

# --- the floor -----------------------------------------------------------------------------
# pgbench -l writes one line per transaction: client_id transaction_no time(us) script_no …
# A W1/W2 floor request is one transaction on each source, run at the same time by two
# pgbench processes; its latency is the slower of the pair (same client and transaction
# number), as the gateway waits for the slower source.
# W3 without parallel workers: with 8 or more queries at once on 2 cores a parallel plan is
# slower (measured 48 against 82 tx/s at c=8), and the gateway's statement runs without them
floor_options() { if [[ $1 == w3 ]]; then echo "-c max_parallel_workers_per_gather=0"; fi; }

floor_run() { # script concurrency seconds logprefix db…
  local w=$1 c=$2 secs=$3 prefix=$4; shift 4
  local pids=() db
  for db in "$@"; do
    local args=(-n -M prepared -c "$c" -j "$THREADS" -T "$secs" -D "ncodes=$CODES" -f "bench/floor/$w.sql")
    if [[ -n "$prefix" ]]; then args+=(-l --log-prefix="$prefix-$db"); fi
    PGOPTIONS="$(floor_options "$w")" "$PGBENCH" "${args[@]}" "$PG_SERVER/$db" > "$WORK/pgbench-$w-c$c-$db.txt" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || { log "pgbench $w failed: see $WORK/pgbench-$w-c$c-*.txt"; exit 1; }
  done
}

percentiles() { # stdin: latencies in us; prints count p50_ms p99_ms
  sort -n | awk '{ v[NR] = $1 } END {
    i50 = int(NR * 0.50 + 0.999999); i99 = int(NR * 0.99 + 0.999999)
    printf "%d %.2f %.2f\n", NR, v[i50] / 1000, v[i99] / 1000 }'
}

floor_measure() { # workload concurrency script row-label
  local w=$1 c=$2 script=$3 label=$4 dbs db n p50 p99 dn d50 d99 per
  if [[ $w == w3 ]]; then dbs=("$STORE_DB"); else dbs=("${SOURCES[@]/#/fascicolo_bench_}"); fi
  log "floor $script c=$c on ${dbs[*]}"
  rm -f "$WORK/floor/$script-c$c"-*
  floor_run "$script" "$c" "$WARMUP" "" "${dbs[@]}"
  floor_run "$script" "$c" "$DURATION" "$WORK/floor/$script-c$c" "${dbs[@]}"
  if (( ${#dbs[@]} == 2 )); then
    for db in "${dbs[@]}"; do
      read -r dn d50 d99 < <(cat "$WORK/floor/$script-c$c-$db".* | awk '{ print $3 }' | percentiles)
      printf "%s\t%d\t%s\t%.1f\t%s\t%s\n" "$script" "$c" "$db" "$(awk -v n="$dn" -v d="$DURATION" 'BEGIN { print n / d }')" \
        "$d50" "$d99" >> "$WORK/floor-by-source.tsv"
    done
    read -r n p50 p99 < <(awk -v first="$WORK/floor/$script-c$c-${dbs[0]}." '
      index(FILENAME, first) == 1 { a[$1 " " $2] = $3; next }
      ($1 " " $2) in a { t = a[$1 " " $2]; print ($3 > t ? $3 : t) }' \
      "$WORK/floor/$script-c$c-${dbs[0]}".* "$WORK/floor/$script-c$c-${dbs[1]}".* | percentiles)
    per=6
  else
    read -r n p50 p99 < <(cat "$WORK/floor/$script-c$c-${dbs[0]}".* | awk '{ print $3 }' | percentiles)
    per=1
  fi
  printf "%s\t%s\t%d\t%.1f\t%s\t%s\t%d\n" "$label" "$w" "$c" "$(awk -v n="$n" -v d="$DURATION" 'BEGIN { print n / d }')" \
    "$p50" "$p99" "$per" >> "$RESULTS"
}

declare -A STMTS
for w in $WORKLOADS; do
  case $w in w2) k=10 ;; w3) k=10 ;; *) k=40 ;; esac
  STMTS[$w]=$(count_statements "$w" "$k")
  log "statements per request of $w (source store requests): ${STMTS[$w]}"
done

# gateway and floor back to back for each workload and concurrency, so that both see the
# same machine; a fresh server for each gateway run (so each peak RSS is its own)
mkdir -p "$WORK/floor"
: > "$WORK/floor-by-source.tsv"
for c in $CONCURRENCY; do
  for w in $WORKLOADS; do
    [[ -n "$server_pid" ]] || start_server
    gateway_run "$w" "$c"
    stop_server
    floor_measure "$w" "$c" "$w" floor
  done
done
start_server

# --- profile ---------------------------------------------------------------------------------
if [[ "$PROFILE" == 1 ]]; then
  log "profiling the gateway under W1 c=8 (${PROFILE_SECONDS}s, perf)"
  run_wrk w1 8 "$((PROFILE_SECONDS + 4))" > /dev/null &
  wrk_pid=$!
  sleep 2
  perf record -q -a -F 499 -o "$WORK/perf-all.data" -- sleep "$PROFILE_SECONDS" 2> /dev/null
  wait "$wrk_pid"
  run_wrk w1 8 "$((PROFILE_SECONDS + 4))" > /dev/null &
  wrk_pid=$!
  sleep 2
  perf record -q -F 99 --call-graph dwarf,32768 -p "$server_pid" -o "$WORK/perf-server.data" \
    -- sleep "$PROFILE_SECONDS" 2> /dev/null
  wait "$wrk_pid"
  # (head closes the pipe early: not an error)
  report() { perf report --stdio "$@" 2> /dev/null | grep -v '^#' | grep -v '^$' || true; }
  report -i "$WORK/perf-all.data" --no-children --sort comm | head -12 > "$WORK/profile-by-process.txt" || true
  # one pass over the call graphs (unwinding is the slow part): inclusive and self time per
  # symbol; the self view and the split by library are sorted out of it
  report -i "$WORK/perf-server.data" --children --sort dso,sym -g none > "$WORK/profile-server.txt"
  head -150 "$WORK/profile-server.txt" > "$WORK/profile-server-children.txt"
  { sort -t% -k2 -rn "$WORK/profile-server.txt" | awk '{ $1 = ""; print }' | head -40 > "$WORK/profile-server-self.txt"; } || true
  awk '{ self[$3] += $2 } END { for (d in self) printf "%6.2f%%  %s\n", self[d], d }' "$WORK/profile-server.txt" |
    sort -rn > "$WORK/profile-server-dso.txt" || true
fi

# --- tables ----------------------------------------------------------------------------------
echo "## $N citizens, $L libretti ($(nproc) cores, $(date +%F), ${DURATION}s per run)"
echo
for s in "${SOURCES[@]}"; do echo "- source \`$s\`: ${COUNT[$s]}"; done
echo "- citizens known to at least one source: $UNION; the load walks $CODES of them"
echo "- store: $LIBRETTI libretti ($(tail -1 "$WORK/import.log"))"
echo "- answer sizes of the check requests (bytes): W1 $W1_BYTES, W2 $W2_BYTES (names only), W3 $W3_BYTES"
[[ -n "$SEED_NOTE" ]] && printf '%s' "$SEED_NOTE"
echo
echo "| workload | c | gateway req/s | floor req/s | req/s ratio | p50 ms | floor p50 | p50 ratio | p99 ms | floor p99 | p99 ratio | source stmts/req | store stmts/req | floor stmts/req | server CPU µs/req | peak RSS MB | failed |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -F'\t' '
  $1 == "gateway" { k = $2 " " $3; g[k] = $0; order[++n] = k }
  $1 == "floor" { f[$2 " " $3] = $0 }
  END {
    for (i = 1; i <= n; i++) {
      k = order[i]; split(g[k], a, "\t"); split(f[k], b, "\t")
      rt = (b[4] > 0 ? sprintf("%.2f", a[4] / b[4]) : "-")
      r50 = (b[5] > 0 ? sprintf("%.1fx", a[5] / b[5]) : "-"); r99 = (b[6] > 0 ? sprintf("%.1fx", a[6] / b[6]) : "-")
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
        toupper(a[2]), a[3], a[4], b[4], rt, a[5], b[5], r50, a[6], b[6], r99, a[7], a[8], b[7], a[9], a[10], a[12]
    }
  }' "$RESULTS"
echo
echo "Statements per request are counted over sequential requests (40 for W1, 10 for W2 and W3); the"
echo "peak RSS is VmHWM of the server over the measured run (reset before it). Compiler or other"
echo "processes seen beside the benchmark at the start/end of each gateway run: $(awk -F'\t' '$1 == "gateway" { printf "%s%s c=%s %s", sep, toupper($2), $3, $15; sep = ", " }' "$RESULTS")."
echo
echo "Floor per source database (pgbench, transactions of three SELECTs):"
echo
echo "| workload | c | database | tx/s | p50 ms | p99 ms |"
echo "|---|---:|---|---:|---:|---:|"
awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", toupper($1), $2, $3, $4, $5, $6 }' "$WORK/floor-by-source.tsv"
echo
echo "Raw rows: $RESULTS; wrk and pgbench outputs and the profile reports in $WORK."
