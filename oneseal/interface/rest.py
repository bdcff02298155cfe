"""DRF helpers of every app's endpoints: the error body, the date and choice fields, parsing
a body or query, and loading a case in the caller's scope."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.shortcuts import get_object_or_404
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from oneseal.cases.models import Case
from oneseal.cases.queries import Viewer, visible_cases

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_FORMAT = "%Y-%m-%d"


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    # The API's field "fields": DRF's metaclass takes declared fields off the class, so it never
    # meets Serializer.fields, which the stubs see it overriding.
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]
    reasons = serializers.ListField(child=serializers.CharField())


def date_field(help_text: "StrOrPromise") -> serializers.DateField:
    return serializers.DateField(
        required=False,
        input_formats=[DATE_FORMAT],
        help_text=help_text,
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD，例如 2025-07-01")},
    )


class PickedChoiceField(serializers.ChoiceField):
    """A choice a person picks from a list: nothing picked (a form's 请选择 left as it was) is
    asked for by name, 请选择特别程序, not refused as the value “” that is not a choice."""

    def __init__(self, *, picked_name: "StrOrPromise | None" = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_messages["not_picked"] = (
            format_lazy(_("请选择{name}"), name=picked_name) if picked_name else _("请选择一项")
        )

    def to_internal_value(self, data: "str | int | tuple[str | int, str | int | tuple]") -> str:
        if data == "" and not self.allow_blank:
            self.fail("not_picked")
        return super().to_internal_value(data)


def choices_of(
    choices: "Sequence[tuple[str | int, StrOrPromise]]",
    *,
    help_text: "StrOrPromise",
    required: bool = True,
) -> serializers.ChoiceField:
    return PickedChoiceField(
        choices=choices,
        required=required,
        help_text=help_text,
        picked_name=help_text,
        error_messages={"invalid_choice": _("“{input}”不是有效的取值")},
    )


@extend_schema_field(OpenApiTypes.STR)
class UnnamedChoiceField(PickedChoiceField):
    """A choice documented as a plain string whose help text lists the values. For a choice set
    that another component already exposes under the same field name, where an enum would need
    an ENUM_NAME_OVERRIDES entry in the settings to be named without a warning."""


def listed_choices(
    choices: "Sequence[tuple[str | int, StrOrPromise]]", *, help_text: "StrOrPromise"
) -> serializers.ChoiceField:
    def text() -> str:
        return f"{help_text}：" + "、".join(f"{value}（{label}）" for value, label in choices)

    return UnnamedChoiceField(
        choices=choices,
        help_text=lazy(text, str)(),
        picked_name=help_text,
        error_messages={"invalid_choice": _("“{input}”不是有效的取值")},
    )


def parse(serializer_class: type[serializers.Serializer], data: object, **kwargs: Any) -> dict:
    parsed = serializer_class(data=data, **kwargs)
    parsed.is_valid(raise_exception=True)
    return dict(parsed.validated_data)


def load_case(user: Viewer, pk: int) -> Case:
    """Case `pk` if the caller may see it (`visible_cases`); otherwise a 404 that says nothing
    about it."""
    return get_object_or_404(visible_cases(user), pk=pk)
