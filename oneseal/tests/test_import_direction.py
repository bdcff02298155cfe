"""The direction of dependency (docs/architecture.md, "Checks in `make test`"): domain
modules never import an interface module or the demo, and never import each other in a circle.
What `import_graph` reads from the source today is compared with the allowlists below, both
ways: a new wrong arrow or circle fails, and so does an allowlisted one that is gone, so the
lists only shrink. `python bench/import_graph.py` prints the same graph summary."""

import pytest

from . import import_graph

# The arrows against the direction that the code still has, as (domain module, the interface or
# demo module it imports). Shrinks to empty as issue 13 lands.
ALLOWED_WRONG_ARROWS: set[tuple[str, str]] = set()

# The circles of domain modules the code still has. Shrinks to empty as issue 13 lands.
ALLOWED_CYCLES: set[frozenset[str]] = set()


@pytest.fixture(scope="module")
def graph() -> import_graph.Graph:
    return import_graph.build()


def test_the_graph_is_read(graph):
    # A reader that found nothing would pass everything: the graph must hold what we know.
    assert graph.kinds["oneseal.organisation.actions"] == import_graph.DOMAIN
    assert graph.kinds["oneseal.calendars.rules"] == import_graph.DOMAIN
    assert graph.kinds["oneseal.cases.models"] == import_graph.DOMAIN
    assert graph.kinds["oneseal.organisation.admin"] == import_graph.INTERFACE
    assert graph.kinds["oneseal.portal"] == import_graph.INTERFACE
    assert graph.kinds["oneseal.calendars.management.commands.workdays"] == import_graph.INTERFACE
    assert graph.kinds["oneseal.demo"] == import_graph.DEMO
    assert not [name for name in graph.kinds if ".tests" in name or ".migrations" in name]
    assert "oneseal.audit.actions" in {
        i.target for i in graph.edges["oneseal.organisation.actions"]
    }
    assert {"oneseal.regions.rules", "oneseal.regions.models"} <= {
        i.target for i in graph.edges["oneseal.regions.actions"]
    }
    assert len(graph.kinds) > 200


def test_no_domain_module_imports_an_interface_module_or_the_demo(graph):
    arrows = graph.wrong_arrows()
    new = sorted(arrows - ALLOWED_WRONG_ARROWS)
    assert not new, "domain modules import interface or demo modules:\n" + "\n".join(
        f"  {source} -> {target} ({graph.kinds[target]}, line {', '.join(map(str, graph.lines(source, target)))})"
        for source, target in new
    )
    gone = sorted(ALLOWED_WRONG_ARROWS - arrows)
    assert not gone, (
        "these allowlisted arrows are gone; remove them from ALLOWED_WRONG_ARROWS:\n"
        + "\n".join(f"  {source} -> {target}" for source, target in gone)
    )


def test_no_circles_among_domain_modules(graph):
    cycles = graph.domain_cycles()
    new = [c for c in cycles if not any(c <= allowed for allowed in ALLOWED_CYCLES)]
    assert not new, "domain modules import each other in a circle:\n" + "\n".join(
        "  " + " <-> ".join(sorted(c)) for c in new
    )
    stale = [c for c in ALLOWED_CYCLES if c not in cycles]
    assert not stale, (
        "these allowlisted circles are gone or smaller; replace them in ALLOWED_CYCLES by "
        "what is left:\n"
        + "\n".join("  " + " <-> ".join(sorted(c)) for c in stale)
        + "\nnow:\n"
        + "\n".join("  " + " <-> ".join(sorted(c)) for c in cycles)
    )


def test_the_rules_catch_what_they_are_for(tmp_path):
    # A small package with one of each: the checks must fail on it, not only pass on ours.
    root = tmp_path / "oneseal"
    files = {
        "__init__.py": "",
        "shop/__init__.py": "",
        "shop/models.py": "from oneseal.shop import rules\n",
        "shop/rules.py": "def f():\n    from .models import x\n",  # a deferred import: still a circle
        "shop/actions.py": "from oneseal.shop.views import helper\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from oneseal.portal import views\n",
        "shop/views.py": "from .actions import go\n",
        "shop/demo_data.py": "",
        "shop/jobs.py": "def run():\n    from oneseal.shop import demo_data\n",
        "shop/tests/__init__.py": "",
        "shop/tests/test_x.py": "from oneseal.shop.views import go\n",
        "portal/__init__.py": "",
        "portal/views.py": "from oneseal.shop.models import x\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    graph = import_graph.build(root)
    assert graph.wrong_arrows() == {
        ("oneseal.shop.actions", "oneseal.shop.views"),
        ("oneseal.shop.jobs", "oneseal.shop.demo_data"),
    }
    assert graph.domain_cycles() == {frozenset({"oneseal.shop.models", "oneseal.shop.rules"})}
    assert "oneseal.shop.tests.test_x" not in graph.kinds
