"""Hearings (听证, 《行政许可法》第四十六至四十八条) and interested third parties (利害关系人,
第三十六条) of a case.

Rows change only through `hearings.actions`; every act is also a case event (the case's own
hash-chained history) and the events that owe a written notice carry `notice_due`, so the notice
is issued under the one seal with the act (`cases.notices`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.applicants.models import Applicant
from oneseal.cases.models import Case


class InterestedParty(models.Model):
    """Someone whose major interests the application directly concerns (第三十六条): told of the
    application, heard, and answered."""

    class Kind(models.TextChoices):
        PERSON = "person", _("自然人")
        ORGANISATION = "organisation", _("法人或其他组织")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="interested_parties"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("姓名或名称"), max_length=200)
    # 居民身份证号码 or 统一社会信用代码, normalised by `applicants.rules`.
    number = models.CharField(_("证件号码"), max_length=18)
    phone = models.CharField(_("联系电话"), max_length=40)
    address = models.CharField(_("联系地址"), max_length=300, blank=True)
    concern = models.TextField(_("利害关系"))
    # The registered applicant with the same number, when there is one: the accounts acting for
    # it (`applicants.queries.acts_for`) see the party's page in the portal.
    applicant = models.ForeignKey(
        Applicant,
        verbose_name=_("对应的申请人登记"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_on = models.DateField(_("告知日期"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("添加人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The case event whose notice (利害关系人告知书) was served on this party.
    event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("利害关系人")
        verbose_name_plural = _("利害关系人")
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="interested_party_once")
        ]

    def __str__(self) -> str:
        return self.name


class PartyStatement(models.Model):
    """A party's statement (陈述、申辩) and the bureau's answer to it."""

    class Channel(models.TextChoices):
        WINDOW = "window", _("窗口")
        PORTAL = "portal", _("网上")

    party = models.ForeignKey(
        InterestedParty,
        verbose_name=_("利害关系人"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    text = models.TextField(_("陈述、申辩意见"))
    channel = models.CharField(_("提交方式"), max_length=8, choices=Channel.choices)
    made_on = models.DateField(_("提交日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("本机关的答复"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("利害关系人意见")
        verbose_name_plural = _("利害关系人意见")
        ordering = ["party", "made_on", "id"]

    def __str__(self) -> str:
        return f"{self.party} {self.made_on}"


class Hearing(models.Model):
    """One hearing of a case: the right told (or, for a matter of public interest, the hearing
    ordered by the bureau), the requests, the date and presiding officer, the record."""

    class Basis(models.TextChoices):
        # 第四十七条: the law or the guide lists a hearing for the item and the matter directly
        # concerns major interests of the applicant and others: they may ask for one.
        RIGHT = "right", _("依申请听证（第四十七条）")
        # 第四十六条: the law requires one, or the bureau finds a matter of public interest: the
        # bureau announces and holds it.
        PUBLIC_INTEREST = "public_interest", _("涉及公共利益的听证（第四十六条）")

    class HearingState(models.TextChoices):
        NOTIFIED = "notified", _("已告知听证权利")
        REQUESTED = "requested", _("已申请听证")
        SCHEDULED = "scheduled", _("已通知举行听证")
        RECORDED = "recorded", _("听证笔录待签字")
        HELD = "held", _("已举行听证")
        LAPSED = "lapsed", _("期限内未申请听证")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="hearings"
    )
    basis = models.CharField(_("听证依据"), max_length=16, choices=Basis.choices)
    state = models.CharField(_("状态"), max_length=16, choices=HearingState.choices)
    matter = models.TextField(_("听证事项"))
    notified_on = models.DateField(_("告知日期"))
    # The last day a request is on time (第四十七条, counted by `rules.request_due`); empty for a
    # hearing the bureau ordered.
    request_due = models.DateField(_("申请听证截止日期"), null=True, blank=True)
    requested_on = models.DateField(_("首次申请日期"), null=True, blank=True)
    # The last day the hearing may be held: 20 working days after the request (or the order).
    hold_by = models.DateField(_("最迟举行日期"), null=True, blank=True)
    hold_by_provisional = models.BooleanField(default=False)
    starts_at = models.DateTimeField(_("举行时间"), null=True, blank=True)
    place = models.CharField(_("举行地点"), max_length=300, blank=True)
    presiding = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("听证主持人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_on = models.DateField(_("通知日期"), null=True, blank=True)
    held_on = models.DateField(_("举行日期"), null=True, blank=True)
    lapsed_on = models.DateField(_("确认未申请日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("听证")
        verbose_name_plural = _("听证")
        ordering = ["case", "id"]
        constraints = [
            # One hearing procedure open per case at a time.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(state__in=["notified", "requested", "scheduled", "recorded"]),
                name="hearing_one_open_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_basis_display()}"

    @property
    def is_public(self) -> bool:
        return self.basis == self.Basis.PUBLIC_INTEREST


class HearingRequest(models.Model):
    """A request for the hearing: by the applicant (party empty) or an interested party."""

    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="requests")
    party = models.ForeignKey(
        InterestedParty, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requester_name = models.CharField(_("申请人"), max_length=200)
    requested_on = models.DateField(_("申请日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("听证申请")
        verbose_name_plural = _("听证申请")
        ordering = ["hearing", "requested_on", "id"]

    def __str__(self) -> str:
        return f"{self.requester_name} {self.requested_on}"


class AvoidanceRequest(models.Model):
    """第四十八条第一款第（三）项: a party who thinks the presiding officer has a direct interest in
    the matter asks for their avoidance (回避); the bureau's head decides."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待决定")
        GRANTED = "granted", _("准予回避")
        REFUSED = "refused", _("驳回")

    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="avoidances")
    requester_name = models.CharField(_("申请人"), max_length=200)
    party = models.ForeignKey(
        InterestedParty, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    presiding = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被申请回避的主持人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("回避理由"))
    requested_on = models.DateField(_("申请日期"))
    decision = models.CharField(
        _("决定"), max_length=8, choices=Decision.choices, default=Decision.PENDING
    )
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更换后的主持人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("回避申请")
        verbose_name_plural = _("回避申请")
        ordering = ["hearing", "id"]

    def __str__(self) -> str:
        return f"{self.requester_name} {self.get_decision_display()}"


