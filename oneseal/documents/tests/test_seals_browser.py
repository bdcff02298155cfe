"""On a phone, in Chromium: the bureau's administrator opens the seals page from the transfer
ledger, sees the department whose old seal is still active past its transfer date, and records
its hand-over; the page is never wider than the screen. Screenshots go to var/screenshots/."""

import pytest

from oneseal.documents import actions
from oneseal.documents.models import Seal
from oneseal.organisation.models import Role
from oneseal.testing import day, sign_in_page

from .test_seal_handover import HANDOVER, TRANSFER_DATE, agreement_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_records_a_hand_over_on_a_phone(
    make_staff,
    county,
    bureau,
    department,
    signatory,
    complete_draft,
    admin_user,
    seal,
    phone,
    screenshot,
    live_server,
):
    orgadmin = make_staff(
        "orgadmin", county, Role.ADMINISTRATOR, display_name="韩立新", bureau=bureau
    )
    head = make_staff("dept_head", county, Role.SUPERVISOR, department=department)
    agreement_for(
        department,
        bureau=bureau,
        signatory=signatory,
        head=head,
        complete_draft=complete_draft,
        admin_user=admin_user,
        on=TRANSFER_DATE,
        code="640221-XK-101",
    )
    old = actions.register_department_seal(
        department,
        actor=orgadmin,
        name="平罗县市场监督管理局行政许可专用章",
        valid_from=day("2015-01-01"),
        holder="周局长",
    )
    sign_in_page(phone, orgadmin, live_server.url)
    phone.goto(live_server.url + f"/transfers/ledger/?bureau={bureau.pk}")
    with phone.expect_navigation():
        phone.get_by_role("link", name="印章移交与封存").click()
    phone.wait_for_selector("#seal-warnings")
    assert "仍未移交封存" in phone.inner_text("#seal-warnings")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.select_option("#id_handover-seal", str(old.pk))
    phone.fill("#id_handover-sealed_away_on", TRANSFER_DATE)
    for field in ("handed_over_by", "received_by", "holder", "place", "checklist"):
        phone.fill(f"#id_handover-{field}", HANDOVER[field])
    phone.check("#id_handover-checklist_signed")
    with phone.expect_navigation():
        phone.get_by_role("button", name="登记移交封存").click()
    phone.wait_for_selector("text=已于2026年3月2日移交封存")
    assert "划转日期已过的部门，原印章均已移交封存" in phone.inner_text("#seal-warnings")
    assert "审批局档案室印章保密柜" in phone.inner_text("#department-seals")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "seals-phone")
    old.refresh_from_db()
    assert old.state == Seal.SealState.SEALED_AWAY and old.sealed_away_on == day(TRANSFER_DATE)
