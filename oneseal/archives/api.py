"""The archives API (/api/v1/archives…), scoped as the pages (`queries.visible_archives`):
search, an archive with its files, one file's bytes (checked against its SHA-256), and for
an archivist the hand-over list of a period and the batches handed over."""

import io
from typing import Any

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oneseal.errors import NotPermitted
from oneseal.interface.rest import ErrorSerializer, date_field, parse

from . import actions, integrity, queries
from .models import Archive, ArchiveFile, ArchiveHandover, ArchiveSupplement

TAG = "archives"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class ArchiveFileSerializer(serializers.ModelSerializer):
    supplement: "serializers.SlugRelatedField[ArchiveSupplement]" = serializers.SlugRelatedField(
        read_only=True,
        slug_field="number",
        allow_null=True,
        help_text=gettext_lazy("所在的补充归档号；原归档包的文件为 null"),
    )

    class Meta:
        model = ArchiveFile
        fields = [
            "supplement",
            "position",
            "name",
            "title",
            "kind",
            "dated",
            "content_type",
            "size",
            "sha256",
            "pdfa",
        ]
        read_only_fields = fields


class ArchiveSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    applicant = serializers.CharField(source="case.applicant.name")
    item = serializers.CharField(source="case.handling_item.item_version.name")
    handover = serializers.CharField(source="handover.number", allow_null=True, default=None)

    class Meta:
        model = Archive
        fields = [
            "id",
            "number",
            "case",
            "case_number",
            "applicant",
            "item",
            "title",
            "year",
            "retention",
            "retention_basis",
            "archived_at",
            "archived_on",
            "files_count",
            "package_size",
            "package_sha256",
            "manifest_sha256",
            "handover",
        ]
        read_only_fields = fields


class ArchiveSupplementSerializer(serializers.ModelSerializer):
    archive: "serializers.SlugRelatedField[Archive]" = serializers.SlugRelatedField(
        read_only=True, slug_field="number"
    )

    class Meta:
        model = ArchiveSupplement
        fields = [
            "archive",
            "sequence",
            "number",
            "first_event_seq",
            "last_event_seq",
            "last_event_hash",
            "files_count",
            "package_size",
            "package_sha256",
            "manifest_sha256",
            "archived_at",
            "archived_on",
        ]
        read_only_fields = fields


class ArchiveDetailSerializer(ArchiveSerializer):
    files = ArchiveFileSerializer(many=True)
    supplements = ArchiveSupplementSerializer(many=True)

    class Meta(ArchiveSerializer.Meta):
        fields = [
            *ArchiveSerializer.Meta.fields,
            "last_event_seq",
            "last_event_hash",
            "files",
            "supplements",
        ]
        read_only_fields = fields


class SearchInput(serializers.Serializer):
    number = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    applicant = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    item = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, default=None)


class PeriodInput(serializers.Serializer):
    period_from = date_field(gettext_lazy("归档日期起 YYYY-MM-DD"))
    period_to = date_field(gettext_lazy("归档日期止 YYYY-MM-DD"))

    def validate(self, attrs: dict) -> dict:
        missing = {
            name: [gettext_lazy("请填写日期")]
            for name in ("period_from", "period_to")
            if attrs.get(name) is None
        }
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class ArchiveHandOverInput(PeriodInput):
    received_by = serializers.CharField(max_length=100, help_text=gettext_lazy("档案接收人"))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ArchiveHandoverSerializer(serializers.ModelSerializer):
    archives: "serializers.SlugRelatedField[Archive]" = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="number"
    )
    supplements: "serializers.SlugRelatedField[ArchiveSupplement]" = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="number"
    )

    class Meta:
        model = ArchiveHandover
        fields = [
            "id",
            "number",
            "period_from",
            "period_to",
            "archives_count",
            "files_count",
            "bytes_total",
            "list_sha256",
            "received_by",
            "note",
            "handed_over_at",
            "handed_over_on",
            "archives",
            "supplements",
        ]
        read_only_fields = fields


class ArchiveHandoverListSerializer(serializers.Serializer):
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    files = serializers.IntegerField()
    bytes_total = serializers.IntegerField()
    checksum = serializers.CharField()
    by_retention = serializers.DictField(child=serializers.IntegerField())
    archives = ArchiveSerializer(many=True)
    supplements = ArchiveSupplementSerializer(many=True)


def _search_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter("number", str, description=gettext_lazy("办件编号或档号（包含）")),
        OpenApiParameter(
            "applicant", str, description=gettext_lazy("申请人名称或统一社会信用代码")
        ),
        OpenApiParameter("item", str, description=gettext_lazy("事项名称或基本编码")),
        OpenApiParameter("year", int, description=gettext_lazy("归档年度")),
    ]


class Archives(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="search_archives",
        summary=gettext_lazy("查询电子档案"),
        parameters=_search_parameters(),
        responses={200: ArchiveSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        data = parse(SearchInput, request.query_params)
        found = queries.search(request.user, **data)[:200]
        return Response(ArchiveSerializer(found, many=True).data)


class ArchiveDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="get_archive",
        summary=gettext_lazy("电子档案及其卷内文件"),
        responses={200: ArchiveDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        archive = get_object_or_404(queries.visible_archives(request.user), pk=pk)
        return Response(ArchiveDetailSerializer(archive).data)


class ArchiveFileContent(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="get_archive_file",
        summary=gettext_lazy("下载卷内文件（校验值不符时拒绝）"),
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request: Request, pk: int, position: int) -> Any:
        archive = get_object_or_404(queries.visible_archives(request.user), pk=pk)
        row = get_object_or_404(archive.files.select_related("supplement"), position=position)
        content = integrity.read_member(row.supplement or archive, row.name, row.sha256)
        response = FileResponse(
            io.BytesIO(content),
            as_attachment=True,
            filename=row.name,
            content_type=row.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response


class HandoverListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="archive_handover_list",
        summary=gettext_lazy("档案移交清单（期间内待移交的档案、件数与校验值）"),
        parameters=[
            OpenApiParameter("period_from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("period_to", OpenApiTypes.DATE, required=True),
        ],
        responses={200: ArchiveHandoverListSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        if queries.handover_bureau(request.user) is None:
            raise NotPermitted()
        data = parse(PeriodInput, request.query_params)
        listing = queries.handover_list(request.user, data["period_from"], data["period_to"])
        return Response(ArchiveHandoverListSerializer(listing).data)


class Handovers(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        operation_id="list_archive_handovers",
        summary=gettext_lazy("档案移交批次"),
        responses={200: ArchiveHandoverSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(
            ArchiveHandoverSerializer(queries.visible_handovers(request.user)[:200], many=True).data
        )

    @extend_schema(
        tags=[TAG],
        operation_id="hand_over_archives",
        summary=gettext_lazy("确认期间内的档案已移交档案馆"),
        request=ArchiveHandOverInput,
        responses={201: ArchiveHandoverSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(ArchiveHandOverInput, request.data)
        batch = actions.hand_over(actor=request.user, **data)
        return Response(ArchiveHandoverSerializer(batch).data, status=status.HTTP_201_CREATED)
