"""Profile the intake hot path: `actions.receive` + `actions.accept` in process, and the two API
requests (POST /api/v1/cases, POST /api/v1/cases/{id}/accept) through Django's test client.

    .venv/bin/python bench/profile_intake.py [--cases 100] [--database-name oneseal_profile]
                                             [--database-url postgres://…] [--top 40]
                                             [--statements] [--statement-cpu] [--wall] [--dump DIR]
                                             [--only inprocess|api|floor] [--gc-freeze] [--gc-threshold N]
                                             [--timers]

It builds a throw-away PostgreSQL database from the models (no migrations, as the test suite
does), the same world as `bench/cases.py` (one county, a published handling item, a clerk, an
applicant), warms up, then for each path prints: CPU seconds per case (`time.process_time`),
the PostgreSQL backend's CPU per case (from /proc; with
--statement-cpu, one more pass gives it per statement kind), statements per case with the SQL
grouped by table, and cProfile's top functions by cumulative
time (the profiler's timer is the process's CPU time unless --wall). --dump writes the .prof
files (for snakeviz or `python -m pstats`). Beside the CPU per case it prints the garbage
collector's collections per generation over the unprofiled cases with their CPU time (the
longest is the pause a request sees); --gc-freeze and --gc-threshold set the collector as
deploy/gunicorn.conf.py sets it in the workers. `--timers` runs one more unprofiled pass with
the functions of `TIMED` wrapped in a CPU timer each (inclusive, outermost call only): their
cost per case without cProfile's overhead per call, which inflates code made of many small
calls several times over (a `deepcopy`, a middleware) and misleads about shares. `--only floor` profiles the floor of
`bench/cases.py` instead (two POSTs to the bench-only endpoint, one INSERT each: what the
middleware, sign-in and DRF cost with nothing of oneseal's). Run by hand; not part of the test
suite.
"""

import argparse
import collections
import cProfile
import gc
import os
import pstats
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def statement_kinds(queries) -> list[tuple[str, int]]:
    """Each statement reduced to its verb and first table, counted."""
    kinds: collections.Counter[str] = collections.Counter()
    for q in queries:
        sql = q["sql"]
        verb = sql.split(None, 1)[0].upper() if sql.strip() else "?"
        table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?([a-z_0-9]+)"?', sql)
        lock = " FOR UPDATE" if "FOR UPDATE" in sql else ""
        kinds[f"{verb} {table.group(1) if table else ''}{lock}".strip()] += 1
    return kinds.most_common()


class GcTimes:
    """A `gc.callbacks` entry: the CPU time of each collection, per generation (CPU, not wall
    time, so that the other jobs on a loaded machine do not count)."""

    def __init__(self) -> None:
        self.cpu: list[list[float]] = [[], [], []]
        self.started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.process_time()
        else:
            self.cpu[info["generation"]].append(time.process_time() - self.started)


# What --timers wraps: (module or module.Class, function). Every reference to the function in a
# loaded module and in the case event hooks is replaced, so callers that imported it by name
# are timed too.
TIMED = [
    ("oneseal.api.cases.views", "opening_input"),
    ("oneseal.api.cases.details", "require_visible"),
    ("oneseal.api.cases.details", "opened_detail"),
    ("oneseal.api.cases.details", "acted_detail"),
    ("oneseal.api.cases.outputs", "case_view"),
    ("oneseal.organisation.backends.StaffBackend", "get_user"),
    ("oneseal.interface.sessions.SessionStore", "_get_session_from_db"),
    ("oneseal.cases.actions.intake", "receive"),
    ("oneseal.cases.actions._base", "lock"),
    ("oneseal.cases.actions._base", "move"),
    ("oneseal.cases.actions._base", "append_event"),
    ("oneseal.documents.actions", "issue_for_event"),
    ("oneseal.documents.actions", "_queue"),
    ("oneseal.documents.queries", "active_seal"),
    ("oneseal.audit.actions", "record"),
    ("oneseal.notifications.hooks", "case_event"),
    ("oneseal.notifications.actions", "notify_applicant"),
    ("oneseal.prepared.Prepared", "__call__"),
    ("oneseal.prepared", "insert"),
    ("oneseal.prepared", "update"),
    ("django.db.models.query.QuerySet", "bulk_create"),
    ("django.db.transaction.Atomic", "__enter__"),
    ("django.db.transaction.Atomic", "__exit__"),
]


