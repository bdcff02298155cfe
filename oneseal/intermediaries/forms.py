"""Forms of the marketplace's pages: they only parse input; the actions decide."""

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from oneseal.catalogue.models import HandlingItem, Material

from .models import Engagement, Service

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

SCORES = [(n, str(n)) for n in range(5, 0, -1)]


def _score(label: "_StrOrPromise") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=SCORES, coerce=int)


class ChooseForm(forms.Form):
    """The applicant's choice for one service: the method and, for a direct choice, whom."""

    method = forms.ChoiceField(
        label=_("选取方式"), choices=Engagement.Method.choices, widget=forms.RadioSelect
    )
    intermediary = forms.IntegerField(
        label=_("中介机构"), required=False, min_value=1, max_value=2**31 - 1
    )


class RateForm(forms.Form):
    quality = _score(_("服务质量"))
    timeliness = _score(_("服务时效"))
    attitude = _score(_("服务态度"))
    fee = _score(_("收费合理"))
    comment = forms.CharField(
        label=_("评价意见"), required=False, max_length=300, widget=forms.Textarea({"rows": 3})
    )


class DeliverForm(forms.Form):
    file = forms.FileField(label=_("服务成果文件"))


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("申诉理由"), max_length=500, widget=forms.Textarea({"rows": 4})
    )


# --- staff ----------------------------------------------------------------------------------


class RegisterForm(forms.Form):
    name = forms.CharField(label=_("机构名称"), max_length=200)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)


class QualificationForm(forms.Form):
    kind = forms.CharField(label=_("资质类别"), max_length=100)
    level = forms.CharField(label=_("资质等级"), max_length=40, required=False)
    valid_from = forms.DateField(label=_("有效期起"), widget=forms.DateInput({"type": "date"}))
    valid_to = forms.DateField(label=_("有效期至"), widget=forms.DateInput({"type": "date"}))


class OfferForm(forms.Form):
    service = forms.ModelChoiceField(label=_("中介服务"), queryset=Service.objects.all())
    fee = forms.DecimalField(label=_("收费（元）"), max_digits=12, decimal_places=2, min_value=0)
    promised_days = forms.IntegerField(label=_("承诺时限（工作日）"), min_value=1, max_value=365)


class AccountForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300, widget=forms.Textarea({"rows": 2}))


class DecideAppealForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("1", _("申诉成立，恢复服务")), ("0", _("申诉不成立"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("处理意见"), max_length=500, widget=forms.Textarea({"rows": 2})
    )


class ServiceForm(forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=40)
    name = forms.CharField(label=_("中介服务"), max_length=100)
    qualification_kind = forms.CharField(label=_("所需资质类别"), max_length=100)
    procedure_kind = forms.ChoiceField(label=_("对应特别程序"), required=False, choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from oneseal.catalogue.models import SpecialProcedure

        field = self.fields["procedure_kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("不是特别程序（计入办理时限）")), *SpecialProcedure.Kind.choices]


class ListingForm(forms.Form):
    """A line of the 中介服务事项清单, for one handling item chosen first."""

    service = forms.ModelChoiceField(label=_("中介服务"), queryset=Service.objects.all())
    material = forms.ModelChoiceField(
        label=_("服务成果对应的材料"), queryset=Material.objects.none()
    )

    def __init__(self, handling_item: HandlingItem, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["material"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = handling_item.materials.order_by("order")
