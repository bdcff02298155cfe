"""Running the reform (issue 12, points 1–3): the transfer agreements (一事一协议 / 划转协议,
seed 004 二(二)) with what is handed over, the staffing quotas (编制, seed 001 二(一)) and the
staff moved with them (编随事走、人随编走, seeds 000, 001, 004), their training until they may
act alone (seed 004 二(四)), and each department's transition period with its liaison
official (seed 000 四(二)6).

Rows change only through `transfers.actions`."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oneseal.catalogue.models import Item
from oneseal.organisation.models import Bureau, Department, Staff


class Agreement(models.Model):
    """A department's transfer agreement with the bureau: the items it moves, on which date,
    who does what afterwards, the systems, equipment and archives handed over. Both heads
    sign it; then the bureau seals it as a PDF. A signed agreement is never edited."""

    bureau = models.ForeignKey(
        Bureau, verbose_name=_("行政审批局"), on_delete=models.PROTECT, related_name="agreements"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("原审批部门"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    title = models.CharField(_("协议名称"), max_length=200)
    transfer_date = models.DateField(_("划转日期"))
    bureau_duties = models.TextField(_("审批局职责"))
    department_duties = models.TextField(_("原审批部门职责"))
    # 原审批人员数: the department's staff who did the approval work of these items, the base
    # of seed 004's 30–50% of staff that must move.
    approval_staff = models.PositiveSmallIntegerField(_("原审批人员数"))
    notes = models.TextField(_("其他约定"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    bureau_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批局签字人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bureau_signer_name = models.CharField(_("审批局签字人"), max_length=50, blank=True)
    bureau_signed_on = models.DateField(_("审批局签字日期"), null=True, blank=True)
    department_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("原审批部门签字人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department_signer_name = models.CharField(_("原审批部门签字人"), max_length=50, blank=True)
    department_signed_on = models.DateField(_("原审批部门签字日期"), null=True, blank=True)
    # The sealed PDF (documents' rendering and the bureau's approval seal).
    number = models.CharField(_("协议编号"), max_length=60, blank=True)
    file = models.CharField(max_length=200, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    verification_code = models.CharField(max_length=10, blank=True, editable=False)
    sealed_on = models.DateField(_("盖章日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("划转协议")
        verbose_name_plural = _("划转协议")
        ordering = ["region_code", "transfer_date", "department__order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def signed(self) -> bool:
        return bool(self.bureau_signed_on and self.department_signed_on)

    @property
    def started_signing(self) -> bool:
        return bool(self.bureau_signed_on or self.department_signed_on)

    @property
    def sealed(self) -> bool:
        return bool(self.file)


class AgreementItem(models.Model):
    """An item the agreement moves; its own transfer date where it differs from the
    agreement's. An item is moved by one agreement only."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="items")
    item = models.OneToOneField(
        Item, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="agreement_item"
    )
    transfer_date = models.DateField(_("本事项划转日期"), null=True, blank=True)
    notes = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("划转事项")
        verbose_name_plural = _("划转事项")
        ordering = ["agreement", "item__basic_code"]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.item}"

    @property
    def effective_date(self) -> datetime.date:
        return self.transfer_date or self.agreement.transfer_date


class Handover(models.Model):
    """What the department hands over with the items (seed 000 四(二)4; seed 004: 系统设备、
    档案管理): systems and their accounts and keys, equipment, archives with their counts."""

    class Kind(models.TextChoices):
        SYSTEM = "system", _("业务系统")
        EQUIPMENT = "equipment", _("设备")
        ARCHIVE = "archive", _("档案资料")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="handovers")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=200)
    quantity = models.PositiveIntegerField(_("数量"))
    unit = models.CharField(_("单位"), max_length=10)
    notes = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("移交清单")
        verbose_name_plural = _("移交清单")
        ordering = ["agreement", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name} {self.quantity}{self.unit}"


class Body(models.TextChoices):
    """Who holds a quota: the bureau itself (an organ of government) or its service centre (a
    public institution it manages, seed 001 二(一))."""

    BUREAU = "bureau", _("行政审批局")
    CENTRE = "centre", _("政务服务中心（事业单位）")


class QuotaKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("行政编制")
    INSTITUTION = "institution", _("事业编制")
    WORKER = "worker", _("工勤编制")
    PURCHASED = "purchased", _("政府购买服务岗位")


