"""The demo depends on the apps, never the reverse: no module outside oneseal/demo imports it,
except tests that load the demo. A domain module that reached for the demo's tables would make
the product carry the demo county."""

import ast
from pathlib import Path

import oneseal

ROOT = Path(oneseal.__file__).parent


def _is_test(path: Path) -> bool:
    return "tests" in path.parts or path.name.startswith("test_") or path.name == "conftest.py"


def demo_import_lines(source: str) -> list[int]:
    """The lines of `source` that import the demo app or anything in it."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        if any(name == "oneseal.demo" or name.startswith("oneseal.demo.") for name in names):
            lines.append(node.lineno)
    return lines


def test_no_module_outside_the_demo_imports_it():
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for path in sorted(ROOT.rglob("*.py"))
        if ROOT / "demo" not in path.parents and not _is_test(path)
        for line in demo_import_lines(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_form_of_importing_the_demo_is_seen():
    source = (
        "from oneseal.demo.data import organisation\n"
        "import oneseal.demo.cases\n"
        "from oneseal import demo\n"
        "from oneseal import demos_elsewhere\n"
        "from oneseal.cases import actions\n"
    )
    assert demo_import_lines(source) == [1, 2, 3]
