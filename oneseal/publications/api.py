"""The register's API. `GET /api/v1/publications/` is public and read-only: the published
decisions in the shape of the credit platform's 行政许可 feed (`feed.feed_row`), filtered like
the page (q, region, kind) and paged (limit, offset). Staff read every publication of their
region at `/api/v1/publications/manage` and publish or withdraw one
(`/api/v1/publications/{id}/publish`, `…/withdraw` with a reason); outside their region a 404,
without the role a 403. Every write is one action of `actions`."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.api.pagination import BoundedLimitOffsetPagination
from oneseal.calendars.queries import today
from oneseal.interface.rest import ErrorSerializer, parse

from . import actions, queries
from .feed import feed_row
from .models import Publication

TAG = "publications"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class FeedSerializer(serializers.Serializer):
    """One record of the feed; the field names are the data standard's."""

    id = serializers.IntegerField()
    XK_XDR_MC = serializers.CharField(allow_null=True, help_text="行政相对人名称")
    XK_XDR_LB = serializers.CharField(allow_null=True, help_text="行政相对人类别")
    XK_XDR_SHXYM = serializers.CharField(allow_null=True, help_text="统一社会信用代码")
    XK_XKWS = serializers.CharField(allow_null=True, help_text="行政许可决定文书名称")
    XK_WSH = serializers.CharField(allow_null=True, help_text="行政许可决定文书号")
    XK_XKZS = serializers.CharField(allow_null=True, help_text="许可证书名称")
    XK_XKBH = serializers.CharField(allow_null=True, help_text="许可编号")
    XK_NR = serializers.CharField(allow_null=True, help_text="许可内容")
    XK_JDRQ = serializers.CharField(allow_null=True, help_text="许可决定日期")
    XK_YXQZ = serializers.CharField(allow_null=True, help_text="有效期自")
    XK_YXQZI = serializers.CharField(allow_null=True, help_text="有效期至")
    XK_XKJG = serializers.CharField(allow_null=True, help_text="许可机关")
    XK_XKJGDM = serializers.CharField(allow_null=True, help_text="许可机关统一社会信用代码")
    XK_ZT = serializers.CharField(allow_null=True, help_text="当前状态")
    XK_LYDW = serializers.CharField(allow_null=True, help_text="数据来源单位")
    XK_LYDWDM = serializers.CharField(allow_null=True, help_text="数据来源单位统一社会信用代码")
    BZ = serializers.CharField(allow_null=True, help_text="备注")
    kind = serializers.CharField(allow_null=True, help_text="决定类型")
    region_code = serializers.CharField(allow_null=True, help_text="区划代码")
    region = serializers.CharField(allow_null=True, help_text="行政区划")
    published_at = serializers.CharField(allow_null=True, help_text="公示时间")

    def to_representation(self, instance: dict) -> dict:
        return feed_row(instance)


class StaffPublicationSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_code")
    kind_display = serializers.CharField(source="get_kind_display")
    state_display = serializers.CharField(source="get_state_display")
    published_by = serializers.CharField(source="published_by.username", allow_null=True)
    withdrawn_by = serializers.CharField(source="withdrawn_by.username", allow_null=True)

    class Meta:
        model = Publication
        fields = [
            "id",
            "kind",
            "kind_display",
            "holder_name",
            "holder_credit_code",
            "licence_number",
            "item_name",
            "decided_on",
            "due_on",
            "due_provisional",
            "state",
            "state_display",
            "published_at",
            "published_by",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
            "region",
        ]
        read_only_fields = fields


FILTERS = [
    OpenApiParameter("q", str, description="行政相对人、许可编号或事项"),
    OpenApiParameter("region", str, description="区划代码（含下级）"),
    OpenApiParameter(
        "kind", str, description="grant / change / renewal / cancellation / revocation"
    ),
]


class PublicFeed(APIView):
    permission_classes = [AllowAny]
    pagination_class = BoundedLimitOffsetPagination

    @extend_schema(
        tags=[TAG],
        operation_id="list_publications",
        summary=gettext_lazy("行政许可公示（公开，信用中国“双公示”行政许可数据项）"),
        parameters=FILTERS,
        responses={200: FeedSerializer(many=True), 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        rows = queries.public_register(queries.filters_from(request.query_params))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(FeedSerializer(page, many=True).data)


class StaffList(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = BoundedLimitOffsetPagination

    @extend_schema(
        tags=[TAG],
        operation_id="list_publications_staff",
        summary=gettext_lazy("本辖区的许可公示（待公示、已公示、已撤回）"),
        parameters=[*FILTERS, OpenApiParameter("state", str)],
        responses={200: StaffPublicationSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        rows = queries.staff_list(
            request.user,
            queries.filters_from(request.query_params),
            request.query_params.get("state", ""),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(StaffPublicationSerializer(page, many=True).data)


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _visible(request: Request, pk: int) -> Publication:
    return get_object_or_404(queries.visible_publications(request.user), pk=pk)


class Publish(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="publish_publication",
        summary=gettext_lazy("立即公示（窗口人员或签批领导）"),
        request=None,
        responses={200: StaffPublicationSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        row = actions.publish(_visible(request, pk), actor=request.user, today=today())
        return Response(StaffPublicationSerializer(row).data)


class Withdraw(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="withdraw_publication",
        summary=gettext_lazy("撤回公示（签批领导，须说明理由）"),
        request=WithdrawInput,
        responses={200: StaffPublicationSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        publication = _visible(request, pk)
        data = parse(WithdrawInput, request.data)
        row = actions.withdraw(publication, actor=request.user, reason=data["reason"])
        return Response(StaffPublicationSerializer(row).data)
