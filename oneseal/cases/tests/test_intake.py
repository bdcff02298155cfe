"""Receiving and accepting, on real dates around the 2025 Spring Festival and National Day
(2025: 1/28–2/4 off with Sunday 1/26 and Saturday 2/8 worked; 10/1–10/8 off with Sunday 9/28
and Saturday 10/11 worked)."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.cases import actions
from oneseal.cases.models import Case, CaseEvent, CaseMaterial, State
from oneseal.errors import Conflict, InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Role
from oneseal.testing import at, day


def provide_all(case, clerk):
    lines = case.materials.all()
    return actions.check_materials(
        case, actor=clerk, statuses={m.pk: CaseMaterial.Status.PROVIDED for m in lines}
    )


def test_receiving_opens_a_case_with_its_checklist_and_the_five_day_clock(
    handling_item, applicant, clerk
):
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-01-24 10:00")
    )
    assert case.state == State.RECEIVED and case.received_on == day("2025-01-24")
    assert case.acceptance_due == day("2025-02-07")  # Sunday 1/26, Monday 1/27, then 2/5, 2/6, 2/7
    assert case.number == "6402212025000001"
    assert [m.material.name for m in case.materials.all()] == [
        "食品经营许可申请书",
        "食品安全管理制度",
    ]
    assert case.events.get().action == "receive"
    assert case.applicant.name == "平罗县𠮷祥餐饮有限公司"


def test_accepting_sets_promised_and_statutory_due_dates_in_working_days(
    handling_item, applicant, clerk
):
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-01-24 10:00")
    )
    case = provide_all(case, clerk)
    case = actions.accept(case, actor=clerk, on=day("2025-01-27"))
    assert case.state == State.ACCEPTED and case.accepted_on == day("2025-01-27")
    assert case.promised_due == day("2025-02-10")  # 2/5, 2/6, 2/7, Saturday 2/8, 2/10
    assert case.statutory_due == day("2025-03-03")
    assert case.events.last().notice_due == "acceptance"


def test_a_required_material_not_provided_blocks_acceptance(handling_item, applicant, clerk):
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    with pytest.raises(InvalidTransition) as e:
        actions.accept(case, actor=clerk, on=day("2025-03-03"))
    assert any("食品经营许可申请书" in r for r in e.value.reasons)
    assert Case.objects.get(pk=case.pk).state == State.RECEIVED


def test_tolerated_acceptance_only_for_a_non_core_tolerable_material_on_a_dated_promise(
    handling_item, applicant, clerk
):
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    core, non_core = case.materials.order_by("material__order")
    actions.check_materials(case, actor=clerk, statuses={core.pk: CaseMaterial.Status.PROVIDED})
    with pytest.raises(InvalidTransition):
        actions.accept(
            case, actor=clerk, on=day("2025-03-03"), tolerated={core.pk: day("2025-03-10")}
        )
    case = actions.accept(
        case, actor=clerk, on=day("2025-03-03"), tolerated={non_core.pk: day("2025-03-10")}
    )
    non_core.refresh_from_db()
    assert non_core.status == CaseMaterial.Status.TOLERATED and non_core.promised_by == day(
        "2025-03-10"
    )
    assert case.events.last().notice_due == "tolerated_acceptance"


def test_silence_for_five_working_days_means_acceptance_as_of_receipt(
    handling_item, applicant, clerk
):
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-01-24 16:00")
    )
    assert actions.deem_accepted(case, today=day("2025-02-07")) is None  # the 5th day is still open
    case = actions.deem_accepted(case, today=day("2025-02-08"))
    assert case.state == State.ACCEPTED and case.deemed_accepted
    assert case.accepted_on == day("2025-01-24")
    assert case.promised_due == day("2025-02-07")
    event = case.events.last()
    assert event.action == "deem_accepted" and event.actor is None and event.on == day("2025-01-24")


def test_after_a_correction_the_five_days_run_again_from_its_arrival(
    handling_item, applicant, clerk
):
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-09-26 10:00")
    )
    line = case.materials.first()
    case = actions.request_correction(
        case, actor=clerk, on=day("2025-09-28"), items={line.pk: "申请书未签字"}
    )
    assert case.state == State.AWAITING_CORRECTION
    assert case.events.last().data["items"][0]["note"] == "申请书未签字"
    # Waiting for the applicant counts toward nothing: no deemed acceptance meanwhile.
    assert actions.deem_accepted(case, today=day("2025-10-10")) is None
    case = actions.submit_correction(case, actor=clerk, on=day("2025-10-10"))
    assert case.acceptance_due == day("2025-10-16")  # Saturday 10/11 worked, then 10/13–10/16
    case = actions.deem_accepted(case, today=day("2025-10-17"))
    assert case.accepted_on == day("2025-10-10")


def test_a_material_checked_as_defective_stays_defective_in_the_correction_notice(
    handling_item, applicant, clerk
):
    # The window first marks the line 需补正 while checking, then sends the one-time notice:
    # the applicant handed the paper in, so the notice must not call it missing.
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    line = case.materials.first()
    case = actions.check_materials(
        case, actor=clerk, statuses={line.pk: CaseMaterial.Status.DEFECTIVE}
    )
    case = actions.request_correction(
        case, actor=clerk, on=day("2025-03-04"), items={line.pk: "申请书未签字"}
    )
    line.refresh_from_db()
    assert line.status == CaseMaterial.Status.DEFECTIVE
    assert case.events.last().data["items"][0]["status"] == CaseMaterial.Status.DEFECTIVE


def test_a_correction_request_after_the_five_days_is_too_late(handling_item, applicant, clerk):
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    with pytest.raises(ValidationFailed):
        actions.request_correction(
            case, actor=clerk, on=day("2025-03-11"), items={case.materials.first().pk: "x"}
        )


def test_refusing_for_lack_of_power_must_name_the_competent_body(handling_item, applicant, clerk):
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    with pytest.raises(ValidationFailed) as e:
        actions.refuse(case, actor=clerk, clause="2", reason="不属于本局职权")
    assert "competent_body" in e.value.fields
    case = actions.refuse(
        case,
        actor=clerk,
        clause="2",
        reason="不属于本局职权",
        competent_body="石嘴山市市场监督管理局",
        on=day("2025-03-04"),
    )
    assert case.state == State.REFUSED and case.closed_on is not None
    assert case.events.last().data["basis"].endswith("第（二）项")


def test_a_second_clerk_acting_on_a_stale_view_gets_a_conflict(
    handling_item, applicant, clerk, make_staff, county
):
    other = make_staff("clerk2", county, Role.CLERK)
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    seen = case.lock_version
    actions.refuse(
        case,
        actor=clerk,
        clause="1",
        reason="无需许可",
        expected_version=seen,
        on=day("2025-03-04"),
    )
    with pytest.raises(Conflict):
        actions.request_correction(
            case, actor=other, items={case.materials.first().pk: "x"}, expected_version=seen
        )
    assert CaseEvent.objects.filter(case=case).count() == 2


def test_staff_of_another_county_or_another_role_cannot_act(
    handling_item, applicant, clerk, make_staff, other_county, county
):
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    for user in (
        make_staff("far", other_county, Role.CLERK),
        make_staff("sup", county, Role.SUPERVISOR),
    ):
        with pytest.raises(NotPermitted):
            actions.refuse(case, actor=user, clause="1", reason="x")
    assert Case.objects.get(pk=case.pk).state == State.RECEIVED


def test_a_repeated_submission_with_the_same_key_opens_one_case(handling_item, applicant, clerk):
    a = actions.receive(handling_item, actor=clerk, applicant=applicant, idempotency_key="k-1")
    b = actions.receive(handling_item, actor=clerk, applicant=applicant, idempotency_key="k-1")
    assert a.pk == b.pk and Case.objects.count() == 1


def test_the_event_chain_detects_a_changed_row(handling_item, applicant, clerk):
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    actions.refuse(case, actor=clerk, clause="1", reason="无需许可", on=day("2025-03-04"))
    assert actions.verify_chain(case.pk) == []
    CaseEvent.objects.filter(case=case, seq=2).update(reason="改过的理由")
    assert any("was changed" in p for p in actions.verify_chain(case.pk))


def test_uploads_are_checked_by_content_and_kept_with_their_hash(
    handling_item, applicant, clerk, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    line = case.materials.first()
    row = actions.attach_file(
        line, actor=clerk, upload=SimpleUploadedFile("申请书.pdf", b"%PDF-1.7 content")
    )

    assert row.sha256 == hashlib.sha256(b"%PDF-1.7 content").hexdigest()
    with pytest.raises(ValidationFailed) as e:
        actions.attach_file(
            line, actor=clerk, upload=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")
        )
    assert "file" in e.value.fields
    settings.UPLOAD_MAX_BYTES = 4
    with pytest.raises(ValidationFailed):
        actions.attach_file(
            line, actor=clerk, upload=SimpleUploadedFile("big.pdf", b"%PDF-1.7 too big")
        )
    assert line.uploads.count() == 1


def test_an_agent_needs_a_name_and_a_valid_id_number(handling_item, applicant, clerk):
    with pytest.raises(ValidationFailed) as e:
        actions.receive(
            handling_item,
            actor=clerk,
            applicant=applicant,
            agent_name="",
            agent_id_number="110105194912310021",
        )
    assert set(e.value.fields) == {"agent_name", "agent_id_number"}
    case = actions.receive(
        handling_item,
        actor=clerk,
        applicant=applicant,
        agent_name="赵代办",
        agent_id_number="11010519491231002x",
        agent_phone="13900000000",
    )
    assert case.agent_id_number == "11010519491231002X"


def test_the_accepted_upload_kinds_are_configured_and_each_upload_is_an_event(
    handling_item, applicant, clerk, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_TYPES = ["pdf"]
    case = actions.receive(handling_item, actor=clerk, applicant=applicant)
    line = case.materials.first()
    with pytest.raises(ValidationFailed) as e:
        actions.attach_file(
            line, actor=clerk, upload=SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n")
        )
    assert "PDF" in e.value.fields["file"][0]
    actions.attach_file(line, actor=clerk, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.7"))
    event = case.events.last()
    assert (
        event.action == "attach_file"
        and event.data["sha256"] == hashlib.sha256(b"%PDF-1.7").hexdigest()
    )
    assert actions.verify_chain(case.pk) == []


# --- the acceptance window binds every intake decision (issue 12, point 8) -----------------


@pytest.mark.parametrize(
    "decide",
    [
        lambda case, clerk, on: actions.refuse(
            case, actor=clerk, clause="1", reason="无需许可", on=on
        ),
        lambda case, clerk, on: actions.accept(case, actor=clerk, on=on),
        lambda case, clerk, on: actions.request_correction(
            case, actor=clerk, on=on, items={case.materials.first().pk: "申请书未签字"}
        ),
    ],
    ids=["refuse", "accept", "request_correction"],
)
def test_an_intake_decision_after_the_five_days_finds_the_case_deemed_accepted(
    handling_item, applicant, clerk, decide
):
    # Received Friday 2025-09-26; the five working days are Sunday 9-28 (worked), 9-29, 9-30
    # and, after the National Day holiday, 10-9 and 10-10. The clerk acts on Saturday 10-11,
    # a working day too, before the worker has run.
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-09-26 09:00")
    )
    assert case.acceptance_due == day("2025-10-10")
    for line in case.materials.all():
        actions.check_materials(case, actor=clerk, statuses={line.pk: CaseMaterial.Status.PROVIDED})
    with pytest.raises(ValidationFailed, match="视为受理") as refused:
        decide(case, clerk, day("2025-10-11"))
    assert "2025年10月10日届满" in refused.value.reasons[0]
    case.refresh_from_db()
    assert (
        case.state == State.ACCEPTED
        and case.deemed_accepted
        and case.accepted_on == day("2025-09-26")
    )
    deemed = case.events.order_by("-seq").first()
    assert (
        deemed.action == "deem_accepted"
        and deemed.actor is None
        and deemed.notice_due == "acceptance"
    )
    assert deemed.data["noticed_on"] == "2025-10-11"
    assert not case.events.filter(action__in=["refuse", "accept", "request_correction"]).exists()
    assert actions.verify_chain(case.pk) == []


def test_an_intake_decision_on_the_last_day_of_the_window_stands(handling_item, applicant, clerk):
    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-09-26 09:00")
    )
    case = actions.refuse(case, actor=clerk, clause="1", reason="无需许可", on=day("2025-10-10"))
    assert case.state == State.REFUSED and not case.deemed_accepted


def test_the_material_check_is_audited_and_only_while_the_application_is_received(
    handling_item, applicant, clerk
):
    from oneseal.audit.models import AuditEvent

    case = actions.receive(
        handling_item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    line = case.materials.select_related("material").first()
    version = Case.objects.get(pk=case.pk).lock_version
    actions.check_materials(
        case,
        actor=clerk,
        statuses={line.pk: CaseMaterial.Status.DEFECTIVE},
        notes={line.pk: "未盖章"},
    )
    row = AuditEvent.objects.get(action="cases.check_materials")
    assert (
        row.actor == clerk
        and row.subject_id == str(case.pk)
        and row.region_code == case.region_code
    )
    assert row.data["lines"] == [
        {"line": line.pk, "material": line.material.name, "status": "defective", "note": "未盖章"}
    ]
    assert Case.objects.get(pk=case.pk).lock_version == version + 1
    # The check is not one of the case's acts: its history stays the decisions'.
    assert list(case.events.values_list("action", flat=True)) == ["receive"]
    actions.refuse(case, actor=clerk, clause="1", reason="无需许可", on=day("2025-03-04"))
    with pytest.raises(InvalidTransition):
        actions.check_materials(case, actor=clerk, statuses={line.pk: CaseMaterial.Status.PROVIDED})
    assert AuditEvent.objects.filter(action="cases.check_materials").count() == 1


def test_accepting_with_nothing_tolerated_builds_no_query_for_tolerated_lines(
    handling_item, applicant, clerk, monkeypatch
):
    # Each query Django compiles costs CPU on the intake hot path even when, as for an empty
    # `pk__in`, it sends nothing. The checklist is read by a statement prepared once per
    # connection (`checklist_of`), so after a first acceptance none is compiled at all.
    from django.db.models.sql.compiler import SQLCompiler

    first, second = (
        provide_all(
            actions.receive(handling_item, actor=clerk, applicant=applicant, at=at(when)), clerk
        )
        for when in ("2025-01-24 10:00", "2025-01-24 11:00")
    )
    actions.accept(first, actor=clerk, on=day("2025-01-27"))
    compiled: list[type] = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    second = actions.accept(second, actor=clerk, on=day("2025-01-27"))
    assert second.state == State.ACCEPTED
    assert CaseMaterial not in compiled


def test_receiving_inserts_the_case_by_sql_built_once_per_connection(
    handling_item, applicant, clerk, monkeypatch
):
    # As the events (oneseal.prepared.insert): Django's compiler is not run for each case opened.
    from django.db.models.sql.compiler import SQLInsertCompiler

    first = actions.receive(handling_item, actor=clerk, applicant=applicant)
    inserted: list[type] = []
    as_sql = SQLInsertCompiler.as_sql

    def counting(self, *args, **kwargs):
        inserted.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLInsertCompiler, "as_sql", counting)
    second = actions.receive(handling_item, actor=clerk, applicant=applicant, idempotency_key="k")
    third = actions.receive(handling_item, actor=clerk, applicant=applicant)
    assert CaseMaterial in inserted and Case not in inserted
    assert len({first.number, second.number, third.number}) == 3
    assert Case.objects.get(pk=third.pk).state == State.RECEIVED == third.state
    assert third.materials.count() == 2 and third.events.get().action == "receive"
    # The same key again hands back the case it opened.
    again = actions.receive(handling_item, actor=clerk, applicant=applicant, idempotency_key="k")
    assert again == second
