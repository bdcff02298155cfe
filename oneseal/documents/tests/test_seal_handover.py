"""Seed 000 四(二)5: the departments' old seals handed over to the bureau and sealed away —
registered and sealed away only by the bureau's administrators of its region, once, and never
before the department's transfer date (the date of its signed agreement, `transfers`); and the
departments whose transfer date has passed while their old seal is still active, warned."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from oneseal.audit.models import AuditEvent
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import TransferStatus
from oneseal.documents import actions, queries
from oneseal.documents.models import Seal, SealHandover
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation.models import Department, Role
from oneseal.testing import day, in_parallel, needs_postgres
from oneseal.transfers import actions as transfer_actions

TRANSFER_DATE = "2026-03-02"  # a Monday, a week after the 2026 Spring Festival holiday


@pytest.fixture
def orgadmin(make_staff, county, bureau):
    return make_staff("orgadmin", county, Role.ADMINISTRATOR, display_name="韩立新", bureau=bureau)


@pytest.fixture
def head(make_staff, county, department):
    return make_staff(
        "dept_head", county, Role.SUPERVISOR, display_name="周局长", department=department
    )


def agreement_for(department, *, bureau, signatory, head, complete_draft, admin_user, on, code):
    """A signed agreement moving one of the department's items from `on`."""
    version = complete_draft(
        basic_code=code, name="食品生产许可", transfer_status=TransferStatus.STATIONED
    )
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    agreement = transfer_actions.save_agreement(
        None,
        actor=signatory,
        bureau=bureau,
        department=department,
        items=[{"item": version.item}],
        transfer_date=on,
        bureau_duties="负责食品生产许可的受理、审查、决定和送达。",
        department_duties="负责食品生产企业的事中事后监管。",
        approval_staff=6,
    )
    transfer_actions.sign_agreement(agreement, actor=signatory, side="bureau")
    return transfer_actions.sign_agreement(agreement, actor=head, side="department")


@pytest.fixture
def signed(department, bureau, signatory, head, complete_draft, admin_user):
    return agreement_for(
        department,
        bureau=bureau,
        signatory=signatory,
        head=head,
        complete_draft=complete_draft,
        admin_user=admin_user,
        on=TRANSFER_DATE,
        code="640221-XK-101",
    )


@pytest.fixture
def old_seal(department, orgadmin):
    return actions.register_department_seal(
        department,
        actor=orgadmin,
        name="平罗县市场监督管理局行政许可专用章",
        valid_from=day("2015-01-01"),
        holder="周局长",
        place="市场监管局办公室",
    )


HANDOVER = {
    "handed_over_by": "周局长",
    "received_by": "韩立新",
    "holder": "韩立新",
    "place": "审批局档案室印章保密柜",
    "checklist": "行政许可专用章一枚、印模一份；双方签字，纪检组监交",
    "checklist_signed": True,
}


def test_an_old_seal_is_sealed_away_on_the_transfer_date_and_not_a_day_earlier(
    signed, old_seal, orgadmin
):
    assert old_seal.state == Seal.SealState.ACTIVE and old_seal.holder == "周局长"
    with pytest.raises(ValidationFailed) as refused:
        actions.seal_away_department_seal(
            old_seal, actor=orgadmin, sealed_away_on=day("2026-03-01"), **HANDOVER
        )
    assert refused.value.fields == {
        "sealed_away_on": [
            "封存日期不能早于市场监管局的划转日期（2026年3月2日）：此前该部门仍在办理"
        ]
    }
    old_seal.refresh_from_db()
    assert old_seal.state == Seal.SealState.ACTIVE and not SealHandover.objects.exists()

    handover = actions.seal_away_department_seal(
        old_seal, actor=orgadmin, sealed_away_on=day(TRANSFER_DATE), **HANDOVER
    )
    old_seal.refresh_from_db()
    assert old_seal.state == Seal.SealState.SEALED_AWAY
    assert old_seal.sealed_away_on == day(TRANSFER_DATE)
    assert (old_seal.holder, old_seal.place) == ("韩立新", "审批局档案室印章保密柜")
    assert (handover.handed_over_by, handover.received_by) == ("周局长", "韩立新")
    assert handover.transfer_date == day(TRANSFER_DATE) and handover.recorded_by == orgadmin
    rows = AuditEvent.objects.filter(subject_id=str(old_seal.pk), actor=orgadmin)
    assert sorted(rows.values_list("action", flat=True)) == [
        "documents.register_department_seal",
        "documents.seal_away_department_seal",
    ]
    assert rows.get(action="documents.seal_away_department_seal").data["sealed_away_on"] == (
        TRANSFER_DATE
    )


