"""Delegation (委托) of chosen items by the bureau to a township service centre (seed 001: items
once delegated to towns are delegated again by the bureau after the transfer; 乡镇便民服务中心
accept on the bureau's behalf). The 委托书 names the centre, the items (scope), the period, the
legal basis and what the centre may do — accept and decide, or accept and forward to the bureau
— and is sealed with the bureau's seal. The centre acts in the bureau's name; the case stays
the bureau's (`cases.Case.service_centre` says where it was received)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oneseal.catalogue.models import Item
from oneseal.organisation.models import Bureau, ServiceCentre


class Mode(models.TextChoices):
    DECIDE = "decide", _("受理并作出决定")
    FORWARD = "forward", _("受理后转报审批局决定")


class Delegation(models.Model):
    class DelegationState(models.TextChoices):
        ACTIVE = "active", _("有效")
        REVOKED = "revoked", _("已收回")

    number = models.CharField(_("委托书编号"), max_length=60, unique=True)
    bureau = models.ForeignKey(
        Bureau, verbose_name=_("委托机关"), on_delete=models.PROTECT, related_name="delegations"
    )
    service_centre = models.ForeignKey(
        ServiceCentre,
        verbose_name=_("受托便民服务中心"),
        on_delete=models.PROTECT,
        related_name="delegations",
    )
    # The lasting identity of an item: a new version of a delegated item stays delegated.
    items = models.ManyToManyField(Item, verbose_name=_("委托事项"), related_name="delegations")
    mode = models.CharField(_("委托方式"), max_length=16, choices=Mode.choices)
    legal_basis = models.TextField(_("委托依据"))
    valid_from = models.DateField(_("委托期限自"))
    valid_until = models.DateField(_("委托期限至"))
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=DelegationState.choices,
        default=DelegationState.ACTIVE,
    )
    renews = models.OneToOneField(
        "self",
        verbose_name=_("续期自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
    )
    revoked_on = models.DateField(_("收回日期"), null=True, blank=True)
    revoked_reason = models.TextField(_("收回理由"), blank=True)
    # The sealed 委托书 (PDF signed with the bureau's approval seal), content-addressed.
    file = models.FileField(_("委托书"), upload_to="delegations/%Y/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    verification_code = models.CharField(_("核验码"), max_length=32, unique=True)
    seal_name = models.CharField(_("用印"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("委托书")
        verbose_name_plural = _("委托书")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="delegation_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def in_force(self, on: datetime.date) -> bool:
        return (
            self.state == self.DelegationState.ACTIVE and self.valid_from <= on <= self.valid_until
        )

    def standing(self, on: datetime.date) -> str:
        """有效 / 未生效 / 已到期 / 已收回 on day `on` (expiry is not stored, like a licence's)."""
        if self.state == self.DelegationState.REVOKED:
            return str(_("已收回"))
        if on < self.valid_from:
            return str(_("未生效"))
        if on > self.valid_until:
            return str(_("已到期"))
        return str(_("有效"))
