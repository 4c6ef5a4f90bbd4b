#!/usr/bin/env python3
"""Fails when a module of src/ imports a part it must not (docs/architecture.md, "Layers").

Each top-level module of the crate (src/<name>.rs or src/<name>/) may name only the parts its
row of ALLOWED lists, through `crate::<part>` paths or `use crate::{...}` lists. The domain is its own crate, so the compiler already keeps
fascicolo out of it; its manifest is checked for transport dependencies. Test-only code
(`testing`, `#[cfg(test)]` modules in their own `tests.rs` files) follows the same rules,
because a test helper that reaches up is still a cycle; only a `tests.rs` file may use the
`testing` helpers, which build whole applications.

Usage: python3 scripts/layers.py   (prints each forbidden import with file and line; exit 1)
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

# Lowest first. A part may import the parts listed for it, nothing else of ours.
ALLOWED = {
    "domain": set(),
    "observe": set(),
    "db_pool": set(),
    "error": {"domain"},
    "telemetry": {"config", "observe", "error"},
    "config": {"domain", "error"},
    "auth": {"config", "error", "domain", "observe"},
    "store": {"domain", "error", "config", "observe", "auth", "db_pool"},
    "sources": {"domain", "error", "config", "observe", "db_pool"},
    "reporting": {"domain", "error", "config", "store", "observe"},
    "documents": {"domain", "error", "config", "store", "observe"},
    "services": {"domain", "error", "config", "store", "sources", "observe", "auth", "reporting"},
    "state": {"domain", "error", "config", "store", "sources", "services", "observe", "auth", "reporting"},
    "import": {"domain", "error", "config", "store", "observe", "services"},
    "graphql": {"domain", "error", "config", "store", "sources", "services", "state", "observe", "auth", "reporting", "telemetry"},
    "portal": {"domain", "error", "config", "store", "sources", "services", "state", "observe", "auth"},
    "http": {"domain", "error", "config", "store", "sources", "services", "state", "graphql", "observe", "auth", "reporting", "telemetry", "documents"},
    # the demo documents are written through the API, as an operator would
    "demo": {"domain", "error", "config", "store", "sources", "services", "state", "observe", "import", "auth", "graphql", "http", "documents"},
    "app": {"domain", "error", "config", "store", "sources", "services", "state", "graphql", "http", "portal", "observe", "auth", "reporting", "telemetry", "demo", "documents"},
    "cli": None,  # the command line drives everything
    "testing": None,  # helpers for tests build whole applications
    "main": None,
    "lib": None,
}

# The domain crate may depend on none of these.
TRANSPORT_CRATES = {"async-graphql", "async-graphql-value", "sea-orm", "sqlx", "sqlx-core", "tokio", "axum", "reqwest"}

USE_CRATE = re.compile(r"\buse\s+crate::(\{[^;]*\}|[a-z_]+)", re.S)
PATH_CRATE = re.compile(r"\bcrate::([a-z_]+)")


def part_of(path: pathlib.Path) -> str:
    rel = path.relative_to(SRC).parts
    return rel[0][:-3] if len(rel) == 1 else rel[0]


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def top_level(group: str) -> set[str]:
    """Top-level names of a `use crate::{a::b, c, d::{e, f}}` list."""
    names, depth, token = set(), 0, ""
    for ch in group.strip()[1:-1] + ",":
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            match = re.match(r"\s*([a-z_]+)", token)
            if match:
                names.add(match.group(1))
            token = ""
        elif depth == 0:
            token += ch
    return names


def imports(text: str) -> list[tuple[int, str]]:
    found = []
    for m in USE_CRATE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        target = m.group(1)
        for name in top_level(target) if target.startswith("{") else {target}:
            found.append((line, name))
    for m in PATH_CRATE.finditer(text):
        found.append((text.count("\n", 0, m.start()) + 1, m.group(1)))
    return found


def check_domain_manifest() -> list[str]:
    manifest = ROOT / "domain" / "Cargo.toml"
    if not manifest.exists():
        return []
    problems, in_deps = [], False
    for number, line in enumerate(manifest.read_text().splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_deps = "dependencies" in stripped
            continue
        name = stripped.split("=")[0].strip().strip('"')
        if in_deps and name in TRANSPORT_CRATES:
            problems.append(f"domain/Cargo.toml:{number}: the domain depends on {name}")
    return problems


def main() -> int:
    modules = {p.name[:-3] if p.suffix == ".rs" else p.name for p in SRC.iterdir()}
    problems = check_domain_manifest()
    for path in sorted(SRC.rglob("*.rs")):
        part = part_of(path)
        allowed = ALLOWED.get(part, "unknown")
        if allowed == "unknown":
            problems.append(f"{path.relative_to(ROOT)}: part `{part}` has no row in scripts/layers.py")
            continue
        if allowed is None:
            continue
        text = strip_comments(path.read_text())
        for line, name in imports(text):
            if name == part or name not in modules:
                continue
            # unit tests kept in their own tests.rs may build a test application
            if name == "testing" and path.name == "tests.rs":
                continue
            if name not in allowed:
                problems.append(f"{path.relative_to(ROOT)}:{line}: `{part}` imports `{name}`")
    for problem in sorted(set(problems)):
        print(problem)
    if problems:
        print(f"{len(set(problems))} forbidden imports (rules: docs/architecture.md, scripts/layers.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
