"""A case (办件): one application for one handling item version, from receipt to closing.

The state moves only through `cases.actions` (the transition table is `cases.rules.TRANSITIONS`).
Every move appends a `CaseEvent`; events form a hash chain per case, so a changed or deleted
row is detectable (`oneseal audit verify`). Due dates are stored, computed by
`cases.rules` from the working-day calendar at the moment an action happens.
"""

import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.applicants.models import Applicant
from oneseal.calendars.queries import today as business_today
from oneseal.catalogue.models import (
    HandlingItem,
    Material,
    MissedPromiseRule,
    ReviewStep,
    SpecialProcedure,
)
from oneseal.organisation.models import Bureau, Section, ServiceCentre
from oneseal.regions.models import Region
from oneseal.regions.rules import prefix_scope


class State(models.TextChoices):
    RECEIVED = "received", _("已收件")
    AWAITING_CORRECTION = "awaiting_correction", _("待补正")
    ACCEPTED = "accepted", _("已受理")
    SUSPENDED = "suspended", _("已中止")
    GRANTED = "granted", _("准予许可")
    DENIED = "denied", _("不予许可")
    DELIVERED = "delivered", _("已送达")
    REFUSED = "refused", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")
    TERMINATED = "terminated", _("已终止")


OPEN_STATES = (
    State.RECEIVED,
    State.AWAITING_CORRECTION,
    State.ACCEPTED,
    State.SUSPENDED,
    State.GRANTED,
)
CLOSED_STATES = (State.DENIED, State.DELIVERED, State.REFUSED, State.WITHDRAWN, State.TERMINATED)


class Channel(models.TextChoices):
    WINDOW = "window", _("窗口")
    ONLINE = "online", _("网上")


def region_scope(prefix: str, field: str = "region_code") -> Q:
    """The rows (a case, or a row that carries its case's region in `field`) whose region
    code starts with `prefix`: regions.rules.prefix_scope, a range on the code that plain
    b-trees (region_code alone or after state) answer."""
    return prefix_scope(prefix, field)


class CaseQuerySet(models.QuerySet):
    def open(self) -> Self:
        return self.filter(state__in=OPEN_STATES)

    def visible_to_prefix(self, prefix: str | None) -> Self:
        """Cases of the regions under `prefix` (from organisation.rules.scope_prefix)."""
        if prefix is None:
            return self.none()
        return self.filter(region_scope(prefix))


