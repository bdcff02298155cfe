"""Search data: everyday names administrators add to items, and the stored embeddings of the
catalogue's texts.

A `Synonym` belongs to an `Item` (the lasting identity of a matter), not to a version, so an
adjustment of the item keeps it; it is added and removed through `search.actions` with an
audit record. `TextEmbedding` is a cache: the vector of one text under one model, computed
once and shared by every handling item and version that uses the same words (keywords repeat
across the variants of an item and across versions)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oneseal.catalogue.models import Catalogue, Item, LifeEvent, Variant


class ItemPhrase(models.Model):
    """What a synonym and an exclusion share: a phrase an administrator of the catalogue added
    for an item, why, by whom and when."""

    # Each kind's own field (their lengths differ), and the item's name as the pages show it
    # (set there, never stored).
    phrase: str
    item_name: str

    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("事项目录"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("添加理由"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("添加人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["item", "phrase"]

    def __str__(self) -> str:
        return self.phrase


class Synonym(ItemPhrase):
    """What citizens call an item (驾校 for 机动车驾驶员培训): found by the search as if the
    item's guide said it."""

    item = models.ForeignKey(
        Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="synonyms"
    )
    phrase = models.CharField(_("群众说法"), max_length=50)
    variant = models.CharField(
        _("指向业务类型"),
        max_length=16,
        choices=Variant.choices,
        blank=True,
        help_text=_("选填：这种说法只指某一类业务（如“关饭店”指注销）；不填则按群众用词判断"),
    )

    class Meta(ItemPhrase.Meta):
        verbose_name = _("同义词（群众说法）")
        verbose_name_plural = _("同义词（群众说法）")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "phrase"], name="search_synonym_unique_per_item"
            )
        ]


class Exclusion(ItemPhrase):
    """What citizens say that must NOT find an item (开药店 is not 零售药店申请定点协议管理: that
    is the 医保 agreement of a pharmacy already open). Meaning and keywords cannot tell the two
    apart, so administrators say it. Optionally the phrase points to the item or life event that
    does answer it; the explanation is shown to the citizen. Like `Synonym`, it belongs to the
    `Item`, so an adjustment of the item keeps it, and it changes only through
    `search.actions` (added or removed, each with its audit record)."""

    item = models.ForeignKey(
        Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="exclusions"
    )
    # The item or life event pointed to instead, as the page shows it (set there, never stored).
    instead_name: str

    phrase = models.CharField(_("不指向本事项的说法"), max_length=50)
    explanation = models.CharField(
        _("向群众说明"),
        max_length=200,
        blank=True,
        help_text=_(
            "选填：查找时显示，例如“药店医保定点是已开业药店申请的，开药店需先办药品经营许可证”"
        ),
    )
    instead_item = models.ForeignKey(
        Item,
        verbose_name=_("应指向的事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("选填：本目录中真正对应这种说法的事项"),
    )
    instead_life_event = models.ForeignKey(
        LifeEvent,
        verbose_name=_("应指向的一件事"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("选填：真正对应这种说法的一件事（按名称找现行版本）"),
    )

    class Meta(ItemPhrase.Meta):
        verbose_name = _("排除说法（不指向本事项）")
        verbose_name_plural = _("排除说法（不指向本事项）")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "phrase"], name="search_exclusion_unique_per_item"
            )
        ]


class TextEmbedding(models.Model):
    model = models.CharField(_("模型"), max_length=40)
    digest = models.CharField(_("摘要"), max_length=64, help_text=_("模型、用途与文本的 SHA-256"))
    text = models.TextField(_("文本"))
    vector = models.BinaryField(_("向量（float32）"))
    created_at = models.DateTimeField(_("计算时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文本向量")
        verbose_name_plural = _("文本向量")
        constraints = [
            models.UniqueConstraint(fields=["model", "digest"], name="search_embedding_unique")
        ]

    def __str__(self) -> str:
        return self.text[:40]
