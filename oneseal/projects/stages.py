"""Applying for a stage of a project (并联审批): the owner online or a clerk of the project's
region, under a published stage template the project's kind may use, opens the stage's cases
through the one bundle mechanism (`bundles.open_bundle`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.actors import User
from oneseal.applicants.queries import acts_for
from oneseal.audit.actions import record
from oneseal.cases.models import Channel
from oneseal.errors import NotPermitted, fail_fields
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

from . import bundles
from .models import Bundle, Project, StageApplication, StageTemplate
from .queries import published_templates


def may_apply(actor: User, project: Project, *, channel: str) -> bool:
    """At the window a clerk of the project's region; online the owner itself (an account
    acting for the owning organisation)."""
    if channel == Channel.WINDOW:
        return has_role(actor, Role.CLERK, project.region)
    return channel == Channel.ONLINE and acts_for(actor, project.owner)


def template_errors(project: Project, template: StageTemplate) -> dict[str, list[str]]:
    if not published_templates(project.region).filter(pk=template.pk).exists():
        return {"template": [_("该阶段模板未发布、已停用或不适用于本项目所在地")]}
    if project.kind not in (template.project_kinds or []):
        return {"template": [_("该阶段模板不适用于{kind}").format(kind=project.get_kind_display())]}
    earlier = StageApplication.objects.filter(project=project, stage=template.stage).exclude(
        bundle__outcome=Bundle.Outcome.ENDED
    )
    if earlier.exists():
        return {
            "template": [
                _("本项目已申请“{stage}”，不能重复申请").format(stage=template.get_stage_display())
            ]
        }
    return {}


@transaction.atomic
def apply_for_stage(
    project: Project,
    template: StageTemplate,
    *,
    actor: User,
    channel: str = Channel.WINDOW,
    optional: Iterable[int] = (),
    files: Mapping[str, File] | None = None,
    reuse: Mapping[str, Any] | None = None,
    idempotency_key: str = "",
    agent_name: str = "",
    agent_id_number: str = "",
    agent_phone: str = "",
    at: datetime.datetime | None = None,
) -> StageApplication:
    """Apply for `template`'s stage of `project`: one case per required item and per optional
    item named in `optional` (handling item ids), all opened or none. A repeated submission
    with the same idempotency key returns the application the first made."""
    if not may_apply(actor, project, channel=channel):
        raise NotPermitted()
    if idempotency_key:
        earlier = StageApplication.objects.filter(
            bundle__applicant=project.owner, bundle__idempotency_key=idempotency_key
        ).first()
        if earlier is not None:
            return earlier
    fail_fields(template_errors(project, template))
    # The catalogue's region and its bureau too: every item's case reads them when it opens.
    items = list(
        template.items.select_related(
            "handling_item__item_version__item__catalogue__region__bureau"
        )
    )
    chosen = {int(pk) for pk in optional}
    offered = {i.handling_item_id for i in items if not i.required}
    unknown = sorted(chosen - offered)
    if unknown:
        fail_fields({"optional": [_("办理项{ids}不是本阶段的可选事项").format(ids=unknown)]})
    wanted = [
        bundles.Wanted(i.handling_item, required=i.required)
        for i in items
        if i.required or i.handling_item_id in chosen
    ]
    bundle = bundles.open_bundle(
        wanted,
        actor=actor,
        applicant=project.owner,
        kind=Bundle.Kind.STAGE,
        channel=channel,
        files=files,
        reuse=reuse,
        idempotency_key=idempotency_key,
        agent_name=agent_name,
        agent_id_number=agent_id_number,
        agent_phone=agent_phone,
        at=at,
        answers={"optional": sorted(chosen)},
    )
    existing = StageApplication.objects.filter(bundle=bundle).first()
    if existing is not None:  # the same submission raced us and won
        return existing
    application = StageApplication.objects.create(
        project=project, template=template, stage=template.stage, bundle=bundle
    )
    record(
        "projects.apply_for_stage",
        actor=actor,
        subject=application,
        region_code=project.region.code,
        summary=f"{project.name}：{template.get_stage_display()}",
        data={
            "project": project.code,
            "template": f"{template.name} v{template.number}",
            "bundle": bundle.pk,
            "cases": [c.number for c in getattr(bundle, "new_cases", [])],
        },
    )
    return application
