"""A real SMTP server (aiosmtpd) on a free local port whose answers a test scripts, and a
stub of Alibaba Cloud's SMS endpoint (http.server in a thread) that checks the signature."""

import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from oneseal.notifications.sms import aliyun_signature
from oneseal.organisation.models import Role


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ScriptedHandler:
    """Answers each DATA with the next scripted reply ("250 OK" once the script is used up)
    and keeps what it accepted."""

    def __init__(self) -> None:
        self.replies: list[str] = []
        self.accepted: list = []

    async def handle_DATA(self, server, session, envelope):
        reply = self.replies.pop(0) if self.replies else "250 OK"
        if reply.startswith("250"):
            self.accepted.append(envelope)
        return reply


@pytest.fixture
def smtp_server(settings):
    handler = ScriptedHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def smtp_down(settings):
    """SMTP configured at a port nobody listens on."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_TIMEOUT = 5


SECRET = "stub-secret"


class SmsStub:
    def __init__(self) -> None:
        self.replies: list[tuple[int, dict]] = []
        self.received: list[dict[str, str]] = []


@pytest.fixture
def sms_stub():
    stub = SmsStub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            stub.received.append(form)
            signature = form.pop("Signature", "")
            if signature != aliyun_signature(form, SECRET):
                status, answer = 400, {"Code": "SignatureDoesNotMatch", "Message": "bad"}
            elif stub.replies:
                status, answer = stub.replies.pop(0)
            else:
                status, answer = 200, {"Code": "OK", "Message": "OK", "BizId": "1"}
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def head(make_staff, county, department):
    return make_staff(
        "dept_head", county, Role.SUPERVISOR, display_name="周局长", department=department
    )


@pytest.fixture(autouse=True)
def _chinese_first():
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
