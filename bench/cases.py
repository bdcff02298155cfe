"""Cases on PostgreSQL: accept-case throughput and the warning scan at county-and-beyond scale.

    .venv/bin/python bench/cases.py [--cases 2000] [--api-cases 500] [--open-cases 1000000]
                                    [--database-url postgres://…] [--database-name oneseal_bench]
                                    [--workers 2] [--skip-accept] [--skip-scan] [--no-plans] [--keep]

It creates its own database (`oneseal_bench`, or --database-name) on the local cluster (scripts/postgres.sh starts it),
migrates it, and drops it at the end unless --keep. Run by hand; not part of the test suite.

(a) Accept a case, N times, each figure in cases per second with its p99:
    - bare SQL with psycopg, the transaction of ../shared/docs/performance.md: insert the case,
      SELECT … FOR UPDATE, update its state, insert two hash-chained event rows, commit —
      on 1 and on 2 connections, into oneseal's own tables;
    - oneseal's actions in process (`actions.receive` + `actions.accept`), 1 connection;
    - oneseal's API over HTTP (POST /api/v1/cases, then POST /api/v1/cases/{id}/accept) served
      by gunicorn (--workers sync workers, 2 by default; persistent database connections) on
      127.0.0.1, from 1 and 2 clients, after a warm-up;
    - the floor (unless --no-floor): the same gunicorn and settings serving `bench.floor_settings`,
      whose one extra endpoint (bench/floor_urls.py, never in oneseal's URLs) signs in and
      parses as the API does and makes one INSERT in a transaction; a "case" is two POSTs;
    in one table, each beside the bare-SQL rate with as many connections measured in this run,
    their ratio (the aim for the API: at least 0.5) and the SQL statements per case; then the
    CPU time each case took (process time, from /proc) in the load generator, the server's
    workers and the PostgreSQL backends, and the ratio of bare SQL's total to each row's.
(b) The warning scan over `--open-cases` open cases seeded with INSERT … SELECT generate_series:
    `jobs.warning_scan` (all regions and one county), one page of `jobs.cases_by_warning`, and
    the worker's idle jobs, in ms, with the EXPLAIN ANALYZE plans; then the same after adding
    candidate indexes (bench database only: the models decide the real ones).
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DB_NAME = "oneseal_bench"
GENESIS = "0" * 64
TODAY = dt.date(2025, 6, 16)  # a Monday with no holiday near it
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


def setup_database(url_base: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url_base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url_base.rsplit("/", 1)[0] + "/" + name


def drop_database(url_base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url_base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def p99(samples: list[float]) -> float:
    return (
        statistics.quantiles(samples, n=100)[98] * 1000
        if len(samples) >= 100
        else max(samples) * 1000
    )


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_of(pids) -> float:
    """CPU seconds the processes `pids` have used so far: /proc/PID/schedstat's time on a CPU
    (nanoseconds), else /proc/PID/stat's user + system ticks; 0 for one that is gone."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/schedstat") as f:
                total += int(f.read().split()[0]) / 1e9
            continue
        except (OSError, ValueError, IndexError):
            pass
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime
    return total


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                found.append(int(entry))
    return found


def other_backends() -> list[int]:
    """The PostgreSQL backends of the bench's database other than this process's own."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return [pid for (pid,) in cur.fetchall()]


class Cpu:
    """CPU seconds used during a run: this process (the load generator), the server's workers,
    the database backends. Process time, so a loaded machine's waits do not count."""

    def __init__(self, server: list[int] = (), backends: list[int] = ()):
        self.server, self.backends = list(server), list(backends)

    def __enter__(self):
        self.t0 = (time.process_time(), cpu_of(self.server), cpu_of(self.backends))
        return self

    def __exit__(self, *exc):
        client, server, backends = self.t0
        self.client = time.process_time() - client
        self.server_s = cpu_of(self.server) - server
        self.backends_s = cpu_of(self.backends) - backends

    def per_case(self, n: int) -> tuple[float, float, float]:
        """ms of CPU per case: load generator, server, database."""
        return tuple(x * 1000 / n for x in (self.client, self.server_s, self.backends_s))


