"""An online application saved as the applicant goes (保存草稿): what the form holds so far
and the files already checked and stored. Server-side, so it resumes on another device; it
belongs to one account and the applicant that account acts for."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Draft(models.Model):
    """An application not yet submitted. Submitting it opens a case and removes it; 30 calendar
    days without a change remove it with its files (the owner warned 3 days before)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="drafts",
        verbose_name=_("账号"),
    )
    applicant = models.ForeignKey(
        "applicants.Applicant",
        on_delete=models.PROTECT,
        related_name="drafts",
        verbose_name=_("申请人"),
    )
    handling_item = models.ForeignKey(
        "catalogue.HandlingItem",
        on_delete=models.PROTECT,
        related_name="drafts",
        verbose_name=_("办理项"),
    )
    # The form's values other than the files, by field name (`drafts.rules.FIELDS`).
    fields = models.JSONField(_("已填内容"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    changed_at = models.DateTimeField(_("最后修改"), db_index=True)
    # When the owner was told the draft will be removed; cleared by the next change.
    warned_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申请草稿")
        verbose_name_plural = _("申请草稿")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.handling_item_id}/{self.applicant_id} ({self.pk})"


class DraftUpload(models.Model):
    """A file of a draft, one per material: checked exactly as a case's upload, and handed to
    the case as it is when the draft is submitted (no second upload)."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="uploads")
    material = models.ForeignKey(
        "catalogue.Material", on_delete=models.PROTECT, related_name="+", verbose_name=_("材料")
    )
    file = models.FileField(upload_to="drafts/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("草稿文件")
        verbose_name_plural = _("草稿文件")
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "material"], name="draft_one_file_per_material"
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_name} {self.sha256[:12]}"
