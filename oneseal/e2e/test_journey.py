"""The whole journey of one application in a real browser, by clicks and typing: an applicant
signs up on a phone, finds the guide, applies online with uploads; the clerk at the window asks
once for a correction; the applicant replies online; the clerk accepts and prints the
acceptance notice; two reviewers complete their steps; the signatory grants; the clerk
delivers the licence; the applicant downloads it (a signed PDF the documents app verifies),
checks it on the verification page and rates the case. Only the starting data (catalogue,
seal, staff) are built in Python; the database is read, never written, after that.

Screenshots of the main pages go to var/screenshots/journey-*.png."""

import re
from concurrent.futures import ThreadPoolExecutor

from oneseal.cases.models import Case, State
from oneseal.documents.models import Document, DocumentKind
from oneseal.documents.queries import check_file
from oneseal.documents.tests.conftest import pdf_text
from oneseal.ratings.models import Rating

from .conftest import PASSWORD, PERSON_NUMBER, PNG, Captured, office, sign_in_staff, upload

PHONE_WIDTH = 390


def too_wide_for_the_phone(phone) -> list[str]:
    """The elements reaching past the phone's width; empty when the page fits.

    Named rather than a bare False, so a failure on another machine's fonts says what to fix."""
    return phone.evaluate(
        """(limit) => document.documentElement.scrollWidth <= limit ? [] :
        [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > limit)
          .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                    (e.className && typeof e.className === 'string' ? '.' + e.className : '') +
                    ' ' + Math.round(e.getBoundingClientRect().right))
          .slice(0, 12)""",
        PHONE_WIDTH,
    )


def assert_genuine_pdf(data: bytes, kind: str, case: Case) -> Document:
    assert data.startswith(b"%PDF-")
    # pyHanko validates with asyncio.run(), which cannot start inside the event loop that
    # Playwright's sync API keeps in this thread.
    with ThreadPoolExecutor(1) as pool:
        check = pool.submit(check_file, data).result()
    assert check.signature.ok, check.signature.summary
    assert check.matches_record and check.genuine
    assert check.document.kind == kind and check.document.case_id == case.pk
    return check.document


