"""The workbench's project register page: the region's projects and the clerk's form."""

from django.test import Client

from oneseal.projects.models import Project

FORM = {
    "code": "2023-640221-47-03-000301",
    "name": "平罗县农机维修车间",
    "owner": "91350100M000100Y43",
    "kind": "small_low_risk",
    "location": "平罗县姚伏镇",
    "floor_area": "980",
    "investment": "150",
}


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_clerk_sees_the_countys_projects_and_registers_one(project, clerk, owner):
    c = client(clerk)
    page = c.get("/projects/").content.decode()
    assert "平罗县物流仓储中心" in page and "2020-640221-47-01-012345" in page
    assert 'name="code"' in page and 'name="viewport"' in page
    r = c.post("/projects/", FORM, follow=True)
    assert "已登记项目：平罗县农机维修车间（2023-640221-47-03-000301）" in r.content.decode()
    assert Project.objects.count() == 2


def test_a_refusal_is_shown_on_its_field_and_nothing_is_stored(clerk, owner, bureau):
    r = client(clerk).post("/projects/", {**FORM, "code": "2023-640221-47-03-000000"})
    assert r.status_code == 200
    assert "流水号不能为000000" in r.context["form"].errors["code"][0]
    r = client(clerk).post("/projects/", {**FORM, "owner": "91640221MA76L0XM1A"})
    assert "尚未登记" in r.context["form"].errors["owner"][0]
    assert not Project.objects.exists()


def test_other_staff_and_applicants_see_nothing_here(
    project, far_staff, reviewer, other_applicant_user, owner_user
):
    assert "平罗县物流仓储中心" not in client(far_staff).get("/projects/").content.decode()
    page = client(reviewer).get("/projects/").content.decode()
    assert "平罗县物流仓储中心" in page and 'name="code"' not in page
    assert client(reviewer).post("/projects/", FORM).status_code == 404
    for user in (other_applicant_user, owner_user):
        assert client(user).get("/projects/").status_code == 404
    assert Project.objects.count() == 1


def test_the_register_is_in_the_staffs_navigation_only(clerk, applicant_user, own_applicant):
    assert 'href="/projects/"' in client(clerk).get("/").content.decode()
    assert 'href="/projects/"' not in client(applicant_user).get("/").content.decode()
