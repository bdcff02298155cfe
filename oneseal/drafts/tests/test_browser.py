"""In Chromium: an applicant on a phone picks a file on the application's form, which is
saved as a draft at once (autosave.js); on another device the draft is in 我的办件, resumed
with its file, completed and submitted."""

import pytest

from oneseal.cases.models import Case
from oneseal.drafts.models import Draft
from oneseal.testing import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    sign_in_page(phone, applicant_user, live_server.url)
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

    sign_in_page(page, applicant_user, live_server.url)
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


def test_a_file_over_the_limit_is_refused_before_sending_and_the_submit_button_shows_it_works(
    handling_item, own_applicant, applicant_user, form, rules_doc, page, live_server, tmp_path
):
    sign_in_page(page, applicant_user, live_server.url)
    page.goto(f"/apply/{handling_item.pk}/")
    sent = []
    page.on("request", lambda r: r.method == "POST" and sent.append(r.url))
    field = page.locator(f"#material-{form.pk}")
    # The limit and kinds come from the page (the server's settings), not from the script.
    assert field.get_attribute("data-max-bytes") == str(20 * 1024 * 1024)
    # 21 MB on disk (sparse), handed to the browser by its path rather than over the wire.
    big = tmp_path / "扫描件.pdf"
    with big.open("wb") as f:
        f.write(b"%PDF-1.7")
        f.truncate(21 * 1024 * 1024)
    page.set_input_files(f"#material-{form.pk}", big)
    alert = page.locator(f"#material-{form.pk}-client-error")
    assert alert.inner_text() == f"“{form.name}”：文件过大，上限为20 MB"
    assert field.evaluate("el => el.files.length") == 0 and sent == []
    page.set_input_files(
        f"#material-{form.pk}",
        {"name": "扫描件.exe", "mimeType": "application/pdf", "buffer": b"MZ"},
    )
    assert "只接受PDF、JPG、PNG文件" in alert.inner_text() and sent == []
    # A file within the limits is sent (autosave) and the refusal goes.
    page.set_input_files(f"#material-{form.pk}", pdf("申请书.pdf"))
    page.locator("#autosave-status").filter(has_text="草稿已保存").wait_for()
    assert alert.count() == 0
    # Once pressed, the button says 提交中… and is disabled, and a second submission of the
    # form while the first is on its way sends nothing (kept in sessionStorage, which outlives
    # the navigation to the answer).
    page.evaluate(
        """() => document.addEventListener("submit", (e) => setTimeout(() => {
            if (sessionStorage.getItem("label")) { return; }
            const button = e.target.querySelector("#draft-submit, #apply-submit");
            sessionStorage.setItem("label", button.textContent.trim());
            sessionStorage.setItem("disabled", String(button.disabled));
            e.target.requestSubmit();
        }, 0))"""
    )
    submits = []
    page.on("request", lambda r: r.method == "POST" and "/submit/" in r.url and submits.append(1))
    with page.expect_navigation():
        page.get_by_role("button", name="提交申请").click()
    assert page.evaluate("() => sessionStorage.getItem('label')") == "提交中…"
    assert page.evaluate("() => sessionStorage.getItem('disabled')") == "true"
    assert len(submits) == 1
    assert "申请已提交" in page.content() and Case.objects.count() == 1
