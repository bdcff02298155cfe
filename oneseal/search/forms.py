from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from oneseal.catalogue.models import Catalogue, Item, LifeEvent, Variant

from .actions import MAX_EXPLANATION, MAX_PHRASE


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    """A choice field of `form`, whose choices the page sets."""
    return cast(forms.ChoiceField, form.fields[name])


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

    def __init__(
        self, *args: Any, catalogue: Catalogue, items: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        _choice(self, "item").choices = [("", _("请选择")), *items]

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        item = Item.objects.filter(catalogue=self.catalogue, pk=data["item"]).first()
        return {
            "item": item,
            "phrase": data["phrase"],
            "reason": data["reason"],
            "variant": data["variant"],
        }


class ExclusionForm(forms.Form):
    phrase = forms.CharField(
        label=_("群众的说法"),
        max_length=MAX_PHRASE,
        help_text=_("这样说时不应给出所选事项，例如：开药店"),
    )
    item = forms.TypedChoiceField(label=_("不应给出的事项"), coerce=int, choices=())
    explanation = forms.CharField(
        label=_("向群众说明（选填）"),
        max_length=MAX_EXPLANATION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("查找时显示，例如：药店医保定点是已开业药店申请的，开药店要先办药品经营许可证"),
    )
    instead_item = forms.TypedChoiceField(
        label=_("应指向的事项（选填）"), coerce=int, required=False, empty_value=None, choices=()
    )
    instead_life_event = forms.TypedChoiceField(
        label=_("或应指向的一件事（选填）"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=(),
    )
    reason = forms.CharField(
        label=_("添加理由"),
        max_length=300,
        help_text=_("例如：群众问开药店，检索给出了药店医保定点"),
    )

    def __init__(
        self,
        *args: Any,
        catalogue: Catalogue,
        items: list[tuple[int, str]],
        life_events: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        _choice(self, "item").choices = [("", _("请选择")), *items]
        _choice(self, "instead_item").choices = [("", _("不指定")), *items]
        _choice(self, "instead_life_event").choices = [("", _("不指定")), *life_events]

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        items = Item.objects.filter(catalogue=self.catalogue)
        return {
            "item": items.filter(pk=data["item"]).first(),
            "phrase": data["phrase"],
            "reason": data["reason"],
            "explanation": data["explanation"],
            "instead_item": (
                items.filter(pk=data["instead_item"]).first() if data["instead_item"] else None
            ),
            # The action checks the life event is on offer in the catalogue's region.
            "instead_life_event": (
                LifeEvent.objects.filter(pk=data["instead_life_event"]).first()
                if data["instead_life_event"]
                else None
            ),
        }
