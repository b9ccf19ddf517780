#!/usr/bin/env python3
"""No import cycle between the files of one crate (issue #14, item 6).

For every target of every workspace crate (lib, bins, tests, benches, examples)
the checker walks the `mod` declarations from the target's root (honouring
`#[path]`), so each file gets its module path, then builds a file graph:

* an edge A -> B when code in file A names, by `use` or by a path in code,
  a module or an item whose definition lives in file B: `crate::…`,
  `super::…`, `self::…`, or a child module's name;
* a name is followed through the `use` of the module that holds it, so
  `crate::ports::StoreError` leads to the file that defines `StoreError`,
  not to the `ports/mod.rs` that re-exports it;
* NOT an edge: a parent declaring its children (`mod x;`), nor a parent's
  `pub use` of a descendant's item. That is the facade the layering asks
  for, not a dependency: counting it would make every child that uses
  `super::X` a "cycle" with its parent.

Cycles are the strongly connected components with more than one file; the
exit status is 1 if any is found that is not in the allow-list (`--allow
a.rs:b.rs`, paths relative to the repository, for cycles known and tracked).
Standard library only: this runs before any venv exists.
"""
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CRATES = ["shared", "functions/*", "tests", "infra/graph-simulator"]
TOKEN = re.compile(r'//[^\n]*|/\*(?:.|\n)*?\*/|b?r(#*)"(?:.|\n)*?"\1|b?"(?:\\.|[^"\\])*"'
                   r"|'(?:\\.|[^'\\\n])'")
MOD = re.compile(r'((?:#\[[^\]]*\]\s*)*)(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*([;{])')
USE = re.compile(r'\b(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);')
PATH = re.compile(r'(?<![\w:])(crate|super|self|[a-z_]\w*)((?:\s*::\s*\w+)+)')


def blank(src):
    """Comments and literals replaced by spaces, offsets kept."""
    return TOKEN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), src)


def expand(tree):
    """`a::{b, c::{d as e}}` -> [[a, b], [a, c, d]]."""
    tree = re.sub(r"\s+", "", re.sub(r"\s+as\s+\w+", "", tree))
    out, depth, start = [], 0, 0
    brace = tree.find("{")
    if brace < 0:
        return [[s for s in tree.split("::") if s]]
    prefix, body = tree[:brace], tree[brace + 1:tree.rindex("}")]
    for i, ch in enumerate(body + ","):
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            if body[start:i]:
                out += [[s for s in prefix.split("::") if s] + p for p in expand(body[start:i])]
            start = i + 1
    return out


