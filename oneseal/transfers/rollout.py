"""A city rolls out its counties (issue 12 point 8, seed 004): a city-level reform creates the
bureaus of its chosen counties at once from a template, each county's list is checked against
the province's guidance catalogue (seed 002: every guidance item listed or declared absent with
a reason), the county files (备案) its list with the city once the check passes, and the city
sees a dashboard of every county. Bureaus, sections and catalogues are made through
organisation's and catalogue's actions, so each leaves its own audit row.

Who may: the city's administrator starts the rollout (organisation's actions then check the
same role for every county, which lies within the city); a county's administrator or signatory
files its list. County staff see their county's line only; city staff see every line."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from oneseal.actors import User
from oneseal.audit.actions import record
from oneseal.calendars.queries import today as business_today
from oneseal.cases.models import Case
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import TransferStatus
from oneseal.catalogue.queries import guidance_gaps, listed_versions, local_catalogue
from oneseal.errors import InvalidTransition, NotPermitted, fail_blockers, fail_fields
from oneseal.organisation import actions as organisation_actions
from oneseal.organisation.models import Bureau, Role, Section
from oneseal.organisation.rules import has_role, scope_prefix
from oneseal.regions.models import Region

from . import queries, tasks
from .models import ListFiling, Reform, Rollout, RolloutCounty, StaffTransfer


@transaction.atomic
def start_rollout(
    city: Region,
    *,
    actor: User,
    name: str,
    plan_document: str,
    counties: list[Region],
    sections: list[str],
    milestones: list[tuple[str, object]] = (),  # type: ignore[assignment]
) -> Rollout:
    """The city's reform and, for each chosen county, its bureau ("<县>行政审批局"), the
    template's sections and an empty local catalogue for its list."""
    if city.level != Region.Level.CITY:
        fail_fields({"city": [_("只有设区市可以统一推开")]})
    if not has_role(actor, Role.ADMINISTRATOR, city):
        raise NotPermitted()
    errors: dict[str, list[str]] = {}
    if not counties:
        errors["counties"] = [_("请选择至少一个县（区）")]
    outside = [c.name for c in counties if c.parent_id != city.pk]
    if outside:
        errors["counties"] = [_("不属于本市：{names}").format(names="、".join(outside))]
    started = [
        c.name
        for c in counties
        if Bureau.objects.filter(region=c).exists()
        or RolloutCounty.objects.filter(region=c).exists()
    ]
    if started and not outside:
        errors["counties"] = [_("已设立行政审批局：{names}").format(names="、".join(started))]
    sections = [s.strip() for s in sections if s and s.strip()]
    if not sections:
        errors["sections"] = [_("请填写至少一个科室")]
    elif len(set(sections)) != len(sections):
        errors["sections"] = [_("科室名称重复")]
    fail_fields(errors)
    reform = tasks.create_reform(
        city, actor=actor, name=name, plan_document=plan_document, milestones=milestones
    )
    rollout = Rollout.objects.create(reform=reform, sections=sections)
    for county in counties:
        bureau = organisation_actions.save_bureau(
            Bureau(region=county, name=f"{county.name}行政审批局"), actor=actor
        )
        for section in sections:
            organisation_actions.save_section(Section(bureau=bureau, name=section), actor=actor)
        catalogue_actions.ensure_local_catalogue(county, actor=actor)
        RolloutCounty.objects.create(rollout=rollout, region=county, bureau=bureau)
    record(
        "transfers.rollout_started",
        actor=actor,
        subject=rollout,
        region_code=city.code,
        summary=name,
        data={"counties": [c.code for c in counties], "sections": sections},
    )
    return rollout


def list_problems(county: RolloutCounty, on: datetime.date | None = None) -> list[str]:
    """Why the county's list cannot be filed yet: a guidance item neither listed nor declared
    absent, each by code and name; no guidance catalogue counts as a problem too."""
    report = guidance_gaps(county.region, on=on)
    if report.guidance is None:
        return [_("未找到适用的省级指导目录")]
    return [
        _("{code} {name}：未列入目录，也未声明无此权力").format(
            code=g["basic_code"], name=g["name"]
        )
        for g in report.gaps
    ]