def test_a_seal_is_sealed_away_once(signed, old_seal, orgadmin):
    actions.seal_away_department_seal(
        old_seal, actor=orgadmin, sealed_away_on=day(TRANSFER_DATE), **HANDOVER
    )
    with pytest.raises(ValidationFailed) as refused:
        actions.seal_away_department_seal(
            old_seal, actor=orgadmin, sealed_away_on=day("2026-03-10"), **HANDOVER
        )
    assert refused.value.fields["sealed_away_on"] == [
        "“平罗县市场监督管理局行政许可专用章”已于2026年3月2日封存，不能再次封存"
    ]
    old_seal.refresh_from_db()
    assert old_seal.sealed_away_on == day(TRANSFER_DATE)
    assert SealHandover.objects.count() == 1
    assert AuditEvent.objects.filter(action="documents.seal_away_department_seal").count() == 1


def test_only_the_bureaus_administrators_of_its_region_keep_the_old_seals(
    signed, old_seal, make_staff, other_county, county, department, clerk
):
    outsider = make_staff("dwk_admin", other_county, Role.ADMINISTRATOR)  # 大武口区
    own = make_staff("dept_admin", county, Role.ADMINISTRATOR, department=department)
    for actor in (outsider, clerk, own):
        with pytest.raises(NotPermitted):
            actions.seal_away_department_seal(
                old_seal, actor=actor, sealed_away_on=day(TRANSFER_DATE), **HANDOVER
            )
        with pytest.raises(NotPermitted):
            actions.register_department_seal(
                department,
                actor=actor,
                name="平罗县市场监督管理局公章",
                valid_from=day("2015-01-01"),
            )
    with pytest.raises(NotPermitted):
        actions.seal_away_department_seal(
            old_seal, actor=None, sealed_away_on=day(TRANSFER_DATE), **HANDOVER
        )
    old_seal.refresh_from_db()
    assert old_seal.state == Seal.SealState.ACTIVE
    assert Seal.objects.filter(kind=Seal.Kind.DEPARTMENT).count() == 1


def test_every_missing_part_of_the_hand_over_is_named(old_seal, orgadmin, signed):
    with pytest.raises(ValidationFailed) as refused:
        actions.seal_away_department_seal(
            old_seal,
            actor=orgadmin,
            sealed_away_on=None,
            handed_over_by=" ",
            received_by="",
            holder="",
            place="",
            checklist="",
            checklist_signed=False,
        )
    assert set(refused.value.fields) == {
        "sealed_away_on",
        "handed_over_by",
        "received_by",
        "holder",
        "place",
        "checklist",
    }
    with pytest.raises(ValidationFailed) as refused:
        actions.seal_away_department_seal(
            old_seal,
            actor=orgadmin,
            sealed_away_on=day(TRANSFER_DATE),
            **{**HANDOVER, "checklist_signed": False},
        )
    assert refused.value.fields == {"checklist": ["移交清单须经移交人、接收人双方签字确认"]}
    with pytest.raises(ValidationFailed) as refused:
        actions.register_department_seal(
            old_seal.department, actor=orgadmin, name=old_seal.name, valid_from=None
        )
    assert set(refused.value.fields) == {"name", "valid_from"}


def test_without_a_signed_agreement_the_old_seal_is_not_sealed_away(old_seal, orgadmin):
    with pytest.raises(ValidationFailed) as refused:
        actions.seal_away_department_seal(
            old_seal, actor=orgadmin, sealed_away_on=day(TRANSFER_DATE), **HANDOVER
        )
    assert refused.value.fields == {
        "sealed_away_on": ["市场监管局尚无双方签字的划转协议，原印章不能封存"]
    }


def test_a_bureau_seal_is_not_handed_over(seal, orgadmin):
    with pytest.raises(ValidationFailed) as refused:
        actions.seal_away_department_seal(
            seal, actor=orgadmin, sealed_away_on=day(TRANSFER_DATE), **HANDOVER
        )
    assert "seal" in refused.value.fields
    seal.refresh_from_db()
    assert seal.state == Seal.SealState.ACTIVE


# --- the warning ---------------------------------------------------------------------------