def run_parallel(workers: int, n: int, one) -> tuple[float, list[float]]:
    """Run `one(worker, i)` n times spread over `workers` threads; (per second, latencies)."""
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(w: int):
        mine = []
        try:
            for i in range(w, n, workers):
                t0 = time.perf_counter()
                one(w, i)
                mine.append(time.perf_counter() - t0)
        except BaseException as error:
            errors.append(error)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise errors[0]
    return n / elapsed, latencies


# --- fixtures: one county with a bureau, a published handling item, a clerk, an applicant ---


def make_world():
    from django.contrib.auth import get_user_model

    from oneseal.applicants.actions import register_applicant
    from oneseal.catalogue import actions as catalogue_actions
    from oneseal.catalogue.models import Catalogue, HandlingItem, Material
    from oneseal.organisation.models import Bureau, Department, Role, Staff, StaffRole
    from oneseal.regions.actions import GB2260_SOURCE, gb2260_table, load_regions
    from oneseal.regions.models import Region

    load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix="64", system=True)
    county = Region.objects.get(code="640221")
    bureau = Bureau.objects.create(
        region=county, name="平罗县审批服务管理局", complaint_phone="0952-12345"
    )
    department = Department.objects.create(
        region=county, name="平罗县市场监督管理局", short_name="市场监管局", order=6
    )
    catalogue = Catalogue.objects.create(
        region=county, bureau=bureau, name="平罗县审批服务事项目录"
    )

    def staff(username, role):
        user = get_user_model().objects.create_user(username=username, password="bench-" + username)
        s = Staff.objects.create(user=user, region=county, display_name=username, bureau=bureau)
        StaffRole.objects.create(staff=s, role=role)
        return user

    admin, clerk = staff("catadmin", Role.CATALOGUE_ADMIN), staff("clerk", Role.CLERK)
    version = catalogue_actions.create_item(
        catalogue,
        actor=admin,
        basic_code="640221-XK-001",
        name="食品经营许可",
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        original_department=department,
    )
    hi = catalogue_actions.save_draft_part(
        HandlingItem(
            item_version=version,
            code="640221-XK-001-01",
            name="食品经营许可（新办）",
            statutory_limit_days=20,
            promised_limit_days=5,
            complaint_phone="0952-12345",
        ),
        actor=admin,
    )
    # Optional only, so that acceptance needs no material check: the bench measures the
    # accept transaction, as the bare-SQL baseline does.
    catalogue_actions.save_draft_part(
        Material(handling_item=hi, name="食品经营许可申请书", order=1, is_required=False),
        actor=admin,
    )
    catalogue_actions.publish(version, actor=admin, effective_from=dt.date(2024, 1, 1))
    applicant = register_applicant(
        actor=clerk,
        kind="organisation",
        name="平罗县𠮷祥餐饮有限公司",
        number="91350100M000100Y43",
        phone="0952-6012345",
    )
    # Read back as a request reads it (published, with its catalogue's region and bureau), not
    # the draft object the catalogue actions were given.
    hi = HandlingItem.objects.select_related("item_version__item__catalogue__region__bureau").get(
        pk=hi.pk
    )
    return {
        "county": county,
        "bureau": bureau,
        "handling_item": hi,
        "clerk": clerk,
        "applicant": applicant,
    }


def case_columns(world, overrides: dict) -> tuple[list[str], list]:
    """Every concrete column of cases_case: `overrides` where given, else the field's default,
    so the bench keeps working when the model gains a column with a default."""
    from django.db import connection

    from oneseal.cases.models import Case

    names, values = [], []
    for f in Case._meta.concrete_fields:
        if f.primary_key:
            continue
        names.append(f.column)
        if f.column in overrides:
            values.append(overrides[f.column])
        else:
            values.append(f.get_db_prep_save(f.get_default(), connection))
    return names, values


# --- (a) accept-case throughput -----------------------------------------------------------