class Case(models.Model):
    # Kept on the instance by the actions, never stored: the head of the event chain as last
    # locked or written, what `intake.receive` and `review.create_steps` just created, and the
    # checklist `intake.accept` read under its lock and left as stored (for the caller to show).
    _chain_head: tuple[int, str]
    new_lines: list["CaseMaterial"]
    new_events: list["CaseEvent"]
    created_steps: list["CaseStep"]
    held_lines: list["CaseMaterial"]
    # Given by a caller, never stored: the region range its scope is, for `_base.lock` to check.
    in_range: tuple[str, str]

    number = models.CharField(_("办件编号"), max_length=32, unique=True)
    query_code = models.CharField(_("查询码"), max_length=8)
    handling_item = models.ForeignKey(
        HandlingItem,
        verbose_name=_("办理项（版本）"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="cases"
    )
    agent_name = models.CharField(_("代办人"), max_length=100, blank=True)
    agent_id_number = models.CharField(_("代办人身份证号码"), max_length=18, blank=True)
    agent_phone = models.CharField(_("代办人电话"), max_length=40, blank=True)
    bureau = models.ForeignKey(
        Bureau, verbose_name=_("行政审批局"), on_delete=models.PROTECT, related_name="cases"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised for scoping by prefix without a join (organisation.rules.scope_prefix).
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    channel = models.CharField(
        _("收件渠道"), max_length=16, choices=Channel.choices, default=Channel.WINDOW
    )
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)
    state = models.CharField(
        _("状态"), max_length=24, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    received_at = models.DateTimeField(_("收件时间"))
    received_on = models.DateField(_("收件日期"))
    # The 5 working days of 《行政许可法》第三十二条 run from the latest arrival of materials.
    materials_arrived_on = models.DateField(_("材料齐备日期"))
    acceptance_due = models.DateField(_("受理期限"))
    acceptance_due_provisional = models.BooleanField(default=False)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("逾期视为受理"), default=False)
    promised_due = models.DateField(_("承诺办结日期"), null=True, blank=True)
    statutory_due = models.DateField(_("法定办结日期"), null=True, blank=True)
    # Each decision due date counts over its own span, so each has its own flag (set together
    # by `set_dues`). "Either of them" is not stored: the recalculation after a published
    # holiday schedule finds the cases by the flags themselves (the partial index
    # `case_provisional`), and `due_provisional` below derives it for the readers.
    promised_due_provisional = models.BooleanField(_("承诺办结日期暂定"), default=False)
    statutory_due_provisional = models.BooleanField(_("法定办结日期暂定"), default=False)
    suspended_on = models.DateField(_("中止日期"), null=True, blank=True)
    promised_remaining_at_suspension = models.IntegerField(null=True, blank=True)
    statutory_remaining_at_suspension = models.IntegerField(null=True, blank=True)
    extended = models.BooleanField(_("已延期"), default=False)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    delivery_due = models.DateField(_("送达期限"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A 变更 / 延续 / 注销 / 补证 application acts on a licence already issued; its grant changes
    # that licence (cases.actions.licences), never issuing a new one.
    target_licence = models.ForeignKey(
        "Licence",
        verbose_name=_("所涉证照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acting_cases",
    )

    # Received at a township service centre under the bureau's delegation (委托): the centre's
    # staff act on it within the delegation (oneseal.delegations.rules); the case stays the
    # bureau's, in the bureau's region, and is decided in the bureau's name.
    service_centre = models.ForeignKey(
        ServiceCentre,
        verbose_name=_("受托便民服务中心"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="case_unique_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "acceptance_due"], name="case_acceptance_due"),
            # The case lists' order (newest first): the first page of a million cases is the
            # index's first rows, not a sort of every row (bench/supervision.py (e)).
            models.Index(fields=["-received_at", "-id"], name="case_received_order"),
            # A queue's cases and its count: one state in one region (the scope's range on
            # region_code, region_scope), read from the index alone.
            models.Index(fields=["state", "region_code"], name="case_state_region"),
            # The lists' filter by date received, within a region.
            models.Index(fields=["received_on", "region_code"], name="case_received_on_region"),
            # ... and by date received in a state (a queue's tab with the date filter), 0021.
            models.Index(
                fields=["state", "received_on", "region_code"], name="case_state_received_region"
            ),
            # ... and by item (its handling items), within a region.
            models.Index(fields=["handling_item", "region_code"], name="case_item_region"),
            # ... and by item in a state (a queue's tab with the item filter), cases 0019.
            models.Index(
                fields=["handling_item", "state", "region_code"], name="case_item_state_region"
            ),
            # The delivery queue in its order (granted cases by delivery due), cases 0019.
            models.Index(
                fields=["delivery_due", "id"],
                condition=Q(state="granted"),
                name="case_granted_delivery",
            ),
            # The warning scan and the e-supervision lists read running (accepted) cases by due
            # date; covering indexes on PostgreSQL (measured in bench/cases.py). SQLite skips
            # covering indexes, which the embedded demo does not need.
            models.Index(
                fields=["promised_due", "id"],
                include=["statutory_due", "region_code"],
                condition=Q(state="accepted"),
                name="case_running_promised",
            ),
            models.Index(
                fields=["statutory_due", "id"],
                include=["promised_due", "region_code"],
                condition=Q(state="accepted"),
                name="case_running_statutory",
            ),
            models.Index(
                fields=["id"],
                condition=Q(acceptance_due_provisional=True)
                | Q(promised_due_provisional=True)
                | Q(statutory_due_provisional=True),
                name="case_provisional",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def due_provisional(self) -> bool:
        """Either decision due date is provisional (what the API's `clocks.due_provisional` and
        the printed notices' "provisional" said before each date had its own flag)."""
        return self.promised_due_provisional or self.statutory_due_provisional


class CaseCounter(models.Model):
    """The last case number given per region and year; locked while numbering."""

    region_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year"], name="case_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_code}/{self.year}: {self.last}"


class CaseMaterial(models.Model):
    """One line of the case's material checklist, from the version's materials."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待核")
        PROVIDED = "provided", _("已提交")
        MISSING = "missing", _("缺少")
        DEFECTIVE = "defective", _("需补正")
        TOLERATED = "tolerated", _("容缺后补")
        NOT_NEEDED = "not_needed", _("不适用")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(
        Material, verbose_name=_("材料"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    promised_by = models.DateField(_("承诺补齐日期"), null=True, blank=True)
    supplied_on = models.DateField(_("补齐日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering = ["case", "material__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "material"], name="case_material_unique")
        ]

    def __str__(self) -> str:
        return f"{self.material} ({self.get_status_display()})"


class Upload(models.Model):
    """A file supplied for a case material. Never overwritten: a new file is a new row."""

    case_material = models.ForeignKey(
        CaseMaterial, on_delete=models.PROTECT, related_name="uploads"
    )
    file = models.FileField(upload_to="cases/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("上传文件")
        verbose_name_plural = _("上传文件")

    def __str__(self) -> str:
        return f"{self.original_name} {self.sha256[:12]}"


class HeldScan(models.Model):
    """A scan the window keeps for an intake it refused (`actions.hold_upload`), stored once
    under its digest: the mark the worker's sweep reads, and the row it and whoever gives the
    file to a case lock (`actions.held_scans`). The form's signed reference to the scan is
    valid for `held_scans.VALIDITY` after `held_at`; holding the same file again renews it."""

    name = models.CharField(_("存储文件"), max_length=200, unique=True)
    sha256 = models.CharField(max_length=64)
    held_at = models.DateTimeField(_("暂存时间"), db_index=True)

    class Meta:
        verbose_name = _("窗口暂存扫描件")
        verbose_name_plural = _("窗口暂存扫描件")

    def __str__(self) -> str:
        return self.name


class CaseEvent(models.Model):
    """An append-only, per-case hash-chained record of every action on a case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    on = models.DateField(_("业务日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=100)
    action = models.CharField(_("操作"), max_length=40)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24)
    reason = models.TextField(_("理由"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    notice_due = models.CharField(_("应出具文书"), max_length=40, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("办件记录")
        verbose_name_plural = _("办件记录")
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="case_event_unique_seq")
        ]
        indexes = [
            # The cases a clerk asked to correct: the assigned-to-me count on every staff
            # page (workbench.assigned; migration 0020).
            models.Index(
                fields=["actor", "case"],
                condition=Q(action="request_correction"),
                name="case_event_correction_by",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"


# --- Review and decision (《行政许可法》第三十四条至第四十五条) ---------------------------------


class CaseStep(models.Model):
    """One review step of a case, copied from the handling item version's `ReviewStep`s when
    the case is first worked on after acceptance; the version never changes, so neither do
    the steps a case must pass."""

    class StepState(models.TextChoices):
        PENDING = "pending", _("待办")
        DONE = "done", _("已完成")

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("同意")
        REJECT = "reject", _("不同意")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    review_step = models.ForeignKey(
        ReviewStep, verbose_name=_("审批环节"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=100)
    role = models.CharField(_("承办角色"), max_length=16, choices=ReviewStep.Role.choices)
    section = models.ForeignKey(
        Section,
        verbose_name=_("承办科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=StepState.choices, default=StepState.PENDING
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_on = models.DateField(_("办理日期"), null=True, blank=True)
    opinion = models.TextField(_("意见"), blank=True)
    outcome = models.CharField(_("结论"), max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("办件审批环节")
        verbose_name_plural = _("办件审批环节")
        ordering = ["case", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "review_step"], name="case_step_unique")
        ]
        indexes = [
            # The queues' pending steps (workbench.queries: each case's first pending step):
            # a few per running case, where the table holds every step ever done.
            models.Index(
                fields=["case", "order", "id"],
                include=["role", "assignee"],
                condition=Q(state="pending"),
                name="casestep_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_state_display()}）"


class SiteInspection(models.Model):
    """第三十四条第三款: the substance of the materials checked on site by two or more staff."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="site_inspections")
    on = models.DateField(_("核查日期"))
    place = models.CharField(_("核查地点"), max_length=300)
    findings = models.TextField(_("核查情况"))
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("核查人员"), related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("现场核查")
        verbose_name_plural = _("现场核查")
        ordering = ["case", "on", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.on.isoformat()} {self.place}"


class Suspension(models.Model):
    """第四十五条: a special procedure whose time does not count. The working days left on
    each clock at the suspension are kept so the resumption can restore them exactly."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="suspensions")
    kind = models.CharField(_("特别程序"), max_length=16, choices=SpecialProcedure.Kind.choices)
    reason = models.TextField(_("中止理由"))
    expected_days = models.PositiveSmallIntegerField(_("预计所需时间（工作日）"))
    expected_end = models.DateField(_("预计完成日期"))
    suspended_on = models.DateField(_("中止日期"))
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    promised_remaining = models.IntegerField(_("中止时承诺时限剩余工作日"))
    # Null when the statutory clock ran on through it (a procedure 第四十五条 does not list and the
    # item's own law does not add): only the promised clock stopped.
    statutory_remaining = models.IntegerField(_("中止时法定时限剩余工作日"), null=True, blank=True)
    stops_statutory = models.BooleanField(_("中止法定期限"), default=True)
    basis = models.CharField(_("法律依据"), max_length=300, blank=True)
    technical_support = models.BooleanField(_("技术支撑"), default=False)
    resumed_on = models.DateField(_("恢复日期"), null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("中止记录")
        verbose_name_plural = _("中止记录")
        ordering = ["case", "suspended_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(resumed_on__isnull=True),
                name="suspension_at_most_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.suspended_on.isoformat()}"


class Extension(models.Model):
    """第四十二条: the one extension a case may have, asked for by a reviewer and approved by
    the bureau's head. One row per case, so a second extension cannot exist."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="extension")
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_on = models.DateField(_("申请日期"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("延长工作日"), null=True, blank=True)
    # 第四十二条第二款: the 15 days of joint handling are approved by the head of the people's
    # government at the bureau's level, not by the bureau's own head (who records it).
    government_approver = models.CharField(
        _("批准延期的本级人民政府负责人"), max_length=100, blank=True
    )
    approval_document = models.CharField(_("批准文件（文号）"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("延期")
        verbose_name_plural = _("延期")

    def __str__(self) -> str:
        return f"{self.case} +{self.days or 0}"


class ExtensionRejection(models.Model):
    """A request for the extension that the head refused. The request is closed: its row leaves
    `Extension` and its record stays here, so that another may be made while the law still
    allows one (第四十二条 limits the extensions granted, not the requests). The clocks do
    not move."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extension_rejections")
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_on = models.DateField(_("申请日期"))
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("驳回人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejected_on = models.DateField(_("驳回日期"))
    rejection_reason = models.TextField(_("驳回理由"))

    class Meta:
        verbose_name = _("驳回的延期申请")
        verbose_name_plural = _("驳回的延期申请")
        ordering = ["case", "rejected_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.requested_on.isoformat()} ✗ {self.rejected_on.isoformat()}"


class LicenceCounter(models.Model):
    """The last licence number given per bureau and year; locked while numbering."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bureau", "year"], name="licence_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bureau_id}/{self.year}: {self.last}"


class LicenceQuerySet(models.QuerySet):
    def standing_is(self, standing: str, on: datetime.date) -> Self:
        """Licences whose standing on day `on` is `standing` (see `Licence.standing`)."""
        return self.filter(standing_q(standing, on))

    def in_force(self, on: datetime.date) -> Self:
        return self.standing_is(Licence.Standing.VALID, on)


class Licence(models.Model):
    """The result of a grant (第三十九条), one number for its whole life. A 变更, 延续 or 补证
    grant adds a `LicenceVersion` and updates the current terms kept here; a 注销 grant cancels
    it. Held while tolerated materials are outstanding and the handling item says so; revoked
    when a promise is broken, a commitment proves false, or the bureau decides so. Expiry is
    not stored: a valid licence whose `valid_until` has passed stands as expired."""

    class LicenceState(models.TextChoices):
        VALID = "valid", _("有效")
        HELD = "held", _("暂缓发放")
        CANCELLED = "cancelled", _("已注销")
        REVOKED = "revoked", _("已撤销")

    class Standing(models.TextChoices):
        VALID = "valid", _("有效")
        HELD = "held", _("暂缓发放")
        CANCELLED = "cancelled", _("已注销")
        REVOKED = "revoked", _("已撤销")
        EXPIRED = "expired", _("已过期")

    number = models.CharField(_("证照编号"), max_length=40, unique=True)
    # Printed on the document as a code anyone can resolve to this record.
    verification_code = models.CharField(_("核验码"), max_length=32, unique=True)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="licence")
    name = models.CharField(_("证照名称"), max_length=200)
    holder = models.ForeignKey(
        Applicant, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="licences"
    )
    # The current version's terms (the latest LicenceVersion), kept here so every reader of a
    # licence sees what is in force without reading its history.
    scope = models.TextField(_("许可范围"))
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    issued_on = models.DateField(_("发证日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    state = models.CharField(
        _("状态"), max_length=16, choices=LicenceState.choices, default=LicenceState.VALID
    )
    released_on = models.DateField(_("解除暂缓日期"), null=True, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revocation_reason = models.TextField(_("撤销理由"), blank=True)
    cancelled_on = models.DateField(_("注销日期"), null=True, blank=True)

    objects = LicenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("证照")
        verbose_name_plural = _("证照")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(
                fields=["valid_until", "id"], condition=Q(state="valid"), name="licence_valid_until"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.number}"

    def standing(self, on: datetime.date | None = None) -> str:
        """The licence's standing on day `on` (today by default): cancelled and revoked are
        final; otherwise a licence whose validity ended before `on` has expired."""
        if self.state in (self.LicenceState.CANCELLED, self.LicenceState.REVOKED):
            return self.state
        on = on or business_today()
        if self.valid_until is not None and self.valid_until < on:
            return self.Standing.EXPIRED
        return self.state

    def standing_display(self, on: datetime.date | None = None) -> str:
        return str(self.Standing(self.standing(on)).label)

    def is_in_force(self, on: datetime.date | None = None) -> bool:
        return self.standing(on) == self.Standing.VALID


def standing_q(standing: str, on: datetime.date) -> Q:
    """The database condition of `Licence.standing(on) == standing`."""
    live = Q(state__in=[Licence.LicenceState.VALID, Licence.LicenceState.HELD])
    current = Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    if standing == Licence.Standing.EXPIRED:
        return live & Q(valid_until__lt=on)
    if standing in (Licence.Standing.VALID, Licence.Standing.HELD):
        return Q(state=standing) & current
    return Q(state=standing)


class LicenceVersion(models.Model):
    """One issue of a licence: the first grant, each change (变更), renewal (延续, including one
    deemed by law) and replacement copy (补证／换证). Its document is the LICENCE document
    issued for `event`."""

    class Kind(models.TextChoices):
        NEW = "new", _("新办")
        CHANGE = "change", _("变更")
        RENEWAL = "renewal", _("延续")
        REPLACEMENT = "replacement", _("补证／换证")

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    deemed = models.BooleanField(_("视为准予延续"), default=False)
    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="licence_versions"
    )
    event = models.ForeignKey(
        CaseEvent,
        verbose_name=_("办件记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope = models.TextField(_("许可范围"))
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    issued_on = models.DateField(_("发证日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("证照版本")
        verbose_name_plural = _("证照版本")
        ordering = ["licence", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "number"], name="licence_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.licence.number} v{self.number} {self.get_kind_display()}"


class ExpiryReminder(models.Model):
    """A reminder to the holder that the licence expires (《行政许可法》第五十条): one per
    licence, expiry date and threshold (90, 60, 30 days), written by the worker."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="reminders")
    valid_until = models.DateField(_("有效期至"))
    days_before = models.PositiveSmallIntegerField(_("提前天数"))
    on = models.DateField(_("提醒日期"))
    emailed_to = models.CharField(_("邮件发送至"), max_length=254, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("到期提醒")
        verbose_name_plural = _("到期提醒")
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "valid_until", "days_before"], name="expiry_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.licence.number} {self.days_before}d {self.on.isoformat()}"


class RenewalLeadTime(models.Model):
    """An item whose own law sets another period than the 30 days of 《行政许可法》第五十条
    before expiry within which a renewal must be applied for. Kept per lasting `Item`, so every
    version of its guide follows it."""

    item = models.OneToOneField(
        "catalogue.Item", on_delete=models.PROTECT, related_name="renewal_lead_time"
    )
    days = models.PositiveSmallIntegerField(_("届满前提出延续申请的天数"))
    basis = models.CharField(_("法律依据"), max_length=300)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("延续申请提前期限")
        verbose_name_plural = _("延续申请提前期限")

    def __str__(self) -> str:
        return f"{self.item_id}: {self.days}"


class Delivery(models.Model):
    """第四十四条: how and when the licence reached the applicant, and whether that was within
    10 working days of the decision."""

    class DeliveryChannel(models.TextChoices):
        WINDOW = "window", _("窗口领取")
        POST = "post", _("邮寄送达")
        ELECTRONIC = "electronic", _("电子证照")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="delivery")
    # A licence is delivered once per case that issued or changed it.
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(_("送达方式"), max_length=16, choices=DeliveryChannel.choices)
    on = models.DateField(_("送达日期"))
    tracking_number = models.CharField(_("邮件单号"), max_length=60, blank=True)
    within_due = models.BooleanField(_("在送达期限内"))
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")

    def __str__(self) -> str:
        return f"{self.case} {self.get_channel_display()} {self.on.isoformat()}"


class MissedPromise(models.Model):
    """A tolerated material whose promised date passed without it: noticed once by the worker,
    which then applies the handling item's rule (hold the licence or revoke it)."""

    case_material = models.OneToOneField(
        CaseMaterial, on_delete=models.PROTECT, related_name="missed_promise"
    )
    noticed_on = models.DateField(_("发现日期"))
    rule = models.CharField(_("处理方式"), max_length=16, choices=MissedPromiseRule.choices)
    licence = models.ForeignKey(
        Licence, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("容缺承诺逾期")
        verbose_name_plural = _("容缺承诺逾期")

    def __str__(self) -> str:
        return f"{self.case_material} {self.noticed_on.isoformat()}"


# --- Commitment approval (告知承诺) --------------------------------------------------------


class Commitment(models.Model):
    """告知承诺: the applicant's signed written commitment that they meet the conditions of a
    handling item designated for commitment approval. The bureau decides on it; a grant
    without one is refused."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="commitment")
    text = models.TextField(_("承诺内容"))
    signed_on = models.DateField(_("签署日期"))
    recorded_on = models.DateField(_("登记日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("告知承诺书")
        verbose_name_plural = _("告知承诺书")

    def __str__(self) -> str:
        return f"{self.case} {self.signed_on.isoformat()}"


class CommitmentVerification(models.Model):
    """The check after a grant on commitment that the commitment was true, due a number of
    working days (the handling item's `verification_days`) after the decision."""

    class VerificationState(models.TextChoices):
        OPEN = "open", _("待核查")
        CONFIRMED = "confirmed", _("承诺属实")
        FALSE_COMMITMENT = "false_commitment", _("虚假承诺")

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="commitment_verification"
    )
    decided_on = models.DateField(_("许可决定日期"))
    days = models.PositiveSmallIntegerField(_("核查期限（工作日）"))
    due_on = models.DateField(_("核查截止日期"))
    due_provisional = models.BooleanField(_("期限暂定"), default=False)
    state = models.CharField(
        _("核查状态"),
        max_length=16,
        choices=VerificationState.choices,
        default=VerificationState.OPEN,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_on = models.DateField(_("核查日期"), null=True, blank=True)
    findings = models.TextField(_("核查情况"), blank=True)
    # Set by the worker the first time it finds the check late, so it says so only once.
    overdue_noticed_on = models.DateField(_("逾期发现日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("告知承诺核查")
        verbose_name_plural = _("告知承诺核查")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["due_on", "id"],
                condition=Q(state="open", overdue_noticed_on__isnull=True),
                name="verification_unnoticed_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_state_display()} {self.due_on.isoformat()}"


class CreditRecord(models.Model):
    """An entry in the applicant's credit record (信用记录), written when a commitment proves
    false (domain.md §5)."""

    class Kind(models.TextChoices):
        FALSE_COMMITMENT = "false_commitment", _("虚假承诺")

    applicant = models.ForeignKey(
        Applicant, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="credit_records"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="credit_records"
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    reason = models.TextField(_("事由"))
    on = models.DateField(_("记录日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.applicant} {self.get_kind_display()} {self.on.isoformat()}"


# --- Revocation (《行政许可法》第六十九条) -------------------------------------------------------


class RevocationProposal(models.Model):
    """A proposal to revoke a licence. Revoking is a procedure, not a click: the holder is told
    the facts, the grounds and the legal basis and may state their views (陈述、申辩) — and, where
    the proposer marks the matter as one of 第四十七条, request a hearing — within a period of
    working days after being notified; only when the views are in or the period has passed may a
    signatory decide. Moves only through `cases.actions.revocation`."""

    class Grounds(models.TextChoices):
        DEPARTMENT_REQUEST = "department_request", _("行业主管部门建议撤销")
        FALSE_COMMITMENT = "false_commitment", _("申请人作出虚假承诺")
        BROKEN_PROMISE = "broken_promise", _("容缺受理承诺逾期未履行")
        OWN_FINDING = "own_finding", _("本机关依职权发现")

    class ProposalState(models.TextChoices):
        PROPOSED = "proposed", _("已提出，待告知")
        NOTIFIED = "notified", _("已告知，陈述申辩期内")
        VIEWS_RECEIVED = "views_received", _("已收到陈述申辩")
        REVOKED = "revoked", _("决定撤销")
        KEPT = "kept", _("决定不予撤销")
        WITHDRAWN = "withdrawn", _("已撤回提议")

    class ViewsChannel(models.TextChoices):
        ONLINE = "online", _("网上提交")
        WINDOW = "window", _("窗口书面或口头提出")
        HEARING = "hearing", _("听证")

    licence = models.ForeignKey(
        "Licence",
        verbose_name=_("证照"),
        on_delete=models.PROTECT,
        related_name="revocation_proposals",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="revocation_proposals"
    )
    grounds = models.CharField(_("撤销事由"), max_length=24, choices=Grounds.choices)
    facts = models.TextField(_("事实"))
    basis = models.CharField(_("法律依据"), max_length=300)
    hearing_right = models.BooleanField(_("告知听证权利"), default=False)
    views_days = models.PositiveSmallIntegerField(_("陈述申辩期限（工作日）"))
    state = models.CharField(
        _("状态"), max_length=16, choices=ProposalState.choices, default=ProposalState.PROPOSED
    )
    proposed_on = models.DateField(_("提出日期"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requesting_department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("建议撤销的部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notified_on = models.DateField(_("告知送达日期"), null=True, blank=True)
    views_due = models.DateField(_("陈述申辩截止日期"), null=True, blank=True)
    views_due_provisional = models.BooleanField(_("期限暂定"), default=False)
    views = models.TextField(_("陈述申辩意见"), blank=True)
    views_on = models.DateField(_("陈述申辩日期"), null=True, blank=True)
    views_channel = models.CharField(
        _("陈述申辩方式"), max_length=16, choices=ViewsChannel.choices, blank=True
    )
    views_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hearing_requested = models.BooleanField(_("申请听证"), default=False)
    hearing_held_on = models.DateField(_("听证日期"), null=True, blank=True)
    hearing_record = models.TextField(_("听证笔录摘要"), blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.TextField(_("决定理由"), blank=True)

    class Meta:
        verbose_name = _("撤销许可提议")
        verbose_name_plural = _("撤销许可提议")
        ordering = ["-proposed_on", "-id"]
        constraints = [
            # One procedure at a time per licence: a second proposal would give the holder two
            # periods to answer for one revocation.
            models.UniqueConstraint(
                fields=["licence"],
                condition=Q(state__in=["proposed", "notified", "views_received"]),
                name="revocation_proposal_one_open_per_licence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence} {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_PROPOSAL_STATES


OPEN_PROPOSAL_STATES = (
    RevocationProposal.ProposalState.PROPOSED,
    RevocationProposal.ProposalState.NOTIFIED,
    RevocationProposal.ProposalState.VIEWS_RECEIVED,
)
