#!/usr/bin/env python3
"""Storage keys live in one module (issue #14, item 1).

Every DynamoDB key format (`C#<contact>`, `M#<ts>#<wamid>`, `OUT#<key>`…)
is spelt in `shared/src/adapters/dynamo/keys.rs`; ports and functions speak
in intent (a profile, a page of history, a day of diagnostics). This fails
when a string literal starting with a key prefix appears in Rust source
under functions/, shared/src/ or infra/ anywhere else, tests aside: files
under a `tests/` directory, `*_tests.rs` sidecars, and what follows a file's
`#[cfg(test)]` module. Standard library only.
"""
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ROOTS = ["functions", "shared/src", "infra"]
KEYS_MODULE = Path("shared/src/adapters/dynamo/keys.rs")
# Any upper-case word and '#' opening a string: C#, M#, OUT#, FLOOD#, RATE#… and
# whatever prefix comes next.
LITERAL = re.compile(r'"[A-Z][A-Z_]*#')
TEST_MODULE = re.compile(r"^\s*#\[cfg\(test\)\]\s*$")


def is_test_file(rel: Path) -> bool:
    return "tests" in rel.parts or rel.name.endswith("_tests.rs")


def offences(rel: Path, text: str):
    for number, line in enumerate(text.splitlines(), 1):
        if TEST_MODULE.match(line):
            return
        if LITERAL.search(line.split("//", 1)[0]):
            yield number, line.strip()


def main() -> int:
    found = []
    for root in ROOTS:
        for path in sorted((REPO / root).rglob("*.rs")):
            rel = path.relative_to(REPO)
            if rel == KEYS_MODULE or is_test_file(rel) or "target" in rel.parts:
                continue
            for number, line in offences(rel, path.read_text(encoding="utf-8")):
                found.append(f"{rel}:{number}: {line}")
    for f in found:
        print(f)
    if found:
        print(
            f"check_key_literals: {len(found)} storage key literal(s) outside {KEYS_MODULE}",
            file=sys.stderr,
        )
        return 1
    print("check_key_literals: every storage key is in the keys module")
    return 0


if __name__ == "__main__":
    sys.exit(main())
