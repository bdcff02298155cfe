"""The item catalogue (事项目录 / 划转清单), versioned.

Identity and content are separate. An `Item` is the lasting identity of a matter in one
catalogue (keyed by its basic code). Everything the public guide says lives in an
`ItemVersion` and the `HandlingItem`s, `Material`s, `ReviewStep`s and `SpecialProcedure`s
that belong to that version. A draft version is edited; publishing freezes it with an
effective date; an adjustment copies the latest version into a new draft. A case points at
a `HandlingItem` row, i.e. at the exact version it was opened under, so no adjustment can
rewrite what a case was opened for.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.organisation.models import Bureau, Department, Section, ServiceCentre
from oneseal.regions.models import Region

from .validators import guide_file_extension, guide_file_size


class Catalogue(models.Model):
    class Kind(models.TextChoices):
        LOCAL = "local", _("本级事项目录")
        GUIDANCE = "guidance", _("指导目录")

    region = models.ForeignKey(
        Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="catalogues"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.LOCAL)
    name = models.CharField(_("名称"), max_length=200)
    bureau = models.ForeignKey(
        Bureau,
        verbose_name=_("行政审批局"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="catalogues",
    )

    class Meta:
        verbose_name = _("事项目录")
        verbose_name_plural = _("事项目录")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind"], name="catalogue_one_per_region_and_kind"
            )
        ]

    def __str__(self):
        return self.name


class Topic(models.Model):
    """A theme the public browses by (市场准入, 工程建设, 社会事务 …)."""

    name = models.CharField(_("主题"), max_length=50, unique=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("主题")
        verbose_name_plural = _("主题")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class ItemType(models.TextChoices):
    LICENSING = "licensing", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    PAYMENT = "payment", _("行政给付")
    RULING = "ruling", _("行政裁决")
    REWARD = "reward", _("行政奖励")
    LEVY = "levy", _("行政征收")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class ExerciseLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇（街道）")


class TransferStatus(models.TextChoices):
    TRANSFERRED = "transferred", _("划转")
    STATIONED = "stationed", _("进驻大厅（不划转）")
    RETAINED = "retained", _("不划转不进驻")


class ChangeKind(models.TextChoices):
    """What an adjustment does (domain.md §2)."""

    ADD = "add", _("新增")
    CHANGE = "change", _("变更")
    CHANGE_LIMIT = "change_limit", _("调整时限")
    TRANSFER = "transfer", _("划转")
    DELEGATE = "delegate", _("下放")
    MERGE = "merge", _("合并")
    CANCEL = "cancel", _("取消")
    IMPORT = "import", _("批量导入")


class Item(models.Model):
    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("事项目录"), on_delete=models.PROTECT, related_name="items"
    )
    basic_code = models.CharField(_("基本编码"), max_length=64)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "basic_code"], name="item_unique_basic_code"
            )
        ]

    def __str__(self):
        return self.basic_code


class ItemVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ItemVersion.Status.PUBLISHED)

    def in_force(self, on):
        """The versions the public and new cases see on date `on`: published, effective, not
        yet replaced by a later version, and not a cancellation."""
        return self.published().filter(
            Q(effective_until__isnull=True) | Q(effective_until__gt=on),
            effective_from__lte=on,
            is_cancelled=False,
        )

    def latest_per_item(self):
        """The newest version of each item, draft or published: the list as the bureau keeps it."""
        newest = (
            ItemVersion.objects.filter(item=models.OuterRef("item"))
            .order_by("-number")
            .values("number")[:1]
        )
        return self.filter(number=models.Subquery(newest))


class ItemVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    item = models.ForeignKey(
        Item, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )

    # Service-guide fields of the item (domain.md §2)
    name = models.CharField(_("事项名称"), max_length=300)
    item_type = models.CharField(
        _("事项类型"), max_length=32, choices=ItemType.choices, default=ItemType.LICENSING
    )
    implementing_code = models.CharField(_("实施编码"), max_length=120, blank=True)
    legal_basis = models.TextField(_("设定和实施依据"), blank=True)
    exercise_level = models.CharField(
        _("行使层级"), max_length=16, choices=ExerciseLevel.choices, default=ExerciseLevel.COUNTY
    )
    original_department = models.ForeignKey(
        Department,
        verbose_name=_("原审批部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transfer_status = models.CharField(
        _("划转情况"),
        max_length=16,
        choices=TransferStatus.choices,
        default=TransferStatus.TRANSFERRED,
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("主题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    related_items = models.ManyToManyField(
        Item, verbose_name=_("关联事项"), blank=True, related_name="+"
    )
    delegated_to = models.ManyToManyField(
        ServiceCentre, verbose_name=_("委托下放至"), blank=True, related_name="+"
    )
    is_cancelled = models.BooleanField(_("已取消"), default=False)
    merged_into = models.ForeignKey(
        Item,
        verbose_name=_("并入事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # The adjustment this version makes: who, when, why, on what legal basis
    change_kind = models.CharField(
        _("调整类型"), max_length=16, choices=ChangeKind.choices, default=ChangeKind.ADD
    )
    change_reason = models.TextField(_("调整原因"), blank=True)
    change_basis = models.TextField(_("调整依据"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    # Set when the next version is published; the version's own content never changes.
    effective_until = models.DateField(_("失效日期"), null=True, blank=True)

    objects = ItemVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_unique_number"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="draft"), name="item_at_most_one_draft"
            ),
        ]
        indexes = [models.Index(fields=["status", "effective_from"])]

    def __str__(self):
        return f"{self.name} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Variant(models.TextChoices):
    NEW = "new", _("新办")
    CHANGE = "change", _("变更")
    RENEWAL = "renewal", _("延续")
    CANCELLATION = "cancellation", _("注销")
    REISSUE = "reissue", _("补证／换证")
    OTHER = "other", _("其他")


class ApplicantType(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("法人或其他组织")
    BOTH = "both", _("自然人、法人或其他组织")


class OnlineDepth(models.IntegerChoices):
    INFORMATION = 1, _("一级：网上办事指南")
    FORMS = 2, _("二级：表格下载")
    SUBMISSION = 3, _("三级：网上预审")
    FULL = 4, _("四级：全程网办")


class MissedPromiseRule(models.TextChoices):
    HOLD_LICENCE = "hold_licence", _("补齐前暂不发证")
    REVOKE = "revoke", _("逾期未补齐撤销许可")


class HandlingItem(models.Model):
    """A concrete variant (新办 / 变更 / 延续 / 注销 …) of an item version; a case is opened for one."""

    item_version = models.ForeignKey(
        ItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.PROTECT,
        related_name="handling_items",
    )
    code = models.CharField(_("办理项编码"), max_length=120)
    name = models.CharField(_("办理项名称"), max_length=300)
    variant = models.CharField(
        _("业务类型"), max_length=16, choices=Variant.choices, default=Variant.NEW
    )
    applicant_type = models.CharField(
        _("服务对象"), max_length=16, choices=ApplicantType.choices, default=ApplicantType.BOTH
    )
    conditions = models.TextField(_("受理条件"), blank=True)
    statutory_limit_days = models.PositiveSmallIntegerField(
        _("法定办结时限（工作日）"), null=True, blank=True
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        _("承诺办结时限（工作日）"), null=True, blank=True
    )
    is_instant = models.BooleanField(_("即办件"), default=False)
    is_joint = models.BooleanField(_("多部门联合办理（法定45日）"), default=False)
    is_commitment = models.BooleanField(_("告知承诺制"), default=False)
    # The period after a grant on commitment within which the bureau checks the commitment.
    verification_days = models.PositiveSmallIntegerField(
        _("告知承诺核查期限（工作日）"), default=20, validators=[MinValueValidator(1)]
    )
    missed_promise_rule = models.CharField(
        _("容缺材料逾期未补处理"),
        max_length=16,
        choices=MissedPromiseRule.choices,
        default=MissedPromiseRule.HOLD_LICENCE,
    )
    fee_charged = models.BooleanField(_("是否收费"), default=False)
    fee_standard = models.CharField(_("收费标准"), max_length=300, blank=True)
    fee_basis = models.CharField(_("收费依据"), max_length=300, blank=True)
    visits_required = models.PositiveSmallIntegerField(
        _("到现场次数"), default=1, choices=[(0, _("0次")), (1, _("1次")), (2, _("2次"))]
    )
    online_depth = models.PositiveSmallIntegerField(
        _("网上办理深度"), choices=OnlineDepth.choices, default=OnlineDepth.SUBMISSION
    )
    where = models.CharField(_("办理地点"), max_length=300, blank=True)
    office_hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    enquiry_phone = models.CharField(_("咨询电话"), max_length=60, blank=True)
    complaint_phone = models.CharField(_("监督投诉电话"), max_length=60, blank=True)
    result_name = models.CharField(_("审批结果名称"), max_length=200, blank=True)
    result_validity = models.CharField(_("结果有效期"), max_length=100, blank=True)
    deliver_at_window = models.BooleanField(_("窗口领取"), default=True)
    deliver_by_post = models.BooleanField(_("邮寄送达"), default=False)
    deliver_electronically = models.BooleanField(_("电子证照送达"), default=False)
    intermediary_services = models.TextField(_("中介服务"), blank=True)
    keywords = models.TextField(
        _("俗称与同义词"), blank=True, help_text=_("群众常用说法，以空格或顿号分隔，用于检索")
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("办理项")
        verbose_name_plural = _("办理项")
        ordering = ["item_version", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item_version", "code"], name="handling_item_unique_code_per_version"
            ),
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self):
        return self.name

    @property
    def delivery_channels(self) -> list[str]:
        channels = []
        if self.deliver_at_window:
            channels.append(str(_("窗口领取")))
        if self.deliver_by_post:
            channels.append(str(_("邮寄送达")))
        if self.deliver_electronically:
            channels.append(str(_("电子证照")))
        return channels


class Material(models.Model):
    """One material of a handling item's guide. `applies_to` says in which situation of the
    applicant it is needed, so the guide can list exactly the materials of theirs; a required
    material is required only in its situation."""

    class AppliesTo(models.TextChoices):
        ALL = "all", _("所有情形")
        PERSON = "person", _("申请人为自然人的")
        ORGANISATION = "organisation", _("申请人为法人或其他组织的")
        AGENT = "agent", _("委托他人代办的")

    class Form(models.TextChoices):
        ORIGINAL = "original", _("原件")
        COPY = "copy", _("复印件")
        ORIGINAL_AND_COPY = "original_and_copy", _("原件和复印件")
        ELECTRONIC = "electronic", _("电子件")

    class Source(models.TextChoices):
        APPLICANT = "applicant", _("申请人自备")
        GOVERNMENT = "government", _("政府部门核发")
        SHARED = "shared", _("共享获取／电子证照")

    handling_item = models.ForeignKey(
        HandlingItem, verbose_name=_("办理项"), on_delete=models.CASCADE, related_name="materials"
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("材料名称"), max_length=300, blank=True)
    form = models.CharField(
        _("材料形式"), max_length=20, choices=Form.choices, default=Form.ORIGINAL
    )
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    is_required = models.BooleanField(_("必要"), default=True)
    is_core = models.BooleanField(_("核心要件"), default=True)
    is_tolerable = models.BooleanField(_("可容缺"), default=False)
    source = models.CharField(
        _("来源渠道"), max_length=16, choices=Source.choices, default=Source.APPLICANT
    )
    applies_to = models.CharField(
        _("适用情形"), max_length=16, choices=AppliesTo.choices, default=AppliesTo.ALL
    )
    blank_form = models.FileField(
        _("空白表格"),
        upload_to="catalogue/forms/%Y/",
        blank=True,
        validators=[guide_file_extension, guide_file_size],
    )
    sample = models.FileField(
        _("填写示例"),
        upload_to="catalogue/samples/%Y/",
        blank=True,
        validators=[guide_file_extension, guide_file_size],
    )
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["handling_item", "order", "id"]

    def __str__(self):
        return self.name


class ReviewStep(models.Model):
    class Role(models.TextChoices):
        CLERK = "clerk", _("受理")
        REVIEWER = "reviewer", _("审查")
        SIGNATORY = "signatory", _("决定")

    handling_item = models.ForeignKey(
        HandlingItem,
        verbose_name=_("办理项"),
        on_delete=models.CASCADE,
        related_name="review_steps",
    )
    order = models.PositiveIntegerField(_("顺序"), default=0)
    name = models.CharField(_("环节名称"), max_length=100)
    role = models.CharField(
        _("承办角色"), max_length=16, choices=Role.choices, default=Role.REVIEWER
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("承办科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    limit_days = models.PositiveSmallIntegerField(_("环节时限（工作日）"), null=True, blank=True)

    class Meta:
        verbose_name = _("审批环节")
        verbose_name_plural = _("审批环节")
        ordering = ["handling_item", "order", "id"]

    def __str__(self):
        return self.name


class SpecialProcedure(models.Model):
    """《行政许可法》第四十五条: time these take is not counted in the limit."""

    class Kind(models.TextChoices):
        HEARING = "hearing", _("听证")
        TENDERING = "tendering", _("招标")
        AUCTION = "auction", _("拍卖")
        INSPECTION = "inspection", _("检验")
        TESTING = "testing", _("检测")
        QUARANTINE = "quarantine", _("检疫")
        APPRAISAL = "appraisal", _("鉴定")
        EXPERT_REVIEW = "expert_review", _("专家评审")
        SITE_SURVEY = "site_survey", _("现场勘验")

    handling_item = models.ForeignKey(
        HandlingItem,
        verbose_name=_("办理项"),
        on_delete=models.CASCADE,
        related_name="special_procedures",
    )
    kind = models.CharField(_("程序"), max_length=16, choices=Kind.choices)
    limit_days = models.PositiveSmallIntegerField(_("时限（工作日）"), null=True, blank=True)
    notes = models.CharField(_("说明"), max_length=300, blank=True)
    # 第四十五条 lists the procedures whose time the statutory limit leaves out; another kind
    # (a site survey) stops the statutory clock only where the item's own law says so, and that
    # law is cited here. Empty: it stops only the bureau's promised clock.
    legal_basis = models.CharField(
        _("不计入法定期限的法律依据"),
        max_length=300,
        blank=True,
        help_text=_("第四十五条所列程序以外的，须填写本事项法律、法规的具体规定，方可中止法定期限"),
    )

    # 《行政许可法》第四十五条: 听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审.
    STATUTORY_KINDS = frozenset(
        {
            Kind.HEARING,
            Kind.TENDERING,
            Kind.AUCTION,
            Kind.INSPECTION,
            Kind.TESTING,
            Kind.QUARANTINE,
            Kind.APPRAISAL,
            Kind.EXPERT_REVIEW,
        }
    )

    class Meta:
        verbose_name = _("特别程序")
        verbose_name_plural = _("特别程序")

    def __str__(self):
        return self.get_kind_display()


class GuidanceExemption(models.Model):
    """An item of the province's guidance catalogue that this region's body has no power to
    exercise (seed 002: 无此权力), so it is not a gap in the region's list."""

    catalogue = models.ForeignKey(
        Catalogue,
        verbose_name=_("本级事项目录"),
        on_delete=models.CASCADE,
        related_name="exemptions",
    )
    basic_code = models.CharField(_("指导目录事项基本编码"), max_length=64)
    reason = models.CharField(_("理由"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("无此权力说明")
        verbose_name_plural = _("无此权力说明")
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "basic_code"], name="exemption_unique")
        ]

    def __str__(self):
        return f"{self.basic_code}: {self.reason}"