def test_an_old_seal_still_active_the_day_after_the_transfer_date_is_warned(
    signed, old_seal, orgadmin, county
):
    prefix = county.prefix
    assert queries.seal_warnings(prefix, today=day("2026-03-02")) == []  # not passed yet
    (warning,) = queries.seal_warnings(prefix, today=day("2026-03-03"))
    assert warning.seal == old_seal and warning.transfer_date == day(TRANSFER_DATE)
    assert warning.days_late == 1
    assert (
        warning.text == "划转日期2026年3月2日已过，“平罗县市场监督管理局行政许可专用章”仍未移交封存"
    )
    actions.seal_away_department_seal(
        old_seal, actor=orgadmin, sealed_away_on=day(TRANSFER_DATE), **HANDOVER
    )
    assert queries.seal_warnings(prefix, today=day("2026-03-03")) == []
    # Another county's reader sees nothing of it.
    assert queries.seal_warnings("640202", today=day("2026-03-03")) == []


def test_a_seal_sealed_away_late_was_warned_until_that_day(signed, old_seal, orgadmin, county):
    actions.seal_away_department_seal(
        old_seal, actor=orgadmin, sealed_away_on=day("2026-03-05"), **HANDOVER
    )
    assert [w.seal for w in queries.seal_warnings(county.prefix, today=day("2026-03-04"))] == [
        old_seal
    ]
    assert queries.seal_warnings(county.prefix, today=day("2026-03-05")) == []


def test_a_department_past_its_date_without_a_registered_seal_is_warned(signed, county):
    (warning,) = queries.seal_warnings(county.prefix, today=day("2026-03-03"))
    assert warning.seal is None and "原审批印章尚未登记移交" in warning.text


def test_an_items_later_date_moves_the_departments_date(
    signed, old_seal, orgadmin, county, bureau, signatory, head, complete_draft, admin_user
):
    """The department still approves its last item until that item moves: the seal is needed
    until then, and is sealed away from then."""
    agreement_for(
        old_seal.department,
        bureau=bureau,
        signatory=signatory,
        head=head,
        complete_draft=complete_draft,
        admin_user=admin_user,
        on="2026-04-01",
        code="640221-XK-102",
    )
    assert queries.seal_warnings(county.prefix, today=day("2026-03-03")) == []
    with pytest.raises(ValidationFailed) as refused:
        actions.seal_away_department_seal(
            old_seal, actor=orgadmin, sealed_away_on=day("2026-03-31"), **HANDOVER
        )
    assert "2026年4月1日" in refused.value.fields["sealed_away_on"][0]
    assert len(queries.seal_warnings(county.prefix, today=day("2026-04-02"))) == 1


# --- the page and the API ----------------------------------------------------------------------


def test_the_seals_page_lists_warns_and_records_a_hand_over(
    client, signed, old_seal, orgadmin, bureau, seal
):
    client.force_login(orgadmin)
    url = reverse("documents:seals") + f"?bureau={bureau.pk}"
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert seal.name in text and old_seal.name in text and "周局长" in text
    assert "仍未移交封存" in text  # the demo-free today is after 2026-03-02
    form = {
        "bureau": bureau.pk,
        "op": "handover",
        "handover-seal": old_seal.pk,
        "handover-sealed_away_on": "2026-03-01",
        **{f"handover-{k}": v for k, v in HANDOVER.items()},
    }
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "封存日期不能早于市场监管局的划转日期（2026年3月2日）" in refused.content.decode()
    done = client.post(url, {**form, "handover-sealed_away_on": TRANSFER_DATE})
    assert done.status_code == 302
    old_seal.refresh_from_db()
    assert old_seal.state == Seal.SealState.SEALED_AWAY
    text = client.get(url).content.decode()
    assert "2026年3月2日" in text and "审批局档案室印章保密柜" in text
    assert "仍未移交封存" not in text


def test_the_seals_page_is_read_only_to_other_staff_and_hidden_from_other_counties(
    client, make_staff, other_county, old_seal, clerk, bureau
):
    client.force_login(clerk)
    url = reverse("documents:seals")
    page = client.get(url)
    assert page.status_code == 200 and old_seal.name in page.content.decode()
    assert 'id="handover-form"' not in page.content.decode()
    assert client.post(url, {"op": "handover", "bureau": bureau.pk}).status_code == 403
    client.force_login(make_staff("dwk_clerk", other_county, Role.CLERK))
    assert client.get(url + f"?bureau={bureau.pk}").status_code == 404


