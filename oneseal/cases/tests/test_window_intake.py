"""一窗受理 in one act (`intake_at_window`): the applicant registered, the case received, every
material checked and the decision made together — or, when the decision is refused, nothing
stored at all (no applicant, no case, no receipt), each refusal under its field."""

import pytest

from oneseal.applicants.models import Applicant
from oneseal.audit.models import AuditEvent
from oneseal.cases import actions
from oneseal.cases.actions import LineCheck
from oneseal.cases.models import Case, CaseMaterial, State
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import ApplicantType, Material
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.testing import day

S = CaseMaterial.Status
PERSON = {
    "kind": "person",
    "name": "马𠮷祥",
    "number": "640221198001011237",
    "phone": "13909520000",
}
AGENT = {"agent_name": "马代办", "agent_id_number": "640221199002150049"}


def publish_food(complete_draft, admin_user, code, **fields):
    """The application form (core), a tolerable rules list, and the power of attorney for an
    agent."""
    version = complete_draft(basic_code=code)
    hi = version.handling_items.get()
    for name, value in fields.items():
        setattr(hi, name, value)
    catalogue_actions.save_draft_part(hi, actor=admin_user)
    for order, material in enumerate(
        [
            Material(name="食品安全管理制度", is_core=False, is_tolerable=True),
            Material(name="授权委托书", applies_to="agent", is_required=False, is_core=False),
        ],
        start=2,
    ):
        material.handling_item, material.order = hi, order
        catalogue_actions.save_draft_part(material, actor=admin_user)
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return hi


@pytest.fixture
def food(complete_draft, admin_user):
    return publish_food(complete_draft, admin_user, "640221-XK-101")


def materials(hi) -> dict[str, int]:
    return {m.name: m.pk for m in hi.materials.all()}


def checklist(hi, **by_name) -> dict[int, LineCheck]:
    return {
        pk: by_name.get(name, LineCheck(status=S.PROVIDED)) for name, pk in materials(hi).items()
    }


def intake(hi, clerk, decision, **kwargs):
    return actions.intake_at_window(
        hi, actor=clerk, applicant=PERSON, decision=decision, idempotency_key="k-1", **kwargs
    )


def test_received_checked_and_accepted_in_one_act(food, clerk):
    case = intake(food, clerk, "accept", checklist=checklist(food), **AGENT)
    assert case.state == State.ACCEPTED and case.agent_name == "马代办"
    assert set(case.materials.values_list("status", flat=True)) == {S.PROVIDED}
    assert [e.action for e in case.events.order_by("seq")] == ["receive", "accept"]
    # The same form sent again (a double press) returns the case it opened.
    assert intake(food, clerk, "accept", checklist=checklist(food), **AGENT) == case
    assert Case.objects.count() == 1


def test_an_agent_without_the_power_of_attorney_stores_nothing(food, clerk):
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        intake(
            food,
            clerk,
            "accept",
            checklist=checklist(food, 授权委托书=LineCheck(status=S.PENDING)),
            **AGENT,
        )
    assert "授权委托书" in refused.value.fields["power_of_attorney"][0]
    assert not Case.objects.exists() and not Applicant.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_accepted_with_a_tolerated_material_and_its_promised_date(food, clerk):
    rules_list = LineCheck(status=S.MISSING, tolerated=True, promised_by=day("2099-12-31"))
    case = intake(food, clerk, "accept", checklist=checklist(food, 食品安全管理制度=rules_list))
    line = case.materials.get(material__name="食品安全管理制度")
    assert line.status == S.TOLERATED and line.promised_by == day("2099-12-31")


def test_a_tolerated_material_without_a_date_is_named_on_its_line(food, clerk):
    undated = LineCheck(status=S.MISSING, tolerated=True)
    with pytest.raises(ValidationFailed) as refused:
        intake(food, clerk, "accept", checklist=checklist(food, 食品安全管理制度=undated))
    assert list(refused.value.fields) == [f"material-{materials(food)['食品安全管理制度']}"]
    assert not Case.objects.exists()


def test_one_correction_notice_names_what_each_line_lacks(food, clerk):
    unsaid = LineCheck(status=S.DEFECTIVE)
    with pytest.raises(ValidationFailed) as refused:
        intake(food, clerk, "correction", checklist=checklist(food, 食品经营许可申请书=unsaid))
    assert f"material-{materials(food)['食品经营许可申请书']}" in refused.value.fields
    said = LineCheck(status=S.DEFECTIVE, note="申请书未签字")
    case = intake(food, clerk, "correction", checklist=checklist(food, 食品经营许可申请书=said))
    assert case.state == State.AWAITING_CORRECTION
    assert [i["note"] for i in case.events.get(action="request_correction").data["items"]] == [
        "申请书未签字"
    ]