def install_timers() -> tuple[dict, collections.Counter]:
    import functools
    import importlib

    from oneseal.cases import notices

    spent: dict[str, float] = collections.defaultdict(float)
    calls: collections.Counter[str] = collections.Counter()
    depth: collections.Counter[str] = collections.Counter()

    def timed(name, function):
        @functools.wraps(function)
        def run(*a, **k):
            depth[name] += 1
            started = time.process_time()
            try:
                return function(*a, **k)
            finally:
                depth[name] -= 1
                if not depth[name]:  # a recursive call is inside its outermost one
                    spent[name] += time.process_time() - started
                    calls[name] += 1

        return run

    for where, name in TIMED:
        try:
            owner = importlib.import_module(where)
        except ImportError:
            module, _, cls = where.rpartition(".")
            owner = getattr(importlib.import_module(module), cls)
        original = getattr(owner, name)
        if isinstance(owner, type):
            setattr(owner, name, timed(f"{owner.__name__}.{name}", original))
            continue
        wrapper = timed(name, original)
        for module in list(sys.modules.values()):
            for attr, value in list(getattr(module, "__dict__", {}).items()):
                if value is original:
                    setattr(module, attr, wrapper)
        for hooks in (notices._hooks, notices._observers):
            hooks[:] = [wrapper if h is original else h for h in hooks]
    return spent, calls


