"""Forms of the appointment pages. They only parse input; every write goes through
`appointments.actions`, whose domain errors are put back on the form."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from oneseal.calendars.queries import today
from oneseal.catalogue.models import Catalogue, Item, ItemVersion
from oneseal.organisation.models import Bureau, Department, ServiceCentre

from .models import Booking, Hall

TIME = forms.TimeInput(format="%H:%M", attrs={"type": "time"})


class HallForm(forms.ModelForm):
    class Meta:
        model = Hall
        fields = [
            "name",
            "address",
            "phone",
            "opens_at",
            "lunch_from",
            "lunch_until",
            "closes_at",
            "slot_minutes",
            "days_ahead",
            "cancel_cutoff_minutes",
            "is_active",
        ]
        widgets = {"opens_at": TIME, "lunch_from": TIME, "lunch_until": TIME, "closes_at": TIME}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The action checks the ranges and says which field is wrong; the form only parses.
        for name in ("slot_minutes", "days_ahead", "cancel_cutoff_minutes"):
            self.fields[name].validators = []
            self.fields[name].widget.attrs.pop("max", None)

    def validate_unique(self) -> None:
        """Uniqueness is the action's to check and to say."""


class NewHallForm(HallForm):
    service_centre = forms.ModelChoiceField(
        label=_("便民服务中心"),
        queryset=ServiceCentre.objects.none(),
        required=False,
        empty_label=_("（本局政务服务大厅）"),
        help_text=_("乡镇便民服务中心的预约大厅请选择所属中心"),
    )

    def __init__(self, *args: Any, bureau: Bureau, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["service_centre"]
        ).queryset = ServiceCentre.objects.filter(bureau=bureau).order_by("region__code")


class ItemChoiceField(forms.ModelMultipleChoiceField):
    """Items by the name of their version in force (`names`, item id → name)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names: dict[int, str] = {}

    def label_from_instance(self, obj: Any) -> str:
        return self.names.get(obj.pk, obj.basic_code)


class GroupForm(forms.Form):
    name = forms.CharField(
        label=_("分组名称"), max_length=50, help_text=_("如：市场准入、投资建设、社会事务")
    )
    windows = forms.CharField(
        label=_("窗口"), max_length=100, required=False, help_text=_("如：3—6号窗口")
    )
    capacity = forms.IntegerField(label=_("每时段可约人数"))
    order = forms.IntegerField(label=_("排序"), initial=0, min_value=0)
    is_active = forms.BooleanField(label=_("开放预约"), required=False, initial=True)
    departments = forms.ModelMultipleChoiceField(
        label=_("办理以下部门的全部事项"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    items = ItemChoiceField(
        label=_("另办理以下事项"),
        queryset=Item.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    def __init__(self, *args: Any, hall: Hall, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefix = hall.bureau.region.prefix
        cast(
            forms.ModelMultipleChoiceField, self.fields["departments"]
        ).queryset = Department.objects.filter(region__code__startswith=prefix).order_by(
            "order", "id"
        )
        names = dict(
            ItemVersion.objects.in_force(today())
            .filter(
                item__catalogue__kind=Catalogue.Kind.LOCAL,
                item__catalogue__region__code__startswith=prefix,
            )
            .values_list("item_id", "name")
        )
        items = cast(ItemChoiceField, self.fields["items"])
        items.queryset = Item.objects.filter(pk__in=names)
        items.names = names


class BookForm(forms.Form):
    slot = forms.IntegerField(label=_("预约时段"), error_messages={"required": _("请选择预约时段")})
    applicant = forms.IntegerField(label=_("申请人"), required=False)


class DayForm(forms.Form):
    hall = forms.ModelChoiceField(
        label=_("服务大厅"), queryset=Hall.objects.none(), empty_label=None
    )
    day = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD")},
    )

    def __init__(self, *args: Any, halls: QuerySet[Hall], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["hall"]).queryset = halls


class MarkForm(forms.Form):
    state = forms.ChoiceField(
        choices=[
            (Booking.BookingState.ARRIVED, _("已到场")),
            (Booking.BookingState.NO_SHOW, _("未到场")),
        ]
    )