class LifeEvent(models.Model):
    """一件事一次办: a life event (开饭店, 开办幼儿园, 企业注销 …) offered as one application for
    the handling items it gathers, some always needed, some only when the applicant answers
    the event's guided question yes. Versioned like a stage template: a draft is edited, a
    published version is never written to again and a later one replaces it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("事项目录"), on_delete=models.PROTECT, related_name="life_events"
    )
    name = models.CharField(_("一件事名称"), max_length=100)
    number = models.PositiveIntegerField(_("版本号"), default=1)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    description = models.TextField(_("说明"), blank=True)
    # What a citizen may type for it besides its name (开餐馆、餐饮店 …), separated by spaces
    # or commas, read by search.
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    superseded_on = models.DateField(_("停用日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")
        ordering = ["catalogue", "name", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "name", "number"], name="life_event_unique_version"
            ),
            models.UniqueConstraint(
                fields=["catalogue", "name"],
                condition=Q(status="draft"),
                name="life_event_at_most_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_offered(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.superseded_on is None


class LifeEventItem(models.Model):
    """A handling item of a life event: required, or optional and asked by `question`
    (是否设置户外招牌？) — a yes adds the item to the application."""

    life_event = models.ForeignKey(
        LifeEvent, verbose_name=_("一件事"), on_delete=models.CASCADE, related_name="items"
    )
    handling_item = models.ForeignKey(
        HandlingItem, verbose_name=_("办理项"), on_delete=models.PROTECT, related_name="+"
    )
    required = models.BooleanField(_("必办"), default=True)
    question = models.CharField(_("引导问题"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("一件事办理事项")
        verbose_name_plural = _("一件事办理事项")
        ordering = ["life_event", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["life_event", "handling_item"], name="life_event_item_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.handling_item.name)
