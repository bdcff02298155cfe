"""A city rolls out its counties, on PostgreSQL: one rollout creating the bureaus of a city's
counties (19 by default, seed 004's scale) from the standard template (sections, the starting
accounts with their roles, the seal requests), then each county's list imported (258 handling
items each) through catalogue's import, and the city's dashboard read.

    .venv/bin/python bench/rollout.py [--counties 19] [--handling-items 258] [--database-url postgres://…]

It creates and drops its own database (`<the given database's name>_bench`, else
`oneseal_bench_rollout`) on the cluster of --database-url, else of a PostgreSQL DATABASE_URL,
else the local one (scripts/postgres.sh starts it). Figures print in seconds; the aim is under a minute for the
rollout with its lists. The city is 赣州市 (3607xx) from GB2260; when it has fewer counties than
asked, the counties of the neighbouring 吉安市 (3608xx) fill up, under 赣州's reform.
"""

import argparse
import io
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.catalogue import build_xlsx, setup_database  # noqa: E402

TEMPLATE = "standard"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--counties", type=int, default=19)
    parser.add_argument("--handling-items", type=int, default=258)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    given = args.database_url or os.environ.get("DATABASE_URL", "")
    if not given.startswith("postgres"):
        given = ""
    base = given or subprocess.check_output(["scripts/postgres.sh"], text=True).strip()
    name = f"{base.rsplit('/', 1)[1]}_bench" if given else "oneseal_bench_rollout"
    os.environ["DATABASE_URL"] = setup_database(base, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from oneseal.catalogue.actions import import_catalogue
    from oneseal.catalogue.importing.columns import ImportRejected
    from oneseal.catalogue.importing.readers import read_xlsx
    from oneseal.catalogue.models import HandlingItem
    from oneseal.catalogue.queries import local_catalogue
    from oneseal.organisation.actions import save_department
    from oneseal.organisation.models import Department, Section, Staff, StaffRole
    from oneseal.regions.actions import GB2260_SOURCE, gb2260_table, load_regions
    from oneseal.regions.models import Region
    from oneseal.transfers import rollout as rollouts
    from oneseal.transfers.models import SealRequest
    from oneseal.transfers.rollout_templates import TEMPLATES

    try:
        call_command("migrate", verbosity=0)
        load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix="36", system=True)
        city = Region.objects.get(code="360700")
        counties = list(
            Region.objects.filter(parent__code__in=["360700", "360800"]).order_by("code")
        )[: args.counties]
        # The bench's one city holds every county: the reform checks that each is its own.
        Region.objects.filter(pk__in=[c.pk for c in counties]).update(parent=city)
        for c in counties:
            c.parent = city
        admin = get_user_model().objects.create_superuser("bench", password="bench-pw-123")
        departments = [f"测试局{k:02d}" for k in range(12)]
        # The counties' departments exist before the reform: they are what the lists name.
        for county in counties:
            for k, dept in enumerate(departments):
                save_department(Department(region=county, name=dept, order=k), actor=admin)
        data = build_xlsx(args.handling_items, departments)
        sheet = read_xlsx(io.BytesIO(data))

        t0 = time.perf_counter()
        rollout = rollouts.start_rollout(
            city,
            actor=admin,
            name="赣州市相对集中行政许可权改革",
            plan_document="bench/rollout.py",
            counties=counties,
            template=TEMPLATE,
            milestones=[("挂牌", "2026-01-31"), ("人员划转", "2026-02-28")],
        )
        bureaus_s = time.perf_counter() - t0
        for county in counties:
            try:
                import_catalogue(
                    local_catalogue(county),
                    sheet,
                    actor=admin,
                    reason="全市统一推开",
                    basis="bench/rollout.py",
                )
            except ImportRejected as rejected:
                print(rejected.problems[:3])
                raise
        total_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        lines = rollouts.dashboard(rollout, admin)
        dashboard_s = time.perf_counter() - t1
        handling = HandlingItem.objects.filter(
            item_version__item__catalogue__region__in=counties
        ).count()
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            version = cur.fetchone()[0]
        print(f"PostgreSQL {version}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
        template = TEMPLATES[TEMPLATE]
        sections = Section.objects.filter(bureau__region__in=counties).count()
        accounts = Staff.objects.filter(bureau__region__in=counties).count()
        roles = StaffRole.objects.filter(staff__bureau__region__in=counties).count()
        seals = SealRequest.objects.filter(county__rollout=rollout).count()
        assert accounts == len(counties) * len(template.seats)
        print(
            f"{len(counties)} counties: {sections} sections, {accounts} accounts with "
            f"{roles} roles, {seals} seal requests, "
            f"{handling} handling items in all ({args.handling_items} each)"
        )
        print(f"bureaus, sections, accounts, seals, catalogues: {bureaus_s:.2f} s")
        print(f"rollout with the lists:       {total_s:.2f} s (aim < 60 s)")
        print(f"city dashboard ({len(lines)} lines): {dashboard_s:.2f} s")
    finally:
        connection.close()
        import psycopg

        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
