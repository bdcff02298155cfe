"""A city rolls out its counties (issue 12 point 8, seed 004): a city-level reform creates the
bureaus of its chosen counties at once from a template, each county's list is checked against
the province's guidance catalogue (seed 002: every guidance item listed or declared absent with
a reason), the county files (备案) its list with the city once the check passes, and the city
sees a dashboard of every county. Bureaus, sections and catalogues are made through
organisation's and catalogue's actions, so each leaves its own audit row.

Who may: the city's administrator starts the rollout (organisation's actions then check the
same role for every county, which lies within the city); the county's own signatory or
administrator files its list (city staff do not file for a county); the city's administrator or
signatory accepts or returns a filing. County staff see their county's line only; city staff
see every line.

Each county also gets the template's starting accounts (`rollout_templates`): placed in the
bureau, their roles granted, and no password at all — the person sets their own through a
one-time link (`transfers.accounts`) — and a request for its approval seal (`SealRequest`),
marked made when `documents.actions.create_seal` registers the bureau's seal."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.audit.actions import record
from oneseal.calendars.queries import today as business_today
from oneseal.cases.models import Case
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import TransferStatus
from oneseal.catalogue.queries import guidance_gaps, listed_versions, local_catalogue
from oneseal.documents.models import Seal
from oneseal.errors import InvalidTransition, NotPermitted, fail_blockers, fail_fields
from oneseal.organisation import actions as organisation_actions
from oneseal.organisation.models import Bureau, Role, Section, Staff
from oneseal.organisation.rules import has_role, scope_prefix, staff_of
from oneseal.regions.models import Region

from . import queries, tasks
from .models import (
    ListFiling,
    Reform,
    Rollout,
    RolloutCounty,
    SealRequest,
    StaffTransfer,
)
from .rollout_templates import TEMPLATES, Template


def username_for(county: Region, key: str) -> str:
    return f"{county.code}-{key}"


@transaction.atomic
def start_rollout(
    city: Region,
    *,
    actor: User,
    name: str,
    plan_document: str,
    counties: list[Region],
    template: str = "standard",
    milestones: Sequence[tuple[str, object]] = (),
    on: datetime.date | None = None,
) -> Rollout:
    """The city's reform and, for each chosen county, its bureau ("<县>行政审批局") set up
    from the template: its sections, its starting accounts with their roles, an empty local
    catalogue for its list, and the request for its approval seal."""
    if city.level != Region.Level.CITY:
        fail_fields({"city": [_("只有设区市可以统一推开")]})
    if not has_role(actor, Role.ADMINISTRATOR, city):
        raise NotPermitted()
    errors: dict[str, list[str]] = {}
    chosen = TEMPLATES.get(template or "")
    if chosen is None:
        errors["template"] = [_("请选择推开模板")]
    if not counties:
        errors["counties"] = [_("请选择至少一个县（区）")]
    elif len({c.pk for c in counties}) != len(counties):
        errors["counties"] = [_("县（区）重复")]
    outside = [c.name for c in counties if c.parent_id != city.pk]
    # Two rollouts naming the same county at once: the second waits here for the first to
    # commit, then finds the county's bureau below and is refused naming the field, instead
    # of both passing the check and one failing on the bureau's unique region. Locked in one
    # order (by key), so two overlapping choices cannot deadlock.
    list(
        Region.objects.select_for_update()
        .filter(pk__in=sorted(c.pk for c in counties))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
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
    if chosen is not None and counties and "counties" not in errors:
        wanted = [username_for(c, seat.key) for c in counties for seat in chosen.seats]
        taken = sorted(
            get_user_model().objects.filter(username__in=wanted).values_list("username", flat=True)
        )
        if taken:
            errors["counties"] = [_("账号已存在：{names}").format(names="、".join(taken))]
    fail_fields(errors)
    assert chosen is not None
    on = on or business_today()
    reform = tasks.create_reform(
        city, actor=actor, name=name, plan_document=plan_document, milestones=milestones
    )
    rollout = Rollout.objects.create(
        reform=reform,
        template=chosen.key,
        sections=list(chosen.sections),
        accounts=[seat.as_json() for seat in chosen.seats],
    )
    for county in counties:
        _set_up_county(rollout, county, chosen, actor=actor, on=on)
    record(
        "transfers.rollout_started",
        actor=actor,
        subject=rollout,
        region_code=city.code,
        summary=name,
        data={
            "counties": [c.code for c in counties],
            "template": chosen.key,
            "sections": list(chosen.sections),
            "accounts": [seat.key for seat in chosen.seats],
        },
    )
    return rollout


def _set_up_county(
    rollout: Rollout, county: Region, template: Template, *, actor: User, on: datetime.date
) -> RolloutCounty:
    """One county's bureau from the template, every part through its own app's action."""
    bureau = organisation_actions.save_bureau(
        Bureau(region=county, name=f"{county.name}行政审批局"), actor=actor
    )
    sections = {
        name: organisation_actions.save_section(Section(bureau=bureau, name=name), actor=actor)
        for name in template.sections
    }
    for seat in template.seats:
        display_name = f"{bureau.name}{seat.title}"[:50]
        # No password: the person sets their own through a one-time link (transfers.accounts).
        user = organisation_actions.create_account(
            actor=actor,
            region=county,
            username=username_for(county, seat.key),
            display_name=display_name,
            unusable_password=True,
        )
        staff = organisation_actions.save_staff(
            Staff(
                user=stored_user(user),  # the account just created
                region=county,
                bureau=bureau,
                section=sections.get(seat.section),
                display_name=display_name,
            ),
            actor=actor,
        )
        organisation_actions.set_roles(staff, seat.roles, actor=actor)
    catalogue_actions.ensure_local_catalogue(county, actor=actor)
    line = RolloutCounty.objects.create(rollout=rollout, region=county, bureau=bureau)
    seal = SealRequest.objects.create(
        county=line,
        bureau=bureau,
        region_code=county.code,
        name=f"{bureau.name}行政审批专用章",
        requested_on=on,
        requested_by=stored_user(actor),
    )
    record(
        "transfers.seal_requested",
        actor=actor,
        subject=seal,
        region_code=county.code,
        summary=seal.name,
        data={"requested_on": on.isoformat()},
    )
    return line


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


def _require_county_staff(actor: User, county: RolloutCounty) -> None:
    """The county files its own list: its signatory or administrator. The city's staff, whose
    scope also covers the county, accept or return filings and so do not file them."""
    if not (
        has_role(actor, Role.ADMINISTRATOR, county.region)
        or has_role(actor, Role.SIGNATORY, county.region)
    ):
        raise NotPermitted()
    if getattr(actor, "is_superuser", False):
        return
    staff = staff_of(actor)
    if staff is None or not staff.region.code.startswith(county.region.prefix):
        raise NotPermitted(_("目录由县（区）报送备案"))


def _require_city_office(actor: User, city: Region) -> None:
    if not (has_role(actor, Role.ADMINISTRATOR, city) or has_role(actor, Role.SIGNATORY, city)):
        raise NotPermitted()


@transaction.atomic
def file_list(county: RolloutCounty, *, actor: User, on: datetime.date | None = None) -> ListFiling:
    """The county submits its list to the city (备案). Refused while a guidance item is
    neither listed nor declared absent, and while a filing is pending or accepted; a returned
    filing is filed anew."""
    county = RolloutCounty.objects.select_for_update().select_related("region").get(pk=county.pk)
    _require_county_staff(actor, county)
    open_filing = (
        ListFiling.objects.filter(county=county).exclude(state=ListFiling.State.RETURNED).first()
    )
    if open_filing is not None:
        if open_filing.state == ListFiling.State.PENDING:
            raise InvalidTransition(_("该县（区）的目录已报送，等待市级审核"))
        raise InvalidTransition(_("该县（区）的目录已备案"))
    on = on or business_today()
    fail_blockers(list_problems(county, on), field="list")
    report = guidance_gaps(county.region, on=on)
    filing = ListFiling.objects.create(
        county=county,
        filed_on=on,
        filed_by=stored_user(actor),
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


def _pending(filing: ListFiling, actor: User) -> ListFiling:
    filing = (
        ListFiling.objects.select_for_update()
        .select_related("county__region", "county__rollout__reform__region")
        .get(pk=filing.pk)
    )
    _require_city_office(actor, filing.county.rollout.reform.region)
    if filing.state != ListFiling.State.PENDING:
        raise InvalidTransition(_("该备案已审核"))
    return filing


@transaction.atomic
def accept_filing(
    filing: ListFiling, *, actor: User, on: datetime.date | None = None
) -> ListFiling:
    """The city accepts the county's list. The check runs again: a list changed since it was
    filed (an item cancelled) is not accepted while a guidance item is missing."""
    filing = _pending(filing, actor)
    on = on or business_today()
    if on < filing.filed_on:
        fail_fields({"on": [_("审核日期不能早于报送日期")]})
    fail_blockers(list_problems(filing.county, on), field="list")
    filing.state, filing.decided_on, filing.decided_by = (
        ListFiling.State.ACCEPTED,
        on,
        stored_user(actor),
    )
    filing.save(update_fields=["state", "decided_on", "decided_by"])
    record(
        "transfers.list_filing_accepted",
        actor=actor,
        subject=filing,
        region_code=filing.county.region.code,
        summary=filing.county.region.name,
        data={"decided_on": on.isoformat()},
    )
    return filing


@transaction.atomic
def return_filing(
    filing: ListFiling, *, actor: User, reasons: str, on: datetime.date | None = None
) -> ListFiling:
    """The city returns the county's list with its reasons; the county corrects and files anew."""
    filing = _pending(filing, actor)
    reasons = (reasons or "").strip()
    on = on or business_today()
    errors: dict[str, list[str]] = {}
    if not reasons:
        errors["reasons"] = [_("请填写退回理由")]
    elif len(reasons) > 2000:
        errors["reasons"] = [_("退回理由不超过2000字")]
    if on < filing.filed_on:
        errors["on"] = [_("审核日期不能早于报送日期")]
    fail_fields(errors)
    filing.state, filing.decided_on, filing.decided_by = (
        ListFiling.State.RETURNED,
        on,
        stored_user(actor),
    )
    filing.reasons = reasons
    filing.save(update_fields=["state", "decided_on", "decided_by", "reasons"])
    record(
        "transfers.list_filing_returned",
        actor=actor,
        subject=filing,
        region_code=filing.county.region.code,
        summary=filing.county.region.name,
        data={"decided_on": on.isoformat(), "reasons": reasons},
    )
    return filing


