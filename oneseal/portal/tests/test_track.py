"""Tracking without an account: number + query code; nothing else leaks; guessing is cut off."""

import re

import pytest
from django.test import Client

from oneseal.cases import actions
from oneseal.cases.models import Channel
from oneseal.testing import online_files

from .conftest import PERSON_NUMBER, client_for, pdf


@pytest.fixture
def case(person, new_item, clerk):
    case = actions.receive(
        new_item,
        actor=person,
        applicant=person.applicants.get(),
        channel=Channel.ONLINE,
        uploads=online_files(new_item, person.applicants.get()),
    )
    line = case.materials.select_related("material").get(material__name="食品经营许可申请书")
    actions.attach_file(line, actor=person, upload=pdf("私密申请书.pdf"))
    actions.request_correction(
        case, actor=clerk, items={line.pk: "申请书未签字，联系电话13995210418"}
    )
    return case


def track(client, number, code, addr="10.0.0.1"):
    return client.post("/track/", {"number": number, "query_code": code}, REMOTE_ADDR=addr)


def test_the_right_pair_shows_state_item_dates_and_public_steps_only(case):
    r = track(Client(), case.number, case.query_code)
    body = r.content.decode()
    result = body.split('id="track-result"', 1)[1]
    assert r.status_code == 200
    assert case.number in result and "食品经营许可（新办）" in result and "待补正" in result
    assert "收到申请" in result and "一次性告知补正材料" in result
    assert "张*" in result
    for secret in (
        "张珊",
        PERSON_NUMBER,
        "私密申请书",
        "申请书未签字",
        "13995210418",
        "食品经营许可申请书",
        "上传材料",
        "王窗口",
    ):
        assert secret not in body, secret


def test_a_wrong_code_and_an_unknown_number_get_the_same_answer(case):
    wrong_code = track(
        Client(), case.number, "000000" if case.query_code != "000000" else "111111", "10.0.0.2"
    )
    unknown = track(Client(), "640221209999999999", "123456", "10.0.0.3")
    assert wrong_code.status_code == unknown.status_code == 404

    def page(response, number):
        # The CSRF tokens differ per request; everything else must be the same.
        return re.sub(
            r'value="[A-Za-z0-9]{64}"', "", response.content.decode().replace(number, "N")
        )

    assert page(wrong_code, case.number) == page(unknown, "640221209999999999")


def test_repeated_guessing_from_one_address_is_locked_out(case):
    client = Client()
    for n in range(5):
        assert track(client, case.number, f"9{n:05d}").status_code == 404
    locked = track(client, case.number, case.query_code)
    assert locked.status_code == 429 and "查询失败次数过多" in locked.content.decode()
    assert track(Client(), case.number, case.query_code, "10.9.9.9").status_code == 200


def test_repeated_guessing_of_one_number_from_many_addresses_is_locked_out(case):
    for n in range(10):
        track(Client(), case.number, f"8{n:05d}", f"10.1.0.{n}")
    assert track(Client(), case.number, case.query_code, "10.2.0.1").status_code == 429


def test_blank_fields_are_named(db):
    body = Client().post("/track/", {"number": "", "query_code": ""}).content.decode()
    assert "请填写办件编号" in body and "请填写查询码" in body


def test_the_applicant_sees_the_query_code_on_their_case(person, case):
    body = client_for(person).get(f"/my/cases/{case.pk}/").content.decode()
    assert case.query_code in body.split('id="case-query-code"', 1)[1][:40]


def test_the_pages_speak_english_from_the_portals_translations(db):
    body = Client().get("/en/track/").content.decode()
    assert "Track a case with the case number and query code" in body and "Enter" not in body
    signup = Client().get("/en/account/signup/").content.decode()
    assert "Applicant sign-up" in signup and "Resident ID card number" in signup
