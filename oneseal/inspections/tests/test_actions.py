import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.audit.models import AuditEvent
from oneseal.cases.models import CaseEvent, SiteInspection, State, Suspension
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.inspections import actions
from oneseal.inspections.models import Finding, Inspection, Reschedule
from oneseal.inspections.queries import checklist_for
from oneseal.organisation.models import Role
from oneseal.testing import accepted_case, at, day, travel

from .conftest import jpeg_with_exif


def photo(name="site.jpg", **exif):
    return SimpleUploadedFile(name, jpeg_with_exif(**exif), content_type="image/jpeg")


@pytest.fixture
def case(surveyed_item, own_applicant, clerk):
    with travel("2025-09-24 09:00"):
        return accepted_case(surveyed_item, own_applicant, clerk, "2025-09-24")


@pytest.fixture
def scheduled(case, reviewer, second_reviewer):
    with travel("2025-09-26 10:00"):
        return actions.schedule_inspection(
            case,
            actor=reviewer,
            at=at("2025-09-30 10:00"),
            place="平罗县城关镇鼓楼南街8号",
            expected_days=5,
            inspectors=[reviewer, second_reviewer],
        )


def finish_on_site(inspection, reviewer, second_reviewer, *, on="2025-09-30"):
    with travel(f"{on} 10:05"):
        actions.start_inspection(inspection, actor=reviewer, on=day(on))
        actions.record_finding(inspection, actor=reviewer, order=1, result="conforms")
        actions.record_finding(
            inspection, actor=second_reviewer, order=2, result="nonconforms", note="洗手池缺水龙头"
        )
        actions.upload_photo(inspection, actor=reviewer, upload=photo(), finding_order=2)
        actions.record_conclusion(inspection, actor=reviewer, conclusion="整改洗手设施后符合条件")
        actions.confirm(inspection, actor=reviewer)
        actions.confirm(inspection, actor=second_reviewer)


# --- checklist ------------------------------------------------------------------------------


def test_checklist_is_kept_by_the_catalogue_administrator_only(surveyed_item, reviewer):
    with pytest.raises(NotPermitted):
        actions.save_checklist(surveyed_item, actor=reviewer, lines=[("x", "")])
    assert [line.text for line in checklist_for(surveyed_item)] == [
        "经营场所面积与申请一致",
        "设有更衣、洗手设施",
    ]
    assert AuditEvent.objects.filter(action="inspections.save_checklist").count() == 1


def test_checklist_refuses_a_line_without_a_point(surveyed_item, admin_user):
    with pytest.raises(ValidationFailed) as e:
        actions.save_checklist(surveyed_item, actor=admin_user, lines=[("", "测量")])
    assert "line-1" in e.value.fields
    assert len(checklist_for(surveyed_item)) == 2  # nothing stored is lost


# --- scheduling ---------------------------------------------------------------------------


def test_schedule_copies_the_checklist_and_names_two_inspectors(scheduled, case):
    assert scheduled.state == Inspection.InspectionState.SCHEDULED
    assert [f.text for f in scheduled.findings.all()] == [
        "经营场所面积与申请一致",
        "设有更衣、洗手设施",
    ]
    assert [i.name for i in scheduled.inspectors.all()] == ["李初审", "赵复审"]
    assert list(scheduled.covered.values_list("case_id", flat=True)) == [case.pk]
    # Scheduling does not stop the clock: only the visit does.
    case.refresh_from_db()
    assert case.state == State.ACCEPTED


def test_one_inspector_is_refused_citing_article_34(case, reviewer):
    with travel("2025-09-26 10:00"), pytest.raises(ValidationFailed) as e:
        actions.schedule_inspection(
            case,
            actor=reviewer,
            at=at("2025-09-30 10:00"),
            place="现场",
            expected_days=5,
            inspectors=[reviewer],
        )
    assert "第三十四条第三款" in e.value.fields["inspectors"][0]