def bare_sql_accept(dsn: str, world, n: int, connections: int, tag: str):
    import psycopg
    from psycopg.types.json import Jsonb

    received_at = dt.datetime(2025, 6, 16, 9, 0, tzinfo=dt.UTC)
    base = {
        "handling_item_id": world["handling_item"].pk,
        "applicant_id": world["applicant"].pk,
        "bureau_id": world["bureau"].pk,
        "region_id": world["county"].pk,
        "region_code": "640221",
        "state": "received",
        "received_at": received_at,
        "received_on": TODAY,
        "materials_arrived_on": TODAY,
        "acceptance_due": dt.date(2025, 6, 23),
        "query_code": "000000",
        "lock_version": 0,
    }
    conns = [psycopg.connect(dsn) for _ in range(connections)]

    def event_row(case_id, seq, action, from_state, to_state, prev):
        fields = {
            "case": case_id,
            "seq": seq,
            "at": received_at.isoformat(),
            "on": TODAY.isoformat(),
            "actor": None,
            "actor_name": "bench",
            "action": action,
            "from": from_state,
            "to": to_state,
            "reason": "",
            "data": {},
            "notice_due": "",
            "prev": prev,
        }
        digest = hashlib.sha256(
            json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
        return (
            case_id,
            seq,
            received_at,
            TODAY,
            "bench",
            action,
            from_state,
            to_state,
            "",
            Jsonb({}),
            "",
            prev,
            digest,
        )

    insert_event = (
        'INSERT INTO cases_caseevent (case_id, seq, "at", "on", actor_name, action, from_state, to_state, '
        "reason, data, notice_due, prev_hash, hash) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
    )

    def one(w, i):
        conn = conns[w]
        names, values = case_columns(world, {**base, "number": f"{tag}{i:09d}"})
        with conn.transaction():
            cur = conn.cursor()
            cur.execute(
                f"INSERT INTO cases_case ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))}) "
                "RETURNING id",
                values,
            )
            case_id = cur.fetchone()[0]
            cur.execute(
                "SELECT state, lock_version FROM cases_case WHERE id = %s FOR UPDATE", (case_id,)
            )
            cur.execute(
                "UPDATE cases_case SET state = 'accepted', lock_version = lock_version + 1, accepted_on = %s, "
                "promised_due = %s, statutory_due = %s WHERE id = %s",
                (TODAY, dt.date(2025, 6, 23), dt.date(2025, 7, 14), case_id),
            )
            first = event_row(case_id, 1, "receive", "", "received", GENESIS)
            cur.execute(insert_event, first)
            cur.execute(
                insert_event, event_row(case_id, 2, "accept", "received", "accepted", first[-1])
            )

    try:
        with Cpu(backends=[c.info.backend_pid for c in conns]) as cpu:
            rate, latencies = run_parallel(connections, n, one)
        return rate, latencies, cpu
    finally:
        for c in conns:
            c.close()


def actions_accept(world, n: int):
    from django.db import connection

    from oneseal.cases import actions

    hi, applicant, clerk = world["handling_item"], world["applicant"], world["clerk"]

    def one(w, i):
        case = actions.receive(hi, actor=clerk, applicant=applicant)
        actions.accept(case, actor=clerk)

    # In this thread (run_parallel's threads each open a connection of their own), so that
    # the backend whose CPU is counted is the one serving the cases.
    connection.ensure_connection()
    latencies = []
    with Cpu(backends=[connection.connection.info.backend_pid]) as cpu:
        t0 = time.perf_counter()
        for i in range(n):
            t1 = time.perf_counter()
            one(0, i)
            latencies.append(time.perf_counter() - t1)
        rate = n / (time.perf_counter() - t0)
    return rate, latencies, cpu


def query_counts(world) -> dict:
    """SQL queries per request of the two API calls (signed in by session; after one warm-up
    pair, as in a running server), from Django's test client in process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from oneseal.calendars.queries import current_calendar

    client = Client()
    client.force_login(world["clerk"])
    body = {
        "handling_item": world["handling_item"].pk,
        "applicant": world["applicant"].pk,
        "channel": "window",
    }
    warm = client.post(
        "/api/v1/cases", body, content_type="application/json"
    )  # as a running server is
    client.post(f"/api/v1/cases/{warm.json()['id']}/accept", {}, content_type="application/json")
    # The calendar's freshness check (two queries at most every 5 s, calendars.queries) is
    # left out: a server under load makes it once per 5 s, not once per request.
    current_calendar()
    with CaptureQueriesContext(connection) as opened:
        response = client.post("/api/v1/cases", body, content_type="application/json")
    if response.status_code != 201:
        raise SystemExit(
            f"POST /api/v1/cases answered {response.status_code}: {response.content[:300]!r}"
        )
    case_id = response.json()["id"]
    current_calendar()
    with CaptureQueriesContext(connection) as accepted:
        response = client.post(
            f"/api/v1/cases/{case_id}/accept", {}, content_type="application/json"
        )
    if response.status_code != 200:
        raise SystemExit(f"POST accept answered {response.status_code}: {response.content[:300]!r}")
    return {"open": len(opened), "accept": len(accepted)}


CONN_MAX_AGE = "60"


def serve(
    dsn: str, workers: int, settings: str = "oneseal.settings"
) -> tuple[int, subprocess.Popen, str]:
    """oneseal's WSGI app under gunicorn, as production serves it: `workers` pre-forked sync
    workers on 127.0.0.1, each keeping its database connection between requests
    (ONESEAL_CONN_MAX_AGE, as a production deployment sets it). `settings`: the floor's
    server runs `bench.floor_settings` (oneseal's settings with one more URL)."""
    import gunicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "ONESEAL_CONN_MAX_AGE": CONN_MAX_AGE,
        "DJANGO_SETTINGS_MODULE": settings,
    }
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    server = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "oneseal.wsgi:application",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--chdir",
            root,
        ],
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited with {server.returncode}") from None
            time.sleep(0.2)
    else:
        server.terminate()
        raise SystemExit("gunicorn did not start within 30 s")
    label = (
        f"gunicorn {gunicorn.__version__}, {workers} sync workers, "
        f"persistent database connections (CONN_MAX_AGE={CONN_MAX_AGE})"
    )
    return port, server, label


