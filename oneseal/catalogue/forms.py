"""Forms of the catalogue administrators' pages. They only parse and check input; every write
goes through `catalogue.actions`, whose domain errors are put back on the form."""

from typing import cast

from django import forms
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from oneseal.organisation.models import Department

from .models import Catalogue, ChangeKind, Item, ItemVersion, TransferStatus

ITEM_FIELDS = [
    "name",
    "item_type",
    "implementing_code",
    "legal_basis",
    "exercise_level",
    "original_department",
    "transfer_status",
    "topic",
]
# The kinds an administrator starts by hand; "add" is a new item and "import" comes from a file.
ADJUSTMENT_KINDS = [
    ChangeKind.CHANGE,
    ChangeKind.CHANGE_LIMIT,
    ChangeKind.TRANSFER,
    ChangeKind.DELEGATE,
    ChangeKind.MERGE,
    ChangeKind.CANCEL,
]


def _departments_of(catalogue: Catalogue):
    return Department.objects.filter(region__code__startswith=catalogue.region.prefix).order_by(
        "order", "id"
    )


class ItemVersionFieldsForm(forms.ModelForm):
    """The item-level fields of a service guide, as a draft holds them. The form is never
    saved: its cleaned data goes to an action."""

    class Meta:
        model = ItemVersion
        fields = ITEM_FIELDS
        widgets = {"legal_basis": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, catalogue: Catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["original_department"])
        field.queryset = _departments_of(catalogue)


class NewItemForm(ItemVersionFieldsForm):
    basic_code = forms.CharField(label=_("基本编码"), max_length=64)
    reason = forms.CharField(
        label=_("新增原因"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    basis = forms.CharField(
        label=_("新增依据"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = ["basic_code", *ITEM_FIELDS, "reason", "basis"]

    def action_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            "basic_code": data.pop("basic_code"),
            "name": data.pop("name"),
            "reason": data.pop("reason"),
            "basis": data.pop("basis"),
            **data,
        }


class DraftForm(ItemVersionFieldsForm):
    class Meta(ItemVersionFieldsForm.Meta):
        fields = [*ITEM_FIELDS, "change_reason", "change_basis"]
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "change_reason": forms.Textarea(attrs={"rows": 2}),
            "change_basis": forms.Textarea(attrs={"rows": 2}),
        }

    def changed_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data}


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("调整类型"), choices=[(k.value, k.label) for k in ADJUSTMENT_KINDS]
    )
    reason = forms.CharField(label=_("调整原因"), widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(
        label=_("调整依据"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("文件名称及文号，如：县政府常务会议纪要〔2025〕3号"),
    )
    merged_into = forms.ModelChoiceField(
        label=_("并入事项"),
        queryset=Item.objects.none(),
        required=False,
        help_text=_("仅“合并”时填写：本事项并入的同一目录中的事项"),
    )

    def __init__(self, *args, item: Item, **kwargs):
        super().__init__(*args, **kwargs)
        newest_name = (
            ItemVersion.objects.filter(item=OuterRef("pk")).order_by("-number").values("name")[:1]
        )
        merged_into = cast(forms.ModelChoiceField, self.fields["merged_into"])
        merged_into.queryset = (
            Item.objects.filter(catalogue_id=item.catalogue_id)
            .exclude(pk=item.pk)
            .annotate(newest_name=Subquery(newest_name))
            .order_by("basic_code")
        )
        merged_into.label_from_instance = lambda i: (  # type: ignore[assignment]
            f"{i.basic_code} {i.newest_name or ''}".strip()
        )

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("kind") == ChangeKind.MERGE and not data.get("merged_into"):
            self.add_error("merged_into", _("合并须选择并入的事项"))
        if data.get("kind") != ChangeKind.MERGE:
            data["merged_into"] = None
        return data


class PublishForm(forms.Form):
    effective_from = forms.DateField(
        label=_("生效日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )


class ItemFilterForm(forms.Form):
    """Filters of the administrators' item list; every field is optional."""

    q = forms.CharField(label=_("名称或编码"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("最新版本状态"),
        required=False,
        choices=[("", _("全部"))] + list(ItemVersion.Status.choices),
    )
    department = forms.ModelChoiceField(
        label=_("原审批部门"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("全部"),
    )
    transfer_status = forms.ChoiceField(label=_("划转情况"), required=False)
    cancelled = forms.BooleanField(label=_("含已取消事项"), required=False)

    def __init__(self, *args, catalogue: Catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = _departments_of(
            catalogue
        )
        cast(forms.ChoiceField, self.fields["transfer_status"]).choices = [("", _("全部"))] + list(
            TransferStatus.choices
        )
