"""E-licences (电子证照): every licence document the bureau issues is also issued as an
e-licence carrying the GB/T 36903 metadata and a signed OFD file (GB/T 36905)."""

import datetime
from typing import Self

from django.db import models
from django.utils.translation import gettext_lazy as _

from oneseal.cases.models import Licence, LicenceVersion
from oneseal.documents.models import Document, Seal
from oneseal.organisation.models import Bureau


class ELicenceType(models.Model):
    """证照类型: a kind of licence as the bureau defines it for the e-licence library, with its
    证照类型代码 (the defining body's 统一社会信用代码 and a three-digit number, rules.type_code).
    Made when the bureau first issues a licence of that name; the code can be corrected to the
    one the provincial catalogue gives before any e-licence uses it."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("证照类型名称"), max_length=200)
    code = models.CharField(_("证照类型代码"), max_length=40, unique=True)
    n = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")
        ordering = ["bureau", "n"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "name"], name="elicence_type_unique_name"),
            models.UniqueConstraint(fields=["bureau", "n"], name="elicence_type_unique_n"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ELicenceQuerySet(models.QuerySet):
    def pending(self) -> Self:
        """Those whose OFD is still to be made (its generation failed, or is to be retried)."""
        return self.filter(sha256="")


class ELicence(models.Model):
    """One e-licence: the e-licence twin of one licence document (`Document` of kind LICENCE),
    so a change, renewal, replacement or correction of the licence is a new e-licence, and the
    earlier one is superseded or void with its document. The metadata is GB/T 36903's; the
    file is made in the same transaction as the document and, when that fails, by the worker
    (`sha256` empty until then)."""

    class State(models.TextChoices):
        VALID = "valid", _("有效")
        SUPERSEDED = "superseded", _("已变更")
        VOID = "void", _("已作废")
        CANCELLED = "cancelled", _("已注销")
        REVOKED = "revoked", _("已撤销")

    class CodeType(models.TextChoices):
        CREDIT = "统一社会信用代码", _("统一社会信用代码")
        ID_CARD = "公民身份号码", _("公民身份号码")

    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="elicence")
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="elicences")
    version = models.ForeignKey(
        LicenceVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issue = models.PositiveSmallIntegerField(_("版本号"))  # this licence's n-th e-licence
    identifier = models.CharField(_("证照标识"), max_length=120, unique=True)
    # The identifier as the common verification page normalises what people type (letters and
    # digits only, O as 0, I and L as 1), so it finds an e-licence by its identifier too.
    identifier_key = models.CharField(max_length=120, db_index=True)
    verification_code = models.CharField(_("核验码"), max_length=32, unique=True)
    type = models.ForeignKey(ELicenceType, on_delete=models.PROTECT, related_name="elicences")
    type_code = models.CharField(_("证照类型代码"), max_length=40)
    type_name = models.CharField(_("证照类型名称"), max_length=200)
    number = models.CharField(_("证照编号"), max_length=40)
    holder_name = models.CharField(_("持证主体"), max_length=200)
    holder_code = models.CharField(_("持证主体代码"), max_length=18)
    holder_code_type = models.CharField(
        _("持证主体代码类型"), max_length=16, choices=CodeType.choices
    )
    issuer_name = models.CharField(_("证照颁发机构"), max_length=200)
    issuer_code = models.CharField(_("证照颁发机构代码"), max_length=18)
    issued_on = models.DateField(_("发证日期"))
    valid_from = models.DateField(_("有效期起始日期"))
    valid_until = models.DateField(_("有效期截止日期"), null=True, blank=True)
    state = models.CharField(_("证照状态"), max_length=16, choices=State.choices)
    state_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    face = models.JSONField(_("照面信息"), default=list)
    region_code = models.CharField(max_length=12, db_index=True)
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="+")
    seal = models.ForeignKey(
        Seal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(_("OFD文件"), blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    size = models.PositiveIntegerField(default=0)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("生成尝试次数"), default=0)
    last_error = models.TextField(_("最近一次生成失败原因"), blank=True)
    retry_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ELicenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["licence", "issue"], name="elicence_unique_issue")
        ]
        indexes = [models.Index(fields=["region_code", "issued_on"], name="elicence_region_day")]

    def __str__(self) -> str:
        return self.identifier

    @property
    def generated(self) -> bool:
        return bool(self.sha256)

    def standing(self, on: datetime.date) -> str:
        """The state, with a valid e-licence past its 有效期截止日期 shown as expired."""
        if (
            self.state == self.State.VALID
            and self.valid_until is not None
            and self.valid_until < on
        ):
            return "expired"
        return self.state

    def standing_display(self, on: datetime.date) -> str:
        standing = self.standing(on)
        return str(_("已过期")) if standing == "expired" else str(self.State(standing).label)
