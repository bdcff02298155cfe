"""Approval–supervision linkage (审管联动, domain.md §7).

- `DutyBoundary`: per item, the duty boundary list (职责边界清单) — the supervising department,
  what the bureau does, what the department does, and the technical support it owes with
  time limits (`SupportDuty`).
- `Push`: a decision pushed to the supervising department (双推送), written in the same
  transaction as the decision; the department signs for it within `DepartmentLink.sign_days`
  working days.
- `OutboxMessage`: the transactional outbox of signed webhooks to a department's own system;
  delivered by the worker with retries, a lease against lost workers and a dead-letter state.
- `Feedback`: the department's supervision and enforcement results on a pushed decision.
- `SupportRequest`: a reviewer's request for technical support (技术支撑); the case is
  suspended for it as a special procedure (《行政许可法》第四十五条).
- `OpinionRequest`: a reviewer's request for a department's opinion (征求意见) on a case or a
  project's joint step, with a limit in working days; silence may count as no objection.
- `ApiToken`: a department's token for the linkage API, stored as a hash, with scopes.
"""

import uuid
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.cases.models import Case, CaseEvent, Licence, Suspension
from oneseal.catalogue.models import Item, SpecialProcedure
from oneseal.organisation.models import Department
from oneseal.regions.rules import prefix_scope


class SupportKind(models.TextChoices):
    """The technical support a department owes the bureau (seed 002 (四)), and the special
    procedure of 第四十五条 that the case is suspended for while it runs."""

    SITE_SURVEY = "site_survey", _("现场勘验")
    TECHNICAL_REVIEW = "technical_review", _("技术审查")
    TESTING = "testing", _("检验检测")
    HEARING = "hearing", _("听证")


PROCEDURE_OF = {
    SupportKind.SITE_SURVEY: SpecialProcedure.Kind.SITE_SURVEY,
    SupportKind.TECHNICAL_REVIEW: SpecialProcedure.Kind.EXPERT_REVIEW,
    SupportKind.TESTING: SpecialProcedure.Kind.TESTING,
    SupportKind.HEARING: SpecialProcedure.Kind.HEARING,
}


# --- duty boundaries ----------------------------------------------------------------------