class StaffingQuota(models.Model):
    """编制: the approved headcount of one kind for the bureau or its centre."""

    bureau = models.ForeignKey(
        Bureau, verbose_name=_("行政审批局"), on_delete=models.PROTECT, related_name="quotas"
    )
    body = models.CharField(_("单位"), max_length=16, choices=Body.choices)
    kind = models.CharField(_("编制类别"), max_length=16, choices=QuotaKind.choices)
    approved = models.PositiveSmallIntegerField(_("核定数"))
    basis = models.CharField(_("核定依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("编制")
        verbose_name_plural = _("编制")
        ordering = ["bureau", "body", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "body", "kind"], name="quota_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_body_display()}{self.get_kind_display()} {self.approved}"


class StaffTransfer(models.Model):
    """A staff member moved from a department to the bureau (or its centre) on a date, on a
    quota of a kind. Until `cleared_on` they train and may not act alone: no acting role."""

    staff = models.OneToOneField(
        Staff, verbose_name=_("工作人员"), on_delete=models.PROTECT, related_name="transfer"
    )
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="staff_transfers")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    department = models.ForeignKey(
        Department,
        verbose_name=_("原单位"),
        on_delete=models.PROTECT,
        related_name="staff_transfers",
    )
    moved_on = models.DateField(_("划转日期"))
    body = models.CharField(_("划入单位"), max_length=16, choices=Body.choices)
    quota_kind = models.CharField(_("编制类别"), max_length=16, choices=QuotaKind.choices)
    cleared_on = models.DateField(_("可独立办理日期"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("划转人员")
        verbose_name_plural = _("划转人员")
        ordering = ["moved_on", "department__order", "id"]

    def __str__(self) -> str:
        return f"{self.staff} ← {self.department}"

    def cleared_by_day(self, day: datetime.date) -> bool:
        return self.cleared_on is not None and self.cleared_on <= day


class Training(models.Model):
    """A training session of a transferred staff member (seed 004 二(四): 直至其能完全承担审批
    工作为止)."""

    transfer = models.ForeignKey(StaffTransfer, on_delete=models.CASCADE, related_name="trainings")
    on = models.DateField(_("培训日期"))
    subject = models.CharField(_("培训内容"), max_length=200)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    trainer = models.CharField(_("授课人／带教人"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["transfer", "on", "id"]

    def __str__(self) -> str:
        return f"{self.transfer.staff} {self.on} {self.subject}"


class Transition(models.Model):
    """A department's transition period (seed 000 四(二)6: 3 months) with the official it names
    to work at the bureau. Support requests to the department go to the liaison until
    `ends_on` (inclusive), then to the department by its duty list."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="transitions")
    department = models.ForeignKey(
        Department,
        verbose_name=_("原审批部门"),
        on_delete=models.PROTECT,
        related_name="transitions",
    )
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    starts_on = models.DateField(_("过渡期开始"))
    ends_on = models.DateField(_("过渡期结束"))
    liaison = models.ForeignKey(
        Staff, verbose_name=_("联络人"), on_delete=models.PROTECT, related_name="liaison_periods"
    )
    liaison_name = models.CharField(_("联络人"), max_length=50)
    liaison_title = models.CharField(_("职务"), max_length=60, blank=True)
    liaison_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    duties = models.TextField(_("过渡期职责"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("过渡期")
        verbose_name_plural = _("过渡期")
        ordering = ["region_code", "starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.department} {self.starts_on}–{self.ends_on}"

    def running_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Reform(models.Model):
    """A reform run by a region's reform office (改革): its plan document and the plan's
    phases as dated milestones (seed 004: 挂牌 by 1-31, 人员划转 by 2-28, 事项划转 and operation
    by 4-30), with the task table (任务分工, seed 003) that carries it out."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="reforms", verbose_name=_("区划")
    )
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    name = models.CharField(_("改革名称"), max_length=200)
    plan_document = models.CharField(_("实施方案"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("改革")
        verbose_name_plural = _("改革")
        ordering = ["region_code", "id"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A phase of the plan with the date it must be reached by."""

    reform = models.ForeignKey(Reform, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("阶段"), max_length=100)
    due_on = models.DateField(_("完成时限"))

    class Meta:
        verbose_name = _("阶段节点")
        verbose_name_plural = _("阶段节点")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.name


class TaskStatus(models.TextChoices):
    OPEN = "open", _("未开始")
    UNDERWAY = "underway", _("推进中")
    DONE = "done", _("已完成")


class ReformTask(models.Model):
    """A line of the task table (改革任务): what is to be done, the lead unit (牵头单位) and
    the helping units (配合单位), the deadline, and how far it has come."""

    reform = models.ForeignKey(Reform, on_delete=models.CASCADE, related_name="tasks")
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    title = models.CharField(_("任务"), max_length=300)
    # The lead unit is the region's bureau or one of its departments (a party or government
    # office that leads a reform task is kept as a department of its region): exactly one.
    # Its region is what puts the task on a county's warnings.
    lead_bureau = models.ForeignKey(
        Bureau,
        verbose_name=_("牵头单位（审批局）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_reform_tasks",
    )
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("牵头单位（部门）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_reform_tasks",
    )
    helping_bureaus = models.ManyToManyField(
        Bureau, verbose_name=_("配合单位（审批局）"), blank=True, related_name="helped_reform_tasks"
    )
    helping_departments = models.ManyToManyField(
        Department,
        verbose_name=_("配合单位（部门）"),
        blank=True,
        related_name="helped_reform_tasks",
    )
    # Names typed before units were linked (migration 0004) that matched no unit; kept so that
    # nothing recorded is lost. New tasks leave them blank.
    former_lead_unit = models.CharField(_("原填牵头单位"), max_length=100, blank=True)
    former_helping_units = models.CharField(_("原填配合单位"), max_length=300, blank=True)
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("改革任务")
        verbose_name_plural = _("改革任务")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lead_bureau__isnull=True)
                | models.Q(lead_department__isnull=True),
                name="reform_task_one_lead_unit",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def lead_unit(self) -> Bureau | Department | None:
        return self.lead_bureau or self.lead_department

    @property
    def lead_unit_name(self) -> str:
        unit = self.lead_unit
        return unit.name if unit is not None else self.former_lead_unit

    @property
    def helping_unit_names(self) -> str:
        """The helping units' names joined as a table shows them (prefetch both relations)."""
        names = [b.name for b in self.helping_bureaus.all()]
        names += [d.name for d in self.helping_departments.all()]
        if self.former_helping_units:
            names.append(self.former_helping_units)
        return "、".join(names)


class ProgressReport(models.Model):
    """A unit's report on a task (进展报告), with an optional attachment kept as uploaded."""

    task = models.ForeignKey(ReformTask, on_delete=models.CASCADE, related_name="reports")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_on = models.DateField(_("报告日期"))
    text = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"))
    file = models.CharField(max_length=200, blank=True, editable=False)
    file_name = models.CharField(_("附件"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["reported_on", "id"]

    def __str__(self) -> str:
        return f"{self.task} {self.reported_on} {self.percent}%"


class Rollout(models.Model):
    """A city-level reform that sets up the bureaus of its chosen counties at once (seed 004:
    the city leads, each county follows the same template). The template's sections are kept
    as given, so the dashboard can say what every county was started with."""

    reform = models.OneToOneField(Reform, on_delete=models.CASCADE, related_name="rollout")
    sections = models.JSONField(_("科室模板"), default=list)
    # The template chosen (`rollout_templates.TEMPLATES`) and the starting accounts it gave
    # every county ([{"key", "title", "roles", "section"}]), kept as started.
    template = models.CharField(_("模板"), max_length=40, blank=True)
    accounts = models.JSONField(_("初始账号模板"), default=list)

    class Meta:
        verbose_name = _("全市推开")
        verbose_name_plural = _("全市推开")

    def __str__(self) -> str:
        return str(self.reform)


class RolloutCounty(models.Model):
    """One county of a rollout with the bureau created for it."""

    rollout = models.ForeignKey(Rollout, on_delete=models.CASCADE, related_name="counties")
    region = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, related_name="rollout_county"
    )
    bureau = models.OneToOneField(Bureau, on_delete=models.PROTECT, related_name="rollout_county")

    class Meta:
        verbose_name = _("推开县区")
        verbose_name_plural = _("推开县区")
        ordering = ["region__code"]

    def __str__(self) -> str:
        return self.region.name


class ListFiling(models.Model):
    """The county's list filed (备案) with the city, once it passed the check against the
    province's guidance catalogue; the counts are those of the filing day. The city accepts it
    or returns it with its reasons; a returned filing stays, and the county files anew. At most
    one filing per county is pending or accepted."""

    class State(models.TextChoices):
        PENDING = "pending", _("待市级审核")
        ACCEPTED = "accepted", _("已备案")
        RETURNED = "returned", _("已退回")

    county = models.ForeignKey(RolloutCounty, on_delete=models.CASCADE, related_name="filings")
    filed_on = models.DateField(_("报送日期"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    guidance_total = models.PositiveIntegerField(_("指导目录事项数"))
    exempted = models.PositiveIntegerField(_("声明无此权力事项数"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_on = models.DateField(_("审核日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reasons = models.TextField(_("退回理由"), blank=True)

    class Meta:
        verbose_name = _("目录备案")
        verbose_name_plural = _("目录备案")
        ordering = ["county", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county"],
                condition=models.Q(state__in=["pending", "accepted"]),
                name="list_filing_one_open_per_county",
            )
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.filed_on}"


class SealRequest(models.Model):
    """A request that the county bureau's approval seal (行政审批专用章) be made, recorded when the
    rollout sets the bureau up. It is marked made when the seal is registered through
    `documents.actions.create_seal` (the receiver in `rollout.seal_registered`)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("待刻制")
        MADE = "made", _("已刻制启用")

    county = models.OneToOneField(
        RolloutCounty, on_delete=models.CASCADE, related_name="seal_request"
    )
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="seal_requests")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    name = models.CharField(_("印章名称"), max_length=100)
    requested_on = models.DateField(_("申请日期"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    made_on = models.DateField(_("启用日期"), null=True, blank=True)
    seal = models.ForeignKey(
        "documents.Seal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("印章刻制申请")
        verbose_name_plural = _("印章刻制申请")
        ordering = ["region_code"]

    def __str__(self) -> str:
        return self.name
