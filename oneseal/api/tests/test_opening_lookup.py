"""Opening a case finds its handling item and applicant by statements built once per connection
(`api.cases.inputs.FoundByKey`, the intake hot path), with the answers the queryset gave."""

import pytest
from rest_framework.test import APIClient

from oneseal.applicants.models import Applicant
from oneseal.catalogue.models import HandlingItem
from oneseal.testing import models_built

pytestmark = pytest.mark.django_db


def _open(client, **body):
    return client.post("/api/v1/cases", {"channel": "window", **body}, format="json")


def test_the_item_and_the_applicant_are_found_without_building_their_statements(
    handling_item, applicant, clerk, monkeypatch
):
    client = APIClient()
    client.force_login(clerk)
    assert _open(client, handling_item=handling_item.pk, applicant=applicant.pk).status_code == 201
    built = models_built(monkeypatch)
    opened = _open(client, handling_item=str(handling_item.pk), applicant=applicant.pk)
    assert opened.status_code == 201
    assert HandlingItem not in built and Applicant not in built


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (999999, "办理项 999999 不存在"),
        ("999999", "办理项 999999 不存在"),
        (2**70, f"办理项 {2**70} 不存在"),
        (-1, "办理项 -1 不存在"),
        ("abc", "应为整数编号"),
        (True, "应为整数编号"),
        ([1], "应为整数编号"),
    ],
)
def test_a_key_that_finds_no_item_is_answered_as_before(
    value, message, handling_item, applicant, clerk
):
    client = APIClient()
    client.force_login(clerk)
    refused = _open(client, handling_item=value, applicant=applicant.pk)
    assert refused.status_code == 400
    assert refused.json()["fields"]["handling_item"] == [message]


def test_an_account_opens_only_for_whom_it_acts(
    handling_item, applicant, own_applicant, applicant_user
):
    client = APIClient()
    client.force_login(applicant_user)
    refused = _open(client, handling_item=handling_item.pk, applicant=applicant.pk)
    assert refused.status_code == 400
    assert refused.json()["fields"]["applicant"] == [f"申请人 {applicant.pk} 不存在"]
