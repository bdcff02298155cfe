"""E-supervision and statistics over 1,000,000 cases on PostgreSQL.

    .venv/bin/python bench/supervision.py [--cases 1000000] [--reseed] [--database-url postgres://…]
                                          [--database-name oneseal_supervision_bench] [--plans] [--drop]
                                          [--only sizes,rollup,supervision,statistics,pages,lists]
                                          [--requests 30]

Creates (or reuses) the database `oneseal_supervision_bench` on the local cluster
(scripts/postgres.sh starts it) and seeds it once with INSERT … SELECT generate_series: a
county's bureau with 40 published handling items of 12 departments in 5 sections, 18 staff,
200,000 applicants and `--cases` cases received in order over the year before 2025-06-16 in 10
counties, in every state, each with its events (receive, accept or refuse, grant or deny,
deliver; three suspensions on 0.5% of the cases, a late-evening decision on 0.3%), suspensions,
the review steps of every accepted case (受理, 审查 in the item's section, 决定),
a missing core material on 1% of the accepted cases, and two conflict declarations. The seed
stays for the next run (`--reseed` makes a new one, `--drop` removes the database at the end).

Then it times, each as the median of several runs, in ms:
- the roll-up: a full rebuild once per seed, an idle pass, a pass after 1,000 new events;
- every query of the e-supervision pages (warnings, overdue lists, rule hits, the linkage
  panels when the linkage app provides them) for one county and for everything;
- the statistics: one month of one county per department, item, clerk and month; one month
  of all regions; a part of a month (read from the milestones, not the monthly sums); a year
  of all regions; the reform measures;
- the pages themselves through Django's test client;
and prints each beside its bare SQL measured in the same run (a hand-written statement, or
where there is none the query's own SQL through a cursor), flagging a ratio over 3; a
statistics period is compared with one hand-written UNION over the monthly and daily sums.
The target is under 1 s each, a year of all regions at any period (not whole months) too.
Then (e) the case lists and queues: p50/p99 per filter, deep pages by cursor beside the
old offset, the case search, and with --plans their EXPLAIN ANALYZE.

`--only` runs the named sections on the kept seed (seeding first only when there is none):
re-measuring on a quiet machine needs no reseed. Each section prints the load average at its
start and end, so a run on a loaded machine says so; the lists (e) print each request's CPU
time in this process and its statements with their database time beside the wall p50/p99.

A smaller seed for a trial (e.g. `--cases 200000 --database-name oneseal_trial`) keeps every
proportion but the absolute sizes.
"""

import argparse
import contextlib
import datetime as dt
import gc
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DB_NAME = "oneseal_supervision_bench"
TODAY = dt.date(2025, 6, 16)  # a Monday with no holiday near it, as bench/cases.py
COUNTIES = [
    "640221",
    "640202",
    "640205",
    "640104",
    "640105",
    "640106",
    "640121",
    "640122",
    "640181",
    "640302",
]
N_ITEMS = 40
N_APPLICANTS = 200_000
SEED_KEY = "bench_seed"
SECTIONS = ("sizes", "rollup", "supervision", "statistics", "pages", "lists")


def ensure_database(url_base: str, name: str, reseed: bool) -> tuple[str, bool]:
    import psycopg

    with psycopg.connect(url_base, autocommit=True) as conn:
        exists = (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            is not None
        )
        if exists and reseed:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return url_base.rsplit("/", 1)[0] + "/" + name, not exists


def drop_database(url_base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url_base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, result


def sql(statement: str, params=None) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params)


