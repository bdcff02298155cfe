"""Soak: mixed traffic against gunicorn on PostgreSQL for a while, memory watched.

    .venv/bin/python bench/soak.py [--minutes 10] [--clients 4] [--web-workers 2]
                                   [--warmup-requests 400] [--database-url postgres://…]
                                   [--database-name oneseal_soak] [--keep]

A fresh database (bench/cases.py's world: one county bureau, one published item, a clerk;
here also a signatory and the department's webhook pointed at a local receiver), then
for `--minutes` the processes a bureau runs (deploy/):
- gunicorn (`--web-workers` sync workers, persistent connections, as production serves it),
- `oneseal worker --interval 2` (every job of a pass),
- `oneseal linkage deliver --interval 2` (the webhook deliverer, as its systemd unit),
- `--clients` threads, each a clerk of their own (the throttles count per account), each a
  loop over one case: open it (POST /api/v1/cases), accept it, read it, list the cases (the
  first page, then the next page by its cursor), search the cases by the number's tail, for
  every third case search the catalogue by words, and for every third case grant it as the
  signatory (which queues a message to the department's system, delivered to the
  receiver here by the deliverer or the worker).

The load tool is this script: threads with http.client keep-alive connections, no
dependency. Printed: requests per second per kind and overall, p50/p99 per kind, every error
(a status that is not the expected one, or an exception), the webhook deliveries (each message
exactly once, none left), and each process's memory: gunicorn's master and each worker, the
worker and the deliverer. The start snapshot is taken once `--warmup-requests` requests have
been answered (every code path loaded, caches filled), the end one after the run; both as
VmRSS and as the process's private memory (USS: what a leak grows; forked workers share the
rest), with the growth in per cent (aim < 10%), and the private memory's growth over the
second half of the run alone (from a half-way snapshot): a process that fills its pools and
caches early stops there, a leak goes on. A gunicorn worker that was replaced during
the run (a different pid) is reported, not compared. A run shorter than its warm-up says so.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

DB_NAME = "oneseal_soak"


class Receiver:
    """The department's system: answers 200 and counts each delivery id."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids: Counter = Counter()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.ids[self.headers.get("X-Oneseal-Delivery", "")] += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def private_kb(pid: int) -> int:
    """The process's own pages (Private_Clean + Private_Dirty, smaps_rollup): what grows
    when it leaks, unlike the pages a forked worker shares with its master."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    total += int(line.split()[1])
    except OSError:
        pass
    return total


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def memory(processes: dict[str, subprocess.Popen]) -> dict[str, tuple[int, int]]:
    """(VmRSS, private) in kB of each process, gunicorn's workers by pid."""
    sizes = {}
    for name, process in processes.items():
        sizes[name] = (rss_kb(process.pid), private_kb(process.pid))
        if name == "gunicorn master":
            for pid in sorted(children(process.pid)):
                sizes[f"gunicorn worker pid {pid}"] = (rss_kb(pid), private_kb(pid))
    return sizes


def session_headers(user) -> dict[str, str]:
    from django.test import Client

    login = Client()
    login.force_login(user)
    csrf = "s" * 32
    return {
        "Content-Type": "application/json",
        "Cookie": f"sessionid={login.cookies['sessionid'].value}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
    }