def test_staff_of_another_county_cannot_inspect_or_schedule(case, reviewer, far_staff):
    with travel("2025-09-26 10:00"):
        with pytest.raises(ValidationFailed) as e:
            actions.schedule_inspection(
                case,
                actor=reviewer,
                at=at("2025-09-30 10:00"),
                place="现场",
                expected_days=5,
                inspectors=[reviewer, far_staff],
            )
        assert "不是本地区在岗工作人员" in e.value.fields["inspectors"][0]
        with pytest.raises(NotPermitted):
            actions.schedule_inspection(
                case,
                actor=far_staff,
                at=at("2025-09-30 10:00"),
                place="现场",
                expected_days=5,
                inspectors=[far_staff, reviewer],
            )


def test_a_holiday_or_a_past_time_is_refused(case, reviewer, second_reviewer):
    def try_at(moment):
        with travel("2025-09-26 10:00"), pytest.raises(ValidationFailed) as e:
            actions.schedule_inspection(
                case,
                actor=reviewer,
                at=moment,
                place="现场",
                expected_days=5,
                inspectors=[reviewer, second_reviewer],
            )
        return e.value.fields["at"][0]

    assert "2025年10月3日不是工作日" in try_at(at("2025-10-03 10:00"))  # National Day
    assert "晚于现在" in try_at(at("2025-09-25 10:00"))


def test_an_item_without_a_checklist_cannot_be_inspected(
    make_item, own_applicant, clerk, reviewer, second_reviewer
):
    hi = make_item()
    with travel("2025-09-24 09:00"):
        case = accepted_case(hi, own_applicant, clerk, "2025-09-24")
    with travel("2025-09-26 10:00"), pytest.raises(InvalidTransition, match="尚未设置"):
        actions.schedule_inspection(
            case,
            actor=reviewer,
            at=at("2025-09-30 10:00"),
            place="现场",
            expected_days=5,
            inspectors=[reviewer, second_reviewer],
        )


# --- rescheduling -------------------------------------------------------------------------


def test_each_side_may_reschedule_once(scheduled, reviewer, applicant_user):
    with travel("2025-09-26 11:00"):
        actions.reschedule(
            scheduled, actor=applicant_user, at=at("2025-09-29 15:00"), reason="当日不在场"
        )
        with pytest.raises(InvalidTransition) as e:
            actions.reschedule(
                scheduled, actor=applicant_user, at=at("2025-09-30 15:00"), reason="再改"
            )
        assert "申请人已于2025年9月26日改期一次" in str(e.value.message)
        actions.reschedule(scheduled, actor=reviewer, at=at("2025-09-30 09:00"), reason="车辆调度")
        with pytest.raises(InvalidTransition, match="审批局已于"):
            actions.reschedule(scheduled, actor=reviewer, at=at("2025-09-30 14:00"), reason="x")
    scheduled.refresh_from_db()
    assert scheduled.scheduled_at == at("2025-09-30 09:00")
    assert list(scheduled.reschedules.values_list("side", flat=True)) == [
        Reschedule.Side.APPLICANT,
        Reschedule.Side.BUREAU,
    ]


def test_an_applicant_who_is_not_the_cases_cannot_reschedule(scheduled, other_applicant_user):
    with travel("2025-09-26 11:00"), pytest.raises(NotPermitted):
        actions.reschedule(
            scheduled, actor=other_applicant_user, at=at("2025-09-29 15:00"), reason="x"
        )


def test_rescheduling_needs_a_reason_and_a_working_day(scheduled, applicant_user):
    with travel("2025-09-26 11:00"), pytest.raises(ValidationFailed) as e:
        actions.reschedule(scheduled, actor=applicant_user, at=at("2025-10-04 10:00"), reason="")
    assert set(e.value.fields) == {"at", "reason"}
    assert not scheduled.reschedules.exists()


# --- on site and the clock ----------------------------------------------------------------


