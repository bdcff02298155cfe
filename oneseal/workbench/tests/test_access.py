"""Who may open the workbench: staff with a role, each only in their region. Another county's
clerk gets a 404 that says nothing about the case, an applicant's account a 403, an anonymous
visitor the login page; a refused action writes nothing."""

import pytest
from django.urls import reverse

from oneseal.cases import actions
from oneseal.cases.models import CaseEvent
from oneseal.testing import at

from .conftest import PNG


@pytest.fixture
def case(item, applicant, clerk):
    return actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))


def page_urls(case):
    return [
        reverse("workbench:home"),
        reverse("workbench:sign"),
        reverse("workbench:intake"),
        reverse("workbench:case", args=[case.pk]),
        reverse("workbench:intake-case", args=[case.pk]),
    ]


def test_anonymous_is_sent_to_login(client, case):
    for url in page_urls(case):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_an_applicant_account_gets_403_even_for_its_own_case(
    client, item, clerk, own_applicant, applicant_user
):
    own = actions.receive(item, actor=clerk, applicant=own_applicant, at=at("2025-03-03 09:00"))
    client.force_login(applicant_user)
    for url in page_urls(own):
        response = client.get(url)
        assert response.status_code == 403, url
        assert own.number not in response.content.decode()


def test_clerk_of_another_county_gets_404_and_learns_nothing(client, case, far_staff):
    line = case.materials.first()
    upload = actions.attach_file(line, actor=case.created_by, upload=_file("a.png", PNG))
    client.force_login(far_staff)
    events = CaseEvent.objects.filter(case=case).count()
    for url in (
        reverse("workbench:case", args=[case.pk]),
        reverse("workbench:intake-case", args=[case.pk]),
        reverse("workbench:upload", args=[upload.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert case.number not in response.content.decode()
    response = client.post(
        reverse("workbench:act", args=[case.pk, "withdraw"]),
        {"reason": "申请人撤回", "expected_version": case.lock_version},
    )
    assert response.status_code == 404
    assert CaseEvent.objects.filter(case=case).count() == events
    home = client.get(reverse("workbench:home") + "?queue=all").content.decode()
    assert case.number not in home


def test_a_department_supervisor_may_look_but_not_act(client, case, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("workbench:case", args=[case.pk]))
    assert page.status_code == 200
    assert "form-withdraw" not in page.content.decode()
    response = client.post(
        reverse("workbench:act", args=[case.pk, "withdraw"]),
        {"reason": "x", "expected_version": case.lock_version},
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == "received"


def test_only_clerks_receive_at_the_window(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("workbench:intake")).status_code == 403
    assert client.get(reverse("workbench:check-number"), {"number": "1"}).status_code == 403


def test_the_nav_link_is_for_staff_with_a_role(client, clerk, applicant_user, regions):
    client.force_login(clerk)
    assert "审批工作台" in client.get(reverse("portal:home")).content.decode()
    client.force_login(applicant_user)
    assert "审批工作台" not in client.get(reverse("portal:home")).content.decode()


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