def api_accept(world, port: int, n: int, clients: int, floor: bool = False):
    """n cases over HTTP from `clients` threads, each with its own keep-alive connection: the
    two requests of a case (open, accept), or with `floor` two POSTs to the floor endpoint."""
    import http.client

    from django.test import Client

    login = Client()
    login.force_login(world["clerk"])
    session = login.cookies["sessionid"].value
    csrf = "b" * 32
    headers = {
        "Content-Type": "application/json",
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
    }
    body = json.dumps(
        {
            "handling_item": world["handling_item"].pk,
            "applicant": world["applicant"].pk,
            "channel": "window",
        }
    )
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=120) for _ in range(clients)]

    def post(conn, path, payload):
        conn.request("POST", path, payload, headers)
        response = conn.getresponse()
        data = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{path} answered {response.status}: {data[:300]!r}")
        if response.getheader("Connection", "").lower() == "close" or response.version == 10:
            conn.close()
        return json.loads(data)

    def one(w, i):
        case = post(conns[w], "/api/v1/cases", body)
        post(conns[w], f"/api/v1/cases/{case['id']}/accept", "{}")

    def one_floor(w, i):
        post(conns[w], "/bench/floor", body)
        post(conns[w], "/bench/floor", body)

    return run_parallel(clients, n, one_floor if floor else one)


BARE_SQL_STATEMENTS = 7  # BEGIN, INSERT case, SELECT … FOR UPDATE, UPDATE, 2 × INSERT event, COMMIT


