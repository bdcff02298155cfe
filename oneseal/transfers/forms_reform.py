"""The reform task pages' forms (任务分工). They only parse; `tasks` decides and names what is
wrong. A unit is the bureau or a department of the reform's region, offered in one list as
"bureau-<id>" / "department-<id>"."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from oneseal.organisation.models import Bureau, Department
from oneseal.regions.models import Region

from . import tasks
from .models import Milestone, Reform, TaskStatus

DATE = forms.DateInput(attrs={"type": "date"})


def _unit_choices(region: Region) -> list:
    bureaus, departments = tasks.region_units(region)
    return [
        (_("行政审批局"), [(f"bureau-{b.pk}", b.name) for b in bureaus.order_by("region__code")]),
        (
            _("部门"),
            [
                (f"department-{d.pk}", d.name)
                for d in departments.order_by("region__code", "order", "id")
            ],
        ),
    ]


def _resolve(value: str, region: Region) -> Bureau | Department | None:
    kind, _sep, pk = value.partition("-")
    if not pk.isdigit():
        return None
    bureaus, departments = tasks.region_units(region)
    if kind == "bureau":
        return bureaus.filter(pk=int(pk)).first()
    if kind == "department":
        return departments.filter(pk=int(pk)).first()
    return None


def milestone_lines(text: str) -> list[tuple[str, str]]:
    """ "阶段名称，YYYY-MM-DD" per line (a comma, a full-width comma or a tab between)."""
    out = []
    for raw in (text or "").splitlines():
        if raw.strip():
            parts = re.split(r"[,，\t]", raw.strip(), maxsplit=1)
            out.append((parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""))
    return out


class ReformForm(forms.Form):
    name = forms.CharField(label=_("改革名称"), max_length=200)
    plan_document = forms.CharField(label=_("实施方案"), max_length=200)
    milestones = forms.CharField(
        label=_("阶段节点（每行：阶段名称，完成时限 YYYY-MM-DD）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MilestoneForm(forms.Form):
    name = forms.CharField(label=_("阶段名称"), max_length=100)
    due_on = forms.DateField(label=_("完成时限"), widget=DATE)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("任务"), max_length=300)
    lead_unit = forms.ChoiceField(label=_("牵头单位"))
    helping_units = forms.MultipleChoiceField(
        label=_("配合单位"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("可多选"),
    )
    deadline = forms.DateField(label=_("完成时限"), widget=DATE)
    milestone = forms.ModelChoiceField(
        Milestone.objects.none(), label=_("所属阶段"), required=False
    )

    def __init__(self, *args, reform: Reform, **kwargs):
        super().__init__(*args, **kwargs)
        self.reform = reform
        choices = _unit_choices(reform.region)
        self.fields["lead_unit"].choices = [("", "—")] + choices
        self.fields["helping_units"].choices = choices
        self.fields["milestone"].queryset = reform.milestones.all()

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        region = self.reform.region
        return {
            "title": data["title"],
            "lead_unit": _resolve(data["lead_unit"], region),
            "helping_units": [
                u for u in (_resolve(v, region) for v in data["helping_units"]) if u is not None
            ],
            "deadline": data["deadline"],
            "milestone": data["milestone"],
        }


class ReportForm(forms.Form):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    file = forms.FileField(label=_("附件（可不传）"), required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("任务状态"), choices=TaskStatus.choices)