@transaction.atomic
def file_list(county: RolloutCounty, *, actor: User, on: datetime.date | None = None) -> ListFiling:
    county = RolloutCounty.objects.select_for_update().select_related("region").get(pk=county.pk)
    if not (
        has_role(actor, Role.ADMINISTRATOR, county.region)
        or has_role(actor, Role.SIGNATORY, county.region)
    ):
        raise NotPermitted()
    if ListFiling.objects.filter(county=county).exists():
        raise InvalidTransition(_("该县（区）的目录已备案"))
    on = on or business_today()
    fail_blockers(list_problems(county, on), field="list")
    report = guidance_gaps(county.region, on=on)
    filing = ListFiling.objects.create(
        county=county,
        filed_on=on,
        filed_by=actor,
        guidance_total=report.guidance_total,
        exempted=len(report.exempted),
    )
    record(
        "transfers.list_filed",
        actor=actor,
        subject=filing,
        region_code=county.region.code,
        summary=county.region.name,
        data={"guidance_total": filing.guidance_total, "exempted": filing.exempted},
    )
    return filing


@dataclass
class CountyLine:
    county: RolloutCounty
    phase: str
    items_transferred: int
    staff_moved: int
    staff_base: int
    cases: int
    warnings: list[str]

    @property
    def share(self):
        return queries.rules.Share(moved=self.staff_moved, base=self.staff_base)


def dashboard(rollout: Rollout, user: User, today: datetime.date | None = None) -> list[CountyLine]:
    """Per county the user may see: the phase reached, items transferred, staff moved against
    the former approval staff of its agreements, cases handled, and warnings."""
    today = today or business_today()
    prefix = scope_prefix(user)
    city_prefix = rollout.reform.region.prefix
    # City staff (and the province above) see every county; county staff only their own.
    if prefix is None or not (city_prefix.startswith(prefix) or prefix.startswith(city_prefix)):
        return []
    lines = []
    reform = Reform.objects.filter(pk=rollout.reform_id)
    for county in rollout.counties.select_related("region", "bureau"):
        if not county.region.code.startswith(prefix):
            continue
        catalogue = local_catalogue(county.region)
        items = (
            listed_versions(catalogue, on=today)
            .filter(transfer_status=TransferStatus.TRANSFERRED)
            .count()
            if catalogue
            else 0
        )
        shares = queries.department_shares(county.bureau, today)
        moved = StaffTransfer.objects.filter(bureau=county.bureau, moved_on__lte=today).count()
        base = sum(row.share.base for row in shares)
        cases = Case.objects.filter(region_code__startswith=county.region.prefix).count()
        filed = ListFiling.objects.filter(county=county).exists()
        problems = [] if filed else list_problems(county, today)
        if filed and items:
            phase = _("事项划转")
        elif filed:
            phase = _("目录已备案")
        else:
            phase = _("已挂牌")
        warnings = []
        if problems:
            warnings.append(_("目录缺{n}项指导目录事项").format(n=len(problems)))
        share = queries.rules.Share(moved=moved, base=base)
        if share.verdict == "below":
            warnings.append(_("划转人员低于原审批人员的30%"))
        # The county's overdue tasks are those its own units lead (the lead unit's region).
        warnings += [
            _("任务逾期：{t}").format(t=line.task.title)
            for line in tasks.overdue_tasks(county.region.prefix, today=today, reforms=reform)
        ]
        lines.append(CountyLine(county, phase, items, moved, base, cases, warnings))
    return lines


def visible_rollouts(user: User):
    """The rollouts whose city contains the user's region, or which lie in the user's scope."""
    prefix = scope_prefix(user)
    if prefix is None:
        return Rollout.objects.none()
    rollouts = Rollout.objects.select_related("reform__region")
    if prefix == "":
        return rollouts
    # A county's staff see the rollout their county belongs to; city staff the city's own.
    ids = RolloutCounty.objects.filter(region__code__startswith=prefix).values("rollout_id")
    return rollouts.filter(Q(pk__in=ids) | Q(reform__region_code__startswith=prefix))


__all__ = ["Reform", "dashboard", "file_list", "list_problems", "start_rollout"]
