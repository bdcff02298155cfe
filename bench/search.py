"""Finding handling items from citizens' words, on the demo catalogue (平罗县 640221).

    .venv/bin/python bench/search.py [--database-url sqlite:////tmp/oneseal_bench_search.sqlite3]
                                     [--queries bench/data/search_queries.tsv] [--all-configs]
                                     [--show-misses] [--repeat 3]

Loads the demo into the given database when it has no catalogue yet (`oneseal migrate`,
`oneseal load-demo`), then for every query of the set (query → the handling items that answer
it) runs each engine and prints recall@1, recall@5, MRR and the p50/p95 latency per query in ms
(after one warm-up pass). Engines:

- `like`: the plain baseline, `LIKE '%q%'` on item, handling-item and everyday names, then
  the names sharing most characters with the query;
- `oneseal`: `search.queries.search_handling_items` as shipped (keywords + meaning, fused);
- with --all-configs, its parts: keywords only (with and without jieba's words), meaning only,
  reciprocal-rank fusion, and the engine as shipped without the verb rule, without the
  administrators' synonyms of demo/steps/search.py, and without word segmentation.

Run by hand; not part of the test suite. `--queries` can point at the held-out set
(bench/data/search_queries_heldout.tsv), written after the engine was tuned.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
DEFAULT_DB = "sqlite:////tmp/oneseal_bench_search.sqlite3"
REGION = "640221"


def read_queries(path: str) -> list[tuple[str, set[str], str]]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("query\t") or not line.strip():
                continue
            query, expected, kind = line.rstrip("\n").split("\t")
            rows.append((query, {norm(e) for e in expected.split("|")}, kind))
    return rows


def norm(name: str) -> str:
    return unicodedata.normalize("NFKC", name).replace(" ", "")


def ensure_demo(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    oneseal = [sys.executable, "-m", "oneseal"]
    check = subprocess.run(
        [
            *oneseal,
            "shell",
            "-c",
            "from oneseal.catalogue.models import Catalogue;print(Catalogue.objects.count())",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if check.returncode == 0 and check.stdout.strip().splitlines()[-1:] not in (["0"], []):
        return
    print("loading the demo into", database_url, "…", flush=True)
    subprocess.run([*oneseal, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*oneseal, "load-demo"], env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT
    )


def like_search(query: str, limit: int = 10) -> list[str]:
    """The plain baseline: substring match, then shared characters."""
    from django.db.models import Q

    from oneseal.catalogue.models import HandlingItem
    from oneseal.search.index import in_force_versions

    q = query.strip()
    rows = list(
        HandlingItem.objects.filter(
            item_version__in=in_force_versions().filter(item__catalogue__region__code=REGION)
        ).values_list("name", "keywords", "item_version__name")
    )
    direct = [
        r
        for r in HandlingItem.objects.filter(
            Q(name__icontains=q) | Q(keywords__icontains=q) | Q(item_version__name__icontains=q),
            item_version__in=in_force_versions().filter(item__catalogue__region__code=REGION),
        )
        .values_list("name", flat=True)
        .order_by("name")
    ]
    chars = set(q)
    rest = sorted(rows, key=lambda r: -len(chars & set(r[0] + r[1] + r[2])))
    out = list(dict.fromkeys(direct + [r[0] for r in rest]))
    return out[:limit]


def measure(name: str, run, queries, repeat: int, show_misses: bool, reset=None) -> dict:
    """Wall and CPU time per query. `reset` forgets the query vectors kept between searches, so
    every timed search embeds its query as a new query would."""
    for query, _expected, _kind in queries:  # warm-up: models, caches, the index
        run(query)
    latencies, cpu, ranks = [], [], []
    for query, expected, _kind in queries:
        for _ in range(repeat):
            if reset is not None:
                reset()
            start, start_cpu = time.perf_counter(), time.process_time()
            names = run(query)
            latencies.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        found = next((i + 1 for i, n in enumerate(names) if norm(n) in expected), None)
        ranks.append(found)
        if show_misses and (found is None or found > 1):
            print(f"  [{name}] {query}: rank {found}; got {names[:3]}")
    n = len(queries)
    latencies.sort()
    cpu.sort()
    return {
        "engine": name,
        "recall@1": sum(1 for r in ranks if r == 1) / n,
        "recall@5": sum(1 for r in ranks if r and r <= 5) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "p50": statistics.median(latencies),
        "p95": latencies[int(0.95 * (len(latencies) - 1))],
        "cpu50": statistics.median(cpu),
        "cpu95": cpu[int(0.95 * (len(cpu) - 1))],
        "ranks": ranks,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument(
        "--queries", default=os.path.join(ROOT, "bench", "data", "search_queries.tsv")
    )
    parser.add_argument("--all-configs", action="store_true")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    ensure_demo(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    import django

    django.setup()
    from oneseal.search import embeddings, index, rules
    from oneseal.search.queries import search_handling_items

    queries = read_queries(args.queries)
    count = sum(1 for _ in index.in_force_versions().filter(item__catalogue__region__code=REGION))
    print(
        f"{len(queries)} queries; demo catalogue {REGION}: {count} items in force, "
        f"{len(index.current().documents)} handling items indexed"
    )

    def engine(config=None):
        return lambda q: [
            h.handling_item_name
            for h in search_handling_items(q, region_code=REGION, config=config)
        ]

    configs = [("like", like_search), ("oneseal", engine())]
    if args.all_configs:
        no_words = rules.TermOptions(word_weight=0.0)
        configs += [
            ("keywords only", engine(index.Config(use_embeddings=False))),
            ("keywords only, no words", engine(index.Config(use_embeddings=False, terms=no_words))),
            (
                "keywords, bigrams only",
                engine(
                    index.Config(
                        use_embeddings=False,
                        terms=rules.TermOptions(unigram_weight=0, word_weight=0),
                    )
                ),
            ),
            (
                "meaning only",
                engine(index.Config(weights=rules.Weights(lexical=0.0, dense=1.0, phrase=0.0))),
            ),
            ("fused, RRF", engine(index.Config(weights=rules.Weights(rrf=True)))),
            (
                "fused, no verb rule",
                engine(index.Config(weights=rules.Weights(variant=0.0, default_new=0.0))),
            ),
            ("oneseal without synonyms", engine(index.Config(use_synonyms=False))),
            ("oneseal without word segm.", engine(index.Config(terms=no_words))),
        ]
    reset = embeddings.query_vector.cache_clear
    results = [
        measure(name, run, queries, args.repeat, args.show_misses, reset) for name, run in configs
    ]
    print()
    print(
        f"{'engine':<28} {'recall@1':>8} {'recall@5':>8} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7}"
        f" {'cpu p50':>8} {'cpu p95':>8}"
    )
    for r in results:
        print(
            f"{r['engine']:<28} {r['recall@1']:>8.2f} {r['recall@5']:>8.2f} {r['mrr']:>6.2f} "
            f"{r['p50']:>7.1f} {r['p95']:>7.1f} {r['cpu50']:>8.1f} {r['cpu95']:>8.1f}"
        )
    print(
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; wall times include waiting for a core)"
    )
    kinds = sorted({k for _q, _e, k in queries})
    ours = results[1]["ranks"]
    print()
    print(
        "oneseal recall@5 by kind: "
        + ", ".join(
            f"{k} {sum(1 for (_q, _e, kk), r in zip(queries, ours, strict=True) if kk == k and r and r <= 5)}"
            f"/{sum(1 for _q, _e, kk in queries if kk == k)}"
            for k in kinds
        )
    )


if __name__ == "__main__":
    main()
