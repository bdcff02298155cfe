"""The rollout pages' forms. They only parse; `transfers.rollout` decides and names what is
wrong."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rollout_templates

PHASES = "挂牌，2026-01-31\n人员划转，2026-02-28\n事项划转和运行，2026-04-30"


def phase_lines(text: str) -> list[tuple[str, str]]:
    """ "阶段，日期" per line (a comma, a full-width comma or a tab between)."""
    out = []
    for raw in (text or "").splitlines():
        if raw.strip():
            parts = [p.strip() for p in re.split(r"[,，\t]", raw, maxsplit=1)] + [""]
            out.append((parts[0], parts[1]))
    return out


class StartForm(forms.Form):
    name = forms.CharField(label=_("改革名称"), max_length=200)
    plan_document = forms.CharField(label=_("实施方案"), max_length=200)
    template = forms.ChoiceField(
        label=_("推开模板"), choices=rollout_templates.choices, widget=forms.RadioSelect
    )
    counties = forms.MultipleChoiceField(
        label=_("推开的县（区）"), widget=forms.CheckboxSelectMultiple
    )
    milestones = forms.CharField(
        label=_("阶段节点（每行：阶段，完成时限 YYYY-MM-DD）"),
        required=False,
        initial=PHASES,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counties"].choices = [(c.code, c.name) for c in counties]


class ReturnForm(forms.Form):
    reasons = forms.CharField(
        label=_("退回理由"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("设置密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirm = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
