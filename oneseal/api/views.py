"""The public, read-only catalogue API (/api/v1/). Anyone may read what is published; no
endpoint here shows a draft. Each view parses its query string with a query serializer
(a bad parameter is a 400 naming it), reads through a query function and renders."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.catalogue import queries
from oneseal.catalogue.models import ItemVersion
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.interface.rest import ErrorSerializer
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

from . import serializers as s

CATALOGUE = "catalogue"
REPORTS = "reports"
ERRORS = {400: ErrorSerializer, 404: ErrorSerializer}


def parse_query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def document(**schema):
    """The OpenAPI description of a view's GET (class decorators cannot take operation ids)."""
    return extend_schema_view(get=extend_schema(**schema))


class PublicReadMixin:
    permission_classes = [AllowAny]


@document(
    tags=["regions"],
    operation_id="list_regions",
    parameters=[s.RegionQuery],
    summary=_l("行政区划列表"),
    responses={200: s.RegionSerializer(many=True), 400: ErrorSerializer},
)
class RegionList(PublicReadMixin, generics.ListAPIView):
    serializer_class = s.RegionSerializer

    def get_queryset(self):
        params = parse_query(s.RegionQuery, self.request)
        return queries.regions(parent=params.get("parent"), level=params.get("level", ""))


@document(
    tags=["regions"],
    operation_id="get_region",
    summary=_l("行政区划详情"),
    responses={200: s.RegionDetailSerializer, 404: ErrorSerializer},
)
class RegionDetail(PublicReadMixin, generics.RetrieveAPIView):
    serializer_class = s.RegionDetailSerializer
    queryset = queries.region_with_ancestors()
    lookup_field = "code"


@document(
    tags=[CATALOGUE],
    operation_id="list_catalogues",
    parameters=[s.RegionFilterQuery],
    summary=_l("事项目录列表"),
    responses={200: s.CatalogueSerializer(many=True), 400: ErrorSerializer},
)
class CatalogueList(PublicReadMixin, generics.ListAPIView):
    serializer_class = s.CatalogueSerializer

    def get_queryset(self):
        return queries.catalogues(
            region=parse_query(s.RegionFilterQuery, self.request).get("region")
        )


@document(
    tags=[CATALOGUE],
    operation_id="list_departments",
    parameters=[s.RegionFilterQuery],
    summary=_l("行业主管部门列表（含下级区划）"),
    responses={200: s.DepartmentSerializer(many=True), 400: ErrorSerializer},
)
class DepartmentList(PublicReadMixin, generics.ListAPIView):
    serializer_class = s.DepartmentSerializer

    def get_queryset(self):
        return queries.departments(
            region=parse_query(s.RegionFilterQuery, self.request).get("region")
        )


@document(
    tags=[CATALOGUE],
    operation_id="list_topics",
    summary=_l("主题列表"),
    responses={200: s.TopicSerializer(many=True)},
)
class TopicList(PublicReadMixin, generics.ListAPIView):
    serializer_class = s.TopicSerializer

    def get_queryset(self):
        return queries.topics()


@document(
    tags=[CATALOGUE],
    operation_id="list_items",
    parameters=[s.ItemQuery],
    summary=_l("事项列表"),
    description=_l(
        "一个事项目录在某日有效的事项（已发布版本）及其办理项。须提供 region 或 catalogue；"
        "未发布的草稿不公开。"
    ),
    responses={200: s.ItemVersionSerializer(many=True), 400: ErrorSerializer},
)
class ItemList(PublicReadMixin, generics.ListAPIView):
    serializer_class = s.ItemVersionSerializer

    def get_queryset(self):
        if "include_drafts" in self.request.query_params:
            raise ValidationFailed(
                _("公开接口只提供已发布的事项"),
                fields={"include_drafts": [_("公开接口不提供未发布的草稿")]},
            )
        params = parse_query(s.ItemQuery, self.request)
        catalogue, region = params.get("catalogue"), params.get("region")
        if catalogue is None and region is None:
            raise ValidationFailed(
                _("请提供区划代码或事项目录编号"),
                fields={"region": [_("请提供 region（区划代码）或 catalogue（事项目录编号）")]},
            )
        if catalogue is None:
            catalogue = queries.local_catalogue(region)
            if catalogue is None:
                raise ValidationFailed(
                    _("该区划没有本级事项目录"),
                    fields={"region": [_("区划 {code} 没有本级事项目录").format(code=region.code)]},
                )
        elif region is not None and catalogue.region_id != region.pk:
            raise ValidationFailed(
                _("事项目录与区划不符"),
                fields={
                    "catalogue": [
                        _("事项目录 {id} 不属于区划 {code}").format(
                            id=catalogue.pk, code=region.code
                        )
                    ]
                },
            )
        return queries.listed_items(
            catalogue,
            on=params.get("on"),
            department=params.get("department"),
            topic=params.get("topic"),
            applicant_type=params.get("applicant_type", ""),
            item_type=params.get("item_type", ""),
            transfer_status=params.get("transfer_status", ""),
            name_contains=params.get("q", ""),
        )


