from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from oneseal.catalogue.models import Item
from oneseal.organisation.models import ServiceCentre

from .models import Mode


class ItemChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Item) -> str:
        return getattr(obj, "current_name", None) or obj.basic_code


class DelegationForm(forms.Form):
    service_centre = forms.ModelChoiceField(
        label=_("受托便民服务中心"), queryset=ServiceCentre.objects.none()
    )
    items = ItemChoice(
        label=_("委托事项"), queryset=Item.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    mode = forms.ChoiceField(label=_("委托方式"), choices=Mode.choices)
    legal_basis = forms.CharField(
        label=_("委托依据"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    valid_from = forms.DateField(
        label=_("委托期限自"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("委托期限至"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        *args: Any,
        centres: QuerySet[ServiceCentre] | None = None,
        items: QuerySet[Item] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if centres is not None:
            cast(forms.ModelChoiceField, self.fields["service_centre"]).queryset = centres
        if items is not None:
            cast(ItemChoice, self.fields["items"]).queryset = items


class RenewForm(forms.Form):
    valid_until = forms.DateField(label=_("续期至"), widget=forms.DateInput(attrs={"type": "date"}))
    legal_basis = forms.CharField(
        label=_("委托依据（不填沿用原委托书）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("收回理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("收件日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("收件日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