def actions_statements(world) -> int:
    """SQL statements of one receive + accept in process (BEGIN and COMMIT included), after a
    warm-up pair, as in a running process (the calendar, the published checklist)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oneseal.calendars.queries import current_calendar
    from oneseal.cases import actions

    warm = actions.receive(
        world["handling_item"], actor=world["clerk"], applicant=world["applicant"]
    )
    actions.accept(warm, actor=world["clerk"])
    current_calendar()  # its freshness check: two queries at most every 5 s, not per case
    with CaptureQueriesContext(connection) as captured:
        case = actions.receive(
            world["handling_item"], actor=world["clerk"], applicant=world["applicant"]
        )
        actions.accept(case, actor=world["clerk"])
    return len(captured)


def http_rows(dsn, world, workers, n_api, what, stmts, settings, floor, rows):
    """The HTTP rows of one server (started here, stopped after): a warm-up, then 1 and 2
    clients, each with the CPU of the load generator, the workers and their backends."""
    port, server, label = serve(dsn, workers, settings)
    try:
        api_accept(world, port, min(n_api, 20), workers, floor)  # each worker imports, connects
        pids, backends = children_of(server.pid), other_backends()
        for clients in (1, 2):
            with Cpu(pids, backends) as cpu:
                rate, lat = api_accept(world, port, n_api, clients, floor)
            rows.append((what, clients, rate, p99(lat), stmts, cpu.per_case(n_api)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return label


def bench_accept(dsn: str, world, n: int, n_api: int, workers: int, floor: bool = True):
    """Each figure beside the bare-SQL baseline of the same run, with the same number of
    connections (clients), the SQL statements each needs and the CPU each case took, split
    between the load generator (this process), the server and PostgreSQL."""
    from django.db import connection

    from oneseal.cases.models import Case

    print(f"\n(a) accept a case, N = {n} (API: {n_api})")
    rows = []  # (what, connections, cases/s, p99 ms, statements per case, CPU ms per case)
    sql = {}
    for conns in (1, 2):
        rate, lat, cpu = bare_sql_accept(dsn, world, n, conns, tag=f"S{conns}")
        sql[conns] = rate
        rows.append(("bare SQL", conns, rate, p99(lat), str(BARE_SQL_STATEMENTS), cpu.per_case(n)))
    statements = actions_statements(world)
    rate, lat, cpu = actions_accept(world, n)
    client, _, backend = cpu.per_case(n)
    rows.append(
        (
            "actions in process (receive + accept)",
            1,
            rate,
            p99(lat),
            str(statements),
            (client, 0.0, backend),
        )
    )
    if floor:
        from bench.floor_urls import CREATE_TABLE

        with connection.cursor() as cur:
            cur.execute(CREATE_TABLE)
        http_rows(
            dsn,
            world,
            workers,
            n_api,
            "floor: 2 POSTs, 1 INSERT each",
            "2 × (2 + INSERT)",
            "bench.floor_settings",
            True,
            rows,
        )
    counts = query_counts(world)
    per_api_case = (
        f"{counts['open'] + counts['accept']} ({counts['open']} open + {counts['accept']} accept)"
    )
    label = http_rows(
        dsn,
        world,
        workers,
        n_api,
        "API over HTTP (2 requests per case)",
        per_api_case,
        "oneseal.settings",
        False,
        rows,
    )
    print(f"  HTTP servers: {label}")
    print(
        f"  {'':38} {'conns':>5} {'cases/s':>8} {'p99 ms':>8} {'bare SQL/s':>10} {'ratio':>6}  statements per case"
    )
    for what, conns, rate, late, stmts, _cpu in rows:
        ratio = rate / sql[conns]
        print(
            f"  {what:38} {conns:5d} {rate:8.0f} {late:8.1f} {sql[conns]:10.0f} {ratio:6.3f}  {stmts}"
        )
    print(
        "  (ratio: cases/s over bare SQL's with as many connections, this run; the aim for the API is >= 0.5)"
    )
    print(
        "  (floor: the same gunicorn, settings, middleware, session sign-in and DRF view class as the"
        " API, one INSERT per request; its ratio is the most Django + DRF + gunicorn allow here)"
    )
    print("\n  CPU per case, ms (process time; a case over HTTP is 2 requests):")
    print(
        f"  {'':38} {'conns':>5} {'client':>7} {'server':>7} {'postgres':>8} {'total':>7}"
        f" {'CPU ratio':>9}  client's ceiling (one GIL)"
    )
    bare_total = {conns: sum(cpu) for what, conns, *_, cpu in rows if what == "bare SQL"}
    for what, conns, _rate, _late, _stmts, (client, server, backend) in rows:
        total = client + server + backend
        ceiling = f"{1000 / client:8.0f} cases/s" if client else ""
        print(
            f"  {what:38} {conns:5d} {client:7.2f} {server:7.2f} {backend:8.2f} "
            f"{total:7.2f} {bare_total[conns] / total:9.3f}  {ceiling}"
        )
    print(
        "  (client: this process, the load generator — for the actions in process, the whole of"
        " Django; server: the gunicorn workers; postgres: the backends serving them. The client's"
        " ceiling is the rate at which its threads, sharing one GIL, would use a whole core. CPU"
        " ratio: bare SQL's CPU per case over this row's — the ratio the rates reach when every"
        " core is busy, whatever else the machine runs.)"
    )
    print(f"  cases now in the database: {Case.objects.count()}")


# --- (b) the warning scan over many open cases --------------------------------------------


def seed_open_cases(world, n: int) -> float:
    """n cases spread over 10 counties: 90% accepted with promised due dates from 2 days ago to
    about 8 weeks ahead and statutory ones 0–30 days after those, 4% suspended, 4% received
    (acceptance still open), 2% granted."""
    from django.db import connection

    from oneseal.cases.models import Case

    exprs = {
        "number": "'W' || lpad(g::text, 12, '0')",
        "query_code": "'000000'",
        "region_code": f"(ARRAY{COUNTIES}::text[])[1 + mod(g, {len(COUNTIES)})]",
        "state": "CASE WHEN mod(g, 50) < 45 THEN 'accepted' WHEN mod(g, 50) < 47 THEN 'suspended' "
        "WHEN mod(g, 50) < 49 THEN 'received' ELSE 'granted' END",
        "received_at": "%(today)s::timestamptz - make_interval(days => (mod(g, 30)))",
        "received_on": "%(today)s::date - (mod(g, 30))",
        "materials_arrived_on": "%(today)s::date - (mod(g, 30))",
        "acceptance_due": "%(today)s::date + 1 + (mod(g, 5))",
        "accepted_on": "%(today)s::date - (mod(g, 30))",
        "promised_due": "%(today)s::date - 2 + mod(g::bigint * 7919, 59)::int",
        "statutory_due": "%(today)s::date - 2 + mod(g::bigint * 7919, 59)::int + mod(g::bigint * 7, 31)::int",
    }
    fixed = {
        "handling_item_id": world["handling_item"].pk,
        "applicant_id": world["applicant"].pk,
        "bureau_id": world["bureau"].pk,
        "region_id": world["county"].pk,
    }
    names, defaults = case_columns(world, fixed)
    select, params = [], {"today": TODAY, "n": n}
    for i, (name, value) in enumerate(zip(names, defaults, strict=True)):
        if name in exprs:
            select.append(exprs[name])
        else:
            params[f"v{i}"] = value
            select.append(f"%(v{i})s")
    assert Case._meta.db_table == "cases_case"
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO cases_case ({', '.join(names)}) SELECT {', '.join(select)} "
            "FROM generate_series(1, %(n)s) AS g",
            params,
        )
    vacuum()
    return time.perf_counter() - t0


def vacuum():
    """What autovacuum does soon after a bulk load: statistics, and the visibility map that
    lets index-only scans skip the table."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE cases_case")


