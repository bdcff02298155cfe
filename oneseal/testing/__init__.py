"""Helpers the tests share, imported by name: moments and days in the bureau's time zone, cases
brought to a state through the real actions, parallel connections, identity numbers. The shared
fixtures are the pytest plugin `oneseal.testing.fixtures` (registered in oneseal/conftest.py)."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.test import Client
from rest_framework.test import APIClient

from oneseal.applicants.rules import id_check_char
from oneseal.cases import actions
from oneseal.cases.models import Case, CaseEvent, CaseMaterial
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import ReviewStep, SpecialProcedure

# SQLite serialises every writer, so a race can only be shown on PostgreSQL.
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: real parallel connections and row locks (SQLite serialises writers)",
)
POSTGRES_ONLY = [pytest.mark.postgres, needs_postgres]


def in_parallel(*calls, timeout: float = 60):
    """Run each call in its own thread, released together by a barrier; each thread closes its
    own connection. Returns the results (or raised exceptions) in call order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a parallel call hung"
    return results


def models_built(monkeypatch) -> list:
    """From now on, the model of each statement Django builds SQL for (`SQLCompiler.as_sql`),
    in order: a statement `oneseal.prepared` compiled earlier on the connection is run without
    being built again, so it is not listed."""
    from django.db.models.sql.compiler import SQLCompiler

    built: list = []
    original = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        built.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    return built


def poster(user, url, body, **headers):
    """A call for `in_parallel`: `user` posts the JSON `body` to the API at `url`."""

    def call():
        client = APIClient()
        client.force_authenticate(user)
        return client.post(url, body, format="json", **headers)

    return call


def audit_verify(*, failing: bool = False) -> str:
    """What `oneseal audit verify` prints; asserts it passed, or with `failing` that it failed."""
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError:
        assert failing, out.getvalue()
    else:
        assert not failing, out.getvalue()
    return out.getvalue()


def travel(text: str):
    """time-machine's travel to the moment `text` (Asia/Shanghai), the clock held still."""
    import time_machine

    return time_machine.travel(at(text), tick=False)


def signed_in_client(user) -> Client:
    """Django's test client with `user` signed in (the pages)."""
    client = Client()
    client.force_login(user)
    return client


def authenticated_api(user) -> APIClient:
    """DRF's test client acting as `user` (the API)."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def sign_in_page(page, user, base_url: str) -> None:
    """Sign `user` in to a Playwright page of the live server at `base_url`: a session made by
    Django's test client, handed to the browser as its cookie (no password typed)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )


def online_files(handling_item, applicant) -> dict:
    """A small PDF for each file an online application of `applicant` must carry
    (`cases.actions.missing_uploads`), to pass as `receive(..., uploads=...)`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        int(field.removeprefix("material-")): SimpleUploadedFile(
            f"{field}.pdf", b"%PDF-1.7 test", content_type="application/pdf"
        )
        for field in actions.missing_uploads(handling_item, applicant, ())
    }


def scan(name: str = "扫描件.pdf"):
    """A small PDF, as the window's scanner or an applicant's upload gives it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.7 test scan", content_type="application/pdf")


def api_apply_online(client, handling_item, applicant_pk, files_for):
    """An online application through `POST /api/v1/cases/apply` for the applicant `applicant_pk`,
    with a file for each material an online application of `files_for` must carry."""
    files = {
        f"material-{pk}": upload for pk, upload in online_files(handling_item, files_for).items()
    }
    return client.post(
        "/api/v1/cases/apply",
        {"handling_item": handling_item.pk, "applicant": applicant_pk, **files},
        format="multipart",
    )


def issued_document(case, *, kind: str, actor):
    """The genuine document of `kind` for the case's latest event that calls for one: the one
    the act issued itself (documents issue with their act, cases.notices), or — when the act
    could not (no seal yet) — issued now by `actor`, as the window does from its queue."""
    from oneseal.documents import actions as document_actions
    from oneseal.documents.models import Document
    from oneseal.documents.queries import due_documents

    existing = (
        Document.objects.filter(case=case, kind=kind, state=Document.DocumentState.GENUINE)
        .order_by("-pk")
        .first()
    )
    due = [d.kind for d in due_documents(case)]
    if existing is not None and kind not in due:
        return existing
    return document_actions.issue_document(case, kind=kind, actor=actor)


SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    """A moment on a business day in the bureau's time zone: '2025-01-24 10:00'."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def list_special_procedures(hi, admin_user, kinds=tuple(SpecialProcedure.Kind.values)):
    """The guide's special procedures (every kind unless told): the kinds a case of it may be
    suspended for."""
    for kind in kinds:
        catalogue_actions.save_draft_part(
            SpecialProcedure(handling_item=hi, kind=kind, limit_days=10), actor=admin_user
        )


STEPS = [
    ("受理", ReviewStep.Role.CLERK, False),
    ("初审", ReviewStep.Role.REVIEWER, True),
    ("复审", ReviewStep.Role.REVIEWER, False),
    ("决定", ReviewStep.Role.SIGNATORY, False),
]


def accepted_case(hi, applicant, clerk, on: str, *, tolerated_until: str | None = None):
    """Receive on `on` at 09:00 and accept the same day, through the real actions."""
    case = actions.receive(hi, actor=clerk, applicant=applicant, at=at(f"{on} 09:00"))
    core, non_core = case.materials.order_by("material__order")
    if tolerated_until:
        actions.check_materials(case, actor=clerk, statuses={core.pk: CaseMaterial.Status.PROVIDED})
        return actions.accept(
            case, actor=clerk, on=day(on), tolerated={non_core.pk: day(tolerated_until)}
        )
    actions.check_materials(
        case, actor=clerk, statuses={m.pk: CaseMaterial.Status.PROVIDED for m in (core, non_core)}
    )
    return actions.accept(case, actor=clerk, on=day(on))


def reviewed(case, reviewer, second_reviewer, on: str):
    """Both review steps done, the case waits for the decision."""
    case = actions.complete_review_step(
        case, actor=reviewer, opinion="材料齐全，符合条件", outcome="approve", on=day(on)
    )
    return actions.complete_review_step(
        case, actor=second_reviewer, opinion="同意初审意见", outcome="approve", on=day(on)
    )


def events(case) -> int:
    return CaseEvent.objects.filter(case=case).count()


def revoke_through_procedure(
    case,
    *,
    proposer,
    clerk,
    signatory,
    proposed_on: str,
    notified_on: str,
    decided_on: str,
    facts: str = "以欺骗手段取得行政许可",
    views: str | None = None,
):
    """Revoke the case's licence the only way there is: propose (its notice is issued with it;
    a bureau seal is created when there is none, and a notice left waiting for one is issued
    now), record its service, hear the holder (when `views`), and let a signatory decide
    after the period."""
    from oneseal.documents import actions as document_actions
    from oneseal.documents.models import Seal

    if not Seal.objects.filter(
        bureau=case.bureau, kind=Seal.Kind.BUREAU, state=Seal.SealState.ACTIVE
    ).exists():
        document_actions.create_seal(case.bureau, system=True, valid_from=day("2024-01-01"))
    from oneseal.cases.actions.revocation import open_proposal

    if open_proposal(case) is None:
        actions.propose_revocation(case, actor=proposer, facts=facts, on=day(proposed_on))
    issued_document(case, kind="revocation_notice", actor=clerk)
    actions.notify_revocation(case, actor=clerk, on=day(notified_on))
    if views is not None:
        actions.submit_revocation_views(case, actor=clerk, views=views, on=day(notified_on))
    return actions.decide_revocation(
        case, actor=signatory, revoke=True, reason="经复核，事实清楚，依据充分", on=day(decided_on)
    )


def id_number(region: str, born: str, sequence: str) -> str:
    """A valid 居民身份证号码 from its address code, birth date (YYYYMMDD) and three-digit sequence."""
    first17 = f"{region}{born}{sequence}"
    return first17 + id_check_char(first17)


def versioned(case, data: dict | None = None, *, field: str = "expected_version") -> dict:
    """A page form's post as the page sends it: `data` with the case's version as stored now
    (the pages refuse a form without it, `interface.forms.required_version`); `field` is
    `lock_version` for the portal's forms."""
    version = Case.objects.values_list("lock_version", flat=True).get(pk=case.pk)
    return {**(data or {}), field: version}
