"""Forms of the linkage pages. They parse and show errors; the actions decide."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from oneseal.errors import DomainError
from oneseal.organisation.models import Department

from .models import FeedbackKind, OpinionConclusion, SupportKind


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """An action's refusal shown on the form: each field's message on the field, the rest on
    top."""
    placed = False
    for name, messages in error.fields.items():
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))
        for reason in error.reasons[1:]:
            form.add_error(None, str(reason))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label=_("反馈类型"), choices=FeedbackKind.choices)
    on = forms.DateField(label=_("检查或处理日期"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("情况说明"), widget=forms.Textarea, required=False)
    document_number = forms.CharField(label=_("文书编号"), max_length=100, required=False)


class AnswerForm(forms.Form):
    result = forms.CharField(label=_("支撑结论"), widget=forms.Textarea, required=False)
    attachments = MultipleFileField(label=_("附件（PDF、JPG、PNG）"), required=False)


class SupportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("支撑类别"), choices=SupportKind.choices)
    department = forms.ModelChoiceField(
        label=_("支撑部门"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("（按职责边界清单）"),
    )
    days = forms.IntegerField(
        label=_("答复时限（工作日）"),
        min_value=1,
        max_value=365,
        required=False,
        help_text=_("不填则按职责边界清单中该类支撑的时限"),
    )
    details = forms.CharField(label=_("请求事项"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments


class RevocationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理结果"),
        choices=[("revoke", _("启动撤销程序（告知持证人陈述、申辩）")), ("decline", _("不予撤销"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("处理意见"), widget=forms.Textarea, required=False)


class BoundaryForm(forms.Form):
    supervising_department = forms.ModelChoiceField(
        label=_("监管部门"), queryset=Department.objects.none()
    )
    bureau_duties = forms.CharField(label=_("审批局职责"), widget=forms.Textarea, required=False)
    department_duties = forms.CharField(
        label=_("监管部门职责"), widget=forms.Textarea, required=False
    )
    coordination = forms.CharField(label=_("衔接机制"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["supervising_department"]).queryset = departments
        for kind, label in SupportKind.choices:
            self.fields[f"{kind}_description"] = forms.CharField(
                label=_("{kind}：支撑内容").format(kind=label),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )
            self.fields[f"{kind}_days"] = forms.IntegerField(
                label=_("{kind}：时限（工作日）").format(kind=label),
                min_value=1,
                max_value=365,
                required=False,
            )

    def support_duties(self) -> list[dict]:
        """The kinds filled in (a description or a limit): the action checks both are there."""
        out = []
        for kind in SupportKind.values:
            description = self.cleaned_data.get(f"{kind}_description", "")
            days = self.cleaned_data.get(f"{kind}_days")
            if description.strip() or days is not None:
                out.append({"kind": kind, "description": description, "limit_days": days})
        return out


class OpinionRequestForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("征求意见部门"), queryset=Department.objects.none(), required=False
    )
    subject = forms.CharField(label=_("征求意见事项"), widget=forms.Textarea, required=False)
    days = forms.IntegerField(
        label=_("答复时限（工作日）"), min_value=1, max_value=365, required=False
    )
    silence_is_consent = forms.BooleanField(label=_("逾期未答复视为无意见"), required=False)
    silence_rule = forms.CharField(
        label=_("视为无意见的依据"),
        required=False,
        help_text=_(
            "勾选“逾期未答复视为无意见”时必填，如本地工程建设项目审批制度改革实施方案的条款"
        ),
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments


class OpinionAnswerForm(forms.Form):
    conclusion = forms.ChoiceField(
        label=_("意见"), choices=OpinionConclusion.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("理由或条件"),
        widget=forms.Textarea,
        required=False,
        help_text=_("有条件同意或不同意的，须写明条件或理由"),
    )
    attachments = MultipleFileField(label=_("附件（PDF、JPG、PNG）"), required=False)


class OpinionWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回理由"), widget=forms.Textarea, required=False)
