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
from oneseal.cases.models import Case
from oneseal.catalogue.models import Catalogue, HandlingItem
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
    # 多评合一: the one provider who drew up the combined assessment (an intermediary of the
    # marketplace once it exists).
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