def seal_registered(sender: object, instance: Seal, created: bool, **kwargs: object) -> None:
    """A post_save receiver on documents' Seal (connected in the AppConfig, so the documents
    app knows nothing of rollouts): the bureau's first approval seal registered through
    `documents.actions.create_seal` marks its open request made, in the same transaction.
    The seal's own audit row names who registered it."""
    if not created or instance.kind != "bureau" or instance.bureau_id is None:
        return
    request = (
        SealRequest.objects.select_for_update()
        .filter(bureau_id=instance.bureau_id, state=SealRequest.State.REQUESTED)
        .first()
    )
    if request is None:
        return
    request.state, request.made_on, request.seal = (
        SealRequest.State.MADE,
        instance.valid_from,
        instance,
    )
    request.save(update_fields=["state", "made_on", "seal"])
    record(
        "transfers.seal_made",
        actor=None,
        subject=request,
        region_code=request.region_code,
        summary=request.name,
        data={"seal": instance.pk, "made_on": instance.valid_from.isoformat()},
    )


@dataclass
class CountyLine:
    county: RolloutCounty
    phase: str
    items_transferred: int
    staff_moved: int
    staff_base: int
    cases: int
    warnings: list[str]
    filing: ListFiling | None = None
    seal: SealRequest | None = None
    accounts: int = 0
    accounts_active: int = 0

    @property
    def share(self) -> queries.rules.Share:
        return queries.rules.Share(moved=self.staff_moved, base=self.staff_base)


