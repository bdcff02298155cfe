"""E-supervision in the demo county: the reform baselines of a few demo items, one conflict
declaration that e-supervision catches on a demo case, and the roll-up computed.

DEMO DATA: the pre-reform figures are invented in the shape of Pingluo's plan (seed 000: 承诺
时限大幅压缩) and Ganzhou's target (seed 004: 材料、环节、时限至少压减50%); some items reach the
target, some do not, so the page has something to say. Idempotent: writes go through
`actions`, and a second run finds everything in place.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from oneseal.cases.models import CaseEvent
from oneseal.catalogue.models import HandlingItem, ItemVersion
from oneseal.esupervision import actions, jobs
from oneseal.esupervision.models import ConflictDeclaration, ReformBaseline

from .. import cases as demo_cases
from ..data import organisation as org

# Handling item name → materials, steps and working days before the reform (DEMO DATA).
BASELINES = {
    demo_cases.FOOD: (12, 7, 20),
    demo_cases.SOLE_TRADER: (6, 4, 5),
    demo_cases.COMPANY: (10, 6, 15),
    demo_cases.HYGIENE: (9, 6, 20),
    demo_cases.CONSTRUCTION: (16, 8, 15),
    demo_cases.EIA: (11, 7, 60),
    demo_cases.PLANNING: (14, 8, 20),
    demo_cases.FREIGHT: (9, 6, 20),
    demo_cases.NON_PROFIT: (10, 6, 60),
    demo_cases.TEACHER: (8, 5, 30),
}
SOURCE = "演示数据：改革前办事指南（2019年版）"
# The window clerk who declares a relative, and whom e-supervision then catches.
DECLARING_CLERK = "clerk"


def _baselines(admin) -> int:
    written = 0
    names = list(BASELINES)
    versions = (
        ItemVersion.objects.published()
        .filter(item__catalogue__region__code=org.COUNTY_CODE, handling_items__name__in=names)
        .select_related("item__catalogue__region")
        .distinct()
    )
    for version in versions:
        if ReformBaseline.objects.filter(item=version.item).exists():
            continue
        name = (
            HandlingItem.objects.filter(item_version=version, name__in=names)
            .values_list("name", flat=True)
            .first()
        )
        materials, steps, days = BASELINES[name]
        actions.set_baseline(
            version.item, actor=admin, materials=materials, steps=steps, days=days, source=SOURCE
        )
        written += 1
    return written


def _declaration(clerk, today: datetime.date) -> ConflictDeclaration | None:
    """The clerk declares the applicant of the first demo case they accepted."""
    event = (
        CaseEvent.objects.filter(actor=clerk, action="accept", case__in=demo_cases.demo_cases())
        .select_related("case__applicant")
        .order_by("case__number")
        .first()
    )
    if event is None:
        return None
    applicant = event.case.applicant
    existing = ConflictDeclaration.objects.filter(
        staff__user=clerk, number=applicant.number, withdrawn_on__isnull=True
    ).first()
    if existing is not None:
        return existing
    relation = (
        ConflictDeclaration.Relation.ORGANISATION
        if applicant.kind == "organisation"
        else ConflictDeclaration.Relation.OTHER_RELATIVE
    )
    return actions.declare_conflict(
        actor=clerk,
        relative_name=applicant.name,
        relation=relation,
        number=applicant.number,
        on=today,
    )


def load(*, today: datetime.date) -> list[str]:
    users = get_user_model().objects
    admin = users.filter(username="catadmin").first()
    clerk = users.filter(username=DECLARING_CLERK).first()
    if admin is None or clerk is None:
        return []
    written = _baselines(admin)
    declaration = _declaration(clerk, today)
    result = jobs.rollup(today)
    lines = [
        _(
            "电子监察：{n} 项事项已录入改革前基数（新录入 {new} 项），统计汇总 {cases} 件办件。"
        ).format(n=ReformBaseline.objects.count(), new=written, cases=result.cases)
    ]
    if declaration is not None:
        lines.append(
            _(
                "电子监察：{staff}已申报回避“{relative}”，其经办的该申请人办件列为“应回避未回避”（账号 overseer 可查看）。"
            ).format(staff=declaration.staff.display_name, relative=declaration.relative_name)
        )
    return lines
