"""In Chromium: an applicant on a phone picks a file on the application's form, which is
saved as a draft at once (autosave.js); on another device the draft is in 我的办件, resumed
with its file, completed and submitted."""

import pytest
from django.test import Client

from oneseal.cases.models import Case
from oneseal.drafts.models import Draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, base_url):
    c = Client()
    c.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": c.cookies["sessionid"].value, "url": base_url}]
    )


def pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.7 browser"}


def test_autosave_on_a_phone_and_resume_on_another_device(
    handling_item,
    own_applicant,
    applicant_user,
    form,
    rules_doc,
    phone,
    page,
    live_server,
    screenshot,
):
    sign_in(phone, applicant_user, live_server.url)
    phone.goto(f"/apply/{handling_item.pk}/")
    phone.set_input_files(f"#material-{form.pk}", pdf("申请书.pdf"))
    phone.locator("#autosave-status").filter(has_text="草稿已保存").wait_for()
    draft = Draft.objects.get()
    assert phone.url.endswith(f"/my/drafts/{draft.pk}/")  # the address now resumes the draft
    assert (
        phone.locator(f"[data-saved-for='material-{form.pk}']").inner_text().endswith("申请书.pdf")
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "drafts-autosave-phone")

    sign_in(page, applicant_user, live_server.url)
    page.goto("/my/cases/")
    with page.expect_navigation():
        page.locator("#my-drafts a").first.click()
    assert "申请书.pdf" in page.locator(f"#material-{form.pk}-box").inner_text()
    page.set_input_files(f"#material-{rules_doc.pk}", pdf("制度.pdf"))
    page.locator("#autosave-status").filter(has_text="草稿已保存").wait_for()
    assert draft.uploads.count() == 2
    with page.expect_navigation():
        page.get_by_role("button", name="提交申请").click()
    assert "申请已提交" in page.content()
    case = Case.objects.get()
    assert page.url.endswith(f"/my/cases/{case.pk}/")
    assert case.materials.get(material=rules_doc).uploads.get().original_name == "制度.pdf"
    assert not Draft.objects.exists()
