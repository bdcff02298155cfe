"""Bad input is a clear 400 naming the field, never a 500 (issue 12, finding 6): bounded page
parameters, JSON depth and body size, control characters in fields and headers, bidi
overrides; each works on SQLite and PostgreSQL."""

import json
import time

import pytest
from django.urls import reverse

from oneseal.applicants.models import Applicant
from oneseal.applicants.rules import name_problem
from oneseal.inputs import json_depth

pytestmark = pytest.mark.django_db


def fields(response) -> dict:
    return response.json()["fields"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=100000000000000000000", "limit"),
        ("limit=0", "limit"),
        ("limit=-5", "limit"),
        ("limit=abc", "limit"),
        ("limit=501", "limit"),
        ("limit=１０", "limit"),
        ("offset=100000000000000000000", "offset"),
        ("offset=-1", "offset"),
        ("offset=1.5", "offset"),
    ],
)
def test_a_page_parameter_out_of_range_is_a_400_naming_it(client, regions, query, field):
    response = client.get(f"/api/v1/regions?{query}")
    assert response.status_code == 400 and list(fields(response)) == [field]
    assert response.json()["code"] == "validation_failed"


def test_page_parameters_in_range_page_as_before(client, regions):
    whole = client.get("/api/v1/regions?limit=500").json()
    assert whole["count"] == len(whole["results"]) > 2
    second = client.get("/api/v1/regions?limit=1&offset=1").json()["results"]
    assert [r["code"] for r in second] == [whole["results"][1]["code"]]
    assert client.get("/api/v1/regions").json()["results"] == whole["results"][:50]


def test_json_nested_5000_deep_is_refused_quickly_naming_the_body(client, applicant_user):
    client.force_login(applicant_user)
    started = time.perf_counter()
    response = client.post(
        "/api/v1/applicants", b"[" * 5000 + b"]" * 5000, content_type="application/json"
    )
    assert time.perf_counter() - started < 1
    assert (
        response.status_code == 400
        and "body" in fields(response)
        and "64" in fields(response)["body"][0]
    )
    assert json_depth(b'{"a": [1, {"b": "[[[[["}]}') == 3  # brackets in strings do not count


def test_a_body_beyond_the_limit_is_a_400(client, applicant_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(applicant_user)
    response = client.post(
        "/api/v1/applicants", json.dumps({"name": "x" * 2000}), content_type="application/json"
    )
    assert response.status_code == 400 and "body" in fields(response)


def test_nul_in_the_tracking_form_is_a_400_naming_the_field(client):
    response = client.post(
        reverse("portal:track"), {"number": "6402\x0021198001011237", "query_code": "K7PQ2M"}
    )
    assert response.status_code == 400
    assert "number" in response.content.decode() and "控制字符" in response.content.decode()


def test_nul_in_an_idempotency_key_is_a_400_naming_the_header(
    client, applicant_user, item, own_applicant
):
    client.force_login(applicant_user)
    response = client.post(
        "/api/v1/cases",
        {"handling_item": item.pk, "channel": "online"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k\x00ey",
    )
    assert response.status_code == 400 and list(fields(response)) == ["Idempotency-Key"]


def test_control_characters_in_a_json_field_are_named_by_their_path(client, clerk):
    client.force_login(clerk)
    body = {
        "kind": "person",
        "name": "马祥",
        "number": "640221198001011237",
        "phone": "139\x0b00000000",
        "extra": [{"note": "a\x00"}],
    }
    response = client.post("/api/v1/applicants", body, content_type="application/json")
    assert response.status_code == 400 and list(fields(response)) == ["phone"]
    del body["phone"]
    response = client.post("/api/v1/applicants", body, content_type="application/json")
    assert list(fields(response)) == ["extra[0].note"]


def test_a_right_to_left_override_in_a_name_is_refused_everywhere_names_enter(client, clerk):
    spoofed = "马\u202e祥"
    client.force_login(clerk)
    response = client.post(
        "/api/v1/applicants",
        {"kind": "person", "name": spoofed, "number": "640221198001011237", "phone": "13900000000"},
        content_type="application/json",
    )
    assert response.status_code == 400 and list(fields(response)) == ["name"]
    client.logout()
    page = client.post(
        reverse("portal:signup"),
        {
            "kind": "person",
            "name": spoofed,
            "username": "ma",
            "password": "pw-12345678",
            "password2": "pw-12345678",
            "number": "640221198001011237",
            "phone": "13900000000",
        },
    )
    assert page.status_code == 400 and "name" in page.content.decode()
    assert not Applicant.objects.filter(name=spoofed).exists()


def test_the_name_rule_refuses_controls_and_overrides_but_not_uyghur_marks():
    assert name_problem("马𠮷祥") == ""
    assert name_problem("ئابدۇرېھىم\u200f") == ""  # a right-to-left mark typed with Uyghur text
    assert "文字方向" in name_problem("ab\u202ecd") and "文字方向" in name_problem("ab\u2067cd")
    assert "控制字符" in name_problem("a\x00b")


def test_an_id_beyond_any_row_is_not_found(client, clerk):
    client.force_login(clerk)
    assert client.get("/api/v1/cases/99999999999999999999999").status_code == 404
    assert client.get("/workbench/cases/99999999999999999999999/").status_code == 404
