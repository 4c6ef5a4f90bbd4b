#!/usr/bin/env bash
# Size limits of issue 21 ("files a reader can hold"):
#   - a file under tests/ at most 800 lines;
#   - a function under tests/ (a test, or a helper a test delegates to) at most 150 lines,
#     and so a #[test]/#[tokio::test] function under src/;
#   - a file under src/ or domain/src/ at most 400 lines.
# Every limit fails the run (SIZES_ENFORCE_SRC=0 only lists the source files over 400).
# Functions are found by rustfmt's layout: `fn` at some indent, body closed by `}` alone at
# the same indent, so run it on formatted code (CI checks `cargo fmt` first).
set -euo pipefail
cd "$(dirname "$0")/.."

enforce_src="${SIZES_ENFORCE_SRC:-1}"
for arg in "$@"; do
    case "$arg" in
        --enforce-src) enforce_src=1 ;;
        *) echo "usage: $0 [--enforce-src]" >&2; exit 2 ;;
    esac
done

max_src_file=400
max_test_file=800
max_test_fn=150

# Tracked and untracked-but-not-ignored Rust files, so a new file counts before its commit.
rust_files() {
    git ls-files --cached --others --exclude-standard -- "$1" | grep '\.rs$' | while read -r f; do
        [ -f "$f" ] && echo "$f"
    done
}

# Prints "lines<TAB>file:line fn name" for every function longer than $2 lines in the files
# given on stdin; with $1=tests-only, only functions marked as tests.
long_functions() {
    local only_tests="$1" limit="$2"
    xargs -r awk -v only_tests="$only_tests" -v limit="$limit" '
        FNR == 1 { open = 0; attr = 0 }
        /^[[:space:]]*#\[(tokio::)?test/ { attr = 1 }
        !open && match($0, /^[[:space:]]*(pub(\([a-z]+\))? )?(const )?(async )?(unsafe )?fn [A-Za-z0-9_]+/) {
            indent = $0; sub(/[^[:space:]].*$/, "", indent)
            name = $0; sub(/^.*fn /, "", name); sub(/[^A-Za-z0-9_].*$/, "", name)
            if ($0 ~ /;[[:space:]]*$/ || $0 ~ /\}[[:space:]]*$/) { attr = 0; next }
            open = 1; start = FNR; is_test = attr; attr = 0
            next
        }
        open && $0 == indent "}" {
            open = 0
            n = FNR - start + 1
            if (n > limit && (only_tests == 0 || is_test)) printf "%d\t%s:%d fn %s\n", n, FILENAME, start, name
            next
        }
        !open && $0 !~ /^[[:space:]]*(#|\/\/)/ && $0 !~ /^[[:space:]]*$/ { attr = 0 }
    '
}

# Prints "lines<TAB>file" for every file longer than $1 lines in the files given on stdin.
long_files() {
    local limit="$1"
    while read -r f; do
        n=$(wc -l <"$f")
        if [ "$n" -gt "$limit" ]; then printf '%d\t%s\n' "$n" "$f"; fi
    done
}

failed=0
report() {
    local title="$1" list="$2" enforced="$3"
    [ -z "$list" ] && return 0
    if [ "$enforced" = 1 ]; then
        echo "FAIL: $title"
        failed=1
    else
        echo "report only: $title"
    fi
    sort -rn <<<"$list" | sed 's/^/  /'
}

report "test files over $max_test_file lines" "$(rust_files tests | long_files $max_test_file)" 1
report "test functions over $max_test_fn lines (tests/)" \
    "$(rust_files tests | long_functions 0 $max_test_fn)" 1
# the crates' sources: the app (src/) and the domain crate (domain/src/)
crate_sources() { rust_files src; rust_files domain/src; }
report "test functions over $max_test_fn lines (src/, domain/src/)" \
    "$(crate_sources | long_functions 1 $max_test_fn)" 1
report "source files over $max_src_file lines" \
    "$(crate_sources | long_files $max_src_file)" "$enforce_src"

if [ "$failed" = 1 ]; then
    exit 1
fi
echo "sizes: sources within $max_src_file lines a file, tests within $max_test_file lines a file and $max_test_fn lines a function"
