import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oneseal.inspections import actions
from oneseal.testing import accepted_case, at, signed_in_client, travel

from .conftest import jpeg_with_exif


@pytest.fixture
def case(surveyed_item, own_applicant, clerk):
    with travel("2025-09-24 09:00"):
        return accepted_case(surveyed_item, own_applicant, clerk, "2025-09-24")


@pytest.fixture
def inspection(case, reviewer, second_reviewer):
    with travel("2025-09-26 10:00"):
        return actions.schedule_inspection(
            case,
            actor=reviewer,
            at=at("2025-09-30 10:00"),
            place="平罗县城关镇鼓楼南街8号",
            expected_days=5,
            inspectors=[reviewer, second_reviewer],
        )


def test_scheduling_from_the_case_page(case, reviewer, second_reviewer):
    c = signed_in_client(reviewer)
    with travel("2025-09-26 10:00"):
        page = c.get(f"/workbench/cases/{case.pk}/")
        assert 'id="schedule-inspection"' in page.content.decode()
        form = c.get(f"/inspections/cases/{case.pk}/schedule/")
        assert "经营场所面积与申请一致" in form.content.decode()
        refused = c.post(
            f"/inspections/cases/{case.pk}/schedule/",
            {
                "at": "2025-10-01T10:00",
                "place": "现场",
                "expected_days": 3,
                "inspectors": [str(reviewer.pk)],
            },
        )
        assert refused.status_code == 200
        text = refused.content.decode()
        assert "不是工作日" in text
        done = c.post(
            f"/inspections/cases/{case.pk}/schedule/",
            {
                "at": "2025-09-30T10:00",
                "place": "现场",
                "expected_days": 3,
                "inspectors": [str(reviewer.pk), str(second_reviewer.pk)],
            },
        )
    assert done.status_code == 302


def test_the_inspectors_day_on_a_phone(inspection, reviewer, second_reviewer):
    one = signed_in_client(reviewer)
    with travel("2025-09-30 08:00"):
        today = one.get("/inspections/")
        assert today.status_code == 200
        assert "平罗县城关镇鼓楼南街8号" in today.content.decode()
    with travel("2025-09-30 10:05"):
        url = f"/inspections/{inspection.pk}/"
        assert one.post(url, {"op": "start"}).status_code == 302
        page = one.get(url).content.decode()
        assert 'accept="image/*"' in page and 'capture="environment"' in page
        assert one.post(url, {"op": "finding", "order": 1, "result": "conforms"}).status_code == 302
        missing_note = one.post(url, {"op": "finding", "order": 2, "result": "nonconforms"})
        assert missing_note.status_code == 400
        assert "不符合的，请说明现场情况" in missing_note.content.decode()
        upload = SimpleUploadedFile("door.jpg", jpeg_with_exif(), content_type="image/jpeg")
        assert one.post(url, {"op": "photo", "file": upload, "finding": "1"}).status_code == 302
        fake = SimpleUploadedFile("door.jpg", b"%PDF-1.7", content_type="image/jpeg")
        refused = one.post(url, {"op": "photo", "file": fake})
        assert refused.status_code == 400 and "只接受JPG、PNG照片" in refused.content.decode()
        page = one.get(url).content.decode()
        assert "2025年9月30日 10:15" in page and "北纬 38.908333" in page
        photo = inspection.photos.get()
        assert one.get(f"/inspections/photos/{photo.pk}/").status_code == 200


def test_an_inspector_not_assigned_gets_no_forms_and_is_refused(inspection, reviewer, signatory):
    with travel("2025-09-30 10:05"):
        signed_in_client(reviewer).post(f"/inspections/{inspection.pk}/", {"op": "start"})
        c = signed_in_client(signatory)
        page = c.get(f"/inspections/{inspection.pk}/").content.decode()
        assert 'name="op" value="finding"' not in page
        refused = c.post(
            f"/inspections/{inspection.pk}/", {"op": "finding", "order": 1, "result": "conforms"}
        )
    assert refused.status_code == 400
    assert "您不是本次勘验指派的勘验人员" in refused.content.decode()
    assert inspection.findings.get(order=1).result == ""


def test_another_countys_staff_and_applicants_get_404(
    inspection, far_staff, applicant_user, other_applicant_user
):
    assert signed_in_client(far_staff).get(f"/inspections/{inspection.pk}/").status_code == 404
    assert signed_in_client(applicant_user).get(f"/inspections/{inspection.pk}/").status_code == 404
    assert signed_in_client(applicant_user).get("/inspections/").status_code == 404
    photo_url = "/inspections/photos/1/"
    assert signed_in_client(far_staff).get(photo_url).status_code == 404
    with travel("2025-09-26 11:00"):
        stranger = signed_in_client(other_applicant_user).post(
            f"/inspections/{inspection.pk}/reschedule/",
            {"at": "2025-09-29T10:00", "reason": "x"},
        )
    assert stranger.status_code == 404