def timed(fn, repeat: int = 7) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, result


def plan(qs) -> str:
    text = qs.explain(analyze=True, buffers=True)
    keep = [line for line in text.splitlines() if "Planning" not in line]
    return "\n".join("      " + line for line in keep)


def scan_round(label: str, show_plans: bool):
    from oneseal.cases import jobs

    print(f"  -- {label}")
    ms, counts = timed(lambda: jobs.warning_scan(TODAY))
    print(f"  warning_scan, all regions:         {ms:8.1f} ms   {counts}")
    ms, counts = timed(lambda: jobs.warning_scan(TODAY, prefix="640221"))
    print(f"  warning_scan, one county (640221): {ms:8.1f} ms   {counts}")
    for level in jobs.Level.ALL:
        ms, page = timed(
            lambda level=level: list(jobs.cases_by_warning(TODAY, level, "640221")[:50])
        )
        print(f"  cases_by_warning({level!r}, 640221)[:50]: {ms:6.1f} ms   {len(page)} rows")
    ms, n = timed(lambda: jobs.run_deemed_acceptance(TODAY), repeat=3)
    print(f"  idle run_deemed_acceptance:        {ms:8.1f} ms   ({n} deemed)")
    ms, n = timed(lambda: jobs.recompute_open_due_dates(TODAY), repeat=3)
    print(f"  idle recompute_open_due_dates:     {ms:8.1f} ms   ({n} changed)")
    if show_plans:
        for i, query in enumerate(jobs.warning_count_queries(TODAY, prefix="640221")):
            print(f"  EXPLAIN ANALYZE warning_scan (640221), query {i + 1}:")
            print(plan(query))
        print("  EXPLAIN ANALYZE cases_by_warning('red', 640221)[:50]:")
        print(plan(jobs.cases_by_warning(TODAY, "red", "640221")[:50]))
        print("  EXPLAIN ANALYZE recompute candidates:")
        from django.db.models import Q

        from oneseal.cases.models import Case, State

        print(
            plan(
                Case.objects.filter(
                    Q(state=State.RECEIVED, acceptance_due_provisional=True)
                    | Q(state=State.ACCEPTED)
                    & (Q(promised_due_provisional=True) | Q(statutory_due_provisional=True))
                )
                .order_by("pk")
                .values_list("pk", flat=True)[:500]
            )
        )


