"""My cases: every case of the applicants tied to the account, the correction notice and its
online reply, withdrawal; another applicant's case reveals nothing."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from oneseal.cases import actions
from oneseal.cases.models import Case, Channel, State
from oneseal.testing import online_files, versioned

from .conftest import client_for, pdf


@pytest.fixture
def online_case(person, new_item):
    applicant = person.applicants.get()
    # Applied a minute ago, so the files sent with the application come before any correction
    # notice (event times are kept to the second).
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=1)):
        return actions.receive(
            new_item,
            actor=person,
            applicant=applicant,
            channel=Channel.ONLINE,
            idempotency_key="k1",
            uploads=online_files(new_item, applicant),
        )


@pytest.fixture
def corrected_case(online_case, clerk):
    """The clerk's one-time notice lists two materials to correct."""
    lines = {line.material.name: line for line in online_case.materials.select_related("material")}
    return actions.request_correction(
        online_case,
        actor=clerk,
        items={
            lines["食品经营许可申请书"].pk: "申请书未签字",
            lines["申请人居民身份证"].pk: "身份证复印件不清晰",
        },
    )


def test_my_cases_lists_every_case_of_my_applicants_and_no_one_elses(
    person, stranger, new_item, online_case
):
    other = actions.receive(
        new_item,
        actor=stranger,
        applicant=stranger.applicants.get(),
        channel=Channel.ONLINE,
        uploads=online_files(new_item, stranger.applicants.get()),
    )
    body = client_for(person).get("/my/cases/").content.decode()
    assert online_case.number in body and other.number not in body
    assert "审批局将于" in body  # the state in plain words


def test_another_applicant_cannot_open_upload_to_correct_or_withdraw_my_case(
    stranger, corrected_case
):
    client = client_for(stranger)
    line = corrected_case.materials.first()
    sent_with_the_application = line.uploads.count()
    assert client.get(f"/my/cases/{corrected_case.pk}/").status_code == 404
    assert (
        client.post(
            f"/my/cases/{corrected_case.pk}/materials/{line.pk}/upload/", {"file": pdf()}
        ).status_code
        == 404
    )
    assert client.post(f"/my/cases/{corrected_case.pk}/correction/").status_code == 404
    assert (
        client.post(f"/my/cases/{corrected_case.pk}/withdraw/", {"reason": "x"}).status_code == 404
    )
    corrected_case.refresh_from_db()
    assert corrected_case.state == State.AWAITING_CORRECTION
    assert line.uploads.count() == sent_with_the_application


def test_anonymous_visitors_are_sent_to_sign_in(online_case):
    for url in ("/my/cases/", f"/my/cases/{online_case.pk}/"):
        r = Client().get(url)
        assert r.status_code == 302 and r["Location"].startswith("/account/signin/?next=")


def test_the_correction_notice_lists_every_material_and_is_answered_online(person, corrected_case):
    client = client_for(person)
    url = f"/my/cases/{corrected_case.pk}/"
    body = client.get(url).content.decode()
    notice = body.split('id="correction-notice"', 1)[1].split("</section>", 1)[0]
    assert "申请书未签字" in notice and "身份证复印件不清晰" in notice
    assert "食品经营许可申请书" in notice and "申请人居民身份证" in notice

    # Submitting before every listed material has a new file names what is missing.
    r = client.post(
        url + "correction/", versioned(corrected_case, field="lock_version"), follow=True
    )
    assert "“食品经营许可申请书”：请先上传补正后的文件" in r.content.decode()
    lines = {
        line.material.name: line for line in corrected_case.materials.select_related("material")
    }
    bad = client.post(
        f"{url}materials/{lines['申请人居民身份证'].pk}/upload/",
        {"file": pdf("id.exe", b"MZ")},
        follow=True,
    )
    assert "“申请人居民身份证”：只接受" in bad.content.decode()
    for name in ("食品经营许可申请书", "申请人居民身份证"):
        client.post(f"{url}materials/{lines[name].pk}/upload/", {"file": pdf(f"{name}.pdf")})
    r = client.post(
        url + "correction/", versioned(corrected_case, field="lock_version"), follow=True
    )
    assert "补正材料已提交" in r.content.decode()
    case = Case.objects.get(pk=corrected_case.pk)
    assert case.state == State.RECEIVED
    assert list(case.events.values_list("action", flat=True))[-1] == "submit_correction"


def test_the_applicant_withdraws_an_open_case_with_a_reason(person, online_case):
    client = client_for(person)
    url = f"/my/cases/{online_case.pk}/"
    assert 'id="withdraw-form"' in client.get(url).content.decode()
    empty = client.post(
        url + "withdraw/",
        versioned(online_case, {"reason": " "}, field="lock_version"),
        follow=True,
    )
    assert "请填写理由" in empty.content.decode()
    client.post(
        url + "withdraw/", versioned(online_case, {"reason": "选址变更"}, field="lock_version")
    )
    online_case.refresh_from_db()
    assert online_case.state == State.WITHDRAWN
    body = client.get(url).content.decode()
    assert "撤回申请" in body and "选址变更" in body and 'id="withdraw-form"' not in body


