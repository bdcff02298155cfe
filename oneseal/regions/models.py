from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules


class RegionQuerySet(models.QuerySet):
    def within(self, region: "Region") -> "RegionQuerySet":
        """The region itself and every region below it."""
        return self.filter(rules.prefix_scope(region.prefix, "code"))


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = rules.PROVINCE, _("省级")
        CITY = rules.CITY, _("市级")
        COUNTY = rules.COUNTY, _("县级")
        TOWNSHIP = rules.TOWNSHIP, _("乡镇（街道）")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    prefix = models.CharField(_("代码前缀"), max_length=12, db_index=True, editable=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def contains(self, other: "Region") -> bool:
        return other.code.startswith(self.prefix)

    @property
    def full_name(self) -> str:
        names: list[str] = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))
