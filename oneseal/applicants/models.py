import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


class Applicant(models.Model):
    """A natural person (居民身份证号码) or an organisation (统一社会信用代码) that applies.
    Numbers are stored only after validation (applicants.rules), normalised."""

    class Kind(models.TextChoices):
        PERSON = "person", _("自然人")
        ORGANISATION = "organisation", _("法人或其他组织")

    kind = models.CharField(_("申请人类型"), max_length=16, choices=Kind.choices)
    # Names may hold characters outside the BMP (𠮷); both databases store them as UTF-8.
    name = models.CharField(_("姓名或名称"), max_length=200)
    id_number = models.CharField(_("居民身份证号码"), max_length=18, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    representative = models.CharField(_("法定代表人或负责人"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("联系地址"), max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("网上办事账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applicants",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请人")
        verbose_name_plural = _("申请人")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(kind="person"), name="applicant_unique_id_number"
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=Q(kind="organisation"),
                name="applicant_unique_credit_code",
            ),
            models.CheckConstraint(
                condition=(Q(kind="person") & ~Q(id_number="") & Q(credit_code=""))
                | (Q(kind="organisation") & ~Q(credit_code="") & Q(id_number="")),
                name="applicant_number_matches_kind",
            ),
            # An online account is one natural person: it acts for an organisation only through
            # an Authorisation recorded at a window, never by holding the organisation itself.
            models.UniqueConstraint(
                fields=["user"], condition=Q(user__isnull=False), name="applicant_one_per_account"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(kind="person"),
                name="applicant_account_is_a_person",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def number(self) -> str:
        return self.id_number or self.credit_code

    @property
    def masked_number(self) -> str:
        """For pages that show who applied without revealing the whole number."""
        n = self.number
        return n[:4] + "*" * (len(n) - 8) + n[-4:] if len(n) > 8 else n


class AuthorisationQuerySet(models.QuerySet):
    def active(self, on: datetime.date) -> QuerySet["Authorisation"]:
        """In force on `on`: not revoked, started, not expired (valid_until is the last day)."""
        return self.filter(revoked_at__isnull=True, valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )


class Authorisation(models.Model):
    """A natural person's standing to act online for an organisation: its legal representative
    (法定代表人或负责人) or an agent it authorised (授权经办人). Recorded by a window clerk who
    checked the papers (营业执照, the person's 居民身份证, for an agent the 授权委托书); a name and
    a credit code typed online prove nothing, since both are public."""

    class Capacity(models.TextChoices):
        REPRESENTATIVE = "representative", _("法定代表人或负责人")
        AGENT = "agent", _("授权经办人")

    organisation = models.ForeignKey(
        Applicant, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="authorisations"
    )
    person = models.ForeignKey(
        Applicant,
        verbose_name=_("被授权人"),
        on_delete=models.PROTECT,
        related_name="authorised_for",
    )
    capacity = models.CharField(_("身份"), max_length=16, choices=Capacity.choices)
    papers = models.CharField(_("查验的证明材料"), max_length=300)
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)

    objects = AuthorisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位授权")
        verbose_name_plural = _("单位授权")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            # One standing authorisation per organisation and person; a new one needs the old revoked.
            models.UniqueConstraint(
                fields=["organisation", "person"],
                condition=Q(revoked_at__isnull=True),
                name="authorisation_one_standing_per_person",
            ),
            # An organisation has one legal representative at a time.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(revoked_at__isnull=True, capacity="representative"),
                name="authorisation_one_standing_representative",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="authorisation_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_capacity_display()} · {self.organisation}"

    def is_active(self, on: datetime.date) -> bool:
        return (
            self.revoked_at is None
            and self.valid_from <= on
            and (self.valid_until is None or self.valid_until >= on)
        )