def scalar(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchone()[0]


def bare(statement: str, params=None, repeat: int = 5) -> float:
    """The median ms of a hand-written statement, rows fetched as tuples: the bare-SQL figure
    each page query is compared with in the same run."""
    from django.db import connection

    def run():
        with connection.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall()

    return timed(run, repeat)[0]


def own_sql(queryset, repeat: int = 5) -> float:
    """The median ms of the queryset's own SQL through a cursor, rows as tuples: the bare
    figure for a query with no hand-written equivalent here (what Django adds is the rest)."""
    from django.core.exceptions import EmptyResultSet

    try:
        statement, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0.0  # nothing to ask the database: no SQL is sent
    return bare(statement, params, repeat)


def own_count_sql(queryset) -> float:
    from django.core.exceptions import EmptyResultSet

    try:
        statement, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return 0.0
    return bare(f"SELECT count(*) FROM ({statement}) counted", params)


def stat_bare(prefix: str, start: dt.date, end: dt.date, by: str) -> float:
    """A period's statistics by hand: the whole months from the monthly sums and the days
    outside them from the daily ones (esupervision.queries.split_period), summed per key,
    kind and working days (what the totals and the p90 are computed from), in one statement."""
    from oneseal.esupervision.models import DailyStat, MonthlyStat
    from oneseal.esupervision.queries import split_period

    months, days = split_period(start, end)
    region = " AND region_code LIKE %s" if prefix else ""
    columns = "kind, working_days, n, on_time, late, online, visits"
    parts, params = [], []
    if months:
        key = "month" if by == "month" else f"{by}_id"
        parts.append(
            f"SELECT {key} AS k, {columns} FROM {MonthlyStat._meta.db_table} "
            f"WHERE month BETWEEN %s AND %s{region}"
        )
        params += [*months] + ([prefix + "%"] if prefix else [])
    for a, b in days:
        key = "date_trunc('month', day)::date" if by == "month" else f"{by}_id"
        parts.append(
            f"SELECT {key} AS k, {columns} FROM {DailyStat._meta.db_table} "
            f"WHERE day BETWEEN %s AND %s{region}"
        )
        params += [a, b] + ([prefix + "%"] if prefix else [])
    return bare(
        "SELECT k, kind, working_days, sum(n), sum(on_time), sum(late), sum(online), "
        f"sum(visits) FROM ({' UNION ALL '.join(parts)}) s GROUP BY 1, 2, 3",
        params,
    )


def p99(fn, n: int) -> tuple[float, float, object, float]:
    """Median and 99th percentile (nearest rank) in ms of `n` calls, and the median CPU time
    of this process per call (what the app server spends; a loaded machine inflates the wall
    time far more than this)."""
    times, cpu, result = [], [], None
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    times.sort()
    return (
        statistics.median(times),
        times[min(n - 1, int(n * 0.99))],
        result,
        statistics.median(cpu),
    )


def sql_of(fn) -> tuple[int, float]:
    """The statements one call sends and the database's time for them in ms (as the client
    sees it: execution and the round trip)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries), sum(
        float(q["time"]) for q in captured.captured_queries
    ) * 1000


# --- the world: one bureau, 40 items, staff -----------------------------------------------


def make_world() -> dict:
    from django.contrib.auth import get_user_model

    from oneseal.catalogue import actions as catalogue_actions
    from oneseal.catalogue.models import Catalogue, HandlingItem, Material, ReviewStep
    from oneseal.esupervision import actions as esupervision_actions
    from oneseal.organisation.models import Bureau, Department, Role, Section, Staff, StaffRole
    from oneseal.regions.actions import GB2260_SOURCE, gb2260_table, load_regions
    from oneseal.regions.models import Region

    load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix="64", system=True)
    county = Region.objects.get(code="640221")
    bureau = Bureau.objects.create(
        region=county, name="平罗县审批服务管理局", complaint_phone="0952-12345"
    )
    departments = [
        Department.objects.create(
            region=county, name=f"平罗县第{i + 1}局", short_name=f"第{i + 1}局", order=i
        )
        for i in range(12)
    ]
    sections = [
        Section.objects.create(bureau=bureau, name=name)
        for name in (
            "投资建设审批科",
            "市场准入审批科",
            "社会事务审批科",
            "交通文旅审批科",
            "农业水利审批科",
        )
    ]
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

    admin = staff("catadmin", Role.CATALOGUE_ADMIN)
    clerks = [staff(f"clerk{i}", Role.CLERK) for i in range(10)]
    signatories = [staff(f"chief{i}", Role.SIGNATORY) for i in range(3)]
    reviewers = [staff(f"reviewer{i}", Role.REVIEWER, section=sections[i]) for i in range(5)]
    items = []
    for i in range(N_ITEMS):
        code = f"640221-XK-{i + 1:03d}"
        version = catalogue_actions.create_item(
            catalogue,
            actor=admin,
            basic_code=code,
            name=f"行政许可事项{i + 1}",
            legal_basis="《中华人民共和国行政许可法》",
            original_department=departments[i % 12],
        )
        hi = catalogue_actions.save_draft_part(
            HandlingItem(
                item_version=version,
                code=code + "-01",
                name=f"行政许可事项{i + 1}（新办）",
                statutory_limit_days=20,
                promised_limit_days=5 + i % 6,
                complaint_phone="0952-12345",
            ),
            actor=admin,
        )
        for m in range(3):
            catalogue_actions.save_draft_part(
                Material(handling_item=hi, name=f"材料{m + 1}", order=m + 1, is_core=m == 0),
                actor=admin,
            )
        for order, (name, role) in enumerate(
            [("受理", "clerk"), ("审查", "reviewer"), ("决定", "signatory")], 1
        ):
            catalogue_actions.save_draft_part(
                ReviewStep(
                    handling_item=hi,
                    order=order,
                    name=name,
                    role=role,
                    section=sections[i % 5] if role == "reviewer" else None,
                    limit_days=3 if role == "reviewer" else None,
                ),
                actor=admin,
            )
        catalogue_actions.publish(version, actor=admin, effective_from=dt.date(2024, 1, 1))
        esupervision_actions.set_baseline(
            version.item, actor=admin, materials=6 + i % 5, steps=5, days=20, source="bench"
        )
        items.append(hi)
    return {
        "county": county,
        "bureau": bureau,
        "items": items,
        "clerks": clerks,
        "signatories": signatories,
        "reviewers": reviewers,
        "admin": admin,
    }


# --- the seed: applicants, cases, events, suspensions, materials --------------------------


def weekday(date_sql: str) -> str:
    """The date, or the Monday after it when it falls on a weekend: a bureau decides on
    working days (a few holidays remain, as in life)."""
    return f"(({date_sql}) + CASE extract(isodow FROM ({date_sql})) WHEN 6 THEN 2 WHEN 7 THEN 1 ELSE 0 END)"


class IndexesSetAside:
    """Drops the secondary indexes of `tables` (those no constraint owns) and builds them again
    on exit, with the very definitions PostgreSQL printed: a bulk insert into a table with
    ≈20 indexes, three of them GIN trigram, is many times slower than one build per index
    afterwards, and the schema ends as migrate left it."""

    def __init__(self, tables: list[str]):
        self.tables = tables
        self.definitions: list[tuple[str, str]] = []

    def __enter__(self):
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
                "ORDER BY i.tablename, i.indexname",
                [self.tables],
            )
            self.definitions = cur.fetchall()
            for name, _definition in self.definitions:
                cur.execute(f'DROP INDEX "{name}"')
        print(f"  {len(self.definitions)} indexes of {', '.join(self.tables)} set aside")
        return self

    def __exit__(self, *exc):
        from django.db import connection

        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '1GB'")
            for _name, definition in self.definitions:
                cur.execute(definition)
        print(f"  {len(self.definitions)} indexes built in {time.perf_counter() - t0:.1f} s")
        return False


def seed(world: dict, n: int) -> None:
    from oneseal.applicants.models import Applicant
    from oneseal.cases.models import Case, CaseEvent, CaseMaterial, CaseStep, Suspension

    bulk = [
        model._meta.db_table
        for model in (Applicant, Case, CaseEvent, CaseStep, CaseMaterial, Suspension)
    ]
    with IndexesSetAside(bulk):
        seed_rows(world, n)
    declare_conflicts(world)
    sql("VACUUM ANALYZE")


def seed_rows(world: dict, n: int) -> None:
    from oneseal.applicants.models import Applicant
    from oneseal.cases.models import Case, CaseEvent, CaseMaterial, Suspension

    t0 = time.perf_counter()
    sql(
        f"INSERT INTO {Applicant._meta.db_table} (kind, name, id_number, credit_code, representative, phone, email, "
        "address, created_at) SELECT 'person', '申请人' || g, '640221' || lpad(g::text, 12, '0'), '', '', "
        "'13900000000', '', '', now() FROM generate_series(1, %s) g",
        [N_APPLICANTS],
    )
    first_applicant = scalar(f"SELECT min(id) FROM {Applicant._meta.db_table}")
    print(f"  applicants: {N_APPLICANTS:,} in {time.perf_counter() - t0:.1f} s")

    import cases as case_bench  # bench/cases.py: every column of cases_case with its default

    items = [hi.pk for hi in world["items"]]
    clerks = [u.pk for u in world["clerks"]]
    # age: days before TODAY (0 … 364) in receipt order; h: a scattered 0 … 99 for the state.
    age = f"(364 - (g::bigint * 365 / {n})::int)"
    h = "mod(g::bigint * 7919, 100)"
    state = (
        f"CASE WHEN {age} < 30 THEN (CASE WHEN {h} < 5 THEN 'received' WHEN {h} < 60 THEN 'accepted' "
        f"WHEN {h} < 65 THEN 'suspended' WHEN {h} < 75 THEN 'granted' ELSE 'delivered' END) "
        f"ELSE (CASE WHEN {h} < 3 THEN 'refused' WHEN {h} < 4 THEN 'withdrawn' WHEN {h} < 8 THEN 'denied' "
        f"WHEN {h} < 9 THEN 'granted' ELSE 'delivered' END) END"
    )
    received = weekday(f"(%(today)s::date - {age})")
    accepted = f"CASE WHEN ({state}) IN ('received', 'refused') THEN NULL ELSE {weekday(f'{received} + mod(g, 3)')} END"
    decided = (
        f"CASE WHEN ({state}) IN ('granted', 'denied', 'delivered') "
        f"THEN {weekday(f'{received} + mod(g, 3) + mod(g::bigint * 31, 12)::int')} END"
    )
    exprs = {
        "number": "'B' || lpad(g::text, 12, '0')",
        "query_code": "'000000'",
        "handling_item_id": f"(ARRAY{items}::bigint[])[1 + mod(g, {len(items)})]",
        "applicant_id": f"{first_applicant} + mod(g::bigint * 104729, {N_APPLICANTS})::int",
        "region_code": f"(ARRAY{COUNTIES}::text[])[1 + mod(g / 7, {len(COUNTIES)})]",
        "channel": "CASE WHEN mod(g, 5) < 2 THEN 'online' ELSE 'window' END",
        "state": state,
        "received_at": f"({received} + time '09:00')::timestamp AT TIME ZONE 'Asia/Shanghai'",
        "received_on": received,
        "materials_arrived_on": received,
        "acceptance_due": f"{received} + 7",
        "accepted_on": accepted,
        "promised_due": f"({accepted}) + 7",
        "statutory_due": f"({accepted}) + 28",
        "suspended_on": f"CASE WHEN ({state}) = 'suspended' THEN ({accepted}) + 1 END",
        "decided_on": decided,
        "delivery_due": f"({decided}) + 14",
        "closed_on": (
            f"CASE WHEN ({state}) = 'delivered' THEN ({decided}) + mod(g, 5) "
            f"WHEN ({state}) = 'denied' THEN {decided} WHEN ({state}) = 'refused' THEN {received} "
            f"WHEN ({state}) = 'withdrawn' THEN {received} + 2 END"
        ),
        "created_by_id": f"CASE WHEN mod(g, 5) < 2 THEN NULL ELSE (ARRAY{clerks}::bigint[])[1 + mod(g, {len(clerks)})] END",
    }
    fixed = {"bureau_id": world["bureau"].pk, "region_id": world["county"].pk}
    world_for_columns = {"handling_item": world["items"][0]}
    names, defaults = case_bench.case_columns(world_for_columns, fixed)
    select, params = [], {"today": TODAY, "n": n}
    for i, (name, value) in enumerate(zip(names, defaults, strict=True)):
        if name in exprs:
            select.append(exprs[name])
        else:
            params[f"v{i}"] = value
            select.append(f"%(v{i})s")
    t0 = time.perf_counter()
    sql(
        f"INSERT INTO {Case._meta.db_table} ({', '.join(names)}) SELECT {', '.join(select)} "
        "FROM generate_series(1, %(n)s) AS g ORDER BY g",
        params,
    )
    print(f"  cases: {n:,} in {time.perf_counter() - t0:.1f} s")

    signatories = [u.pk for u in world["signatories"]]
    t0 = time.perf_counter()
    event = CaseEvent._meta.db_table
    cases = Case._meta.db_table
    clerk_of = f"(ARRAY{clerks}::bigint[])[1 + mod(c.id, {len(clerks)})]"
    signatory_of = f"(ARRAY{signatories}::bigint[])[1 + mod(c.id, {len(signatories)})]"

    def events(seq, at, on, actor, action, where):
        sql(
            f'INSERT INTO {event} (case_id, seq, "at", "on", actor_id, actor_name, action, from_state, to_state, '
            "reason, data, notice_due, prev_hash, hash) "
            f"SELECT c.id, {seq}, ({at})::timestamp AT TIME ZONE 'Asia/Shanghai', {on}, {actor}, 'bench', {action}, "
            f"'', c.state, '', '{{}}'::jsonb, '', repeat('0', 64), repeat('0', 64) FROM {cases} c "
            f"WHERE {where} ORDER BY c.id"
        )

    events(
        1, "c.received_on + time '09:00'", "c.received_on", "c.created_by_id", "'receive'", "TRUE"
    )
    events(
        2,
        "c.accepted_on + time '10:00'",
        "c.accepted_on",
        clerk_of,
        "'accept'",
        "c.accepted_on IS NOT NULL",
    )
    events(
        2, "c.closed_on + time '10:00'", "c.closed_on", clerk_of, "'refuse'", "c.state = 'refused'"
    )
    events(
        3,
        "c.decided_on + CASE WHEN mod(c.id, 300) = 7 THEN time '21:30' ELSE time '14:00' END",
        "c.decided_on",
        signatory_of,
        "CASE WHEN c.state = 'denied' THEN 'deny' ELSE 'grant' END",
        "c.decided_on IS NOT NULL",
    )
    events(
        4,
        "c.closed_on + time '11:00'",
        "c.closed_on",
        clerk_of,
        "'deliver'",
        "c.state = 'delivered'",
    )
    # Three suspensions, each resumed the next day, on 0.5% of the decided cases.
    for k in range(3):
        for seq, action, day in (
            (10 + 2 * k, "suspend", 1 + 2 * k),
            (11 + 2 * k, "resume", 2 + 2 * k),
        ):
            events(
                seq,
                f"c.accepted_on + {day} + time '15:00'",
                f"c.accepted_on + {day}",
                signatory_of,
                f"'{action}'",
                "c.decided_on IS NOT NULL AND mod(c.id, 200) = 1",
            )
        sql(
            f"INSERT INTO {Suspension._meta.db_table} (case_id, kind, reason, expected_days, expected_end, suspended_on, "
            "suspended_by_id, promised_remaining, statutory_remaining, resumed_on, resumed_by_id, basis, "
            "stops_statutory, technical_support) "
            f"SELECT c.id, 'testing', 'bench', 1, c.accepted_on + {2 + 2 * k}, c.accepted_on + {1 + 2 * k}, "
            f"{signatory_of}, 3, 15, c.accepted_on + {2 + 2 * k}, {signatory_of}, '', TRUE, FALSE FROM {cases} c "
            "WHERE c.decided_on IS NOT NULL AND mod(c.id, 200) = 1"
        )
    # Open suspensions of the suspended cases, a tenth of them past their expected end.
    sql(
        f"INSERT INTO {Suspension._meta.db_table} (case_id, kind, reason, expected_days, expected_end, suspended_on, "
        "suspended_by_id, promised_remaining, statutory_remaining, basis, stops_statutory, technical_support) "
        f"SELECT c.id, 'expert_review', 'bench', 10, c.suspended_on + CASE WHEN mod(c.id, 10) = 0 THEN 2 ELSE 40 END, "
        f"c.suspended_on, {signatory_of}, 3, 15, '', TRUE, FALSE FROM {Case._meta.db_table} c WHERE c.state = 'suspended'"
    )
    # The review steps of every accepted case: 受理 by the accepting clerk, 审查 (3 working days)
    # by the reviewer of the item's section, done for decided cases and half of the open ones,
    # 决定 by the deciding signatory; the roll-up counts each for its section and handler.
    from oneseal.cases.models import CaseStep

    reviewers = [u.pk for u in world["reviewers"]]
    step_rows = {
        hi.pk: list(hi.review_steps.order_by("order").values_list("pk", "section_id"))
        for hi in world["items"]
    }
    done = {
        "clerk": ("TRUE", clerk_of, "c.accepted_on"),
        "reviewer": (
            "c.decided_on IS NOT NULL OR mod(c.id, 2) = 0",
            f"(ARRAY{reviewers}::bigint[])[1 + mod(c.handling_item_id, {len(reviewers)})]",
            "LEAST(COALESCE(c.decided_on, c.accepted_on + 4), c.accepted_on + 1 + mod(c.id, 4)::int)",
        ),
        "signatory": ("c.decided_on IS NOT NULL", signatory_of, "c.decided_on"),
    }
    for order, (name, role) in enumerate(
        (("受理", "clerk"), ("审查", "reviewer"), ("决定", "signatory")), 1
    ):
        review_step = (
            "CASE c.handling_item_id "
            + " ".join(f"WHEN {k} THEN {v[order - 1][0]}" for k, v in step_rows.items())
            + " END"
        )
        section = (
            "CAST(CASE c.handling_item_id "
            + " ".join(f"WHEN {k} THEN {v[order - 1][1] or 'NULL'}" for k, v in step_rows.items())
            + " END AS bigint)"
        )
        condition, actor, on = done[role]
        sql(
            f'INSERT INTO {CaseStep._meta.db_table} (case_id, review_step_id, "order", name, role, section_id, '
            "state, done_by_id, done_on, opinion, outcome) "
            f"SELECT c.id, {review_step}, {order}, '{name}', '{role}', {section}, "
            f"CASE WHEN {condition} THEN 'done' ELSE 'pending' END, CASE WHEN {condition} THEN {actor} END, "
            f"CASE WHEN {condition} THEN {on} END, '', CASE WHEN {condition} THEN 'approve' ELSE '' END "
            f"FROM {cases} c WHERE c.accepted_on IS NOT NULL ORDER BY c.id"
        )
    n_events = scalar(f"SELECT count(*) FROM {event}")
    print(f"  events: {n_events:,}, suspensions in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    core = {hi.pk: hi.materials.get(is_core=True).pk for hi in world["items"]}
    core_case = (
        "CASE c.handling_item_id "
        + " ".join(f"WHEN {k} THEN {v}" for k, v in core.items())
        + " END"
    )
    sql(
        f"INSERT INTO {CaseMaterial._meta.db_table} (case_id, material_id, status, note) "
        f"SELECT c.id, {core_case}, 'missing', '' FROM {Case._meta.db_table} c "
        "WHERE c.accepted_on IS NOT NULL AND mod(c.id, 100) = 7"
    )
    print(f"  missing core materials in {time.perf_counter() - t0:.1f} s")


def declare_conflicts(world: dict) -> None:
    from oneseal.applicants.models import Applicant
    from oneseal.esupervision import actions as esupervision_actions

    first_applicant = scalar(f"SELECT min(id) FROM {Applicant._meta.db_table}")
    # Two clerks declare a relative each (the seed's numbers are synthetic: give these two
    # applicants valid ones, GB 11643).
    from oneseal.applicants.rules import id_check_char

    for clerk, offset in zip(world["clerks"][:2], (11, 23), strict=True):
        first17 = f"64022119800101{offset:03d}"
        number = first17 + id_check_char(first17)
        sql(
            f"UPDATE {Applicant._meta.db_table} SET id_number = %s WHERE id = %s",
            [number, first_applicant + offset],
        )
        esupervision_actions.declare_conflict(
            actor=clerk, relative_name="亲属", relation="sibling", number=number, on=TODAY
        )


def add_events(world: dict, n: int) -> None:
    """n new accept events on received cases, as a day of intake would add."""
    from oneseal.cases.models import Case, CaseEvent

    clerk = world["clerks"][0].pk
    sql(
        f'INSERT INTO {CaseEvent._meta.db_table} (case_id, seq, "at", "on", actor_id, actor_name, action, '
        "from_state, to_state, reason, data, notice_due, prev_hash, hash) "
        f"SELECT c.id, 90, now(), %s, {clerk}, 'bench', 'accept', 'received', 'accepted', '', '{{}}'::jsonb, '', "
        f"repeat('0', 64), repeat('0', 64) FROM {Case._meta.db_table} c WHERE c.state = 'received' "
        "AND NOT EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id AND e.seq = 90) LIMIT %s",
        [TODAY, n],
    )


# --- measurements -------------------------------------------------------------------------


def row(label: str, ms: float, note: str = "", measured: float | None = None) -> None:
    ref = ""
    if measured == 0.0:
        ref = "   (no SQL sent: an empty filter)"
    elif measured is not None:
        ratio = ms / max(measured, 0.01)
        flag = "" if ratio <= 3 else "  ** over 3× **"
        ref = f"   bare SQL {measured:7.1f} ms (this run); ratio {ratio:.1f}{flag}"
    mark = "" if ms < 1000 else "   ** over 1 s **"
    print(f"  {label:<62} {ms:9.1f} ms  {note}{ref}{mark}")


def readers(world: dict) -> tuple[object, dict]:
    """The county overseer (made once) and the scopes read: the county's and everything."""
    from django.contrib.auth import get_user_model

    from oneseal.esupervision import queries
    from oneseal.organisation.models import Role, Staff, StaffRole

    user_model = get_user_model()
    county_overseer = user_model.objects.filter(username="overseer").first()
    if county_overseer is None:
        county_overseer = user_model.objects.create_user("overseer", password="bench-overseer")
        staff = Staff.objects.create(
            user=county_overseer, region=world["county"], display_name="督查"
        )
        StaffRole.objects.create(staff=staff, role=Role.OVERSEER)
    root = user_model.objects.filter(
        username="root"
    ).first() or user_model.objects.create_superuser("root", password="bench-root")
    scopes = {
        "640221": queries.oversight_scope(county_overseer),
        "all": queries.oversight_scope(root),
    }
    return county_overseer, scopes


def bench_live(scopes: dict) -> None:
    """(b) the e-supervision queries live from the cases."""
    from oneseal.cases import jobs as case_jobs
    from oneseal.esupervision import queries

    print("\n(b) e-supervision page queries (live from the cases), each beside its bare SQL")
    from oneseal.applicants.models import Applicant
    from oneseal.cases.models import Case, CaseEvent, Suspension
    from oneseal.catalogue.models import HandlingItem
    from oneseal.esupervision.models import RuleHit

    dates = case_jobs.warning_dates(TODAY)
    d = {"today": TODAY, "yb": dates["yellow_before"], "sb": dates["statutory_before"]}
    c_t, a_t, h_t = Case._meta.db_table, Applicant._meta.db_table, HandlingItem._meta.db_table
    # What a list row shows: the case, its applicant's and its handling item's names.
    listed = (
        f"SELECT c.id, c.number, c.state, c.received_on, c.promised_due, c.statutory_due, "
        f"c.delivery_due, a.name, h.name FROM {c_t} c JOIN {a_t} a ON a.id = c.applicant_id "
        f"JOIN {h_t} h ON h.id = c.handling_item_id WHERE "
    )
    level_where = {
        "statutory": ("c.statutory_due < %(sb)s", "c.statutory_due, c.id"),
        "red": ("c.promised_due < %(today)s AND c.statutory_due >= %(sb)s", "c.promised_due, c.id"),
        "yellow": (
            "c.promised_due >= %(today)s AND c.promised_due < %(yb)s AND c.statutory_due >= %(sb)s",
            "c.promised_due, c.id",
        ),
    }
    late_suspension = (
        f"EXISTS (SELECT 1 FROM {Suspension._meta.db_table} s WHERE s.case_id = c.id "
        "AND s.resumed_on IS NULL AND s.expected_end < %(today)s)"
    )
    overdue_where = {
        "statutory": (
            "c.state = 'accepted' AND c.statutory_due < %(today)s",
            "c.statutory_due, c.id",
        ),
        "delivery": ("c.state = 'granted' AND c.delivery_due < %(today)s", "c.delivery_due, c.id"),
        "special_procedure": (f"c.state = 'suspended' AND {late_suspension}", "c.id"),
    }
    for name, scope in scopes.items():
        region = "" if scope.prefix == "" else " AND c.region_code LIKE %(prefix)s"
        p = {**d, "prefix": scope.prefix + "%"}
        ms, counts = timed(lambda scope=scope: queries.warning_counts(scope, TODAY))
        b = bare(
            "SELECT CASE WHEN c.statutory_due < %(sb)s THEN 'statutory' WHEN c.promised_due < "
            f"%(today)s THEN 'red' ELSE 'yellow' END, count(*) FROM {c_t} c WHERE c.state = "
            f"'accepted'{region} AND (c.statutory_due < %(sb)s OR c.promised_due < %(yb)s) GROUP BY 1",
            p,
        )
        row(f"warning counts, {name}", ms, str(counts), measured=b)
        for level in case_jobs.Level.ALL:
            ms, page = timed(
                lambda scope=scope, level=level: list(
                    queries.warning_cases(scope, TODAY, level)[:50]
                )
            )
            where, order = level_where[level]
            b = bare(
                f"{listed}c.state = 'accepted'{region} AND {where} ORDER BY {order} LIMIT 50", p
            )
            row(f"warning list {level!r} first 50, {name}", ms, f"{len(page)} rows", measured=b)
        ms, counts = timed(lambda scope=scope: queries.overdue_counts(scope, TODAY))
        b = sum(
            bare(f"SELECT count(*) FROM {c_t} c WHERE {where}{region}", p)
            for where, _order in overdue_where.values()
        )
        row(f"overdue counts (bare: without 'notice'), {name}", ms, str(counts), measured=b)
        for kind in queries.Overdue.ALL:
            ms, page = timed(
                lambda scope=scope, kind=kind: list(queries.overdue_cases(scope, TODAY, kind)[:50])
            )
            if kind in overdue_where:
                where, order = overdue_where[kind]
                b = bare(f"{listed}{where}{region} ORDER BY {order} LIMIT 50", p)
                row(f"overdue list {kind!r} first 50, {name}", ms, f"{len(page)} rows", measured=b)
            else:
                b = own_sql(queries.overdue_cases(scope, TODAY, kind)[:50])
                row(
                    f"overdue list {kind!r} first 50 (bare: its SQL), {name}",
                    ms,
                    f"{len(page)} rows",
                    measured=b,
                )
        hits_region = "" if scope.prefix == "" else " WHERE r.region_code LIKE %(prefix)s"
        r_t = RuleHit._meta.db_table
        ms, counts = timed(lambda scope=scope: queries.rule_hit_counts(scope))
        b = bare(f"SELECT r.rule, count(*) FROM {r_t} r{hits_region} GROUP BY r.rule", p)
        row(f"rule hit counts, {name}", ms, str(counts), measured=b)
        ms, page = timed(lambda scope=scope: list(queries.rule_hits(scope)[:50]))
        b = bare(
            f"SELECT r.id, r.rule, r.at, r.actor_name, r.data, c.number, e.action FROM {r_t} r "
            f"JOIN {c_t} c ON c.id = r.case_id JOIN {CaseEvent._meta.db_table} e ON e.id = r.event_id"
            f"{hits_region} ORDER BY r.at DESC, r.id DESC LIMIT 50",
            p,
        )
        row(f"rule hits first 50, {name}", ms, f"{len(page)} rows", measured=b)
        ms, n = timed(
            lambda scope=scope: (
                queries.unsigned_pushes(scope, TODAY).count(),
                list(queries.unsigned_pushes(scope, TODAY)[:50]),
            )
        )
        pushes = queries.unsigned_pushes(scope, TODAY)
        b = own_count_sql(pushes) + own_sql(pushes[:50])
        row(
            f"unsigned pushes count + first 50 (bare: its SQL), {name}",
            ms,
            f"{n[0]} pushes",
            measured=b,
        )
        ms, n = timed(
            lambda scope=scope: (
                queries.overdue_support_requests(scope, TODAY).count(),
                list(queries.overdue_support_requests(scope, TODAY)[:50]),
            )
        )
        asked = queries.overdue_support_requests(scope, TODAY)
        b = own_count_sql(asked) + own_sql(asked[:50])
        row(
            f"overdue support requests count + first 50 (bare: its SQL), {name}",
            ms,
            f"{n[0]} requests",
            measured=b,
        )


def bench_statistics(scopes: dict, show_plans: bool) -> None:
    """(c) the statistics from the roll-up rows."""
    from oneseal.esupervision import queries

    print("\n(c) statistics (from the roll-up rows)")
    county = scopes["640221"]
    month = (dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    for by in queries.By.ALL:
        ms, report = timed(
            lambda by=by: queries.statistics(county, start=month[0], end=month[1], by=by)
        )
        row(
            f"May 2025, 640221, by {by}",
            ms,
            f"{len(report.rows)} rows, {report.totals.received} received, "
            f"p90 {report.totals.p90_days}",
            measured=stat_bare(county.prefix, *month, by),
        )
    ms, report = timed(
        lambda: queries.statistics(scopes["all"], start=month[0], end=month[1], by="department")
    )
    row(
        "May 2025, all regions, by department",
        ms,
        f"{report.totals.received} received",
        measured=stat_bare("", *month, "department"),
    )
    part = (dt.date(2025, 5, 2), dt.date(2025, 5, 31))
    for name, scope in scopes.items():
        ms, report = timed(
            lambda scope=scope: queries.statistics(scope, start=part[0], end=part[1], by="item")
        )
        row(
            f"2–31 May 2025 (not whole months: daily sums), {name}, by item",
            ms,
            f"{report.totals.received} received, p90 {report.totals.p90_days}",
            measured=stat_bare(scope.prefix, *part, "item"),
        )
    year = (dt.date(2024, 7, 1), dt.date(2025, 6, 30))
    for by in ("month", "item", "section", "handler"):
        ms, report = timed(
            lambda by=by: queries.statistics(scopes["all"], start=year[0], end=year[1], by=by),
            repeat=3,
        )
        row(
            f"July 2024–June 2025, all regions, by {by}",
            ms,
            f"{len(report.rows)} rows, {report.totals.received} received, {report.totals.decided} decided, "
            f"p90 {report.totals.p90_days}",
            measured=stat_bare("", *year, by),
        )
    # Not whole months: the part-months from the daily sums, the months between from the
    # monthly ones; "before" is how it was read until the daily sums existed (every milestone
    # of the period, grouped), in this run.
    from django.db.models import IntegerField
    from django.db.models.functions import Coalesce, TruncMonth

    from oneseal.esupervision.jobs import no_jit

    def from_milestones(scope, start, end, by):
        rows = queries.milestones(scope, start, end)
        key = (
            TruncMonth("happened_on")
            if by == "month"
            else Coalesce(f"{by}_id", -1, output_field=IntegerField())
        )
        with no_jit():
            return (
                list(
                    rows.annotate(key=key)
                    .values("key")
                    .annotate(**queries.MEASURES)
                    .order_by("key")
                ),
                rows.aggregate(**queries.MEASURES),
            )

    for label, odd, scope_name, by in (
        (
            "17 June 2024–16 June 2025 (a year, not whole months), all regions, by month",
            (dt.date(2024, 6, 17), TODAY),
            "all",
            "month",
        ),
        (
            "17 June 2024–16 June 2025 (a year, not whole months), all regions, by handler",
            (dt.date(2024, 6, 17), TODAY),
            "all",
            "handler",
        ),
        (
            "2 June 2024–30 May 2025, 640221, by item",
            (dt.date(2024, 6, 2), dt.date(2025, 5, 30)),
            "640221",
            "item",
        ),
    ):
        scope = scopes[scope_name]
        ms, report = timed(
            lambda scope=scope, odd=odd, by=by: queries.statistics(
                scope, start=odd[0], end=odd[1], by=by
            ),
            repeat=3,
        )
        before, (_rows, totals) = timed(
            lambda scope=scope, odd=odd, by=by: from_milestones(scope, odd[0], odd[1], by), repeat=1
        )
        agree = (
            "agree"
            if totals["received"] == report.totals.received
            and totals["decided"] == report.totals.decided
            else "** DIFFER **"
        )
        row(
            label,
            ms,
            f"{report.totals.received} received; before (milestones) {before:.0f} ms, "
            f"{before / ms:.0f}× faster; totals {agree}",
            measured=stat_bare(scope.prefix, *odd, by),
        )
    ms, report = timed(lambda: queries.reform_measures(county, on=TODAY))
    row("reform measures, 640221", ms, f"{len(report.rows)} items")
    if show_plans:
        rows = queries.milestones(county, *month)
        print(
            rows.values("department").annotate(**queries.MEASURES).order_by().explain(analyze=True)
        )


def bench_client_pages(county_overseer) -> None:
    """(d) the pages through Django's test client, whole requests."""
    print("\n(d) the pages through Django's test client (county overseer), whole request")
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(county_overseer)
    for label, url in [
        ("dashboard", reverse("esupervision:dashboard")),
        ("warning list red", reverse("esupervision:warnings", args=["red"])),
        ("overdue list delivery", reverse("esupervision:overdue", args=["delivery"])),
        ("rule hits", reverse("esupervision:hits")),
        (
            "statistics May 2025 by item",
            reverse("esupervision:statistics") + "?by=item&from=2025-05-01&to=2025-05-31",
        ),
        (
            "statistics May 2025 by item, xlsx",
            reverse("esupervision:statistics")
            + "?by=item&from=2025-05-01&to=2025-05-31&format=xlsx",
        ),
        ("reform measures", reverse("esupervision:reform")),
        ("API overview", "/api/v1/esupervision/overview"),
        (
            "API statistics May 2025 by handler",
            "/api/v1/esupervision/statistics?by=handler&from=2025-05-01&to=2025-05-31",
        ),
    ]:
        ms, response = timed(lambda url=url: client.get(url), repeat=3)
        row(label, ms, f"HTTP {response.status_code}")


def bench_lists(world: dict, n: int, show_plans: bool = False) -> None:
    """The case list API and the workbench's queues at this many cases: p50 and p99 of `n`
    requests per filter through Django's test client, for a county clerk (a tenth of the
    cases) and a superuser (all). Deep pages both ways: by `offset` (what clients counting
    pages send) and by the cursor a `next` link carries (a position made from the row at that
    depth, as the link would hold it)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from oneseal.api.pagination import CaseListPagination
    from oneseal.applicants.models import Applicant
    from oneseal.cases.models import Case
    from oneseal.cases.queries import case_rows
    from oneseal.interface.keyset import Position, order_of, values_of
    from oneseal.workbench import queries as wq

    users = get_user_model().objects
    item = Case.objects.order_by("id").values_list("handling_item_id", flat=True).first()
    item_id = (
        Case.objects.filter(pk__isnull=False)
        .values_list("handling_item__item_version__item_id", flat=True)
        .first()
    )
    number = Case.objects.order_by("-id").values_list("number", flat=True).first()
    clerk0 = users.get(username="clerk0")
    name = (
        Applicant.objects.filter(pk__in=case_rows(clerk0).values("applicant_id")[:1])
        .values_list("name", flat=True)
        .first()
    )
    keys = CaseListPagination.keys
    # As each web worker does once it has loaded the application (deploy/gunicorn.conf.py,
    # post_worker_init): what is alive now is moved out of the collector's reach and the first
    # generation is collected after 7,000 allocations. Without it this process's full
    # collections walked everything it had loaded, 165–280 ms each on a loaded machine, and
    # each landed on one request of whichever list was being timed: a p99 of 20 requests is
    # their slowest, so that list's figure was the collector's (docs/performance.md).
    gc.collect()
    gc.freeze()
    gc.set_threshold(int(os.environ.get("ONESEAL_GC_GEN0", "7000")), *gc.get_threshold()[1:])
    print(f"\n(e) case list API and workbench queues, {n} requests each (p99 aim < 100 ms)")
    for who in ("clerk0", "root"):
        user = users.get(username=who)
        client = Client()
        client.force_login(user)
        deep = list(case_rows(user).order_by(*order_of(keys))[4999:5000])
        cursor = Position(values_of(deep[0], keys), page=101).token() if deep else ""
        api = [
            ("API list", "/api/v1/cases?limit=50"),
            ("API list state=accepted", "/api/v1/cases?limit=50&state=accepted"),
            ("API list handling_item", f"/api/v1/cases?limit=50&handling_item={item}"),
            (
                "API list received in May 2025",
                "/api/v1/cases?limit=50&received_from=2025-05-01&received_to=2025-05-31",
            ),
            ("API list page 101 by offset 5,000", "/api/v1/cases?limit=50&offset=5000"),
            ("API list page 101 by cursor", f"/api/v1/cases?limit=50&cursor={cursor}"),
        ]
        home = reverse("workbench:home")
        deep_queue = list(
            wq.queue_cases(user, wq.QUEUE_BY_KEY["all"]).order_by(
                *order_of(wq.QUEUE_BY_KEY["all"].keys)
            )[2499:2500]
        )
        queue_cursor = (
            Position(values_of(deep_queue[0], wq.QUEUE_BY_KEY["all"].keys), page=101).token()
            if deep_queue
            else ""
        )
        # Only the queues this role has: another is a 404 by design (a clerk has no review
        # or decision queue), not a page to measure.
        pages = [
            (f"workbench queue {q.key}", f"{home}?queue={q.key}") for q in wq.queues_for(user)
        ] + [
            ("workbench all, state=accepted", f"{home}?queue=all&state=accepted"),
            ("workbench all, item", f"{home}?queue=all&item={item_id}"),
            (
                "workbench all, received May 2025",
                f"{home}?queue=all&received_from=2025-05-01&received_to=2025-05-31",
            ),
            ("workbench all, page 101 by ?page=", f"{home}?queue=all&page=101"),
            ("workbench all, page 101 by cursor", f"{home}?queue=all&cursor={queue_cursor}"),
            ("workbench all, search a number", f"{home}?queue=all&q={number}"),
            ("workbench all, search a number's tail", f"{home}?queue=all&q={number[-8:]}"),
            ("workbench all, search an applicant's name", f"{home}?queue=all&q={name}"),
        ]
        for label, url in api + pages:
            response = client.get(url)
            if response.status_code != 200:
                # A figure of an error page would pass for a fast list: stop the run.
                raise SystemExit(f"{label}, {who}: HTTP {response.status_code} for {url}")
            median, worst, response, cpu = p99(lambda url=url, client=client: client.get(url), n)
            statements, db = sql_of(lambda url=url, client=client: client.get(url))
            mark = "" if worst < 100 else "   ** p99 over 100 ms **"
            print(
                f"  {label + ', ' + who:<62} p50 {median:7.1f} ms  p99 {worst:7.1f} ms  "
                f"CPU {cpu:6.1f} ms  SQL {statements:2d} st. {db:6.1f} ms{mark}"
            )
        if show_plans:
            everything = wq.QUEUE_BY_KEY["all"]
            for label, qs in (
                (
                    "search a number's tail",
                    wq.queue_cases(user, everything, filters={"q": number[-8:]})[:26],
                ),
                (
                    "search an applicant's name",
                    wq.queue_cases(user, everything, filters={"q": name})[:26],
                ),
                ("decide queue, first page", wq.queue_cases(user, wq.QUEUE_BY_KEY["decide"])[:26]),
            ):
                print(f"\n  EXPLAIN ANALYZE {label}, {who}:")
                print("    " + qs.explain(analyze=True).replace("\n", "\n    "))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument(
        "--database-url", default="", help="the cluster (default: scripts/postgres.sh)"
    )
    parser.add_argument(
        "--reseed", action="store_true", help="drop the kept seed and make a new one"
    )
    parser.add_argument("--drop", action="store_true", help=f"drop {DB_NAME} at the end")
    parser.add_argument(
        "--plans",
        action="store_true",
        help="print EXPLAIN ANALYZE of the month statistics, the case search and the decide queue",
    )
    parser.add_argument(
        "--requests", type=int, default=30, help="requests per list filter (p99 of these)"
    )
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help="the sections to run on the kept seed, comma-separated, of: "
        + ", ".join(SECTIONS)
        + " (default all; seeding happens first whenever the database holds no seed)",
    )
    parser.add_argument("--lists-only", action="store_true", help="the same as --only lists")
    parser.add_argument(
        "--database-name", default=DB_NAME, help="another name, e.g. for a small trial seed"
    )
    args = parser.parse_args()
    only = ["lists"] if args.lists_only else [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")

    base = args.database_url or subprocess.check_output(["scripts/postgres.sh"], text=True).strip()
    dsn, fresh = ensure_database(base, args.database_name, args.reseed)
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    os.environ.setdefault("ONESEAL_DEBUG", "0")
    os.environ.setdefault("ONESEAL_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("ONESEAL_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("ONESEAL_PUBLIC_URL", "https://bench.example.gov.cn")
    # The test client speaks plain HTTP: no redirect to HTTPS (a proxy terminates TLS).
    os.environ.setdefault("ONESEAL_SSL_REDIRECT", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from oneseal.esupervision import jobs
    from oneseal.esupervision.models import RollupState

    try:
        call_command("migrate", verbosity=0)
        print(
            f"PostgreSQL {scalar('SHOW server_version')}, {os.cpu_count()} CPUs, database {args.database_name}"
        )
        stored = RollupState.objects.filter(key=SEED_KEY).first()
        if fresh or stored is None or stored.value != str(args.cases):
            if not fresh:
                raise SystemExit(
                    f"{args.database_name} holds another seed ({stored.value if stored else 'none'}): use --reseed"
                )
            print(f"\n(a) seeding {args.cases:,} cases (kept for the next run)")
            world = make_world()
            seed(world, args.cases)
            t0 = time.perf_counter()
            result = jobs.rollup(TODAY, rebuild=True)
            sql("VACUUM ANALYZE")
            print(
                f"  full roll-up (rebuild): {time.perf_counter() - t0:.1f} s — {result.summary()}"
            )
            RollupState.objects.update_or_create(key=SEED_KEY, defaults={"value": str(args.cases)})
        else:
            print(f"\n(a) reusing the seed of {args.cases:,} cases")
            world = reload_world()
        from oneseal.cases.models import Case, CaseEvent
        from oneseal.esupervision.models import CaseMilestone, RuleHit

        print(
            f"  cases {Case.objects.count():,}, events {CaseEvent.objects.count():,}, "
            f"milestones {CaseMilestone.objects.count():,}, rule hits {RuleHit.objects.count():,}"
        )
        timezone.activate("Asia/Shanghai")
        if "sizes" in only:
            with section("sizes of the seed"):
                bench_sizes()
        if "rollup" in only:
            with section("(a) the roll-up on the kept seed"):
                ms, result = timed(lambda: jobs.rollup(TODAY), repeat=3)
                row("idle roll-up pass (nothing new)", ms, result.summary())
                add_events(world, 1000)
                t0 = time.perf_counter()
                result = jobs.rollup(TODAY)
                row(
                    "roll-up pass after 1,000 new events",
                    (time.perf_counter() - t0) * 1000,
                    result.summary(),
                )
        if {"supervision", "statistics", "pages"} & set(only):
            county_overseer, scopes = readers(world)
            if "supervision" in only:
                with section("(b) e-supervision page queries"):
                    bench_live(scopes)
            if "statistics" in only:
                with section("(c) statistics"):
                    bench_statistics(scopes, args.plans)
            if "pages" in only:
                with section("(d) e-supervision pages"):
                    bench_client_pages(county_overseer)
        if "lists" in only:
            with section("(e) case lists and queues"):
                bench_lists(world, args.requests, args.plans)
    finally:
        connection.close()
        if args.drop:
            drop_database(base, args.database_name)


@contextlib.contextmanager
def section(title: str):
    """Prints the load average before and after a section: on a shared machine the absolute
    figures of a loaded run are inflated, and this says which runs were loaded."""
    t0 = time.perf_counter()
    print(f"\n== {title}: load average {load()} at the start")
    yield
    print(f"== {title}: load average {load()} at the end, {time.perf_counter() - t0:.0f} s")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def bench_sizes() -> None:
    """What the seed takes on disk, per table with its indexes, and the rows per county: the
    base of the province's extrapolation in docs/scaling.md."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"  database: {cur.fetchone()[0]}")
        cur.execute(
            "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid), "
            "pg_relation_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
            "AND n.nspname = current_schema() ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 12"
        )
        print(f"  {'table':<32} {'rows (est.)':>12} {'total MB':>9} {'heap MB':>8} {'index MB':>9}")
        for name, rows, total, heap, index in cur.fetchall():
            mb = 1024 * 1024
            print(
                f"  {name:<32} {rows:>12,} {total / mb:>9.0f} {heap / mb:>8.0f} {index / mb:>9.0f}"
            )
        cur.execute(
            "SELECT region_code, count(*), count(*) FILTER (WHERE state IN "
            "('received', 'accepted', 'suspended', 'granted')) FROM cases_case GROUP BY 1 ORDER BY 1"
        )
        for code, n, running in cur.fetchall():
            print(f"  county {code}: {n:,} cases, {running:,} open")


def reload_world() -> dict:
    from django.contrib.auth import get_user_model

    from oneseal.regions.models import Region

    users = get_user_model().objects
    return {
        "county": Region.objects.get(code="640221"),
        "clerks": list(users.filter(username__startswith="clerk").order_by("id")),
        "signatories": list(users.filter(username__startswith="chief").order_by("id")),
    }


if __name__ == "__main__":
    main()
