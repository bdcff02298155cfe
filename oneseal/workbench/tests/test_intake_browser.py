"""In Chromium: a window clerk takes a food licence applied for by an agent with the keyboard
only — refused without the power of attorney, accepted with it, its scan chosen once and kept
through the refusal — on one screen of an office desk (1366×768, and 1440×900); neither the
intake nor the case page scrolls sideways on the desk or on a phone (390 px). Screenshots in
var/screenshots/."""

import pytest
from django.test import Client

from oneseal.cases.models import Case
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Material
from oneseal.testing import day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPANY = "91350100M000100Y43"
AGENT_NUMBER = "640221199002150049"
# The food licence's checklist as the demo's guide has it: long names, three tolerable lines.
MATERIALS = [
    ("营业执照或其他主体资格证明文件", {}),
    ("与食品经营相适应的主要设备设施、经营布局、操作流程等文件", {}),
    (
        "食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等保证食品安全的规章制度目录清单",
        {"is_core": False, "is_tolerable": True},
    ),
    ("食品安全管理人员基本情况及培训考核证明", {"is_core": False, "is_tolerable": True}),
    ("经营场所使用证明（房屋产权证明或租赁合同）", {"is_core": False, "is_tolerable": True}),
    (
        "授权委托书及受托人居民身份证",
        {"is_core": False, "is_required": False, "applies_to": "agent"},
    ),
]


@pytest.fixture
def food(complete_draft, admin_user):
    version = complete_draft(name="食品经营许可核发")
    hi = version.handling_items.get()
    for order, (name, fields) in enumerate(MATERIALS, start=2):
        catalogue_actions.save_draft_part(
            Material(handling_item=hi, name=name, order=order, **fields), actor=admin_user
        )
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return hi


def signed_in(page, user, base_url):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return page


def focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, limit: int = 150) -> None:
    """Tab forward, as a keyboard user does, until the element has the focus; each stop shows
    where the focus is."""
    for _ in range(limit):
        if focused(page) == element_id:
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"no visible focus on #{element_id}"
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} is never reached by Tab (last: {focused(page)})")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")


def test_keyboard_only_intake_of_an_agents_food_licence(
    food, clerk, page, phone, browser, live_server, screenshot
):
    ids = {m.name: m.pk for m in food.materials.all()}
    poa = ids["授权委托书及受托人居民身份证"]
    signed_in(page, clerk, live_server.url).goto("/workbench/intake/")
    kb = page.keyboard

    tab_to(page, "id_kind_0")
    kb.press("ArrowRight")  # 法人或其他组织
    kb.press("Tab")
    kb.type(COMPANY)
    page.locator("#number-check-result[data-valid=true]").wait_for()
    for value in ["平罗县𠮷祥餐饮有限公司", "0952-6012345"]:
        kb.press("Tab")
        kb.type(value)
    tab_to(page, "id_agent_name")
    kb.type("马代办")
    tab_to(page, "id_agent_id_number")
    kb.type(AGENT_NUMBER)
    page.locator("#agent-number-check-result[data-valid=true]").wait_for()
    tab_to(page, "item-q")
    kb.type("食品经营")
    kb.press("Enter")  # searches, does not submit
    page.locator(f"#hi-{food.pk}").wait_for()
    tab_to(page, f"hi-{food.pk}")
    kb.press("Space")
    page.locator(f"#attorney-{poa}").wait_for()  # the agent makes it required
    assert page.locator("#kind-mismatch").count() == 0

    # Every material provided except the power of attorney, left as 待核.
    for pk in ids.values():
        if pk != poa:
            tab_to(page, f"status-{pk}")
            kb.press("ArrowDown")  # 待核 → 已提交
    # The scan of the power of attorney: its chooser is reached by Tab (the system's file
    # dialog it opens is not the page's; the file is handed to the focused input).
    tab_to(page, f"file-{poa}")
    page.locator(f"#file-{poa}").set_input_files(
        {"name": "委托书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 scan"}
    )
    assert focused(page) == f"file-{poa}"
    tab_to(page, f"note-{poa}")
    assert page.locator("#decide-accept").bounding_box()["y"] + 38 <= 768  # one screen
    assert no_sideways_scroll(page)
    screenshot(page, "window-intake-desk")
    # The form's first button: 收件并受理. Sent with its scan by site.js, whose answer (the form
    # sent back) replaces the page, as a plain post's would.
    kb.press("Enter")
    page.locator(f"#held-{poa}").wait_for()
    errors = page.locator(f"#material-{poa}-errors")
    assert "马代办" in errors.inner_text() and "授权委托书" in errors.inner_text()
    assert not Case.objects.exists()
    assert page.locator("#id_agent_name").input_value() == "马代办"  # what was typed stays
    assert "委托书.pdf" in page.locator(f"#held-{poa}").inner_text()  # the scan is kept
    screenshot(page, "window-intake-refused")

    tab_to(page, f"status-{poa}")
    kb.press("ArrowDown")
    kb.press("Tab")
    with page.expect_navigation():
        kb.press("Enter")
    case = Case.objects.get()
    assert case.state == "accepted" and case.agent_name == "马代办"
    assert case.materials.get(material_id=poa).uploads.get().original_name == "委托书.pdf"
    assert page.locator("#case-state").inner_text() == "已受理"
    assert no_sideways_scroll(page)
    state = page.locator(f"#material-{case.materials.get(material_id=poa).pk} td.state .word")
    assert len(state.evaluate("e => Array.from(e.getClientRects())")) == 1  # one line, whole
    screenshot(page, "window-case-desk")

    # On a phone: the same screens stack, nothing scrolls sideways.
    signed_in(phone, clerk, live_server.url).goto(
        f"/workbench/intake/?kind=organisation&agent_name=马代办&handling_item={food.pk}"
    )
    assert phone.locator(f"#attorney-{poa}").is_visible()
    assert no_sideways_scroll(phone)
    screenshot(phone, "window-intake-phone")
    phone.goto(f"/workbench/cases/{case.pk}/")
    assert no_sideways_scroll(phone)
    screenshot(phone, "window-case-phone")

    # On a 1440×900 screen the whole intake, decision included, is one screen.
    wide = browser.new_context(
        locale="zh-CN", viewport={"width": 1440, "height": 900}, base_url=live_server.url
    )
    try:
        desk = signed_in(wide.new_page(), clerk, live_server.url)
        desk.goto(f"/workbench/intake/?kind=organisation&agent_name=马代办&handling_item={food.pk}")
        assert desk.locator("#decide-accept").bounding_box()["y"] + 38 <= 900
        assert no_sideways_scroll(desk)
    finally:
        wide.close()