def test_an_application_goes_from_the_phone_to_the_licence_and_its_rating(
    online_item,
    seal,
    clerk,
    reviewer,
    second_reviewer,
    signatory,
    browser,
    live_server,
    phone,
    page,
    screenshot,
):
    # --- the applicant at home finds the guide, answers its questions and signs up -----------
    phone.goto("/")
    assert phone.locator("html").get_attribute("lang") == "zh-Hans"
    screenshot(phone, "journey-01-portal-home-phone")
    box = phone.get_by_role("searchbox").first
    box.fill("开饭店")
    box.press("Enter")
    phone.get_by_role("link", name="食品经营许可（新办）").first.click()
    phone.get_by_role("heading", name="按您的情况查看所需材料").wait_for()
    phone.get_by_label("个人（自然人）").check()
    phone.get_by_role("button", name="查看我需要的材料").click()
    phone.get_by_text("按您的情况，需要准备以下 2 项材料。").wait_for()
    summary = phone.locator("#guide-summary").inner_text()
    assert "5 个工作日" in summary and "不收费" in summary and "0次" in summary
    assert not too_wide_for_the_phone(phone)
    screenshot(phone, "journey-02-guide-phone")

    phone.get_by_role("link", name="网上申请").click()
    phone.wait_for_url(re.compile(r"/account/signin/\?next="))  # applying needs an account
    phone.get_by_role("link", name="注册网上办事账号").click()
    phone.get_by_label("姓名", exact=True).fill("张珊")
    number = phone.get_by_label("居民身份证号码", exact=True)
    number.type(PERSON_NUMBER[:-1] + "5")  # a wrong check digit, then the right one
    phone.locator("#number-check .errorlist").wait_for()
    number.fill(PERSON_NUMBER)
    number.dispatch_event("input")
    phone.get_by_text("号码格式正确").wait_for()  # checked as typed
    phone.get_by_label("联系电话").fill("13995210418")
    phone.get_by_label("用户名").fill("zhangshan")
    phone.get_by_label("密码", exact=True).fill(PASSWORD)
    phone.get_by_label("再次输入密码").fill(PASSWORD)
    phone.get_by_role("button", name="注册").click()

    # --- and applies online with her files ----------------------------------------------------
    phone.get_by_role(
        "heading", name="网上申请：食品经营许可（新办）"
    ).wait_for()  # back where she was going
    assert "注册成功" in phone.content()
    phone.get_by_label("上传“食品经营许可申请书”").set_input_files(upload("申请书.pdf"))
    phone.get_by_label("上传“食品安全管理制度”").set_input_files(upload("管理制度.png", PNG))
    assert not too_wide_for_the_phone(phone)
    screenshot(phone, "journey-03-apply-phone")
    phone.get_by_role("button", name="提交申请").click()
    phone.get_by_text("申请已提交").wait_for()
    case_number = phone.locator("#case-number").inner_text().strip()
    query_code = phone.locator("#case-query-code").inner_text().strip()
    case = Case.objects.get(number=case_number)
    assert case.state == State.RECEIVED and case.query_code == query_code
    assert phone.locator("#case-state").inner_text() == "已收件"
    my_case_url = phone.url

    # --- the clerk at the window asks once for a correction ---------------------------------
    sign_in_staff(page, clerk)
    row = page.locator(f"tr[data-case='{case_number}']")
    assert "张珊" in row.inner_text()
    screenshot(page, "journey-04-workbench-home")
    row.get_by_role("link", name=case_number).click()
    page.locator("#go-intake").click()
    page.get_by_label("食品经营许可申请书的核验结果").select_option(label="需补正")
    page.get_by_label("食品经营许可申请书的说明或需补正内容").fill("申请书未签字，请签字后重新上传")
    page.get_by_label("食品安全管理制度的核验结果").select_option(label="已提交")
    screenshot(page, "journey-05-intake")
    page.get_by_role("button", name="一次性告知补正").click()
    page.locator("#print-correction").wait_for()  # the notice, ready to print at once
    assert page.locator("#case-state").inner_text() == "待补正"

    # --- the applicant sees the one notice and replies online --------------------------------
    phone.goto(my_case_url)
    notice = phone.locator("#correction-notice")
    assert "申请书未签字，请签字后重新上传" in notice.inner_text()
    assert "食品安全管理制度" not in notice.locator("ol").inner_text()  # only what needs correcting
    assert not too_wide_for_the_phone(phone)
    screenshot(phone, "journey-06-my-case-correction-phone")
    notice.get_by_label("上传“食品经营许可申请书”的补正文件").set_input_files(
        upload("申请书（已签字）.pdf")
    )
    notice.get_by_role("button", name="上传", exact=True).click()
    phone.get_by_text("已上传补正文件：申请书（已签字）.pdf").wait_for()
    phone.get_by_role("button", name="提交补正").click()
    phone.get_by_text("补正材料已提交，审批局将重新审查。").wait_for()
    assert phone.locator("#case-state").inner_text() == "已收件"

    # --- the clerk accepts and prints the acceptance notice ----------------------------------
    office_pdfs = Captured(page.context)
    page.reload()
    page.locator("#go-intake").click()
    assert "申请书（已签字）.pdf" in page.locator("#checklist-form").inner_text()
    page.get_by_label("食品经营许可申请书的核验结果").select_option(label="已提交")
    page.get_by_label("食品经营许可申请书的说明或需补正内容").fill("")
    page.get_by_label("食品安全管理制度的核验结果").select_option(label="已提交")
    page.get_by_role("button", name="受理", exact=True).click()
    page.locator("#print-acceptance").wait_for()
    assert page.locator("#case-state").inner_text() == "已受理"
    with page.context.expect_page() as printed:
        page.locator("#print-acceptance").click()
    printed.value.wait_for_load_state()
    assert_genuine_pdf(office_pdfs.last(), DocumentKind.ACCEPTANCE, case)
    notice_text = pdf_text(office_pdfs.last())
    assert (
        case_number in notice_text and query_code in notice_text
    )  # what the tracking page asks for
    printed.value.close()
    screenshot(page, "journey-07-case-accepted")

    # --- the reviewers complete their steps --------------------------------------------------
    for who, opinion in [(reviewer, "材料齐全，符合法定条件"), (second_reviewer, "同意初审意见")]:
        desk = office(browser, live_server)
        sign_in_staff(desk, who)
        desk.locator(f"tr[data-case='{case_number}']").get_by_role("link", name=case_number).click()
        desk.get_by_label("审查意见").fill(opinion)
        desk.locator("#complete-review-step-submit").click()
        desk.get_by_text("已办理：").wait_for()
        assert opinion in desk.locator("#steps").inner_text()
        desk.context.close()

    # --- the signatory grants from the queue -------------------------------------------------
    desk = office(browser, live_server)
    sign_in_staff(desk, signatory)
    with desk.expect_navigation():  # the screenshot must show the queue, not the home page
        desk.locator("#nav-sign").click()
    row = desk.locator(f"#list-decide tr[data-case='{case_number}']")
    screenshot(desk, "journey-08-signatory-queue")
    row.get_by_role("link", name="作出决定").click()
    desk.get_by_label("许可范围").fill("热食类食品制售")
    desk.locator("#grant-submit").click()
    desk.locator("#print-licence").wait_for()  # the decision and the licence, signed for printing
    assert desk.locator("#case-state").inner_text() == "准予许可"
    desk.context.close()

    # --- the clerk delivers the licence electronically ---------------------------------------
    page.reload()
    assert "行政许可证件" in page.locator("#document-list").inner_text()
    page.get_by_label("电子证照", exact=True).check()
    page.locator("#deliver-submit").click()
    page.get_by_text("已办理：").wait_for()
    assert page.locator("#case-state").inner_text() == "已送达"
    screenshot(page, "journey-09-case-delivered")

    # --- the applicant downloads the licence and verifies it --------------------------------
    phone_pdfs = Captured(phone.context)
    phone.goto(my_case_url)
    assert phone.locator("#case-state").inner_text() == "已送达"
    phone.get_by_role("link", name="下载行政许可证件").click()
    phone.wait_for_url("**/documents/*/file/")
    licence = assert_genuine_pdf(phone_pdfs.last(), DocumentKind.LICENCE, case)
    phone.goto(my_case_url)
    phone.locator("#case-documents li", has_text=licence.number).get_by_role(
        "link", name="核验"
    ).click()
    phone.get_by_text("真实有效").wait_for()
    verified = phone.locator("main").inner_text()
    assert licence.number in verified and "平罗县审批服务管理局" in verified
    assert PERSON_NUMBER not in verified  # the page shows what the document shows, no more
    assert not too_wide_for_the_phone(phone)
    screenshot(phone, "journey-10-verify-phone")

    # --- and rates the case ------------------------------------------------------------------
    phone.goto(my_case_url)
    phone.get_by_role("link", name="评价办件").click()
    phone.get_by_text("5 非常满意").click()
    phone.get_by_label("网上办理方便").check()
    phone.get_by_label("意见建议（选填）").fill("全程网上办，没有跑腿")
    assert not too_wide_for_the_phone(phone)
    screenshot(phone, "journey-11-rating-phone")
    phone.get_by_role("button", name="提交评价").click()
    phone.get_by_text("感谢您的评价。").wait_for()
    rating = Rating.objects.get(case=case)
    assert rating.score == 5 and rating.reasons == ["online_easy"]
