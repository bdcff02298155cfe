from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from oneseal.organisation.models import Department


class ImportForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("移交部门"), queryset=Department.objects.none(), empty_label=None
    )
    handed_over_by = forms.CharField(label=_("移交人（部门经办人）"), max_length=100)
    file = forms.FileField(
        label=_("在办件台账（xlsx）"),
        help_text=_(
            "列：原办件编号、申请人、证件号码、联系电话、办理项编码、事项名称、收件日期、受理日期、办理状态、移交材料（如“申请书×1；营业执照×2”）、未办结说明"
        ),
    )
    note = forms.CharField(
        label=_("移交说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, departments: QuerySet[Department] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if departments is not None:
            cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments
