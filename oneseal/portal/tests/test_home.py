"""The portal home of a region: 个人办事 / 法人办事, topics, departments, the most applied-for
items counted from real cases, life events, booking, tracking, verification and the county's
好差评 figures (only the chosen county's), every link a working page, a bounded query count."""

import datetime
import re

import pytest
from django.test import Client

from oneseal.applicants.actions import register_applicant
from oneseal.appointments import actions as appointment_actions
from oneseal.cases import actions as case_actions
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue import life_events
from oneseal.catalogue.models import ApplicantType, Catalogue, HandlingItem, Material, Topic
from oneseal.organisation.models import Bureau, Department, Role
from oneseal.ratings import actions as rating_actions

D1 = datetime.date(2024, 1, 1)
PERSON = "640221199605180423"
COMPANY = "91350100M000100Y43"


def _publish(catalogue, actor, code, name, *, department, topic=None, applicant_type="both"):
    version = catalogue_actions.create_item(
        catalogue,
        actor=actor,
        basic_code=code,
        name=name,
        legal_basis="《中华人民共和国行政许可法》",
        original_department=department,
        topic=topic,
    )
    hi = catalogue_actions.save_draft_part(
        HandlingItem(
            item_version=version,
            code=code + "-01",
            name=name + "（新办）",
            applicant_type=applicant_type,
            statutory_limit_days=20,
            promised_limit_days=5,
            complaint_phone="0952-12345",
        ),
        actor=actor,
    )
    catalogue_actions.save_draft_part(
        Material(handling_item=hi, name="申请书", order=1), actor=actor
    )
    catalogue_actions.publish(version, actor=actor, effective_from=D1)
    return hi


def _closed(hi, applicant, clerk):
    case = case_actions.receive(hi, actor=clerk, applicant=applicant)
    return case_actions.refuse(case, actor=clerk, clause="1", reason="该事项无需取得行政许可")


def _rate(case, clerk, score):
    reasons = ["polite"] if score >= 4 else ["guide_wrong"]
    return rating_actions.rate(case, actor=clerk, score=score, reasons=reasons, channel="window")


@pytest.fixture
def county_home(catalogue, admin_user, department, clerk, county):
    """平罗县: food (anyone, 3 cases), kindergarten (organisations, 1 case), a person's item
    (no case); two ratings (5 and 1) and a published life event."""
    market = Topic.objects.create(name="市场准入", order=1)
    social = Topic.objects.create(name="社会事务", order=2)
    education = Department.objects.create(region=county, name="平罗县教育局", order=7)
    food = _publish(
        catalogue, admin_user, "64-A", "食品经营许可", department=department, topic=market
    )
    kindergarten = _publish(
        catalogue,
        admin_user,
        "64-B",
        "幼儿园设立审批",
        department=education,
        topic=social,
        applicant_type=ApplicantType.ORGANISATION,
    )
    _publish(
        catalogue,
        admin_user,
        "64-C",
        "个体工商户名称预先登记",
        department=department,
        topic=market,
        applicant_type=ApplicantType.PERSON,
    )
    person = register_applicant(
        actor=clerk, kind="person", name="马𠮷祥", number=PERSON, phone="13909520000"
    )
    company = register_applicant(
        actor=clerk,
        kind="organisation",
        name="平罗县星星幼儿园有限公司",
        number=COMPANY,
        phone="0952-6000000",
        representative="马𠮷祥",
    )
    rated = [_closed(food, person, clerk) for _ in range(2)]
    case_actions.receive(food, actor=clerk, applicant=person)
    case_actions.receive(kindergarten, actor=clerk, applicant=company)
    _rate(rated[0], clerk, 5)
    _rate(rated[1], clerk, 1)
    event = life_events.create_life_event(
        catalogue, actor=admin_user, name="我要开饭店", keywords="开饭店"
    )
    life_events.add_life_event_item(event, food, actor=admin_user)
    life_events.publish_life_event(event, actor=admin_user)
    return {
        "food": food,
        "kindergarten": kindergarten,
        "event": event,
        "person": person,
        "company": company,
    }


@pytest.fixture
def neighbour(other_county, make_staff, county_home):
    """大武口区: its own catalogue and item, one case rated 2 (a bad rating)."""
    bureau = Bureau.objects.create(region=other_county, name="大武口区行政审批服务局")
    admin = make_staff("catadmin_dwk", other_county, Role.CATALOGUE_ADMIN)
    far_clerk = make_staff("clerk_dwk", other_county, Role.CLERK, bureau=bureau)
    dept = Department.objects.create(region=other_county, name="大武口区市场监督管理局", order=1)
    cat = Catalogue.objects.create(region=other_county, bureau=bureau, name="大武口区事项目录")
    hi = _publish(cat, admin, "64-DWK", "烟草专卖零售许可", department=dept)
    for score in (2, 2, 4):
        _rate(_closed(hi, county_home["person"], far_clerk), far_clerk, score)
    return cat


def _page(client, **params) -> str:
    response = client.get("/", params)
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, section_id: str) -> str:
    start = page.index(f'id="{section_id}"')
    return page[start : page.index("</section>", start)]


