"""Ratings (好差评): the applicant's 1–5 rating of a finished case with reasons, once per case,
and the follow-up (差评整改回访) that every bad rating opens.

The State Council's opinion on the 好差评 system (国办发〔2019〕51号) asks that every service
can be rated, that every named bad rating is verified, answered and put right, and that the
result goes back to the person who gave it. A rating of 1 or 2 therefore opens a follow-up
the bureau must answer within a number of working days that each bureau sets
(`FollowUpPolicy`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.applicants.models import Applicant
from oneseal.cases.models import Case
from oneseal.organisation.models import Bureau

from . import rules

DEFAULT_ANSWER_DAYS = 5


class Channel(models.TextChoices):
    ONLINE = "online", _("网上评价")
    WINDOW = "window", _("窗口评价器")


class Rating(models.Model):
    # Set by the pages that list ratings, never stored: the reasons' labels.
    reason_labels: list[str]

    case = models.OneToOneField(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="rating"
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="ratings"
    )
    bureau = models.ForeignKey(
        Bureau, verbose_name=_("行政审批局"), on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised for scoping by prefix without a join (organisation.rules.scope_prefix).
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    score = models.PositiveSmallIntegerField(_("评分"))
    reasons = models.JSONField(_("评价原因"), default=list, blank=True)
    comment = models.TextField(_("意见建议"), blank=True)
    channel = models.CharField(
        _("评价渠道"), max_length=16, choices=Channel.choices, default=Channel.ONLINE
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入账号"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("评价时间"), auto_now_add=True)
    rated_on = models.DateField(_("评价日期"))

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-rated_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.score}"

    @property
    def score_label(self) -> str:
        return str(rules.SCORES.get(self.score, ""))

    @property
    def is_bad(self) -> bool:
        return rules.is_bad(self.score)


class FollowUp(models.Model):
    class FollowUpState(models.TextChoices):
        OPEN = "open", _("待回复")
        ANSWERED = "answered", _("已回复")

    rating = models.OneToOneField(
        Rating, verbose_name=_("评价"), on_delete=models.PROTECT, related_name="follow_up"
    )
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    opened_on = models.DateField(_("开始日期"))
    days = models.PositiveSmallIntegerField(_("回复时限（工作日）"))
    due_on = models.DateField(_("回复截止日期"))
    due_provisional = models.BooleanField(_("期限暂定"), default=False)
    state = models.CharField(
        _("状态"), max_length=16, choices=FollowUpState.choices, default=FollowUpState.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("核实整改与回复情况"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    answered_on = models.DateField(_("回复日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("差评回访")
        verbose_name_plural = _("差评回访")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["due_on", "id"], condition=Q(state="open"), name="follow_up_open_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating} {self.get_state_display()}"


class FollowUpPolicy(models.Model):
    """How many working days a bureau gives itself to answer a bad rating."""

    bureau = models.OneToOneField(
        Bureau,
        verbose_name=_("行政审批局"),
        on_delete=models.CASCADE,
        related_name="follow_up_policy",
    )
    answer_days = models.PositiveSmallIntegerField(
        _("差评回复时限（工作日）"), default=DEFAULT_ANSWER_DAYS
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("差评回复时限")
        verbose_name_plural = _("差评回复时限")

    def __str__(self) -> str:
        return f"{self.bureau}: {self.answer_days}"