def measure(label: str, n: int, one, args) -> None:
    from cases import cpu_of  # bench/cases.py
    from django.db import connection

    from oneseal.calendars.queries import current_calendar

    for i in range(5):  # warm-up: caches, the calendar, the first catalogue reads
        one(i)
    current_calendar()
    captured: list[dict] = []

    def record(execute, sql, params, many, context):
        captured.append({"sql": sql})
        return execute(sql, params, many, context)

    # Counted at the cursor: BEGIN and COMMIT go by the connection and are not among them.
    with connection.execute_wrapper(record):
        one(5)
    if args.gc_freeze:
        gc.collect()
        gc.freeze()  # as deploy/gunicorn.conf.py does once a worker has loaded the app
    gc_times = GcTimes()
    gc.callbacks.append(gc_times)
    backend = [connection.connection.info.backend_pid] if connection.vendor == "postgresql" else []
    t0, b0 = time.process_time(), cpu_of(backend)
    for i in range(n):
        one(100 + i)
    cpu = (time.process_time() - t0) / n
    database = (cpu_of(backend) - b0) / n
    gc.callbacks.remove(gc_times)
    by_statement: collections.Counter[str] = collections.Counter()
    if backend and args.statement_cpu:
        # The backend's CPU around each statement, grouped as above: where PostgreSQL's time
        # goes (parsing and planning included; the wrapper's own cost is this process's).
        def timed(execute, sql, params, many, context):
            before = cpu_of(backend)
            try:
                return execute(sql, params, many, context)
            finally:
                by_statement[statement_kinds([{"sql": sql}])[0][0]] += cpu_of(backend) - before

        with connection.execute_wrapper(timed):
            for i in range(n):
                one(500 + i)
    profiler = cProfile.Profile() if args.wall else cProfile.Profile(time.process_time)
    profiler.enable()
    for i in range(n):
        one(1000 + i)
    profiler.disable()
    # After the profile, so that the profile has none of the timers' frames.
    timers = ""
    if args.timers:
        spent, calls = install_timers()
        for i in range(5):
            one(700 + i)
        spent.clear(), calls.clear()
        t1 = time.process_time()
        for i in range(n):
            one(800 + i)
        timers = (
            f"   timed pass: {(time.process_time() - t1) * 1000 / n:.1f} ms CPU per case\n"
            + "".join(
                f"     {ms * 1000 / n:7.3f} ms {calls[name] / n:5.1f} calls  {name}\n"
                for name, ms in sorted(spent.items(), key=lambda kv: -kv[1])
            )
        )
    print(f"\n== {label}: {cpu * 1000:.1f} ms CPU per case (unprofiled, {n} cases)")
    if backend:
        print(f"   PostgreSQL backend: {database * 1000:.1f} ms CPU per case (from /proc)")
    print(
        f"   garbage collection (threshold {gc.get_threshold()}, {gc.get_freeze_count()} frozen):"
    )
    for generation, times in enumerate(gc_times.cpu):
        if times:
            print(
                f"     generation {generation}: {len(times)} collections, "
                f"{sum(times) * 1000 / n:.2f} ms CPU per case, longest {max(times) * 1000:.1f} ms"
            )
    print(f"   statements per case: {len(captured)} (without BEGIN and COMMIT)")
    for kind, count in statement_kinds(captured):
        spent = f"  {by_statement[kind] * 1000 / n:6.2f} ms PostgreSQL CPU" if by_statement else ""
        print(f"     {count:3d}  {kind:50}{spent}")
    if timers:
        print("   CPU per case inside each timed function (inclusive, unprofiled):")
        print(timers, end="")
    if args.statements:
        for q in captured:
            print("     ", q["sql"][:240])
    stats = pstats.Stats(profiler)
    stats.strip_dirs().sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top // 2)
    if args.dump:
        os.makedirs(args.dump, exist_ok=True)
        profiler.dump_stats(os.path.join(args.dump, label.split()[0] + ".prof"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--database-name", default="oneseal_profile")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--statements", action="store_true", help="print every statement")
    parser.add_argument("--wall", action="store_true", help="profile wall time, not CPU")
    parser.add_argument(
        "--statement-cpu",
        action="store_true",
        help="one more pass: the PostgreSQL backend's CPU per statement kind (from /proc)",
    )
    parser.add_argument("--dump", default="", help="write the .prof files here")
    parser.add_argument(
        "--only",
        choices=["inprocess", "api", "floor"],
        default="",
        help="one path; floor: the bench-only endpoint of bench/floor_urls.py (not run by default)",
    )
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() after the warm-up, as the workers do"
    )
    parser.add_argument(
        "--gc-threshold",
        type=int,
        default=0,
        help="gc's generation-0 threshold (default: gc's own)",
    )
    parser.add_argument(
        "--timers",
        action="store_true",
        help="one more pass: CPU per case in each function of TIMED, without the profiler",
    )
    args = parser.parse_args()

    if args.gc_threshold:
        gc.set_threshold(args.gc_threshold, *gc.get_threshold()[1:])
    base = args.database_url or subprocess.check_output(["scripts/postgres.sh"], text=True).strip()
    # sqlite:///:memory: works too, for a quick look (the statements are the same but for locks).
    os.environ["DATABASE_URL"] = base
    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE",
        "bench.floor_settings" if args.only == "floor" else "oneseal.settings",
    )
    os.environ.setdefault("ONESEAL_DEBUG", "0")
    os.environ.setdefault("ONESEAL_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("ONESEAL_PUBLIC_URL", "http://127.0.0.1")
    os.environ.setdefault("ONESEAL_ALLOWED_HOSTS", "127.0.0.1,testserver")
    os.environ.setdefault("ONESEAL_SSL_REDIRECT", "0")
    # As production runs (and bench/cases.py serves): the connection kept between requests.
    os.environ.setdefault("ONESEAL_CONN_MAX_AGE", "60")
    import django

    django.setup()
    from django.db import connection

    # Built from the models like the test suite's databases: seconds, not a minute of migrating.
    connection.settings_dict["TEST"].update(NAME=args.database_name, MIGRATE=False)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from cases import make_world  # bench/cases.py

        world = make_world()
        run(world, args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(world, args) -> None:
    from django.test import Client

    from oneseal.cases import actions

    hi, applicant, clerk = world["handling_item"], world["applicant"], world["clerk"]

    if args.only in ("", "inprocess"):

        def in_process(i):
            case = actions.receive(hi, actor=clerk, applicant=applicant)
            actions.accept(case, actor=clerk)

        measure("inprocess receive+accept", args.cases, in_process, args)

    if args.only in ("", "api"):
        client = Client()
        client.force_login(clerk)
        body = {"handling_item": hi.pk, "applicant": applicant.pk, "channel": "window"}

        def over_api(i):
            opened = client.post("/api/v1/cases", body, content_type="application/json")
            assert opened.status_code == 201, opened.content[:300]
            accepted = client.post(
                f"/api/v1/cases/{opened.json()['id']}/accept", {}, content_type="application/json"
            )
            assert accepted.status_code == 200, accepted.content[:300]

        measure("api open+accept", args.cases, over_api, args)

    if args.only == "floor":
        from django.db import connection

        from bench.floor_urls import CREATE_TABLE

        with connection.cursor() as cur:
            cur.execute(CREATE_TABLE)
        client = Client()
        client.force_login(clerk)
        body = {"handling_item": hi.pk, "applicant": applicant.pk, "channel": "window"}

        def floor(i):
            for _ in range(2):
                answer = client.post("/bench/floor", body, content_type="application/json")
                assert answer.status_code == 201, answer.content[:300]

        measure("floor 2 POSTs", args.cases, floor, args)


if __name__ == "__main__":
    main()