class HearingRecord(models.Model):
    """The hearing record (听证笔录, 第四十八条第一款第（五）项); the decision is made on it
    (第四十八条第二款)."""

    hearing = models.OneToOneField(Hearing, on_delete=models.PROTECT, related_name="record")
    held_on = models.DateField(_("举行日期"))
    place = models.CharField(_("地点"), max_length=300)
    summary = models.TextField(_("听证概况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    closed_on = models.DateField(_("笔录签字完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("听证笔录")
        verbose_name_plural = _("听证笔录")

    def __str__(self) -> str:
        return f"{self.hearing.case} {self.held_on}"


class Statement(models.Model):
    """One participant's statement in the record, signed (confirmed) by that participant."""

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        PARTY = "party", _("利害关系人")
        REVIEWER = "reviewer", _("审查人员")
        OTHER = "other", _("其他参加人")

    class SignedHow(models.TextChoices):
        ONLINE = "online", _("网上确认")
        IN_PERSON = "in_person", _("当场签字")

    record = models.ForeignKey(HearingRecord, on_delete=models.PROTECT, related_name="statements")
    order = models.PositiveSmallIntegerField()
    role = models.CharField(_("身份"), max_length=12, choices=Role.choices)
    name = models.CharField(_("姓名或名称"), max_length=200)
    party = models.ForeignKey(
        InterestedParty, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The staff member a reviewer's statement is by (they sign in their own account).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("陈述内容"))
    signed_at = models.DateTimeField(_("签字时间"), null=True, blank=True)
    signed_how = models.CharField(
        _("签字方式"), max_length=12, choices=SignedHow.choices, blank=True
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签字确认账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("听证陈述")
        verbose_name_plural = _("听证陈述")
        ordering = ["record", "order"]
        constraints = [
            models.UniqueConstraint(fields=["record", "order"], name="statement_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}：{self.text[:20]}"
