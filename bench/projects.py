"""Construction projects on PostgreSQL: opening a stage against opening its cases one by one,
and the lead section's queue over many projects.

    .venv/bin/python bench/projects.py [--stages 100] [--projects 10000] [--queue-reads 200]
                                       [--database-url postgres://…] [--database-name …] [--keep]

It creates its own database (`oneseal_bench_projects`, or --database-name) on the local
cluster (scripts/postgres.sh starts it), migrates it, and drops it at the end unless --keep.
Run by hand; not part of the test suite.

(a) A stage of 10 items with 40 material lines (each item lists two materials of its own and
    two every item shares, so the one form asks 22), opened at the window through
    `stages.apply_for_stage` — one transaction, ten cases — against the current way, ten
    `cases.actions.receive` calls for the same ten items, in the same run and interleaved so
    both see the same database: per second, mean and p99 per stage (and per case). The aim:
    the stage costs no more than its ten single cases.
(b) The lead section's queue over `--projects` projects, each with a stage application of
    three cases under the section's template, seeded with INSERT … SELECT generate_series
    from one real application opened through the actions (its standing computed, the
    clones' standings spread over due days, pauses, conclusions and project limits). Measured:
    `desk.queue` with its count and the first page's rows (what the page shows), with each
    filter, the warning counts, and the whole page and API in process (Django's test client),
    in ms with p50 and p99, each beside the baseline of the same run: the first page's SQL
    alone, sent bare. The aim: p99 < 100 ms. The queue's plan is printed.
"""

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cases as case_bench  # noqa: E402  bench/cases.py: database set-up and p99

DB_NAME = "oneseal_bench_projects"
TODAY = dt.date(2025, 6, 16)  # a Monday with no holiday near it
SHARED = ("营业执照", "建设工程规划许可证")


def make_world() -> dict:
    from django.contrib.auth import get_user_model

    from oneseal.applicants.actions import register_applicant
    from oneseal.catalogue import actions as catalogue_actions
    from oneseal.catalogue.models import Catalogue, HandlingItem, Material
    from oneseal.organisation.models import Bureau, Department, Role, Section, Staff, StaffRole
    from oneseal.projects import actions
    from oneseal.regions.actions import GB2260_SOURCE, gb2260_table, load_regions
    from oneseal.regions.models import Region

    load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix="64", system=True)
    county = Region.objects.get(code="640221")
    bureau = Bureau.objects.create(
        region=county, name="平罗县审批服务管理局", complaint_phone="0952-12345"
    )
    section = Section.objects.create(bureau=bureau, name="投资建设科")
    department = Department.objects.create(
        region=county, name="平罗县住房和城乡建设局", short_name="住建局", order=3
    )
    catalogue = Catalogue.objects.create(
        region=county, bureau=bureau, name="平罗县审批服务事项目录"
    )

    def staff(username, role, **fields):
        user = get_user_model().objects.create_user(username=username, password="bench-" + username)
        s = Staff.objects.create(
            user=user, region=county, display_name=username, bureau=bureau, **fields
        )
        StaffRole.objects.create(staff=s, role=role)
        return user

    admin, clerk = staff("catadmin", Role.CATALOGUE_ADMIN), staff("clerk", Role.CLERK)
    lead = staff("lead", Role.REVIEWER, section=section)
    items = []
    for i in range(1, 11):
        version = catalogue_actions.create_item(
            catalogue,
            actor=admin,
            basic_code=f"640221-XK-3{i:02d}",
            name=f"施工许可阶段事项{i}",
            legal_basis="《中华人民共和国建筑法》第八条",
            original_department=department,
        )
        hi = catalogue_actions.save_draft_part(
            HandlingItem(
                item_version=version,
                code=f"640221-XK-3{i:02d}-01",
                name=f"施工许可阶段事项{i}（新办）",
                statutory_limit_days=20,
                promised_limit_days=10,
                complaint_phone="0952-12345",
            ),
            actor=admin,
        )
        names = [f"事项{i}申请表", f"事项{i}设计文件", *SHARED]
        for order, name in enumerate(names, 1):
            catalogue_actions.save_draft_part(
                Material(handling_item=hi, name=name, order=order), actor=admin
            )
        catalogue_actions.publish(version, actor=admin, effective_from=dt.date(2024, 1, 1))
        items.append(hi)
    template = actions.create_stage_template(
        catalogue,
        actor=admin,
        stage=3,
        name="施工许可阶段",
        limit_days=10,
        project_kinds=["enterprise", "small_low_risk", "government"],
        lead_section=section,
        legal_basis="《宁夏回族自治区工程建设项目审批制度改革实施方案》",
    )
    actions.update_stage_template(
        template, actor=admin, project_limits={"enterprise": 90, "small_low_risk": 15}
    )
    for hi in items:
        actions.add_stage_item(template, hi, actor=admin)
    template = actions.publish_stage_template(template, actor=admin)
    owner = register_applicant(
        actor=clerk,
        kind="organisation",
        name="平罗县工业园区开发建设有限公司",
        number="91350100M000100Y43",
        phone="0952-6012345",
    )
    return {
        "county": county,
        "bureau": bureau,
        "section": section,
        "items": items,
        "template": template,
        "clerk": clerk,
        "lead": lead,
        "owner": owner,
        "admin": admin,
    }


