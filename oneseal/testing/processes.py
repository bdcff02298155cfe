"""Start oneseal's processes the way production runs them, for tests and benches that need
real processes: gunicorn with `deploy/gunicorn.conf.py`, `oneseal worker`, `oneseal linkage
deliver`. Each runs in its own process group with its output in a log file (read back on a
failure), and is stopped the way systemd stops it: SIGTERM, then a wait for a clean exit.

    env = production_env(tmp_path, database_url, seal_key=...)
    with start_gunicorn(env, workers=2) as web, start_worker(env, interval=1) as worker:
        get(web.url("/healthz"))
    # leaving the block sends SIGTERM; web.returncode and worker.returncode are then set

Nothing here waits for a fixed time: `wait_until` polls a condition up to a deadline.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(
    var_dir: Path, database_url: str, *, seal_key: str | None = None, **settings: str
) -> dict[str, str]:
    """The environment of a production process (ONESEAL_DEBUG=0) behind a TLS-terminating
    proxy: every ONESEAL_* of the calling process is dropped, so only what is given here counts.
    `settings` are further ONESEAL_* values (without the prefix, e.g. METRICS_TOKEN="…")."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ONESEAL_", "PROMETHEUS_")) and k != "DATABASE_URL"
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="oneseal.settings",
        DATABASE_URL=database_url,
        ONESEAL_DEBUG="0",
        ONESEAL_VAR=str(var_dir),
        ONESEAL_SECRET_KEY=secrets.token_urlsafe(50),
        ONESEAL_PUBLIC_URL="https://spj.example.gov.cn",
        ONESEAL_ALLOWED_HOSTS="spj.example.gov.cn,127.0.0.1",
        # What nginx in deploy/ sets: the test client plays the proxy and sends it.
        ONESEAL_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        ONESEAL_PROXY_COUNT="1",
        ONESEAL_SEARCH_EMBEDDINGS="0",
        ONESEAL_LOG_FORMAT="json",
        ONESEAL_LOG_LEVEL="INFO",
        ONESEAL_CONN_MAX_AGE="60",
    )
    if seal_key is not None:
        env["ONESEAL_SEAL_KEY"] = seal_key
    env.update({f"ONESEAL_{name}": value for name, value in settings.items()})
    return env


class Process:
    """A started process; a context manager that stops it with SIGTERM on exit."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        self.port: int | None = None
        self._out = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            # Its own group: a SIGTERM meant for the test runner never reaches it, and a stop
            # reaches only it.
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def output(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text(errors="replace")

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, as systemd's stop sends it; the exit status, or a killed process's -9
        when it did not exit within `timeout` seconds."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
                self._out.close()
                return -9
        self._out.close()
        return self.popen.returncode

    def __enter__(self) -> "Process":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def wait_until(condition: Callable[[], Any], *, timeout: float, what: str, process=None) -> Any:
    """Poll `condition` until it returns something true; fail naming `what` (with the
    process's log) at the deadline or when `process` exits first."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if process is not None and process.returncode is not None:
            raise AssertionError(
                f"{process.name} exited ({process.returncode}) before {what}:\n{process.output()}"
            )
        if time.monotonic() > deadline:
            log = f":\n{process.output()}" if process is not None else ""
            raise AssertionError(f"{what}: not within {timeout} s{log}")
        time.sleep(0.1)


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def start_gunicorn(
    env: dict[str, str],
    *,
    workers: int = 2,
    port: int | None = None,
    log_dir: Path | None = None,
    timeout: float = 60,
) -> Process:
    """gunicorn with the production configuration (deploy/gunicorn.conf.py) on 127.0.0.1:port
    (a free one by default); returns once it accepts connections."""
    port = port or free_port()
    log_dir = Path(log_dir or env["ONESEAL_VAR"])
    process = Process(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "--config",
            str(GUNICORN_CONFIG),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        {**env, "ONESEAL_BIND": f"127.0.0.1:{port}"},
        log_dir / f"gunicorn-{port}.log",
    )
    process.port = port
    try:
        wait_until(
            lambda: _accepts(port), timeout=timeout, what="gunicorn listening", process=process
        )
    except BaseException:
        process.stop()
        raise
    return process


def start_oneseal(
    name: str, env: dict[str, str], *args: str, log_dir: Path | None = None
) -> Process:
    """`oneseal <args>` as a process of its own (e.g. "worker", "--interval", "1")."""
    log_dir = Path(log_dir or env["ONESEAL_VAR"])
    return Process(
        name,
        [sys.executable, "-m", "oneseal.cli", *args],
        env,
        log_dir / f"{name}-{secrets.token_hex(3)}.log",
    )


def start_worker(env: dict[str, str], *, interval: float = 1, **kw: Any) -> Process:
    return start_oneseal("worker", env, "worker", "--interval", str(interval), **kw)


def start_deliverer(env: dict[str, str], *, interval: float = 1, **kw: Any) -> Process:
    return start_oneseal("deliverer", env, "linkage", "deliver", "--interval", str(interval), **kw)