def latest_filing(county: RolloutCounty) -> ListFiling | None:
    return ListFiling.objects.filter(county=county).order_by("-id").first()


def dashboard(rollout: Rollout, user: User, today: datetime.date | None = None) -> list[CountyLine]:
    """Per county the user may see: the phase reached, items transferred, staff moved against
    the former approval staff of its agreements, cases handled, the filing and the seal
    request, the starting accounts (how many have set their password), and warnings."""
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
        filing = latest_filing(county)
        seal = SealRequest.objects.filter(county=county).first()
        passwords = list(
            Staff.objects.filter(bureau=county.bureau).values_list("user__password", flat=True)
        )
        active = sum(1 for p in passwords if p and not p.startswith("!"))
        state = filing.state if filing else None
        problems = [] if state == ListFiling.State.ACCEPTED else list_problems(county, today)
        if state == ListFiling.State.ACCEPTED and items:
            phase = _("事项划转")
        elif state == ListFiling.State.ACCEPTED:
            phase = _("目录已备案")
        elif state == ListFiling.State.PENDING:
            phase = _("目录待市级审核")
        else:
            phase = _("已挂牌")
        warnings = []
        if problems:
            warnings.append(_("目录缺{n}项指导目录事项").format(n=len(problems)))
        if filing is not None and state == ListFiling.State.RETURNED:
            warnings.append(_("目录备案被退回：{reasons}").format(reasons=filing.reasons))
        if seal is not None and seal.state == SealRequest.State.REQUESTED:
            warnings.append(_("审批专用章尚未刻制启用"))
        share = queries.rules.Share(moved=moved, base=base)
        if share.verdict == "below":
            warnings.append(_("划转人员低于原审批人员的30%"))
        # The county's overdue tasks are those its own units lead (the lead unit's region).
        warnings += [
            _("任务逾期：{t}").format(t=line.task.title)
            for line in tasks.overdue_tasks(county.region.prefix, today=today, reforms=reform)
        ]
        lines.append(
            CountyLine(
                county,
                phase,
                items,
                moved,
                base,
                cases,
                warnings,
                filing=filing,
                seal=seal,
                accounts=len(passwords),
                accounts_active=active,
            )
        )
    return lines