def test_events_read_in_plain_chinese_with_the_clocks(person, online_case, clerk):
    for line in online_case.materials.all():
        if line.material.is_required:
            actions.attach_file(line, actor=person, upload=pdf())
    actions.check_materials(
        online_case,
        actor=clerk,
        statuses={
            line.pk: ("provided" if line.material.is_required else "not_needed")
            for line in online_case.materials.all()
        },
    )
    actions.accept(online_case, actor=clerk, on=timezone.localdate())
    body = client_for(person).get(f"/my/cases/{online_case.pk}/").content.decode()
    events = body.split('id="case-events"', 1)[1].split("</ol>", 1)[0]
    assert "收到申请" in events and "上传材料" in events and "受理" in events
    assert "已受理，承诺于" in body and "个工作日" in body


def test_a_case_opened_at_the_window_for_my_applicant_is_mine_too(person, new_item, clerk):
    applicant = person.applicants.get()
    case = actions.receive(
        new_item, actor=clerk, applicant=applicant, at=timezone.now() - datetime.timedelta(days=1)
    )
    assert case.number in client_for(person).get("/my/cases/").content.decode()


def test_the_applicant_downloads_the_notices_of_their_case_and_no_one_else_can(
    person, stranger, online_case, clerk, bureau
):
    from oneseal.documents import actions as documents

    documents.create_seal(bureau, system=True, valid_from=datetime.date(2024, 1, 1))
    for line in online_case.materials.all():
        if line.material.is_required:
            actions.attach_file(line, actor=person, upload=pdf())
    actions.check_materials(
        online_case,
        actor=clerk,
        statuses={
            line.pk: ("provided" if line.material.is_required else "not_needed")
            for line in online_case.materials.all()
        },
    )
    actions.accept(online_case, actor=clerk, on=timezone.localdate())
    notice = online_case.documents.get(kind="acceptance")  # the acceptance issued its own notice
    body = client_for(person).get(f"/my/cases/{online_case.pk}/").content.decode()
    assert notice.number in body and f'href="/documents/{notice.pk}/file/"' in body
    download = client_for(person).get(f"/documents/{notice.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_for(stranger).get(f"/documents/{notice.pk}/file/").status_code == 404
    assert Client().get(f"/documents/{notice.pk}/file/").status_code in (302, 404)


def test_the_list_of_my_cases_takes_the_same_queries_for_one_case_or_many(person, new_item):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(person)
    applicant = person.applicants.get()

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/my/cases/").status_code == 200
        return len(queries)

    actions.receive(
        new_item,
        actor=person,
        applicant=applicant,
        channel=Channel.ONLINE,
        idempotency_key="a",
        uploads=online_files(new_item, applicant),
    )
    count()  # the first request also reads the calendar and the session
    one = count()
    for key in "bcd":
        actions.receive(
            new_item,
            actor=person,
            applicant=applicant,
            channel=Channel.ONLINE,
            idempotency_key=key,
            uploads=online_files(new_item, applicant),
        )
    # 14: the saved drafts listed above the cases and the unread messages in the navigation
    # are one query each, whatever the number of cases.
    assert count() == one <= 14


def test_a_correction_refused_for_a_missing_file_keeps_the_file_already_sent(
    person, corrected_case
):
    client = client_for(person)
    url = f"/my/cases/{corrected_case.pk}/"
    lines = {
        line.material.name: line for line in corrected_case.materials.select_related("material")
    }
    client.post(
        f"{url}materials/{lines['食品经营许可申请书'].pk}/upload/", {"file": pdf("签字版.pdf")}
    )
    r = client.post(
        url + "correction/", versioned(corrected_case, field="lock_version"), follow=True
    )
    body = r.content.decode()
    assert "“申请人居民身份证”：请先上传补正后的文件" in body
    assert "已上传补正文件：签字版.pdf" in body
    # Only the missing file is sent now; the one kept goes with the correction.
    client.post(f"{url}materials/{lines['申请人居民身份证'].pk}/upload/", {"file": pdf("id.pdf")})
    r = client.post(
        url + "correction/", versioned(corrected_case, field="lock_version"), follow=True
    )
    assert "补正材料已提交" in r.content.decode()
    assert Case.objects.get(pk=corrected_case.pk).state == State.RECEIVED
    assert lines["食品经营许可申请书"].uploads.filter(original_name="签字版.pdf").count() == 1


@pytest.mark.parametrize(
    ("form", "data", "action"),
    [
        ("correction", {}, "submit_correction"),
        ("withdraw", {"reason": "选址变更"}, "withdraw"),
    ],
)
@pytest.mark.parametrize("sent", [{}, {"lock_version": ""}])
def test_a_case_form_without_the_case_version_is_refused_and_stores_nothing(
    person, corrected_case, form, data, action, sent
):
    """The case page's forms always carry the version: one without it was not sent by the
    page, and is refused (the field named) rather than acted on unchecked."""
    client = client_for(person)
    for line in corrected_case.materials.all():
        client.post(f"/my/cases/{corrected_case.pk}/materials/{line.pk}/upload/", {"file": pdf()})
    case = Case.objects.get(pk=corrected_case.pk)
    events = case.events.count()
    r = client.post(f"/my/cases/{case.pk}/{form}/", {**data, **sent}, follow=True)
    assert "表单缺少办件版本号（lock_version）" in r.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_CORRECTION
    assert case.events.count() == events
    # The same post with the version is acted on.
    r = client.post(f"/my/cases/{case.pk}/{form}/", versioned(case, data, field="lock_version"))
    assert r.status_code == 302 and case.events.filter(action=action).exists()
