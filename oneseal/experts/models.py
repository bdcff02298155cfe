"""The expert pool (专家库): experts by field, their availability and declared conflicts, and
the expert reviews (专家评审) of cases with every draw that chose their experts.

A draw is evidence: it keeps its seed, the size of the pool it looked at, the eligible experts
in the order the draw ranked them from, and everyone it left out with the reason, so anyone
can recompute it (`rules.draw`) and see that nobody was steered in or out.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.cases.models import Case
from oneseal.esupervision.models import ConflictDeclaration
from oneseal.regions.models import Region


class ExpertField(models.Model):
    """A field of expertise (专业领域) the pool is organised by, e.g. 食品安全."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("专业领域"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("专业领域")
        verbose_name_plural = _("专业领域")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Expert(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("在库")
        SUSPENDED = "suspended", _("暂停抽取")

    name = models.CharField(_("姓名"), max_length=100)
    # Normalised and checked (GB 11643) by the action: an expert is never drawn for their own case.
    id_number = models.CharField(_("居民身份证号码"), max_length=18, unique=True)
    fields = models.ManyToManyField(ExpertField, verbose_name=_("专业领域"), related_name="experts")
    title = models.CharField(_("职称"), max_length=100)
    employer_name = models.CharField(_("工作单位"), max_length=200)
    # Where known (GB 32100); the employer conflict compares codes, else names.
    employer_credit_code = models.CharField(
        _("工作单位统一社会信用代码"), max_length=18, blank=True
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("所属行政区划"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("专家可被抽取参加本区划及下级区划办件的评审"),
    )
    phone = models.CharField(_("联系电话"), max_length=40)
    email = models.EmailField(_("电子邮箱"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.CharField(_("暂停原因"), max_length=300, blank=True)
    status_since = models.DateField(_("状态起始日期"), null=True, blank=True)
    # The expert's own sign-in: their page lists the reviews they were drawn for.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专家账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expert",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("入库时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Unavailability(models.Model):
    """A period (both days included) in which the expert cannot review."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("专家"), on_delete=models.CASCADE, related_name="unavailabilities"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("不可参评期间")
        verbose_name_plural = _("不可参评期间")
        ordering = ["expert", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="unavailability_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} {self.starts_on}–{self.ends_on}"


class ExpertDeclaration(models.Model):
    """回避申报 of an expert who is not staff: a relative, or an organisation they or a relative
    invest in or work for. An expert who is also staff declares once, in e-supervision
    (`ConflictDeclaration`), and the draw reads both."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("专家"), on_delete=models.CASCADE, related_name="declarations"
    )
    relative_name = models.CharField(_("亲属姓名或单位名称"), max_length=200)
    relation = models.CharField(
        _("关系"), max_length=20, choices=ConflictDeclaration.Relation.choices
    )
    number = models.CharField(_("居民身份证号码或统一社会信用代码"), max_length=18, db_index=True)
    declared_on = models.DateField(_("申报日期"))
    withdrawn_on = models.DateField(_("撤销日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("专家回避申报")
        verbose_name_plural = _("专家回避申报")
        ordering = ["expert", "-declared_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "number"],
                condition=Q(withdrawn_on__isnull=True),
                name="expert_declaration_unique_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.relative_name}"


class ExpertReview(models.Model):
    """One expert review (专家评审) of a case: the case is suspended (第四十五条) from `opened_on`
    until `concluded_on`, and `experts_needed` experts of `field` give their opinions."""

    class State(models.TextChoices):
        OPEN = "open", _("评审中")
        CONCLUDED = "concluded", _("已完成")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="expert_reviews"
    )
    field = models.ForeignKey(
        ExpertField, verbose_name=_("专业领域"), on_delete=models.PROTECT, related_name="+"
    )
    experts_needed = models.PositiveSmallIntegerField(
        _("所需专家人数"), validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    subject = models.CharField(_("评审事项"), max_length=300)
    opened_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("预计结束日期"))
    concluded_on = models.DateField(_("完成日期"), null=True, blank=True)
    conclusion = models.TextField(_("评审结论"), blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("专家评审")
        verbose_name_plural = _("专家评审")
        ordering = ["case", "opened_on", "id"]
        constraints = [
            # A case is suspended for one expert review at a time.
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="open"), name="expert_review_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.field}"


class Draw(models.Model):
    """One random draw (or a recorded override) for a review."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("首次抽取")
        REPLACEMENT = "replacement", _("补充抽取")
        APPOINTMENT = "appointment", _("指定专家（人工干预）")

    review = models.ForeignKey(
        ExpertReview, verbose_name=_("专家评审"), on_delete=models.PROTECT, related_name="draws"
    )
    kind = models.CharField(_("方式"), max_length=12, choices=Kind.choices)
    # The 64-bit seed as decimal text (JSON and some databases lose precision on big integers).
    seed = models.CharField(_("随机种子"), max_length=24, blank=True)
    requested = models.PositiveSmallIntegerField(_("抽取人数"))
    pool_size = models.PositiveIntegerField(_("专家库人数"))
    # Expert ids, ascending: what `rules.draw` ranked.
    eligible = models.JSONField(_("符合条件的专家"), default=list)
    # [{"expert": id, "name": …, "reasons": [code, …]}]
    excluded = models.JSONField(_("排除的专家及原因"), default=list)
    drawn = models.JSONField(_("抽中的专家"), default=list)
    # A hand-picked expert, or a drawn one removed by staff, is an override: the reason is
    # required and e-supervision lists it.
    override = models.BooleanField(_("人工干预"), default=False)
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    on = models.DateField(_("抽取日期"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专家抽取记录")
        verbose_name_plural = _("专家抽取记录")
        ordering = ["review", "id"]

    def __str__(self) -> str:
        return f"{self.review} · {self.get_kind_display()}"


class Assignment(models.Model):
    """A drawn (or appointed) expert on a review: invited, then accepted or declined; an
    accepted one gives an opinion and a score, is rated by staff, and may be paid a fee."""

    class State(models.TextChoices):
        INVITED = "invited", _("待确认")
        ACCEPTED = "accepted", _("已接受")
        DECLINED = "declined", _("已谢绝")
        REMOVED = "removed", _("已撤换")
        SUBMITTED = "submitted", _("已提交意见")

    class Conclusion(models.TextChoices):
        AGREE = "agree", _("同意")
        CONDITIONAL = "conditional", _("有条件同意")
        DISAGREE = "disagree", _("不同意")

    review = models.ForeignKey(
        ExpertReview,
        verbose_name=_("专家评审"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="assignments"
    )
    draw = models.ForeignKey(
        Draw, verbose_name=_("抽取记录"), on_delete=models.PROTECT, related_name="assignments"
    )
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.INVITED)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decline_reason = models.CharField(_("谢绝理由"), max_length=300, blank=True)
    removed_reason = models.CharField(_("撤换理由"), max_length=300, blank=True)
    opinion = models.TextField(_("评审意见"), blank=True)
    score = models.PositiveSmallIntegerField(
        _("评分"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    conclusion = models.CharField(_("结论"), max_length=12, choices=Conclusion.choices, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("履职评价"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_note = models.CharField(_("评价说明"), max_length=300, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fee = models.DecimalField(
        _("评审费（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_paid_on = models.DateField(_("支付日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "expert"], name="assignment_once_per_review")
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.expert}"

    @property
    def counts(self) -> bool:
        """Takes one of the review's seats."""
        return self.state in (self.State.INVITED, self.State.ACCEPTED, self.State.SUBMITTED)
