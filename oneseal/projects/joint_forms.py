"""Forms of the shared-step pages. They parse; the joint step actions decide."""

from __future__ import annotations

from django import forms
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from oneseal.cases.models import Case
from oneseal.intermediaries.models import Intermediary
from oneseal.organisation.models import Department, Section

from .models import JointKind, JointResult, Stage, StageTemplate


def _choose_from(form: forms.Form, name: str, queryset: QuerySet[Model]) -> None:
    """The choices of a field declared without them (they depend on the project)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # a ModelMultipleChoiceField is one too
    field.queryset = queryset


class OpenJointStepForm(forms.Form):
    stage = forms.TypedChoiceField(label=_("审批阶段"), choices=Stage.choices, coerce=int)
    kind = forms.ChoiceField(label=_("联合环节"), choices=JointKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200, required=False)
    template: forms.ModelChoiceField[StageTemplate] = forms.ModelChoiceField(
        label=_("阶段模板"),
        queryset=None,
        required=False,
        help_text=_("按模板确定牵头科室及部门逾期未答复是否视为无意见"),
    )
    sections: forms.ModelMultipleChoiceField[Section] = forms.ModelMultipleChoiceField(
        label=_("参与科室"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    cases: forms.ModelMultipleChoiceField[Case] = forms.ModelMultipleChoiceField(
        label=_("使用本环节结论的办件"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    provider: forms.ModelChoiceField[Intermediary] = forms.ModelChoiceField(
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

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        templates: QuerySet[StageTemplate],
        sections: QuerySet[Section],
        cases: QuerySet[Case],
        providers: QuerySet[Intermediary],
    ) -> None:
        super().__init__(data)
        _choose_from(self, "template", templates)
        _choose_from(self, "provider", providers)
        _choose_from(self, "sections", sections)
        _choose_from(self, "cases", cases)


class AttachCasesForm(forms.Form):
    cases: forms.ModelMultipleChoiceField[Case] = forms.ModelMultipleChoiceField(
        label=_("办件"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data: QueryDict | None = None, *, cases: QuerySet[Case]) -> None:
        super().__init__(data)
        _choose_from(self, "cases", cases)


class AskDepartmentForm(forms.Form):
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("部门"), queryset=None, required=False
    )
    subject = forms.CharField(label=_("征求意见事项"), widget=forms.Textarea, required=False)
    days = forms.IntegerField(
        label=_("答复时限（工作日）"), min_value=1, max_value=365, required=False
    )

    def __init__(self, data: QueryDict | None = None, *, departments: QuerySet[Department]) -> None:
        super().__init__(data)
        _choose_from(self, "department", departments)


class SectionResultForm(forms.Form):
    section = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("结论"), choices=JointResult.choices)
    findings = forms.CharField(label=_("意见"), widget=forms.Textarea, required=False)


class ConcludeForm(forms.Form):
    result = forms.ChoiceField(label=_("综合结论"), choices=JointResult.choices)
    summary = forms.CharField(label=_("综合意见"), widget=forms.Textarea, required=False)
