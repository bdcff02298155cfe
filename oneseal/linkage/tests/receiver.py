"""A department's system for the tests: a real HTTP server on 127.0.0.1 (http.server in a
thread) that checks each webhook's signature, processes each idempotency id once, and answers
as a script tells it (200, an error status, or too slowly)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from oneseal.linkage.delivery import verify_signature


class Receiver:
    def __init__(self, secret: str = "", script=()):
        self.secret = secret
        self.script = list(script)  # per request: 200, 500, 401 … or ("slow", seconds)
        self.lock = threading.Lock()
        self.requests: list[dict] = []  # every request that arrived
        self.processed: list[str] = []  # ids processed, in order (each once)
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.handle(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/oneseal/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def handle(self, handler, body: bytes):
        with self.lock:
            step = self.script.pop(0) if self.script else 200
            self.requests.append({"headers": dict(handler.headers), "body": body})
        if not verify_signature(self.secret, handler.headers, body):
            with self.lock:
                self.bad_signatures += 1
            return self._answer(handler, 401)
        if isinstance(step, tuple):  # too slow: the sender has given up, but we process it
            time.sleep(step[1])
            step = 200
        if step == 200:
            payload = json.loads(body)
            assert payload["id"] == handler.headers["X-Oneseal-Delivery"]
            with self.lock:
                if payload["id"] not in self.processed:  # a repeat of a processed id is ignored
                    self.processed.append(payload["id"])
        self._answer(handler, step)

    @staticmethod
    def _answer(handler, status: int):
        try:
            handler.send_response(status)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        except OSError:
            pass  # the sender hung up after its timeout
