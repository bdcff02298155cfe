"""The bodies and queries of the cases API that no page shares: registering an applicant,
opening a case, uploading a file, filtering the list."""

import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from rest_framework import serializers

from oneseal.applicants.models import Applicant
from oneseal.cases.models import Channel, State
from oneseal.cases.queries import intake_handling_item, visible_licences
from oneseal.catalogue.models import HandlingItem
from oneseal.errors import ValidationFailed
from oneseal.interface.case_actions import optional_text
from oneseal.interface.rest import choices_of, date_field


class UploadInput(serializers.Serializer):
    file = serializers.FileField(help_text=_l("PDF、JPG 或 PNG 文件"))


class ApplicantInput(serializers.Serializer):
    kind = choices_of(Applicant.Kind.choices, help_text=_l("申请人类型"))
    name = serializers.CharField(max_length=200, help_text=_l("姓名或名称"))
    number = serializers.CharField(max_length=40, help_text=_l("居民身份证号码或统一社会信用代码"))
    phone = serializers.CharField(max_length=40, help_text=_l("联系电话"))
    email = optional_text(254, _l("电子邮箱"))
    representative = optional_text(100, _l("法定代表人或负责人"))
    address = optional_text(300, _l("联系地址"))


class FoundByKey(serializers.PrimaryKeyRelatedField):
    """A PrimaryKeyRelatedField that finds its row with `find(pk)` (None: no such row), a
    statement built once per connection on the intake hot path, instead of `queryset.get`; the
    queryset still describes the field (the schema) and answers any key `find` is not meant
    for (not a plain positive integer of the key's range), with the same errors."""

    def __init__(self, *, find: Callable[[int], Any], **kwargs: Any) -> None:
        self.find = find
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        pk = data if type(data) is int else int(data) if _DIGITS.fullmatch(str(data)) else None
        if pk is None or not 0 < pk < 2**63:
            return super().to_internal_value(data)
        found = self.find(pk)
        if found is None:
            self.fail("does_not_exist", pk_value=data)
        return found


_DIGITS = re.compile(r"[0-9]{1,19}")


class OpenCaseInput(serializers.Serializer):
    handling_item = FoundByKey(
        find=intake_handling_item,
        queryset=HandlingItem.objects.select_related(
            "item_version__item__catalogue__region__bureau"
        ),
        help_text=_l("办理项编号（现行版本）"),
        error_messages={
            "does_not_exist": _l("办理项 {pk_value} 不存在"),
            "incorrect_type": _l("应为整数编号"),
        },
    )
    # Narrowed to the caller's applicants by the view (`visible_applicant(s)`).
    applicant = FoundByKey(
        find=lambda pk: None,
        queryset=Applicant.objects.none(),
        help_text=_l("申请人编号（见 POST /api/v1/applicants）"),
        error_messages={
            "does_not_exist": _l("申请人 {pk_value} 不存在"),
            "incorrect_type": _l("应为整数编号"),
        },
    )
    channel = choices_of(
        Channel.choices, help_text=_l("收件渠道：窗口或网上（申请人本人网上申请时为 online）")
    )
    agent_name = optional_text(100, _l("代办人"))
    agent_id_number = optional_text(18, _l("代办人身份证号码"))
    agent_phone = optional_text(40, _l("代办人电话"))
    licence = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_l("变更、延续、注销、补证所涉及的证照编号（licences[].id）"),
    )
    licence_number = optional_text(40, _l("或：所涉及证照的证照编号（如 6402212025L000001）"))


def target_licence_of(user, data: dict):
    """The licence an application names, by id or number, among the licences the caller sees
    (a clerk: the register of their region; an applicant: their own). Whether it may be acted
    on is the action's to say."""

    pk, number = data.pop("licence", None), data.pop("licence_number", "").strip().upper()
    if pk is None and not number:
        return None
    found = (
        visible_licences(user)
        .filter(**({"pk": pk} if pk is not None else {"number": number}))
        .first()
    )
    if found is None:
        name = "licence" if pk is not None else "licence_number"
        raise ValidationFailed(fields={name: [_("证照不存在或不在您可查看的范围内")]})
    return found


class CaseListQuery(serializers.Serializer):
    state = choices_of(State.choices, help_text=_l("状态"), required=False)
    handling_item = serializers.IntegerField(required=False, help_text=_l("办理项编号"))
    received_from = date_field(_l("收件日期起（含），YYYY-MM-DD"))
    received_to = date_field(_l("收件日期止（含），YYYY-MM-DD"))

    def validate(self, attrs):
        start, end = attrs.get("received_from"), attrs.get("received_to")
        if start and end and start > end:
            raise serializers.ValidationError({"received_to": [_("截止日期不能早于起始日期")]})
        return attrs