def new_project(world, serial: int):
    from oneseal.projects import actions

    return actions.register_project(
        actor=world["clerk"],
        code=f"2025-640221-47-01-{serial:06d}",
        name=f"基准项目{serial}",
        owner=world["owner"],
        kind="enterprise",
        location="平罗县工业园区",
        floor_area="1000",
        investment="500",
    )


def summary(latencies: list[float], elapsed: float, n: int) -> str:
    mean = statistics.mean(latencies) * 1000
    return f"{n / elapsed:7.2f}/s  mean {mean:7.1f} ms  p99 {case_bench.p99(latencies):7.1f} ms"


# --- (a) a stage against ten single cases --------------------------------------------------


def bench_opening(world, n: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oneseal.cases import actions as case_actions
    from oneseal.projects import stages

    projects = [new_project(world, 100000 + i) for i in range(n + 1)]
    clerk, owner, template = world["clerk"], world["owner"], world["template"]

    def one_stage(project):
        return stages.apply_for_stage(project, template, actor=clerk)

    def ten_cases():
        return [case_actions.receive(hi, actor=clerk, applicant=owner) for hi in world["items"]]

    # Warm-up, and the queries of one of each.
    with CaptureQueriesContext(connection) as stage_queries:
        application = one_stage(projects[0])
    with CaptureQueriesContext(connection) as single_queries:
        ten_cases()
    assert application.bundle.members.count() == 10
    lines = sum(m.case.materials.count() for m in application.bundle.members.all())
    form = len(application.bundle.materials)
    stage_lat, single_lat = [], []
    stage_time = single_time = 0.0
    for i in range(n):
        t0 = time.perf_counter()
        one_stage(projects[i + 1])
        t1 = time.perf_counter()
        ten_cases()
        t2 = time.perf_counter()
        stage_lat.append(t1 - t0)
        single_lat.append(t2 - t1)
        stage_time += t1 - t0
        single_time += t2 - t1
    print(
        f"(a) opening a stage of 10 items, {lines} material lines ({form} on the one form), "
        f"{n} times each, interleaved, 1 connection"
    )
    print(f"    stage (apply_for_stage)       {summary(stage_lat, stage_time, n)}")
    print(f"    10 single cases (receive ×10) {summary(single_lat, single_time, n)}")
    print(
        f"    per case: stage {stage_time / n / 10 * 1000:.1f} ms, single {single_time / n / 10 * 1000:.1f} ms;"
        f" stage / single time {stage_time / single_time:.2f}"
    )
    print(
        f"    SQL queries: a stage {len(stage_queries.captured_queries)}, "
        f"10 single cases {len(single_queries.captured_queries)}"
    )


# --- (b) the lead section's queue ----------------------------------------------------------


def sql(statement: str, params=None) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params)


