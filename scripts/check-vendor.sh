#!/usr/bin/env bash
# Checks that each crate vendored under vendor/ (sqlx-core, async-graphql) is the crates.io
# release named by its `base` line in vendor/patches/series with the patches listed after
# that line applied, in order, and nothing else; fails naming every file that differs. The published .crate comes from cargo's download cache or, when it is not there
# (cargo build never downloads it: the crate is patched), from the registry through cargo
# itself; its sha256 must be the one in the series file.
set -euo pipefail
cd "$(dirname "$0")/.."

patches_dir=vendor/patches
series=$patches_dir/series
cargo_home=${CARGO_HOME:-$HOME/.cargo}

fail() {
    echo "check-vendor: $*" >&2
    exit 1
}

# One `base NAME VERSION SHA256` line per vendored crate, each followed by its `patch FILE`
# lines.
bases=() patches_of=()
while read -r keyword first rest; do
    case $keyword in
    "" | "#"*) ;;
    base) bases+=("$first $rest") && patches_of+=("") ;;
    patch)
        ((${#bases[@]} > 0)) || fail "$series: 'patch $first' before any 'base' line"
        patches_of[-1]+=" $first"
        ;;
    *) fail "$series: unknown line '$keyword $first $rest'" ;;
    esac
done <"$series"
((${#bases[@]} > 0)) || fail "$series: no 'base NAME VERSION SHA256' line"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The .crate file in cargo's cache whose checksum is the pinned one, if any.
cached_crate() {
    local file
    for file in "$cargo_home"/registry/cache/*/"$name-$version.crate"; do
        if [[ -f $file ]] && [[ $(sha256sum "$file" | cut -d' ' -f1) == "$sha256" ]]; then
            echo "$file"
            return 0
        fi
    done
    return 1
}

# vendor/$name against $name $version ($sha256) plus the patches given, in order.
check_crate() {
    local crate expected vendored problems path patch_file
    rm -rf "$work/published" "$work/fetch"
    vendored=vendor/$name
    [[ -d $vendored ]] || fail "$vendored does not exist"

    # The copy is only worth checking if the build uses it: Cargo.lock must take this version
    # from the path (no `source` line), not from the registry.
    awk -v name="$name" -v version="$version" '
        /^\[\[package\]\]/ { if (found) exit; in_name = 0 }
        $0 == "name = \"" name "\"" { in_name = 1 }
        in_name && $0 == "version = \"" version "\"" { found = 1 }
        found && /^source = / { found = 0; exit }
        END { exit !found }
    ' Cargo.lock || fail "Cargo.lock does not build $name $version from $vendored ([patch.crates-io] in Cargo.toml)"

    if ! crate=$(cached_crate); then
        # `cargo info` downloads the one .crate into cargo's cache (checked against the index);
        # a throwaway manifest and `cargo fetch` are the documented way, at the cost of also
        # fetching the crate's dependencies. Both run outside this workspace, where the crate is
        # patched and cargo would look at vendor/ instead.
        echo "check-vendor: $name $version not in cargo's cache, fetching it from the registry" >&2
        (cd "$work" && cargo info --quiet "$name@$version" >/dev/null) || true
        if ! crate=$(cached_crate); then
            mkdir -p "$work/fetch/src"
            : >"$work/fetch/src/lib.rs"
            printf '[package]\nname = "fetch-%s"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = { version = "=%s", default-features = false }\n' \
                "$name" "$name" "$version" >"$work/fetch/Cargo.toml"
            cargo fetch --quiet --manifest-path "$work/fetch/Cargo.toml" ||
                fail "could not fetch $name $version from the registry"
            crate=$(cached_crate) || fail "no $name-$version.crate with sha256 $sha256 in $cargo_home/registry/cache"
        fi
    fi

    mkdir "$work/published"
    tar -xzf "$crate" -C "$work/published"
    expected=$work/published/$name-$version
    [[ -d $expected ]] || fail "$crate does not hold $name-$version/"

    # Written by `cargo publish` and read by nothing when the crate is built as a path
    # dependency: the commit it was cut from, the manifest before cargo normalised it, and the
    # crate's own lockfile (a dependency's lockfile is ignored). The copy leaves them out.
    rm -f "$expected/.cargo_vcs_info.json" "$expected/Cargo.toml.orig" "$expected/Cargo.lock"

    for patch_file in "${patches[@]}"; do
        [[ -f $patches_dir/$patch_file ]] || fail "$series lists $patch_file, which is not in $patches_dir"
        patch -d "$expected" -p1 --batch --forward --fuzz=0 --no-backup-if-mismatch --quiet \
            <"$patches_dir/$patch_file" >"$work/patch.log" 2>&1 || {
            cat "$work/patch.log" >&2
            fail "$patches_dir/$patch_file does not apply to $name $version after the patches before it"
        }
    done

    (cd "$expected" && find . \( -type f -o -type l \) | sort) >"$work/expected.list"
    (cd "$vendored" && find . \( -type f -o -type l \) | sort) >"$work/vendored.list"
    problems=0
    while read -r path; do
        echo "check-vendor: $vendored/${path#./} is missing (it is in the published crate)" >&2
        problems=$((problems + 1))
    done < <(comm -23 "$work/expected.list" "$work/vendored.list")
    while read -r path; do
        echo "check-vendor: $vendored/${path#./} is in neither the published crate nor a listed patch" >&2
        problems=$((problems + 1))
    done < <(comm -13 "$work/expected.list" "$work/vendored.list")
    while read -r path; do
        if ! cmp -s "$expected/$path" "$vendored/$path"; then
            echo "check-vendor: $vendored/${path#./} differs from $name $version plus the listed patches:" >&2
            diff -u --label "expected/${path#./}" --label "$vendored/${path#./}" \
                "$expected/$path" "$vendored/$path" | head -n 40 >&2 || true
            problems=$((problems + 1))
        fi
    done < <(comm -12 "$work/expected.list" "$work/vendored.list")

    if ((problems > 0)); then
        fail "$problems file(s) in $vendored differ beyond the patches in $series; put the change in a patch there, or undo it"
    fi
    echo "check-vendor: $vendored is $name $version plus its ${#patches[@]} listed patch(es) ($(wc -l <"$work/expected.list") files, $(basename "$crate"))"
}

for i in "${!bases[@]}"; do
    read -r name version sha256 <<<"${bases[$i]}"
    read -r -a patches <<<"${patches_of[$i]}"
    check_crate
done
