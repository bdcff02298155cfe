"""The pages' forms. They only parse input; the actions decide, and their refusals are put
back on the form by field (`interface.forms.add_domain_error`)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from oneseal.esupervision.models import ConflictDeclaration

from .models import Assignment, ExpertField


def _fields() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("专业领域"),
        queryset=ExpertField.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
    )


class ExpertForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=100)
    id_number = forms.CharField(label=_("居民身份证号码"), max_length=40)
    fields_ = _fields()
    title = forms.CharField(label=_("职称"), max_length=100)
    employer_name = forms.CharField(label=_("工作单位"), max_length=200)
    employer_credit_code = forms.CharField(
        label=_("工作单位统一社会信用代码"), max_length=40, required=False
    )
    phone = forms.CharField(label=_("联系电话"), max_length=40)
    email = forms.EmailField(label=_("电子邮箱"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "fields" is a Form attribute: the field is named fields_ in Python, "fields" in HTML.
        self.fields["fields"] = self.fields.pop("fields_")


class EditExpertForm(ExpertForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["name"], self.fields["id_number"]


class UnavailabilityForm(forms.Form):
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class DeclarationForm(forms.Form):
    relative_name = forms.CharField(label=_("亲属姓名或单位名称"), max_length=200)
    relation = forms.ChoiceField(label=_("关系"), choices=ConflictDeclaration.Relation.choices)
    number = forms.CharField(label=_("居民身份证号码或统一社会信用代码"), max_length=40)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300)


class AccountForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, max_length=128)


class OpenReviewForm(forms.Form):
    field = forms.ModelChoiceField(
        label=_("专业领域"), queryset=ExpertField.objects.order_by("code")
    )
    experts_needed = forms.IntegerField(
        label=_("抽取专家人数"), min_value=1, max_value=15, initial=3
    )
    subject = forms.CharField(label=_("评审事项"), max_length=300)
    on = forms.DateField(
        label=_("开始日期（中止办理之日）"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("预计结束日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AppointForm(forms.Form):
    expert = forms.IntegerField(
        label=_("专家"), min_value=1, max_value=2**63 - 1, widget=forms.Select
    )
    reason = forms.CharField(label=_("指定理由（将列入电子监察）"), max_length=300)


class ConcludeForm(forms.Form):
    conclusion = forms.CharField(label=_("评审结论"), widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(
        label=_("完成日期（恢复办理之日）"), widget=forms.DateInput(attrs={"type": "date"})
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("履职评价"), choices=[(i, str(i)) for i in range(5, 0, -1)], coerce=int
    )
    note = forms.CharField(label=_("评价说明"), max_length=300, required=False)


class FeeForm(forms.Form):
    amount = forms.DecimalField(
        label=_("评审费（元）"), max_digits=10, decimal_places=2, min_value=0
    )
    paid_on = forms.DateField(label=_("支付日期"), widget=forms.DateInput(attrs={"type": "date"}))


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("谢绝理由"), max_length=300)


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 6}))
    score = forms.IntegerField(label=_("评分（0–100）"), min_value=0, max_value=100)
    conclusion = forms.ChoiceField(label=_("结论"), choices=Assignment.Conclusion.choices)
