"""No English on a Chinese page: the main pages of each kind of user, rendered in zh-hans,
read as a person sees them (text and the attributes a screen reader speaks), must not show
English words, raw codes or the login name; the API's own errors must be Chinese too.

A word counts as a leftover when it is ASCII letters and is not on the short list of names
and formats a Chinese page legitimately shows (xlsx, PDF, the language switch "English" …).
A new page that needs another such word adds it to ALLOWED with the reason."""

import html
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from oneseal.api.errors import not_found_message
from oneseal.cases import actions
from oneseal.esupervision import jobs
from oneseal.organisation.models import Role
from oneseal.testing import accepted_case, day

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

# Shown on Chinese pages on purpose: the product's name in the title and footer, the language
# switch, file formats and standards people know by these letters.
ALLOWED = {
    "oneseal",
    "english",
    "xlsx",
    "excel",
    "csv",
    "pdf",
    "ofd",
    "api",
    "echarts",
    "ukey",
    "app",
}
# Leftovers seen before, asserted by name so a regression says exactly what came back.
KNOWN_LEFTOVERS = [
    "basic_code",
    "support_request",
    "decision",
    "No Case matches",
    "matches the given query",
    "Django",
    "Authentication and Authorization",
]

# Attributes a person reads or hears; the rest (class, href, name, value of hidden inputs …)
# never reaches them.
SPOKEN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
SKIPPED_TAGS = {"script", "style", "code", "template"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value:
                self.parts.append(value)
        # A button or submit input shows its value.
        kinds = dict(attrs)
        if tag == "input" and kinds.get("type") in ("submit", "button") and kinds.get("value"):
            self.parts.append(kinds["value"])

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(content: str) -> str:
    parser = VisibleText()
    parser.feed(content)
    return html.unescape(" ".join(parser.parts))


WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")


def leftovers(text: str) -> list[str]:
    return sorted({w for w in WORD.findall(text) if w.lower() not in ALLOWED})


def assert_chinese(response, *, login: str = ""):
    assert response.status_code == 200, (response.status_code, response.content[:300])
    text = visible_text(response.content.decode())
    words = leftovers(text)
    assert not words, f"English on a Chinese page {response.request['PATH_INFO']}: {words}"
    for known in KNOWN_LEFTOVERS:
        assert known not in text
    if login:
        assert login not in text, "the navigation shows the login instead of the person's name"
    return text


def test_the_scanner_catches_what_it_is_for():
    page = (
        '<p title="No Case matches the given query.">第3行 basic_code：未填写</p>'
        "<script>var decision = 1;</script><td>support_request</td>"
    )
    assert leftovers(visible_text(page)) == sorted(
        ["Case", "basic_code", "given", "matches", "query", "support_request", "the"]
    )
    assert leftovers(visible_text("<footer>oneseal · 下载 xlsx</footer>")) == []


@pytest.fixture
def overseer(make_staff, county):
    return make_staff("overseer", county, Role.OVERSEER, display_name="刘督查")


@pytest.fixture
def worked_case(item, applicant, clerk, reviewer, second_reviewer, signatory):
    case = accepted_case(item, applicant, clerk, "2025-03-03")
    for who in (reviewer, second_reviewer):
        actions.complete_review_step(
            case, actor=who, opinion="同意", outcome="approve", on=day("2025-03-04")
        )
    actions.grant(
        case,
        actor=signatory,
        on=day("2025-03-08"),  # a Saturday: an irregular-action hit with a date in its sentence
        scope="预包装食品销售",
        valid_from=day("2025-03-08"),
        valid_until=None,
    )
    jobs.rollup(day("2025-03-31"))
    case.refresh_from_db()
    return case


def test_the_citizens_pages_are_chinese_and_name_the_applicant(
    client, item, applicant_user, own_applicant, county
):
    assert_chinese(client.get(reverse("portal:home"), **ZH))
    assert_chinese(client.get(reverse("portal:catalogue", args=[county.code]), **ZH))
    guide = assert_chinese(client.get(reverse("portal:guide", args=[item.pk]), **ZH))
    assert "需登录网上办事账号" in guide or "网上申请" not in guide
    client.force_login(applicant_user)
    guide = assert_chinese(
        client.get(reverse("portal:guide", args=[item.pk]), **ZH), login="public"
    )
    assert "马𠮷祥" in guide  # the account's own person, in the navigation
    assert "需登录网上办事账号" not in guide  # already signed in
    assert_chinese(client.get(reverse("portal:my_cases"), **ZH), login="public")
    assert_chinese(client.get(reverse("portal:track"), **ZH), login="public")
    assert_chinese(client.get(reverse("portal:account"), **ZH), login="public")
    assert_chinese(client.get(reverse("portal:my_licences"), **ZH), login="public")


def test_the_staff_pages_are_chinese_and_name_the_staff_member(
    client, clerk, signatory, worked_case
):
    client.force_login(clerk)
    home = assert_chinese(client.get(reverse("workbench:home"), **ZH), login="clerk")
    assert "王窗口" in home
    assert_chinese(client.get(reverse("workbench:case", args=[worked_case.pk]), **ZH))
    assert_chinese(client.get(reverse("workbench:licences"), **ZH))
    assert_chinese(client.get(reverse("workbench:notices"), **ZH))
    client.force_login(signatory)
    assert_chinese(client.get(reverse("workbench:sign"), **ZH), login="chief")


def test_the_oversight_pages_are_chinese_with_dates_in_words(client, overseer, worked_case):
    client.force_login(overseer)
    assert_chinese(client.get(reverse("esupervision:dashboard"), **ZH), login="overseer")
    hits = assert_chinese(client.get(reverse("esupervision:hits"), **ZH))
    assert "2025年3月8日（非工作日）作出准予许可" in hits and "2025-03-08" not in hits
    assert_chinese(
        client.get(
            reverse("esupervision:statistics"),
            {"by": "section", "from": "2025-03-01", "to": "2025-03-31"},
            **ZH,
        )
    )
    assert_chinese(client.get(reverse("esupervision:leader"), **ZH))
    assert_chinese(
        client.get(
            reverse("esupervision:cases"),
            {"measure": "decided", "from": "2025-03-01", "to": "2025-03-31"},
            **ZH,
        )
    )


def test_the_admin_and_the_dead_letters_are_chinese(client, root):
    client.force_login(root)
    index = assert_chinese(client.get(reverse("admin:index"), **ZH), login="root")
    assert "超级管理员" in index and "登录失败锁定" in index
    assert_chinese(client.get(reverse("admin:axes_accessattempt_changelist"), **ZH))
    assert_chinese(client.get(reverse("linkage:dead-letters"), **ZH))


def test_the_apis_errors_are_chinese_when_asked_and_english_when_asked(client, clerk):
    client.force_login(clerk)
    missing = client.get("/api/v1/cases/999999", **ZH)
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "not_found",
        "message": "未找到该办件",
        "fields": {},
        "reasons": [],
    }
    # The API's paths carry no language prefix, so its answers are in the site's language;
    # the message itself follows the active language like every other.
    with translation.override("en"):
        english = not_found_message(Http404("No Case matches the given query."))
        assert english.endswith(" not found") and english.isascii()
    assert not_found_message(Http404("No Nothing matches the given query.")) == "未找到所请求的内容"
    assert not_found_message(Http404("该地区还没有本级事项目录")) == "该地区还没有本级事项目录"
    client.logout()
    refused = client.get("/api/v1/cases/999999", **ZH).json()
    assert not leftovers(refused["message"])


def test_a_user_without_a_name_falls_back_to_the_login(client):
    user = get_user_model().objects.create_user(username="nobody", password="pw")
    client.force_login(user)
    page = client.get(reverse("portal:home"), **ZH).content.decode()
    assert '<span class="who">nobody</span>' in page