def test_the_clock_leaves_out_exactly_the_inspection_across_national_day(
    case, scheduled, reviewer, second_reviewer
):
    """Visit begun on Tuesday 30 September 2025, completed on Thursday 9 October: 1–8
    October are the National Day holiday, so the only working day the inspection took is 9
    October. The promised clock (stopped: 现场勘验 is a procedure of the guide) moves by that
    one working day; the statutory clock runs on (第四十五条 does not list 现场勘验 and the
    guide cites no law for it)."""
    before = (case.promised_due, case.statutory_due)
    # Accepted Wednesday 24 September: 10 working days are 25, 26, 28 (Sunday, in lieu), 29,
    # 30 September and 9, 10, 11 (Saturday, in lieu), 13, 14 October; 20 end on 28 October.
    assert before == (day("2025-10-14"), day("2025-10-28"))
    finish_on_site(scheduled, reviewer, second_reviewer)
    case.refresh_from_db()
    assert case.state == State.SUSPENDED
    suspension = Suspension.objects.get(case=case)
    assert (suspension.kind, suspension.suspended_on, suspension.stops_statutory) == (
        "site_survey",
        day("2025-09-30"),
        False,
    )
    with travel("2025-10-09 16:00"):
        actions.complete_inspection(scheduled, actor=reviewer, on=day("2025-10-09"))
    case.refresh_from_db()
    assert case.state == State.ACCEPTED
    # Suspended on 30 September with 5 working days left (9, 10, 11, 13, 14 October); resumed
    # on 9 October they run 10, 11, 13, 14, 15 October: one working day later, the 9th.
    assert suspension.promised_remaining == 5
    assert case.promised_due == day("2025-10-15")
    assert case.statutory_due == day("2025-10-28")
    actions_on_case = list(case.events.order_by("seq").values_list("action", flat=True))
    assert actions_on_case[-3:] == ["suspend", "record_site_inspection", "resume"]
    suspend_event = case.events.get(action="suspend")
    assert suspend_event.notice_due == "special_procedure"
    scheduled.refresh_from_db()
    assert scheduled.state == Inspection.InspectionState.COMPLETED
    record = SiteInspection.objects.get(case=case)
    assert "洗手池缺水龙头" in record.findings and "整改洗手设施后符合条件" in record.findings
    assert set(record.inspectors.values_list("username", flat=True)) == {"reviewer", "reviewer2"}
    assert scheduled.covered.get().record == record


def test_a_guide_without_site_survey_keeps_the_clock_running(
    plain_item, own_applicant, clerk, reviewer, second_reviewer
):
    with travel("2025-09-24 09:00"):
        case = accepted_case(plain_item, own_applicant, clerk, "2025-09-24")
    with travel("2025-09-26 10:00"):
        inspection = actions.schedule_inspection(
            case,
            actor=reviewer,
            at=at("2025-09-30 10:00"),
            place="现场",
            expected_days=2,
            inspectors=[reviewer, second_reviewer],
        )
    due = case.promised_due
    with travel("2025-09-30 10:05"):
        actions.start_inspection(inspection, actor=reviewer, on=day("2025-09-30"))
        actions.record_finding(inspection, actor=reviewer, order=1, result="conforms")
        actions.record_conclusion(inspection, actor=reviewer, conclusion="符合")
        actions.confirm(inspection, actor=reviewer)
        actions.confirm(inspection, actor=second_reviewer)
        actions.complete_inspection(inspection, actor=reviewer, on=day("2025-09-30"))
    case.refresh_from_db()
    assert case.promised_due == due
    assert not Suspension.objects.filter(case=case).exists()
    assert case.events.filter(action="record_site_inspection").count() == 1


def test_the_visit_cannot_begin_before_its_day(scheduled, reviewer):
    with travel("2025-09-29 10:00"), pytest.raises(InvalidTransition, match="不能提前开始"):
        actions.start_inspection(scheduled, actor=reviewer, on=day("2025-09-29"))