def test_refused_at_the_window_names_the_competent_body(food, clerk):
    with pytest.raises(ValidationFailed) as refused:
        intake(food, clerk, "refuse", refusal={"clause": "2", "reason": "属于市级审批权限"})
    assert set(refused.value.fields) == {"competent_body"}
    assert not Case.objects.exists()
    case = intake(
        food,
        clerk,
        "refuse",
        refusal={"clause": "2", "reason": "属于市级审批权限", "competent_body": "石嘴山市审批局"},
    )
    assert case.state == State.REFUSED


def test_only_receiving_keeps_the_check_for_later(food, clerk):
    case = intake(food, clerk, "receive")
    assert case.state == State.RECEIVED
    assert case.materials.get(material__name="授权委托书").status == S.NOT_NEEDED


def test_an_applicant_of_the_wrong_type_is_refused_before_anything_is_stored(
    complete_draft, admin_user, clerk
):
    companies = publish_food(
        complete_draft, admin_user, "640221-XK-102", applicant_type=ApplicantType.ORGANISATION
    )
    with pytest.raises(ValidationFailed) as refused:
        intake(companies, clerk, "accept", checklist=checklist(companies))
    assert "法人或其他组织" in refused.value.fields["handling_item"][0]
    assert actions.applicant_kind_blockers(companies, "organisation") == []
    assert not Applicant.objects.exists()


def test_an_unknown_decision_or_material_is_refused(food, clerk, handling_item):
    with pytest.raises(ValidationFailed) as refused:
        intake(food, clerk, "approve")
    assert set(refused.value.fields) == {"decision"}
    other = handling_item.materials.first()
    with pytest.raises(ValidationFailed) as refused:
        intake(food, clerk, "accept", checklist={other.pk: LineCheck(status=S.PROVIDED)})
    assert set(refused.value.fields) == {f"material-{other.pk}"}


def pdf(name="scan.pdf", body=b"%PDF-1.7 window scan"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_scans_are_stored_with_the_receipts_act(food, clerk):
    ids = materials(food)
    case = intake(
        food,
        clerk,
        "accept",
        checklist=checklist(food),
        uploads={ids["食品安全管理制度"]: pdf("制度.pdf")},
    )
    upload = case.materials.get(material_id=ids["食品安全管理制度"]).uploads.get()
    assert upload.original_name == "制度.pdf" and upload.content_type == "application/pdf"
    assert upload.uploaded_by == clerk
    events = list(case.events.order_by("seq").values_list("action", flat=True))
    assert events == ["receive", "attach_file", "accept"]


def test_a_refused_scan_refuses_the_intake_under_its_material(food, clerk):
    ids = materials(food)
    with pytest.raises(ValidationFailed) as refused:
        intake(
            food,
            clerk,
            "accept",
            checklist=checklist(food),
            uploads={ids["食品安全管理制度"]: pdf("制度.pdf", b"MZ not a pdf")},
        )
    assert "食品安全管理制度" in refused.value.fields[f"material-{ids['食品安全管理制度']}"][0]
    assert not Case.objects.exists() and not Applicant.objects.exists()


def test_a_held_scan_is_given_to_the_case_as_it_was_checked(food, clerk):
    ids = materials(food)
    held = actions.hold_upload(pdf("制度.pdf"), actor=clerk)
    assert held.held and held.name.startswith("cases/shared/")
    assert AuditEvent.objects.filter(action="cases.hold_upload", actor=clerk).count() == 1
    with pytest.raises(ValidationFailed):
        actions.hold_upload(pdf("制度.pdf", b"\x89PNG but named pdf"), actor=clerk)
    case = intake(
        food, clerk, "accept", checklist=checklist(food), uploads={ids["食品安全管理制度"]: held}
    )
    upload = case.materials.get(material_id=ids["食品安全管理制度"]).uploads.get()
    assert upload.file.name == held.name and upload.sha256 == held.sha256
    assert case.events.get(action="attach_file").data["held"] is True


def test_only_a_window_clerk_holds_a_scan(food, reviewer, applicant_user):
    for stranger in (reviewer, applicant_user):
        with pytest.raises(NotPermitted):
            actions.hold_upload(pdf("制度.pdf"), actor=stranger)
    assert not AuditEvent.objects.filter(action="cases.hold_upload").exists()
