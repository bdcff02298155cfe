from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AuditEvent(models.Model):
    """One row per domain action: who did what to which object, when, and with what data.
    Rows are only ever inserted (see `actions.record`), each as the next link of one hash
    chain: `hash` covers the row's content and the previous row's hash (`chain.row_hash`)."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    subject_type = models.CharField(_("对象类型"), max_length=64)
    subject_id = models.CharField(_("对象编号"), max_length=64)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    summary = models.CharField(_("摘要"), max_length=500, blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    seq = models.PositiveBigIntegerField(_("链序号"), unique=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject_type}#{self.subject_id}"


class AuditHead(models.Model):
    """The head of the audit log's chain: one row (pk 1). `record` locks it for the rest of
    its transaction, so parallel writers append one after the other and the chain never
    forks; it also says where the log ends, so a cut-off tail shows even before a checkpoint."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"{self.seq} {self.hash[:12]}"


class Checkpoint(models.Model):
    """A sealed statement of every chain head at one moment: the audit log's length and last
    hash, and a root over every case's head (case id, head seq = its event count, head hash).
    `digest` is the SHA-256 of the canonical payload (`checkpoints.payload`), which the
    bureau's seal key signs; checkpoints chain through `prev_digest`. `case_heads` keeps the
    heads that moved since the previous checkpoint, so a mismatch can name the case; it is
    not signed, but folding it must give the signed root."""

    number = models.PositiveIntegerField(_("序号"), unique=True)
    made_at = models.DateTimeField(_("生成时间"))
    on = models.DateField(_("业务日期"), db_index=True)
    audit_rows = models.PositiveBigIntegerField(_("审计记录条数"))
    audit_head = models.CharField(_("审计链头哈希"), max_length=64)
    case_count = models.PositiveIntegerField(_("办件数"))
    case_event_count = models.PositiveBigIntegerField(_("办件记录条数"))
    last_case_event_id = models.PositiveBigIntegerField(_("最后一条办件记录编号"))
    cases_root = models.CharField(_("办件链头根哈希"), max_length=64)
    case_heads = models.JSONField(_("变动的办件链头"), default=dict, blank=True)
    prev_digest = models.CharField(_("前一检查点摘要"), max_length=64)
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    fingerprint = models.CharField(_("签章证书指纹"), max_length=64)
    signature = models.TextField(_("签名"))

    class Meta:
        verbose_name = _("审计检查点")
        verbose_name_plural = _("审计检查点")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.on}"
