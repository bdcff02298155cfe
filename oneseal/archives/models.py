"""The electronic archive of an ended case (seed 003 "实行审批档案电子化管理"): one archival
package per case in storage, its files with their SHA-256, the retention period the rules gave
it, and the batches handed over to the archives (移交)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.cases.models import Case
from oneseal.catalogue.models import Item, Topic
from oneseal.organisation.models import Bureau


class Retention(models.TextChoices):
    """The periods of 《机关文件材料归档范围和文书档案保管期限规定》(国家档案局令第8号)."""

    PERMANENT = "permanent", _("永久")
    YEARS_30 = "30y", _("定期30年")
    YEARS_10 = "10y", _("定期10年")


# The code of each period in the archival number (档号), as DA/T 13 writes them.
RETENTION_CODES = {Retention.PERMANENT: "Y", Retention.YEARS_30: "D30", Retention.YEARS_10: "D10"}


class RetentionRule(models.Model):
    """How long the archives of an item's cases are kept: a rule for one item wins over a rule
    for its topic (工程建设 …), which wins over the default rule (`oneseal.archives.rules`)."""

    class Scope(models.TextChoices):
        ITEM = "item", _("事项")
        TOPIC = "topic", _("主题")
        DEFAULT = "default", _("默认")

    scope = models.CharField(_("适用范围"), max_length=8, choices=Scope.choices)
    item = models.ForeignKey(
        Item,
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("主题"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    period = models.CharField(_("保管期限"), max_length=12, choices=Retention.choices)
    basis = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("保管期限规则")
        verbose_name_plural = _("保管期限规则")
        ordering = ["scope", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="item", item__isnull=False, topic__isnull=True)
                    | Q(scope="topic", item__isnull=True, topic__isnull=False)
                    | Q(scope="default", item__isnull=True, topic__isnull=True)
                ),
                name="retention_rule_scope_matches",
            ),
            models.UniqueConstraint(
                fields=["item"], condition=Q(scope="item"), name="retention_rule_one_per_item"
            ),
            models.UniqueConstraint(
                fields=["topic"], condition=Q(scope="topic"), name="retention_rule_one_per_topic"
            ),
            models.UniqueConstraint(
                fields=["scope"], condition=Q(scope="default"), name="retention_rule_one_default"
            ),
        ]

    def __str__(self) -> str:
        target = self.item or self.topic or self.get_scope_display()
        return f"{target}: {self.get_period_display()}"


class ArchiveCounter(models.Model):
    """The last piece number (件号) given per fonds, year and period; locked while numbering."""

    fonds = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=12)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fonds", "year", "period"], name="archive_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fonds}/{self.year}/{self.period}: {self.last}"


class ArchiveHandover(models.Model):
    """A batch of archives handed over to the archives (移交): the list's period, what it
    held and its checksum, who handed it over and who received it."""

    number = models.CharField(_("移交批次号"), max_length=40, unique=True)
    bureau = models.ForeignKey(
        Bureau, verbose_name=_("行政审批局"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    period_from = models.DateField(_("归档日期自"))
    period_to = models.DateField(_("归档日期至"))
    archives_count = models.PositiveIntegerField(_("档案件数"))
    files_count = models.PositiveIntegerField(_("文件数"))
    bytes_total = models.PositiveBigIntegerField(_("总字节数"))
    # SHA-256 over the list's lines (档号 and package checksum, in order): the list as signed.
    list_sha256 = models.CharField(_("清单校验值"), max_length=64)
    received_by = models.CharField(_("档案接收人"), max_length=100)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("移交人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_over_at = models.DateTimeField(_("移交时间"))
    handed_over_on = models.DateField(_("移交日期"))

    class Meta:
        verbose_name = _("档案移交批次")
        verbose_name_plural = _("档案移交批次")
        ordering = ["-handed_over_at", "-id"]

    def __str__(self) -> str:
        return self.number


class Archive(models.Model):
    """One case's archival package: a zip in storage (the files and `manifest.json`) and its
    package manifest beside it (the same list plus the package's own SHA-256)."""

    case = models.OneToOneField(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="archive"
    )
    number = models.CharField(_("档号"), max_length=60, unique=True)
    bureau = models.ForeignKey(
        Bureau, verbose_name=_("行政审批局"), on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised from the case for scoping by prefix (organisation.rules.scope_prefix).
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("归档年度"))
    piece = models.PositiveIntegerField(_("件号"))
    title = models.CharField(_("题名"), max_length=400)
    retention = models.CharField(_("保管期限"), max_length=12, choices=Retention.choices)
    retention_basis = models.CharField(_("保管期限来源"), max_length=300)
    package = models.FileField(_("归档包"), upload_to="archives/", max_length=200)
    package_sha256 = models.CharField(_("归档包 SHA-256"), max_length=64)
    package_size = models.PositiveBigIntegerField(_("归档包大小"))
    manifest = models.FileField(_("归档包清单"), upload_to="archives/", max_length=200)
    manifest_sha256 = models.CharField(_("清单 SHA-256"), max_length=64)
    files_count = models.PositiveIntegerField(_("文件数"))
    # The case's event chain head when it was archived: later events (a revocation, a
    # commitment's verification) are the case's, not this package's.
    last_event_seq = models.PositiveIntegerField()
    last_event_hash = models.CharField(max_length=64)
    archived_at = models.DateTimeField(_("归档时间"))
    archived_on = models.DateField(_("归档日期"), db_index=True)
    handover = models.ForeignKey(
        ArchiveHandover,
        verbose_name=_("移交批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archives",
    )

    class Meta:
        verbose_name = _("电子档案")
        verbose_name_plural = _("电子档案")
        ordering = ["-archived_on", "-id"]

    def __str__(self) -> str:
        return self.number


class ArchiveSupplement(models.Model):
    """A supplementary package (补充归档) of an archived case: what the case gained after its
    archive was sealed — a revocation, a change, a commitment's verification — as events that
    continue the archived hash chain and the documents signed for them. The archive's own
    package is never rewritten; each supplement is a package of its own, numbered after it."""

    archive = models.ForeignKey(
        Archive, verbose_name=_("电子档案"), on_delete=models.PROTECT, related_name="supplements"
    )
    sequence = models.PositiveSmallIntegerField(_("补充序号"))
    number = models.CharField(_("补充归档号"), max_length=70, unique=True)
    package = models.FileField(_("归档包"), upload_to="archives/", max_length=200)
    package_sha256 = models.CharField(_("归档包 SHA-256"), max_length=64)
    package_size = models.PositiveBigIntegerField(_("归档包大小"))
    manifest = models.FileField(_("归档包清单"), upload_to="archives/", max_length=200)
    manifest_sha256 = models.CharField(_("清单 SHA-256"), max_length=64)
    files_count = models.PositiveIntegerField(_("文件数"))
    # The events it holds: from the one after the archive's (or the previous supplement's)
    # head to the case's head when it was built.
    first_event_seq = models.PositiveIntegerField()
    last_event_seq = models.PositiveIntegerField()
    last_event_hash = models.CharField(max_length=64)
    archived_at = models.DateTimeField(_("归档时间"))
    archived_on = models.DateField(_("归档日期"))
    # Handed over in its own right: the archive it belongs to may have gone in an earlier batch.
    handover = models.ForeignKey(
        ArchiveHandover,
        verbose_name=_("移交批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supplements",
    )

    class Meta:
        verbose_name = _("补充归档")
        verbose_name_plural = _("补充归档")
        ordering = ["archive", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["archive", "sequence"], name="archive_supplement_sequence"
            )
        ]

    def __str__(self) -> str:
        return self.number


class ArchiveFile(models.Model):
    """One file of a package, in the order the archivist keeps (`position` from 1)."""

    class Kind(models.TextChoices):
        INDEX = "index", _("卷内目录")
        DECISION = "decision", _("决定文书")
        APPLICATION = "application", _("申请信息")
        MATERIAL = "material", _("申请材料")
        NOTICE = "notice", _("程序文书")
        HISTORY = "history", _("办理过程记录")

    archive = models.ForeignKey(Archive, on_delete=models.CASCADE, related_name="files")
    # Set for a file of a supplementary package; positions and names run on from the
    # archive's own, so one list shows the whole file in order.
    supplement = models.ForeignKey(
        ArchiveSupplement,
        verbose_name=_("补充归档"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="files",
    )
    position = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("文件名"), max_length=255)
    title = models.CharField(_("题名"), max_length=400)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    dated = models.DateField(_("日期"), null=True, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pdfa = models.BooleanField(_("PDF/A"), default=False)
    # Where it came from: "document:12", "upload:34", or empty for what the package wrote.
    source = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("档案文件")
        verbose_name_plural = _("档案文件")
        ordering = ["archive", "position"]
        constraints = [
            models.UniqueConstraint(fields=["archive", "position"], name="archive_file_position"),
            models.UniqueConstraint(fields=["archive", "name"], name="archive_file_name"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"
