"""In Chromium: a form that sends files shows how far the upload has gone (site.js sends it by
XMLHttpRequest: a <progress> bar and the percentage as text) and then lands exactly where a
plain post lands — the form sent back with its errors, or the next page with its one-time
message — as the same form posted with JavaScript off shows. On the window's one-screen intake
and on the portal's online application."""

import re

import pytest
from django.test import Client

from oneseal.cases.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD_NUMBER = "640221199605180423"
BAD_NUMBER = "640221199605180424"  # a wrong check digit
# What the page shows of the upload, kept in sessionStorage, which outlives the navigation to
# the answer: each change of the bar's value and of its text.
RECORD_PROGRESS = """(() => {
  const note = () => {
    const bar = document.querySelector("progress[data-upload-progress]");
    if (!bar) { return; }
    const text = document.querySelector("[data-upload-percent]");
    const seen = JSON.parse(sessionStorage.getItem("progress") || "[]");
    const entry = bar.value + "|" + (text ? text.textContent.trim() : "");
    if (seen[seen.length - 1] !== entry) {
      seen.push(entry);
      sessionStorage.setItem("progress", JSON.stringify(seen));
    }
  };
  new MutationObserver(note).observe(document, {
    subtree: true, childList: true, attributes: true, characterData: true,
  });
})();"""


def scan(name: str, size: int = 3 * 1024 * 1024) -> dict:
    """A PDF of `size` bytes: large enough for the upload to take a few progress events."""
    body = b"%PDF-1.7\n" + bytes(range(256)) * (size // 256)
    return {"name": name, "mimeType": "application/pdf", "buffer": body}


def signed_in(context, user, base_url):
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return context.new_page()


@pytest.fixture
def no_js(browser, live_server):
    context = browser.new_context(
        locale="zh-CN",
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": 1366, "height": 768},
    )
    yield context
    context.close()


def progress_seen(page) -> list[str]:
    return page.evaluate("() => JSON.parse(sessionStorage.getItem('progress') || '[]')")


def reached_100(seen: list[str]) -> bool:
    return bool(seen) and seen[-1] == "100|已上传 100%" and seen[0].startswith("0|")


def messages(page) -> str:
    return " ".join(page.locator("ul.messages li").all_inner_texts())


def test_the_window_intake_shows_the_upload_and_lands_as_a_plain_post(
    handling_item, clerk, page, no_js, live_server
):
    ids = {m.name: m.pk for m in handling_item.materials.all()}
    form_pk, rules_pk = ids["食品经营许可申请书"], ids["食品安全管理制度"]
    url = (
        f"/workbench/intake/?kind=person&number={BAD_NUMBER}&name=马丽&phone=13909520001"
        f"&handling_item={handling_item.pk}&status-{form_pk}=provided&status-{rules_pk}=provided"
    )
    page.context.add_init_script(RECORD_PROGRESS)
    bare = signed_in(no_js, clerk, live_server.url)
    page = signed_in(page.context, clerk, live_server.url)
    after = {}
    for name, tab in [("js", page), ("bare", bare)]:
        tab.goto(url)
        tab.set_input_files(f"#file-{form_pk}", scan("申请书.pdf"))
        if name == "js":
            tab.locator("#decide-accept").click()
            tab.locator(f"#held-{form_pk}").wait_for()  # the answer replaced the page
        else:
            with tab.expect_navigation():
                tab.locator("#decide-accept").click()
        # What only a page without JavaScript shows (the item search's own button) aside.
        tab.evaluate("document.querySelectorAll('noscript').forEach(n => n.remove())")
        after[name] = {
            "title": tab.title(),
            "number": tab.locator("#number-check").inner_text(),
            "held": tab.locator(f"#held-{form_pk}").inner_text(),
            "path": tab.evaluate("location.pathname"),
            "main": tab.locator("main").inner_text(),
        }
    assert after["js"] == after["bare"]
    assert "校验码" in after["js"]["number"] or "号码" in after["js"]["number"]
    assert after["js"]["held"] == "已上传：申请书.pdf（可替换）"
    assert reached_100(progress_seen(page)), progress_seen(page)
    assert not Case.objects.exists()

    # The replaced page works as a loaded one: the number is checked as typed (htmx), and the
    # form, with the kept scan and one more, is sent with its progress to the case's page.
    page.evaluate("sessionStorage.removeItem('progress')")
    page.fill("#id_number", GOOD_NUMBER)
    page.locator("#number-check-result[data-valid=true]").wait_for()
    bare.fill("#id_number", GOOD_NUMBER)
    landed = {}
    for name, tab in [("js", page), ("bare", bare)]:
        tab.set_input_files(f"#file-{rules_pk}", scan("制度.pdf", 1024 * 1024))
        with tab.expect_navigation(url=re.compile(r"/workbench/cases/\d+/")):
            tab.locator("#decide-accept").click()
        case = Case.objects.order_by("-pk").first()
        for pk in (form_pk, rules_pk):  # the kept scan and the new one
            assert case.materials.get(material_id=pk).uploads.count() == 1
        landed[name] = (
            messages(tab).replace(case.number, "N"),
            re.sub(r"\d+", "N", tab.evaluate("location.pathname")),
            tab.locator("#case-state").inner_text(),
        )
    assert landed["js"] == landed["bare"]
    assert landed["js"][0].startswith("已收件并受理，办件编号N") and landed["js"][2] == "已受理"
    assert reached_100(progress_seen(page)), progress_seen(page)


def test_an_online_application_shows_the_upload_and_lands_as_a_plain_post(
    handling_item, own_applicant, applicant_user, page, no_js, live_server
):
    form_pk = handling_item.materials.get(name="食品经营许可申请书").pk
    page.context.add_init_script(RECORD_PROGRESS)
    # The draft's autosave is away (offline): the file is still in the form when it is sent.
    page.context.route(re.compile(r"/my/drafts/"), lambda route: route.abort())
    bare = signed_in(no_js, applicant_user, live_server.url)
    page = signed_in(page.context, applicant_user, live_server.url)
    landed = {}
    for name, tab in [("js", page), ("bare", bare)]:
        tab.goto(f"/apply/{handling_item.pk}/")
        tab.set_input_files(f"#material-{form_pk}", scan("申请书.pdf"))
        if name == "js":
            tab.locator("#autosave-status").filter(has_text="暂时无法保存草稿").wait_for()
        with tab.expect_navigation(url=re.compile(r"/my/cases/\d+/")):
            tab.locator("#apply-submit").click()
        case = Case.objects.order_by("-pk").first()
        assert case.materials.get(material_id=form_pk).uploads.get().original_name == "申请书.pdf"
        shown = re.sub(r"查询码 \d{6}", "查询码 Q", messages(tab).replace(case.number, "N"))
        landed[name] = (shown, re.sub(r"\d+", "N", tab.evaluate("location.pathname")))
    assert landed["js"] == landed["bare"]
    assert landed["js"][0].startswith("申请已提交。办件编号 N，查询码 Q")
    assert reached_100(progress_seen(page)), progress_seen(page)
    assert Case.objects.count() == 2
