"""The reform pages' forms. They only parse; the actions decide and name what is wrong."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from oneseal.catalogue.models import Catalogue, Item
from oneseal.organisation.models import Bureau, Department, Role, Staff

from .models import Body, Handover, QuotaKind

DATE = forms.DateInput(attrs={"type": "date"})


def handover_lines(kind: str, text: str) -> list[dict]:
    """ "名称，数量，单位[，备注]" per line (a comma, a full-width comma or a tab between)."""
    out = []
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        parts = [p.strip() for p in re.split(r"[,，\t]", raw)]
        parts += [""] * (4 - len(parts))
        out.append(
            {
                "kind": kind,
                "name": parts[0],
                "quantity": parts[1],
                "unit": parts[2],
                "notes": parts[3],
            }
        )
    return out


class AgreementForm(forms.Form):
    department = forms.ModelChoiceField(Department.objects.none(), label=_("原审批部门"))
    title = forms.CharField(label=_("协议名称（可不填）"), max_length=200, required=False)
    transfer_date = forms.DateField(label=_("划转日期"), widget=DATE)
    items = forms.ModelMultipleChoiceField(
        Item.objects.none(),
        label=_("划转事项"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("只能选择该部门的事项"),
    )
    bureau_duties = forms.CharField(label=_("审批局职责"), widget=forms.Textarea(attrs={"rows": 3}))
    department_duties = forms.CharField(
        label=_("原审批部门职责"), widget=forms.Textarea(attrs={"rows": 3})
    )
    approval_staff = forms.IntegerField(label=_("原审批人员数"), min_value=1)
    systems = forms.CharField(
        label=_("移交业务系统（每行：名称，数量，单位）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    equipment = forms.CharField(
        label=_("移交设备（每行：名称，数量，单位）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    archives = forms.CharField(
        label=_("移交档案资料（每行：名称，数量，单位）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        label=_("其他约定"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, bureau: Bureau, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            region__code__startswith=bureau.region.prefix
        )
        self.fields["items"].queryset = Item.objects.filter(
            catalogue__region=bureau.region, catalogue__kind=Catalogue.Kind.LOCAL
        ).order_by("basic_code")
        self.fields["items"].label_from_instance = lambda item: item.basic_code

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "department": data["department"],
            "title": data["title"],
            "transfer_date": data["transfer_date"],
            "items": [{"item": item} for item in data["items"]],
            "bureau_duties": data["bureau_duties"],
            "department_duties": data["department_duties"],
            "approval_staff": data["approval_staff"],
            "handovers": handover_lines(Handover.Kind.SYSTEM, data["systems"])
            + handover_lines(Handover.Kind.EQUIPMENT, data["equipment"])
            + handover_lines(Handover.Kind.ARCHIVE, data["archives"]),
            "notes": data["notes"],
        }


class QuotaForm(forms.Form):
    body = forms.ChoiceField(label=_("单位"), choices=Body.choices)
    kind = forms.ChoiceField(label=_("编制类别"), choices=QuotaKind.choices)
    approved = forms.IntegerField(label=_("核定数"), min_value=0)
    basis = forms.CharField(label=_("核定依据"), max_length=200, required=False)


class StaffTransferForm(forms.Form):
    staff = forms.ModelChoiceField(Staff.objects.none(), label=_("工作人员"))
    department = forms.ModelChoiceField(Department.objects.none(), label=_("原单位"))
    moved_on = forms.DateField(label=_("划转日期"), widget=DATE)
    body = forms.ChoiceField(label=_("划入单位"), choices=Body.choices)
    quota_kind = forms.ChoiceField(label=_("编制类别"), choices=QuotaKind.choices)

    def __init__(self, *args, bureau: Bureau, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(
            region__code__startswith=bureau.region.prefix, department__isnull=False
        ).order_by("display_name")
        self.fields["department"].queryset = Department.objects.filter(
            region__code__startswith=bureau.region.prefix
        )


class TrainingForm(forms.Form):
    on = forms.DateField(label=_("培训日期"), widget=DATE)
    subject = forms.CharField(label=_("培训内容"), max_length=200)
    hours = forms.DecimalField(label=_("学时"), max_digits=5, decimal_places=1, min_value=0)
    trainer = forms.CharField(label=_("授课人／带教人"), max_length=100)


class ClearForm(forms.Form):
    on = forms.DateField(label=_("可独立办理日期"), widget=DATE)


class TransitionForm(forms.Form):
    department = forms.ModelChoiceField(Department.objects.none(), label=_("原审批部门"))
    liaison = forms.ModelChoiceField(Staff.objects.none(), label=_("联络人"))
    liaison_title = forms.CharField(label=_("职务"), max_length=60, required=False)
    liaison_phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    starts_on = forms.DateField(label=_("过渡期开始"), widget=DATE)
    ends_on = forms.DateField(label=_("过渡期结束（不填为三个月）"), widget=DATE, required=False)
    duties = forms.CharField(label=_("过渡期职责"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, bureau: Bureau, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            region__code__startswith=bureau.region.prefix
        )
        self.fields["liaison"].queryset = (
            Staff.objects.filter(
                region__code__startswith=bureau.region.prefix,
                department__isnull=False,
                roles__role=Role.SUPERVISOR,
            )
            .select_related("department")
            .order_by("department__order", "display_name")
        )
        self.fields["liaison"].label_from_instance = lambda s: f"{s.display_name}（{s.department}）"
