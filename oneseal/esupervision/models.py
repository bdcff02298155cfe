"""E-supervision (电子监察) and statistics: what the roll-up job keeps, and what staff enter.

Derived tables, rebuilt at any time by `oneseal esupervision rollup --rebuild` and kept
current by the worker (`jobs.rollup`):
- `Workday`: the working-day calendar as a table (each date and how many working days lie up
  to it), so SQL counts working days with a subtraction;
- `CaseMilestone`: one row per case and milestone (received, accepted, decided, rated), per
  completed review step and per inspector of a site inspection, with the dimensions
  statistics group by; a month's statistics are one index range over it;
- `RuleHit`: an event that breaks a rule for irregular actions, found by SQL over new events.

Entered by people:
- `ConflictDeclaration`: staff declare their relatives (回避申报) so acting on a relative's case
  is a hit;
- `ReformBaseline`: per item, materials, steps and days before the reform (seed 004: cut by
  at least 50%).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.cases.models import Case, CaseEvent
from oneseal.catalogue.models import Item
from oneseal.organisation.models import Department, Section, Staff


class Workday(models.Model):
    """A date of the calendar in force; `ordinal` counts the working days from the first date
    of the table up to and including this one, so the working days after `a` up to `b` are
    `ordinal(b) - ordinal(a)` (as `WorkCalendar.between`)."""

    day = models.DateField(primary_key=True)
    is_workday = models.BooleanField()
    ordinal = models.IntegerField()

    class Meta:
        verbose_name = _("工作日历（统计用）")
        verbose_name_plural = _("工作日历（统计用）")

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.ordinal}"


class RollupState(models.Model):
    """Where the roll-up job stopped: the last case event (and rating) it has read, and the
    calendar it built `Workday` from."""

    key = models.CharField(max_length=40, primary_key=True)
    value = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("汇总进度")
        verbose_name_plural = _("汇总进度")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class Milestone(models.TextChoices):
    RECEIVED = "received", _("收件")
    ACCEPTED = "accepted", _("受理")
    DECIDED = "decided", _("办结（作出决定）")
    RATED = "rated", _("评价")
    # One row per completed review step (by the step's role) and per inspector of a site
    # inspection: who worked on a case beyond receiving, accepting and deciding it.
    STEP_CLERK = "step_clerk", _("受理环节")
    STEP_REVIEWER = "step_reviewer", _("审查环节")
    STEP_SIGNATORY = "step_signatory", _("决定环节")
    INSPECTED = "inspected", _("现场核查")


STEP_KINDS = (Milestone.STEP_CLERK, Milestone.STEP_REVIEWER, Milestone.STEP_SIGNATORY)


class CaseMilestone(models.Model):
    """One milestone of one case with what statistics group by. The foreign keys carry no
    database constraint: this is derived data, rebuilt from the cases at any time."""

    case = models.ForeignKey(
        Case, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Milestone.choices)
    # Step rows: the CaseStep's id; inspection rows: the inspector's row of the inspection;
    # 0 for the case's own milestones (one per kind).
    source_id = models.BigIntegerField(default=0)
    happened_on = models.DateField()
    region_code = models.CharField(max_length=12)
    department = models.ForeignKey(
        Department,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    section = models.ForeignKey(
        Section,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    item = models.ForeignKey(
        Item,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    # The staff member who took the step (received, accepted, decided); null for the system
    # (deemed acceptance) and for applicants applying online.
    handler = models.ForeignKey(
        Staff,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    # Received rows: whether the application came online, and the visits it needed.
    online = models.BooleanField(null=True)
    visits = models.SmallIntegerField(null=True)
    # Decided rows: within the promised limit, and the working days from acceptance to the
    # decision without the suspended days (《行政许可法》第四十二条、第四十五条).
    on_time = models.BooleanField(null=True)
    working_days = models.IntegerField(null=True)
    # Rated rows: the applicant's score (1–5).
    rating = models.SmallIntegerField(null=True)
    # The case's first row with this section / this handler (by date, then row): counting
    # these counts each case once per section and handler, in the month it first reached them.
    section_first = models.BooleanField(default=False)
    handler_first = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("办件节点（统计用）")
        verbose_name_plural = _("办件节点（统计用）")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "source_id"], name="milestone_unique_per_case"
            )
        ]
        indexes = [
            # A period's statistics for a region: one range over the date, the region and the
            # measures read from the index (PostgreSQL; SQLite ignores INCLUDE).
            models.Index(
                fields=["happened_on", "region_code"],
                include=[
                    "kind",
                    "department",
                    "section",
                    "item",
                    "handler",
                    "online",
                    "visits",
                    "on_time",
                    "working_days",
                    "rating",
                    "section_first",
                    "handler_first",
                ],
                name="milestone_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.happened_on.isoformat()}"


# What a summed row is kept per, beside its month or day: the unique key of both tables and the
# conflict target of the roll-up's upserts (esupervision.jobs).
STAT_KEY = (
    "region_code",
    "kind",
    "department_id",
    "section_id",
    "item_id",
    "handler_id",
    "working_days",
)


class PeriodStat(models.Model):
    """The milestones of a period summed per region and grouping. Kept by the roll-up with
    delta upserts (the old rows of the touched cases subtracted, the new added). Dimensions use
    0 for none, so the unique key also holds for them; decided rows are split by their working
    days (-1 elsewhere), which gives the 90th percentile."""

    region_code = models.CharField(max_length=12)
    kind = models.CharField(max_length=16, choices=Milestone.choices)
    department_id = models.BigIntegerField(default=0)
    section_id = models.BigIntegerField(default=0)
    item_id = models.BigIntegerField(default=0)
    handler_id = models.BigIntegerField(default=0)
    working_days = models.IntegerField(default=-1)
    n = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    visits = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    section_cases = models.IntegerField(default=0)
    handler_cases = models.IntegerField(default=0)

    class Meta:
        abstract = True


class MonthlyStat(PeriodStat):
    """Per month, so statistics over whole months (a year of a city) read a few thousand rows
    instead of every milestone."""

    month = models.DateField()

    class Meta:
        verbose_name = _("月度汇总（统计用）")
        verbose_name_plural = _("月度汇总（统计用）")
        constraints = [
            models.UniqueConstraint(
                fields=["month", *STAT_KEY],
                name="monthly_stat_unique",
            )
        ]
        indexes = [
            # The roll-up deletes the rows a delta brought to zero after every batch: found
            # through this index instead of a scan of the table.
            models.Index(fields=["id"], condition=Q(n=0), name="monthly_stat_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.month.isoformat()} {self.region_code} {self.kind} {self.n}"


class DailyStat(PeriodStat):
    """Per day: the days of a period outside its whole months (17 June to 16 June reads the
    first and last part-months here, the eleven whole months between from `MonthlyStat`), so
    no period reads the milestones themselves."""

    day = models.DateField()

    class Meta:
        verbose_name = _("每日汇总（统计用）")
        verbose_name_plural = _("每日汇总（统计用）")
        constraints = [
            models.UniqueConstraint(
                fields=["day", *STAT_KEY],
                name="daily_stat_unique",
            )
        ]
        indexes = [models.Index(fields=["id"], condition=Q(n=0), name="daily_stat_empty")]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.region_code} {self.kind} {self.n}"


class Rule(models.TextChoices):
    """Rules for irregular actions (domain.md §11; seed 003 (十三) 电子监察)."""

    REPEATED_SUSPENSION = "repeated_suspension", _("多次中止：同一办件中止超过两次")
    OFF_HOURS_DECISION = "off_hours_decision", _("非工作时间作出决定")
    REFUSAL_REVERSED = "refusal_reversed", _("不予受理后又予受理")
    CORE_MATERIAL_MISSING = "core_material_missing", _("核心要件缺失仍予受理")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("应回避未回避：经办亲属的办件")
    REPEATED_CORRECTION = "repeated_correction", _("再次要求补正：一次性告知后又就补正材料告知补正")


class RuleHit(models.Model):
    """An event that breaks a rule. One row per rule and event; the job adds, never edits."""

    rule = models.CharField(_("规则"), max_length=32, choices=Rule.choices)
    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("办件记录"), on_delete=models.CASCADE, related_name="+"
    )
    region_code = models.CharField(max_length=12)
    on = models.DateField(_("业务日期"))
    at = models.DateTimeField(_("操作时间"))
    actor_name = models.CharField(_("操作人"), max_length=100)
    # What the rule found (the other case's number, the missing materials …), rendered in the
    # reader's language by `rules.hit_detail`.
    data = models.JSONField(default=dict, blank=True)
    found_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("异常行为")
        verbose_name_plural = _("异常行为")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "event"], name="rule_hit_unique_per_event")
        ]
        indexes = [
            models.Index(fields=["region_code", "rule", "at"], name="rule_hit_region"),
            # The list's order, newest first: its first page is read from here and stops at
            # 50 rows, where the region's index gave every hit of the scope to sort (all
            # regions at 200,000 cases: a sort of 17,717 hits joined to the cases, 260 ms).
            models.Index(fields=["-at", "-id"], name="rule_hit_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.case_id}#{self.event_id}"


class ConflictDeclaration(models.Model):
    """回避申报: a staff member declares a relative (or a relative's organisation) by ID number
    or unified social credit code. Acting on a case of that applicant is a hit."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("配偶")
        PARENT = "parent", _("父母")
        CHILD = "child", _("子女")
        SIBLING = "sibling", _("兄弟姐妹")
        IN_LAW = "in_law", _("其他近姻亲")
        OTHER_RELATIVE = "other_relative", _("其他近亲属")
        ORGANISATION = "organisation", _("本人或近亲属投资、任职的单位")

    staff = models.ForeignKey(
        Staff, verbose_name=_("申报人"), on_delete=models.PROTECT, related_name="+"
    )
    relative_name = models.CharField(_("亲属姓名或单位名称"), max_length=200)
    relation = models.CharField(_("关系"), max_length=20, choices=Relation.choices)
    # Normalised and checked (GB 11643 or GB 32100) by the action before it is stored.
    number = models.CharField(_("居民身份证号码或统一社会信用代码"), max_length=18, db_index=True)
    declared_on = models.DateField(_("申报日期"))
    withdrawn_on = models.DateField(_("撤销日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        ordering = ["staff", "-declared_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "number"],
                condition=Q(withdrawn_on__isnull=True),
                name="declaration_unique_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} → {self.relative_name}（{self.get_relation_display()}）"


class ReformBaseline(models.Model):
    """Per item, what applying took before the reform: materials, steps and working days
    (entered by a catalogue administrator or imported); compared with the published guide."""

    item = models.OneToOneField(
        Item, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="reform_baseline"
    )
    materials = models.PositiveSmallIntegerField(_("改革前申请材料（件）"))
    steps = models.PositiveSmallIntegerField(
        _("改革前办理环节（个）"), validators=[MinValueValidator(1)]
    )
    days = models.PositiveSmallIntegerField(_("改革前办理时限（工作日）"))
    source = models.CharField(_("数据来源"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("改革前基数")
        verbose_name_plural = _("改革前基数")

    def __str__(self) -> str:
        return f"{self.item}: {self.materials}/{self.steps}/{self.days}"
