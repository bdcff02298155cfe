"""我的消息 and its API: a user sees, reads and configures only their own; another's message
is a 404 on the page and in the API."""

import pytest
from rest_framework.test import APIClient

from oneseal.audit.models import AuditEvent
from oneseal.notifications import actions
from oneseal.notifications.models import Kind, Notification, Preference


def message(user, title="申请已受理（640221-2025-0001）", link="/my/cases/1/"):
    return actions.notify(user=user, kind=Kind.ACCEPTANCE, title=title, body="已受理。", link=link)


@pytest.fixture
def mine(applicant_user):
    return message(applicant_user)


@pytest.fixture
def theirs(other_applicant_user):
    return message(other_applicant_user, title="别人的消息")


def test_the_box_lists_only_my_messages_with_the_unread_count_in_the_navigation(
    client, applicant_user, mine, theirs
):
    client.force_login(applicant_user)
    page = client.get("/notifications/")
    html = page.content.decode()
    assert page.status_code == 200
    assert mine.title in html and "别人的消息" not in html
    assert "我的消息（1）" in html
    r = client.post(f"/notifications/{mine.pk}/read/", {"open": "1"})
    assert r.status_code == 302 and r["Location"] == "/my/cases/1/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "我的消息（1）" not in client.get("/notifications/").content.decode()


def test_another_users_message_cannot_be_read_or_marked(client, applicant_user, theirs):
    client.force_login(applicant_user)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # Marking all read touches only the caller's own.
    client.post("/notifications/read-all/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_box_needs_a_sign_in(client):
    r = client.get("/notifications/")
    assert r.status_code == 302 and "login" in r["Location"]


def test_staff_have_the_same_box_for_their_assignments(client, reviewer):
    message(reviewer, title="新分派的办件（640221-2025-0002）", link="/workbench/cases/2/")
    client.force_login(reviewer)
    html = client.get("/notifications/").content.decode()
    assert "新分派的办件" in html and "我的消息（1）" in html


def test_preferences_page_names_the_wrong_field_and_keeps_nothing(client, applicant_user):
    client.force_login(applicant_user)
    r = client.post(
        "/notifications/preferences/", {"by_email": "on", "by_sms": "on", "phone": "12345"}
    )
    assert r.status_code == 200
    assert r.context["form"].errors["phone"] == ["请填写11位手机号码"]
    assert not Preference.objects.exists()
    r = client.post(
        "/notifications/preferences/",
        {"by_sms": "on", "phone": "13909520009", "quiet_hours": "on"},
    )
    assert r.status_code == 302
    p = Preference.objects.get(user=applicant_user)
    assert (p.by_email, p.by_sms, p.phone, p.quiet_hours) == (False, True, "13909520009", True)
    audit = AuditEvent.objects.get(action="notifications.save_preference")
    assert "13909520009" not in str(audit.data) + audit.summary


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_lists_and_marks_only_my_messages(applicant_user, mine, theirs):
    api = api_for(applicant_user)
    listed = api.get("/api/v1/notifications").json()
    assert [n["id"] for n in listed["results"]] == [mine.pk]
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read").status_code == 404
    r = api.post(f"/api/v1/notifications/{mine.pk}/read")
    assert r.status_code == 200 and r.json()["read"] is True
    assert api.get("/api/v1/notifications?unread=1").json()["results"] == []
    assert api.post("/api/v1/notifications/read-all").json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_refuses_the_anonymous(mine):
    anonymous = APIClient()
    assert anonymous.get("/api/v1/notifications").status_code in (401, 403)
    assert anonymous.post(f"/api/v1/notifications/{mine.pk}/read").status_code in (401, 403)
    assert anonymous.get("/api/v1/notifications/preferences").status_code in (401, 403)
    assert Notification.objects.get(pk=mine.pk).read_at is None


def test_the_api_sets_my_preferences_and_names_a_bad_field(applicant_user):
    api = api_for(applicant_user)
    assert api.get("/api/v1/notifications/preferences").json()["by_sms"] is True
    bad = api.put(
        "/api/v1/notifications/preferences",
        {"by_email": True, "by_sms": True, "email": "not-an-address"},
        format="json",
    )
    assert bad.status_code == 400 and "email" in bad.json()["fields"]
    assert not Preference.objects.exists()
    ok = api.put(
        "/api/v1/notifications/preferences",
        {"by_email": False, "by_sms": True, "quiet_hours": False},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["quiet_hours"] is False
    assert Preference.objects.get(user=applicant_user).by_email is False


def test_the_pages_speak_english(client, applicant_user, mine):
    client.force_login(applicant_user)
    html = client.get("/en/notifications/").content.decode()
    assert "My messages (1)" in html and "Mark all read" in html
    html = client.get("/en/notifications/preferences/").content.decode()
    assert "Quiet hours at night" in html and "Beijing time" in html
