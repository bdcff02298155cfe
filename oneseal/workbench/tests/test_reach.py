"""Every action a role may take is reachable from where that role works: the signatory's queue
lists the departments' revocation requests, and the case page links the actions other apps
own (technical support, opinions, an expert review, a site inspection) — for the roles that
may take them, on the cases they apply to."""

from django.urls import reverse

from oneseal.linkage import actions as linkage_actions
from oneseal.testing import accepted_case, day


def body(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_signatory_finds_a_revocation_request_in_the_queue_and_answers_it(
    client, requested, signatory, reviewer, far_staff
):
    case, feedback = requested
    target = reverse("linkage:case", args=[case.pk]) + f"#feedback-{feedback.pk}"
    sign = body(client, signatory, reverse("workbench:sign"))
    assert "部门建议撤销许可" in sign and f'href="{target}"' in sign and case.number in sign
    page = body(client, signatory, reverse("linkage:case", args=[case.pk]))
    assert f'id="feedback-{feedback.pk}"' in page and "处理撤销建议" in page
    # The signatory of another county sees no such request; a reviewer has no signing queue.
    assert case.number not in body(client, far_staff, reverse("workbench:sign"))
    client.force_login(reviewer)
    assert client.get(reverse("workbench:sign")).status_code == 403
    linkage_actions.decide_revocation_request(
        feedback, actor=signatory, revoke=False, note="经核实经营场所已迁址，仍符合条件"
    )
    assert f"feedback-{feedback.pk}" not in body(client, signatory, reverse("workbench:sign"))


def test_the_case_page_links_the_revocation_request_for_the_signatory_only(
    client, requested, signatory, reviewer
):
    case, feedback = requested
    url = reverse("workbench:case", args=[case.pk])
    assert f'id="link-revocation-request-{feedback.pk}"' in body(client, signatory, url)
    assert "link-revocation-request" not in body(client, reviewer, url)


def test_a_reviewer_reaches_support_opinions_experts_and_inspection_from_the_case_page(
    client, item, applicant, clerk, reviewer, far_staff
):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    url = reverse("workbench:case", args=[case.pk])
    page = body(client, reviewer, url)
    linkage = reverse("linkage:case", args=[case.pk])
    assert f'href="{linkage}#request-support"' in page
    assert f'href="{linkage}#opinions"' in page
    assert f'href="{reverse("experts:case", args=[case.pk])}"' in page
    # No checklist for the item yet: the inspection is shown with the reason it cannot start.
    assert 'id="link-schedule-inspection"' in page and "核查要点" in page
    assert 'id="request-support"' in body(client, reviewer, linkage)
    # The window's clerk takes none of these; another county's staff do not see the case.
    assert "link-request-support" not in body(client, clerk, url)
    client.force_login(far_staff)
    assert client.get(url).status_code == 404


def test_a_suspended_case_says_why_no_second_support_request_can_be_made(
    client, item, applicant, clerk, reviewer
):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    linkage_actions.request_support(
        case, actor=reviewer, kind="testing", days=5, details="抽样检验", on=day("2025-03-04")
    )
    page = body(client, reviewer, reverse("workbench:case", args=[case.pk]))
    assert 'id="link-why-request-support"' in page and "go-request-support" not in page