def scalar(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchone()[0]


def clone(model, source_id: int, n: int, exprs: dict[str, str], params: dict) -> None:
    """n copies of one row, `exprs` (SQL over the source row `t` and the copy's number `g`)
    in place of the columns they name."""
    columns = [f.column for f in model._meta.concrete_fields]
    select = [exprs.get(c, f't."{c}"') for c in columns]
    table = model._meta.db_table
    quoted = ", ".join(f'"{c}"' for c in columns)
    sql(
        f"INSERT INTO {table} ({quoted}) SELECT {', '.join(select)} "  # noqa: S608
        f"FROM {table} t, generate_series(1, %(n)s) g WHERE t.{model._meta.pk.column} = %(source)s",
        {**params, "n": n, "source": source_id},
    )


def reset_sequence(model) -> None:
    table, pk = model._meta.db_table, model._meta.pk.column
    sql(
        f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), (SELECT max({pk}) FROM {table}))"
    )


def seed_queue(world, n: int) -> None:
    from django.db import connection

    from oneseal.cases.models import Case
    from oneseal.catalogue.models import HandlingItem
    from oneseal.projects import actions, desk, stages
    from oneseal.projects.models import (
        Bundle,
        BundleCase,
        Project,
        StageApplication,
        StageStanding,
    )

    t0 = time.perf_counter()
    # A three-item template of the same section: the queue's stages have three cases each.
    admin = world["admin"]
    template = actions.create_stage_template(
        world["template"].catalogue,
        actor=admin,
        stage=2,
        name="工程建设许可阶段",
        limit_days=10,
        project_kinds=["enterprise", "small_low_risk", "government"],
        lead_section=world["section"],
        legal_basis="《宁夏回族自治区工程建设项目审批制度改革实施方案》",
    )
    actions.update_stage_template(template, actor=admin, project_limits={"enterprise": 90})
    for hi in world["items"][:3]:
        actions.add_stage_item(template, hi, actor=admin)
    template = actions.publish_stage_template(template, actor=admin)
    source = stages.apply_for_stage(
        new_project(world, 900000), template, actor=world["clerk"], at=None
    )
    desk.refresh(StageStanding.objects.filter(pk=source.pk), on=TODAY)
    cases = list(source.bundle.members.order_by("order").values_list("case_id", flat=True))
    k = len(cases)
    base = 10_000_000
    params = {"base": base, "today": TODAY, "k": k}
    received = "(%(today)s::date - mod(g * 7, 30))"
    kinds = "(ARRAY['enterprise','small_low_risk','government'])[1 + mod(g, 3)]"
    clone(
        Project,
        source.project_id,
        n,
        {
            "id": "%(base)s + g",
            "code": "'2024-640221-47-01-' || lpad(g::text, 6, '0')",
            "name": "'队列项目' || g",
            "kind": kinds,
        },
        params,
    )
    clone(
        Bundle,
        source.bundle_id,
        n,
        {
            "id": "%(base)s + g",
            "received_on": received,
            "received_at": f"({received} + time '09:00')::timestamp AT TIME ZONE 'Asia/Shanghai'",
            "concluded_on": f"CASE WHEN mod(g, 10) < 3 THEN {received} + 12 END",
            "outcome": "CASE WHEN mod(g, 10) < 3 THEN 'complete' ELSE '' END",
        },
        params,
    )
    for i, case_id in enumerate(cases):
        clone(
            Case,
            case_id,
            n,
            {
                "id": f"%(base)s + g * %(k)s + {i}",
                "number": f"'Q{i}' || lpad(g::text, 10, '0')",
                "received_on": received,
                "acceptance_due": f"{received} + 7",
            },
            params,
        )
        clone(
            BundleCase,
            source.bundle.members.get(case_id=case_id).pk,
            n,
            {
                "id": f"%(base)s + g * %(k)s + {i}",
                "bundle_id": "%(base)s + g",
                "case_id": f"%(base)s + g * %(k)s + {i}",
            },
            params,
        )
    clone(
        StageApplication,
        source.pk,
        n,
        {"id": "%(base)s + g", "project_id": "%(base)s + g", "bundle_id": "%(base)s + g"},
        params,
    )
    concluded = "mod(g, 10) < 3"
    paused = "mod(g, 10) = 3"
    remaining = "(10 - mod(g * 3, 14))"
    project_remaining = "(90 - mod(g * 11, 95))"
    # The days each clock warns from, as `desk.warning_days` would put them (calendar days
    # here: the spread, not the holidays, matters to the queue).
    due = f"(%(today)s::date + ({remaining} * 7 / 5))"
    project_due = f"(%(today)s::date + ({project_remaining} * 7 / 5))"
    stage_red = (
        f"(CASE WHEN {remaining} < 0 THEN {received} WHEN {concluded} OR {paused} THEN NULL "
        f"ELSE {due} + 1 END)"
    )
    stage_yellow = (
        f"(CASE WHEN {remaining} < 0 THEN {received} WHEN {concluded} THEN NULL "
        f"WHEN {paused} THEN (CASE WHEN {remaining} <= 2 THEN {received} END) ELSE {due} - 3 END)"
    )
    project_red = (
        f"(CASE WHEN {project_remaining} < 0 THEN {received} WHEN {concluded} OR {paused} "
        f"THEN NULL ELSE {project_due} + 1 END)"
    )
    project_yellow = (
        f"(CASE WHEN {project_remaining} < 0 THEN {received} WHEN {concluded} OR {paused} "
        f"THEN (CASE WHEN {project_remaining} <= 2 THEN {received} END) ELSE {project_due} - 3 END)"
    )
    clone(
        StageStanding,
        source.pk,
        n,
        {
            "application_id": "%(base)s + g",
            "dirty": "false",
            "calendar": "%(stamp)s",
            "computed_on": "%(today)s",
            "received_on": received,
            "used": f"10 - {remaining}",
            "remaining": remaining,
            "due_on": f"%(today)s::date + ({remaining} * 7 / 5)",
            "paused": paused,
            "concluded_on": f"CASE WHEN {concluded} THEN {received} + 12 END",
            "project_used": f"90 - {project_remaining}",
            "project_remaining": project_remaining,
            "project_due_on": f"%(today)s::date + ({project_remaining} * 7 / 5)",
            "project_running": f"NOT ({concluded} OR {paused})",
            "stage_red_on": stage_red,
            "stage_yellow_on": stage_yellow,
            "project_red_on": project_red,
            "project_yellow_on": project_yellow,
            "red_on": f"LEAST({stage_red}, {project_red})",
            "yellow_on": f"LEAST({stage_yellow}, {project_yellow})",
            # A span that does not hold today: the desk's own `relevel` ranks them below.
            "urgency_from": "%(today)s::date + 1",
            "urgency_until": "NULL",
        },
        {**params, "stamp": StageStanding.objects.get(pk=source.pk).calendar},
    )
    desk.relevel(StageStanding.objects.all(), TODAY)
    for model in (Project, Bundle, Case, BundleCase, StageApplication):
        reset_sequence(model)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    assert HandlingItem.objects.exists()
    print(
        f"(b) seeded {n:,} projects, each with a stage of {k} cases, in {time.perf_counter() - t0:.1f} s"
        f" ({StageStanding.objects.filter(concluded_on__isnull=True).count():,} open stages)"
    )


