"""The window's intake on one screen: the checklist of the chosen item drawn for the applicant
typed so far (their type checked against the item's, the power of attorney an agent brings),
and one form that receives, checks and decides — refused as a whole, each error on its field."""

import re

import pytest
from django.urls import reverse

from oneseal.applicants.models import Applicant
from oneseal.cases.models import Case, CaseMaterial
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import ApplicantType, Material
from oneseal.testing import day

PERSON = "640221198001011237"
AGENT_NUMBER = "640221199002150049"


@pytest.fixture
def window(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def food(complete_draft, admin_user):
    """食品经营许可（新办） for companies only, its power of attorney for an agent's situation."""
    version = complete_draft()
    hi = version.handling_items.get()
    hi.applicant_type = ApplicantType.ORGANISATION
    catalogue_actions.save_draft_part(hi, actor=admin_user)
    catalogue_actions.save_draft_part(
        Material(
            handling_item=hi,
            name="授权委托书",
            order=2,
            applies_to="agent",
            is_required=False,
            is_core=False,
        ),
        actor=admin_user,
    )
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return hi


def ids(hi) -> dict[str, int]:
    return {m.name: m.pk for m in hi.materials.all()}


def form(hi, **extra):
    data = {
        "kind": "organisation",
        "number": "91350100M000100Y43",
        "name": "平罗县𠮷祥餐饮有限公司",
        "phone": "0952-6012345",
        "agent_name": "马代办",
        "agent_id_number": AGENT_NUMBER,
        "handling_item": hi.pk,
        "token": "one-screen",
        "decision": "accept",
    }
    for pk in ids(hi).values():
        data[f"status-{pk}"], data[f"note-{pk}"] = CaseMaterial.Status.PROVIDED, ""
    data.update(extra)
    return data


def test_the_checklist_follows_the_item_the_kind_and_the_agent(window, food):
    url = reverse("workbench:intake-checklist")
    poa = ids(food)["授权委托书"]
    alone = window.get(url, {"handling_item": food.pk, "kind": "organisation"}).content.decode()
    assert "食品经营许可申请书" in alone and 'id="kind-mismatch"' not in alone
    assert f'id="attorney-{poa}"' not in alone  # nobody files for them: not needed
    assert '<option value="not_needed" selected>' in alone.split(f'id="status-{poa}"')[1]
    by_agent = window.get(
        url, {"handling_item": food.pk, "kind": "organisation", "agent_name": "马代办"}
    ).content.decode()
    assert f'id="attorney-{poa}"' in by_agent and "代办必交" in by_agent
    person = window.get(url, {"handling_item": food.pk, "kind": "person"}).content.decode()
    assert 'id="kind-mismatch"' in person and "法人或其他组织" in person


def test_an_agents_number_is_checked_as_typed_without_looking_anyone_up(window):
    url = reverse("workbench:check-number")
    bad = window.get(url, {"agent_id_number": AGENT_NUMBER[:-1] + "0"}).content.decode()
    assert 'id="agent-number-check-result" data-valid="false"' in bad
    good = window.get(url, {"agent_id_number": AGENT_NUMBER}).content.decode()
    assert 'data-valid="true"' in good and "新申请人" not in good


def test_without_the_power_of_attorney_nothing_is_stored_and_the_line_says_why(window, food):
    poa = ids(food)["授权委托书"]
    response = window.post(reverse("workbench:intake"), form(food, **{f"status-{poa}": "pending"}))
    assert response.status_code == 400
    body = response.content.decode()
    errors = body.split(f'id="material-{poa}"')[1].split("</th>")[0]
    assert "授权委托书" in errors and "马代办" in errors
    assert 'value="马代办"' in body and 'value="平罗县𠮷祥餐饮有限公司"' in body  # kept
    assert not Case.objects.exists() and not Applicant.objects.exists()

    response = window.post(reverse("workbench:intake"), form(food))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.state == "accepted" and case.agent_name == "马代办"
    assert response["Location"].startswith(reverse("workbench:case", args=[case.pk]))


def test_a_person_is_refused_an_item_for_companies_beside_the_item(window, food):
    response = window.post(
        reverse("workbench:intake"),
        form(food, kind="person", number=PERSON, name="马𠮷祥", agent_name="", agent_id_number=""),
    )
    assert response.status_code == 400
    assert "服务对象为法人或其他组织" in response.content.decode()
    assert not Case.objects.exists()


def test_accepting_is_the_forms_first_button_so_enter_accepts(window):
    page = window.get(reverse("workbench:intake")).content.decode()
    # With scripting on, a <noscript> button is not a button (the item search's fallback).
    form_html = re.sub(r"<noscript>.*?</noscript>", "", page.split('id="intake-form"')[1])
    first_submit = form_html.split('type="submit"')[1]
    assert 'value="accept"' in first_submit.split(">")[0]


def scan(name="scan.pdf", body=b"%PDF-1.7 window scan"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, body, content_type="application/pdf")


def held_refs(body: str) -> dict[str, str]:
    return dict(re.findall(r'name="(held-\d+)" value="([^"]+)"', body))


def test_scans_are_taken_on_the_one_screen(window, food):
    poa = ids(food)["授权委托书"]
    page = window.get(
        reverse("workbench:intake-checklist"),
        {"handling_item": food.pk, "kind": "organisation", "agent_name": "马代办"},
    ).content.decode()
    file_input = re.search(rf'<input type="file" name="file-{poa}"[^>]*>', page).group(0)
    assert 'accept=".jpeg,' in file_input and "data-max-bytes=" in file_input
    assert (
        'enctype="multipart/form-data"' in window.get(reverse("workbench:intake")).content.decode()
    )

    response = window.post(
        reverse("workbench:intake"), {**form(food), f"file-{poa}": scan("委托书.pdf")}
    )
    assert response.status_code == 302
    upload = Case.objects.get().materials.get(material_id=poa).uploads.get()
    assert upload.original_name == "委托书.pdf"


def test_a_refused_intake_names_the_field_and_keeps_its_scans(window, food, clerk):
    poa, form_pk = ids(food)["授权委托书"], ids(food)["食品经营许可申请书"]
    bad_number = form(
        food, number="91350100M000100Y40", **{f"status-{poa}": "pending"}
    )  # a wrong check digit, and the power of attorney not yet seen
    response = window.post(
        reverse("workbench:intake"),
        {
            **bad_number,
            f"file-{poa}": scan("委托书.pdf"),
            f"file-{form_pk}": scan("申请书.pdf", b"GIF89a not a pdf"),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "统一社会信用代码" in body.split('id="number-check"')[1].split("</div>")[0]
    assert "已上传：委托书.pdf（可替换）" in body
    line = body.split(f'id="material-{form_pk}"')[1].split("</th>")[0]
    assert "食品经营许可申请书" in line and "只接受" in line  # the refused scan, on its line
    refs = held_refs(body)
    assert set(refs) == {f"held-{poa}"}
    assert not Case.objects.exists() and not Applicant.objects.exists()
    # The checklist redrawn as the clerk changes the agent (htmx) still shows the kept scan.
    redrawn = window.get(
        reverse("workbench:intake-checklist"),
        {
            "handling_item": food.pk,
            "kind": "organisation",
            "agent_name": "马代办",
            "token": "one-screen",
            **refs,
        },
    ).content.decode()
    assert "已上传：委托书.pdf（可替换）" in redrawn and held_refs(redrawn) == refs

    # Sent again with the number corrected: the kept scan goes with the case, not chosen again;
    # a second refusal (the power of attorney still 待核) keeps it still.
    again = {**form(food, **{f"status-{poa}": "pending"}), **refs}
    second = window.post(reverse("workbench:intake"), again)
    assert second.status_code == 400 and held_refs(second.content.decode()) == refs
    assert window.post(reverse("workbench:intake"), {**form(food), **refs}).status_code == 302
    upload = Case.objects.get().materials.get(material_id=poa).uploads.get()
    assert upload.original_name == "委托书.pdf" and upload.uploaded_by == clerk


def test_a_kept_scan_belongs_to_the_form_that_kept_it(window, food):
    poa = ids(food)["授权委托书"]
    refused = window.post(
        reverse("workbench:intake"),
        {**form(food, number="1"), f"file-{poa}": scan("委托书.pdf")},
    )
    refs = held_refs(refused.content.decode())
    assert refs
    # Another form (its own token) or a forged reference cannot claim it: nothing is attached.
    forged = {f"held-{poa}": refs[f"held-{poa}"][:-2] + "xx"}
    other_form = window.post(reverse("workbench:intake"), {**form(food, token="other"), **refs})
    assert other_form.status_code == 302
    assert not Case.objects.get().materials.get(material_id=poa).uploads.exists()
    window.post(reverse("workbench:intake"), {**form(food, token="third"), **forged})
    assert not any(c.materials.get(material_id=poa).uploads.exists() for c in Case.objects.all())


def test_an_upload_sent_by_script_is_told_where_to_go_and_the_message_waits(window, food):
    """site.js sends a form with files by XMLHttpRequest (its progress shown), which would
    follow a redirect out of sight and use up the next page's message: the redirect comes back
    as a 200 naming the page (oneseal.interface.middleware), which the browser then opens."""
    poa = ids(food)["授权委托书"]
    sent = window.post(
        reverse("workbench:intake"),
        {**form(food), f"file-{poa}": scan("委托书.pdf")},
        HTTP_X_ONESEAL_UPLOAD="1",
    )
    case = Case.objects.get()
    assert sent.status_code == 200 and not sent.has_header("Location")
    assert sent["X-Oneseal-Location"].startswith(reverse("workbench:case", args=[case.pk]))
    page = window.get(sent["X-Oneseal-Location"]).content.decode()
    assert f"已收件并受理，办件编号{case.number}" in page
    # The form sent back with its errors is answered as it is, to replace the page.
    refused = window.post(
        reverse("workbench:intake"),
        form(food, token="again", number="1"),
        HTTP_X_ONESEAL_UPLOAD="1",
    )
    assert refused.status_code == 400 and not refused.has_header("X-Oneseal-Location")