def test_the_api_lists_registers_and_records_the_hand_over(
    signed, orgadmin, department, bureau, seal
):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(orgadmin)
    made = api.post(
        "/api/v1/seals",
        {
            "department": department.pk,
            "name": "平罗县市场监督管理局行政许可专用章",
            "valid_from": "2015-01-01",
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert made.json()["state"] == "active" and made.json()["handover"] is None
    listed = api.get("/api/v1/seals", {"bureau": bureau.pk}).json()
    assert {(s["kind"], s["state"]) for s in listed} == {
        ("bureau", "active"),
        ("department", "active"),
    }
    assert "private_key_pem" not in listed[0] and "certificate_pem" not in listed[0]
    body = {**HANDOVER, "sealed_away_on": TRANSFER_DATE}
    done = api.post(f"/api/v1/seals/{pk}/hand-over", body, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["state"] == "sealed_away"
    assert done.json()["handover"]["received_by"] == "韩立新"
    again = api.post(f"/api/v1/seals/{pk}/hand-over", body, format="json")
    assert again.status_code == 400
    assert "不能再次封存" in again.json()["fields"]["sealed_away_on"][0]
    assert api.get("/api/v1/seals/warnings", {"bureau": bureau.pk}).json() == []


def test_the_api_refuses_another_county_and_a_non_administrator(
    signed, old_seal, make_staff, other_county, clerk, department
):
    from rest_framework.test import APIClient

    body = {**HANDOVER, "sealed_away_on": TRANSFER_DATE}
    api = APIClient()
    api.force_authenticate(make_staff("dwk_admin", other_county, Role.ADMINISTRATOR))
    assert api.get("/api/v1/seals").json() == []
    assert (
        api.post(f"/api/v1/seals/{old_seal.pk}/hand-over", body, format="json").status_code == 404
    )
    refused = api.post(
        "/api/v1/seals",
        {"department": department.pk, "name": "旧章", "valid_from": "2015-01-01"},
        format="json",
    )
    assert refused.status_code == 400 and "department" in refused.json()["fields"]
    api.force_authenticate(clerk)
    assert [s["id"] for s in api.get("/api/v1/seals").json()] == [old_seal.pk]
    assert (
        api.post(f"/api/v1/seals/{old_seal.pk}/hand-over", body, format="json").status_code == 403
    )
    warned = api.get("/api/v1/seals/warnings").json()
    assert [w["seal"] for w in warned] == [old_seal.pk]
    bad = api.post(
        f"/api/v1/seals/{old_seal.pk}/hand-over", {**body, "sealed_away_on": "3/2"}, format="json"
    )
    assert bad.status_code == 400 and "sealed_away_on" in bad.json()["fields"]
    old_seal.refresh_from_db()
    assert old_seal.state == Seal.SealState.ACTIVE
    assert Department.objects.count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_administrators_sealing_away_at_once_record_one_hand_over(
    signed, old_seal, orgadmin, make_staff, county, bureau
):
    other = make_staff("orgadmin2", county, Role.ADMINISTRATOR, bureau=bureau)
    results = in_parallel(
        *(
            lambda user=user, on=on: actions.seal_away_department_seal(
                old_seal, actor=user, sealed_away_on=day(on), **HANDOVER
            )
            for user, on in ((orgadmin, TRANSFER_DATE), (other, "2026-03-03"))
        ),
        timeout=120,
    )
    done = [r for r in results if isinstance(r, SealHandover)]
    refused = [r for r in results if isinstance(r, ValidationFailed)]
    assert len(done) == 1 and len(refused) == 1, results
    assert "不能再次封存" in refused[0].fields["sealed_away_on"][0]
    assert SealHandover.objects.count() == 1
    assert AuditEvent.objects.filter(action="documents.seal_away_department_seal").count() == 1


def test_e_supervision_shows_the_department_whose_old_seal_is_still_active(
    client, signed, old_seal, orgadmin, make_staff, county, other_county
):
    client.force_login(make_staff("overseer", county, Role.OVERSEER))
    url = reverse("esupervision:dashboard")
    text = client.get(url).content.decode()
    section = text[text.index('id="seal-switch"') :]
    assert "市场监管局：划转日期2026年3月2日已过" in section[: section.index("</ul>")]
    client.force_login(make_staff("dwk_overseer", other_county, Role.OVERSEER))
    text = client.get(url).content.decode()
    assert "划转日期2026年3月2日已过" not in text
    actions.seal_away_department_seal(
        old_seal, actor=orgadmin, sealed_away_on=day(TRANSFER_DATE), **HANDOVER
    )
    client.force_login(get_user_model().objects.get(username="overseer"))
    assert "划转日期2026年3月2日已过" not in client.get(url).content.decode()
