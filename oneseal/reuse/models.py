"""免证办: documents a government body issued that a case's material can name instead of a new
file. The applicant's own licences and this bureau's decisions are read where they live
(`cases.Licence`, `documents.Document`); e-licences of the provincial library are kept here,
as the library sends them (GB/T 36903 metadata, optionally the file)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedLicence(models.Model):
    """An e-licence (电子证照) of the provincial library, by its GB/T 36903 metadata. One row per
    证照标识: a later import of the same identifier updates it (a licence revoked there is
    revoked here too), so a case that reused it is flagged."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        CANCELLED = "cancelled", _("已注销")
        REVOKED = "revoked", _("已撤销")
        WITHDRAWN = "withdrawn", _("已吊销")
        VOID = "void", _("已作废")

    class HolderKind(models.TextChoices):
        ORGANISATION = "organisation", _("统一社会信用代码")
        PERSON = "person", _("居民身份证号码")

    class Source(models.TextChoices):
        FILE = "file", _("文件导入")
        PUSH = "push", _("接口推送")
        PULL = "pull", _("接口拉取")

    identifier = models.CharField(_("证照标识"), max_length=200, unique=True)
    type_code = models.CharField(_("证照类型代码"), max_length=60)
    type_name = models.CharField(_("证照类型名称"), max_length=100)
    number = models.CharField(_("证照编号"), max_length=100, blank=True)
    holder_name = models.CharField(_("持证主体"), max_length=200)
    holder_kind = models.CharField(_("持证主体代码类型"), max_length=16, choices=HolderKind.choices)
    holder_code = models.CharField(_("持证主体代码"), max_length=18, db_index=True)
    issuer = models.CharField(_("发证机构"), max_length=200)
    issuer_code = models.CharField(_("发证机构代码"), max_length=18, blank=True)
    issued_on = models.DateField(_("发证日期"))
    valid_from = models.DateField(_("有效期起始"))
    valid_until = models.DateField(_("有效期截止"), null=True, blank=True)
    status = models.CharField(
        _("证照状态"), max_length=16, choices=Status.choices, default=Status.VALID
    )
    file = models.FileField(_("证照文件"), upload_to="reuse/%Y/", blank=True, max_length=200)
    file_sha256 = models.CharField(_("文件SHA-256"), max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    file_type = models.CharField(_("文件类型"), max_length=60, blank=True)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("省级电子证照")
        verbose_name_plural = _("省级电子证照")
        ordering = ["holder_code", "-issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.type_name} {self.number or self.identifier}"


class MaterialMapping(models.Model):
    """Which documents stand for a material of a given name: a licence or e-licence type (by
    its name, e.g. 食品经营许可证, or the library's type code), or a kind of this bureau's
    decision. Without a row for a material's name, a document matches when one name contains
    the other (`rules.names_match`)."""

    material_name = models.CharField(_("材料名称"), max_length=200, db_index=True)
    type_name = models.CharField(_("证照类型名称"), max_length=100, blank=True)
    type_code = models.CharField(_("证照类型代码"), max_length=60, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("材料与证照对应")
        verbose_name_plural = _("材料与证照对应")
        ordering = ["material_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(type_name="", type_code=""), name="reuse_mapping_names_a_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.material_name} ← {self.type_name or self.type_code}"


class ReusedMaterial(models.Model):
    """A case's material supplied by naming a document already issued (免证办): where it came
    from and when, and by whom, it was found in force. The file, when the source has one, is an
    `Upload` of the case naming the same stored file."""

    class Kind(models.TextChoices):
        LICENCE = "licence", _("本局核发证照")
        DECISION = "decision", _("本局决定文书")
        IMPORTED = "imported", _("省级电子证照")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="reused_materials"
    )
    case_material = models.ForeignKey(
        "cases.CaseMaterial", on_delete=models.PROTECT, related_name="reused"
    )
    upload = models.OneToOneField(
        "cases.Upload", null=True, blank=True, on_delete=models.PROTECT, related_name="reused"
    )
    kind = models.CharField(_("来源"), max_length=16, choices=Kind.choices)
    source_id = models.PositiveBigIntegerField(_("来源编号"))
    identifier = models.CharField(_("证照编号或文号"), max_length=200)
    title = models.CharField(_("名称"), max_length=200)
    issuer = models.CharField(_("发证机构"), max_length=200)
    verified_on = models.DateField(_("核验日期"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("核验时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("复用材料")
        verbose_name_plural = _("复用材料")
        ordering = ["case", "case_material", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_material", "kind", "source_id"], name="reuse_once_per_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.identifier}"


class LibraryToken(models.Model):
    """The provincial library's key to push e-licences (`Authorization: Bearer
    oslib_<key id>_<secret>`). Only the secret's SHA-256 is kept; the token is shown once."""

    name = models.CharField(_("名称"), max_length=100)
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("电子证照库令牌")
        verbose_name_plural = _("电子证照库令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"
