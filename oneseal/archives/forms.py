from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    number = forms.CharField(label=_("办件编号或档号"), required=False, max_length=60)
    applicant = forms.CharField(label=_("申请人"), required=False, max_length=200)
    item = forms.CharField(label=_("事项"), required=False, max_length=300)
    year = forms.IntegerField(label=_("归档年度"), required=False, min_value=2000, max_value=2100)


class PeriodForm(forms.Form):
    period_from = forms.DateField(
        label=_("归档日期起"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_to = forms.DateField(
        label=_("归档日期止"), widget=forms.DateInput(attrs={"type": "date"})
    )


class HandoverForm(PeriodForm):
    received_by = forms.CharField(label=_("档案接收人"), max_length=100)
    note = forms.CharField(label=_("说明"), required=False, max_length=300)
