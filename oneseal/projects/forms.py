"""The register form of the projects page. It only parses input; `actions.register_project`
decides, and its refusals are put back on the form by field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProjectKind


class ProjectForm(forms.Form):
    code = forms.CharField(
        label=_("投资项目统一代码"),
        max_length=40,
        help_text=_("例如 2020-640221-47-01-012345"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("项目名称"), max_length=200)
    owner = forms.CharField(
        label=_("建设单位统一社会信用代码"),
        max_length=40,
        help_text=_("建设单位须已在窗口登记为申请人"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("项目类型"), choices=ProjectKind.choices)
    location = forms.CharField(label=_("建设地点"), max_length=300)
    floor_area = forms.DecimalField(
        label=_("总建筑面积（平方米）"), max_digits=12, decimal_places=2, min_value=0
    )
    investment = forms.DecimalField(
        label=_("总投资（万元）"), max_digits=14, decimal_places=2, min_value=0
    )
