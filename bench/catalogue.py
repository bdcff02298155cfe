"""Catalogue at county-list scale, on PostgreSQL:

  1. import of a 20,000-handling-item xlsx (build, parse, plan, write), then re-import of the
     same file (must change nothing);
  2. the public catalogue list API (`GET /api/v1/items?region=…`) at that size: first page,
     a deep page and a filtered page, with the SQL query count of each.

    .venv/bin/python bench/catalogue.py [--handling-items 20000] [--database-url postgres://…]

It creates and drops its own database (`oneseal_bench_catalogue`) on the local cluster
(scripts/postgres.sh starts it). Figures print as seconds, requests per second and queries.
Baseline: the closest peer's list page at 11,000 cases has a p99 of 2.2 s
(../shared/docs/performance.md); a list endpoint here should answer in tens of milliseconds.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def setup_database(url_base: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url_base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url_base.rsplit("/", 1)[0] + "/" + name


def build_xlsx(n_handling: int, departments: list[str]) -> bytes:
    from openpyxl import Workbook

    from oneseal.catalogue.importing.columns import HEADERS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("事项目录")
    ws.append(list(HEADERS))
    per_item = 3
    row_no = 0
    for i in range(0, n_handling, per_item):
        dept = departments[(i // per_item) % len(departments)]
        for j in range(min(per_item, n_handling - i)):
            row_no += 1
            values = {
                "序号": row_no,
                "实施部门": dept,
                "事项名称": f"测试事项{i // per_item:05d}",
                "基本编码": f"BENCH-{i // per_item:05d}",
                "事项类型": "行政许可",
                "实施编码": f"IMPL-{i // per_item:05d}",
                "设定和实施依据": "《中华人民共和国行政许可法》",
                "行使层级": "县级",
                "划转情况": "划转",
                "主题": "",
                "办理项名称": f"测试事项{i // per_item:05d}（{['新办', '变更', '注销'][j]}）",
                "办理项编码": f"BENCH-{i // per_item:05d}-{j}",
                "业务类型": ["新办", "变更", "注销"][j],
                "服务对象": "法人或其他组织",
                "法定时限": 20,
                "承诺时限": 10,
                "即办件": "否",
                "是否收费": "否",
                "收费标准": "",
                "收费依据": "",
                "到现场次数": 1,
                "网上办理深度": "三级：网上预审",
                "咨询电话": "0952-6012345",
                "监督投诉电话": "0952-12345",
                "俗称与同义词": "",
            }
            ws.append([values.get(h, "") for h in HEADERS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--handling-items", type=int, default=20000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    base = args.database_url or subprocess.check_output(["scripts/postgres.sh"], text=True).strip()
    os.environ["DATABASE_URL"] = setup_database(base, "oneseal_bench_catalogue")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from oneseal.catalogue.importing import ensure_local_catalogue, import_catalogue, read_xlsx
    from oneseal.catalogue.models import HandlingItem, ItemVersion
    from oneseal.organisation.models import Bureau, Department
    from oneseal.regions.actions import GB2260_SOURCE, gb2260_table, load_regions
    from oneseal.regions.models import Region

    call_command("migrate", verbosity=0)
    load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix="64", system=True)
    county = Region.objects.get(code="640221")
    Bureau.objects.create(region=county, name="平罗县审批服务管理局")
    names = [f"平罗县测试局{k:02d}" for k in range(12)]
    for k, name in enumerate(names):
        Department.objects.create(region=county, name=name, order=k)
    admin = get_user_model().objects.create_superuser("bench", password="bench-pw-123")
    catalogue = ensure_local_catalogue(county, actor=admin)

    t0 = time.perf_counter()
    data = build_xlsx(args.handling_items, names)
    build_s = time.perf_counter() - t0

    def run_import():
        t = time.perf_counter()
        sheet = read_xlsx(io.BytesIO(data))
        read_s = time.perf_counter() - t
        with CaptureQueriesContext(connection) as q:
            report = import_catalogue(
                catalogue, sheet, actor=admin, reason="基准测试", basis="bench/catalogue.py"
            )
        return read_s, time.perf_counter() - t, len(q.captured_queries), report

    first_r, first_s, first_q, first = run_import()
    second_r, second_s, second_q, second = run_import()

    def counts(r):
        return {
            k: len(v) if isinstance(v, list) else v
            for k, v in r.as_dict().items()
            if k in ("created", "changed", "unchanged")
        }

    # Setup for the list API, not timed: the file has no materials, so its guides cannot pass
    # the publish rules; mark the imported drafts published directly to measure the list at size.
    ItemVersion.objects.filter(item__catalogue=catalogue).update(
        status=ItemVersion.Status.PUBLISHED, effective_from="2025-01-01"
    )
    n_hi = HandlingItem.objects.filter(item_version__item__catalogue=catalogue).count()

    client = Client()

    def timed(url, repeat=30):
        times, queries = [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as q:
                t = time.perf_counter()
                r = client.get(url)
                times.append(time.perf_counter() - t)
            assert r.status_code == 200, (url, r.status_code, r.content[:300])
            queries = len(q.captured_queries)
        times.sort()
        return statistics.median(times), times[int(len(times) * 0.95) - 1], queries

    print(
        f"PostgreSQL {connection.pg_version // 10000}, {n_hi} handling items in {ItemVersion.objects.count()} items"
    )
    print(f"xlsx built in {build_s:.2f} s ({len(data) / 1e6:.1f} MB)")
    print(
        f"import (first):    {first_s:6.2f} s (reading the xlsx {first_r:.2f} s)  {first_q:6d} queries  {counts(first)}"
    )
    print(
        f"re-import (same):  {second_s:6.2f} s (reading the xlsx {second_r:.2f} s)  {second_q:6d} queries  {counts(second)}"
    )
    for label, url in [
        ("list, first page", "/api/v1/items?region=640221&limit=50"),
        ("list, deep page", "/api/v1/items?region=640221&limit=50&offset=6000"),
        (
            "list, one department",
            f"/api/v1/items?region=640221&department={Department.objects.get(name=names[3]).pk}&limit=50",
        ),
        ("list, name search", "/api/v1/items?region=640221&q=测试事项0666&limit=50"),
    ]:
        median, p95, queries = timed(url)
        print(
            f"{label:22s} median {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  {queries} queries"
        )


if __name__ == "__main__":
    main()
