"""The intermediary marketplace (中介超市): registered intermediaries, their qualifications and
priced services, the 中介服务事项清单 naming the services a handling item needs, and the
engagements (中介服务) applicants make for their cases, with their ratings and appeals.

An engagement keeps how its intermediary was chosen (direct choice, random draw with its seed,
or lowest quote) and the qualified intermediaries it chose among, so a draw can be recomputed
and e-supervision can test direct choices for steering.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.cases.models import Case, Upload
from oneseal.catalogue.models import HandlingItem, Material
from oneseal.regions.models import Region


class Intermediary(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        SUSPENDED = "suspended", _("暂停服务")
        # 清退: out of the marketplace for good; its past engagements and ratings stay.
        REMOVED = "removed", _("已清退")

    name = models.CharField(_("机构名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所属行政区划"), on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.CharField(_("状态原因"), max_length=300, blank=True)
    # The automatic rule that suspended it, with the figures it saw; empty for a staff decision.
    suspension_rule = models.JSONField(_("暂停规则"), default=dict, blank=True)
    status_since = models.DateField(_("状态起始日期"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("中介机构账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intermediary",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("入驻时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("中介机构")
        verbose_name_plural = _("中介机构")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Qualification(models.Model):
    intermediary = models.ForeignKey(
        Intermediary, on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField(_("资质类别"), max_length=100)
    level = models.CharField(_("资质等级"), max_length=40, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))

    class Meta:
        verbose_name = _("资质")
        verbose_name_plural = _("资质")
        ordering = ["intermediary", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="qualification_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.level}".strip()


class Service(models.Model):
    """An intermediary service (中介服务), e.g. 环境影响评价, and the qualification it needs."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("中介服务"), max_length=100)
    qualification_kind = models.CharField(_("所需资质类别"), max_length=100)
    # The 第四十五条 procedure this service is (检验、检测、鉴定), if any: only then may its time
    # be left out of an accepted case's clock, and only when the item's guide lists it.
    procedure_kind = models.CharField(_("对应特别程序"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("中介服务")
        verbose_name_plural = _("中介服务")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Offer(models.Model):
    """A service one intermediary offers, with its published fee and promised time."""

    intermediary = models.ForeignKey(Intermediary, on_delete=models.CASCADE, related_name="offers")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="offers")
    fee = models.DecimalField(_("收费（元）"), max_digits=12, decimal_places=2)
    promised_days = models.PositiveSmallIntegerField(
        _("承诺时限（工作日）"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("服务报价")
        verbose_name_plural = _("服务报价")
        ordering = ["service", "fee", "id"]
        constraints = [
            models.UniqueConstraint(fields=["intermediary", "service"], name="offer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.intermediary} {self.service} {self.fee}"


class ItemService(models.Model):
    """A line of the 中介服务事项清单: a handling item needs this service; the deliverable fills
    `material` on the case's checklist."""

    handling_item = models.ForeignKey(
        HandlingItem, on_delete=models.CASCADE, related_name="service_listings"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="items")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("中介服务事项清单")
        verbose_name_plural = _("中介服务事项清单")
        constraints = [
            models.UniqueConstraint(fields=["handling_item", "service"], name="item_service_unique")
        ]

    def __str__(self) -> str:
        return f"{self.handling_item} → {self.service}"


class Engagement(models.Model):
    class Method(models.TextChoices):
        DIRECT = "direct", _("直接选取")
        RANDOM = "random", _("随机抽取")
        LOWEST = "lowest", _("最低报价")

    class Status(models.TextChoices):
        ENGAGED = "engaged", _("服务中")
        DELIVERED = "delivered", _("已交付")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="engagements")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    intermediary = models.ForeignKey(
        Intermediary, on_delete=models.PROTECT, related_name="engagements"
    )
    method = models.CharField(_("选取方式"), max_length=8, choices=Method.choices)
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    qualified = models.JSONField(_("符合条件的中介机构"), default=list)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chosen_by_staff = models.BooleanField(_("由工作人员代选"), default=False)
    # The contract record (合同).
    contract_number = models.CharField(_("合同编号"), max_length=40, unique=True)
    fee = models.DecimalField(_("合同金额（元）"), max_digits=12, decimal_places=2)
    promised_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"))
    starts_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("承诺交付日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ENGAGED
    )
    delivered_on = models.DateField(_("交付日期"), null=True, blank=True)
    deliverable = models.ForeignKey(
        Upload, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Whether the case's clock was suspended for it (第四十五条) by this engagement.
    suspended_case = models.BooleanField(_("办件计时中止"), default=False)

    class Meta:
        verbose_name = _("中介服务委托")
        verbose_name_plural = _("中介服务委托")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.contract_number

    @property
    def late(self) -> bool:
        return self.delivered_on is not None and self.delivered_on > self.due_on


class Rating(models.Model):
    engagement = models.OneToOneField(Engagement, on_delete=models.PROTECT, related_name="rating")
    score_range = [MinValueValidator(1), MaxValueValidator(5)]
    quality = models.PositiveSmallIntegerField(_("服务质量"), validators=score_range)
    timeliness = models.PositiveSmallIntegerField(_("服务时效"), validators=score_range)
    attitude = models.PositiveSmallIntegerField(_("服务态度"), validators=score_range)
    fee = models.PositiveSmallIntegerField(_("收费合理"), validators=score_range)
    comment = models.CharField(_("评价意见"), max_length=300, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_on = models.DateField(_("评价日期"))

    class Meta:
        verbose_name = _("服务评价")
        verbose_name_plural = _("服务评价")

    def __str__(self) -> str:
        return f"{self.engagement} {self.overall:.2f}"

    @property
    def overall(self) -> float:
        return (self.quality + self.timeliness + self.attitude + self.fee) / 4


class Appeal(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("申诉成立，恢复服务")
        REJECTED = "rejected", _("申诉不成立")

    intermediary = models.ForeignKey(Intermediary, on_delete=models.PROTECT, related_name="appeals")
    reason = models.CharField(_("申诉理由"), max_length=500)
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lodged_on = models.DateField(_("申诉日期"))
    outcome = models.CharField(
        _("处理结果"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    answer = models.CharField(_("处理意见"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("处理日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("暂停申诉")
        verbose_name_plural = _("暂停申诉")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.intermediary} {self.lodged_on}"