class Client:
    """One keep-alive connection; each call records (kind, ms) or an error."""

    def __init__(self, port: int, headers: dict, record):
        self.port, self.headers, self.record = port, headers, record
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, kind: str, method: str, path: str, body=None, headers=None, ok=(200,)):
        t0 = time.perf_counter()
        try:
            self.conn.request(
                method,
                path,
                json.dumps(body) if body is not None else None,
                headers or self.headers,
            )
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.record(kind, None, f"{type(exc).__name__}: {exc}")
            return None
        ms = (time.perf_counter() - t0) * 1000
        if response.getheader("Connection", "").lower() == "close" or response.version == 10:
            self.conn.close()  # gunicorn's sync workers close after each response
        if response.status not in ok:
            self.record(kind, ms, f"{method} {path} → {response.status}: {data[:200]!r}")
            return None
        self.record(kind, ms, None)
        if not data or "json" not in (response.getheader("Content-Type") or ""):
            return {}  # a page: its status is what counts
        return json.loads(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument(
        "--warmup-requests",
        type=int,
        default=400,
        help="requests answered before the start memory snapshot (default 400)",
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--database-name", default=DB_NAME, help=f"default {DB_NAME}")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if args.minutes <= 0 or args.clients < 1 or args.warmup_requests < 1:
        parser.error("--minutes, --clients and --warmup-requests must be positive")

    import cases as case_bench  # bench/cases.py: the database, the world, gunicorn

    base = args.database_url or subprocess.check_output(["scripts/postgres.sh"], text=True).strip()
    dsn = case_bench.setup_database(base, args.database_name)
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    os.environ.setdefault("ONESEAL_SEARCH_EMBEDDINGS", "0")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from oneseal.linkage.actions.settings import configure_department_link
    from oneseal.linkage.models import OutboxMessage
    from oneseal.organisation.models import Department, Role, Staff, StaffRole

    receiver = Receiver()
    web = worker = deliverer = None
    try:
        call_command("migrate", verbosity=0)
        world = case_bench.make_world()
        signatory = get_user_model().objects.create_user("chief", password="bench-chief")
        staff = Staff.objects.create(
            user=signatory, region=world["county"], display_name="chief", bureau=world["bureau"]
        )
        StaffRole.objects.create(staff=staff, role=Role.SIGNATORY)
        configure_department_link(
            Department.objects.get(),
            system=True,
            sign_days=3,
            webhook_url=receiver.url,
            webhook_enabled=True,
        )
        # One clerk per client thread, as a bureau's windows are: the throttles count per
        # account, and one account shared by every thread would be a robot, not a window.
        clerks = [world["clerk"]]
        for n in range(1, args.clients):
            user = get_user_model().objects.create_user(f"clerk{n}", password=f"bench-clerk{n}")
            clerk_staff = Staff.objects.create(
                user=user, region=world["county"], display_name=f"clerk{n}", bureau=world["bureau"]
            )
            StaffRole.objects.create(staff=clerk_staff, role=Role.CLERK)
            clerks.append(user)
        clerk_headers = [session_headers(user) for user in clerks]
        chief_headers = session_headers(signatory)
        connection.close()

        port, web, label = case_bench.serve(dsn, args.web_workers)
        background = {"ONESEAL_CONN_MAX_AGE": "60"}
        worker = subprocess.Popen(
            [sys.executable, "-m", "oneseal.cli", "worker", "--interval", "2"],
            env={**os.environ, **background},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deliverer = subprocess.Popen(
            [sys.executable, "-m", "oneseal.cli", "linkage", "deliver", "--interval", "2"],
            env={**os.environ, **background},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes = {"gunicorn master": web, "oneseal worker": worker, "deliverer": deliverer}
        print(
            f"{label}; oneseal worker --interval 2; oneseal linkage deliver --interval 2; "
            f"{args.clients} client threads"
        )

        lock = threading.Lock()
        times: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []

        def record(kind, ms, error):
            with lock:
                if ms is not None and error is None:
                    times[kind].append(ms)
                if error:
                    errors.append(f"{kind}: {error}")

        stop = threading.Event()
        body = {
            "handling_item": world["handling_item"].pk,
            "applicant": world["applicant"].pk,
            "channel": "window",
        }
        today = dt.date.today().isoformat()

        def client_loop(n: int):
            clerk = Client(port, clerk_headers[n], record)
            clerk_page_headers = {k: v for k, v in clerk_headers[n].items() if k != "Content-Type"}
            chief = Client(port, chief_headers, record)
            i = 0
            while not stop.is_set():
                i += 1
                case = clerk.call("open", "POST", "/api/v1/cases", body, ok=(201,))
                if case is None:
                    continue
                path = f"/api/v1/cases/{case['id']}"
                clerk.call("accept", "POST", f"{path}/accept", {})
                clerk.call("read", "GET", path)
                listed = clerk.call("list", "GET", "/api/v1/cases?limit=20")
                if listed and listed.get("next"):
                    # `next` is absolute (host and port): the request line takes the path.
                    parts = urlsplit(listed["next"])
                    clerk.call("list next", "GET", f"{parts.path}?{parts.query}")
                clerk.call(
                    "case search",
                    "GET",
                    f"/workbench/?queue=all&q={case['number'][-6:]}",
                    headers=clerk_page_headers,
                )
                if i % 3 == 0:
                    # A catalogue search every third case: a clerk who looked up an item for
                    # every applicant would pass the per-account rate a person keeps
                    # (ONESEAL_THROTTLE_SEARCH, 120/min), which the soak leaves in force.
                    clerk.call("search", "GET", "/api/v1/search?q=%E9%A3%9F%E5%93%81")
                if (i + n) % 3 == 0:
                    chief.call(
                        "grant",
                        "POST",
                        f"{path}/grant",
                        {
                            "scope": "预包装食品销售",
                            "valid_from": today,
                            "valid_until": "2031-01-01",
                        },
                    )

        def answered() -> int:
            with lock:
                return sum(len(v) for v in times.values()) + len(errors)

        threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(args.clients)]
        t_start = time.perf_counter()
        run_until = t_start + args.minutes * 60
        for t in threads:
            t.start()
        # The start snapshot once the warm-up's requests are answered: every view, serializer
        # and cache of the mix has been used in every worker by then (a time-based snapshot
        # was taken before the first request had been served).
        while answered() < args.warmup_requests and time.perf_counter() < run_until:
            time.sleep(0.2)
        warm = time.perf_counter() - t_start
        warm_requests = answered()
        start_memory = memory(processes)
        # Half-way, a second snapshot: a process that fills its caches and pools early grows
        # from the start snapshot and then stays; one that leaks grows in the second half too.
        warm_at = time.perf_counter()
        half_way = warm_at + (run_until - warm_at) / 2
        time.sleep(max(0.0, half_way - time.perf_counter()))
        mid_memory = memory(processes)
        time.sleep(max(0.0, run_until - time.perf_counter()))
        stop.set()
        for t in threads:
            t.join(timeout=120)
        elapsed = time.perf_counter() - t_start

        # The worker delivers what the last grants queued.
        deadline = time.monotonic() + 60
        pending = OutboxMessage.objects.exclude(state=OutboxMessage.MessageState.DELIVERED)
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        messages = set(
            str(i) for i in OutboxMessage.objects.values_list("idempotency_id", flat=True)
        )
        # After the run and its last deliveries: what each process holds once the load ends.
        end_memory = memory(processes)

        print(f"\n{args.minutes:g} minutes ({elapsed:.0f} s), {args.clients} clients")
        total = sum(len(v) for v in times.values())
        print(f"  {'request':<10} {'count':>7} {'per s':>7} {'p50 ms':>8} {'p99 ms':>8}")
        for kind in (
            "open",
            "accept",
            "read",
            "list",
            "list next",
            "case search",
            "search",
            "grant",
        ):
            v = sorted(times.get(kind, []))
            if not v:
                continue
            print(
                f"  {kind:<10} {len(v):7d} {len(v) / elapsed:7.1f} {statistics.median(v):8.1f} "
                f"{v[min(len(v) - 1, int(len(v) * 0.99))]:8.1f}"
            )
        every = sorted(x for v in times.values() for x in v) or [0.0]
        print(
            f"  {'all':<10} {total:7d} {total / elapsed:7.1f} {statistics.median(every):8.1f} "
            f"{every[min(len(every) - 1, int(len(every) * 0.99))]:8.1f}"
        )
        print(f"  errors: {len(errors)}")
        for line in errors[:20]:
            print(f"    {line}")
        delivered = receiver.ids
        print(
            f"  webhooks: {len(messages)} messages queued, {len(set(delivered) & messages)} delivered, "
            f"{sum(1 for n in delivered.values() if n > 1)} delivered more than once, "
            f"{pending.count()} not delivered"
        )
        measured = elapsed - warm
        print(
            f"  memory, start after {warm_requests} requests ({warm:.0f} s of warm-up) → end "
            f"after {total + len(errors) - warm_requests} more ({measured:.0f} s):"
        )
        if warm_requests < args.warmup_requests:
            print(
                f"    ** the run ended before its warm-up ({args.warmup_requests} requests): "
                "no memory figure **"
            )
        print(
            f"    {'process':<28} {'VmRSS MB':>19} {'growth':>7} {'private MB':>19} {'growth':>7}"
            f" {'2nd half':>9}"
        )
        for name, (start_rss, start_own) in start_memory.items():
            if name not in end_memory:
                print(f"    {name:<28} replaced during the run: not compared")
                continue
            end_rss, end_own = end_memory[name]
            rss_growth = (end_rss - start_rss) / start_rss * 100 if start_rss else 0.0
            own_growth = (end_own - start_own) / start_own * 100 if start_own else 0.0
            mid_own = mid_memory.get(name, (0, 0))[1]
            late = f"{(end_own - mid_own) / mid_own * 100:+8.1f}%" if mid_own else "        -"
            mark = "" if max(rss_growth, own_growth) < 10 else "   ** over 10% **"
            print(
                f"    {name:<28} {start_rss / 1024:8.1f} → {end_rss / 1024:7.1f} {rss_growth:+6.1f}% "
                f"{start_own / 1024:8.1f} → {end_own / 1024:7.1f} {own_growth:+6.1f}% {late}{mark}"
            )
        print("    (2nd half: private memory from the half-way snapshot to the end)")
        for name in end_memory.keys() - start_memory.keys():
            print(f"    {name:<28} started during the run: not compared")
    finally:
        for process in (deliverer, worker, web):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        connection.close()
        if not args.keep:
            case_bench.drop_database(base, args.database_name)


if __name__ == "__main__":
    main()
