import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.inspections.models import Inspection
from oneseal.testing import accepted_case, authenticated_api, travel

from .conftest import jpeg_with_exif


@pytest.fixture
def case(surveyed_item, own_applicant, clerk):
    with travel("2025-09-24 09:00"):
        return accepted_case(surveyed_item, own_applicant, clerk, "2025-09-24")


@pytest.fixture
def inspection_id(case, reviewer, second_reviewer):
    with travel("2025-09-26 10:00"):
        response = authenticated_api(reviewer).post(
            "/api/v1/inspections",
            {
                "case": case.pk,
                "at": "2025-09-30T10:00:00+08:00",
                "place": "平罗县城关镇鼓楼南街8号",
                "expected_days": 5,
                "inspectors": [reviewer.pk, second_reviewer.pk],
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_staff_read_the_whole_record_and_the_applicant_the_schedule(
    inspection_id, reviewer, applicant_user
):
    staff_view = authenticated_api(reviewer).get(f"/api/v1/inspections/{inspection_id}").json()
    assert [i["name"] for i in staff_view["inspectors"]] == ["李初审", "赵复审"]
    assert len(staff_view["findings"]) == 2
    own = authenticated_api(applicant_user).get(f"/api/v1/inspections/{inspection_id}")
    assert own.status_code == 200
    body = own.json()
    assert body["scheduled_at"] == "2025-09-30T10:00:00+08:00"
    assert body["may_reschedule"] is True
    assert "inspectors" not in body and "findings" not in body


def test_strangers_and_another_countys_staff_get_404(
    inspection_id, other_applicant_user, far_staff
):
    for user in (other_applicant_user, far_staff):
        response = authenticated_api(user).get(f"/api/v1/inspections/{inspection_id}")
        assert response.status_code == 404
        assert authenticated_api(user).get("/api/v1/inspections").json() == []
    with travel("2025-09-26 11:00"):
        response = authenticated_api(other_applicant_user).post(
            f"/api/v1/inspections/{inspection_id}/reschedule",
            {"at": "2025-09-29T10:00:00+08:00", "reason": "x"},
            format="json",
        )
    assert response.status_code == 404


def test_the_applicant_reschedules_once_through_the_api(inspection_id, applicant_user):
    url = f"/api/v1/inspections/{inspection_id}/reschedule"
    client = authenticated_api(applicant_user)
    with travel("2025-09-26 11:00"):
        first = client.post(
            url, {"at": "2025-09-29T15:00:00+08:00", "reason": "当日不在场"}, format="json"
        )
        second = client.post(
            url, {"at": "2025-09-30T15:00:00+08:00", "reason": "再改"}, format="json"
        )
    assert first.status_code == 200 and first.json()["may_reschedule"] is False
    assert second.status_code == 400
    assert "每方只能改期一次" in second.json()["message"]


def test_schedule_refusals_name_the_field(case, reviewer, clerk):
    with travel("2025-09-26 10:00"):
        response = authenticated_api(reviewer).post(
            "/api/v1/inspections",
            {
                "case": case.pk,
                "at": "2025-10-02T10:00:00+08:00",
                "place": "现场",
                "expected_days": 5,
                "inspectors": [reviewer.pk],
            },
            format="json",
        )
        assert response.status_code == 400
        assert "at" in response.json()["fields"]
        forbidden = authenticated_api(clerk).post(
            "/api/v1/inspections",
            {
                "case": case.pk,
                "at": "2025-09-30T10:00:00+08:00",
                "place": "现场",
                "expected_days": 5,
                "inspectors": [reviewer.pk, clerk.pk],
            },
            format="json",
        )
    assert forbidden.status_code == 403
    assert not Inspection.objects.exists()


def test_the_field_work_through_the_api(inspection_id, reviewer, second_reviewer, signatory):
    base = f"/api/v1/inspections/{inspection_id}"
    one, two = authenticated_api(reviewer), authenticated_api(second_reviewer)
    with travel("2025-09-30 10:05"):
        assert one.post(f"{base}/start", {}, format="json").status_code == 200
        # A signatory of the region who was not sent is refused.
        refused = authenticated_api(signatory).post(
            f"{base}/findings", {"order": 1, "result": "conforms"}, format="json"
        )
        assert refused.status_code == 403
        assert (
            one.post(
                f"{base}/findings", {"order": 1, "result": "conforms"}, format="json"
            ).status_code
            == 200
        )
        assert (
            two.post(
                f"{base}/findings", {"order": 2, "result": "conforms"}, format="json"
            ).status_code
            == 200
        )
        upload = SimpleUploadedFile("door.jpg", jpeg_with_exif(), content_type="image/jpeg")
        photo = one.post(f"{base}/photos", {"file": upload, "finding": 1}, format="multipart")
        assert photo.status_code == 200, photo.json()
        kept = photo.json()["photos"][0]
        assert (kept["latitude"], kept["longitude"]) == ("38.908333", "106.537639")
        assert kept["taken_at"] == "2025-09-30T10:15:00+08:00"
        fake = SimpleUploadedFile("x.jpg", b"%PDF-1.7", content_type="image/jpeg")
        refused = one.post(f"{base}/photos", {"file": fake}, format="multipart")
        assert refused.status_code == 400 and "file" in refused.json()["fields"]
        one.post(f"{base}/conclusion", {"conclusion": "符合"}, format="json")
        one.post(f"{base}/confirm", {}, format="json")
        blocked = one.post(f"{base}/complete", {}, format="json")
        assert blocked.status_code == 400 and "赵复审" in " ".join(blocked.json()["reasons"])
        two.post(f"{base}/confirm", {}, format="json")
        done = one.post(f"{base}/complete", {}, format="json")
    assert done.status_code == 200
    assert done.json()["state"] == "completed"
    assert all(i["signed"] for i in done.json()["inspectors"])


def test_today_lists_only_the_inspectors_own_visits(inspection_id, reviewer, signatory):
    with travel("2025-09-30 08:00"):
        mine = authenticated_api(reviewer).get("/api/v1/inspections?mine=today").json()
        theirs = authenticated_api(signatory).get("/api/v1/inspections?mine=today").json()
        region = authenticated_api(signatory).get("/api/v1/inspections").json()
    assert [i["id"] for i in mine] == [inspection_id]
    assert theirs == []
    assert [i["id"] for i in region] == [inspection_id]


def test_the_checklist_is_kept_by_the_catalogue_administrator(surveyed_item, admin_user, reviewer):
    url = f"/api/v1/inspections/checklists/{surveyed_item.pk}"
    body = {"lines": [{"text": "消防通道畅通", "guidance": "查看"}]}
    assert authenticated_api(reviewer).put(url, body, format="json").status_code == 403
    saved = authenticated_api(admin_user).put(url, body, format="json")
    assert saved.status_code == 200
    assert authenticated_api(reviewer).get(url).json() == [
        {"text": "消防通道畅通", "guidance": "查看"}
    ]
    empty = authenticated_api(admin_user).put(url, {"lines": []}, format="json")
    assert empty.status_code == 400 and "lines" in empty.json()["fields"]
