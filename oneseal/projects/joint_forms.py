"""Forms of the shared-step pages. They parse; the joint step actions decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import JointKind, JointResult, Stage


class OpenJointStepForm(forms.Form):
    stage = forms.TypedChoiceField(label=_("审批阶段"), choices=Stage.choices, coerce=int)
    kind = forms.ChoiceField(label=_("联合环节"), choices=JointKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200, required=False)
    template = forms.ModelChoiceField(
        label=_("阶段模板"),
        queryset=None,
        required=False,
        help_text=_("按模板确定牵头科室及部门逾期未答复是否视为无意见"),
    )
    sections = forms.ModelMultipleChoiceField(
        label=_("参与科室"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    cases = forms.ModelMultipleChoiceField(
        label=_("使用本环节结论的办件"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    provider = forms.ModelChoiceField(
        label=_("评估编制中介机构（多评合一）"),
        queryset=None,
        required=False,
        help_text=_("中介服务超市中资质有效的机构；未入驻的编制单位请在下方填写名称"),
    )
    provider_name = forms.CharField(
        label=_("评估编制单位（多评合一，未入驻中介服务超市）"), max_length=200, required=False
    )
    provider_credit_code = forms.CharField(
        label=_("编制单位统一社会信用代码"), max_length=40, required=False
    )

    def __init__(self, *args, templates, sections, cases, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["provider"].queryset = providers
        self.fields["sections"].queryset = sections
        self.fields["cases"].queryset = cases


class AttachCasesForm(forms.Form):
    cases = forms.ModelMultipleChoiceField(
        label=_("办件"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases


class AskDepartmentForm(forms.Form):
    department = forms.ModelChoiceField(label=_("部门"), queryset=None, required=False)
    subject = forms.CharField(label=_("征求意见事项"), widget=forms.Textarea, required=False)
    days = forms.IntegerField(
        label=_("答复时限（工作日）"), min_value=1, max_value=365, required=False
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class SectionResultForm(forms.Form):
    section = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("结论"), choices=JointResult.choices)
    findings = forms.CharField(label=_("意见"), widget=forms.Textarea, required=False)


class ConcludeForm(forms.Form):
    result = forms.ChoiceField(label=_("综合结论"), choices=JointResult.choices)
    summary = forms.CharField(label=_("综合意见"), widget=forms.Textarea, required=False)
