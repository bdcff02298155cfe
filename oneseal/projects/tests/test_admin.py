"""The admin shows projects and templates and publishes a template only through the action."""

from django.test import Client

from oneseal.audit.models import AuditEvent
from oneseal.projects import actions
from oneseal.projects.models import Stage, StageTemplate


def test_the_admin_publishes_through_the_action_and_shows_its_refusal(
    root, catalogue, admin_user, section, item, project
):
    template = actions.create_stage_template(
        catalogue,
        actor=admin_user,
        stage=Stage.COMPLETION_ACCEPTANCE,
        name="竣工验收阶段",
        limit_days=20,
        project_kinds=["enterprise"],
    )
    c = Client()
    c.force_login(root)
    assert "平罗县物流仓储中心" in c.get("/admin/projects/project/").content.decode()
    body = {"action": "publish", "_selected_action": [template.pk]}
    page = c.post("/admin/projects/stagetemplate/", body, follow=True).content.decode()
    assert "未指定牵头科室" in page and "阶段没有办理事项" in page
    template.refresh_from_db()
    assert template.is_draft
    actions.update_stage_template(template, actor=admin_user, lead_section=section)
    actions.add_stage_item(template, item, actor=admin_user)
    c.post("/admin/projects/stagetemplate/", body, follow=True)
    template.refresh_from_db()
    assert template.status == StageTemplate.Status.PUBLISHED
    event = AuditEvent.objects.get(action="projects.publish_stage_template")
    assert event.actor == root
