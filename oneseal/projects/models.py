"""Construction projects (工程建设项目) and the stage templates of parallel approval
(glossary: parallel approval, stage). A project is registered once with its investment-project
code; a stage template says, per region's catalogue, which handling items a stage of the
national four (国办发〔2019〕11号) runs in parallel, under which lead section and time limit."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.applicants.models import Applicant
from oneseal.cases.models import Case, Channel
from oneseal.catalogue.models import Catalogue, HandlingItem, LifeEvent
from oneseal.organisation.models import Bureau, Department, Section
from oneseal.regions.models import Region


class ProjectKind(models.TextChoices):
    GOVERNMENT = "government", _("政府投资项目")
    ENTERPRISE = "enterprise", _("社会投资项目")
    SMALL_LOW_RISK = "small_low_risk", _("社会投资小型低风险项目")
    LAND_WITH_PLAN = "land_with_plan", _("带方案出让用地项目")


class Stage(models.IntegerChoices):
    """The four stages, in the order a project passes them."""

    LAND_AND_PLANNING = 1, _("立项用地规划许可")
    CONSTRUCTION_ENGINEERING = 2, _("工程建设许可")
    CONSTRUCTION_PERMIT = 3, _("施工许可")
    COMPLETION_ACCEPTANCE = 4, _("竣工验收")


class Project(models.Model):
    code = models.CharField(_("投资项目统一代码"), max_length=24, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    owner = models.ForeignKey(
        Applicant,
        verbose_name=_("建设单位"),
        on_delete=models.PROTECT,
        related_name="projects",
        limit_choices_to={"kind": Applicant.Kind.ORGANISATION},
    )
    kind = models.CharField(_("项目类型"), max_length=20, choices=ProjectKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所属行政区划"), on_delete=models.PROTECT, related_name="projects"
    )
    location = models.CharField(_("建设地点"), max_length=300)
    floor_area = models.DecimalField(
        _("总建筑面积（平方米）"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    investment = models.DecimalField(
        _("总投资（万元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("工程建设项目")
        verbose_name_plural = _("工程建设项目")
        ordering = ["-registered_at", "-id"]
        indexes = [models.Index(fields=["region", "registered_at"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class StageTemplate(models.Model):
    """One stage as a region's catalogue runs it, for the project kinds it names. A draft is
    edited; a published template is never written to again."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    catalogue = models.ForeignKey(
        Catalogue,
        verbose_name=_("事项目录"),
        on_delete=models.PROTECT,
        related_name="stage_templates",
    )
    stage = models.PositiveSmallIntegerField(_("审批阶段"), choices=Stage.choices)
    name = models.CharField(_("名称"), max_length=200)
    number = models.PositiveIntegerField(_("版本号"), default=1)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    project_kinds = models.JSONField(_("适用项目类型"), default=list)
    lead_section = models.ForeignKey(
        Section,
        verbose_name=_("牵头科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_stages",
    )
    limit_days = models.PositiveSmallIntegerField(
        _("阶段办结时限（工作日）"), validators=[MinValueValidator(1)]
    )
    # The whole approval of a project (first stage application to completion, the applicant's
    # time excluded), per project kind: {"enterprise": 90, "small_low_risk": 15}. Every stage
    # template of a catalogue may say it; a project reads it from the template of its latest
    # stage application.
    project_limits = models.JSONField(_("项目全流程审批时限（工作日）"), default=dict, blank=True)
    # Needed only when the stage's limit is shorter than an item's statutory limit: the
    # document (a local reform plan) that lets the stage promise less.
    legal_basis = models.TextField(_("压缩时限依据"), blank=True)
    # Whether a department's silence past an opinion request's limit counts as no objection in
    # this stage (the local reform plan says so or not); the template's name, version and legal
    # basis are then recorded on the request as the rule that allowed it.
    silence_is_consent = models.BooleanField(_("征求意见逾期未答复视为无意见"), default=False)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    # Set when a later version of the same name is published: no longer offered.
    superseded_on = models.DateField(_("停用日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阶段模板")
        verbose_name_plural = _("阶段模板")
        ordering = ["catalogue", "stage", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "stage", "name", "number"],
                name="stage_template_unique_version",
            ),
            models.UniqueConstraint(
                fields=["catalogue", "stage", "name"],
                condition=Q(status="draft"),
                name="stage_template_at_most_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class StageItem(models.Model):
    template = models.ForeignKey(
        StageTemplate, verbose_name=_("阶段模板"), on_delete=models.CASCADE, related_name="items"
    )
    handling_item = models.ForeignKey(
        HandlingItem, verbose_name=_("办理项"), on_delete=models.PROTECT, related_name="+"
    )
    required = models.BooleanField(_("必办"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("阶段办理事项")
        verbose_name_plural = _("阶段办理事项")
        ordering = ["template", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "handling_item"], name="stage_item_unique_handling_item"
            )
        ]

    def __str__(self) -> str:
        return str(self.handling_item.name)


class Bundle(models.Model):
    """One application for several handling items (a stage of a project, or a life event):
    one form, one set of materials, one case per item opened together, and one delivery when
    every case is decided (`bundles.open_bundle`, `bundles.conclude`)."""

    class Kind(models.TextChoices):
        STAGE = "stage", _("工程建设项目审批阶段")
        LIFE_EVENT = "life_event", _("一件事")

    class Outcome(models.TextChoices):
        OPEN = "", _("办理中")
        COMPLETE = "complete", _("全部办结")
        ENDED = "ended", _("必办事项未获许可，办理终结")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="bundles"
    )
    life_event = models.ForeignKey(
        LifeEvent,
        verbose_name=_("一件事"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    channel = models.CharField(_("申请渠道"), max_length=16, choices=Channel.choices)
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)
    received_at = models.DateTimeField(_("收件时间"))
    received_on = models.DateField(_("收件日期"))
    # The one form: the answers given once for every item ({field: value}), the guided
    # questions' answers, and the materials given once for several items or reused.
    form = models.JSONField(_("申请表"), default=dict, blank=True)
    answers = models.JSONField(_("引导问题回答"), default=dict, blank=True)
    materials = models.JSONField(_("材料"), default=list, blank=True)
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    outcome = models.CharField(
        _("办理结果"), max_length=16, choices=Outcome.choices, default="", blank=True
    )
    reasons = models.JSONField(_("终结理由"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("联办申请")
        verbose_name_plural = _("联办申请")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="bundle_unique_idempotency_key",
            )
        ]
        indexes = [models.Index(fields=["region_code", "received_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class BundleCase(models.Model):
    bundle = models.ForeignKey(
        Bundle, verbose_name=_("联办申请"), on_delete=models.CASCADE, related_name="members"
    )
    case = models.OneToOneField(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="bundle_member"
    )
    required = models.BooleanField(_("必办"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("联办办件")
        verbose_name_plural = _("联办办件")
        ordering = ["bundle", "order", "id"]

    def __str__(self) -> str:
        return str(self.case_id)


class StageApplication(models.Model):
    """A project's application for one stage under a published template: its cases are the
    bundle's; its clock is computed from their events (`clocks.stage_clock`)."""

    project = models.ForeignKey(
        Project, verbose_name=_("工程建设项目"), on_delete=models.PROTECT, related_name="stages"
    )
    template = models.ForeignKey(
        StageTemplate,
        verbose_name=_("阶段模板"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    stage = models.PositiveSmallIntegerField(_("审批阶段"), choices=Stage.choices)
    bundle = models.OneToOneField(
        Bundle, verbose_name=_("联办申请"), on_delete=models.PROTECT, related_name="stage"
    )

    class Meta:
        verbose_name = _("阶段申请")
        verbose_name_plural = _("阶段申请")
        ordering = ["project", "stage", "id"]

    def __str__(self) -> str:
        return f"{self.project.name}：{self.get_stage_display()}"


class StageStanding(models.Model):
    """Where a stage application's clocks stood when last computed (`desk.refresh`), kept so
    the lead section's queue and e-supervision filter, sort and count in SQL instead of
    replaying every stage's events on each read. A standing is a cache of `clocks`: any event
    on one of the stage's cases marks it dirty (`desk._event_saved`), and a dirty one — or one
    computed on another calendar — is computed again before it is read. The project's clock is
    copied onto each of its stages' standings, all refreshed together.

    While a clock runs, its working days left change every day without any event: the days
    from which it turns yellow and red are stored (`desk.warning_days`) and the reads compare
    them with today. While stopped, the days left stay as stored."""

    application = models.OneToOneField(
        StageApplication,
        verbose_name=_("阶段申请"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="standing",
    )
    # Copies of what never changes after the application (template published, project's
    # region is identity), so the queue's scope is one index range.
    lead_section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(max_length=12)
    stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    dirty = models.BooleanField(default=True)
    # The calendar's fingerprint and the yellow threshold the row was computed with.
    calendar = models.CharField(max_length=48, blank=True)
    computed_on = models.DateField(null=True, blank=True)
    received_on = models.DateField()
    limit_days = models.PositiveSmallIntegerField()
    used = models.IntegerField(default=0)
    remaining = models.IntegerField(default=0)
    due_on = models.DateField(null=True, blank=True)
    paused = models.BooleanField(default=False)
    concluded_on = models.DateField(null=True, blank=True)
    project_limit = models.IntegerField(null=True, blank=True)
    project_used = models.IntegerField(default=0)
    project_remaining = models.IntegerField(null=True, blank=True)
    project_due_on = models.DateField(null=True, blank=True)
    # Whether some stage of the project counted days when computed: the project's days left
    # fall with every working day only then.
    project_running = models.BooleanField(default=False)
    project_started_on = models.DateField(null=True, blank=True)
    project_completed_on = models.DateField(null=True, blank=True)
    # The days from which each clock warns, so a read compares dates (None: it will not, as
    # things stand): yellow and red of the stage, of the project, and of the worse of both.
    stage_yellow_on = models.DateField(null=True, blank=True)
    stage_red_on = models.DateField(null=True, blank=True)
    project_yellow_on = models.DateField(null=True, blank=True)
    project_red_on = models.DateField(null=True, blank=True)
    yellow_on = models.DateField(null=True, blank=True)
    red_on = models.DateField(null=True, blank=True)
    # The worse warning as a rank (0 red, 1 yellow, 2 none), kept for the days
    # [urgency_from, urgency_until) (None: unbounded), so the queue's order "most urgent, then
    # by due day" is an index walk instead of a sort of every open stage. Only today moves it:
    # `desk.relevel` sets it again, in one statement, on the rows whose span `on` left.
    urgency = models.PositiveSmallIntegerField(default=2)
    urgency_from = models.DateField(null=True, blank=True)
    urgency_until = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("阶段时限状态")
        verbose_name_plural = _("阶段时限状态")
        indexes = [
            # The lead section's queue: its open stages, most urgent first, then by due day —
            # the first page reads 20 index entries, whatever the backlog. The region last, so
            # the counts per warning are read from the index alone.
            models.Index(
                fields=["lead_section", "urgency", "due_on", "application", "region_code"],
                condition=Q(concluded_on__isnull=True),
                name="standing_desk_queue",
            ),
            # The same for a reader of every section (a superuser).
            models.Index(
                fields=["urgency", "due_on", "application"],
                condition=Q(concluded_on__isnull=True),
                name="standing_open_urgency",
            ),
            # The concluded stages, latest first.
            models.Index(
                fields=["lead_section", "-concluded_on", "application"],
                condition=Q(concluded_on__isnull=False),
                name="standing_desk_concluded",
            ),
            # The rows whose urgency `on` has left (`desk.relevel`): none, on most reads.
            models.Index(
                fields=["urgency_until"],
                condition=Q(concluded_on__isnull=True),
                name="standing_urgency_until",
            ),
            models.Index(
                fields=["urgency_from"],
                condition=Q(concluded_on__isnull=True),
                name="standing_urgency_from",
            ),
            # E-supervision and the desk's refresh: by region, open or concluded.
            models.Index(fields=["region_code", "concluded_on"], name="standing_region"),
            models.Index(fields=["dirty"], condition=Q(dirty=True), name="standing_dirty"),
        ]

    def __str__(self) -> str:
        return str(self.application_id)


# --- shared steps of a stage (联合审图, 多评合一, 联合验收) ---------------------------------------


class JointKind(models.TextChoices):
    DRAWING_REVIEW = "drawing_review", _("联合审图")
    COMBINED_ASSESSMENT = "combined_assessment", _("多评合一")
    JOINT_ACCEPTANCE = "joint_acceptance", _("联合验收")


class JointResult(models.TextChoices):
    PASS = "pass", _("通过")
    CONDITIONS = "conditions", _("有条件通过")
    FAIL = "fail", _("不通过")


class JointStep(models.Model):
    """One shared step of a project's stage, done once for every case of the stage: the sections
    and departments concerned each give their opinion or result (a department through an
    opinion request of the linkage), and the step ends in one report under the bureau's seal
    (联合审图 merged report, 多评合一 combined assessment, 联合验收意见书). Keyed to the project
    and the stage number; the cases of the stage that use it are listed in `cases`."""

    class StepState(models.TextChoices):
        OPEN = "open", _("进行中")
        CONCLUDED = "concluded", _("已出具报告")

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="joint_steps"
    )
    stage = models.PositiveSmallIntegerField(_("审批阶段"), choices=Stage.choices)
    kind = models.CharField(_("联合环节"), max_length=24, choices=JointKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    region_code = models.CharField(max_length=12, editable=False, db_index=True)
    template = models.ForeignKey(
        StageTemplate,
        verbose_name=_("阶段模板"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cases = models.ManyToManyField(
        Case, verbose_name=_("使用本环节结论的办件"), related_name="joint_steps", blank=True
    )
    # 多评合一: the one provider who drew up the combined assessment — an intermediary of the
    # marketplace qualified on the day the step opened (`queries.qualified_providers`), whose
    # name and credit code are copied below as the report prints them; or, for a provider not
    # registered there (and the steps opened before it existed), only the named provider.
    provider = models.ForeignKey(
        "intermediaries.Intermediary",
        verbose_name=_("评估编制中介机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider_name = models.CharField(_("评估编制单位"), max_length=200, blank=True)
    provider_credit_code = models.CharField(
        _("编制单位统一社会信用代码"), max_length=18, blank=True
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=StepState.choices, default=StepState.OPEN
    )
    opened_on = models.DateField(_("发起日期"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("结论"), max_length=16, choices=JointResult.choices, blank=True)
    summary = models.TextField(_("综合意见"), blank=True)
    concluded_on = models.DateField(_("出具日期"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The sealed report: numbered per bureau, year and kind, signed with the bureau's seal.
    bureau = models.ForeignKey(
        Bureau, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report_number = models.CharField(_("报告文号"), max_length=60, blank=True)
    report_file = models.FileField(_("报告文件"), upload_to="projects/reports/", blank=True)
    report_sha256 = models.CharField(max_length=64, blank=True)
    # Printed with its QR code: opens the report's public check page.
    report_code = models.CharField(_("核验码"), max_length=16, blank=True)
    report_seal = models.ForeignKey(
        "documents.Seal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("联合环节")
        verbose_name_plural = _("联合环节")
        ordering = ["project", "stage", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "stage", "kind"], name="joint_step_one_per_stage_and_kind"
            ),
            models.UniqueConstraint(
                fields=["report_number"],
                condition=~Q(report_number=""),
                name="joint_step_unique_report_number",
            ),
            models.UniqueConstraint(
                fields=["report_code"],
                condition=~Q(report_code=""),
                name="joint_step_unique_report_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} {self.get_kind_display()}"


class JointParty(models.Model):
    """A section of the bureau, or a department, concerned by a joint step, and what it said.
    A department's opinion is its opinion request in the linkage (the step's one request to
    that department that is not withdrawn); a section's result is recorded here by its staff."""

    step = models.ForeignKey(JointStep, on_delete=models.CASCADE, related_name="parties")
    section = models.ForeignKey(
        Section,
        verbose_name=_("科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(_("结论"), max_length=16, choices=JointResult.choices, blank=True)
    findings = models.TextField(_("意见"), blank=True)
    recorded_on = models.DateField(_("记录日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("联合环节参与方")
        verbose_name_plural = _("联合环节参与方")
        ordering = ["step", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(section__isnull=False, department__isnull=True)
                | Q(section__isnull=True, department__isnull=False),
                name="joint_party_section_or_department",
            ),
            models.UniqueConstraint(fields=["step", "section"], name="joint_party_one_per_section"),
            models.UniqueConstraint(
                fields=["step", "department"], name="joint_party_one_per_department"
            ),
        ]

    def __str__(self) -> str:
        return str(self.section or self.department)


class JointReportSequence(models.Model):
    """The last report number given per bureau, year and kind; locked while numbering."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=24, choices=JointKind.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "year", "kind"], name="joint_report_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bureau_id}/{self.year}/{self.kind}: {self.last}"