@document(
    tags=[CATALOGUE],
    operation_id="get_item",
    summary=_l("事项详情（按版本编号）"),
    description=_l("一个已发布事项版本及其办理项；版本编号见事项列表的 id。"),
    responses={200: s.ItemVersionDetailSerializer, 404: ErrorSerializer},
)
class ItemDetail(PublicReadMixin, generics.RetrieveAPIView):
    serializer_class = s.ItemVersionDetailSerializer
    queryset = queries.published_versions()


@document(
    tags=[CATALOGUE],
    operation_id="get_item_history",
    summary=_l("事项调整记录"),
    description=_l(
        "该版本所属事项的全部已发布版本：调整类型、原因、依据、起草和发布人、生效期间。"
    ),
    parameters=[
        OpenApiParameter(
            "id",
            OpenApiTypes.INT,
            OpenApiParameter.PATH,
            description=_l("该事项任一已发布版本的编号"),
        )
    ],
    responses={200: s.HistoryEntrySerializer(many=True), 404: ErrorSerializer},
)
class ItemHistory(PublicReadMixin, generics.ListAPIView):
    serializer_class = s.HistoryEntrySerializer

    def get_queryset(self):
        version = get_object_or_404(ItemVersion.objects.published(), pk=self.kwargs["pk"])
        return queries.item_history(version)


@document(
    tags=[CATALOGUE],
    operation_id="get_handling_item",
    summary=_l("办事指南"),
    description=_l(
        "办理项的完整办事指南：条件、材料、环节、特别程序、时限、收费、送达方式及所属事项版本。"
    ),
    responses={200: s.ServiceGuideSerializer, 404: ErrorSerializer},
)
class HandlingItemDetail(PublicReadMixin, generics.RetrieveAPIView):
    serializer_class = s.ServiceGuideSerializer
    queryset = queries.published_handling_items()


@document(
    tags=[REPORTS],
    operation_id="get_transfer_report",
    parameters=[s.TransferReportQuery],
    summary=_l("划转情况统计"),
    description=_l("按原审批部门统计事项和办理项的划转、进驻、不划转数量及合计。"),
    responses={200: s.TransferReportSerializer, **ERRORS, 403: ErrorSerializer},
)
class TransferReportView(PublicReadMixin, APIView):
    def get(self, request):
        params = parse_query(s.TransferReportQuery, request)
        region, include_drafts = params["region"], params["include_drafts"]
        if include_drafts and not (
            has_role(request.user, Role.CATALOGUE_ADMIN, region)
            or has_role(request.user, Role.OVERSEER, region)
        ):
            raise NotPermitted(
                fields={"include_drafts": [_("只有本区划的事项目录管理员和监督人员可以统计草稿")]}
            )
        report = queries.transfer_report(region, on=params.get("on"), include_drafts=include_drafts)
        return Response(s.TransferReportSerializer(report.as_dict()).data)


@document(
    tags=[REPORTS],
    operation_id="get_guidance_gaps",
    parameters=[s.GuidanceGapsQuery],
    summary=_l("指导目录缺项"),
    description=_l("本省指导目录中本区划事项目录未列入的事项，以及已说明无此权力的事项。"),
    responses={200: s.GuidanceGapsSerializer, **ERRORS},
)
class GuidanceGapsView(PublicReadMixin, APIView):
    def get(self, request):
        params = parse_query(s.GuidanceGapsQuery, request)
        report = queries.guidance_gaps(params["region"], on=params.get("on"))
        return Response(s.GuidanceGapsSerializer(report.as_dict()).data)
