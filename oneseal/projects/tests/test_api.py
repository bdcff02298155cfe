"""The projects API: registration (201 or a 400 naming the field), the scoped list and
detail, the published stage templates, and the schema documenting them."""

from rest_framework.test import APIClient

from oneseal.projects import actions
from oneseal.projects.models import Project, Stage

BODY = {
    "code": "2022-640221-47-02-000088",
    "name": "平罗县冷链仓库",
    "owner_credit_code": "91350100M000100Y43",
    "kind": "enterprise",
    "location": "平罗县太沙工业园区",
    "floor_area": "5400.00",
    "investment": "2100.00",
}


def api(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def test_a_clerk_registers_through_the_api(owner, clerk, bureau):
    r = api(clerk).post("/api/v1/projects", BODY, format="json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert (data["code"], data["region"], data["owner_name"], data["kind_display"]) == (
        "2022-640221-47-02-000088",
        "640221",
        "平罗县𠮷祥餐饮有限公司",
        "社会投资项目",
    )
    assert api(clerk).get(f"/api/v1/projects/{data['id']}").json()["floor_area"] == "5400.00"


def test_bad_input_is_a_400_naming_the_field(owner, clerk, bureau):
    for changes, field in (
        ({"code": "2022-640221-47-09-000088"}, "code"),
        ({"owner_credit_code": "91350100M000100Y44"}, "owner"),
        ({"kind": "castle"}, "kind"),
        ({"region": "999999"}, "region"),
        ({"floor_area": "-3"}, "floor_area"),
    ):
        r = api(clerk).post("/api/v1/projects", {**BODY, **changes}, format="json")
        assert r.status_code == 400, (changes, r.content)
        assert field in r.json()["fields"], (changes, r.json())
    assert not Project.objects.exists()


def test_outsiders_may_not_register_and_see_nothing(
    project, owner, far_staff, other_applicant_user
):
    for user in (far_staff, other_applicant_user):
        r = api(user).post("/api/v1/projects", BODY, format="json")
        assert r.status_code == 403, r.content
        assert api(user).get("/api/v1/projects").json()["results"] == []
        assert api(user).get(f"/api/v1/projects/{project.pk}").status_code == 404
    assert api().get("/api/v1/projects").status_code in (401, 403)
    assert Project.objects.count() == 1


def test_the_owner_lists_its_projects(project, owner_user):
    data = api(owner_user).get("/api/v1/projects").json()
    assert [p["id"] for p in data["results"]] == [project.pk]


def test_published_stage_templates_are_listed(catalogue, admin_user, section, item, clerk):
    template = actions.create_stage_template(
        catalogue,
        actor=admin_user,
        stage=Stage.LAND_AND_PLANNING,
        name="立项用地规划许可阶段",
        limit_days=20,
        project_kinds=["government", "enterprise"],
        lead_section=section,
    )
    r = api(clerk).get("/api/v1/stage-templates")
    assert r.json()["results"] == []
    actions.add_stage_item(template, item, actor=admin_user)
    actions.publish_stage_template(template, actor=admin_user)
    [listed] = api(clerk).get("/api/v1/stage-templates?region=640221").json()["results"]
    assert (listed["stage_display"], listed["lead_section"], listed["project_kinds"]) == (
        "立项用地规划许可",
        "市场准入科",
        ["government", "enterprise"],
    )
    assert listed["items"][0]["handling_item"] == item.pk
    assert api(clerk).get("/api/v1/stage-templates?region=640202").json()["results"] == []
    r = api(clerk).get("/api/v1/stage-templates?region=12")
    assert r.status_code == 400 and "region" in r.json()["fields"]


def test_the_schema_documents_the_endpoints(db):
    schema = api().get("/api/schema/?format=json").json()
    operations = {
        op["operationId"]
        for path in schema["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert {
        "list_projects",
        "register_project",
        "get_project",
        "list_stage_templates",
    } <= operations
