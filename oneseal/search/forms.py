from django import forms
from django.utils.translation import gettext_lazy as _

from oneseal.catalogue.models import Item, Variant

from .actions import MAX_PHRASE


class SearchForm(forms.Form):
    q = forms.CharField(label=_("您要办什么事？"), max_length=100, required=False, strip=True)
    region = forms.CharField(label=_("地区"), max_length=12, required=False)


class SynonymForm(forms.Form):
    phrase = forms.CharField(
        label=_("群众的说法"), max_length=MAX_PHRASE, help_text=_("例如：开饭店、驾校、晚上施工")
    )
    item = forms.TypedChoiceField(label=_("对应事项"), coerce=int, choices=())
    variant = forms.ChoiceField(
        label=_("只指某类业务（选填）"),
        required=False,
        choices=[("", _("不限，按群众用词判断"))] + list(Variant.choices),
    )
    reason = forms.CharField(
        label=_("添加理由"), max_length=300, help_text=_("例如：窗口常有群众这样问")
    )

    def __init__(self, *args, catalogue, items: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        self.fields["item"].choices = [("", _("请选择"))] + items

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        item = Item.objects.filter(catalogue=self.catalogue, pk=data["item"]).first()
        return {
            "item": item,
            "phrase": data["phrase"],
            "reason": data["reason"],
            "variant": data["variant"],
        }
