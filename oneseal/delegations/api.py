"""The delegations API (/api/v1/delegations…): the delegations the caller sees
(`queries.visible_delegations`, a 404 outside it), issuing, renewing and taking back a 委托书
(a signatory of the bureau's region; `actions`), and the statistics per township centre."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.calendars.queries import today
from oneseal.catalogue.models import Item
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.interface.rest import ErrorSerializer, listed_choices, parse
from oneseal.organisation.models import ServiceCentre
from oneseal.organisation.rules import staff_of

from . import actions, queries
from .models import Delegation, Mode

TAG = "delegations"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class DelegationSerializer(serializers.ModelSerializer):
    bureau = serializers.CharField(source="bureau.name")
    service_centre = serializers.IntegerField(source="service_centre_id")
    service_centre_name = serializers.CharField(source="service_centre.name")
    region = serializers.CharField(source="service_centre.region.code")
    items = serializers.SerializerMethodField()
    mode_display = serializers.CharField(source="get_mode_display")
    standing = serializers.SerializerMethodField()
    renews = serializers.CharField(source="renews.number", allow_null=True, default=None)

    class Meta:
        model = Delegation
        fields = [
            "id",
            "number",
            "bureau",
            "service_centre",
            "service_centre_name",
            "region",
            "items",
            "mode",
            "mode_display",
            "legal_basis",
            "valid_from",
            "valid_until",
            "state",
            "standing",
            "revoked_on",
            "revoked_reason",
            "renews",
            "sha256",
            "verification_code",
        ]
        read_only_fields = fields

    def get_items(self, obj: Delegation) -> list[str]:
        return sorted(i.basic_code for i in obj.items.all())

    def get_standing(self, obj: Delegation) -> str:
        return obj.standing(today())


class DelegateInput(serializers.Serializer):
    service_centre = serializers.IntegerField(help_text=gettext_lazy("便民服务中心 id"))
    items = serializers.ListField(
        child=serializers.CharField(max_length=64),
        help_text=gettext_lazy("委托事项的基本编码"),
        allow_empty=True,
    )
    mode = listed_choices(Mode.choices, help_text=gettext_lazy("委托方式"))
    legal_basis = serializers.CharField(max_length=2000, allow_blank=True)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()


class RenewInput(serializers.Serializer):
    valid_until = serializers.DateField()
    legal_basis = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, allow_blank=True)


class CentreRowSerializer(serializers.Serializer):
    centre = serializers.IntegerField(source="centre.pk")
    centre_name = serializers.CharField(source="centre.name")
    region = serializers.CharField(source="centre.region.code")
    delegations_in_force = serializers.IntegerField()
    items_in_force = serializers.IntegerField()
    decides = serializers.BooleanField()
    received = serializers.IntegerField()
    accepted = serializers.IntegerField()
    refused = serializers.IntegerField()
    decided = serializers.IntegerField()
    open = serializers.IntegerField()


class Delegations(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    serializer_class = DelegationSerializer

    def get_queryset(self) -> QuerySet[Delegation]:
        return queries.visible_delegations(self.request.user).prefetch_related("items")

    @extend_schema(tags=[TAG], operation_id="list_delegations", summary=gettext_lazy("委托书列表"))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        operation_id="delegate",
        summary=gettext_lazy("签发委托书"),
        description=gettext_lazy("本局签批领导签发，加盖审批专用章。"),
        request=DelegateInput,
        responses={201: DelegationSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(DelegateInput, request.data)
        staff = staff_of(request.user)
        if staff is None or staff.bureau is None:
            raise NotPermitted()
        bureau = staff.bureau
        centre = ServiceCentre.objects.filter(pk=data.pop("service_centre")).first()
        codes = data.pop("items")
        items = list(Item.objects.filter(catalogue__region=bureau.region, basic_code__in=codes))
        unknown = sorted(set(codes) - {i.basic_code for i in items})
        if unknown:
            raise ValidationFailed(
                fields={"items": [gettext_lazy("本局目录中没有这些事项：") + "、".join(unknown)]}
            )
        delegation = actions.delegate(
            bureau, actor=request.user, service_centre=centre, items=items, **data
        )
        return Response(DelegationSerializer(delegation).data, status=status.HTTP_201_CREATED)


class DelegationDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="get_delegation",
        summary=gettext_lazy("委托书详情"),
        responses={200: DelegationSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        delegation = get_object_or_404(queries.visible_delegations(request.user), pk=pk)
        return Response(DelegationSerializer(delegation).data)


class DelegationRenew(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="renew_delegation",
        summary=gettext_lazy("委托续期"),
        request=RenewInput,
        responses={201: DelegationSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        delegation = get_object_or_404(queries.visible_delegations(request.user), pk=pk)
        data = parse(RenewInput, request.data)
        renewed = actions.renew(delegation, actor=request.user, **data)
        return Response(DelegationSerializer(renewed).data, status=status.HTTP_201_CREATED)


class DelegationRevoke(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="revoke_delegation",
        summary=gettext_lazy("收回委托"),
        request=RevokeInput,
        responses={200: DelegationSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        delegation = get_object_or_404(queries.visible_delegations(request.user), pk=pk)
        data = parse(RevokeInput, request.data)
        return Response(
            DelegationSerializer(actions.revoke(delegation, actor=request.user, **data)).data
        )


class TownshipStatistics(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="township_statistics",
        summary=gettext_lazy("各乡镇（街道）便民服务中心办件统计（本年收件）"),
        responses={200: CentreRowSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        on = today()
        rows = queries.township_statistics(request.user, datetime.date(on.year, 1, 1), on, on=on)
        return Response(CentreRowSerializer(rows, many=True).data)
