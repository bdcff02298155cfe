"""The demo's electronic archives: the county's archivist (档案管理员) with an account, the
retention table (30 years by default as 国家档案局令第8号 gives routine licensing files,
construction-project items (topic 工程建设) permanent, the public-place hygiene licence 10
years), and every ended demo case archived by the worker's own job, after the documents step
has signed their notices. One of them was archived earlier, when delivered: the case whose
licence the documents step then revokes (`archive_ahead`), so the job here also builds its
supplementary package (补充归档) of the revocation, shown on its archive's page.

Idempotent: the account and each rule are made once; the job archives only what is not
archived yet. Every write goes through `organisation.actions` and `archives.actions`."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.utils.translation import gettext as _

from oneseal.archives import actions, jobs
from oneseal.archives.models import Archive, ArchiveSupplement, Retention, RetentionRule
from oneseal.cases.models import Case
from oneseal.catalogue.models import ItemVersion, Topic
from oneseal.organisation import actions as organisation_actions
from oneseal.organisation.models import Bureau, Role, Staff
from oneseal.regions.models import Region

from ..data import organisation as org

ARCHIVIST = ("archivist", "周文静")
CONSTRUCTION_TOPIC = "工程建设"
TEN_YEAR_ITEM = "公共场所卫生许可"


def _archivist(superuser, county: Region) -> Staff:
    username, name = ARCHIVIST
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        # Into the admin too, by the role: the archivist keeps the retention rules there.
        user = organisation_actions.create_account(
            actor=superuser,
            region=county,
            username=username,
            display_name=name,
            encoded_password=make_password(org.DEMO_PASSWORD),
        )
    staff = Staff.objects.filter(user=user).first()
    if staff is None:
        staff = organisation_actions.save_staff(
            Staff(
                user=user,
                region=county,
                bureau=Bureau.objects.get(region=county),
                display_name=name,
            ),
            actor=superuser,
        )
    if not staff.roles.filter(role=Role.ARCHIVIST).exists():
        held = set(staff.roles.values_list("role", flat=True))
        organisation_actions.set_roles(staff, held | {Role.ARCHIVIST}, actor=superuser)
    return staff


def _rules(superuser, archivist) -> int:
    made = 0
    if not RetentionRule.objects.filter(scope=RetentionRule.Scope.DEFAULT).exists():
        actions.save_retention_rule(
            RetentionRule(
                scope=RetentionRule.Scope.DEFAULT,
                period=Retention.YEARS_30,
                basis="国家档案局令第8号：一般行政许可文件",
            ),
            actor=superuser,
        )
        made += 1
    topic = Topic.objects.filter(name=CONSTRUCTION_TOPIC).first()
    if topic is not None and not RetentionRule.objects.filter(topic=topic).exists():
        actions.save_retention_rule(
            RetentionRule(
                scope=RetentionRule.Scope.TOPIC,
                topic=topic,
                period=Retention.PERMANENT,
                basis="工程建设项目审批文件永久保存",
            ),
            actor=superuser,
        )
        made += 1
    version = (
        ItemVersion.objects.filter(
            name__contains=TEN_YEAR_ITEM, item__catalogue__region__code=org.COUNTY_CODE
        )
        .select_related("item")
        .order_by("id")
        .first()
    )
    if version is not None and not RetentionRule.objects.filter(item=version.item).exists():
        actions.save_retention_rule(
            RetentionRule(
                scope=RetentionRule.Scope.ITEM,
                item=version.item,
                period=Retention.YEARS_10,
                basis="许可证有效期4年，期满后保存至10年",
            ),
            actor=archivist.user,
        )
        made += 1
    return made


def _prepared() -> bool:
    """The archivist and the retention table, made once; False without the county's bureau."""
    superuser = get_user_model().objects.filter(is_superuser=True, username="admin").first()
    county = Region.objects.filter(code=org.COUNTY_CODE).first()
    if superuser is None or county is None or not Bureau.objects.filter(region=county).exists():
        return False
    _rules(superuser, _archivist(superuser, county))
    return True


def archive_ahead(case: Case, *, at: datetime.datetime) -> Archive | None:
    """Archive one ended case as of `at`, before the rest: the documents step does so for the
    case whose licence it is about to revoke, as the worker would have archived it once
    delivered, so the revocation becomes the case's supplement. None when it cannot be yet."""
    if not _prepared() or actions.archive_blockers(case):
        return None
    return actions.archive_case(case, system=True, at=at)


def load(*, today) -> list[str]:
    if not _prepared():
        return []
    result = jobs.archive_ended_cases(today)
    by_period = dict(
        Archive.objects.values_list("retention").annotate(n=Count("id")).order_by("retention")
    )
    periods = "，".join(
        f"{Retention(period).label}{n}件" for period, n in sorted(by_period.items())
    )
    return [
        _(
            "电子档案：新归档{new}件，共{total}件（{periods}），补充归档{supplements}件；"
            "档案管理员 {user} / {password}"
        ).format(
            new=result["archived"],
            total=sum(by_period.values()),
            periods=periods or "—",
            supplements=ArchiveSupplement.objects.count(),
            user=ARCHIVIST[0],
            password=org.DEMO_PASSWORD,
        )
    ]
