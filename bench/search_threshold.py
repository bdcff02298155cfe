"""Choosing the "no close match" threshold of the search (`search.rules.THRESHOLD`).

    .venv/bin/python bench/search_threshold.py [--database-url sqlite:////tmp/oneseal_bench_search.sqlite3]

On the demo catalogue (loaded as bench/search.py does), runs every query of the in-catalogue
sets (bench/data/search_queries.tsv, the one the engine was tuned on, and the held-out
search_queries_heldout.tsv) and of the out-of-catalogue set (search_queries_outside.tsv),
and records for each the closeness of its best item (`rules.Closeness`). A query "has a close
match" as `rules.Threshold.is_close` says (an everyday name written in full; meaning and
ranking agreeing on the item and it standing out enough; or, when they disagree, keywords
covering enough of the query). For each weight of coverage, the bars are the highest that
still accept every tuned in-catalogue query whose answer is in the top 5 (so its recall@5
cannot fall), less a small margin so that phrases next to the tuned ones are not refused; of
the weights losing no held-out query, the one refusing most out-of-catalogue queries wins. Prints the table, the
choice, and recall@5 and refusals before and after. The same for keywords only (no model).
"""

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

from search import DEFAULT_DB, REGION, ensure_demo, norm, read_queries  # noqa: E402

DATA = os.path.join(ROOT, "bench", "data")
MARGIN_DISTINCT = 0.002
MARGIN_COVERAGE = 0.02


def read_outside(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [line.split("\t")[0] for line in f if line.strip() and not line.startswith("#")]


def observe(search, queries):
    """(closeness, answer in top 5) per query; None as answer for out-of-catalogue queries."""
    out = []
    for query, expected in queries:
        hits = search(query)
        found = (
            None
            if expected is None
            else any(norm(h.handling_item_name) in expected for h in hits[:5])
        )
        out.append((query, hits.closeness, found))
    return out


def choose(rows, heldout, outside, keywords_only: bool):
    """The bars (see `rules.Threshold`) from the tuned in-catalogue rows, the weight of
    coverage refusing most out-of-catalogue queries among those losing no held-out query."""
    from oneseal.search import rules

    must = [c for _q, c, found in rows if found and c is not None and not c.phrase]
    if keywords_only:
        bar = min((c.coverage for c in must), default=0.0)
        return rules.Threshold(coverage_keywords_only=round(max(0.0, bar - MARGIN_COVERAGE), 3))
    best = None
    for weight in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5):
        distinct = min((c.distinct + weight * c.coverage for c in must if c.agrees), default=0.0)
        coverage = min((c.coverage for c in must if not c.agrees), default=1.01)
        bar = rules.Threshold(
            distinct=distinct - MARGIN_DISTINCT,
            coverage_weight=weight,
            coverage=coverage - MARGIN_COVERAGE,
        )
        if any(found and not (c is not None and bar.is_close(c)) for _q, c, found in heldout):
            continue
        refused = sum(1 for _q, c, _f in outside if c is None or not bar.is_close(c))
        if best is None or refused > best[0]:
            best = (refused, bar)
    bar = best[1]
    return rules.Threshold(
        distinct=round(bar.distinct, 4),
        coverage_weight=bar.coverage_weight,
        coverage=round(bar.coverage, 3),
    )


def report(name, threshold, sets):
    print(f"{name}: {threshold}")
    for label, rows in sets:
        if rows and rows[0][2] is None:
            refused = [q for q, c, _f in rows if c is None or not threshold.is_close(c)]
            print(
                f"  {label}: {len(refused)}/{len(rows)} refused; still answered: "
                f"{[q for q, _c, _f in rows if q not in refused]}"
            )
        else:
            before = sum(1 for _q, _c, f in rows if f)
            after = sum(1 for _q, c, f in rows if f and c is not None and threshold.is_close(c))
            lost = [q for q, c, f in rows if f and not (c is not None and threshold.is_close(c))]
            print(
                f"  {label}: recall@5 {before / len(rows):.3f} → {after / len(rows):.3f}; lost {lost}"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--show", action="store_true", help="print every query's closeness")
    args = parser.parse_args()
    ensure_demo(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    import django

    django.setup()
    from oneseal.search import index
    from oneseal.search.queries import search_handling_items

    tuned = [(q, e) for q, e, _k in read_queries(os.path.join(DATA, "search_queries.tsv"))]
    heldout = [
        (q, e) for q, e, _k in read_queries(os.path.join(DATA, "search_queries_heldout.tsv"))
    ]
    outside = [(q, None) for q in read_outside(os.path.join(DATA, "search_queries_outside.tsv"))]
    for name, config in (
        ("with the model", None),
        ("keywords only", index.Config(use_embeddings=False)),
    ):

        def search(q, config=config):
            return search_handling_items(q, region_code=REGION, config=config)

        sets = [
            ("in-catalogue (tuned)", observe(search, tuned)),
            ("in-catalogue (held-out)", observe(search, heldout)),
            ("out of catalogue", observe(search, outside)),
        ]
        if args.show:
            for label, rows in sets:
                for q, c, f in rows:
                    print(f"  {label[:14]:<14} {q:<20} {c} {f}")
        threshold = choose(sets[0][1], sets[1][1], sets[2][1], keywords_only=config is not None)
        print()
        report(name, threshold, sets)


if __name__ == "__main__":
    main()