class DutyBoundary(models.Model):
    """职责边界清单: one entry per item of a catalogue. The supervising department receives the
    item's decisions and owes the technical support listed."""

    item = models.OneToOneField(
        Item, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="duty_boundary"
    )
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    supervising_department = models.ForeignKey(
        Department,
        verbose_name=_("监管部门"),
        on_delete=models.PROTECT,
        related_name="duty_boundaries",
    )
    bureau_duties = models.TextField(_("审批局职责"))
    department_duties = models.TextField(_("监管部门职责"))
    coordination = models.TextField(_("衔接机制"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("维护人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("职责边界清单")
        verbose_name_plural = _("职责边界清单")
        ordering = ["region_code", "item__basic_code"]

    def __str__(self) -> str:
        return f"{self.item.basic_code} → {self.supervising_department}"


class SupportDuty(models.Model):
    """A technical support duty of the supervising department for an item, with the working
    days it has to deliver it."""

    boundary = models.ForeignKey(
        DutyBoundary, on_delete=models.CASCADE, related_name="support_duties"
    )
    kind = models.CharField(_("技术支撑类别"), max_length=20, choices=SupportKind.choices)
    description = models.TextField(_("支撑内容"))
    limit_days = models.PositiveSmallIntegerField(_("时限（工作日）"))

    class Meta:
        verbose_name = _("技术支撑职责")
        verbose_name_plural = _("技术支撑职责")
        ordering = ["boundary", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["boundary", "kind"], name="support_duty_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.limit_days}"


# --- the department's side: endpoint, time to sign, tokens ---------------------------------


class DepartmentLink(models.Model):
    """How a department is linked: the working days it has to sign for a push, and its own
    system's webhook endpoint. The secret is kept encrypted (`linkage.crypto`): it must be
    read back to sign each body."""

    department = models.OneToOneField(
        Department, verbose_name=_("行业主管部门"), on_delete=models.CASCADE, related_name="link"
    )
    sign_days = models.PositiveSmallIntegerField(_("签收时限（工作日）"), default=3)
    webhook_url = models.URLField(_("接收地址"), max_length=500, blank=True)
    webhook_secret_encrypted = models.TextField(blank=True, editable=False)
    webhook_enabled = models.BooleanField(_("启用推送接口"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("部门联动设置")
        verbose_name_plural = _("部门联动设置")

    def __str__(self) -> str:
        return str(self.department)


class Scope(models.TextChoices):
    PUSHES_READ = "pushes:read", _("读取推送")
    PUSHES_SIGN = "pushes:sign", _("签收推送")
    FEEDBACK_WRITE = "feedback:write", _("反馈监管结果")
    SUPPORT_READ = "support:read", _("读取技术支撑请求")
    SUPPORT_ANSWER = "support:answer", _("答复技术支撑请求")
    OPINIONS_READ = "opinions:read", _("读取征求意见")
    OPINIONS_ANSWER = "opinions:answer", _("答复征求意见")


class ApiToken(models.Model):
    """A department's key to the linkage API. Only the SHA-256 of the secret part is kept; the
    token is shown once when created."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("行业主管部门"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("名称"), max_length=100)
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("权限范围"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["department", "-created_at"]

    def __str__(self) -> str:
        return f"{self.department} {self.name} ({self.key_id})"


# --- pushes -------------------------------------------------------------------------------


class Decision(models.TextChoices):
    GRANT = "grant", _("准予许可")
    DENY = "deny", _("不予许可")
    REVOKE = "revoke_licence", _("撤销许可")
    # The law's decision when the bureau did not decide on a renewal in time (《行政许可法》
    # 第五十条第二款): the department supervises the renewed licence like a granted one.
    DEEMED_RENEWAL = "deem_renewed", _("视为准予延续")


class RegionScopedQuerySet(models.QuerySet):
    def under(self, prefix: str | None) -> Self:
        """Rows of the regions under `prefix` (organisation.rules.scope_prefix: "" everything,
        None nothing)."""
        if prefix is None:
            return self.none()
        return self if prefix == "" else self.filter(prefix_scope(prefix, "region_code"))


class PushQuerySet(RegionScopedQuerySet):
    def unsigned(self) -> Self:
        return self.filter(signed_on__isnull=True)


class Push(models.Model):
    """A decision pushed to the supervising department (双推送), created with the decision's
    case event in one transaction; `payload` is what the department was told, as it was."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="pushes"
    )
    event = models.OneToOneField(CaseEvent, on_delete=models.PROTECT, related_name="push")
    licence = models.ForeignKey(
        Licence,
        verbose_name=_("证照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pushes",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("监管部门"), on_delete=models.PROTECT, related_name="pushes"
    )
    region_code = models.CharField(max_length=12, editable=False)
    decision = models.CharField(_("决定"), max_length=20, choices=Decision.choices)
    payload = models.JSONField(default=dict)
    pushed_on = models.DateField(_("推送日期"))
    pushed_at = models.DateTimeField(_("推送时间"), auto_now_add=True)
    sign_due = models.DateField(_("签收期限"))
    sign_due_provisional = models.BooleanField(default=False)
    signed_on = models.DateField(_("签收日期"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(_("签收人"), max_length=100, blank=True)
    signed_late = models.BooleanField(_("逾期签收"), default=False)
    # Set once, by the worker or by a late signature: e-supervision lists it.
    escalated_on = models.DateField(_("督办日期"), null=True, blank=True)

    objects = PushQuerySet.as_manager()

    class Meta:
        verbose_name = _("审批结果推送")
        verbose_name_plural = _("审批结果推送")
        ordering = ["-pushed_on", "-id"]
        indexes = [
            models.Index(
                fields=["sign_due", "id"],
                include=["region_code", "department"],
                condition=Q(signed_on__isnull=True),
                name="push_unsigned_due",
            ),
            models.Index(fields=["department", "-pushed_on"], name="push_department_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_decision_display()} → {self.department}"


# --- the outbox of webhooks ---------------------------------------------------------------


# What each webhook reports, as the dead-letter page and the admin name it; the codes
# themselves are the receivers' contract (`X-Oneseal-Event`) and stay as they are.
EVENT_TYPE_LABELS = {
    "decision": _("许可决定推送"),
    "support_request": _("技术支撑请求"),
    "opinion_request": _("征求意见"),
    "opinion_withdrawn": _("撤回征求意见"),
    "opinion_deemed": _("逾期视为无意见"),
    "opinion_overdue": _("征求意见逾期督办"),
    "joint_inspection.scheduled": _("联合勘验安排"),
    "joint_inspection.rescheduled": _("联合勘验改期"),
    "joint_inspection.cancelled": _("联合勘验取消"),
}


class OutboxMessage(models.Model):
    """One webhook for a department's system, written in the transaction of the change it
    reports. The worker claims it with a lease (`lease_until`): a worker that dies leaves it
    to be claimed again after the lease, with the same `idempotency_id`, so the receiver
    processes it once."""

    class MessageState(models.TextChoices):
        PENDING = "pending", _("待投递")
        DELIVERED = "delivered", _("已投递")
        DEAD = "dead", _("投递失败（死信）")

    department = models.ForeignKey(
        Department, verbose_name=_("行业主管部门"), on_delete=models.PROTECT, related_name="outbox"
    )
    region_code = models.CharField(max_length=12, editable=False)
    event_type = models.CharField(_("消息类型"), max_length=40)
    idempotency_id = models.UUIDField(
        _("幂等编号"), default=uuid.uuid4, unique=True, editable=False
    )
    push = models.ForeignKey(
        Push, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    support_request = models.ForeignKey(
        "SupportRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    opinion_request = models.ForeignKey(
        "OpinionRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    payload = models.JSONField(default=dict)
    state = models.CharField(
        _("状态"), max_length=16, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"))
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    last_status = models.PositiveSmallIntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("投递时间"), null=True, blank=True)
    dead_at = models.DateTimeField(_("转入死信时间"), null=True, blank=True)
    replays = models.PositiveIntegerField(_("重放次数"), default=0)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("推送接口消息")
        verbose_name_plural = _("推送接口消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(state="pending"),
                name="outbox_pending_due",
            )
        ]
        permissions = [("replay_outboxmessage", _("重放死信消息"))]

    def __str__(self) -> str:
        return f"{self.event_type} {self.idempotency_id}"

    @property
    def event_label(self) -> str:
        return str(EVENT_TYPE_LABELS.get(self.event_type, self.event_type))


# --- feedback -----------------------------------------------------------------------------


class FeedbackKind(models.TextChoices):
    INSPECTION = "inspection", _("监督检查结果")
    PENALTY = "penalty", _("行政处罚")
    RECTIFICATION = "rectification", _("责令整改")
    REVOCATION_REQUEST = "revocation_request", _("建议撤销许可")


class Feedback(models.Model):
    """A department's supervision or enforcement result on a pushed decision (审管互动). A
    revocation request waits for the bureau's decision on it."""

    class RequestState(models.TextChoices):
        NONE = "", _("—")
        OPEN = "open", _("待审批局处理")
        REVOKED = "revoked", _("已撤销许可")
        DECLINED = "declined", _("不予撤销")

    push = models.ForeignKey(
        Push, verbose_name=_("推送"), on_delete=models.PROTECT, related_name="feedback"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="linkage_feedback"
    )
    licence = models.ForeignKey(
        Licence,
        verbose_name=_("证照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="linkage_feedback",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("反馈部门"), on_delete=models.PROTECT, related_name="feedback"
    )
    region_code = models.CharField(max_length=12, editable=False)
    kind = models.CharField(_("反馈类型"), max_length=24, choices=FeedbackKind.choices)
    on = models.DateField(_("检查或处理日期"))
    summary = models.TextField(_("情况说明"))
    document_number = models.CharField(_("文书编号"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorder_name = models.CharField(_("反馈人"), max_length=100)
    recorded_at = models.DateTimeField(_("反馈时间"), auto_now_add=True)
    request_state = models.CharField(
        _("处理状态"),
        max_length=16,
        choices=RequestState.choices,
        blank=True,
        default=RequestState.NONE,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_on = models.DateField(_("处理日期"), null=True, blank=True)
    handling_note = models.TextField(_("处理意见"), blank=True)

    class Meta:
        verbose_name = _("监管反馈")
        verbose_name_plural = _("监管反馈")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.on.isoformat()}"


# --- technical support --------------------------------------------------------------------


class SupportRequest(models.Model):
    """技术支撑: the bureau asks a department for a site survey, technical review, testing or
    hearing on a case, due in working days; the case is suspended for it meanwhile."""

    class RequestState(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")

    class Route(models.TextChoices):
        # Seed 000 四(二)6: during the department's transition period, to its liaison official.
        LIAISON = "liaison", _("过渡期联络人")
        DUTY_LIST = "duty_list", _("职责边界清单")
        DEPARTMENT = "department", _("原审批部门")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="support_requests"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("支撑部门"),
        on_delete=models.PROTECT,
        related_name="support_requests",
    )
    region_code = models.CharField(max_length=12, editable=False)
    kind = models.CharField(_("支撑类别"), max_length=20, choices=SupportKind.choices)
    details = models.TextField(_("请求事项"))
    days = models.PositiveSmallIntegerField(_("时限（工作日）"))
    requested_on = models.DateField(_("请求日期"))
    due_on = models.DateField(_("答复期限"))
    due_provisional = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("请求人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    suspension = models.OneToOneField(
        Suspension, null=True, blank=True, on_delete=models.PROTECT, related_name="support_request"
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=RequestState.choices, default=RequestState.OPEN
    )
    result = models.TextField(_("支撑结论"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answerer_name = models.CharField(_("答复人"), max_length=100, blank=True)
    route = models.CharField(_("送达途径"), max_length=16, choices=Route.choices, blank=True)
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("过渡期联络人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    liaison_name = models.CharField(_("过渡期联络人"), max_length=50, blank=True)
    answered_late = models.BooleanField(_("逾期答复"), default=False)
    escalated_on = models.DateField(_("督办日期"), null=True, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("技术支撑请求")
        verbose_name_plural = _("技术支撑请求")
        ordering = ["-requested_on", "-id"]
        indexes = [
            models.Index(
                fields=["due_on", "id"],
                include=["region_code", "department"],
                condition=Q(state="open"),
                name="support_open_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} → {self.department}"


class SupportAttachment(models.Model):
    """A file the department answers with (a survey record, a test report); never overwritten."""

    request = models.ForeignKey(
        SupportRequest, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to="linkage/support/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("技术支撑附件")
        verbose_name_plural = _("技术支撑附件")
        ordering = ["request", "id"]

    def __str__(self) -> str:
        return f"{self.original_name} {self.sha256[:12]}"


# --- opinions of other departments --------------------------------------------------------


class OpinionConclusion(models.TextChoices):
    AGREE = "agree", _("同意")
    CONDITIONS = "conditions", _("有条件同意")
    OBJECT = "object", _("不同意")


class OpinionRequest(models.Model):
    """征求意见: the bureau asks a department for its opinion on a case, or on a joint step of a
    project's stage (联合审图, 多评合一, 联合验收), within working days. Where the request says
    so (`silence_is_consent`, with the rule that allows it), silence past the limit is
    recorded as no objection; otherwise an unanswered request is escalated."""

    class RequestState(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")
        DEEMED = "deemed", _("逾期视为无意见")
        WITHDRAWN = "withdrawn", _("已撤回")

    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion_requests",
    )
    # A string reference: the projects app owns the joint step and the linkage never imports it.
    joint_step = models.ForeignKey(
        "projects.JointStep",
        verbose_name=_("联合环节"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion_requests",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("征求意见部门"),
        on_delete=models.PROTECT,
        related_name="opinion_requests",
    )
    region_code = models.CharField(max_length=12, editable=False)
    subject = models.TextField(_("征求意见事项"))
    days = models.PositiveSmallIntegerField(_("时限（工作日）"))
    requested_on = models.DateField(_("征求日期"))
    due_on = models.DateField(_("答复期限"))
    due_provisional = models.BooleanField(default=False)
    silence_is_consent = models.BooleanField(_("逾期未答复视为无意见"), default=False)
    silence_rule = models.TextField(_("逾期视为无意见的依据"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("征求人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requester_name = models.CharField(_("征求人"), max_length=100)
    state = models.CharField(
        _("状态"), max_length=16, choices=RequestState.choices, default=RequestState.OPEN
    )
    conclusion = models.CharField(
        _("意见"), max_length=16, choices=OpinionConclusion.choices, blank=True
    )
    reasons = models.TextField(_("理由或条件"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answerer_name = models.CharField(_("答复人"), max_length=100, blank=True)
    answered_late = models.BooleanField(_("逾期答复"), default=False)
    # The first working day after `due_on`: the day silence became no objection.
    deemed_on = models.DateField(_("视为无意见日期"), null=True, blank=True)
    escalated_on = models.DateField(_("督办日期"), null=True, blank=True)
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("撤回理由"), blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("征求意见")
        verbose_name_plural = _("征求意见")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, joint_step__isnull=True)
                | Q(case__isnull=True, joint_step__isnull=False),
                name="opinion_on_case_or_joint_step",
            ),
            models.UniqueConstraint(
                fields=["joint_step", "department"],
                condition=Q(joint_step__isnull=False) & ~Q(state="withdrawn"),
                name="opinion_one_per_department_and_step",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on", "id"],
                include=["region_code", "department"],
                condition=Q(state="open"),
                name="opinion_open_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case or self.joint_step} → {self.department}"

    @property
    def awaited(self) -> bool:
        return self.state == self.RequestState.OPEN

    @property
    def no_objection(self) -> bool:
        """Agreed (with or without conditions) or silent where silence counts as consent."""
        return self.state == self.RequestState.DEEMED or (
            self.state == self.RequestState.ANSWERED
            and self.conclusion in (OpinionConclusion.AGREE, OpinionConclusion.CONDITIONS)
        )


class OpinionAttachment(models.Model):
    """A file a department answers an opinion request with; never overwritten."""

    request = models.ForeignKey(
        OpinionRequest, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to="linkage/opinions/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("征求意见附件")
        verbose_name_plural = _("征求意见附件")
        ordering = ["request", "id"]

    def __str__(self) -> str:
        return f"{self.original_name} {self.sha256[:12]}"