def test_the_applicant_sees_the_time_and_reschedules_once_in_the_portal(
    inspection, case, applicant_user
):
    import re

    # The portal's form carries its CSRF token: the post passes the real check.
    c = Client(enforce_csrf_checks=True)
    c.force_login(applicant_user)
    with travel("2025-09-26 11:00"):
        page = c.get(f"/my/cases/{case.pk}/").content.decode()
        assert "2025年9月30日 10:00" in page and "平罗县城关镇鼓楼南街8号" in page
        section = page[page.index('id="site-inspection"') :]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', section).group(1)
        moved = c.post(
            f"/inspections/{inspection.pk}/reschedule/",
            {
                "at": "2025-09-29T15:00",
                "reason": "当日不在场",
                "next": f"/my/cases/{case.pk}/",
                "csrfmiddlewaretoken": token,
            },
        )
        assert moved.status_code == 302 and moved["Location"] == f"/my/cases/{case.pk}/"
        page = c.get(f"/my/cases/{case.pk}/").content.decode()
        assert "2025年9月29日 15:00" in page
        assert "您已改期一次" in page
        again = c.post(
            f"/inspections/{inspection.pk}/reschedule/",
            {
                "at": "2025-09-30T15:00",
                "reason": "再改",
                "next": "https://evil.example/",
                "csrfmiddlewaretoken": token,
            },
        )
    assert again.status_code == 400
    assert "每方只能改期一次" in again.content.decode()


def test_the_checklist_page_is_the_catalogue_administrators(surveyed_item, admin_user, reviewer):
    url = f"/inspections/checklists/{surveyed_item.pk}/"
    assert signed_in_client(reviewer).get(url).status_code == 404
    c = signed_in_client(admin_user)
    assert "经营场所面积与申请一致｜现场测量" in c.get(url).content.decode()
    saved = c.post(url, {"lines": "消防通道畅通｜查看\n\n灭火器在有效期内"})
    assert saved.status_code == 302
    assert [line.text for line in surveyed_item.inspection_checklist.all()] == [
        "消防通道畅通",
        "灭火器在有效期内",
    ]
    refused = c.post(url, {"lines": "｜只有方法"})
    assert refused.status_code == 200 and "请填写核查要点" in refused.content.decode()


def test_the_catalogue_administrator_finds_the_items_that_need_a_checklist(
    surveyed_item, make_item, admin_user
):
    from oneseal.catalogue.models import SpecialProcedure

    bare = make_item(procedures=(SpecialProcedure.Kind.SITE_SURVEY,))
    with travel("2025-09-26 10:00"):
        page = signed_in_client(admin_user).get("/inspections/").content.decode()
    assert f"/inspections/checklists/{surveyed_item.pk}/" in page
    assert f"/inspections/checklists/{bare.pk}/" in page and "尚未设置" in page


def test_a_joint_inspection_is_scheduled_from_the_project(
    surveyed_item, plain_item, applicant, clerk, section, department, reviewer, second_reviewer
):
    from oneseal.projects import actions as project_actions

    project = project_actions.register_project(
        actor=clerk,
        code="2025-640221-47-01-012345",
        name="平罗县物流仓储中心",
        owner=applicant,
        kind="enterprise",
        location="平罗县工业园区纬三路",
        floor_area="12000",
        investment="8600",
    )
    with travel("2026-02-09 09:00"):
        cases = [
            accepted_case(surveyed_item, applicant, clerk, "2026-02-09"),
            accepted_case(plain_item, applicant, clerk, "2026-02-09"),
        ]
    c = signed_in_client(reviewer)
    url = f"/inspections/projects/{project.pk}/schedule/"
    with travel("2026-02-10 09:00"):
        assert url in c.get("/inspections/").content.decode()
        form = c.get(url).content.decode()
        assert all(case.number in form for case in cases) and "平罗县市场监督管理局" in form
        body = {
            "stage": "2",
            "cases": [str(case.pk) for case in cases],
            "sections": [str(section.pk)],
            "departments": [str(department.pk)],
            "at": "2026-02-13T09:30",
            "place": "工地",
            "expected_days": "3",
            "inspectors": [str(reviewer.pk), str(second_reviewer.pk)],
        }
        refused = c.post(url, {**body, "sections": [], "departments": []})
        assert refused.status_code == 200 and "请选择参加联合勘验的科室或部门" in (
            refused.content.decode()
        )
        done = c.post(url, body)
    assert done.status_code == 302
    joint = project.joint_inspections.get()
    assert joint.covered.count() == 2 and joint.parties.count() == 2
