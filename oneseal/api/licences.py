"""The licence register API (/api/v1/licences): search the licences the caller may see and open
one with its versions, the cases that acted on it and the document of each version.

Every read goes through `cases.queries.visible_licences` (staff by region, a holder only
their own), so a licence outside the caller's scope is a 404 that says nothing about it."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.calendars.queries import today
from oneseal.cases.models import Case, Licence, LicenceVersion
from oneseal.cases.queries import (
    LicenceFilters,
    licence_history,
    licence_register,
    visible_licences,
)
from oneseal.interface.rest import ErrorSerializer, choices_of, parse

from .cases.views import SignedInMixin

LICENCES = "licences"


class LicenceListQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        default="",
        help_text=_l("持证人名称、统一社会信用代码、身份证号码或证照编号"),
    )
    item = serializers.IntegerField(required=False, help_text=_l("事项编号（items[].id）"))
    standing = choices_of(
        Licence.Standing.choices, help_text=_l("证照状态（今日）"), required=False
    )
    expiring_within = serializers.IntegerField(
        required=False, min_value=0, max_value=3660, help_text=_l("有效且在N日内到期")
    )


class LicenceRowSerializer(serializers.ModelSerializer):
    holder = serializers.CharField(source="holder.name")
    holder_number = serializers.CharField(
        source="holder.number", help_text=_l("统一社会信用代码或身份证号码")
    )
    item = serializers.CharField(source="case.handling_item.item_version.name")
    item_id = serializers.IntegerField(source="case.handling_item.item_version.item_id")
    state = serializers.CharField(help_text=_l("记录状态：valid、held、cancelled、revoked"))
    standing = serializers.SerializerMethodField(
        help_text=_l("今日状态：valid、held、cancelled、revoked、expired")
    )
    standing_display = serializers.SerializerMethodField()

    class Meta:
        model = Licence
        fields = [
            "id",
            "number",
            "name",
            "holder",
            "holder_number",
            "item",
            "item_id",
            "scope",
            "valid_from",
            "valid_until",
            "issued_on",
            "version",
            "state",
            "standing",
            "standing_display",
            "cancelled_on",
            "revoked_on",
        ]
        read_only_fields = fields

    def get_standing(self, licence) -> str:
        return licence.standing(self.context["on"])

    def get_standing_display(self, licence) -> str:
        return licence.standing_display(self.context["on"])


class LicenceVersionSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    case = serializers.CharField(source="case.number")
    document = serializers.SerializerMethodField(help_text=_l("该版本的证照文书（未出具时为空）"))

    class Meta:
        model = LicenceVersion
        fields = [
            "number",
            "kind",
            "kind_display",
            "deemed",
            "case",
            "scope",
            "valid_from",
            "valid_until",
            "issued_on",
            "document",
        ]
        read_only_fields = fields

    def get_document(self, version) -> dict | None:
        doc = getattr(version, "document", None)
        if doc is None:
            return None
        return {
            "id": doc.pk,
            "number": doc.number,
            "state": doc.state,
            "state_display": doc.get_state_display(),
        }


class LicenceCaseSerializer(serializers.ModelSerializer):
    handling_item = serializers.CharField(source="handling_item.name")
    variant = serializers.CharField(source="handling_item.variant")
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "handling_item",
            "variant",
            "state",
            "state_display",
            "received_on",
            "decided_on",
        ]
        read_only_fields = fields


class LicenceDetailSerializer(LicenceRowSerializer):
    """The licence with its history, read by `licence_history` into `history` beforehand."""

    versions = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()

    class Meta(LicenceRowSerializer.Meta):
        fields = [*LicenceRowSerializer.Meta.fields, "revocation_reason", "versions", "cases"]
        read_only_fields = fields

    @extend_schema_field(LicenceVersionSerializer(many=True))
    def get_versions(self, licence):
        return LicenceVersionSerializer(licence.history[0], many=True).data

    @extend_schema_field(LicenceCaseSerializer(many=True))
    def get_cases(self, licence):
        return LicenceCaseSerializer(licence.history[1], many=True).data


ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_l("证照编号（id）")
)


@extend_schema(tags=[LICENCES])
class LicenceList(SignedInMixin, generics.ListAPIView):
    serializer_class = LicenceRowSerializer

    def get_queryset(self):
        params = parse(LicenceListQuery, self.request.query_params)
        return licence_register(self.request.user, LicenceFilters(on=today(), **params))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "on": today()}

    @extend_schema(
        operation_id="list_licences",
        summary=_l("证照登记簿"),
        parameters=[LicenceListQuery],
        description=_l(
            "调用者权限范围内的证照：工作人员为本区划及下级区划，持证人为本人（本单位）的证照。"
            "状态按今日计算（有效期已过的为 expired）。"
        ),
        responses={
            200: LicenceRowSerializer(many=True),
            400: ErrorSerializer,
            403: ErrorSerializer,
        },
    )
    def get(self, request):
        return super().get(request)


class LicenceDetail(SignedInMixin, APIView):
    @extend_schema(
        tags=[LICENCES],
        operation_id="get_licence",
        summary=_l("证照详情"),
        parameters=[ID],
        description=_l(
            "证照的当前内容、各版本（新办、变更、延续、补证）及其证照文书、办理过的办件。"
        ),
        responses={200: LicenceDetailSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request, pk):
        licence = get_object_or_404(
            visible_licences(request.user).select_related(
                "holder", "case__handling_item__item_version"
            ),
            pk=pk,
        )
        licence.history = licence_history(licence)
        return Response(LicenceDetailSerializer(licence, context={"on": today()}).data)
