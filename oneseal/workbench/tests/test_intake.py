"""Intake at the window in one screen: the number checked as typed, the handling item found by
plain words, the case opened, the checklist worked, and the notice issued for printing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from oneseal.applicants.models import Applicant
from oneseal.cases.models import Case, CaseMaterial
from oneseal.documents.models import Document
from oneseal.documents.queries import due_documents

from .conftest import PDF, PNG

PERSON = "640221198001011237"
COMPANY = "91350100M000100Y43"


@pytest.fixture
def window(client, clerk):
    client.force_login(clerk)
    return client


def received(window, item, **extra):
    data = {
        "kind": "person",
        "number": PERSON,
        "name": "马𠮷祥",
        "phone": "13909520000",
        "handling_item": item.pk,
        "token": "t-1",
        **extra,
    }
    response = window.post(reverse("workbench:intake"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.get()


def due_kinds(case) -> list[str]:
    """The notices the intake decision calls for (the receipt, owed since the case was opened,
    has its own test)."""
    return [d.kind for d in due_documents(case) if d.kind != "receipt"]


def lines(case):
    core, non_core = case.materials.order_by("material__order")
    return core, non_core


def test_the_number_is_checked_as_typed(window, applicant):
    url = reverse("workbench:check-number")
    bad = window.get(url, {"kind": "person", "number": PERSON[:-1] + "0"}).content.decode()
    assert "校验位错误" in bad and 'data-valid="false"' in bad
    good = window.get(url, {"kind": "person", "number": PERSON}).content.decode()
    assert "号码有效" in good and "新申请人" in good
    known = window.get(url, {"kind": "organisation", "number": COMPANY.lower()}).content.decode()
    assert applicant.name in known


def test_the_handling_item_is_found_by_plain_words(window, item):
    body = window.get(reverse("workbench:find-items"), {"item_q": "食品 新办"}).content.decode()
    assert f'value="{item.pk}"' in body
    none = window.get(reverse("workbench:find-items"), {"item_q": "！？"}).content.decode()
    assert "没有找到" in none


def test_receiving_registers_the_applicant_and_opens_the_case(window, item):
    case = received(window, item, agent_name="马代办", agent_id_number="640221199002150049")
    assert case.applicant.name == "马𠮷祥" and case.channel == "window" and case.state == "received"
    assert case.agent_name == "马代办"
    page = window.get(reverse("workbench:intake-case", args=[case.pk])).content.decode()
    assert "食品经营许可申请书" in page and "食品安全管理制度" in page
    assert f'id="tolerated_{lines(case)[1].pk}"' in page  # the non-core material may be tolerated
    assert f'id="tolerated_{lines(case)[0].pk}"' not in page


def test_the_same_form_sent_twice_opens_one_case(window, item):
    received(window, item)
    window.post(
        reverse("workbench:intake"),
        {
            "kind": "person",
            "number": PERSON,
            "name": "马𠮷祥",
            "phone": "13909520000",
            "handling_item": item.pk,
            "token": "t-1",
        },
    )
    assert Case.objects.count() == 1


def test_a_wrong_number_is_named_and_nothing_is_stored(window, item):
    response = window.post(
        reverse("workbench:intake"),
        {
            "kind": "person",
            "number": "640221198001011230",
            "name": "马𠮷祥",
            "phone": "13909520000",
            "handling_item": item.pk,
            "token": "t-2",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "校验位错误" in body
    assert 'value="马𠮷祥"' in body  # what was typed stays
    assert not Case.objects.exists() and not Applicant.objects.exists()


def test_a_missing_handling_item_is_asked_for(window, item):
    response = window.post(
        reverse("workbench:intake"),
        {
            "kind": "person",
            "number": PERSON,
            "name": "马𠮷祥",
            "phone": "13909520000",
            "token": "t-3",
        },
    )
    assert response.status_code == 400
    assert "请先查找并选择办理项" in response.content.decode()


def checklist(case, **per_line):
    data = {"expected_version": case.lock_version}
    for line in case.materials.all():
        data[f"status_{line.pk}"] = CaseMaterial.Status.PROVIDED
        data[f"note_{line.pk}"] = ""
    data.update(per_line)
    return data


def test_accepting_issues_the_notice_for_printing_at_once(window, item, seal):
    case = received(window, item)
    core, _non_core = lines(case)
    data = checklist(
        case, decision="accept", **{f"file_{core.pk}": SimpleUploadedFile("申请书.pdf", PDF)}
    )
    response = window.post(reverse("workbench:intake-case", args=[case.pk]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "accepted"
    assert core.uploads.get().original_name == "申请书.pdf"
    document = Document.objects.exclude(kind="receipt").get(case=case)
    assert document.kind == "acceptance"
    page = window.get(response["Location"]).content.decode()
    assert 'id="print-acceptance"' in page and 'target="_blank"' in page
    pdf = window.get(reverse("documents:file", args=[document.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_tolerated_acceptance_needs_a_promised_date(window, item):
    case = received(window, item)
    _core, non_core = lines(case)
    url = reverse("workbench:intake-case", args=[case.pk])
    data = checklist(
        case,
        decision="accept",
        **{f"status_{non_core.pk}": "missing", f"tolerated_{non_core.pk}": "1"},
    )
    response = window.post(url, data)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == "received"
    assert "日期" in response.content.decode()
    data = checklist(
        case,
        decision="accept",
        **{
            f"status_{non_core.pk}": "missing",
            f"tolerated_{non_core.pk}": "1",
            f"promised_{non_core.pk}": "2099-12-31",
        },
    )
    assert window.post(url, data).status_code == 302
    non_core.refresh_from_db()
    assert non_core.status == "tolerated" and str(non_core.promised_by) == "2099-12-31"
    assert due_kinds(case) == ["tolerated_acceptance"]


def test_one_correction_notice_lists_every_missing_material(window, item):
    case = received(window, item)
    core, non_core = lines(case)
    data = checklist(
        case,
        decision="correction",
        **{
            f"status_{core.pk}": "defective",
            f"note_{core.pk}": "申请书未签字",
            f"status_{non_core.pk}": "missing",
            f"note_{non_core.pk}": "请提交食品安全管理制度",
        },
    )
    assert window.post(reverse("workbench:intake-case", args=[case.pk]), data).status_code == 302
    case.refresh_from_db()
    assert case.state == "awaiting_correction"
    event = case.events.get(action="request_correction")
    assert {i["note"] for i in event.data["items"]} == {"申请书未签字", "请提交食品安全管理制度"}
    assert due_kinds(case) == ["correction"]


def test_refusing_under_clause_two_names_the_competent_body(window, item):
    case = received(window, item)
    url = reverse("workbench:intake-case", args=[case.pk])
    data = checklist(case, decision="refuse", clause="2", reason="属于市级审批权限")
    response = window.post(url, data)
    assert response.status_code == 400
    assert "须告知申请人向哪个机关申请" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "received"
    data = checklist(
        case,
        decision="refuse",
        clause="2",
        reason="属于市级审批权限",
        competent_body="石嘴山市审批服务管理局",
    )
    response = window.post(url, data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "refused"
    # Without a seal nothing can be signed: the clerk is told, and the notice stays due.
    assert "文书暂不能出具" in window.get(response["Location"]).content.decode()
    assert due_kinds(case) == ["refusal"]


def test_a_stale_checklist_is_a_conflict(window, item):
    case = received(window, item)
    data = checklist(case, decision="save")
    assert window.post(reverse("workbench:intake-case", args=[case.pk]), data).status_code == 302
    response = window.post(
        reverse("workbench:intake-case", args=[case.pk]), data
    )  # the old version again
    assert response.status_code == 409
    assert "该办件已被他人处理" in response.content.decode()


def test_a_file_of_the_wrong_kind_is_refused_on_its_line(window, item):
    case = received(window, item)
    core, _ = lines(case)
    data = checklist(
        case,
        decision="accept",
        **{f"file_{core.pk}": SimpleUploadedFile("scan.png", b"GIF89a....")},
    )
    response = window.post(reverse("workbench:intake-case", args=[case.pk]), data)
    assert response.status_code == 400
    assert "只接受" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "received" and not core.uploads.exists()


def test_an_uploaded_image_is_previewed_for_staff(window, item):
    case = received(window, item)
    core, _ = lines(case)
    data = checklist(
        case, decision="save", **{f"file_{core.pk}": SimpleUploadedFile("scan.png", PNG)}
    )
    window.post(reverse("workbench:intake-case", args=[case.pk]), data)
    upload = core.uploads.get()
    page = window.get(reverse("workbench:case", args=[case.pk])).content.decode()
    assert f'src="{reverse("workbench:upload", args=[upload.pk])}"' in page
    response = window.get(reverse("workbench:upload", args=[upload.pk]))
    assert response["Content-Type"] == "image/png"


def test_the_window_prints_the_receipt_issued_with_the_intake(window, item, clerk, seal):
    case = received(window, item)
    receipt = Document.objects.get(case=case, kind="receipt")
    assert (
        receipt.event.action == "receive"
        and receipt.issued_by == clerk
        and receipt.state == "genuine"
    )
    page = window.get(reverse("workbench:intake-case", args=[case.pk])).content.decode()
    assert 'id="print-receipt"' in page and receipt.number in page
    assert window.get(reverse("documents:file", args=[receipt.pk])).status_code == 200


def test_a_file_sent_with_a_refused_checklist_is_kept_and_listed(window, item):
    case = received(window, item)
    core, _ = lines(case)
    data = checklist(case, decision="save")
    assert window.post(reverse("workbench:intake-case", args=[case.pk]), data).status_code == 302
    # The old page again (a conflict) and a status nobody offers: the file still stays.
    stale = {**data, f"file_{core.pk}": SimpleUploadedFile("申请书.pdf", PDF)}
    response = window.post(reverse("workbench:intake-case", args=[case.pk]), stale)
    assert response.status_code == 409
    assert core.uploads.get().original_name == "申请书.pdf"
    assert "申请书.pdf" in response.content.decode()
    case.refresh_from_db()
    bad = {
        **checklist(case, decision="save"),
        f"status_{core.pk}": "nonsense",
        f"file_{core.pk}": SimpleUploadedFile("身份证.pdf", PDF),
    }
    response = window.post(reverse("workbench:intake-case", args=[case.pk]), bad)
    assert response.status_code == 400
    assert sorted(core.uploads.values_list("original_name", flat=True)) == [
        "申请书.pdf",
        "身份证.pdf",
    ]
    assert "身份证.pdf" in response.content.decode()


@pytest.mark.parametrize("decision", ["save", "accept", "correction", "refuse"])
def test_a_checklist_without_the_case_version_is_refused_and_stores_nothing(window, item, decision):
    """The intake form always carries the version: one without it was not sent by the page,
    and is refused, the field named, before anything of it is kept (not even its files)."""
    case = received(window, item)
    core, non_core = lines(case)
    url = reverse("workbench:intake-case", args=[case.pk])
    events = case.events.count()
    statuses = list(case.materials.order_by("pk").values_list("status", flat=True))
    refusal = {"clause": "1", "reason": "该事项无需取得行政许可"}
    for sent in ({}, {"expected_version": ""}):
        data = {
            **checklist(case, decision=decision, **refusal),
            f"status_{non_core.pk}": "missing",
            f"note_{non_core.pk}": "请提交食品安全管理制度",
            f"file_{core.pk}": SimpleUploadedFile("申请书.pdf", PDF),
        }
        del data["expected_version"]
        response = window.post(url, {**data, **sent})
        assert response.status_code == 400, sent
        top = response.content.decode().split('id="intake-errors"', 1)[1].split("</div>", 1)[0]
        assert "表单缺少办件版本号（expected_version）" in top, sent
    case.refresh_from_db()
    assert case.state == "received" and case.events.count() == events
    assert not core.uploads.exists()
    assert list(case.materials.order_by("pk").values_list("status", flat=True)) == statuses
