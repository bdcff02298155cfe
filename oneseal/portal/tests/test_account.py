"""Sign up and sign in of applicants."""

from django.contrib.auth import get_user_model
from django.test import Client

from oneseal.applicants.models import Applicant

from .conftest import COMPANY_NUMBER, PASSWORD, PERSON_NUMBER, client_for

SIGN_UP = "/account/signup/"


def form(**changes):
    data = {
        "kind": "person",
        "name": "张珊",
        "number": PERSON_NUMBER,
        "phone": "13995210418",
        "email": "",
        "representative": "",
        "username": "zhangshan",
        "password": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(changes)
    return data


def test_a_person_signs_up_with_a_valid_id_number_and_is_signed_in(db):
    client = Client()
    r = client.post(SIGN_UP, form(number=PERSON_NUMBER.lower()))
    assert r.status_code == 302 and r["Location"] == "/my/cases/"
    user = get_user_model().objects.get(username="zhangshan")
    applicant = Applicant.objects.get(user=user)
    assert (
        applicant.kind == "person"
        and applicant.id_number == PERSON_NUMBER
        and applicant.name == "张珊"
    )
    assert client.get("/my/cases/").status_code == 200
    # Signed in by the backend every request reads its user through (one statement).
    assert client.session["_auth_user_backend"] == "oneseal.organisation.backends.StaffBackend"


def test_an_organisation_cannot_sign_up_and_is_told_to_come_to_a_window(db):
    r = Client().post(
        SIGN_UP,
        form(
            kind="organisation",
            name="平罗县沙湖人家餐饮有限公司",
            number=COMPANY_NUMBER,
            representative="马玉兰",
            username="shahu",
        ),
    )
    assert r.status_code == 400 and "窗口登记授权" in r.content.decode()
    assert not Applicant.objects.exists() and not get_user_model().objects.exists()
    page = Client().get(SIGN_UP).content.decode()
    assert (
        'name="kind" value="person"' in page
        and "统一社会信用代码" not in page
        and 'id="organisation-note"' in page
    )


def test_every_bad_field_is_named_and_nothing_is_stored(db):
    r = Client().post(
        SIGN_UP,
        form(
            name="",
            number="640221199605180424",
            username="x",
            password="12345678",
            password2="12345678",
            phone="123",
        ),
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "校验位错误" in body and "请填写姓名或名称" in body
    assert "用户名应为3至30个字符" in body and "有效的手机号码" in body
    assert 'id="password-error"' in body and 'id="number-error"' in body
    assert get_user_model().objects.count() == 0 and Applicant.objects.count() == 0


def test_the_two_passwords_must_match_and_a_password_may_not_contain_the_number(db):
    body = Client().post(SIGN_UP, form(password2="Other-2025!")).content.decode()
    assert "两次输入的密码不一致" in body
    body = (
        Client()
        .post(
            SIGN_UP,
            form(
                password="abc" + PERSON_NUMBER[-6:] + "xyz",
                password2="abc" + PERSON_NUMBER[-6:] + "xyz",
            ),
        )
        .content.decode()
    )
    assert "密码不能包含证件号码" in body
    assert get_user_model().objects.count() == 0


def test_someone_elses_number_cannot_be_claimed_and_the_answer_names_nobody(
    window_applicant, person
):
    # Registered at the window (no account), and registered by another account: same answer.
    for number, name in (("11010519491231002X", "马𠮷祥"), (PERSON_NUMBER, "冒名者")):
        r = Client().post(SIGN_UP, form(number=number, name=name, username="thief"))
        body = r.content.decode()
        assert r.status_code == 400 and "该证件号码已登记" in body
        assert "马𠮷祥" not in body.replace('value="马𠮷祥"', "") and "张珊" not in body
    assert not get_user_model().objects.filter(username="thief").exists()
    assert Applicant.objects.get(id_number=PERSON_NUMBER).user == person


def test_the_number_is_checked_as_typed_without_saying_whether_it_is_registered(person):
    client = Client()
    bad = client.get(
        "/account/check-number/", {"kind": "person", "number": PERSON_NUMBER[:-1] + "0"}
    )
    assert "校验位错误" in bad.content.decode()
    fine = client.get(
        "/account/check-number/", {"kind": "person", "number": PERSON_NUMBER}
    ).content.decode()
    unused = client.get(
        "/account/check-number/", {"kind": "person", "number": "640221199002150049"}
    ).content.decode()
    assert "号码格式正确" in fine and fine == unused
    organisation = client.get(
        "/account/check-number/", {"kind": "organisation", "number": "91350100M000100Y4"}
    )
    assert "应为18位" in organisation.content.decode()


def test_an_applicant_signs_in_on_the_applicants_page(person):
    client = Client()
    page = client.get("/account/signin/")
    assert page.status_code == 200 and 'for="id_username"' in page.content.decode()
    r = client.post("/account/signin/", {"username": "zhangshan", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/my/cases/"
    wrong = Client().post("/account/signin/", {"username": "zhangshan", "password": "nope"})
    assert wrong.status_code == 200 and "errorlist" in wrong.content.decode()


def test_an_applicant_cannot_reach_staff_pages(person):
    client = client_for(person)
    assert client.get("/manage/catalogue/").status_code == 403
    admin = client.get("/admin/")
    assert admin.status_code == 302 and "/admin/login/" in admin["Location"]


def test_the_navigation_offers_my_cases_and_tracking(person):
    anonymous = Client().get("/").content.decode()
    assert 'href="/track/"' in anonymous and 'href="/account/signin/"' in anonymous
    signed_in = client_for(person).get("/").content.decode()
    assert 'href="/my/cases/"' in signed_in and 'href="/account/signin/"' not in signed_in
