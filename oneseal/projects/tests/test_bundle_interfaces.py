"""The three paths to one stage application — the window (workbench page), the owner's page
(portal, on a phone) and the API — and the life event's page, API and search, each through
the same action; refusals on every path."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from oneseal.cases.models import Case, Channel
from oneseal.catalogue import life_events as definitions
from oneseal.projects import bundles
from oneseal.projects.models import Bundle, StageApplication


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def api(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.7 " + name.encode(), content_type="application/pdf")


def files_for(template, owner, optional=False):
    items = [i.handling_item for i in template.items.all() if optional or i.required]
    return {g.field: pdf(f"{g.field}.pdf") for g in bundles.material_groups(items, owner.kind)}


def test_the_window_applies_for_a_stage_from_the_project_page(project, template, clerk):
    c = client(clerk)
    page = c.get(f"/projects/{project.pk}/").content.decode()
    assert f"/projects/{project.pk}/apply/{template.pk}/" in page
    form = c.get(f"/projects/{project.pk}/apply/{template.pk}/").content.decode()
    assert form.count('name="material-') == 5 and "2 个事项共用" in form
    r = c.post(f"/projects/{project.pk}/apply/{template.pk}/", {"idempotency_key": "w-1"})
    assert r.status_code == 302
    application = StageApplication.objects.get()
    assert application.bundle.channel == Channel.WINDOW
    stage_page = c.get(r["Location"]).content.decode()
    assert "阶段时限 10 个工作日" in stage_page
    for m in application.bundle.members.all():
        assert m.case.number in stage_page


def test_the_owner_applies_online_on_a_phone_and_sees_every_problem(
    project, template, owner_user, owner
):
    c = client(owner_user)
    url = f"/projects/{project.pk}/apply/{template.pk}/"
    form = c.get(url, HTTP_USER_AGENT="Mozilla/5.0 (iPhone)").content.decode()
    assert 'name="viewport"' in form
    r = c.post(url, {"idempotency_key": "p-1"})
    assert r.status_code == 400
    assert "申请未提交，所有事项均未受理" in r.content.decode()
    assert not Case.objects.exists()
    r = c.post(url, {"idempotency_key": "p-2", **files_for(template, owner)})
    assert r.status_code == 302
    assert StageApplication.objects.get().bundle.channel == Channel.ONLINE


def test_another_applicant_and_another_county_cannot_reach_the_stage_form(
    project, template, other_applicant_user, far_staff
):
    for user in (other_applicant_user, far_staff):
        assert client(user).get(f"/projects/{project.pk}/").status_code == 404
        assert client(user).post(f"/projects/{project.pk}/apply/{template.pk}/").status_code == 404
    assert not Case.objects.exists()


def test_the_api_applies_for_a_stage_with_its_files(project, template, owner_user, owner):
    url = f"/api/v1/projects/{project.pk}/stages"
    body = {"template": template.pk, **files_for(template, owner)}
    r = api(owner_user).post(url, body, format="multipart", HTTP_IDEMPOTENCY_KEY="a-1")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["stage_display"] == "施工许可" and len(data["bundle"]["cases"]) == 2
    assert data["clock"]["limit_days"] == 10
    again = api(owner_user).post(
        url,
        {"template": template.pk, **files_for(template, owner)},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="a-1",
    )
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert api(owner_user).get(url).json()[0]["id"] == data["id"]
    clock = api(owner_user).get(f"/api/v1/projects/{project.pk}/clock").json()
    assert clock["limit_days"] == 90


def test_the_api_refuses_bad_input_naming_each_field(project, template, clerk):
    r = api(clerk).post(
        f"/api/v1/projects/{project.pk}/stages",
        {"template": template.pk, "material-999999": pdf("x.pdf")},
        format="multipart",
    )
    assert r.status_code == 400
    assert "material-999999" in r.json()["fields"]
    assert not Bundle.objects.exists()


def test_the_api_denies_another_county_and_a_stranger(
    project, template, far_staff, other_applicant_user
):
    url = f"/api/v1/projects/{project.pk}/stages"
    assert api(far_staff).post(url, {"template": template.pk}).status_code == 404
    assert api(other_applicant_user).post(url, {"template": template.pk}).status_code == 404
    assert api().post(url, {"template": template.pk}).status_code in (401, 403)


def test_the_schema_documents_the_stage_and_life_event_paths(clerk):
    schema = api(clerk).get("/api/schema/?format=json").json()["paths"]
    for path in (
        "/api/v1/projects/{id}/stages",
        "/api/v1/projects/{id}/clock",
        "/api/v1/life-events",
        "/api/v1/life-events/{id}/applications",
        "/api/v1/bundles/{id}",
    ):
        assert path in schema, path


# --- life events ----------------------------------------------------------------------------


def published_event(catalogue, admin_user, stage_items):
    event = definitions.create_life_event(
        catalogue, actor=admin_user, name="开饭店", keywords="开餐馆"
    )
    definitions.add_life_event_item(event, stage_items[0], actor=admin_user)
    definitions.add_life_event_item(event, stage_items[1], actor=admin_user)
    definitions.add_life_event_item(
        event, stage_items[2], actor=admin_user, required=False, question="是否需要消防审查？"
    )
    return definitions.publish_life_event(event, actor=admin_user)


def test_search_shows_the_life_event_before_the_items(
    catalogue, admin_user, stage_items, monkeypatch
):
    event = published_event(catalogue, admin_user, stage_items)
    page = client().get("/search/", {"q": "开饭店"}).content.decode()
    assert f"/projects/life-events/{event.pk}/" in page
    assert page.index("一件事一次办") < page.index("results-heading") + 2000
    data = api().get("/api/v1/search", {"q": "开饭店"}).json()
    assert data["life_events"][0]["name"] == "开饭店"


def test_a_life_event_is_applied_for_on_its_page_and_tracked(
    catalogue, admin_user, stage_items, owner_user, owner, clerk
):
    event = published_event(catalogue, admin_user, stage_items)
    c = client(owner_user)
    page = c.get(f"/projects/life-events/{event.pk}/").content.decode()
    assert "是否需要消防审查？" in page
    groups = bundles.material_groups(stage_items[:2], owner.kind)
    body = {
        "idempotency_key": "le-1",
        "applicant": owner.pk,
        f"question-{stage_items[2].pk}": "no",
        **{g.field: pdf(f"{g.field}.pdf") for g in groups},
    }
    r = c.post(f"/projects/life-events/{event.pk}/", body)
    assert r.status_code == 302, r.content.decode()[:2000]
    bundle = Bundle.objects.get()
    assert bundle.members.count() == 2
    tracking = c.get(r["Location"]).content.decode()
    for m in bundle.members.all():
        assert m.case.number in tracking
    # The window: the clerk names the applicant by number.
    r = client(clerk).post(
        f"/projects/life-events/{event.pk}/",
        {"idempotency_key": "le-2", "applicant_number": owner.credit_code},
    )
    assert r.status_code == 302
    assert Bundle.objects.filter(channel=Channel.WINDOW).count() == 1
    # Another applicant sees nothing of it.
    assert api(owner_user).get(f"/api/v1/bundles/{bundle.pk}").status_code == 200


def test_the_life_event_api(
    catalogue, admin_user, stage_items, owner_user, owner, other_applicant_user
):
    event = published_event(catalogue, admin_user, stage_items)
    listed = api().get("/api/v1/life-events").json()
    assert [e["name"] for e in listed] == ["开饭店"]
    url = f"/api/v1/life-events/{event.pk}/applications"
    groups = bundles.material_groups(stage_items, owner.kind)
    body = {
        "applicant": owner.pk,
        f"question-{stage_items[2].pk}": "yes",
        **{g.field: pdf(f"{g.field}.pdf") for g in groups},
    }
    r = api(owner_user).post(url, body, format="multipart")
    assert r.status_code == 201, r.content
    assert len(r.json()["cases"]) == 3
    bundle_id = r.json()["id"]
    assert api(other_applicant_user).get(f"/api/v1/bundles/{bundle_id}").status_code == 404
    denied = api(other_applicant_user).post(url, {"applicant": owner.pk}, format="multipart")
    assert denied.status_code == 403


def test_the_owner_finds_the_project_from_the_navigation(project, owner_user, clerk):
    home = client(owner_user).get("/").content.decode()
    assert 'href="/projects/mine/"' in home and 'href="/projects/life-events/"' in home
    mine = client(owner_user).get("/projects/mine/").content.decode()
    assert f'href="/projects/{project.pk}/"' in mine


def test_the_staff_register_links_each_project_page(project, clerk):
    page = client(clerk).get("/projects/").content.decode()
    assert f'href="/projects/{project.pk}/"' in page