CANDIDATE_INDEXES = [
    # Partial (running cases only) and covering: each of the two counting queries is one
    # index-only range scan, and a warning list page walks the index in its own order and
    # stops after 50 rows.
    "CREATE INDEX bench_case_running_promised ON cases_case (promised_due, id) "
    "INCLUDE (statutory_due, region_code) WHERE state = 'accepted'",
    "CREATE INDEX bench_case_running_statutory ON cases_case (statutory_due, id) "
    "INCLUDE (promised_due, region_code) WHERE state = 'accepted'",
    # The worker's recompute pass reads only the provisional cases.
    "CREATE INDEX bench_case_provisional ON cases_case (id) "
    "WHERE acceptance_due_provisional OR promised_due_provisional OR statutory_due_provisional",
]


def bench_scan(world, n: int, show_plans: bool):
    from django.db import connection

    print(f"\n(b) warning scan over {n:,} cases ({TODAY.isoformat()}, 10 counties)")
    seconds = seed_open_cases(world, n)
    print(f"  seeded in {seconds:.1f} s")
    from oneseal.calendars.queries import current_calendar

    current_calendar()  # built once per process, as in the worker
    scan_round("indexes of the models as they are", show_plans)
    with connection.cursor() as cur:
        for sql in CANDIDATE_INDEXES:
            cur.execute(sql)
    vacuum()
    scan_round(
        "with the candidate indexes " + ", ".join(s.split()[2] for s in CANDIDATE_INDEXES),
        show_plans,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cases", type=int, default=2000, help="cases per bare-SQL and actions measurement"
    )
    parser.add_argument("--api-cases", type=int, default=500, help="cases per API measurement")
    parser.add_argument("--open-cases", type=int, default=1_000_000)
    parser.add_argument(
        "--database-url", default="", help="the cluster (default: scripts/postgres.sh)"
    )
    parser.add_argument("--skip-accept", action="store_true")
    parser.add_argument("--skip-scan", action="store_true")
    parser.add_argument(
        "--no-floor",
        action="store_true",
        help="skip the floor: a bench-only endpoint with one INSERT per request (bench/floor_urls.py)",
    )
    parser.add_argument(
        "--no-plans", action="store_true", help="do not print EXPLAIN ANALYZE plans"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn sync workers serving the API (default 2)"
    )
    parser.add_argument(
        "--database-name",
        default=DB_NAME,
        help=f"the bench's own database, created and dropped (default {DB_NAME})",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench's database")
    args = parser.parse_args()

    base = args.database_url or subprocess.check_output(["scripts/postgres.sh"], text=True).strip()
    dsn = setup_database(base, args.database_name)
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    os.environ.setdefault("ONESEAL_DEBUG", "0")
    os.environ.setdefault("ONESEAL_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    # Production settings, served over plain HTTP on 127.0.0.1 (the test client's host too).
    os.environ.setdefault("ONESEAL_PUBLIC_URL", "http://127.0.0.1")
    os.environ.setdefault("ONESEAL_ALLOWED_HOSTS", "127.0.0.1,testserver")
    os.environ.setdefault("ONESEAL_SSL_REDIRECT", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        world = make_world()
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            version = cur.fetchone()[0]
        print(f"PostgreSQL {version}, {os.cpu_count()} CPUs, database {args.database_name}")
        if not args.skip_accept:
            bench_accept(dsn, world, args.cases, args.api_cases, args.workers, not args.no_floor)
        if not args.skip_scan:
            bench_scan(world, args.open_cases, not args.no_plans)
    finally:
        connection.close()
        if not args.keep:
            drop_database(base, args.database_name)


if __name__ == "__main__":
    main()
