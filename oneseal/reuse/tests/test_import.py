"""The provincial library's e-licences: file (xlsx, JSON), push (token), pull (a local stub
server). All or nothing, each problem by row and field."""

import base64
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook
from rest_framework.test import APIClient

from oneseal.errors import NotPermitted
from oneseal.reuse import actions, importing, pulling
from oneseal.reuse.models import ImportedLicence

from .conftest import PDF, elicence


def xlsx(rows):
    wb = Workbook()
    ws = wb.active
    headers = [h for h, _a, _r in importing.COLUMNS]
    ws.append(headers)
    for row in rows:
        ws.append([row.get(importing.FIELD_OF[h], "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_xlsx_is_imported_and_a_second_import_updates_by_identifier(db):
    read = importing.read_file(
        xlsx([elicence(), elicence(identifier="X2", valid_until="2030年5月5日")])
    )
    assert read.problems == []
    result = actions.import_licences(read, source="file", system=True)
    assert (result.created, result.updated) == (2, 0)
    row = ImportedLicence.objects.get(identifier="X2")
    assert str(row.valid_until) == "2030-05-05" and row.holder_kind == "organisation"
    assert ImportedLicence.objects.get(identifier=elicence()["identifier"]).valid_until is None
    again = actions.import_licences(
        importing.read_file(xlsx([elicence(), elicence(identifier="X2", status="注销")])),
        source="file",
        system=True,
    )
    assert (again.created, again.updated, again.unchanged, again.revoked) == (0, 1, 1, ["X2"])


def test_any_bad_row_refuses_the_whole_file_naming_row_and_field(db):
    rows = [
        elicence(identifier="OK"),
        elicence(identifier="B1", holder_code="123", issued_on="2025-02-30"),
        elicence(identifier="B2", status="冻结", valid_from="2025-01-01", valid_until="2024-01-01"),
        elicence(identifier="OK"),
        elicence(identifier="B3", holder_name=""),
    ]
    read = importing.read_file(xlsx(rows))
    with pytest.raises(actions.ImportRefused) as exc:
        actions.import_licences(read, source="file", system=True)
    messages = exc.value.fields["file"]
    assert any(m.startswith("第3行 [持证主体代码]") for m in messages)
    assert any(m.startswith("第3行 [发证日期]") and "不存在" in m for m in messages)
    assert any(m.startswith("第4行 [证照状态]") for m in messages)
    assert any(m.startswith("第4行 [有效期截止]") for m in messages)
    assert any(m.startswith("第5行 [证照标识]") and "第2行" in m for m in messages)
    assert any(m.startswith("第6行 [持证主体]") for m in messages)
    assert not ImportedLicence.objects.exists()


def test_json_with_a_file_and_a_bad_file(db):
    good = elicence(file_base64=base64.b64encode(PDF).decode())
    actions.import_licences(importing.read_json(json.dumps([good])), source="file", system=True)
    row = ImportedLicence.objects.get()
    assert row.file_type == "application/pdf" and row.file_size == len(PDF)
    bad = importing.read_json(
        json.dumps([elicence(identifier="Z", file_base64=base64.b64encode(b"MZ...").decode())])
    )
    assert "PDF 或 OFD" in str(bad.problems[0])
    assert importing.read_json(b"{not json").problems[0].message == "文件不是有效的 JSON"


def test_only_administrators_import(clerk, administrator):
    read = importing.read_json(json.dumps([elicence()]))
    with pytest.raises(NotPermitted):
        actions.import_licences(read, source="file", actor=clerk)
    with pytest.raises(NotPermitted):
        actions.import_licences(read, source="file")
    actions.import_licences(read, source="file", actor=administrator)


def test_the_library_pushes_with_its_token_and_nobody_else_may(db, clerk):
    token = actions.create_library_token("省电子证照库", system=True)
    api = APIClient()
    url = "/api/v1/reuse/elicences"
    assert api.post(url, [elicence()], format="json").status_code in (401, 403)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}x")
    assert api.post(url, [elicence()], format="json").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    bad = api.post(url, {"licences": [elicence(holder_code="")]}, format="json")
    assert bad.status_code == 400 and "持证主体代码" in json.dumps(bad.json(), ensure_ascii=False)
    assert not ImportedLicence.objects.exists()
    ok = api.post(url, {"licences": [elicence()]}, format="json")
    assert ok.status_code == 201 and ok.json()["created"] == 1
    assert ImportedLicence.objects.get().source == "push"
    # The token reads nothing; a clerk may neither push nor list.
    assert api.get(url).status_code == 403
    staff = APIClient()
    staff.force_authenticate(clerk)
    assert staff.post(url, [elicence()], format="json").status_code == 403
    assert staff.get(url).status_code == 403
    actions.revoke_library_token(
        ImportedLicence.objects.none()
        .model._meta.apps.get_model("reuse", "LibraryToken")
        .objects.get(),
        system=True,
    )
    assert api.post(url, [elicence()], format="json").status_code == 401


class _Library(BaseHTTPRequestHandler):
    body = b"[]"
    seen: list = []

    def do_GET(self):  # noqa: N802
        type(self).seen.append((self.path, self.headers.get("Authorization")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *args):
        pass


@pytest.fixture
def library():
    server = HTTPServer(("127.0.0.1", 0), _Library)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/elicences"
    server.shutdown()
    server.server_close()


def test_pull_from_the_library(db, library, settings):
    settings.ONESEAL_ELICENCE_LIBRARY_TOKEN = "library-secret"
    _Library.body = json.dumps({"licences": [elicence()]}).encode()
    _Library.seen = []
    out = io.StringIO()
    call_command("elicence_library", "pull", "--url", library, "--since", "2025-01-01", stdout=out)
    assert "created 1" in out.getvalue()
    assert _Library.seen == [("/elicences?since=2025-01-01", "Bearer library-secret")]
    assert ImportedLicence.objects.get().source == "pull"
    _Library.body = b"<html>"
    with pytest.raises(CommandError):
        call_command(
            "elicence_library", "pull", "--url", library, stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert "不是有效的 JSON" in str(pulling.fetch(library).problems[0])
    assert "无法连接" in str(pulling.fetch("http://127.0.0.1:9/none").problems[0])