def visible_rollouts(user: User) -> QuerySet[Rollout]:
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


def visible_counties(user: User) -> QuerySet[RolloutCounty]:
    """The rollout counties within the user's scope: a county's staff their own county, the
    city's staff every county of the city; nobody another county or another city's."""
    prefix = scope_prefix(user)
    if prefix is None:
        return RolloutCounty.objects.none()
    return RolloutCounty.objects.filter(region__code__startswith=prefix).select_related(
        "region", "bureau", "rollout__reform__region"
    )


def visible_filings(user: User) -> QuerySet[ListFiling]:
    return ListFiling.objects.filter(county__in=visible_counties(user)).select_related(
        "county__region", "county__rollout__reform__region"
    )


def startable_cities(user: User) -> QuerySet[Region]:
    """The cities in the user's scope where they may start a rollout (their administrator)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return Region.objects.none()
    cities = Region.objects.filter(level=Region.Level.CITY, code__startswith=prefix).order_by(
        "code"
    )
    if prefix == "":
        return cities
    return cities if has_role(user, Role.ADMINISTRATOR) else Region.objects.none()


def open_counties(city: Region) -> QuerySet[Region]:
    """The city's counties a rollout may still choose: no bureau yet, in no rollout."""
    return Region.objects.filter(
        parent=city, bureau__isnull=True, rollout_county__isnull=True
    ).order_by("code")


@dataclass
class CountySetup:
    county: RolloutCounty
    sections: list
    staff: list
    seal: SealRequest | None
    filings: list
    problems: list[str]


def county_setup(county: RolloutCounty, on: datetime.date | None = None) -> CountySetup:
    """What the rollout set up in one county and where its list stands."""
    staff = list(
        Staff.objects.filter(bureau=county.bureau)
        .select_related("user", "section")
        .prefetch_related("roles")
        .order_by("id")
    )
    for member in staff:
        # Read by the county page; no model field of Staff.
        member.active = member.user.has_usable_password()  # type: ignore[attr-defined]
    return CountySetup(
        county=county,
        sections=list(Section.objects.filter(bureau=county.bureau).order_by("id")),
        staff=staff,
        seal=SealRequest.objects.filter(county=county).select_related("seal").first(),
        filings=list(ListFiling.objects.filter(county=county).order_by("-id")),
        problems=list_problems(county, on),
    )


__all__ = [
    "Reform",
    "accept_filing",
    "dashboard",
    "file_list",
    "list_problems",
    "return_filing",
    "start_rollout",
]
