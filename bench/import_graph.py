"""The import graph of oneseal, summarised: how many modules of each kind, the arrows from a
domain module to an interface module or to the demo, and the circles among domain modules
(the rules and the classification: oneseal/tests/import_graph.py; the test that holds them:
oneseal/tests/test_import_direction.py).

    .venv/bin/python bench/import_graph.py [--json]

Run it before and after a change to see which arrows went away. Reads the source only; nothing
of oneseal is imported but the reader itself.
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from oneseal.tests import import_graph  # noqa: E402


def summary(graph: import_graph.Graph) -> dict:
    arrows = sorted(graph.wrong_arrows())
    return {
        "modules": dict(sorted(Counter(graph.kinds.values()).items())),
        "imports": sum(len(found) for found in graph.edges.values()),
        "domain_to_interface": [
            {
                "from": s,
                "to": t,
                "lines": graph.lines(s, t),
                "deferred": all(not i.top_level for i in graph.edges[s] if i.target == t),
            }
            for s, t in arrows
            if graph.kinds[t] == import_graph.INTERFACE
        ],
        "domain_to_demo": [
            {
                "from": s,
                "to": t,
                "lines": graph.lines(s, t),
                "deferred": all(not i.top_level for i in graph.edges[s] if i.target == t),
            }
            for s, t in arrows
            if graph.kinds[t] == import_graph.DEMO
        ],
        "domain_cycles": [
            [
                {"from": s, "to": i.target, "line": i.line, "deferred": not i.top_level}
                for s in sorted(cycle)
                for i in graph.edges[s]
                if i.target in cycle
            ]
            for cycle in sorted(graph.domain_cycles(), key=sorted)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="the summary as JSON")
    args = parser.parse_args()
    result = summary(import_graph.build())
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(
        "modules: "
        + ", ".join(f"{n} {k}" for k, n in result["modules"].items())
        + f"; {result['imports']} imports between them"
    )
    for key, title in (
        ("domain_to_interface", "domain -> interface"),
        ("domain_to_demo", "domain -> demo"),
    ):
        print(f"\n{title}: {len(result[key])}")
        for a in result[key]:
            print(
                f"  {a['from']} -> {a['to']}  (line {', '.join(map(str, a['lines']))}"
                + (", deferred)" if a["deferred"] else ")")
            )
    print(f"\ncircles among domain modules: {len(result['domain_cycles'])}")
    for cycle in result["domain_cycles"]:
        members = sorted({a["from"] for a in cycle})
        print("  " + " <-> ".join(members))
        for a in cycle:
            print(
                f"    {a['from']} -> {a['to']}  (line {a['line']}"
                + (", deferred)" if a["deferred"] else ")")
            )


if __name__ == "__main__":
    main()
