"""Forms of the workbench. They only parse input; every check of substance is made by the
action the view calls (and, for the case actions, by the API's input serializers, which the
case page shares so that a page and the API accept exactly the same input)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from oneseal.applicants.models import Applicant
from oneseal.cases.models import State


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("办件编号或申请人"), required=False, max_length=100)
    item = forms.TypedChoiceField(label=_("事项"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + list(State.choices)
    )
    received_from = forms.DateField(label=_("收件日期起"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("收件日期止"), required=False, widget=DateInput())

    def __init__(self, *args: Any, items: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["item"]).choices = [("", _("全部事项")), *items]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("截止日期不能早于起始日期"))
        return data


class ApplicantForm(forms.Form):
    """The applicant at the window and, when someone files for them, the agent. The number is
    validated by `applicants.actions.register_applicant`, which finds or registers them."""

    kind = forms.ChoiceField(
        label=_("申请人类型"),
        choices=Applicant.Kind.choices,
        widget=forms.RadioSelect,
        initial=Applicant.Kind.PERSON,
    )
    number = forms.CharField(label=_("居民身份证号码或统一社会信用代码"), max_length=40)
    name = forms.CharField(label=_("姓名或名称"), max_length=200)
    phone = forms.CharField(label=_("联系电话"), max_length=40)
    representative = forms.CharField(label=_("法定代表人或负责人"), max_length=100, required=False)
    address = forms.CharField(label=_("联系地址"), max_length=300, required=False)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False)
    agent_name = forms.CharField(label=_("代办人姓名"), max_length=100, required=False)
    agent_id_number = forms.CharField(label=_("代办人身份证号码"), max_length=40, required=False)
    agent_phone = forms.CharField(label=_("代办人电话"), max_length=40, required=False)
    handling_item = forms.IntegerField(
        label=_("办理项"),
        error_messages={
            "required": _("请先查找并选择办理项"),
            "invalid": _("请先查找并选择办理项"),
        },
    )
    licence_number = forms.CharField(
        label=_("所涉证照编号（变更、延续、注销、补证时填写）"), max_length=40, required=False
    )

    # register_applicant names the number by its kind; the form has one field for both; the
    # receipt names the licence an application acts on.
    FIELD_OF = {"id_number": "number", "credit_code": "number", "licence": "licence_number"}
