"""Forms of the inspection pages: they parse and check input; the actions decide."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Finding

# (value, label) of a choice field whose choices are known only when the page is built.
Choice = tuple[Any, Any]


def _choose(form: forms.Form, name: str, choices: Iterable[Choice]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # the fields named are choice fields
    field.choices = list(choices)


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        label=_("勘验时间"), widget=DATETIME_INPUT, input_formats=["%Y-%m-%dT%H:%M"]
    )
    place = forms.CharField(label=_("勘验地点"), max_length=300)
    expected_days = forms.IntegerField(
        label=_("预计所需时间（工作日）"), min_value=1, max_value=60, initial=3
    )
    inspectors = forms.MultipleChoiceField(
        label=_("勘验人员（两名以上）"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    experts = forms.MultipleChoiceField(
        label=_("随同勘验的评审专家（本办件专家评审中已接受邀请的专家）"),
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        inspector_choices: Iterable[Choice] = (),
        expert_choices: Iterable[Choice] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "inspectors", inspector_choices)
        if expert_choices:
            _choose(self, "experts", expert_choices)
        else:
            # No expert to choose from (none drawn): no empty list shown.
            del self.fields["experts"]


class JointScheduleForm(ScheduleForm):
    stage = forms.TypedChoiceField(label=_("审批阶段"), coerce=int, choices=())
    cases = forms.MultipleChoiceField(
        label=_("本阶段的办件"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    sections = forms.MultipleChoiceField(
        label=_("参加的科室"), widget=forms.CheckboxSelectMultiple, choices=(), required=False
    )
    departments = forms.MultipleChoiceField(
        label=_("参加的部门"), widget=forms.CheckboxSelectMultiple, choices=(), required=False
    )

    def __init__(
        self,
        *args: Any,
        stages: Iterable[Choice] = (),
        cases: Iterable[Choice] = (),
        sections: Iterable[Choice] = (),
        departments: Iterable[Choice] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "stage", stages)
        _choose(self, "cases", cases)
        _choose(self, "sections", sections)
        _choose(self, "departments", departments)
        if "experts" in self.fields:
            self.fields["experts"].label = _(
                "随同勘验的评审专家（本阶段办件专家评审中已接受邀请的专家）"
            )


class RescheduleForm(forms.Form):
    at = forms.DateTimeField(
        label=_("新的勘验时间"), widget=DATETIME_INPUT, input_formats=["%Y-%m-%dT%H:%M"]
    )
    reason = forms.CharField(label=_("改期理由"), max_length=500)


class FindingForm(forms.Form):
    order = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label=_("核查结果"), choices=Finding.Result.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PartyForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("到场情况"),
        choices=[("1", _("到场")), ("0", _("未到场"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    representative = forms.CharField(label=_("到场人员"), required=False, max_length=200)
    findings = forms.CharField(
        label=_("单位意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PhotoForm(forms.Form):
    file = forms.FileField(
        label=_("拍照或选择照片"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    finding = forms.TypedChoiceField(
        label=_("对应核查要点"), coerce=int, required=False, empty_value=None, choices=()
    )
    caption = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args: Any, findings: Iterable[Choice] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "finding", [("", "—"), *findings])


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(label=_("勘验结论"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("取消理由"), max_length=500)


class ChecklistForm(forms.Form):
    lines = forms.CharField(
        label=_("核查要点（每行一条；“要点｜方法”）"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
    )

    def parsed(self) -> list[tuple[str, str]]:
        out = []
        for raw in self.cleaned_data["lines"].splitlines():
            text, _bar, guidance = raw.replace("|", "｜").partition("｜")
            out.append((text.strip(), guidance.strip()))
        return out
