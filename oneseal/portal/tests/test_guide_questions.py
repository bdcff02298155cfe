"""The guide asks who applies, what for and whether an agent files, and lists exactly the
materials of that situation with the promised time, fees and visits."""

import re

from django.test import Client


def material_names(body: str) -> list[str]:
    table = body.split('class="materials stacked"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row">([^<]+)</th>', table)


def test_without_answers_the_guide_lists_every_material_with_its_situation(new_item):
    body = Client().get(f"/guide/{new_item.pk}/").content.decode()
    assert material_names(body) == [
        "食品经营许可申请书",
        "申请人居民身份证",
        "营业执照",
        "食品安全管理制度",
        "授权委托书",
    ]
    assert "委托他人代办的" in body and "申请人为自然人的" in body
    assert 'name="who"' in body and 'name="agent"' in body and 'name="handling_item"' in body
    assert 'id="apply-online"' in body


def test_a_person_filing_themselves_sees_only_their_materials(new_item):
    body = Client().get(f"/guide/{new_item.pk}/", {"who": "person", "agent": "no"}).content.decode()
    assert material_names(body) == ["食品经营许可申请书", "申请人居民身份证", "食品安全管理制度"]
    assert "需要准备以下 3 项材料" in body


def test_a_company_using_an_agent_sees_the_business_licence_and_the_power_of_attorney(new_item):
    body = (
        Client()
        .get(f"/guide/{new_item.pk}/", {"who": "organisation", "agent": "yes"})
        .content.decode()
    )
    assert material_names(body) == [
        "食品经营许可申请书",
        "营业执照",
        "食品安全管理制度",
        "授权委托书",
    ]


def test_choosing_another_application_opens_its_guide_with_the_answers(new_item, change_item):
    r = Client().get(
        f"/guide/{new_item.pk}/", {"who": "organisation", "handling_item": change_item.pk}
    )
    assert r.status_code == 302
    assert r["Location"] == f"/guide/{change_item.pk}/?who=organisation#situation"
    body = Client().get(r["Location"]).content.decode()
    assert material_names(body) == ["变更申请书"]
    summary = body.split('id="guide-summary"', 1)[1].split("</div>\n</div>", 1)[0]
    assert "3 个工作日" in summary and "工本费10元" in summary and "1次" in summary


def test_a_handling_item_for_organisations_says_so_to_a_person(change_item):
    body = Client().get(f"/guide/{change_item.pk}/", {"who": "person"}).content.decode()
    assert "本办理项的服务对象为法人或其他组织" in body


def test_the_summary_shows_time_fee_and_visits(new_item):
    body = Client().get(f"/guide/{new_item.pk}/").content.decode()
    summary = body.split('id="guide-summary"', 1)[1].split('<p class="actions">', 1)[0]
    assert "5 个工作日" in summary and "不收费" in summary and "0次" in summary