def test_an_inspector_not_assigned_cannot_record(scheduled, reviewer, signatory):
    with travel("2025-09-30 10:05"):
        actions.start_inspection(scheduled, actor=reviewer, on=day("2025-09-30"))
        with pytest.raises(NotPermitted, match="不是本次勘验指派"):
            actions.record_finding(scheduled, actor=signatory, order=1, result="conforms")
        with pytest.raises(NotPermitted):
            actions.upload_photo(scheduled, actor=signatory, upload=photo())
        with pytest.raises(NotPermitted):
            actions.confirm(scheduled, actor=signatory)
    assert not scheduled.photos.exists()


def test_a_nonconforming_line_needs_its_note(scheduled, reviewer):
    with travel("2025-09-30 10:05"):
        actions.start_inspection(scheduled, actor=reviewer, on=day("2025-09-30"))
        with pytest.raises(ValidationFailed) as e:
            actions.record_finding(scheduled, actor=reviewer, order=1, result="nonconforms")
    assert "note" in e.value.fields
    assert Finding.objects.get(inspection=scheduled, order=1).result == ""


def test_a_change_after_signing_makes_the_signature_stale(scheduled, reviewer, second_reviewer):
    finish_on_site(scheduled, reviewer, second_reviewer)
    with travel("2025-09-30 11:00"):
        actions.record_finding(
            scheduled, actor=second_reviewer, order=1, result="nonconforms", note="面积不足"
        )
        actions.confirm(scheduled, actor=second_reviewer)
        with pytest.raises(InvalidTransition) as e:
            actions.complete_inspection(scheduled, actor=reviewer, on=day("2025-09-30"))
        assert any("李初审" in r for r in e.value.reasons)
        actions.confirm(scheduled, actor=reviewer)
        actions.complete_inspection(scheduled, actor=reviewer, on=day("2025-09-30"))


def test_unsigned_or_unfinished_findings_block_completion(scheduled, reviewer):
    with travel("2025-09-30 10:05"):
        actions.start_inspection(scheduled, actor=reviewer, on=day("2025-09-30"))
        with pytest.raises(InvalidTransition) as e:
            actions.complete_inspection(scheduled, actor=reviewer, on=day("2025-09-30"))
    reasons = " ".join(e.value.reasons)
    assert "尚有核查要点未记录结果" in reasons and "尚未填写勘验结论" in reasons


# --- photos -------------------------------------------------------------------------------


def test_a_photo_keeps_its_exif_time_and_position(scheduled, reviewer):
    with travel("2025-09-30 10:05"):
        actions.start_inspection(scheduled, actor=reviewer, on=day("2025-09-30"))
        kept = actions.upload_photo(scheduled, actor=reviewer, upload=photo(), caption="正门")
    assert kept.taken_at == at("2025-09-30 10:15")
    assert str(kept.latitude) == "38.908333"
    assert str(kept.longitude) == "106.537639"
    assert (kept.width, kept.height, kept.content_type) == (40, 30, "image/jpeg")
    assert len(kept.sha256) == 64
    audit = AuditEvent.objects.get(action="inspections.upload_photo")
    assert audit.data["latitude"] == "38.908333"


def test_a_photo_without_exif_is_kept_without_time_or_position(scheduled, reviewer):
    with travel("2025-09-30 10:05"):
        actions.start_inspection(scheduled, actor=reviewer, on=day("2025-09-30"))
        kept = actions.upload_photo(scheduled, actor=reviewer, upload=photo(taken=None, lat=None))
    assert (kept.taken_at, kept.latitude, kept.longitude) == (None, None, None)


