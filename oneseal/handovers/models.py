"""The hand-over of pending cases (在办件移交, seed 000): what a department had received before
its items moved to the bureau becomes the bureau's case, with the papers handed over and
what was missing. One `Handover` per department's register imported; one `HandedOverCase` per
row, tying the bureau's new case to the department's original number and papers. The case's
own history (`cases.CaseEvent` `hand_over`) says the same; these rows carry the checklist both
sides confirm and feed the hand-over report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oneseal.cases.models import Case
from oneseal.organisation.models import Bureau, Department


class Handover(models.Model):
    bureau = models.ForeignKey(
        Bureau, verbose_name=_("接收机关"), on_delete=models.PROTECT, related_name="handovers"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("移交部门"),
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    handed_over_on = models.DateField(_("移交日期"))
    # The department's official who hands the files over (they may have no account here).
    handed_over_by = models.CharField(_("移交人（部门）"), max_length=100)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人（审批局）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    # The department's confirmation of the checklist, by a supervisor of the department.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人（部门）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("部门确认时间"), null=True, blank=True)
    source_name = models.CharField(_("台账文件"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("台账文件SHA-256"), max_length=64)
    note = models.TextField(_("移交说明"), blank=True)

    class Meta:
        verbose_name = _("在办件移交")
        verbose_name_plural = _("在办件移交")
        ordering = ["-handed_over_on", "-id"]

    def __str__(self) -> str:
        return f"{self.department} {self.handed_over_on.isoformat()}"


class HandedOverCase(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="cases")
    # Kept beside the handover's for the one-number-once rule per department.
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="handed_over")
    row = models.PositiveIntegerField(_("台账行号"))
    original_number = models.CharField(_("原办件编号"), max_length=64)
    original_state = models.CharField(_("移交时状态"), max_length=24)
    # [{"material": name, "copies": n}] as handed over; the names of required papers missing.
    papers = models.JSONField(_("移交材料"), default=list)
    papers_count = models.PositiveIntegerField(_("材料份数"), default=0)
    missing = models.JSONField(_("缺少材料"), default=list)
    explanation = models.TextField(_("未办结说明"), blank=True)

    class Meta:
        verbose_name = _("移交的在办件")
        verbose_name_plural = _("移交的在办件")
        ordering = ["handover", "row"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "original_number"],
                name="handed_over_case_unique_original_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_number} → {self.case_id}"
