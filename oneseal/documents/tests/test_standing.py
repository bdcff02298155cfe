"""Whether a document is in force today: one rule (`rules.standing`), asked by the public page,
the API and `oneseal verify`, which therefore agree. A revoked licence's PDF never shows as
valid."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from oneseal.cases import actions as case_actions
from oneseal.documents import rules
from oneseal.documents.queries import check_file
from oneseal.testing import accepted_case, builders, day, revoke_through_procedure

from .conftest import notice_of, pdf_bytes

TODAY = datetime.date(2026, 3, 2)


def doc(kind="licence", state="genuine", **extra):
    return SimpleNamespace(kind=kind, state=state, revoked_on=None, revocation_reason="", **extra)


def licence(
    state="valid",
    valid_from=datetime.date(2025, 1, 1),
    valid_until=datetime.date(2030, 1, 1),
    **extra,
):
    return SimpleNamespace(
        state=state,
        valid_from=valid_from,
        valid_until=valid_until,
        revoked_on=None,
        revocation_reason="",
        **extra,
    )


# --- the rule, without a database ----------------------------------------------------------------


def test_a_valid_licence_in_its_term_is_in_force():
    standing = rules.standing(doc(), licence(), TODAY)
    assert standing.in_force and standing.reason == "in_force"


def test_a_revoked_licence_is_not_in_force_from_its_revocation_day():
    revoked = licence(state="revoked")
    revoked.revoked_on = datetime.date(2025, 10, 15)
    for kind in ("licence", "grant"):
        standing = rules.standing(doc(kind=kind), revoked, TODAY)
        assert not standing.in_force and standing.reason == "licence_revoked"
        assert (
            standing.since == datetime.date(2025, 10, 15) and "2025年10月15日撤销" in standing.text
        )


def test_a_cancelled_licence_is_read_by_its_state_value():
    cancelled = licence(state="cancelled", cancelled_on=datetime.date(2026, 1, 5))
    standing = rules.standing(doc(), cancelled, TODAY)
    assert (
        not standing.in_force
        and standing.reason == "cancelled"
        and "2026年1月5日注销" in standing.text
    )


def test_an_expired_held_or_future_licence_is_not_in_force():
    standing = rules.standing(doc(), licence(valid_until=datetime.date(2026, 3, 1)), TODAY)
    assert (standing.in_force, standing.reason, standing.since) == (
        False,
        "expired",
        datetime.date(2026, 3, 1),
    )
    assert rules.standing(
        doc(), licence(valid_until=TODAY), TODAY
    ).in_force  # its last day is still in force
    assert rules.standing(doc(), licence(valid_until=None), TODAY).in_force  # 长期
    assert rules.standing(doc(), licence(state="held"), TODAY).reason == "held"
    future = rules.standing(doc(), licence(valid_from=datetime.date(2026, 4, 1)), TODAY)
    assert (future.in_force, future.reason) == (False, "not_yet_valid")


def test_an_unknown_licence_state_is_never_taken_for_in_force():
    standing = rules.standing(doc(), licence(state="suspended"), TODAY)
    assert not standing.in_force and standing.reason == "suspended"


def test_the_documents_own_state_comes_first():
    revoked = doc(state="revoked")
    revoked.revoked_on = datetime.date(2025, 3, 5)
    assert rules.standing(revoked, licence(), TODAY).reason == "document_revoked"
    newer = SimpleNamespace(number="平审批证〔2025〕第000002号", dated=datetime.date(2025, 4, 1))
    standing = rules.standing(doc(state="superseded", superseded_by=newer), licence(), TODAY)
    assert standing.reason == "superseded" and standing.superseded_by == newer.number
    assert "第000002号" in standing.text and "2025年4月1日" in standing.text


def test_a_notice_does_not_follow_the_licence():
    revoked = licence(state="revoked")
    revoked.revoked_on = datetime.date(2025, 10, 15)
    assert rules.standing(doc(kind="acceptance"), revoked, TODAY).in_force
    assert rules.standing(doc(kind="acceptance"), None, TODAY).in_force


# --- page, API and CLI agree -----------------------------------------------------------------------


@pytest.fixture
def licence_document(make_item, applicant, clerk, signatory, seal):
    case = builders.licensed_case(make_item(steps=False), applicant, clerk, signatory)
    return notice_of(case, "licence")


def answers(document, tmp_path) -> tuple[str, dict, int, str]:
    page = Client().get(f"/documents/verify/{document.verification_code}/").content.decode()
    api = APIClient().get(f"/api/v1/verify/{document.verification_code}").json()
    path = tmp_path / "licence.pdf"
    path.write_bytes(pdf_bytes(document))
    out = io.StringIO()
    try:
        call_command("verify", str(path), stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return page, api, code, out.getvalue()


def test_a_revoked_licence_never_shows_as_valid_anywhere(
    licence_document, reviewer, clerk, signatory, tmp_path
):
    page, api, code, out = answers(licence_document, tmp_path)
    assert "真实有效" in page and api["in_force"] is True and api["standing"] == "in_force"
    assert code == 0 and out.strip().endswith("— GENUINE")

    revoke_through_procedure(
        licence_document.case,
        proposer=reviewer,
        clerk=clerk,
        signatory=signatory,
        proposed_on="2025-09-29",
        notified_on="2025-09-30",
        decided_on="2025-10-15",
    )
    page, api, code, out = answers(licence_document, tmp_path)
    assert "真实有效" not in page and "许可已撤销" in page and "2025年10月15日" in page
    assert api["in_force"] is False and api["standing"] == "licence_revoked"
    assert (
        api["standing_since"] == "2025-10-15" and api["state"] == "genuine"
    )  # the record itself is authentic
    assert (
        code == 3
        and "NOT IN FORCE" in out.splitlines()[-1]
        and "licence_revoked since 2025-10-15" in out
    )
    check = check_file(pdf_bytes(licence_document))
    assert check.authentic and not check.in_force and not check.genuine

    upload = Client().post("/documents/verify/", {"file": io.BytesIO(pdf_bytes(licence_document))})
    html = upload.content.decode()
    assert "签章真实" in html and "许可已撤销" in html and "真实有效" not in html


def test_an_expired_licence_says_so_on_every_interface(
    make_item, applicant, clerk, signatory, seal, tmp_path
):
    case = accepted_case(make_item(steps=False), applicant, clerk, "2025-01-20")
    case_actions.grant(
        case,
        actor=signatory,
        on=day("2025-01-21"),
        scope="热食类食品制售",
        valid_from=day("2025-01-21"),
        valid_until=day("2025-12-31"),
    )
    document = notice_of(case, "licence")
    page, api, code, out = answers(document, tmp_path)  # today is after 2025-12-31
    assert api["standing"] == "expired" and api["standing_since"] == "2025-12-31" and code == 3
    assert "2025年12月31日届满" in page and "真实有效" not in page