def test_exif_time_without_offset_is_shanghai_time(scheduled, reviewer):
    with travel("2025-09-30 10:05"):
        actions.start_inspection(scheduled, actor=reviewer, on=day("2025-09-30"))
        kept = actions.upload_photo(scheduled, actor=reviewer, upload=photo(offset=None))
    assert kept.taken_at == at("2025-09-30 10:15")
    assert kept.taken_at.astimezone(datetime.UTC).hour == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.jpg", b"%PDF-1.7 not a photo", "只接受JPG、PNG照片"),
        ("plan.pdf", b"%PDF-1.7 not a photo", "只接受JPG、PNG照片"),
        ("broken.jpg", b"\xff\xd8\xff\xe0 truncated", "照片无法读取"),
    ],
)
def test_non_images_are_refused(scheduled, reviewer, name, content, message):
    with travel("2025-09-30 10:05"):
        actions.start_inspection(scheduled, actor=reviewer, on=day("2025-09-30"))
        with pytest.raises(ValidationFailed) as e:
            actions.upload_photo(
                scheduled, actor=reviewer, upload=SimpleUploadedFile(name, content)
            )
    assert message in e.value.fields["file"][0]
    assert not scheduled.photos.exists()


def test_an_oversized_photo_is_refused(scheduled, reviewer, settings):
    settings.UPLOAD_MAX_BYTES = 200
    with travel("2025-09-30 10:05"):
        actions.start_inspection(scheduled, actor=reviewer, on=day("2025-09-30"))
        with pytest.raises(ValidationFailed, match="照片过大"):
            actions.upload_photo(scheduled, actor=reviewer, upload=photo())


def test_photos_are_taken_only_during_the_visit(scheduled, reviewer):
    with travel("2025-09-29 10:05"), pytest.raises(InvalidTransition):
        actions.upload_photo(scheduled, actor=reviewer, upload=photo())


def test_a_department_supervisor_inspects_but_does_not_organise(
    case, reviewer, make_staff, county, surveyed_item
):
    department = surveyed_item.item_version.original_department
    inspector = make_staff("inspector", county, Role.SUPERVISOR, department=department)
    with travel("2025-09-26 10:00"):
        inspection = actions.schedule_inspection(
            case,
            actor=reviewer,
            at=at("2025-09-30 10:00"),
            place="现场",
            expected_days=5,
            inspectors=[reviewer, inspector],
        )
    with travel("2025-09-30 10:05"):
        with pytest.raises(NotPermitted):
            actions.start_inspection(inspection, actor=inspector, on=day("2025-09-30"))
        actions.start_inspection(inspection, actor=reviewer, on=day("2025-09-30"))
        actions.record_finding(inspection, actor=inspector, order=1, result="conforms")
    assert CaseEvent.objects.filter(case=case, action="suspend").exists()


def test_an_agreement_recorded_for_an_earlier_day_needs_a_later_visit(
    case, reviewer, second_reviewer
):
    with travel("2025-09-30 15:00"):
        with pytest.raises(ValidationFailed, match="晚于约定日期"):
            actions.schedule_inspection(
                case,
                actor=reviewer,
                on=day("2025-09-29"),
                at=at("2025-09-29 16:00"),
                place="现场",
                expected_days=1,
                inspectors=[reviewer, second_reviewer],
            )
        with pytest.raises(ValidationFailed, match="不能晚于今天"):
            actions.schedule_inspection(
                case,
                actor=reviewer,
                on=day("2025-10-09"),
                at=at("2025-10-10 10:00"),
                place="现场",
                expected_days=1,
                inspectors=[reviewer, second_reviewer],
            )
        recorded = actions.schedule_inspection(
            case,
            actor=reviewer,
            on=day("2025-09-29"),
            at=at("2025-09-30 09:00"),
            place="现场",
            expected_days=1,
            inspectors=[reviewer, second_reviewer],
        )
    assert recorded.scheduled_on == day("2025-09-29")


def test_a_same_day_visit_takes_no_working_day_off_the_clock(
    case, scheduled, reviewer, second_reviewer
):
    due = case.promised_due
    finish_on_site(scheduled, reviewer, second_reviewer)
    with travel("2025-09-30 16:00"):
        actions.complete_inspection(scheduled, actor=reviewer, on=day("2025-09-30"))
    case.refresh_from_db()
    assert case.state == State.ACCEPTED and case.promised_due == due