def test_the_home_shows_the_countys_blocks_with_real_figures(county_home, neighbour):
    page = _page(Client(), region="640221")
    assert "平罗县网上办事" in page
    # 个人办事: food (anyone) and the person's item; 法人办事: food and the kindergarten.
    assert re.search(r"个人办事</strong><span>2 项", page)
    assert re.search(r"法人办事</strong><span>2 项", page)
    assert 'href="/catalogue/640221/?applicant=person"' in page
    assert 'href="/catalogue/640221/?applicant=organisation"' in page
    popular = _section(page, "home-popular")
    # Counted from the cases: food 3, kindergarten 1; the item nobody applied for is absent,
    # and the neighbour's cases count only there.
    assert popular.index("食品经营许可") < popular.index("幼儿园设立审批")
    assert "近一年 3 件" in popular and "近一年 1 件" in popular
    assert "个体工商户" not in popular and "烟草" not in popular
    assert f'href="/guide/{county_home["food"].pk}/"' in popular
    topics = _section(page, "home-topics")
    assert "市场准入" in topics and "社会事务" in topics
    assert "?topic=" in topics
    departments = _section(page, "home-departments")
    assert "市场监管局" in departments and "平罗县教育局" in departments
    life = _section(page, "home-life-events")
    assert (
        "我要开饭店" in life and f'href="/projects/life-events/{county_home["event"].pk}/"' in life
    )
    # 好差评: the county's two ratings only (5 and 1), not the neighbour's three.
    ratings = _section(page, "home-ratings")
    assert "<strong>2</strong>评价总数" in ratings
    assert "<strong>50%</strong>好评率" in ratings
    assert "<strong>1</strong>差评" in ratings
    assert 'href="/ratings/public/640221/"' in ratings
    for link in ("/track/", "/catalogue/640221/bookable/", "/documents/verify/"):
        assert f'href="{link}"' in page


def test_the_home_of_the_other_region_shows_its_own_figures(county_home, neighbour):
    page = _page(Client(), region="640202")
    assert "大武口区网上办事" in page
    ratings = _section(page, "home-ratings")
    assert "<strong>3</strong>评价总数" in ratings and "<strong>33%</strong>好评率" in ratings
    popular = _section(page, "home-popular")
    assert "烟草专卖零售许可" in popular and "食品经营许可" not in popular
    # The county's life event is not the neighbour's.
    assert "我要开饭店" not in _section(page, "home-life-events")


def test_the_ratings_page_publishes_the_same_figures(county_home, neighbour):
    page = Client().get("/ratings/public/640221/").content.decode()
    assert "共 2 条评价：好评 1，中评 0，差评 1。" in page and "好评率 50%。" in page
    assert "差评已核实整改并回复 0 条" in page
    assert "马𠮷祥" not in page  # figures only, nobody's rating
    assert Client().get("/ratings/public/999999/").status_code == 404


def test_an_unknown_region_says_so_and_shows_the_first(county_home, neighbour):
    page = _page(Client(), region="110101")
    assert "该地区没有本级事项目录" in page and 'aria-invalid="true"' in page
    assert "大武口区网上办事" in page  # the first region by its code


def test_every_link_of_the_home_resolves(county_home, neighbour, applicant_user):
    client = Client()
    page = _page(client, region="640221")
    main = page[page.index("<main") :]
    links = set(re.findall(r'href="(/[^"#]*)"', main))
    assert len(links) > 15
    for link in sorted(links):
        status = client.get(link.replace("&amp;", "&")).status_code
        # The applicant's own pages ask an anonymous visitor to sign in.
        assert status == 200 or (status == 302 and link.startswith("/my/")), (link, status)
    client.force_login(applicant_user)
    for link in ("/my/cases/", "/my/licences/"):
        assert client.get(link).status_code == 200


def test_the_bookable_list_names_the_items_a_hall_serves(county_home, bureau, county, clerk):
    empty = Client().get("/catalogue/640221/bookable/").content.decode()
    assert "本地区暂未开放网上预约" in empty
    hall = appointment_actions.create_hall(
        bureau, actor=clerk, region=county, name="平罗县政务服务中心", phone="0952-6012345"
    )
    education = Department.objects.get(name="平罗县教育局")
    appointment_actions.save_group(
        hall, actor=clerk, name="社会事务", capacity=2, departments=[education]
    )
    page = Client().get("/catalogue/640221/bookable/").content.decode()
    assert "平罗县政务服务中心" in page and "可预约事项 1 项" in page
    assert f'href="/appointments/book/{county_home["kindergarten"].pk}/"' in page
    assert "食品经营许可" not in page  # no group serves the market department's items
    assert Client().get("/catalogue/110101/bookable/").status_code == 404


def test_the_home_makes_a_bounded_number_of_queries(
    county_home, neighbour, clerk, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        _page(Client(), region="640221")
    # More cases of more items change nothing in the count.
    for _ in range(3):
        case_actions.receive(
            county_home["kindergarten"], actor=clerk, applicant=county_home["company"]
        )
    with django_assert_max_num_queries(14):
        page = _page(Client(), region="640221")
    assert "近一年 4 件" in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_home_on_a_phone_and_an_office_screen(county_home, neighbour, phone, page, screenshot):
    for tab, width, name in (
        (phone, 390, "portal-home-phone"),
        (page, 1366, "portal-home-desktop"),
    ):
        tab.goto("/?region=640221")
        tab.get_by_role("heading", name="热门事项").wait_for()
        assert tab.evaluate("document.documentElement.scrollWidth") <= width, name
        screenshot(tab, name)
    # From the phone: the region is switched, then 法人办事 opens the catalogue so filtered.
    phone.get_by_label("所在地区").select_option("640202")
    with phone.expect_navigation():
        phone.get_by_role("button", name="切换").click()
    phone.get_by_role("heading", name="大武口区网上办事").wait_for()
    with phone.expect_navigation():
        phone.get_by_role("link", name=re.compile("法人办事")).click()
    phone.get_by_text("法人或其他组织").first.wait_for()
    assert "烟草专卖零售许可" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
