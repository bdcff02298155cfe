"""Site inspections (现场勘验, 《行政许可法》第三十四条第三款) and joint inspections (联合勘验).

An inspection is scheduled with the applicant for a time at the site, visited by two or more
inspectors (staff, or experts drawn for the expert review of a case it covers), worked through the
handling item's checklist line by line, evidenced by photos whose EXIF time and position are
kept, and signed by every inspector. A joint inspection is one visit for a construction
project's stage: it covers every case of the stage it lists and records each party (a section
of the bureau, a department through linkage) with its attendance and findings.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.cases.models import Case, SiteInspection
from oneseal.catalogue.models import HandlingItem
from oneseal.organisation.models import Bureau, Department, Section
from oneseal.projects.models import Project, Stage
from oneseal.regions.models import Region


class ChecklistLine(models.Model):
    """One point to check on site for a handling item, kept by the catalogue administrators of
    the item's catalogue. An inspection copies the lines when it is scheduled, so a later edit
    never changes what was checked."""

    handling_item = models.ForeignKey(
        HandlingItem,
        verbose_name=_("办理项"),
        on_delete=models.CASCADE,
        related_name="inspection_checklist",
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("核查要点"), max_length=300)
    guidance = models.CharField(_("核查方法"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("勘验核查要点")
        verbose_name_plural = _("勘验核查要点")
        ordering = ["handling_item", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["handling_item", "order"], name="inspection_checklist_order_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class Inspection(models.Model):
    """One site visit: of one case, or (joint) of a construction project's stage."""

    class InspectionState(models.TextChoices):
        SCHEDULED = "scheduled", _("已预约")
        IN_PROGRESS = "in_progress", _("勘验中")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    bureau = models.ForeignKey(
        Bureau, verbose_name=_("行政审批局"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised for scoping by prefix without a join (organisation.rules.scope_prefix).
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    # A single-case inspection names its case; a joint one its project and stage instead, and
    # lists the cases it covers in InspectionCase either way.
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("工程建设项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joint_inspections",
    )
    stage = models.PositiveSmallIntegerField(
        _("审批阶段"), null=True, blank=True, choices=Stage.choices
    )
    code = models.CharField(_("勘验预约码"), max_length=8, unique=True)
    place = models.CharField(_("勘验地点"), max_length=300)
    scheduled_at = models.DateTimeField(_("勘验时间"))
    expected_days = models.PositiveSmallIntegerField(_("预计所需时间（工作日）"))
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=InspectionState.choices,
        default=InspectionState.SCHEDULED,
    )
    applicant_rescheduled = models.BooleanField(_("申请人已改期"), default=False)
    bureau_rescheduled = models.BooleanField(_("审批局已改期"), default=False)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("安排人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_on = models.DateField(_("安排日期"))
    started_on = models.DateField(_("开始勘验日期"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    conclusion = models.TextField(_("勘验结论"), blank=True)
    cancelled_reason = models.TextField(_("取消理由"), blank=True)

    class Meta:
        verbose_name = _("现场勘验")
        verbose_name_plural = _("现场勘验")
        ordering = ["scheduled_at", "id"]
        indexes = [models.Index(fields=["region_code", "scheduled_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(case__isnull=False, project__isnull=True, stage__isnull=True)
                    | Q(case__isnull=True, project__isnull=False, stage__isnull=False)
                ),
                name="inspection_of_case_or_project_stage",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.place}"

    @property
    def is_joint(self) -> bool:
        return self.project_id is not None


class InspectionCase(models.Model):
    """A case the inspection's result belongs to. `suspended`: the inspection stopped the
    case's clock (第四十五条, the guide lists 现场勘验) and its completion resumes it."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="covered")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="inspection_links")
    suspended = models.BooleanField(_("已中止计时"), default=False)
    record = models.OneToOneField(
        SiteInspection,
        verbose_name=_("办件的现场核查记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("勘验涉及的办件")
        verbose_name_plural = _("勘验涉及的办件")
        ordering = ["inspection", "case"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "case"], name="inspection_case_unique")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} → {self.case_id}"


class Inspector(models.Model):
    """One of the people sent (第三十四条第三款: two or more): a member of staff, or an expert
    drawn from the expert pool for the review (专家评审) of a case the visit covers (on a joint
    inspection, any case of the stage it lists), who signs in with the expert's own account.
    `assignment` is that draw's seat; the expert inspects only while it stands."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="inspectors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("勘验人员"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    name = models.CharField(_("姓名"), max_length=100)
    assignment = models.ForeignKey(
        "experts.Assignment",
        verbose_name=_("抽取的评审专家"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspector_rows",
    )
    # The fingerprint of the findings, parties and photos the inspector signed; a change after
    # signing leaves it different from the current one, so the signature no longer counts.
    confirmed_digest = models.CharField(max_length=64, blank=True)
    confirmed_at = models.DateTimeField(_("签名时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("勘验人员")
        verbose_name_plural = _("勘验人员")
        ordering = ["inspection", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "user"], name="inspector_once")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_expert(self) -> bool:
        return self.assignment_id is not None


class Finding(models.Model):
    """The finding on one checklist line (copied from the handling item's checklist)."""

    class Result(models.TextChoices):
        CONFORMS = "conforms", _("符合")
        NONCONFORMS = "nonconforms", _("不符合")
        NOT_APPLICABLE = "not_applicable", _("不适用")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    order = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("核查要点"), max_length=300)
    guidance = models.CharField(_("核查方法"), max_length=300, blank=True)
    result = models.CharField(_("核查结果"), max_length=16, choices=Result.choices, blank=True)
    note = models.TextField(_("情况说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("勘验核查结果")
        verbose_name_plural = _("勘验核查结果")
        ordering = ["inspection", "order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "order"], name="finding_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class Party(models.Model):
    """A party to a joint inspection: a section of the bureau or a department (through
    linkage), with its attendance and findings."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="parties")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("参加单位"), max_length=200)
    attended = models.BooleanField(_("到场"), null=True, blank=True)
    representative = models.CharField(_("到场人员"), max_length=200, blank=True)
    findings = models.TextField(_("单位意见"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("联合勘验参加单位")
        verbose_name_plural = _("联合勘验参加单位")
        ordering = ["inspection", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(section__isnull=True, department__isnull=False)
                | Q(section__isnull=False, department__isnull=True),
                name="party_section_or_department",
            ),
            models.UniqueConstraint(
                fields=["inspection", "section"],
                condition=Q(section__isnull=False),
                name="party_section_once",
            ),
            models.UniqueConstraint(
                fields=["inspection", "department"],
                condition=Q(department__isnull=False),
                name="party_department_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Photo(models.Model):
    """A photo taken on site, kept as evidence with its SHA-256 and the time and position its
    EXIF states (none when the camera wrote none: the upload time is then all there is)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="photos")
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    file = models.FileField(upload_to="inspections/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    taken_at = models.DateTimeField(_("拍摄时间（EXIF）"), null=True, blank=True)
    latitude = models.DecimalField(
        _("纬度（EXIF）"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("经度（EXIF）"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("勘验照片")
        verbose_name_plural = _("勘验照片")
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return f"{self.original_name} {self.sha256[:12]}"


class Reschedule(models.Model):
    """A change of the agreed time. Each side (the applicant, the bureau) may change it once."""

    class Side(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        BUREAU = "bureau", _("审批局")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="reschedules")
    side = models.CharField(_("改期方"), max_length=16, choices=Side.choices)
    previous_at = models.DateTimeField(_("原定时间"))
    new_at = models.DateTimeField(_("改定时间"))
    reason = models.TextField(_("改期理由"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("勘验改期")
        verbose_name_plural = _("勘验改期")
        ordering = ["inspection", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "side"], name="reschedule_once_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.new_at.isoformat()}"
