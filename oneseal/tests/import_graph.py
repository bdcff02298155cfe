"""The import graph of `oneseal`, read from the source with `ast` (nothing is imported), and the
direction rule of docs/architecture.md checked on it.

Every module is one of three kinds:
- interface: the `portal`, `workbench` and `api` apps, the shared `interface` package, and in
  every app its views (`views*.py`), API (`api*.py`), `admin.py`, `forms.py`, `urls*.py`,
  `apps.py` (its navigation links), template tags and management commands; at the top, the URL
  conf, the entry points, the navigation and the request middleware;
- demo: the `demo` app and each app's `demo_data.py`;
- domain: everything else (`actions`, `rules`, `queries`, `models`, `jobs`, `notices`, …).
Tests, test helpers and migrations are left out.

Two things are wrong: a domain module importing an interface module or the demo, and domain
modules importing each other in a circle. Both count an import wherever it stands: one deferred
into a function only hides the circle from the loader, it is still a dependency. Imports under
`if TYPE_CHECKING:` are not counted (they never run).
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the oneseal package
PACKAGE = ROOT.name

INTERFACE_APPS = {"portal", "workbench", "api", "interface"}
INTERFACE_NAMES = {"admin", "forms", "apps", "authentication"}
INTERFACE_PREFIXES = ("views", "api", "urls")
INTERFACE_PACKAGES = {"templatetags", "management"}
# Top-level modules that face a request or a process rather than the domain.
INTERFACE_TOP = {
    "urls",
    "wsgi",
    "cli",
    "__main__",
    "debugpage",
    "inputs",
    "throttling",
    "clients",
    "navigation",
}

INTERFACE, DEMO, DOMAIN = "interface", "demo", "domain"


def _excluded(parts: tuple[str, ...]) -> bool:
    return (
        any(p in ("tests", "migrations", "e2e") for p in parts)
        or parts[-1] in ("conftest", "testing")
        or parts[-1].startswith("test_")
    )


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted name → file of every module that is classified (packages by their __init__)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if _excluded(parts):
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((PACKAGE, *parts))] = path
    return found


def kind(name: str) -> str:
    parts = name.split(".")[1:]
    if not parts:
        return DOMAIN
    if parts[0] == "demo" or parts[-1] == "demo_data":
        return DEMO
    if len(parts) == 1:
        return INTERFACE if parts[0] in INTERFACE_TOP or parts[0] in INTERFACE_APPS else DOMAIN
    if parts[0] in INTERFACE_APPS:
        return INTERFACE
    inner = parts[1:]
    if any(p in INTERFACE_PACKAGES for p in inner[:-1]) or inner[0] in INTERFACE_PACKAGES:
        return INTERFACE
    last = inner[-1]
    if last in INTERFACE_NAMES or last.startswith(INTERFACE_PREFIXES):
        return INTERFACE
    return DOMAIN


@dataclass(frozen=True)
class Import:
    target: str
    line: int
    top_level: bool  # runs when the module is loaded (else deferred into a function)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(body: list[ast.stmt], top_level: bool):
    """Import statements with whether they run at load time. Function bodies run later;
    class bodies and plain `if`/`try` blocks run at load time; `if TYPE_CHECKING:` never."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, top_level
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _walk(node.body, False)
        elif isinstance(node, ast.ClassDef):
            yield from _walk(node.body, top_level)
        elif isinstance(node, ast.If):
            if _is_type_checking(node.test):
                continue
            yield from _walk(node.body, top_level)
            yield from _walk(node.orelse, top_level)
        else:
            for name in ("body", "orelse", "finalbody", "handlers", "cases"):
                inner = getattr(node, name, None)
                if isinstance(inner, list):
                    stmts = [s for s in inner if isinstance(s, ast.stmt)]
                    stmts += [
                        s
                        for h in inner
                        if isinstance(h, (ast.ExceptHandler, ast.match_case))
                        for s in h.body
                    ]
                    yield from _walk(stmts, top_level)


def imports(name: str, path: Path, known: dict[str, Path]) -> list[Import]:
    """The oneseal modules `name` imports, resolved to the modules known (a `from x import y`
    names module x.y when that is a module, else x)."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node, top_level in _walk(tree.body, True):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        for target in targets:
            while target and target not in known:  # `import a.b.c` of a name inside a module
                target = target.rpartition(".")[0]
            if target and target != name and target.split(".")[0] == PACKAGE:
                found.append(Import(target, node.lineno, top_level))
    return list(dict.fromkeys(found))  # one per module and line


@dataclass
class Graph:
    kinds: dict[str, str] = field(default_factory=dict)
    edges: dict[str, list[Import]] = field(default_factory=dict)

    def wrong_arrows(self) -> set[tuple[str, str]]:
        """(domain module, interface or demo module) for every import against the direction."""
        return {
            (source, imp.target)
            for source, found in self.edges.items()
            if self.kinds[source] == DOMAIN
            for imp in found
            if self.kinds[imp.target] in (INTERFACE, DEMO)
        }

    def domain_cycles(self) -> set[frozenset[str]]:
        """Sets of domain modules that import each other in a circle (the strongly connected
        components of more than one module; Tarjan's algorithm)."""
        graph = {
            source: sorted({i.target for i in found if self.kinds[i.target] == DOMAIN})
            for source, found in self.edges.items()
            if self.kinds[source] == DOMAIN
        }
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        cycles: set[frozenset[str]] = set()

        def visit(node: str) -> None:
            # Iterative depth-first search: the graph is a few hundred modules, but no recursion limit.
            work = [(node, iter(graph[node]))]
            index[node] = low[node] = len(index)
            stack.append(node)
            on_stack.add(node)
            while work:
                current, children = work[-1]
                child = next(children, None)
                if child is not None:
                    if child not in index:
                        index[child] = low[child] = len(index)
                        stack.append(child)
                        on_stack.add(child)
                        work.append((child, iter(graph[child])))
                    elif child in on_stack:
                        low[current] = min(low[current], index[child])
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[current])
                if low[current] == index[current]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == current:
                            break
                    if len(component) > 1:
                        cycles.add(frozenset(component))

        for node in graph:
            if node not in index:
                visit(node)
        return cycles

    def lines(self, source: str, target: str) -> list[int]:
        return sorted({i.line for i in self.edges[source] if i.target == target})


def build(root: Path = ROOT) -> Graph:
    known = modules(root)
    graph = Graph()
    for name, path in known.items():
        graph.kinds[name] = kind(name)
        graph.edges[name] = imports(name, path, known)
    return graph
