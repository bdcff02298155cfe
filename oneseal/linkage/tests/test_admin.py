"""The admin edits the duty boundary list and the departments' links through the actions."""

from django.urls import reverse

from oneseal.audit.models import AuditEvent
from oneseal.linkage.models import DepartmentLink, DutyBoundary


def inline(prefix="support_duties", rows=()):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_a_catalogue_admin_saves_a_boundary_with_its_duties_in_the_admin(
    item, admin_user, department, client
):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:linkage_dutyboundary_add"),
        {
            "item": item.item_version.item_id,
            "supervising_department": department.pk,
            "bureau_duties": "审批",
            "department_duties": "监管",
            "coordination": "",
            **inline(rows=[{"kind": "testing", "description": "抽检", "limit_days": "7"}]),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    boundary = DutyBoundary.objects.get()
    assert boundary.support_duties.get().limit_days == 7 and boundary.updated_by == admin_user
    assert AuditEvent.objects.filter(action="linkage.save_duty_boundary").count() == 1


def test_a_new_webhook_secret_is_shown_once_and_stored_encrypted(superuser, department, client):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:linkage_departmentlink_add"),
        {
            "department": department.pk,
            "sign_days": "2",
            "webhook_url": "https://jg.example.cn/hook",
            "webhook_enabled": "on",
        },
        follow=True,
    )
    link = DepartmentLink.objects.get()
    assert link.sign_days == 2 and link.webhook_enabled
    shown = [str(m) for m in response.context["messages"] if "只显示这一次" in str(m)]
    assert len(shown) == 1
    secret = shown[0].rsplit("：", 1)[1]
    assert secret not in link.webhook_secret_encrypted
