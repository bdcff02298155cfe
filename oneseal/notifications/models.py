"""The message box and what was sent from it: a `Notification` per message to one account
(or, for an applicant no account acts for, to the applicant's record: its box is shown to
whichever account later acts for it), one `Delivery` per channel beyond the box (e-mail, SMS) with every `Attempt` recorded, and
each account's `Preference` of channels and quiet hours."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CORRECTION = "correction", _("补正通知")
    ACCEPTANCE = "acceptance", _("受理")
    REFUSAL = "refusal", _("不予受理")
    DECISION = "decision", _("审批决定")
    DOCUMENT = "document", _("文书已出具")
    APPOINTMENT = "appointment", _("预约提醒")
    EXPIRY = "expiry", _("证照到期提醒")
    ASSIGNMENT = "assignment", _("工作分派")
    DRAFT = "draft", _("草稿即将删除")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Set, without a user, when no account acted for the applicant (most applicants at the
    # window): the message went out to the contact on record and waits in the applicant's box.
    applicant = models.ForeignKey(
        "applicants.Applicant",
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=300, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # What the message is about, once: a booking's reminder is not sent twice by two workers.
    key = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(
                fields=["applicant", "read_at"],
                condition=Q(user__isnull=True),
                name="notification_to_record",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_unique_key"
            ),
            models.UniqueConstraint(
                fields=["applicant", "key"],
                condition=Q(user__isnull=True) & ~Q(key=""),
                name="notification_unique_record_key",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(applicant__isnull=False),
                name="notification_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class Delivery(models.Model):
    class DeliveryState(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        GAVE_UP = "gave_up", _("已放弃")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("发送至"), max_length=254)
    state = models.CharField(
        _("状态"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    # When the worker may try next: after quiet hours, after a backoff, or after a lease.
    next_attempt_at = models.DateTimeField(_("下次尝试时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("消息投递")
        verbose_name_plural = _("消息投递")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="delivery_pending_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}"


class Attempt(models.Model):
    class Outcome(models.TextChoices):
        SENT = "sent", _("已发送")
        FAILED = "failed", _("失败，将重试")
        GAVE_UP = "gave_up", _("失败，已放弃")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("时间"))
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("投递尝试")
        verbose_name_plural = _("投递尝试")
        ordering = ["delivery", "at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery} {self.get_outcome_display()}"


class Preference(models.Model):
    """Which channels besides the message box an account wants, and where to. Empty
    addresses fall back to the account's e-mail and the applicant's contact phone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    by_email = models.BooleanField(_("电子邮件通知"), default=True)
    by_sms = models.BooleanField(_("短信通知"), default=True)
    email = models.EmailField(_("接收邮箱"), blank=True)
    phone = models.CharField(_("接收手机号码"), max_length=20, blank=True)
    quiet_hours = models.BooleanField(_("夜间免打扰"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self) -> str:
        return str(self.user)
