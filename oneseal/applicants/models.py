from django.conf import settings
from django.db import models
from django.db.models import Q
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
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("网上办事账号"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="applicants")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请人")
        verbose_name_plural = _("申请人")
        constraints = [
            models.UniqueConstraint(fields=["id_number"], condition=Q(kind="person"), name="applicant_unique_id_number"),
            models.UniqueConstraint(fields=["credit_code"], condition=Q(kind="organisation"), name="applicant_unique_credit_code"),
            models.CheckConstraint(
                condition=(Q(kind="person") & ~Q(id_number="") & Q(credit_code=""))
                | (Q(kind="organisation") & ~Q(credit_code="") & Q(id_number="")),
                name="applicant_number_matches_kind",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def number(self) -> str:
        return self.id_number or self.credit_code

    @property
    def masked_number(self) -> str:
        """For pages that show who applied without revealing the whole number."""
        n = self.number
        return n[:4] + "*" * (len(n) - 8) + n[-4:] if len(n) > 8 else n
