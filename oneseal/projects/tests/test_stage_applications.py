"""Applying for a stage: one form, one set of materials, one case per item opened together or
not at all, the stage's and the project's clocks on real dates, and the one conclusion made by
the act that decides the last case."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.cases import actions as case_actions
from oneseal.cases.models import Case, CaseMaterial, Channel, State, Upload
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import SpecialProcedure
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.projects import actions, bundles, stages
from oneseal.projects.models import Bundle, Stage, StageApplication
from oneseal.projects.queries import project_clock_of, stage_clock_of
from oneseal.testing import at, day


def pdf(name: str, body: bytes = b"%PDF-1.7 test") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def fields_of(template, owner):
    groups = bundles.material_groups([i.handling_item for i in template.items.all()], owner.kind)
    return {g.name.strip(): g for g in groups}


def test_the_form_asks_a_material_several_items_need_once(template, owner):
    groups = fields_of(template, owner)
    assert [g.name.strip() for g in groups.values()] == [
        "建筑工程施工许可申请书",
        "建设工程规划许可证",
        "施工图设计文件审查合格书",
        "人防工程施工图备案申请书",
        "消防设计审查申请书",
    ]
    assert groups["建设工程规划许可证"].item_names == [
        "建筑工程施工许可（新办）",
        "人防工程施工图备案（新办）",
    ]


def test_the_window_opens_one_case_per_item_in_one_act(project, template, clerk):
    application = stages.apply_for_stage(
        project,
        template,
        actor=clerk,
        optional=[template.items.get(required=False).handling_item_id],
        at=at("2026-02-10 09:00"),
    )
    cases = [m.case for m in application.bundle.members.order_by("order")]
    assert [c.handling_item.name for c in cases] == [
        "建筑工程施工许可（新办）",
        "人防工程施工图备案（新办）",
        "消防设计审查（新办）",
    ]
    assert {c.state for c in cases} == {State.RECEIVED}
    assert {c.applicant for c in cases} == {project.owner}
    assert [m.required for m in application.bundle.members.order_by("order")] == [
        True,
        True,
        False,
    ]
    assert application.stage == Stage.CONSTRUCTION_PERMIT
    assert application.bundle.received_on == day("2026-02-10")


def test_without_the_optional_item_only_the_required_ones_open(project, template, clerk):
    application = stages.apply_for_stage(project, template, actor=clerk)
    assert application.bundle.members.count() == 2


def test_online_a_shared_file_is_stored_once_and_attached_to_each_case(
    project, template, owner_user, owner
):
    groups = fields_of(template, owner)
    files = {
        g.field: pdf(f"{g.name.strip()}.pdf", f"%PDF-1.7 {g.name}".encode())
        for g in groups.values()
    }
    optional = [template.items.get(required=False).handling_item_id]
    application = stages.apply_for_stage(
        project, template, actor=owner_user, channel=Channel.ONLINE, optional=optional, files=files
    )
    permit = Upload.objects.filter(
        case_material__case__bundle_member__bundle=application.bundle,
        case_material__material__name__startswith="建设工程规划许可证",
    )
    assert permit.count() == 2
    assert len({u.file.name for u in permit}) == 1  # one stored copy
    assert len({u.case_material.case_id for u in permit}) == 2
    event = permit[0].case_material.case.events.get(
        action="attach_file", data__shared=True, data__material__startswith="建设工程规划许可证"
    )
    assert event.data["sha256"] == permit[0].sha256
    assert (
        Upload.objects.filter(case_material__case__bundle_member__bundle=application.bundle).count()
        == 7
    )


def test_bad_input_refuses_everything_with_every_problem(project, template, owner_user, owner):
    groups = fields_of(template, owner)
    files = {
        groups["建筑工程施工许可申请书"].field: pdf("申请书.pdf"),
        groups["建设工程规划许可证"].field: SimpleUploadedFile("规划许可证.pdf", b"MZ not a pdf"),
    }
    with pytest.raises(ValidationFailed) as e:
        stages.apply_for_stage(
            project, template, actor=owner_user, channel=Channel.ONLINE, files=files
        )
    fields = e.value.fields
    assert set(fields) == {
        groups["建设工程规划许可证"].field,
        groups["施工图设计文件审查合格书"].field,
        groups["人防工程施工图备案申请书"].field,
    }
    assert fields[groups["施工图设计文件审查合格书"].field] == ["请上传“施工图设计文件审查合格书”"]
    assert "只接受" in fields[groups["建设工程规划许可证"].field][0]
    assert not Case.objects.exists()
    assert not Bundle.objects.exists()
    assert not StageApplication.objects.exists()


def test_an_item_no_longer_in_force_refuses_the_whole_stage(
    project, template, clerk, stage_items, admin_user
):
    version = stage_items[1].item_version
    version.effective_until = day("2025-12-31")
    version.save(update_fields=["effective_until"])
    with pytest.raises(ValidationFailed) as e:
        stages.apply_for_stage(project, template, actor=clerk, at=at("2026-02-10 09:00"))
    assert list(e.value.fields) == [f"item-{stage_items[1].pk}"]
    assert e.value.fields[f"item-{stage_items[1].pk}"][0].startswith("人防工程施工图备案（新办）：")
    assert not Case.objects.exists() and not Bundle.objects.exists()


def test_a_repeated_submission_returns_the_same_application(project, template, clerk):
    first = stages.apply_for_stage(project, template, actor=clerk, idempotency_key="k-1")
    again = stages.apply_for_stage(project, template, actor=clerk, idempotency_key="k-1")
    assert again == first
    assert Case.objects.count() == 2


def test_a_stage_is_applied_for_once(project, template, clerk):
    stages.apply_for_stage(project, template, actor=clerk)
    with pytest.raises(ValidationFailed) as e:
        stages.apply_for_stage(project, template, actor=clerk)
    assert e.value.fields["template"] == ["本项目已申请“施工许可”，不能重复申请"]


def test_another_countys_staff_may_not_apply(project, template, far_staff):
    with pytest.raises(NotPermitted):
        stages.apply_for_stage(project, template, actor=far_staff)
    assert not Case.objects.exists()


def test_an_applicant_who_is_not_the_owner_may_not_apply(project, template, other_applicant_user):
    with pytest.raises(NotPermitted):
        stages.apply_for_stage(
            project, template, actor=other_applicant_user, channel=Channel.ONLINE
        )
    assert not Case.objects.exists()


def test_a_template_for_another_project_kind_is_refused(project, template, clerk):
    project = actions.update_project(project, actor=clerk, kind="government")
    with pytest.raises(ValidationFailed) as e:
        stages.apply_for_stage(project, template, actor=clerk)
    assert e.value.fields["template"] == ["该阶段模板不适用于政府投资项目"]


# --- clocks on real dates -------------------------------------------------------------------


def accept_all(application, clerk, on):
    cases = []
    for m in application.bundle.members.order_by("order"):
        case = m.case
        case_actions.check_materials(
            case,
            actor=clerk,
            statuses={line.pk: CaseMaterial.Status.PROVIDED for line in case.materials.all()},
        )
        cases.append(case_actions.accept(case, actor=clerk, on=day(on)))
    return cases


def test_a_stage_crossing_the_2026_spring_festival(project, template, clerk):
    application = stages.apply_for_stage(project, template, actor=clerk, at=at("2026-02-10 09:00"))
    clock = stage_clock_of(application, day("2026-02-12"))
    # 10 working days after Tuesday 10 February: 11, 12, 13, Saturday 14 (worked), then the
    # holiday 15–23, then 24, 25, 26, 27, Saturday 28 (worked) and Monday 2 March.
    assert clock.due == day("2026-03-02")
    assert (clock.used, clock.remaining, clock.paused) == (2, 8, False)
    assert stage_clock_of(application, day("2026-02-23")).used == 4


def test_a_stage_suspended_for_a_joint_site_inspection(project, template, clerk, signatory):
    application = stages.apply_for_stage(project, template, actor=clerk, at=at("2025-03-03 09:00"))
    first, _second = accept_all(application, clerk, "2025-03-03")
    case_actions.suspend(
        first,
        actor=signatory,
        kind=SpecialProcedure.Kind.SITE_SURVEY,
        reason="联合现场勘验",
        expected_days=3,
        on=day("2025-03-05"),
    )
    paused = stage_clock_of(application, day("2025-03-07"))
    assert paused.paused and paused.used == 2  # 4 and 5 March; 6 and 7 stopped
    case_actions.resume(first, actor=signatory, on=day("2025-03-10"))
    clock = stage_clock_of(application, day("2025-03-10"))
    # Stopped on 6, 7 and 10 March: the 10 days end three working days later than 17 March.
    assert (clock.stopped, clock.used) == (3, 2)
    assert clock.due == day("2025-03-20")
    assert not clock.paused


def test_the_applicants_correction_does_not_count(project, template, clerk):
    application = stages.apply_for_stage(project, template, actor=clerk, at=at("2025-03-03 09:00"))
    case = application.bundle.members.order_by("order").first().case
    line = case.materials.first()
    case_actions.request_correction(
        case, actor=clerk, items={line.pk: "缺少盖章"}, on=day("2025-03-04")
    )
    case_actions.submit_correction(case, actor=clerk, on=day("2025-03-11"))
    clock = stage_clock_of(application, day("2025-03-11"))
    assert (clock.used, clock.stopped) == (1, 5)
    assert clock.due == day("2025-03-24")


# --- one conclusion -----------------------------------------------------------------------


def grant(case, signatory, on):
    return case_actions.grant(
        case,
        actor=signatory,
        on=day(on),
        scope="仓储用房施工",
        valid_from=day(on),
        valid_until=day("2030-01-23"),
    )


def test_the_last_decision_concludes_the_stage(project, template, clerk, signatory, bureau):
    from oneseal.documents import actions as document_actions
    from oneseal.documents.models import Document

    document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    application = stages.apply_for_stage(project, template, actor=clerk, at=at("2025-03-03 09:00"))
    first, second = accept_all(application, clerk, "2025-03-03")
    grant(first, signatory, "2025-03-06")
    application.bundle.refresh_from_db()
    assert application.bundle.concluded_on is None
    grant(second, signatory, "2025-03-07")
    application.bundle.refresh_from_db()
    assert application.bundle.outcome == Bundle.Outcome.COMPLETE
    assert application.bundle.concluded_on == day("2025-03-07")
    # One sealed notice lists every result, on the case decided last, by that act.
    (notice,) = Document.objects.filter(kind="joint_result")
    assert notice.case == second and notice.seal is not None
    event = notice.event
    assert event.action == "record_joint_result" and event.actor == signatory
    assert event.data["title"] == "平罗县物流仓储中心：施工许可"
    assert [r.split("：")[0] for r in event.data["results"]] == [
        f"建筑工程施工许可（新办）（{first.number}）",
        f"人防工程施工图备案（新办）（{second.number}）",
    ]
    assert all("准予许可，证照编号" in r for r in event.data["results"])
    clock = stage_clock_of(application, day("2025-04-30"))
    assert clock.used == 4 and clock.warning == ""
    project_clock = project_clock_of(project, day("2025-04-30"))
    assert (project_clock.used, project_clock.limit_days, project_clock.remaining) == (4, 90, 86)


def test_a_denied_required_item_ends_the_stage_with_its_reasons(
    project, template, clerk, signatory
):
    application = stages.apply_for_stage(project, template, actor=clerk, at=at("2025-03-03 09:00"))
    first, second = accept_all(application, clerk, "2025-03-03")
    case_actions.deny(second, actor=signatory, on=day("2025-03-05"), reasons=["人防设施不符合规范"])
    application.bundle.refresh_from_db()
    assert application.bundle.outcome == Bundle.Outcome.ENDED
    assert application.bundle.reasons == ["人防工程施工图备案（新办）：人防设施不符合规范"]
    # Without a seal the joint notice waits in the window's queue, with its reason.
    from oneseal.documents.models import PendingNotice

    assert PendingNotice.objects.filter(case=second, kind="joint_result").exists()
    first.refresh_from_db()
    assert first.state == State.ACCEPTED  # its own case goes on; the stage has ended
    # An ended stage may be applied for again.
    again = stages.apply_for_stage(project, template, actor=clerk, at=at("2025-03-10 09:00"))
    assert again.bundle.members.count() == 2


# --- reusing a licence already issued -------------------------------------------------------


@pytest.fixture
def planning_licence(complete_draft, admin_user, owner, clerk, signatory, bureau):
    """The owner's 建设工程规划许可证 of the earlier stage, issued under the bureau's seal."""
    from oneseal.documents import actions as document_actions

    document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    version = complete_draft(basic_code="640221-XK-090", name="建设工程规划许可")
    hi = version.handling_items.get()
    hi.result_name = "建设工程规划许可证"
    catalogue_actions.save_draft_part(hi, actor=admin_user)
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    case = case_actions.receive(hi, actor=clerk, applicant=owner, at=at("2025-02-10 09:00"))
    case_actions.check_materials(
        case,
        actor=clerk,
        statuses={line.pk: CaseMaterial.Status.PROVIDED for line in case.materials.all()},
    )
    case_actions.accept(case, actor=clerk, on=day("2025-02-10"))
    return grant(case, signatory, "2025-02-12")


def test_a_licence_already_issued_is_reused_not_uploaded(
    project, template, owner_user, owner, planning_licence
):
    groups = fields_of(template, owner)
    permit = groups["建设工程规划许可证"]
    files = {g.field: pdf(f"{n}.pdf") for n, g in groups.items() if g is not permit}
    application = stages.apply_for_stage(
        project,
        template,
        actor=owner_user,
        channel=Channel.ONLINE,
        optional=[template.items.get(required=False).handling_item_id],
        files=files,
        reuse={permit.field: planning_licence.pk},
    )
    document = bundles.licence_document(planning_licence)
    reused = Upload.objects.filter(
        case_material__case__bundle_member__bundle=application.bundle,
        case_material__material__name__startswith="建设工程规划许可证",
    )
    assert reused.count() == 2
    assert {u.file.name for u in reused} == {document.file.name}
    assert {u.sha256 for u in reused} == {document.sha256}
    for upload in reused:
        event = upload.case_material.case.events.get(
            action="attach_file", data__name=upload.original_name
        )
        assert event.data["reused"]["licence"] == planning_licence.number
    assert application.bundle.materials[1]["reused"]["licence"] == planning_licence.number


def test_a_licence_of_someone_else_cannot_be_reused(
    project, template, clerk, owner, planning_licence, own_applicant
):
    planning_licence.holder = own_applicant
    planning_licence.save(update_fields=["holder"])
    permit = fields_of(template, owner)["建设工程规划许可证"]
    with pytest.raises(ValidationFailed) as e:
        stages.apply_for_stage(
            project, template, actor=clerk, reuse={permit.field: planning_licence.pk}
        )
    assert e.value.fields == {permit.field: ["“建设工程规划许可证”：所选证照不属于申请人"]}
    assert not Bundle.objects.exists()


def test_a_refused_conclusion_leaves_the_decision_standing_and_the_stage_open(
    project, template, clerk, signatory, monkeypatch
):
    application = stages.apply_for_stage(project, template, actor=clerk, at=at("2025-03-03 09:00"))
    first, second = accept_all(application, clerk, "2025-03-03")
    grant(first, signatory, "2025-03-06")

    def refuse(*args, **kwargs):
        raise ValidationFailed("联合结果告知书无法登记")

    monkeypatch.setattr(bundles, "record_joint_result", refuse)
    grant(second, signatory, "2025-03-07")
    second.refresh_from_db()
    assert second.state == State.GRANTED
    application.bundle.refresh_from_db()
    assert application.bundle.concluded_on is None and application.bundle.outcome == ""


def test_a_fault_while_concluding_fails_the_decision_instead_of_being_swallowed(
    project, template, clerk, signatory, monkeypatch
):
    application = stages.apply_for_stage(project, template, actor=clerk, at=at("2025-03-03 09:00"))
    first, second = accept_all(application, clerk, "2025-03-03")
    grant(first, signatory, "2025-03-06")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bundles, "record_joint_result", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        grant(second, signatory, "2025-03-07")
    second.refresh_from_db()
    assert second.state == State.ACCEPTED  # the act's transaction rolled back whole
    application.bundle.refresh_from_db()
    assert application.bundle.concluded_on is None