class Target:
    def __init__(self, root):
        self.mods = {}    # module path (tuple) -> file
        self.files = {}   # file -> its module path (outermost, if several)
        self.inline = {}  # file -> [(start, end, module path)] of inline `mod x { }`
        self.text = {}
        self.names = {}   # module -> its `use` names, cached
        self.walk(root, ())

    def walk(self, file, path):
        if file in self.files or not file.exists():
            return
        self.mods[path], self.files[file] = file, path
        text = self.text[file] = blank(file.read_text())
        self.inline[file] = []
        own_dir = file.parent if file.name in ("mod.rs", "lib.rs", "main.rs") or not path \
            else file.parent / file.stem
        for m in MOD.finditer(text):
            attrs, name, end = m.groups()
            child = path + (name,)
            if end == "{":
                self.inline[file].append((m.end(), close(text, m.end() - 1), child))
                self.mods[child] = file
                continue
            given = re.search(r'path\s*=\s*"([^"]*)"', file.read_text()[m.start():m.end()])
            if given:
                self.walk((file.parent / given.group(1)).resolve(), child)
            else:
                plain = own_dir / f"{name}.rs"
                self.walk(plain if plain.exists() else own_dir / name / "mod.rs", child)

    def module_at(self, file, offset):
        path = self.files[file]
        for start, end, inner in self.inline[file]:
            if start <= offset <= end and len(inner) > len(path):
                path = inner
        return path

    def uses(self, file):
        """(module, is_pub, segments, start, end) for every `use` in `file`."""
        for m in USE.finditer(self.text[file]):
            module = self.module_at(file, m.start())
            for segs in expand(m.group(2)):
                yield module, bool(m.group(1)), segs, m.start(), m.end()

    def imports(self, module):
        """name -> absolute path, for every `use` in `module` itself."""
        if module not in self.names:
            self.names[module] = {}
            for inner, _, segs, _, _ in self.uses(self.mods[module]):
                absolute = self.absolute(inner, segs) if inner == module else None
                if absolute and segs[-1] != "*":
                    name = segs[-2] if segs[-1] == "self" else segs[-1]
                    self.names[module][name] = absolute
        return self.names[module]

    def absolute(self, module, segs):
        head, rest = segs[0], list(segs[1:])
        if head == "crate":
            base = ()
        elif head in ("self", "super"):
            base = module if head == "self" else module[:-1]
        elif module + (head,) in self.mods:
            base = module + (head,)
        else:
            return None  # std, an external crate, or a local name
        while rest and rest[0] == "super":
            base, rest = base[:-1], rest[1:]
        return base + tuple(r for r in rest if r not in ("self", "*"))

    def resolve(self, absolute, depth=0):
        """The file that defines what `absolute` names."""
        n = len(absolute)
        while absolute[:n] not in self.mods:
            n -= 1
        module = absolute[:n]
        if n < len(absolute) and depth < 8:
            target = self.imports(module).get(absolute[n])
            if target and target != absolute:
                return self.resolve(target + absolute[n + 1:], depth + 1)
        return self.mods[module]

    def edges(self):
        for file, text in self.text.items():
            spans = []
            for module, is_pub, segs, start, end in self.uses(file):
                spans.append((start, end))
                absolute = self.absolute(module, segs)
                # A parent's `pub use` of its descendants is the facade, not a use.
                if absolute and not (is_pub and absolute[:len(module)] == module):
                    yield file, self.resolve(absolute), text.count("\n", 0, start) + 1
            for m in PATH.finditer(text):
                if any(a <= m.start() < b for a, b in spans):
                    continue
                segs = [m.group(1)] + re.findall(r"\w+", m.group(2))
                absolute = self.absolute(self.module_at(file, m.start()), segs)
                if absolute:
                    yield file, self.resolve(absolute), text.count("\n", 0, m.start()) + 1


def close(text, open_at):
    depth = 0
    for i in range(open_at, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return len(text)


def roots(crate):
    for pattern in ["src/lib.rs", "src/main.rs", "src/bin/*.rs", "tests/*.rs",
                    "tests/*/main.rs", "benches/*.rs", "examples/*.rs"]:
        yield from sorted(crate.glob(pattern))


def cycles(graph):
    """Tarjan's strongly connected components of size > 1."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while not scc or scc[-1] != v:
                scc.append(stack.pop())
                on.discard(scc[-1])
            if len(scc) > 1:
                found.append(frozenset(scc))

    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def main(argv):
    allowed = {frozenset(a.split(":")) for a in argv[argv.index("--allow") + 1:]} \
        if "--allow" in argv else set()
    seen, bad = set(), 0
    for pattern in CRATES:
        for crate in sorted(REPO.glob(pattern)):
            for root in roots(crate):
                graph, where = {}, {}
                for a, b, line in Target(root.resolve()).edges():
                    if a != b:
                        graph.setdefault(a, set()).add(b)
                        where.setdefault((a, b), line)
                for scc in cycles(graph):
                    names = frozenset(str(f.relative_to(REPO)) for f in scc)
                    if names in seen:
                        continue
                    seen.add(names)
                    known = names in allowed
                    bad += not known
                    label = "known (allowed)" if known else "CYCLE"
                    print(f"{label}: {' <-> '.join(sorted(names))}")
                    for (a, b), line in sorted(where.items()):
                        if a in scc and b in scc:
                            print(f"  {a.relative_to(REPO)}:{line} uses {b.relative_to(REPO)}")
    print(f"check_import_cycles: {bad} new cycle(s), {len(seen) - bad} allowed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
