"""gunicorn's configuration for oneseal: `gunicorn -c deploy/gunicorn.conf.py` (the systemd
unit oneseal-web.service does this). Values come from the same environment file as Django's
settings (deploy/oneseal.env); a command-line flag overrides any of them.

- ONESEAL_BIND (default 127.0.0.1:8000): nginx in front is the only client.
- ONESEAL_WEB_WORKERS (default 2 × cores + 1): pre-forked sync workers, each with its own
  database connection (ONESEAL_CONN_MAX_AGE keeps it between requests).
- A worker is recycled after about 2,000 requests (jittered so they do not all restart at
  once), which bounds any slow growth of memory.
- SIGTERM (systemd's stop): the master stops accepting, lets each worker finish its request
  within graceful_timeout, then exits 0.
- Logs: the access log and the error log to standard output/error, which systemd hands to
  journald; with ONESEAL_LOG_FORMAT=json both are JSON lines (oneseal.logs.JsonFormatter).
- The garbage collector (ONESEAL_GC_GEN0, default 7000): once a worker has loaded the
  application and its URLs, everything alive then (Django, the apps, the URL patterns — what
  lives as long as the worker) is moved out of the collector's reach (`gc.freeze()`), so the
  full collections that a long run of requests sets off no longer walk it; and the first
  generation is collected after 7,000 allocations instead of 700. Measured with
  `bench/profile_intake.py --gc-freeze --gc-threshold N` (docs/performance.md).
- Prometheus (/metrics): with PROMETHEUS_MULTIPROC_DIR set, each process writes its counters
  there and /metrics adds them up; the files of processes that are gone are removed when the
  server starts, and a worker's live gauges when it exits.
"""

import gc
import multiprocessing
import os
import re

bind = os.environ.get("ONESEAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ONESEAL_WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
wsgi_app = "oneseal.wsgi:application"
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
# nginx on the same machine sets X-Forwarded-*; Django reads them (ONESEAL_PROXY_COUNT).
forwarded_allow_ips = "127.0.0.1"
# systemd's signals run the server (stop, reload); gunicorn 27's control socket, one path per
# user by default, would be shared by every server of the same user.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("ONESEAL_LOG_LEVEL", "INFO").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'

if os.environ.get("ONESEAL_LOG_FORMAT", "text") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "oneseal.logs.JsonFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "root": {"handlers": ["stderr"], "level": loglevel.upper()},
        "loggers": {
            "gunicorn.error": {
                "handlers": ["stderr"],
                "level": loglevel.upper(),
                "propagate": False,
            },
            "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        },
    }


def _metrics_dir() -> str | None:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        os.makedirs(path, exist_ok=True)
    return path


def on_starting(server):
    """Remove metric files of processes that no longer run (a previous server's workers);
    those of a running `oneseal worker` sharing the directory are kept."""
    path = _metrics_dir()
    if not path:
        return
    for name in os.listdir(path):
        found = re.search(r"_(\d+)\.db$", name)
        if not found:
            continue
        try:
            os.kill(int(found.group(1)), 0)
        except ProcessLookupError:
            os.unlink(os.path.join(path, name))
        except PermissionError:
            pass


def post_worker_init(worker):
    """After the worker loaded the application: import every view by loading the URL patterns
    (else the first request would), then freeze what is alive and raise the collector's first
    threshold (the module's docstring says why)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every URLconf and view module
    gc.collect()
    gc.freeze()
    gen0 = int(os.environ.get("ONESEAL_GC_GEN0", "7000"))
    if gen0 > 0:
        gc.set_threshold(gen0, *gc.get_threshold()[1:])


def child_exit(server, worker):
    if _metrics_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
