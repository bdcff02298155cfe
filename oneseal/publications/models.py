"""The public register of licence decisions (《行政许可法》第四十条; 双公示).

A `Publication` is one decision on a licence — a grant, a change, a renewal (granted or deemed),
a cancellation, a revocation — as the public may see it. It is a snapshot taken when the
decision is recorded and holds only the fields the law makes public: the holder's name (a
natural person's masked, `rules.mask_person_name`; an organisation's in full with its credit
code; a person's ID number never), the licence's number and name, the item, the decision's kind
and date, the validity, the deciding bureau and the region. Nothing is read from the applicant
or the licence when the register is shown, so no later edit can leak more than was published.

A publication is pending until published (by the worker's `publish_due`, or by staff), and
must be published within 7 working days of the decision (`due_on`). A withdrawn publication is
kept with who withdrew it, when and why; it leaves the public list, never the database."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oneseal.cases.models import CaseEvent, Licence
from oneseal.regions.models import Region
from oneseal.regions.rules import prefix_scope


class Kind(models.TextChoices):
    GRANT = "grant", _("准予许可")
    CHANGE = "change", _("准予变更")
    RENEWAL = "renewal", _("准予延续")
    CANCELLATION = "cancellation", _("注销")
    REVOCATION = "revocation", _("撤销")


class HolderKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("法人及非法人组织")


class PublicationQuerySet(models.QuerySet):
    def public(self) -> "PublicationQuerySet":
        """What the public register shows: published and not withdrawn."""
        return self.filter(state=Publication.State.PUBLISHED)

    def in_region(self, prefix: str) -> "PublicationQuerySet":
        return self if prefix == "" else self.filter(prefix_scope(prefix, "region_code"))


class Publication(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待公示")
        PUBLISHED = "published", _("已公示")
        WITHDRAWN = "withdrawn", _("已撤回")

    # The decision's event: one publication per decision, whichever path recorded it.
    event = models.OneToOneField(
        CaseEvent, verbose_name=_("决定记录"), on_delete=models.PROTECT, related_name="+"
    )
    licence = models.ForeignKey(
        Licence, verbose_name=_("证照"), on_delete=models.PROTECT, related_name="publications"
    )
    kind = models.CharField(_("决定类型"), max_length=16, choices=Kind.choices)
    deemed = models.BooleanField(_("视为准予延续"), default=False)

    # --- the public fields (a snapshot of the decision) ---------------------------------------
    holder_kind = models.CharField(_("行政相对人类别"), max_length=16, choices=HolderKind.choices)
    holder_name = models.CharField(_("行政相对人名称"), max_length=200)
    holder_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    licence_number = models.CharField(_("许可编号"), max_length=40, db_index=True)
    licence_name = models.CharField(_("许可证书名称"), max_length=200)
    item_name = models.CharField(_("许可事项"), max_length=200)
    decided_on = models.DateField(_("许可决定日期"))
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    decision_title = models.CharField(_("决定文书名称"), max_length=60, blank=True)
    decision_number = models.CharField(_("决定文书号"), max_length=60, blank=True)
    bureau_name = models.CharField(_("许可机关"), max_length=100)
    bureau_credit_code = models.CharField(_("许可机关统一社会信用代码"), max_length=18, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)

    # --- the clock and the record ------------------------------------------------------------
    due_on = models.DateField(_("公示期限"))
    due_provisional = models.BooleanField(_("期限按暂定日历计算"), default=False)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公示人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("撤回理由"), blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("许可公示")
        verbose_name_plural = _("许可公示")
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["state", "due_on"], name="publication_state_due"),
            models.Index(fields=["-decided_on", "-id"], name="publication_register"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="pending")
                | Q(state="published", published_at__isnull=False)
                | Q(state="withdrawn", withdrawn_at__isnull=False),
                name="publication_state_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.licence_number}"

    @property
    def in_force(self) -> bool:
        """Whether the decision leaves the licence in force (信用中国 当前状态: 1 有效)."""
        return self.kind not in (Kind.CANCELLATION, Kind.REVOCATION)
