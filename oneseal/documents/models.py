"""Documents under the one seal (domain.md §6): the bureau's approval seal as a signing key
and certificate, the register of the departments' old seals, and every notice and licence
issued as a signed PDF with a number (文号) and a public verification code.

Rows change only through `documents.actions`. A document's file is content-addressed by its
SHA-256 and never overwritten: a correction is a new document that supersedes the old one.
"""

import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.cases.models import Case, CaseEvent
from oneseal.organisation.models import Bureau, Department


class Seal(models.Model):
    """An approval seal. A bureau's seal carries a key (PKCS#8, encrypted with a passphrase
    derived from the seal key, see `documents.signing`) and a self-signed certificate;
    a department's old seal is registered only to record the day it was sealed away (seed 000
    四(二)5), and can sign nothing."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("行政审批专用章")
        DEPARTMENT = "department", _("原部门印章")

    class SealState(models.TextChoices):
        ACTIVE = "active", _("启用")
        SEALED_AWAY = "sealed_away", _("已封存")
        REVOKED = "revoked", _("已作废")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    bureau = models.ForeignKey(
        Bureau,
        verbose_name=_("行政审批局"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seals",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("行业主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seals",
    )
    name = models.CharField(_("印章名称"), max_length=100)
    state = models.CharField(
        _("状态"), max_length=16, choices=SealState.choices, default=SealState.ACTIVE
    )
    valid_from = models.DateField(_("启用日期"))
    sealed_away_on = models.DateField(_("封存日期"), null=True, blank=True)
    revoked_on = models.DateField(_("作废日期"), null=True, blank=True)
    # Who keeps the seal and where, as last recorded (a department's old seal: from its
    # hand-over, `SealHandover`).
    holder = models.CharField(_("保管人"), max_length=50, blank=True)
    place = models.CharField(_("存放地点"), max_length=200, blank=True)
    certificate_pem = models.TextField(_("证书"), blank=True)
    # SHA-256 of the certificate's DER form: how a signature found in a file names its seal.
    fingerprint = models.CharField(_("证书指纹"), max_length=64, blank=True, db_index=True)
    private_key_pem = models.TextField(_("加密私钥"), blank=True, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("印章")
        verbose_name_plural = _("印章")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau"],
                condition=Q(kind="bureau", state="active"),
                name="seal_one_active_per_bureau",
            ),
            models.CheckConstraint(
                condition=(Q(kind="bureau") & Q(bureau__isnull=False) & Q(department__isnull=True))
                | (Q(kind="department") & Q(department__isnull=False) & Q(bureau__isnull=True)),
                name="seal_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["department", "name"],
                condition=Q(kind="department"),
                name="seal_department_unique_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_state_display()}）"

    @property
    def can_sign(self) -> bool:
        return (
            self.kind == self.Kind.BUREAU
            and self.state == self.SealState.ACTIVE
            and bool(self.private_key_pem)
        )


class SealHandover(models.Model):
    """Seed 000 四(二)5: a department's old approval seal handed over to the bureau and sealed
    away, once, on or after the department's transfer date: who handed it over, who received
    it, who keeps it and where, and the hand-over checklist both sides signed. Written only by
    `documents.actions.seal_away_department_seal`."""

    seal = models.OneToOneField(
        Seal, verbose_name=_("印章"), on_delete=models.PROTECT, related_name="handover"
    )
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    handed_over_by = models.CharField(_("移交人"), max_length=50)
    received_by = models.CharField(_("接收人"), max_length=50)
    holder = models.CharField(_("保管人"), max_length=50)
    place = models.CharField(_("存放地点"), max_length=200)
    sealed_away_on = models.DateField(_("封存日期"))
    # The department's transfer date the sealing away was checked against, as it was then.
    transfer_date = models.DateField(_("划转日期"))
    checklist = models.TextField(_("移交清单及签字情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("原部门印章移交封存记录")
        verbose_name_plural = _("原部门印章移交封存记录")
        ordering = ["-sealed_away_on", "-id"]

    def __str__(self) -> str:
        return f"{self.seal.name} {self.sealed_away_on}"


class DocumentKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("受理通知书")
    TOLERATED_ACCEPTANCE = "tolerated_acceptance", _("容缺受理通知书")
    CORRECTION = "correction", _("补正材料通知书")
    REFUSAL = "refusal", _("不予受理决定书")
    SPECIAL_PROCEDURE = "special_procedure", _("特别程序告知书")
    EXTENSION = "extension", _("延长审批期限告知书")
    GRANT = "grant", _("准予行政许可决定书")
    DENIAL = "denial", _("不予行政许可决定书")
    REVOCATION_NOTICE = "revocation_notice", _("撤销行政许可告知书")
    REVOCATION = "revocation", _("撤销行政许可决定书")
    LICENCE = "licence", _("行政许可证件")
    CANCELLATION = "cancellation", _("准予注销行政许可决定书")
    DEEMED_RENEWAL = "deemed_renewal", _("视为准予延续通知书")
    RECEIPT = "receipt", _("收件凭证")
    WITHDRAWAL = "withdrawal", _("准予撤回行政许可申请决定书")
    TERMINATION = "termination", _("终止行政许可审查决定书")
    # One notice for the results of every case of a stage or life event (projects.bundles).
    JOINT_RESULT = "joint_result", _("联办结果告知书")
    # Hearings and interested parties (hearings app): each notice is served on one addressee
    # (the applicant or one interested party), named in its event's data.
    HEARING_RIGHT = "hearing_right", _("听证权利告知书")
    HEARING_NOTICE = "hearing_notice", _("举行听证通知书")
    INTERESTED_PARTY = "interested_party", _("利害关系人告知书")


class DocumentTemplateQuerySet(models.QuerySet):
    def published(self) -> Self:
        return self.filter(status=DocumentTemplate.Status.PUBLISHED)

    def in_force(self, on: datetime.date) -> Self:
        """The published versions in force on date `on`: effective, and not yet replaced."""
        return self.published().filter(
            Q(effective_until__isnull=True) | Q(effective_until__gt=on), effective_from__lte=on
        )


class DocumentTemplate(models.Model):
    """The wording of one kind of document at one bureau, versioned like the catalogue: a draft
    is edited, publishing freezes it from an effective date, and the version in force on a
    document's date is the one it is written in (`Document.template`). The facts the wording
    carries are computed by `documents.wording`; version 1 is the wording shipped there."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    bureau = models.ForeignKey(
        Bureau,
        verbose_name=_("行政审批局"),
        on_delete=models.PROTECT,
        related_name="document_templates",
    )
    kind = models.CharField(_("文书种类"), max_length=24, choices=DocumentKind.choices)
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), help_text=_("每行一段；占位符写作 {名称}"))
    closing = models.TextField(
        _("落款前事项"), blank=True, help_text=_("每行一项，如“受理人：{clerk}”")
    )
    change_reason = models.TextField(_("修改原因"), blank=True)
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
    # Set when the next version is published; the version's own wording never changes.
    effective_until = models.DateField(_("失效日期"), null=True, blank=True)

    objects = DocumentTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        ordering = ["bureau", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "kind", "number"], name="document_template_unique_number"
            ),
            models.UniqueConstraint(
                fields=["bureau", "kind"],
                condition=Q(status="draft"),
                name="document_template_at_most_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} 第{self.number}版"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class DocumentSequence(models.Model):
    """The last number given per bureau, year and kind; locked while numbering, so numbers
    neither repeat nor skip."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "year", "kind"], name="document_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bureau_id}/{self.year}/{self.kind}: {self.last}"


class Document(models.Model):
    class DocumentState(models.TextChoices):
        GENUINE = "genuine", _("有效")
        REVOKED = "revoked", _("已撤销")
        SUPERSEDED = "superseded", _("已被更正文书取代")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="documents"
    )
    # The event whose notice this is (CaseEvent.notice_due); a licence points at its grant.
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("办件记录"), on_delete=models.PROTECT, related_name="+"
    )
    bureau = models.ForeignKey(
        Bureau, verbose_name=_("行政审批局"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("文书种类"), max_length=24, choices=DocumentKind.choices)
    number = models.CharField(_("文号"), max_length=60)
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    dated = models.DateField(_("成文日期"))
    file = models.FileField(_("文件"), upload_to="documents/", max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveIntegerField(_("大小"))
    state = models.CharField(
        _("状态"), max_length=16, choices=DocumentState.choices, default=DocumentState.GENUINE
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("更正的文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    verification_code = models.CharField(_("核验码"), max_length=16, unique=True)
    seal = models.ForeignKey(
        Seal, verbose_name=_("印章"), on_delete=models.PROTECT, related_name="documents"
    )
    issued_at = models.DateTimeField(_("签发时间"))
    # Empty when the system issued it: a notice of an act the worker recorded (deemed acceptance).
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revocation_reason = models.TextField(_("撤销理由"), blank=True)
    # What a corrected notice states instead of what its event recorded: the due dates of an
    # acceptance recomputed once a provisional year's holiday schedule was published.
    corrected = models.JSONField(_("更正内容"), default=dict, blank=True)
    # The wording it was written in; empty only for documents issued before wording was versioned.
    template = models.ForeignKey(
        DocumentTemplate,
        verbose_name=_("文书模板版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # 文号 are the bureau's own series; two bureaus may print the same text.
            models.UniqueConstraint(fields=["bureau", "number"], name="document_unique_number"),
            models.UniqueConstraint(
                fields=["bureau", "year", "kind", "seq"], name="document_unique_seq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class PendingNotice(models.Model):
    """A notice the law called for that could not be issued when its act was recorded (no
    active seal, no wording in force, a character no font draws …): the act stands, and the
    notice waits here, with the reason, until it is issued — from the window's queue page or by
    any later issue of the same notice. E-supervision counts the ones not issued within
    `documents.rules.NOTICE_ISSUE_DAYS` working days."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="pending_notices"
    )
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("办件记录"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("文书种类"), max_length=24, choices=DocumentKind.choices)
    reason = models.TextField(_("未能出具的原因"))
    queued_at = models.DateTimeField(_("进入待出具时间"))
    queued_on = models.DateField(_("进入待出具日期"))
    attempts = models.PositiveIntegerField(_("尝试次数"), default=1)
    # The document that answered it: its own, or the notice of a later act of the same kind
    # (only the latest act of a kind can still be given notice of).
    document = models.ForeignKey(
        Document,
        verbose_name=_("已出具文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("出具时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待出具文书")
        verbose_name_plural = _("待出具文书")
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind"], name="pending_notice_one_per_event_kind"
            )
        ]
        indexes = [models.Index(fields=["issued_at", "queued_on"], name="pending_notice_open")]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.document_id is None
