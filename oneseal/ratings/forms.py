"""Forms of the rating pages. They only parse input; every write goes through
`ratings.actions`, whose domain errors are put back on the form."""

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from . import rules


class RateForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("评分"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(s, f"{s} {label}") for s, label in rules.SCORES.items()],
        error_messages={"required": _("请选择1至5分的评分")},
    )
    reasons = forms.MultipleChoiceField(
        label=_("评价原因"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(c, label) for reasons in rules.REASONS.values() for c, label in reasons],
    )
    comment = forms.CharField(
        label=_("意见建议"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=rules.COMMENT_MAX,
    )

    def bands(self) -> list[dict[str, Any]]:
        """The reason checkboxes grouped by score band, for the template."""
        chosen = set(self["reasons"].value() or [])
        return [
            {
                "band": band,
                "label": rules.BAND_LABELS[band],
                "reasons": [
                    {"code": c, "label": label, "checked": c in chosen} for c, label in reasons
                ],
            }
            for band, reasons in rules.REASONS.items()
        ]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("核实整改与回复情况"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("写明核实的情况、整改措施，以及何时以何种方式告知了申请人"),
        error_messages={"required": _("请填写核实整改情况和回复内容")},
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.staff.display_name


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label=_("承办人"),
        queryset=get_user_model().objects.none(),
        error_messages={"required": _("请选择承办人")},
    )

    def __init__(self, *args: Any, candidates: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(StaffChoiceField, self.fields["assignee"]).queryset = candidates


class PolicyForm(forms.Form):
    answer_days = forms.IntegerField(
        label=_("差评回复时限（工作日）"),
        error_messages={"required": _("请填写差评回复时限"), "invalid": _("请填写整数")},
    )
