"""The staff's queue on a phone (390 px): the filter's item list, as wide
as its longest item name, must not widen the page (a phone then shrinks the whole page to fit
it). Measured from the laid-out page, not from a picture."""

import pytest

from oneseal.catalogue import actions as catalogue_actions
from oneseal.testing import day, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "城镇污水排入排水管网许可（含排水户接入市政排水管网及其附属设施的排水许可变更与延续）"


def test_a_long_item_name_does_not_widen_the_queue_on_a_phone(
    complete_draft, admin_user, clerk, phone, live_server
):
    version = complete_draft(basic_code="640221-XK-099", name=LONG)
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    sign_in_page(phone, clerk, live_server.url)
    phone.goto(live_server.url + "/workbench/")
    assert phone.locator("#id_item option", has_text=LONG[:20]).count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    box = phone.locator("#id_item").bounding_box()
    assert box and box["x"] + box["width"] <= 390, box