def timed(label: str, reads: int, fn) -> None:
    """Wall time (mean, p50, p99), this process's CPU time and the statements per read: on a
    machine other work shares, the CPU time says what the read itself costs in Python."""
    from django.db import connection

    sent = []

    def count(execute, sql, params, many, context):
        # Counted at the driver: a request through the test client starts by emptying
        # `connection.queries`, so CaptureQueriesContext would see none of its statements.
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()  # warm
    latencies, cpu = [], []
    for _ in range(reads):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        latencies.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    mean = statistics.mean(latencies) * 1000
    print(
        f"    {label:<44} mean {mean:6.1f}  p50 {statistics.median(latencies) * 1000:6.1f}"
        f"  p99 {case_bench.p99(latencies):6.1f} ms  (CPU {statistics.mean(cpu) * 1000:5.1f} ms,"
        f" {len(sent)} statements)"
    )


def bare_sql(statement: str, params):
    """The baseline: one statement as the page's, sent straight through the connection."""
    from django.db import connection

    def run():
        with connection.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall()

    return run


def bench_queue(world, reads: int) -> None:
    from django.db import connection
    from django.test import Client

    from oneseal.projects import desk

    lead = world["lead"]

    def first_page(filters):
        def run():
            standings = desk.queue(lead, filters, TODAY)
            standings.count()
            return desk.rows(list(standings[:20]), TODAY)

        return run

    print(f"    the lead section's queue, {reads} reads each:")
    page_sql = desk.queue(lead, desk.Filters(), TODAY)[:20].query.sql_with_params()
    timed("baseline: the first page's bare SQL", reads, bare_sql(*page_sql))
    timed("queue + count + first page (20 stages)", reads, first_page(desk.Filters()))
    timed("  … warning=red", reads, first_page(desk.Filters(level="red")))
    timed(
        "  … warning=yellow, kind=enterprise",
        reads,
        first_page(desk.Filters(level="yellow", kind="enterprise")),
    )
    timed("  … stage=2", reads, first_page(desk.Filters(stage=2)))
    timed("  … concluded", reads, first_page(desk.Filters(concluded=True)))
    timed("warning counts", reads, lambda: desk.level_counts(lead, TODAY))
    client = Client()
    client.force_login(lead)
    import time_machine

    with time_machine.travel(dt.datetime(2025, 6, 16, 10, 0), tick=False):
        assert client.get("/projects/desk/", secure=True).status_code == 200
        timed(
            "the page /projects/desk/ (in process)",
            reads,
            lambda: client.get("/projects/desk/", secure=True),
        )
        timed(
            "the API /api/v1/stage-applications?limit=20",
            reads,
            lambda: client.get("/api/v1/stage-applications?limit=20", secure=True),
        )
    standings = desk.queue(lead, desk.Filters(), TODAY)[:20]
    query, params = standings.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN ANALYZE " + query, params)
        print("    plan of the first page:")
        for (line,) in cur.fetchall():
            print("      " + line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--stages", type=int, default=100, help="stages (and sets of 10 cases) opened"
    )
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--queue-reads", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help=f"keep the {DB_NAME} database")
    parser.add_argument(
        "--database-name", default=DB_NAME, help="the database it creates (and drops)"
    )
    args = parser.parse_args()
    name = args.database_name

    base = args.database_url or subprocess.check_output(["scripts/postgres.sh"], text=True).strip()
    dsn = case_bench.setup_database(base, name)
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    os.environ.setdefault("ONESEAL_DEBUG", "0")
    os.environ.setdefault("ONESEAL_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("ONESEAL_PUBLIC_URL", "https://bench.example.gov.cn")
    os.environ.setdefault("ONESEAL_ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        import time_machine

        with time_machine.travel(dt.datetime(2025, 6, 16, 9, 0), tick=True):
            world = make_world()
            with connection.cursor() as cur:
                cur.execute("SHOW server_version")
                version = cur.fetchone()[0]
            print(
                f"PostgreSQL {version}, {os.cpu_count()} CPUs, database {name}, "
                f"load average {os.getloadavg()[0]:.1f}"
            )
            if args.stages:
                bench_opening(world, args.stages)
            if args.projects:
                seed_queue(world, args.projects)
        if args.projects:
            bench_queue(world, args.queue_reads)
    finally:
        connection.close()
        if not args.keep:
            case_bench.drop_database(base, name)


if __name__ == "__main__":
    main()
