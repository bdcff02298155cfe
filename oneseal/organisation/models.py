from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oneseal.regions.models import Region


class Role(models.TextChoices):
    """Staff roles (domain.md §1). Applicants are not staff; they have their own accounts."""

    CLERK = "clerk", _("综合受理窗口")
    REVIEWER = "reviewer", _("审批科室审查人员")
    SIGNATORY = "signatory", _("签批领导")
    SUPERVISOR = "supervisor", _("行业主管部门监管人员")
    CATALOGUE_ADMIN = "catalogue_admin", _("事项目录管理员")
    OVERSEER = "overseer", _("改革办／领导／纪检监察（只读）")
    # Keeps the organisation (staff, their roles, sections, departments) through
    # `organisation.actions`; acts on no case.
    ADMINISTRATOR = "administrator", _("系统管理员（机构与人员）")
    # Searches and opens the archives of the ended cases of their region (oneseal.archives);
    # acts on no case and sees no case that is still being handled.
    ARCHIVIST = "archivist", _("档案管理员")


class Bureau(models.Model):
    """The approval bureau of a region: the one body that holds the transferred powers."""

    region = models.OneToOneField(
        Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="bureau"
    )
    name = models.CharField(_("名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=40, blank=True)
    established_on = models.DateField(_("启用审批专用章日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("行政审批局")
        verbose_name_plural = _("行政审批局")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A functional department: approved before the reform, supervises after it."""

    region = models.ForeignKey(
        Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    code = models.CharField(_("部门编码"), max_length=40, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("行业主管部门")
        verbose_name_plural = _("行业主管部门")
        ordering = ["region", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="department_unique_name_per_region"
            )
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class Section(models.Model):
    """A back-office team inside the bureau (投资建设科, 市场准入科 …)."""

    bureau = models.ForeignKey(
        Bureau, verbose_name=_("行政审批局"), on_delete=models.PROTECT, related_name="sections"
    )
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("审批科室")
        verbose_name_plural = _("审批科室")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "name"], name="section_unique_name_per_bureau"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ServiceCentre(models.Model):
    """A township service centre taking cases under delegation (委托)."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("乡镇（街道）"),
        on_delete=models.PROTECT,
        related_name="service_centres",
    )
    bureau = models.ForeignKey(
        Bureau, verbose_name=_("委托机关"), on_delete=models.PROTECT, related_name="service_centres"
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("便民服务中心")
        verbose_name_plural = _("便民服务中心")

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A staff account's place in the organisation. `region` is the scope: the staff member sees
    that region and everything below it (a city bureau over its counties)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("管辖区划"), on_delete=models.PROTECT, related_name="+"
    )
    bureau = models.ForeignKey(
        Bureau,
        verbose_name=_("行政审批局"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("行业主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("审批科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    service_centre = models.ForeignKey(
        ServiceCentre,
        verbose_name=_("便民服务中心"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    display_name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return self.display_name

    # The roles as read with the record (`organisation.rules.staff_of` joins them into its one
    # query); None: not read, `role_set` asks the database.
    known_roles: frozenset[str] | None = None

    @property
    def role_set(self) -> frozenset[str]:
        if self.known_roles is not None:
            return self.known_roles
        return frozenset(r.role for r in self.roles.all())


class StaffRole(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="staff_role_unique")]

    def __str__(self) -> str:
        return self.get_role_display()
